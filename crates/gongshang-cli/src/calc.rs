//! `gongshang calc case.json`: one case, with its trace; `compare`; `demo`.

use std::io::Read;
use std::path::Path;

use gongshang_rules::scheme_award::{calculate_under_scheme, compare_schemes};
use gongshang_rules::{CaseInput, PolicySet, calculate_case};

use crate::{CalcArgs, CliError, CompareArgs, Lang, policy_files, render};

fn read_case(path: &Path) -> Result<CaseInput, CliError> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// The scheme asked for: `--scheme ID`, or `--jurisdiction J` for `J.employees`.
fn chosen_scheme(
    policy: &PolicySet,
    args: &CalcArgs,
) -> Result<Option<gongshang_rules::SchemeId>, CliError> {
    match (&args.scheme, &args.jurisdiction) {
        (None, None) => Ok(None),
        (Some(id), jurisdiction) => {
            let scheme = policy.scheme(id)?;
            if let Some(j) = jurisdiction
                && &scheme.jurisdiction != j
            {
                return Err(CliError(format!(
                    "scheme {id} belongs to jurisdiction {}, not {j}",
                    scheme.jurisdiction
                )));
            }
            Ok(Some(id.clone()))
        }
        (None, Some(j)) => {
            if let Ok(s) = policy.scheme(&format!("{j}.employees")) {
                return Ok(Some(s.id.clone()));
            }
            let theirs: Vec<&str> = policy
                .schemes()
                .filter(|s| &s.jurisdiction == j)
                .map(|s| s.id.as_str())
                .collect();
            Err(CliError(if theirs.is_empty() {
                format!("no schemes are loaded for jurisdiction {j:?}")
            } else {
                format!(
                    "jurisdiction {j} has no employees' scheme; choose one with --scheme: {}",
                    theirs.join(", ")
                )
            }))
        }
    }
}

pub fn run(args: &CalcArgs) -> Result<(), CliError> {
    let path = args
        .case
        .as_ref()
        .expect("clap requires a case without --batch");
    let case = read_case(path)?;
    let policy = if args.policies.is_none() && args.scheme.is_none() && args.jurisdiction.is_none()
    {
        // Only the national files and the case's region: the fast path of a single calc.
        PolicySet::embedded_for_region(case.region.as_deref())?
    } else {
        policy_files::load(args.policies.as_deref())?
    };
    if let Some(id) = chosen_scheme(&policy, args)? {
        let result = calculate_under_scheme(&policy, &id, &case)
            .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&result)?);
        } else {
            print!("{}", render::scheme_sheet(&result, &policy, args.lang));
        }
        return Ok(());
    }
    let result =
        calculate_case(&policy, &case).map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render::award_sheet(&result, &policy, args.lang));
    }
    Ok(())
}

/// `gongshang compare case.json`: the case under every applicable scheme.
pub fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let case = read_case(&args.case)?;
    let policy = policy_files::load(args.policies.as_deref())?;
    let comparison = compare_schemes(&policy, &case);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        print!("{}", render::comparison(&comparison, args.lang));
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
    let rider: CaseInput = serde_json::from_str(include_str!(
        "../../../examples/cases/platform-rider-death.json"
    ))
    .map_err(|e| CliError(format!("example platform-rider-death: {e}")))?;
    println!("==== gongshang compare examples/cases/platform-rider-death.json ====");
    print!(
        "{}",
        render::comparison(&compare_schemes(&policy, &rider), Lang::Zh)
    );
    println!();
    println!("These are the calculator's example cases (examples/cases/). Try:");
    println!(
        "  cargo run --release -- compare examples/cases/js-occupational-disease.json --lang en"
    );
    println!("  cargo run --release -- policies");
    println!("  cargo run --release -- calc examples/cases/grade5-guangzhou.json --lang en");
    println!("  cargo run --release -- synth cases --count 1000000 --seed 7 --out cases.csv");
    println!("  cargo run --release -- calc --batch cases.csv --out results.csv");
    println!(
        "Without --print, demo builds a seeded SQLite database and serves the web UI and the API."
    );
    Ok(())
}
