//! `gongshang user add|disable|enable|list` and `gongshang token
//! create|revoke`: accounts and their API tokens, through the app's use
//! cases (an administrator's, as on the web).

use gongshang_app::accounts::{AccountInput, PasswordCost};

use crate::CliError;
use crate::db::open_app;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from GONGSHANG_PASSWORD or
    /// the first line of standard input
    Add(UserAddArgs),
    /// Disable an account at once: it cannot sign in, its sessions end, its
    /// API tokens are refused (a running server's cache of tokens forgets
    /// them within 10 s; through the API or the web UI at once)
    Disable(LoginArgs),
    /// Enable a disabled account again (its tokens work again, not its sessions)
    Enable(LoginArgs),
    /// The accounts, whether each is disabled, and their API tokens
    List(ListArgs),
}

#[derive(clap::Args)]
pub struct LoginArgs {
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long)]
    pub login: String,
}

#[derive(clap::Args)]
pub struct ListArgs {
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Print JSON lines instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct UserAddArgs {
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// clerk, reviewer, administrator, unit, worker or analyst
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub login: String,
    #[arg(long, default_value = "")]
    pub name: String,
    /// A unit user's unit (credit code)
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    /// A platform's unit user: the platform id of its orders (meituan, ...)
    #[arg(long, value_name = "ID", requires = "unit")]
    pub platform: Option<String>,
    /// A worker's identity number
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// A partner user's body (xm-arbitration, ...; see
    /// policies/xiamen/rights/service_centre.toml)
    #[arg(long, value_name = "KEY")]
    pub partner_body: Option<String>,
    /// No password: the account signs in with API tokens only
    #[arg(long)]
    pub no_password: bool,
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account (printed once; only its hash is kept)
    Create(TokenCreateArgs),
    /// Revoke an API token by its id (`user list` shows the ids)
    Revoke(TokenRevokeArgs),
}

#[derive(clap::Args)]
pub struct TokenRevokeArgs {
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// The token's id
    #[arg(long)]
    pub id: i64,
}

#[derive(clap::Args)]
pub struct TokenCreateArgs {
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long)]
    pub login: String,
    #[arg(long, default_value = "api")]
    pub label: String,
}

fn read_password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("GONGSHANG_PASSWORD")
        && !p.is_empty()
    {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    if p.is_empty() {
        return Err(CliError(
            "no password: set GONGSHANG_PASSWORD or type it on standard input (or pass --no-password)".into(),
        ));
    }
    Ok(p)
}

pub fn user(command: &UserCommand) -> Result<(), CliError> {
    let args = match command {
        UserCommand::Add(args) => args,
        UserCommand::Disable(args) => return set_disabled(args, true),
        UserCommand::Enable(args) => return set_disabled(args, false),
        UserCommand::List(args) => return list(args),
    };
    let app = open_app(args.db.as_deref())?;
    let password = if args.no_password {
        None
    } else {
        Some(read_password()?)
    };
    let actor = crate::db::cli_actor(&app, None)?;
    let account = app.create_account(
        &actor,
        &AccountInput {
            login: args.login.clone(),
            display_name: args.name.clone(),
            role: args.role.clone(),
            unit: args.unit.clone(),
            platform: args.platform.clone(),
            person: args.person.clone(),
            password,
            partner_body: args.partner_body.clone(),
        },
        PasswordCost::Standard,
    )?;
    println!(
        "created {} {} (id {})",
        account.role.as_str(),
        account.login,
        account.id
    );
    Ok(())
}

fn set_disabled(args: &LoginArgs, disabled: bool) -> Result<(), CliError> {
    let app = open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let listing = app.set_account_disabled(&actor, &args.login, disabled)?;
    println!(
        "{} {} {}",
        if listing.disabled {
            "disabled"
        } else {
            "enabled"
        },
        listing.account.role.as_str(),
        listing.account.login
    );
    Ok(())
}

fn list(args: &ListArgs) -> Result<(), CliError> {
    let app = open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let mut after = 0;
    if !args.json {
        println!("id\tlogin\trole\tstate\ttokens");
    }
    loop {
        let page = app.list_accounts(
            &actor,
            gongshang_app::model::Page {
                after_id: after,
                limit: 500,
            },
        )?;
        let Some(last) = page.last() else { break };
        after = last.account.id;
        for a in &page {
            if args.json {
                let tokens: Vec<serde_json::Value> = a
                    .tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "id": t.id,
                            "label": t.label,
                            "created_at": t.created_at.to_string(),
                            "revoked_at": t.revoked_at.map(|r| r.to_string()),
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({
                        "id": a.account.id,
                        "login": a.account.login,
                        "role": a.account.role.as_str(),
                        "disabled": a.disabled,
                        "tokens": tokens,
                    })
                );
            } else {
                let tokens: Vec<String> = a
                    .tokens
                    .iter()
                    .map(|t| match t.revoked_at {
                        Some(_) => format!("{} {:?} (revoked)", t.id, t.label),
                        None => format!("{} {:?}", t.id, t.label),
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    a.account.id,
                    a.account.login,
                    a.account.role.as_str(),
                    if a.disabled { "disabled" } else { "active" },
                    tokens.join(", ")
                );
            }
        }
        if page.len() < 500 {
            break;
        }
    }
    Ok(())
}

pub fn token(command: &TokenCommand) -> Result<(), CliError> {
    let args = match command {
        TokenCommand::Create(args) => args,
        TokenCommand::Revoke(args) => {
            let app = open_app(args.db.as_deref())?;
            let actor = crate::db::cli_actor(&app, None)?;
            app.revoke_api_token(&actor, args.id)?;
            println!("revoked token {}", args.id);
            return Ok(());
        }
    };
    let app = open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let (id, token) = app.create_api_token(&actor, &args.login, &args.label)?;
    eprintln!(
        "token {id} for {}: shown once, only its hash is kept",
        args.login
    );
    println!("{token}");
    Ok(())
}
