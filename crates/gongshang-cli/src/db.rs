//! `gongshang db init|migrate` and opening the app over a database URL.

use std::sync::Arc;

use gongshang_app::accounts::Actor;
use gongshang_app::{App, SystemClock};

use crate::CliError;

/// The database URL: `--db`, else `GONGSHANG_DATABASE_URL`, else `gongshang.db`.
pub fn database_url(db: Option<&str>) -> String {
    db.map(str::to_owned)
        .or_else(|| {
            std::env::var("GONGSHANG_DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| "gongshang.db".into())
}

/// Opens (creating and migrating) the store and the services over it.
pub fn open_app(db: Option<&str>) -> Result<App, CliError> {
    let url = database_url(db);
    let store = gongshang_store::open(&url)
        .map_err(|e| CliError(format!("cannot open the database {}: {e}", shown(&url))))?;
    Ok(App::new(store, Arc::new(SystemClock))?)
}

/// The URL without a password, for messages.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `db init` and `db migrate`: both create the database if needed and apply
/// the pending migrations (opening a store migrates it).
pub fn migrate(db: Option<&str>) -> Result<(), CliError> {
    let url = database_url(db);
    let store = gongshang_store::open(&url)
        .map_err(|e| CliError(format!("cannot open the database {}: {e}", shown(&url))))?;
    let applied = store.migrate()?;
    println!(
        "{} database {}: schema version {}{}",
        store.backend_name(),
        shown(&url),
        store.schema_version()?,
        if applied.is_empty() {
            String::from(", up to date")
        } else {
            format!(", applied {applied:?}")
        }
    );
    Ok(())
}

/// Who the command acts as: the account `name` if there is one (its role
/// and scope apply, as on the web), otherwise a local administrator of that
/// name (whoever can open the database may do anything; the name goes in
/// the audit log). Without `--actor`: `$USER`, else `cli`.
pub fn cli_actor(app: &App, name: Option<&str>) -> Result<Actor, CliError> {
    let name = name
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "cli".into());
    Ok(match app.account_by_login(&name)? {
        Some(account) => account.actor(),
        None => Actor::local_administrator(&name),
    })
}
