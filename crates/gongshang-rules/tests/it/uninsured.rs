//! Regulations Art 62(2)-(3): who pays when the unit had not insured the
//! worker, and after it paid the premiums back. Each case computed by hand in
//! its comment.

use gongshang_rules::scheme_award::calculate_under_scheme;
use gongshang_rules::uninsured::{Basis, Cost, Uninsured, payer_of};
use gongshang_rules::{CaseInput, Item, Money, Payer, RulesError};
use jiff::civil::date;

use crate::policy;

fn yuan(s: &str) -> Money {
    Money::parse_yuan(s).unwrap()
}

/// A grade 3 worker, partly dependent, injured 2026-01-10, appraised
/// 2026-03-15, 10 days in hospital; own wage 6000.00, regional average
/// 8000.00 (given), food subsidy 50.00 a day, minimum wage 2000.00.
fn grade3(uninsured: Option<Uninsured>) -> CaseInput {
    let mut case: CaseInput = serde_json::from_value(serde_json::json!({
        "region": "110000",
        "injury_date": "2026-01-10",
        "appraisal_date": "2026-03-15",
        "own_wage": "6000.00",
        "grade": 3,
        "nursing": "partly",
        "hospital_days": 10,
        "regional_avg_wage": "8000.00",
        "min_wage": "2000.00",
        "food_subsidy_daily": "50.00",
    }))
    .unwrap();
    case.uninsured = uninsured;
    case
}

fn line(result: &gongshang_rules::scheme_award::SchemeResult, item: Item) -> (Money, Payer) {
    let l = result
        .lines
        .iter()
        .find(|l| l.item == item)
        .unwrap_or_else(|| panic!("{item:?} in the award"));
    (l.amount, l.payer)
}

fn rules_of(result: &gongshang_rules::scheme_award::SchemeResult, item: Item) -> Vec<&str> {
    result
        .trace
        .steps
        .iter()
        .filter(|s| s.item == item && s.rule.starts_with("art62"))
        .map(|s| s.rule)
        .collect()
}

/// Art 62(2). Benefit wage 6000.00 (within 60%-300% of 8000.00). The fund's
/// items under Arts 30, 34, 35: hospital food 10 × 50.00 = 500.00; one-time
/// subsidy 23 months × 6000.00 = 138000.00; allowance 80% × 6000.00 =
/// 4800.00 a month; living care (partly) 30% × 8000.00 = 2400.00 a month.
/// Insured: the fund pays all four. Not insured: the same amounts, every one
/// paid by the unit, each with an Art 62(2) step.
#[test]
fn art62_2_an_uninsured_units_worker_is_paid_every_fund_item_by_the_unit() {
    let scheme = "national.employees".parse().unwrap();
    let insured = calculate_under_scheme(policy(), &scheme, &grade3(None)).unwrap();
    let uninsured =
        calculate_under_scheme(policy(), &scheme, &grade3(Some(Uninsured::default()))).unwrap();
    for (item, amount) in [
        (Item::HospitalFoodSubsidy, "500.00"),
        (Item::OneTimeDisabilitySubsidy, "138000.00"),
        (Item::MonthlyDisabilityAllowance, "4800.00"),
        (Item::MonthlyLivingCare, "2400.00"),
    ] {
        assert_eq!(
            line(&insured, item),
            (yuan(amount), Payer::Fund),
            "{item:?}"
        );
        assert!(rules_of(&insured, item).is_empty());
        assert_eq!(
            line(&uninsured, item),
            (yuan(amount), Payer::Employer),
            "{item:?}"
        );
        assert_eq!(rules_of(&uninsured, item), ["art62_2.employer_pays"]);
        let l = uninsured.lines.iter().find(|l| l.item == item).unwrap();
        assert!(
            l.citation.article.contains("第62条第2款"),
            "{}",
            l.citation.article
        );
    }
    assert_eq!(insured.lines.len(), uninsured.lines.len());
}

