//! `gongshang calc --batch`: placeholder replaced in this session by the batch path.
use crate::{CalcArgs, CliError};
pub fn run(_args: &CalcArgs) -> Result<(), CliError> {
    Err(CliError("the batch path is being built".into()))
}
