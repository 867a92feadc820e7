//! Accounts, roles, sessions and API tokens.
//!
//! Roles: agency staff (`clerk`, `reviewer`, `administrator`) see everything;
//! a `unit` user (an employer or a platform) sees only its own unit's people,
//! bills and cases; a `worker` only their own records; an `analyst` only
//! statistics. What each role may do is [`Role::may`] (in [`crate::actor`]);
//! the scope of the records a user sees is [`Account::scope`].
//!
//! Secrets: passwords are argon2id PHC strings; session ids and API tokens
//! are 256 random bits handed out once, stored as their BLAKE2s-256 hash
//! (a fast hash is enough for a random value: there is nothing to guess).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use blake2::{Blake2s256, Digest};
use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_store::{ApiToken, NewUser, Page, StoredResponse, User};
use jiff::{SignedDuration, Timestamp};
use password_hash::rand_core::{OsRng, RngCore};
use serde::Serialize;

use crate::App;
pub use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;

/// A user's role.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Agency clerk (经办人): registers, enrols, bills, records payments.
    Clerk,
    /// Agency reviewer (审核人): reads everything, decides cases.
    Reviewer,
    /// Agency administrator: what a clerk does, and accounts.
    Administrator,
    /// A unit's user (an employer or a platform): its own unit only.
    Unit,
    /// A worker: their own records only.
    Worker,
    /// An analyst: statistics only, read-only.
    Analyst,
    /// The service centre's front desk (综合受理窗口): files and triages
    /// tickets, refers, closes.
    FrontDesk,
    /// A mediator of the service centre (即时调解): records sessions,
    /// settles, refers, closes.
    Mediator,
    /// A partner body (arbitration, inspection, legal aid, a union
    /// station...): only the tickets referred to it, and their status.
    Partner,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Clerk,
        Role::Reviewer,
        Role::Administrator,
        Role::Unit,
        Role::Worker,
        Role::Analyst,
        Role::FrontDesk,
        Role::Mediator,
        Role::Partner,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Administrator => "administrator",
            Role::Unit => "unit",
            Role::Worker => "worker",
            Role::Analyst => "analyst",
            Role::FrontDesk => "front_desk",
            Role::Mediator => "mediator",
            Role::Partner => "partner",
        }
    }

    pub fn parse(text: &str) -> Result<Role, AppError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                AppError::invalid(
                    "role",
                    format!(
                        "{text:?} is not a role; expected one of clerk, reviewer, administrator, unit, worker, analyst, front_desk, mediator, partner"
                    ),
                )
            })
    }

    /// Agency staff see every record.
    pub const fn is_agency(self) -> bool {
        matches!(self, Role::Clerk | Role::Reviewer | Role::Administrator)
    }
}

/// A signed-in user, without secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Account {
    pub(crate) fn from_user(u: User) -> Result<Account, AppError> {
        let role = Role::parse(&u.role)?;
        let scope = match role {
            Role::Clerk | Role::Reviewer | Role::Administrator => Scope::All,
            Role::Unit => Scope::Unit {
                unit: u
                    .unit
                    .ok_or_else(|| AppError::invalid("unit", "a unit user without a unit"))?,
                platform: u.platform,
            },
            Role::Worker => Scope::Person(
                u.person
                    .ok_or_else(|| AppError::invalid("person", "a worker without a person"))?,
            ),
            Role::Analyst => Scope::StatisticsOnly,
            // The centre's staff reach every ticket; their actions are
            // only the ticket ones (the table).
            Role::FrontDesk | Role::Mediator => Scope::All,
            Role::Partner => Scope::Partner(u.partner_body.ok_or_else(|| {
                AppError::invalid("partner_body", "a partner user without a body")
            })?),
        };
        Ok(Account {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            role,
            scope,
        })
    }

    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

    /// The unit of a unit user.
    pub fn unit(&self) -> Option<&CreditCode> {
        match &self.scope {
            Scope::Unit { unit, .. } => Some(unit),
            _ => None,
        }
    }

    /// The person a worker is.
    pub fn person(&self) -> Option<&ResidentId> {
        match &self.scope {
            Scope::Person(p) => Some(p),
            _ => None,
        }
    }

    /// The account acting.
    pub fn actor(&self) -> Actor {
        Actor {
            login: self.login.clone(),
            role: self.role,
            scope: self.scope.clone(),
        }
    }

    /// What the audit log records as the actor: `role:login`.
    pub fn audit_name(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.login)
    }
}

