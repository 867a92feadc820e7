//! The advance's rule (Social Insurance Law Arts 41-42; Order No. 15 Arts
//! 5 and 8) as a table: which costs each ground advances, the total, what
//! is paid out now.

use gongshang_rules::advance::{
    Cost, Ground, MonthlyEnd, ORDER15_8_MONTHLY, advance, monthly_advance,
};
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

fn monthly(
    benefit: i64,
    item: Item,
    payer: Payer,
    regular: Payer,
    start: &str,
    end: Option<&str>,
) -> Cost {
    Cost::MonthlyItem {
        benefit,
        item,
        beneficiary: "worker".into(),
        payer,
        regular_payer: regular,
        monthly: Money::from_fen(350_000),
        start: start.parse().unwrap(),
        end: end.map(|e| e.parse().unwrap()),
    }
}

/// Order 15 Art 8 with Regulations Art 62(2), month by month: on the unit's
/// ground the fund-type monthly items the uninsured unit owes are advanced
/// from the month of the grant (2026-03-12: March), or from the item's own
/// first month when later; the unit's own grade 5-6 allowance (regular payer
/// the unit), a benefit ended before the grant, the fund's own benefit and
/// the third party's ground advance nothing monthly.
#[test]
fn order15_art_8_the_fund_type_monthly_items_are_advanced_from_the_month_of_the_grant() {
    let granted_on: jiff::civil::Date = "2026-03-12".parse().unwrap();
    let costs = [
        // grade 3 allowance, unit pays under Art 62(2): from 2026-03
        monthly(
            1,
            Item::MonthlyDisabilityAllowance,
            Payer::Employer,
            Payer::Fund,
            "2025-11-01",
            None,
        ),
        // living care starting after the grant: from its own first month
        monthly(
            2,
            Item::MonthlyLivingCare,
            Payer::Employer,
            Payer::Fund,
            "2026-05-01",
            None,
        ),
        // grade 5 allowance: the unit's own item (Regulations Art 36)
        monthly(
            3,
            Item::MonthlyDisabilityAllowance,
            Payer::Employer,
            Payer::Employer,
            "2025-11-01",
            None,
        ),
        // ended (Art 62(3) back-payment) before the grant month
        monthly(
            4,
            Item::MonthlySurvivorPensions,
            Payer::Employer,
            Payer::Fund,
            "2025-01-01",
            Some("2026-02-01"),
        ),
        // the fund's own benefit: paid by the payroll, not advanced
        monthly(
            5,
            Item::MonthlySurvivorPensions,
            Payer::Fund,
            Payer::Fund,
            "2026-03-01",
            None,
        ),
        // a one-time item is the one-time rule's, not this one's
        item(
            Item::OneTimeDisabilitySubsidy,
            Payer::Employer,
            Payer::Fund,
            16_800_000,
        ),
    ];
    // (ground, expected (benefit, from month))
    let table: [(Ground, &[(i64, &str)]); 2] = [
        (
            Ground::EmployerUnpaid,
            &[(1, "2026-03-01"), (2, "2026-05-01")],
        ),
        (Ground::ThirdParty, &[]),
    ];
    for (ground, expected) in table {
        let mut trace = Trace::default();
        let lines = monthly_advance(ground, &costs, granted_on, &mut trace);
        let got: Vec<(i64, String)> = lines
            .iter()
            .map(|l| (l.benefit, l.from.to_string()))
            .collect();
        let want: Vec<(i64, String)> = expected
            .iter()
            .map(|(b, f)| (*b, (*f).to_owned()))
            .collect();
        assert_eq!(got, want, "{ground:?}");
        assert_eq!(trace.steps.len(), expected.len(), "a step per monthly line");
        for s in &trace.steps {
            assert_eq!(s.article, ORDER15_8_MONTHLY);
            assert_eq!(s.rule, "advance.monthly");
        }
    }
    // The one-time rule is unchanged by the monthly items: only the subsidy.
    let a = advance(Ground::EmployerUnpaid, &costs, &mut Trace::default());
    assert_eq!(a.total.fen(), 16_800_000);
}

/// A benefit ending in the month of the grant is still advanced for that
/// month (the payroll stops after its last month); the end reasons cite
/// Order 15 Art 8 (the unit pays again) and Art 62(3) (the fund's own).
#[test]
fn order15_art_8_a_benefit_ending_in_the_grant_month_is_advanced_for_it_and_the_ends_cite_their_articles()
 {
    let costs = [monthly(
        7,
        Item::MonthlyDisabilityAllowance,
        Payer::Employer,
        Payer::Fund,
        "2025-01-01",
        Some("2026-03-01"),
    )];
    let lines = monthly_advance(
        Ground::EmployerUnpaid,
        &costs,
        "2026-03-31".parse().unwrap(),
        &mut Trace::default(),
    );
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].from.to_string(), "2026-03-01");
    assert_eq!(MonthlyEnd::UnitResumed.article(), ORDER15_8_MONTHLY);
    assert_eq!(
        MonthlyEnd::BackPayment.article(),
        gongshang_rules::articles::REG_62_3
    );
    for e in MonthlyEnd::ALL {
        assert_eq!(MonthlyEnd::parse(e.as_str()), Some(e));
    }
}
