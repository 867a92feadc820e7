//! `gongshang serve`: the HTTP API and the web UI over a database;
//! `gongshang user add` and `gongshang token create` for accounts and
//! platforms' API tokens; `gongshang openapi` prints the API's OpenAPI
//! document (the committed `openapi.json`).

use std::net::SocketAddr;

use gongshang_app::accounts::{AccountInput, PasswordCost};

use crate::CliError;
use crate::db::open_app;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Database URL [default: env GONGSHANG_DATABASE_URL, else gongshang.db]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Address to listen on (port 0 for any free port)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark the session cookie Secure (when served behind TLS)
    #[arg(long)]
    pub secure_cookies: bool,
    /// Worker threads of the async runtime [default: all cores]
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from GONGSHANG_PASSWORD or
    /// the first line of standard input
    Add(UserAddArgs),
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
    /// No password: the account signs in with API tokens only
    #[arg(long)]
    pub no_password: bool,
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account (printed once; only its hash is kept)
    Create(TokenCreateArgs),
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

pub fn serve(args: &ServeArgs) -> Result<(), CliError> {
    let app = open_app(args.db.as_deref())?;
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = args.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = builder.build()?;
    runtime.block_on(async {
        let mut state = gongshang_server::AppState::new(app);
        state.secure_cookies = args.secure_cookies;
        let (addr, task) = gongshang_server::bind(args.addr, state).await?;
        println!("gongshang serving on http://{addr}/ (API under /api/v1, docs at /docs)");
        tokio::select! {
            r = task => r.map_err(|e| CliError(e.to_string()))?.map_err(CliError::from),
            _ = tokio::signal::ctrl_c() => {
                println!("gongshang: stopping");
                Ok(())
            }
        }
    })
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
    let UserCommand::Add(args) = command;
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

pub fn token(command: &TokenCommand) -> Result<(), CliError> {
    let TokenCommand::Create(args) = command;
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

pub fn openapi() -> Result<(), CliError> {
    print!("{}", gongshang_server::openapi::json());
    Ok(())
}