/// An account to create, as people write it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountInput {
    pub login: String,
    pub display_name: String,
    pub role: String,
    /// The credit code of a unit user's unit.
    pub unit: Option<String>,
    /// The platform id (`meituan`, ...) a platform's unit user imports for.
    pub platform: Option<String>,
    /// The identity number of a worker.
    pub person: Option<String>,
    /// At least 10 characters; `None` for an account that uses tokens only.
    pub password: Option<String>,
    /// The body (`xm-arbitration`, ...) a partner user acts for
    /// (`policies/xiamen/rights/service_centre.toml`).
    pub partner_body: Option<String>,
}

/// How costly a password hash is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the crate's defaults (19 MiB, 2 passes): real accounts.
    Standard,
    /// argon2id with the smallest parameters: tests and demo logins only.
    Minimal,
}

/// An account as an administrator lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountListing {
    pub account: Account,
    pub disabled: bool,
    pub created_at: Timestamp,
    pub tokens: Vec<TokenInfo>,
}

/// An API token as an administrator sees it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl From<&ApiToken> for TokenInfo {
    fn from(t: &ApiToken) -> Self {
        TokenInfo {
            id: t.id,
            label: t.label.clone(),
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A session just started: `session_id` goes in the cookie and is never
/// stored; the form posts of the session carry `csrf_token`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    pub session_id: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    pub account: Account,
}

/// A running session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The hash under which a session id or an API token is stored.
pub fn secret_hash(secret: &str) -> String {
    let digest = Blake2s256::digest(secret.as_bytes());
    hex(&digest)
}

fn hex(bytes: &[u8]) -> String {
    // Every authenticated request hashes its token: no formatting machinery.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// 256 random bits as hex, with a prefix that tells what the secret is.
fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex(&bytes))
}

/// A fresh random token for a form without a session (the login form's
/// CSRF token): 256 random bits as hex.
pub fn new_form_token() -> String {
    random_secret("")
}

fn argon2(cost: PasswordCost) -> Argon2<'static> {
    let params = match cost {
        PasswordCost::Standard => Params::default(),
        PasswordCost::Minimal => Params::new(Params::MIN_M_COST.max(64), 1, 1, None)
            .unwrap_or_else(|_| Params::default()),
    };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The argon2id PHC string of a password.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2(cost)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::invalid("password", format!("cannot be hashed: {e}")))
}

/// Checks a password against its PHC string (with the parameters the string
/// names).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

