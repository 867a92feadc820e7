//! `gongshang calc case.json`: one case, with its trace.

use std::io::Read;

use gongshang_rules::{CaseInput, calculate_case};

use crate::{CalcArgs, CliError, Lang, policy_files, render};

pub fn run(args: &CalcArgs) -> Result<(), CliError> {
    let path = args
        .case
        .as_ref()
        .expect("clap requires a case without --batch");
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?
    };
    let case: CaseInput =
        serde_json::from_str(&text).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    let policy = policy_files::load(args.policies.as_deref())?;
    let result =
        calculate_case(&policy, &case).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render::award_sheet(&result, &policy, args.lang));
    }
    Ok(())
}

/// Example cases shipped with the binary, shown by `gongshang demo`.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "grade5-guangzhou",
        include_str!("../../../examples/cases/grade5-guangzhou.json"),
    ),
    (
        "death-beijing",
        include_str!("../../../examples/cases/death-beijing.json"),
    ),
    (
        "grade1-shanghai-care",
        include_str!("../../../examples/cases/grade1-shanghai-care.json"),
    ),
];

pub fn demo() -> Result<(), CliError> {
    let policy = policy_files::load(None)?;
    for (name, text) in EXAMPLES {
        let case: CaseInput =
            serde_json::from_str(text).map_err(|e| CliError(format!("example {name}: {e}")))?;
        let result =
            calculate_case(&policy, &case).map_err(|e| CliError(format!("example {name}: {e}")))?;
        println!("==== examples/cases/{name}.json ====");
        print!("{}", render::award_sheet(&result, &policy, Lang::Zh));
        println!();
    }
    println!("These are the calculator's example cases (examples/cases/). Try:");
    println!("  cargo run --release -- calc examples/cases/grade5-guangzhou.json --lang en");
    println!("  cargo run --release -- synth cases --count 1000000 --seed 7 --out cases.csv");
    println!("  cargo run --release -- calc --batch cases.csv --out results.csv");
    println!("The web server with its seeded SQLite database is not built yet (issue #6).");
    Ok(())
}
