//! The advance's rule (Social Insurance Law Arts 41-42; Order No. 15 Arts
//! 5 and 8) as a table: which costs each ground advances, the total, what
//! is paid out now.

use gongshang_rules::advance::{Cost, Ground, advance};
use gongshang_rules::trace::Trace;
use gongshang_rules::{Item, Money, Payer};

fn item(item: Item, payer: Payer, regular: Payer, fen: i64) -> Cost {
    Cost::AwardItem {
        item,
        beneficiary: "worker".into(),
        payer,
        regular_payer: regular,
        amount: Money::from_fen(fen),
    }
}

/// The uninsured unit's case of the app's test: the disability subsidy
/// 168000.00 (the fund's item, the unit pays it under Art 62(2)), the
/// suspension wages 48000.00 (the unit's own), a bill of 8000.00 named the
/// unit's. By hand, Art 8 on the unit's ground: 168000.00 + 8000.00 =
/// 176000.00, all paid out now; on the third party's ground (Arts 4-5) only
/// what the fund paid on bills, here 0.00, and on an insured case's bill of
/// 8000.00 paid by the fund, 8000.00 owed by the third party and 0.00 paid
/// out again.
#[test]
fn order15_8_only_the_fund_s_items_are_advanced() {
    let uninsured = vec![
        item(
            Item::OneTimeDisabilitySubsidy,
            Payer::Employer,
            Payer::Fund,
            16_800_000,
        ),
        item(
            Item::SuspensionWages,
            Payer::Employer,
            Payer::Employer,
            4_800_000,
        ),
        Cost::MedicalBill {
            bill: 1,
            fund_paid: Money::ZERO,
            unit_owes: Money::from_fen(800_000),
        },
    ];
    let insured = vec![
        item(
            Item::OneTimeDisabilitySubsidy,
            Payer::Fund,
            Payer::Fund,
            16_800_000,
        ),
        Cost::MedicalBill {
            bill: 2,
            fund_paid: Money::from_fen(800_000),
            unit_owes: Money::ZERO,
        },
    ];
    // (ground, costs, total, paid out now, lines)
    let table: [(Ground, &[Cost], i64, i64, usize); 4] = [
        (
            Ground::EmployerUnpaid,
            &uninsured,
            17_600_000,
            17_600_000,
            2,
        ),
        (Ground::ThirdParty, &uninsured, 0, 0, 0),
        (Ground::ThirdParty, &insured, 800_000, 0, 1),
        // An insured unit pays nothing the fund owes: nothing to advance.
        (Ground::EmployerUnpaid, &insured, 0, 0, 0),
    ];
    for (ground, costs, total, to_pay, lines) in table {
        let mut trace = Trace::default();
        let a = advance(ground, costs, &mut trace);
        assert_eq!(
            (a.total.fen(), a.to_pay.fen(), a.lines.len()),
            (total, to_pay, lines),
            "{ground:?}"
        );
        assert_eq!(
            trace.steps.len(),
            lines,
            "a step per line, with its article"
        );
    }
}
