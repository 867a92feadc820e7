//! `gongshang serve`: the HTTP API and the web UI over a database, until
//! SIGTERM or Ctrl-C (the requests in flight are finished first);
//! `gongshang openapi` prints the API's OpenAPI document (the committed
//! `openapi.json`). Accounts and tokens are `account_cmds.rs`.

use std::net::SocketAddr;

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

pub fn serve(args: &ServeArgs) -> Result<(), CliError> {
    let app = open_app(args.db.as_deref())?;
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = args.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = builder.build()?;
    runtime.block_on(async {
        let state = gongshang_server::AppState::new(app).with_secure_cookies(args.secure_cookies);
        let (addr, task) =
            gongshang_server::bind_until(args.addr, state, gongshang_server::shutdown_signal())
                .await?;
        println!("gongshang serving on http://{addr}/ (API under /api/v1, docs at /docs)");
        task.await.map_err(|e| CliError(e.to_string()))??;
        println!("gongshang: stopped");
        Ok(())
    })
}

pub fn openapi() -> Result<(), CliError> {
    crate::output::write_stdout(gongshang_server::openapi::json().as_bytes())
}
