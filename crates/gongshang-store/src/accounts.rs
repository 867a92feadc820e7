//! Accounts, sessions and API tokens, and the people a unit may see.
//!
//! Secrets are never stored: a password as its argon2 PHC string (hashed by
//! the caller), a session id and an API token as the hash the caller hands
//! in. Roles are checked by the app and the server; the store only keeps them
//! (and the database refuses a unit user without a unit, a worker without a
//! person).

use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_rules::retirement::Sex;
use jiff::Timestamp;
use serde_json::json;

use crate::Store;
use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit};
use crate::error::StoreError;
use crate::model::{Page, Person};

/// A user to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    /// `clerk`, `reviewer`, `administrator`, `unit`, `worker` or `analyst`.
    pub role: String,
    /// The unit a `unit` user acts for.
    pub unit: Option<CreditCode>,
    /// The person a `worker` is.
    pub person: Option<ResidentId>,
    /// The platform (as order files name it) a platform's unit user imports
    /// orders for.
    pub platform: Option<PlatformId>,
    /// The argon2 PHC string; `None` for a user who signs in by token only.
    pub password_hash: Option<String>,
    /// The partner body (`xm-arbitration`, ...) a `partner` user acts for.
    pub partner_body: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub unit: Option<CreditCode>,
    pub person: Option<ResidentId>,
    pub platform: Option<PlatformId>,
    pub password_hash: Option<String>,
    /// The partner body a `partner` user acts for.
    pub partner_body: Option<String>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// An API token as an administrator sees it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A running session and its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// An answer kept under an idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// Accounts, sessions and API tokens. A part of [`Store`].