impl App {
    /// Creates an account: the unit or the person must exist, a password has
    /// at least 10 characters.
    pub fn create_account(
        &self,
        actor: &Actor,
        input: &AccountInput,
        cost: PasswordCost,
    ) -> Result<Account, AppError> {
        actor.authorize(Action::ManageAccounts)?;
        let login = input.login.trim();
        if login.is_empty()
            || login.len() > 64
            || !login
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
        {
            return Err(AppError::invalid(
                "login",
                format!("{login:?}; expected 1 to 64 ASCII letters, digits or . _ - @"),
            ));
        }
        let role = Role::parse(input.role.trim())?;
        let unit = match (&input.unit, role) {
            (Some(code), Role::Unit) => {
                let code = CreditCode::parse(code.trim())?;
                if self.store.unit_by_code(&code)?.is_none() {
                    return Err(AppError::NotFound {
                        entity: "unit",
                        key: code.as_str().to_owned(),
                    });
                }
                Some(code)
            }
            (None, Role::Unit) => {
                return Err(AppError::invalid(
                    "unit",
                    "missing; a unit user needs the credit code of its unit",
                ));
            }
            (Some(_), _) => {
                return Err(AppError::invalid(
                    "unit",
                    format!("only a unit user has a unit, not a {}", role.as_str()),
                ));
            }
            (None, _) => None,
        };
        let platform = match &input.platform {
            Some(p) if role == Role::Unit => Some(PlatformId::parse(p.trim())?),
            Some(_) => {
                return Err(AppError::invalid(
                    "platform",
                    "only a platform's unit user has a platform",
                ));
            }
            None => None,
        };
        let person = match (&input.person, role) {
            (Some(id), Role::Worker) => {
                let id = ResidentId::parse(id.trim())?;
                if self.store.person_by_resident_id(&id)?.is_none() {
                    return Err(AppError::NotFound {
                        entity: "person",
                        key: id.masked(),
                    });
                }
                Some(id)
            }
            (None, Role::Worker) => {
                return Err(AppError::invalid(
                    "person",
                    "missing; a worker account needs the person's identity number",
                ));
            }
            (Some(_), _) => {
                return Err(AppError::invalid(
                    "person",
                    format!("only a worker has a person, not a {}", role.as_str()),
                ));
            }
            (None, _) => None,
        };
        let partner_body = match (&input.partner_body, role) {
            (Some(body), Role::Partner) => {
                Some(crate::tickets::catalogue().body(body.trim())?.key.clone())
            }
            (None, Role::Partner) => {
                return Err(AppError::invalid(
                    "partner_body",
                    "missing; a partner user needs the key of its body",
                ));
            }
            (Some(_), _) => {
                return Err(AppError::invalid(
                    "partner_body",
                    format!("only a partner user has a body, not a {}", role.as_str()),
                ));
            }
            (None, _) => None,
        };
        let password_hash = match &input.password {
            Some(p) if p.chars().count() < 10 => {
                return Err(AppError::invalid(
                    "password",
                    format!("{} characters; at least 10", p.chars().count()),
                ));
            }
            Some(p) => Some(hash_password(p, cost)?),
            None => None,
        };
        let display_name = if input.display_name.trim().is_empty() {
            login.to_owned()
        } else {
            input.display_name.trim().to_owned()
        };
        let user = self.store.create_user(
            &NewUser {
                login: login.to_owned(),
                display_name,
                role: role.as_str().to_owned(),
                unit,
                person,
                platform,
                password_hash,
                partner_body,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Account::from_user(user)
    }

    pub fn account_by_login(&self, login: &str) -> Result<Option<Account>, AppError> {
        self.store
            .user_by_login(login)?
            .map(Account::from_user)
            .transpose()
    }

    /// A page of accounts, each with whether it is disabled and its API
    /// tokens (administrators).
    pub fn list_accounts(
        &self,
        actor: &Actor,
        page: Page,
    ) -> Result<Vec<AccountListing>, AppError> {
        actor.authorize(Action::ManageAccounts)?;
        let users = self.store.list_users(page)?;
        let (Some(first), Some(last)) = (users.first(), users.last()) else {
            return Ok(Vec::new());
        };
        let mut tokens = self.store.api_tokens_of_users(first.id, last.id)?;
        let mut out = Vec::with_capacity(users.len());
        for user in users {
            let disabled = user.disabled;
            let created_at = user.created_at;
            let account = Account::from_user(user)?;
            let mine: Vec<TokenInfo> = tokens
                .iter()
                .filter(|t| t.user_id == account.id)
                .map(TokenInfo::from)
                .collect();
            tokens.retain(|t| t.user_id != account.id);
            out.push(AccountListing {
                account,
                disabled,
                created_at,
                tokens: mine,
            });
        }
        Ok(out)
    }

    /// Disables (`true`) or enables an account (administrators), at once:
    /// a disabled account cannot sign in, its sessions are ended, and its
    /// tokens are refused until it is enabled again. An administrator may
    /// not disable their own account (someone must be left to enable it).
    pub fn set_account_disabled(
        &self,
        actor: &Actor,
        login: &str,
        disabled: bool,
    ) -> Result<AccountListing, AppError> {
        actor.authorize(Action::ManageAccounts)?;
        let login = login.trim();
        if disabled && login == actor.login {
            return Err(AppError::invalid(
                "login",
                format!("{login} is your own account; another administrator may disable it"),
            ));
        }
        let user = self
            .store
            .set_user_disabled(login, disabled, &actor.audit_name(), self.now())
            .map_err(|e| match e {
                gongshang_store::StoreError::NotFound { .. } => AppError::NotFound {
                    entity: "user",
                    key: login.to_owned(),
                },
                other => AppError::Store(other),
            })?;
        let tokens = self
            .store
            .api_tokens_of_users(user.id, user.id)?
            .iter()
            .map(TokenInfo::from)
            .collect();
        let created_at = user.created_at;
        Ok(AccountListing {
            disabled: user.disabled,
            created_at,
            account: Account::from_user(user)?,
            tokens,
        })
    }

    /// Checks the password and starts a session of [`SESSION_HOURS`];
    /// `None` when the login or the password is wrong (the caller does not
    /// learn which) or the account is disabled.
    pub fn login(&self, login: &str, password: &str) -> Result<Option<NewSession>, AppError> {
        let Some(user) = self.store.user_by_login(login.trim())? else {
            let _ = verify_password(password, dummy_hash());
            return Ok(None);
        };
        let ok = !user.disabled
            && user
                .password_hash
                .as_deref()
                .is_some_and(|h| verify_password(password, h));
        if !ok {
            return Ok(None);
        }
        let account = Account::from_user(user)?;
        let session_id = random_secret("s_");
        let csrf_token = random_secret("");
        let now = self.now();
        let expires_at = now
            .checked_add(SignedDuration::from_hours(SESSION_HOURS))
            .map_err(|e| AppError::invalid("expires_at", e.to_string()))?;
        self.store.create_session(
            &secret_hash(&session_id),
            account.id,
            &csrf_token,
            expires_at,
            &account.audit_name(),
            now,
        )?;
        Ok(Some(NewSession {
            session_id,
            csrf_token,
            expires_at,
            account,
        }))
    }

    /// The session under that id, if it runs.
    pub fn session(&self, session_id: &str) -> Result<Option<Session>, AppError> {
        let Some(s) = self.store.session(&secret_hash(session_id), self.now())? else {
            return Ok(None);
        };
        Ok(Some(Session {
            account: Account::from_user(s.user)?,
            csrf_token: s.csrf_token,
            expires_at: s.expires_at,
        }))
    }

    /// Ends a session (signing out); an unknown or ended session is fine.
    pub fn logout(&self, session_id: &str) -> Result<(), AppError> {
        let who = match self.session(session_id)? {
            Some(s) => s.account.audit_name(),
            None => return Ok(()),
        };
        Ok(self
            .store
            .delete_session(&secret_hash(session_id), &who, self.now())?)
    }

    /// A new API token for the account; the token is shown once and only
    /// its hash is kept. Returns the token's id and the token.
    pub fn create_api_token(
        &self,
        actor: &Actor,
        login: &str,
        label: &str,
    ) -> Result<(i64, String), AppError> {
        actor.authorize(Action::ManageAccounts)?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AppError::invalid(
                "label",
                format!(
                    "{} characters; a token's label says what it is for, 1 to 100 characters",
                    label.chars().count()
                ),
            ));
        }
        let user = self
            .store
            .user_by_login(login.trim())?
            .ok_or_else(|| AppError::NotFound {
                entity: "user",
                key: login.to_owned(),
            })?;
        let token = random_secret("gs_");
        let id = self.store.create_api_token(
            &secret_hash(&token),
            user.id,
            label,
            &actor.audit_name(),
            self.now(),
        )?;
        Ok((id, token))
    }