/// Social Insurance Law Art 41 read with Art 62(2): the unit had enrolled
/// the worker but was in arrears on the accident day. The same amounts and
/// payers as not enrolled (every fund item the unit's), the steps and
/// citations naming Art 41 and the arrears.
#[test]
fn sil_art_41_a_unit_in_arrears_pays_every_fund_item_citing_art_41() {
    let scheme = "national.employees".parse().unwrap();
    let not_enrolled =
        calculate_under_scheme(policy(), &scheme, &grade3(Some(Uninsured::default()))).unwrap();
    let in_arrears = calculate_under_scheme(
        policy(),
        &scheme,
        &grade3(Some(Uninsured {
            in_arrears: true,
            ..Uninsured::default()
        })),
    )
    .unwrap();
    for item in [
        Item::HospitalFoodSubsidy,
        Item::OneTimeDisabilitySubsidy,
        Item::MonthlyDisabilityAllowance,
        Item::MonthlyLivingCare,
    ] {
        assert_eq!(
            line(&in_arrears, item),
            line(&not_enrolled, item),
            "{item:?}"
        );
        assert_eq!(line(&in_arrears, item).1, Payer::Employer);
        let step = in_arrears
            .trace
            .steps
            .iter()
            .find(|s| s.item == item && s.rule == "sil41.employer_in_arrears_pays")
            .unwrap_or_else(|| panic!("{item:?}: an Art 41 step"));
        assert_eq!(step.article, gongshang_rules::articles::SIL_41_REG_62_2);
        let l = in_arrears.lines.iter().find(|l| l.item == item).unwrap();
        assert!(
            l.citation.article.contains("社会保险法第41条")
                && l.citation.article.contains("第62条第2款"),
            "{}",
            l.citation.article
        );
    }
}

/// Art 62(3) with 人社部发〔2016〕29号 item 3: the unit settled the back-payment
/// on 2026-05-20. The hospital food subsidy arose with the accident
/// (2026-01-10, before): the unit's. The one-time disability subsidy is no
/// new cost: the unit's. The allowance (grade 3, the fund's under Art 35)
/// and living care are new costs from the first month after the settlement,
/// 2026-06: the fund pays them from then, the unit the months before.
#[test]
fn art62_3_after_the_back_payment_the_fund_pays_the_months_after_it_the_unit_the_rest() {
    let scheme = "national.employees".parse().unwrap();
    let case = grade3(Some(Uninsured {
        back_paid_on: Some(date(2026, 5, 20)),
        ..Uninsured::default()
    }));
    let r = calculate_under_scheme(policy(), &scheme, &case).unwrap();
    assert_eq!(
        line(&r, Item::HospitalFoodSubsidy),
        (yuan("500.00"), Payer::Employer)
    );
    assert_eq!(
        rules_of(&r, Item::HospitalFoodSubsidy),
        ["art62_2.employer_pays_before_back_payment"]
    );
    assert_eq!(
        line(&r, Item::OneTimeDisabilitySubsidy),
        (yuan("138000.00"), Payer::Employer)
    );
    assert_eq!(
        rules_of(&r, Item::OneTimeDisabilitySubsidy),
        ["art62_2.employer_keeps_what_is_not_a_new_cost"]
    );
    for (item, amount) in [
        (Item::MonthlyDisabilityAllowance, "4800.00"),
        (Item::MonthlyLivingCare, "2400.00"),
    ] {
        assert_eq!(line(&r, item), (yuan(amount), Payer::Fund), "{item:?}");
        assert_eq!(
            rules_of(&r, item),
            ["art62_3.fund_pays_months_after_back_payment"]
        );
        let l = r.lines.iter().find(|l| l.item == item).unwrap();
        assert!(
            l.citation.article.contains("2026-06"),
            "{}",
            l.citation.article
        );
    }
}

