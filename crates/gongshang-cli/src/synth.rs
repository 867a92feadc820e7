//! `gongshang synth cases`: placeholder replaced in this session.
use crate::CliError;
#[derive(clap::Args)]
pub struct SynthCasesArgs {}
pub fn run(_args: &SynthCasesArgs) -> Result<(), CliError> {
    Err(CliError("synth is being built".into()))
}
