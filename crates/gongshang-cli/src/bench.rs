//! `gongshang bench`: placeholder replaced in this session.
use crate::CliError;
#[derive(clap::Args)]
pub struct BenchArgs {}
pub fn run(_args: &BenchArgs) -> Result<(), CliError> {
    Err(CliError("bench is being built".into()))
}