/// Art 62(3), a death: the worker died on 2026-02-01 (injured 2026-01-10),
/// a spouse alone: pension 40% × 6000.00 = 2400.00 a month; funeral 6 ×
/// 8000.00 = 48000.00; one-time death benefit 20 × 50000.00 = 1000000.00.
/// Back-payment settled 2026-03-31: the pensions are the fund's from
/// 2026-04 (the only new cost of a death, 29号 item 3(2)); the funeral
/// subsidy and the death benefit stay the unit's.
#[test]
fn art62_3_a_death_moves_only_the_survivors_pensions_to_the_fund() {
    let mut case: CaseInput = serde_json::from_value(serde_json::json!({
        "region": "110000",
        "injury_date": "2026-01-10",
        "death_date": "2026-02-01",
        "own_wage": "6000.00",
        "dependants": {"spouse": true},
        "regional_avg_wage": "8000.00",
        "national_income": "50000.00",
        "uninsured": {"back_paid_on": "2026-03-31"},
    }))
    .unwrap();
    let scheme = "national.employees".parse().unwrap();
    let r = calculate_under_scheme(policy(), &scheme, &case).unwrap();
    assert_eq!(
        line(&r, Item::MonthlySurvivorPensions),
        (yuan("2400.00"), Payer::Fund)
    );
    let pensions = r
        .lines
        .iter()
        .find(|l| l.item == Item::MonthlySurvivorPensions)
        .unwrap();
    assert!(pensions.citation.article.contains("2026-04"));
    assert_eq!(
        line(&r, Item::FuneralSubsidy),
        (yuan("48000.00"), Payer::Employer)
    );
    assert_eq!(
        line(&r, Item::OneTimeDeathBenefit),
        (yuan("1000000.00"), Payer::Employer)
    );
    // Not back-paid: the pensions are the unit's too.
    case.uninsured = Some(Uninsured::default());
    let r = calculate_under_scheme(policy(), &scheme, &case).unwrap();
    assert_eq!(
        line(&r, Item::MonthlySurvivorPensions),
        (yuan("2400.00"), Payer::Employer)
    );
}

/// The one rule, cost by cost. Back-payment settled on 2026-05-20: a bill
/// whose service began 2026-05-21 is the fund's; one that began on the day
/// or before, the unit's (assumed: "after" is from the next day). The
/// one-time medical subsidy on a termination of 2026-07-01 (29号: 参保后解除
/// 劳动合同时) is the fund's; the suspension wages are the unit's under Art 33
/// whatever happened; insured, the Regulations' payer.
#[test]
fn art62_3_the_rule_sorts_each_cost_by_the_day_it_arises() {
    let u = Some(Uninsured {
        back_paid_on: Some(date(2026, 5, 20)),
        ..Uninsured::default()
    });
    let fund = |cost, on| payer_of(u, cost, Payer::Fund, on);
    assert_eq!(
        fund(Cost::MedicalCosts, date(2026, 5, 21)).basis,
        Basis::FundAfterBackPayment
    );
    assert_eq!(
        fund(Cost::MedicalCosts, date(2026, 5, 21)).payer,
        Payer::Fund
    );
    assert_eq!(
        fund(Cost::MedicalCosts, date(2026, 5, 20)).payer,
        Payer::Employer
    );
    assert_eq!(
        fund(Cost::MedicalCosts, date(2026, 5, 20)).basis,
        Basis::EmployerUninsured
    );
    assert_eq!(
        fund(Cost::Item(Item::OneTimeMedicalSubsidy), date(2026, 7, 1)).payer,
        Payer::Fund
    );
    assert_eq!(
        fund(Cost::Item(Item::OneTimeDeathBenefit), date(2026, 7, 1)).payer,
        Payer::Employer
    );
    assert_eq!(
        payer_of(
            u,
            Cost::Item(Item::SuspensionWages),
            Payer::Employer,
            date(2026, 7, 1)
        ),
        gongshang_rules::uninsured::PayerDecision {
            payer: Payer::Employer,
            basis: Basis::Regulations
        }
    );
    assert_eq!(
        payer_of(None, Cost::MedicalCosts, Payer::Fund, date(2026, 1, 1)).payer,
        Payer::Fund
    );
    // No back-payment: the unit's, whenever it arises.
    assert_eq!(
        payer_of(
            Some(Uninsured::default()),
            Cost::MedicalCosts,
            Payer::Fund,
            date(2030, 1, 1)
        )
        .payer,
        Payer::Employer
    );
}

/// Art 62 concerns a unit's insurance: a scheme without one (益鹭保) refuses
/// the finding, naming it.
#[test]
fn art62_2_a_scheme_without_an_employer_refuses_the_finding() {
    let case: CaseInput = serde_json::from_value(serde_json::json!({
        "region": "350200",
        "injury_date": "2026-01-10",
        "own_wage": "6000.00",
        "uninsured": {},
    }))
    .unwrap();
    let err = calculate_under_scheme(policy(), &"xiamen.yilubao".parse().unwrap(), &case);
    assert!(
        matches!(
            err,
            Err(RulesError::InputConflict {
                input: "uninsured",
                ..
            })
        ),
        "{err:?}"
    );
}