    pub fn revoke_api_token(&self, actor: &Actor, token_id: i64) -> Result<(), AppError> {
        actor.authorize(Action::ManageAccounts)?;
        Ok(self
            .store
            .revoke_api_token(token_id, &actor.audit_name(), self.now())?)
    }

    /// The answer kept under the account's idempotency key, if any.
    pub fn idempotent_response(
        &self,
        account_id: i64,
        key: &str,
    ) -> Result<Option<StoredResponse>, AppError> {
        Ok(self.store.idempotent_response(account_id, key)?)
    }

    /// Keeps the answer under the account's key; when another request kept
    /// one first, that one is returned (answer as it did).
    pub fn save_idempotent_response(
        &self,
        account_id: i64,
        key: &str,
        response: &StoredResponse,
    ) -> Result<StoredResponse, AppError> {
        Ok(self
            .store
            .save_idempotent_response(account_id, key, response, self.now())?)
    }

    /// The account of a bearer token, if the token is known and not revoked.
    pub fn account_by_token(&self, token: &str) -> Result<Option<Account>, AppError> {
        self.store
            .user_by_api_token(&secret_hash(token))?
            .map(Account::from_user)
            .transpose()
    }

    /// The counter every revocation, disabling and enabling raises, wherever
    /// it is done: an account remembered for a token is trusted only while
    /// this is unchanged (the server reads it on every bearer request).
    pub fn credentials_epoch(&self) -> Result<i64, AppError> {
        Ok(self.store.credentials_epoch()?)
    }

    /// The same counter when the store knows it without a read (PostgreSQL
    /// keeps it in memory, told of changes by NOTIFY): the server then
    /// needs no trip to the blocking pool for it.
    pub fn known_credentials_epoch(&self) -> Option<i64> {
        self.store.known_credentials_epoch()
    }
}

/// A hash of a random password at the standard cost, checked when the login
/// is unknown so that the answer takes as long as for a known login (the
/// timing does not tell which logins exist).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&random_secret(""), PasswordCost::Standard).unwrap_or_default()
    })
}