pub trait AccountStore {
    /// A login already taken is `duplicate`.
    fn create_user(&self, user: &NewUser, actor: &str, at: Timestamp) -> Result<User, StoreError>;
    fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError>;
    fn list_users(&self, page: Page) -> Result<Vec<User>, StoreError>;
    /// Starts a session under the hash of its id; expired sessions of every
    /// user are removed in the same transaction.
    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: Timestamp,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The session under that hash if it has not expired at `now` and its
    /// user is not disabled.
    fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<StoredSession>, StoreError>;
    /// Ends a session (nothing when there is none).
    fn delete_session(
        &self,
        token_hash: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Stores an API token's hash for a user; returns the token's id.
    fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;
    /// The user of a token not revoked, if not disabled.
    fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>, StoreError>;
    /// A counter raised by every revocation, disabling and enabling: a
    /// server trusts an account it remembers for a token only while this is
    /// unchanged.
    fn credentials_epoch(&self) -> Result<i64, StoreError>;
    /// The credentials epoch when it is known without a read (PostgreSQL's
    /// watch, `epoch_watch`); `None`: ask [`Self::credentials_epoch`].
    fn known_credentials_epoch(&self) -> Option<i64>;
    fn revoke_api_token(&self, token_id: i64, actor: &str, at: Timestamp)
    -> Result<(), StoreError>;
    /// Disables or enables the user of `login` (`not_found` when there is
    /// none). Disabling also ends the user's sessions, so that enabling
    /// again does not bring them back; the tokens stay (unusable while the
    /// user is disabled) until revoked.
    fn set_user_disabled(
        &self,
        login: &str,
        disabled: bool,
        actor: &str,
        at: Timestamp,
    ) -> Result<User, StoreError>;
    /// The tokens of the users whose ids lie from `first_user_id` to
    /// `last_user_id` (a page of [`AccountStore::list_users`]), by user and id.
    fn api_tokens_of_users(
        &self,
        first_user_id: i64,
        last_user_id: i64,
    ) -> Result<Vec<ApiToken>, StoreError>;
    /// People in order of id after `page.after_id`: all of them, or only
    /// those with an enrolment of `unit` (what a unit user
    /// may see).
    fn list_people(&self, page: Page, unit: Option<&CreditCode>)
    -> Result<Vec<Person>, StoreError>;
    /// The answer stored under a user's idempotency key: the request's
    /// hash, the HTTP status and the body.
    fn idempotent_response(
        &self,
        user_id: i64,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError>;
    /// Keeps the answer under the key; when another request stored one
    /// first, keeps that one and returns it.
    fn save_idempotent_response(
        &self,
        user_id: i64,
        key: &str,
        response: &StoredResponse,
        at: Timestamp,
    ) -> Result<StoredResponse, StoreError>;
    /// Whether the person has an enrolment of the unit (an engagement the
    /// unit claims opens nothing: anyone can claim one).
    fn person_of_unit(&self, person: &ResidentId, unit: &CreditCode) -> Result<bool, StoreError>;
}

/// The service centre's roles live in `user_centre_roles` (migration 0020),
/// whose row overrides `users.role` ('analyst' there).
pub(crate) const USER_COLUMNS: &str = "u.id, u.login, u.display_name, \
     COALESCE((SELECT r.role FROM user_centre_roles r WHERE r.user_id = u.id), u.role), \
     u.unit_code, u.resident_id, u.platform, u.password_hash, u.disabled, u.created_at, \
     (SELECT r.partner_body FROM user_centre_roles r WHERE r.user_id = u.id)";

/// The roles kept in `user_centre_roles`.
const CENTRE_ROLES: [&str; 3] = ["front_desk", "mediator", "partner"];

fn text(v: impl Into<String>) -> Value {
    Value::Text(v.into())
}

pub(crate) fn user_from_row(row: &[Value]) -> Result<User, StoreError> {
    let c = Cols::new(row);
    Ok(User {
        id: c.int(0)?,
        login: c.text(1)?.to_owned(),
        display_name: c.text(2)?.to_owned(),
        role: c.text(3)?.to_owned(),
        unit: c.opt_parsed(4, "unit_code", CreditCode::parse)?,
        person: c.opt_parsed(5, "resident_id", ResidentId::parse)?,
        platform: c.opt_parsed(6, "platform", PlatformId::parse)?,
        password_hash: c.opt_text(7)?.map(str::to_owned),
        disabled: c.int(8)? != 0,
        created_at: c.parsed(9, "created_at", |s: &str| s.parse::<Timestamp>())?,
        partner_body: c.opt_text(10)?.map(str::to_owned),
    })
}

fn require(field: &'static str, value: &str) -> Result<(), StoreError> {
    if value.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    Ok(())
}

impl<B: Backend> AccountStore for SqlStore<B> {
    fn create_user(&self, user: &NewUser, actor: &str, at: Timestamp) -> Result<User, StoreError> {
        require("login", &user.login)?;
        require("display_name", &user.display_name)?;
        require("actor", actor)?;
        if (user.role == "unit") != user.unit.is_some() {
            return Err(StoreError::invalid(
                "unit",
                "a unit user needs a unit, and only a unit user has one",
            ));
        }
        if (user.role == "worker") != user.person.is_some() {
            return Err(StoreError::invalid(
                "person",
                "a worker needs a person, and only a worker has one",
            ));
        }
        let centre_role = CENTRE_ROLES.contains(&user.role.as_str());
        if (user.role == "partner") != user.partner_body.is_some() {
            return Err(StoreError::invalid(
                "partner_body",
                "a partner user needs a body, and only a partner user has one",
            ));
        }
        self.backend.transaction(|db| {
            let id = db.insert_id(
                "creating a user",
                "INSERT INTO users (login, display_name, role, unit_code, resident_id, platform, password_hash, disabled, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) RETURNING id",
                &[
                    text(user.login.as_str()),
                    text(user.display_name.as_str()),
                    text(if centre_role {
                        "analyst"
                    } else {
                        user.role.as_str()
                    }),
                    Value::opt_text(user.unit.map(|u| u.as_str().to_owned())),
                    Value::opt_text(user.person.map(|p| p.as_str().to_owned())),
                    Value::opt_text(user.platform.as_ref().map(|p| p.as_str().to_owned())),
                    Value::opt_text(user.password_hash.clone()),
                    text(at.to_string()),
                ],
                || StoreError::duplicate("user", &user.login),
            )?;
            if centre_role {
                db.exec(
                    "recording a service-centre role",
                    "INSERT INTO user_centre_roles (user_id, role, partner_body) VALUES ($1, $2, $3)",
                    &[
                        Value::Int(id),
                        text(user.role.as_str()),
                        Value::opt_text(user.partner_body.clone()),
                    ],
                )?;
            }
            audit(
                db,
                actor,
                at,
                "create",
                "user",
                &user.login,
                json!({
                    "id": id,
                    "role": user.role,
                    "unit": user.unit.map(|u| u.as_str().to_owned()),
                    "person": user.person.map(|p| p.masked()),
                }),
            )?;
            Ok(User {
                id,
                login: user.login.clone(),
                display_name: user.display_name.clone(),
                role: user.role.clone(),
                unit: user.unit,
                person: user.person,
                platform: user.platform.clone(),
                password_hash: user.password_hash.clone(),
                partner_body: user.partner_body.clone(),
                disabled: false,
                created_at: at,
            })
        })
    }

    fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading a user",
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1"),
                &[text(login)],
            )?
            .map(|r| user_from_row(&r))
            .transpose()
        })
    }

    fn list_users(&self, page: Page) -> Result<Vec<User>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing users",
                &format!(
                    "SELECT {USER_COLUMNS} FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT $2"
                ),
                &[Value::Int(page.after_id), Value::Int(i64::from(page.limit))],
            )?
            .iter()
            .map(|r| user_from_row(r))
            .collect()
        })
    }

    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: Timestamp,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require("token_hash", token_hash)?;
        require("csrf_token", csrf_token)?;
        self.backend.transaction(|db| {
            db.exec(
                "removing expired sessions",
                "DELETE FROM sessions WHERE expires_at <= $1",
                &[text(at.to_string())],
            )?;
            db.exec(
                "starting a session",
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    text(token_hash),
                    Value::Int(user_id),
                    text(csrf_token),
                    text(at.to_string()),
                    text(expires_at.to_string()),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "login",
                "user",
                &user_id.to_string(),
                json!({ "expires_at": expires_at.to_string() }),
            )
        })
    }

    fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<StoredSession>, StoreError> {
        self.backend.read(|db| {
            let Some(row) = db.opt_row(
                "reading a session",
                &format!(
                    "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
                ),
                &[text(token_hash), text(now.to_string())],
            )?
            else {
                return Ok(None);
            };
            let user = user_from_row(&row)?;
            let c = Cols::new(&row);
            Ok(Some(StoredSession {
                user,
                csrf_token: c.text(11)?.to_owned(),
                expires_at: c.parsed(12, "expires_at", |s: &str| s.parse::<Timestamp>())?,
            }))
        })
    }

    fn delete_session(
        &self,
        token_hash: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            let n = db.exec(
                "ending a session",
                "DELETE FROM sessions WHERE token_hash = $1",
                &[text(token_hash)],
            )?;
            if n > 0 {
                audit(db, actor, at, "logout", "user", actor, json!({}))?;
            }
            Ok(())
        })
    }

    fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require("token_hash", token_hash)?;
        require("label", label)?;
        self.backend.transaction(|db| {
            let id = db.insert_id(
                "creating an API token",
                "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    text(token_hash),
                    Value::Int(user_id),
                    text(label),
                    text(at.to_string()),
                ],
                || StoreError::duplicate("api token", label),
            )?;
            audit(
                db,
                actor,
                at,
                "create",
                "api_token",
                &id.to_string(),
                json!({ "user_id": user_id, "label": label }),
            )?;
            Ok(id)
        })
    }

    fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading an API token",
                &format!(
                    "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0"
                ),
                &[text(token_hash)],
            )?
            .map(|r| user_from_row(&r))
            .transpose()
        })
    }

    fn known_credentials_epoch(&self) -> Option<i64> {
        self.backend.known_credentials_epoch()
    }

    fn credentials_epoch(&self) -> Result<i64, StoreError> {
        // PostgreSQL keeps it in memory between notifications (epoch_watch).
        if let Some(epoch) = self.backend.known_credentials_epoch() {
            return Ok(epoch);
        }
        self.backend.read(|db| {
            let row = db.one_row(
                "reading the credentials epoch",
                "SELECT epoch FROM credentials_epoch WHERE id = 1",
                &[],
            )?;
            Cols::new(&row).int(0)
        })
    }

    fn revoke_api_token(
        &self,
        token_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.credentials_transaction(|db| {
            raise_credentials_epoch(db)?;
            let n = db.exec(
                "revoking an API token",
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                &[text(at.to_string()), Value::Int(token_id)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("api token", token_id));
            }
            audit(
                db,
                actor,
                at,
                "revoke",
                "api_token",
                &token_id.to_string(),
                json!({}),
            )
        })
    }

    fn set_user_disabled(
        &self,
        login: &str,
        disabled: bool,
        actor: &str,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        require("actor", actor)?;
        self.credentials_transaction(|db| {
            raise_credentials_epoch(db)?;
            let n = db.exec(
                "disabling or enabling a user",
                "UPDATE users SET disabled = $1 WHERE login = $2",
                &[Value::Int(i64::from(disabled)), text(login)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("user", login));
            }
            let row = db.one_row(
                "reading a user",
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1"),
                &[text(login)],
            )?;
            let user = user_from_row(&row)?;
            let ended = if disabled {
                db.exec(
                    "ending a disabled user's sessions",
                    "DELETE FROM sessions WHERE user_id = $1",
                    &[Value::Int(user.id)],
                )?
            } else {
                0
            };
            audit(
                db,
                actor,
                at,
                if disabled { "disable" } else { "enable" },
                "user",
                login,
                json!({ "id": user.id, "sessions_ended": ended }),
            )?;
            Ok(user)
        })
    }

    fn api_tokens_of_users(
        &self,
        first_user_id: i64,
        last_user_id: i64,
    ) -> Result<Vec<ApiToken>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing API tokens",
                "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens \
                 WHERE user_id >= $1 AND user_id <= $2 ORDER BY user_id, id",
                &[Value::Int(first_user_id), Value::Int(last_user_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ApiToken {
                    id: c.int(0)?,
                    user_id: c.int(1)?,
                    label: c.text(2)?.to_owned(),
                    created_at: c.parsed(3, "created_at", |s: &str| s.parse::<Timestamp>())?,
                    revoked_at: c.opt_parsed(4, "revoked_at", |s: &str| s.parse::<Timestamp>())?,
                })
            })
            .collect()
        })
    }

    fn list_people(
        &self,
        page: Page,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<Person>, StoreError> {
        self.backend.read(|db| {
            let rows = match unit {
                None => db.rows(
                    "listing people",
                    "SELECT p.id, p.resident_id, p.name, p.sex, p.birth_date FROM people p WHERE p.id > $1 ORDER BY p.id LIMIT $2",
                    &[Value::Int(page.after_id), Value::Int(i64::from(page.limit))],
                )?,
                Some(code) => db.rows(
                    "listing the people of a unit",
                    "SELECT p.id, p.resident_id, p.name, p.sex, p.birth_date FROM people p \
                     WHERE p.id > $1 AND p.id IN ( \
                        SELECT e.person_id FROM enrollments e JOIN units un ON un.id = e.unit_id WHERE un.credit_code = $3) \
                     ORDER BY p.id LIMIT $2",
                    &[
                        Value::Int(page.after_id),
                        Value::Int(i64::from(page.limit)),
                        text(code.as_str()),
                    ],
                )?,
            };
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(Person {
                        id: c.int(0)?,
                        resident_id: c.parsed(1, "resident_id", ResidentId::parse)?,
                        name: c.text(2)?.to_owned(),
                        sex: if c.text(3)? == "male" {
                            Sex::Male
                        } else {
                            Sex::Female
                        },
                        birth_date: c.parsed(4, "birth_date", |s: &str| {
                            s.parse::<jiff::civil::Date>()
                        })?,
                    })
                })
                .collect()
        })
    }

    fn idempotent_response(
        &self,
        user_id: i64,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading an idempotency key",
                "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND idempotency_key = $2",
                &[Value::Int(user_id), text(key)],
            )?
            .map(|r| {
                let c = Cols::new(&r);
                Ok(StoredResponse {
                    request_hash: c.text(0)?.to_owned(),
                    status: u16::try_from(c.int(1)?).unwrap_or(500),
                    body: c.text(2)?.to_owned(),
                })
            })
            .transpose()
        })
    }

    fn save_idempotent_response(
        &self,
        user_id: i64,
        key: &str,
        response: &StoredResponse,
        at: Timestamp,
    ) -> Result<StoredResponse, StoreError> {
        self.backend.transaction(|db| {
            db.exec(
                "keeping an idempotent answer",
                "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, status, response, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[
                    Value::Int(user_id),
                    text(key),
                    text(response.request_hash.as_str()),
                    Value::Int(i64::from(response.status)),
                    text(response.body.as_str()),
                    text(at.to_string()),
                ],
            )?;
            let r = db.one_row(
                "reading an idempotent answer",
                "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND idempotency_key = $2",
                &[Value::Int(user_id), text(key)],
            )?;
            let c = Cols::new(&r);
            Ok(StoredResponse {
                request_hash: c.text(0)?.to_owned(),
                status: u16::try_from(c.int(1)?).unwrap_or(500),
                body: c.text(2)?.to_owned(),
            })
        })
    }

    fn person_of_unit(&self, person: &ResidentId, unit: &CreditCode) -> Result<bool, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "checking a person's unit",
                "SELECT 1 FROM people p JOIN units un ON un.credit_code = $2 \
                 WHERE p.resident_id = $1 AND \
                    EXISTS (SELECT 1 FROM enrollments e WHERE e.person_id = p.id AND e.unit_id = un.id)",
                &[text(person.as_str()), text(unit.as_str())],
            )?;
            Ok(row.is_some())
        })
    }
}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}

/// Raises the counter a server checks before trusting an account it
/// remembers, in the caller's transaction.
impl<B: Backend> SqlStore<B> {
    /// A transaction that raises the credentials epoch: once it is over,
    /// the backend forgets any epoch it keeps in memory.
    pub(crate) fn credentials_transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let result = self.backend.transaction(f);
        self.backend.credentials_changed();
        result
    }
}

pub(crate) fn raise_credentials_epoch(db: &mut dyn Db) -> Result<(), StoreError> {
    db.exec(
        "raising the credentials epoch",
        "UPDATE credentials_epoch SET epoch = epoch + 1 WHERE id = 1",
        &[],
    )?;
    Ok(())
}
