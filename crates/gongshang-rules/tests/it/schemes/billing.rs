//! What cover costs under each scheme (billing.rs), computed by hand, and when
//! paid cover starts.

use gongshang_rules::billing::{
    Premium, UnitRating, cover_starts, daily_premium, monthly_premium, order_premium,
};
use gongshang_rules::scheme::{CoverStart, OrderIndustry, PremiumPayer, Scheme};
use gongshang_rules::{IndustryClass, Money, Rate, RulesError};
use jiff::civil::{Date, date};

use crate::policy;

fn scheme(id: &str) -> &'static Scheme {
    policy().scheme(id).expect("a shipped scheme")
}

fn yuan(text: &str) -> Money {
    Money::parse_yuan(text).expect("an amount")
}

fn rating(class: u8, tier: &str) -> Option<UnitRating> {
    Some(UnitRating {
        class: IndustryClass::new(class).expect("a class"),
        tier: Rate::parse(tier).expect("a tier"),
    })
}

fn shares(p: &Premium) -> Vec<(PremiumPayer, String)> {
    p.shares.iter().map(|(w, m)| (*w, m.to_string())).collect()
}

fn assert_error(result: Result<Premium, RulesError>, code: &str, field: Option<&str>) {
    match result {
        Ok(p) => panic!("expected {code} on {field:?}, got a premium of {}", p.gross),
        Err(e) => assert_eq!(
            (e.code(), e.field()),
            (code, field),
            "unexpected error: {e}"
        ),
    }
}

const MONTH: Date = date(2025, 1, 1);
/// A month inside the one Guangdong band shipped (2020-07-01 to 2021-06-30).
const GD_MONTH: Date = date(2021, 5, 1);

/// 粤人社规〔2020〕55号: the declared wage held within 4053.60-20268.00; the
/// unit's class benchmark times its tier. Class 1 at 100%: 0.2%.
#[test]
fn guangdong_55hao_band_clamps_the_declared_wage() {
    let s = scheme("guangdong.specific_persons");
    // Below: 3000.00 -> 4053.60; 4053.60 x 0.2% = 8.1072 -> 8.11.
    let below = monthly_premium(policy(), s, yuan("3000.00"), rating(1, "100%"), GD_MONTH).unwrap();
    assert_eq!(below.base, Some(yuan("4053.60")));
    assert_eq!(below.gross.to_string(), "8.11");
    // Inside: 8000.00 x 0.2% = 16.00.
    let inside =
        monthly_premium(policy(), s, yuan("8000.00"), rating(1, "100%"), GD_MONTH).unwrap();
    assert_eq!(inside.base, Some(yuan("8000.00")));
    assert_eq!(inside.gross.to_string(), "16.00");
    // Above: 30000.00 -> 20268.00; 20268.00 x 0.2% = 40.536 -> 40.54.
    let above =
        monthly_premium(policy(), s, yuan("30000.00"), rating(1, "100%"), GD_MONTH).unwrap();
    assert_eq!(above.base, Some(yuan("20268.00")));
    assert_eq!(above.gross.to_string(), "40.54");
    // The edges themselves are inside.
    let lower = monthly_premium(policy(), s, yuan("4053.60"), rating(1, "100%"), GD_MONTH).unwrap();
    assert_eq!(lower.base, Some(yuan("4053.60")));
    let upper =
        monthly_premium(policy(), s, yuan("20268.00"), rating(1, "100%"), GD_MONTH).unwrap();
    assert_eq!(upper.base, Some(yuan("20268.00")));
    // The unit pays it all.
    assert_eq!(shares(&inside), vec![(PremiumPayer::Unit, "16.00".into())]);
}

/// 人社部发〔2015〕71号: class 3 benchmark 0.7% at tier 120% = 0.84%.
#[test]
fn guangdong_55hao_rate_is_class_benchmark_times_tier() {
    let s = scheme("guangdong.specific_persons");
    let p = monthly_premium(policy(), s, yuan("8000.00"), rating(3, "120%"), GD_MONTH).unwrap();
    assert_eq!(p.rate, Some(Rate::parse("0.84%").unwrap()));
    // 8000.00 x 0.84% = 67.20.
    assert_eq!(p.gross.to_string(), "67.20");
    // Class 1 has no 50% tier (100%, 120%, 150%).
    assert_error(
        monthly_premium(policy(), s, yuan("8000.00"), rating(1, "50%"), GD_MONTH),
        "input_out_of_range",
        Some("floating_tier"),
    );
}

#[test]
fn guangdong_55hao_needs_the_industry_class() {
    let s = scheme("guangdong.specific_persons");
    assert_error(
        monthly_premium(policy(), s, yuan("8000.00"), None, GD_MONTH),
        "input_missing",
        Some("industry_class"),
    );
}

/// The band runs from 1 July to 30 June: past 2021-06-30 no band is loaded,
/// which is an error naming the parameter, never last year's band.
#[test]
fn guangdong_55hao_band_lapses_after_30_june() {
    let s = scheme("guangdong.specific_persons");
    assert_error(
        monthly_premium(
            policy(),
            s,
            yuan("8000.00"),
            rating(1, "100%"),
            date(2021, 7, 1),
        ),
        "parameter_missing",
        Some("guangdong.specific_persons.base_lower"),
    );
}

/// The ordinary insurance bills the declared wage as it is: 25000.00 x class 2
/// 0.4% x 100% = 100.00 (no band).
#[test]
fn employees_are_billed_on_the_declared_wage() {
    let p = monthly_premium(
        policy(),
        scheme("national.employees"),
        yuan("25000.00"),
        rating(2, "100%"),
        MONTH,
    )
    .unwrap();
    assert_eq!(p.base, Some(yuan("25000.00")));
    assert_eq!(p.gross.to_string(), "100.00");
}

/// Fixed bases and rates (illustrative values): Jiangsu 4494.00 x 0.5% =
/// 22.47; Shandong 4800.00 x 0.5% = 24.00, whatever the declared wage, paid
/// by the unit alone (Shandong's measures: 特定从业人员个人不缴费).
#[test]
fn jiangsu_2021_and_shandong_2024_fixed_base_and_rate() {
    let js = monthly_premium(
        policy(),
        scheme("jiangsu.over_age_and_interns"),
        yuan("9000.00"),
        None,
        MONTH,
    )
    .unwrap();
    assert_eq!(js.base, Some(yuan("4494.00")));
    assert_eq!(js.gross.to_string(), "22.47");
    let sd = monthly_premium(
        policy(),
        scheme("shandong.specific_workers"),
        yuan("1000.00"),
        None,
        MONTH,
    )
    .unwrap();
    assert_eq!(sd.base, Some(yuan("4800.00")));
    assert_eq!(sd.gross.to_string(), "24.00");
    // Shandong's specific workers pay nothing: the unit pays it all.
    assert_eq!(shares(&sd), vec![(PremiumPayer::Unit, "24.00".into())]);
}

#[test]
fn a_negative_declared_wage_is_refused() {
    assert_error(
        monthly_premium(
            policy(),
            scheme("guangdong.specific_persons"),
            yuan("-1.00"),
            rating(1, "100%"),
            MONTH,
        ),
        "input_out_of_range",
        Some("declared_wage"),
    );
}

/// 益鹭保: 0.80 a day (0.40 paid by the worker, 50% by the city).
#[test]
fn xiamen_yilubao_daily_premium_with_fiscal_half() {
    let s = scheme("xiamen.yilubao");
    // 30 days: 0.80 x 30 = 24.00; the city 24.00 x 50% = 12.00; the worker 12.00.
    let p = daily_premium(policy(), s, 30, date(2025, 3, 1)).unwrap();
    assert_eq!(p.gross.to_string(), "24.00");
    assert_eq!(
        shares(&p),
        vec![
            (PremiumPayer::Worker, "12.00".into()),
            (PremiumPayer::Fiscal, "12.00".into())
        ]
    );
    // One day: 0.80, 0.40 each.
    let one = daily_premium(policy(), s, 1, date(2025, 3, 1)).unwrap();
    assert_eq!(one.gross.to_string(), "0.80");
    assert_eq!(
        shares(&one),
        vec![
            (PremiumPayer::Worker, "0.40".into()),
            (PremiumPayer::Fiscal, "0.40".into())
        ]
    );
    // A year of 366 days: 292.80, 146.40 each; shares add up to the gross.
    let year = daily_premium(policy(), s, 366, date(2025, 3, 1)).unwrap();
    assert_eq!(year.gross.to_string(), "292.80");
    let sum = year
        .shares
        .iter()
        .fold(Money::ZERO, |a, (_, m)| a.checked_add(*m).unwrap());
    assert_eq!(sum, year.gross);
}

#[test]
fn xiamen_yilubao_days_and_dates_out_of_range() {
    let s = scheme("xiamen.yilubao");
    assert_error(
        daily_premium(policy(), s, 0, date(2025, 3, 1)),
        "input_out_of_range",
        Some("days"),
    );
    assert_error(
        daily_premium(policy(), s, 367, date(2025, 3, 1)),
        "input_out_of_range",
        Some("days"),
    );
    // Before the cover started (2023-09-01) there is no price.
    assert_error(
        daily_premium(policy(), s, 1, date(2023, 8, 31)),
        "parameter_missing",
        Some("xiamen.yilubao.price_per_day"),
    );
}

/// The platform pilot's per-order prices from 2025-07-01 (CQ, DZW): 1000 orders each.
#[test]
fn platform_pilot_per_order_prices_from_2025_07_01() {
    let s = scheme("national.platform_occupational_injury");
    let on = date(2025, 7, 1);
    let cases = [
        (OrderIndustry::RideHailing, None, "10.00"), // 0.01 x 1000
        (OrderIndustry::InstantDelivery, Some("standard"), "70.00"), // 0.07 x 1000
        (
            OrderIndustry::InstantDelivery,
            Some("high_payout"),
            "250.00",
        ), // 0.25 x 1000
        (OrderIndustry::IntraCityFreight, None, "180.00"), // 0.18 x 1000
    ];
    for (industry, class, gross) in cases {
        let p = order_premium(policy(), s, industry, class, 1000, on).unwrap();
        assert_eq!(p.gross.to_string(), gross, "{industry:?} {class:?}");
        // The platform pays it all; the worker nothing.
        assert_eq!(shares(&p), vec![(PremiumPayer::Platform, gross.to_owned())]);
    }
    // One order of freight: 0.18.
    let one = order_premium(policy(), s, OrderIndustry::IntraCityFreight, None, 1, on).unwrap();
    assert_eq!(one.gross.to_string(), "0.18");
}

#[test]
fn platform_pilot_instant_delivery_needs_the_platform_class() {
    let s = scheme("national.platform_occupational_injury");
    let on = date(2025, 7, 1);
    assert_error(
        order_premium(policy(), s, OrderIndustry::InstantDelivery, None, 10, on),
        "input_missing",
        Some("platform_class"),
    );
    assert_error(
        order_premium(
            policy(),
            s,
            OrderIndustry::InstantDelivery,
            Some("premium"),
            10,
            on,
        ),
        "input_out_of_range",
        Some("platform_class"),
    );
}

#[test]
fn platform_pilot_prices_missing_before_2025_07_01() {
    let s = scheme("national.platform_occupational_injury");
    assert_error(
        order_premium(
            policy(),
            s,
            OrderIndustry::RideHailing,
            None,
            10,
            date(2025, 6, 30),
        ),
        "parameter_missing",
        Some("platform.premium_per_order.ride_hailing"),
    );
}

#[test]
fn billing_of_the_wrong_kind_is_refused() {
    assert_error(
        order_premium(
            policy(),
            scheme("guangdong.specific_persons"),
            OrderIndustry::RideHailing,
            None,
            1,
            date(2025, 7, 1),
        ),
        "input_conflict",
        Some("scheme"),
    );
    assert_error(
        daily_premium(policy(), scheme("national.employees"), 1, MONTH),
        "input_conflict",
        Some("scheme"),
    );
    assert_error(
        monthly_premium(
            policy(),
            scheme("xiamen.yilubao"),
            yuan("1.00"),
            None,
            MONTH,
        ),
        "input_conflict",
        Some("scheme"),
    );
}

/// 粤人社规〔2020〕55号 Art 7: cover from the day after enrolment, or from the
/// day after the actual payment when the premium was unpaid; never backdated.
#[test]
fn guangdong_55hao_art7_cover_starts_the_day_after_payment() {
    let s = scheme("guangdong.specific_persons");
    // Enrolled and paid on 2025-03-01: cover from 2025-03-02.
    assert_eq!(
        cover_starts(s, date(2025, 3, 1), date(2025, 3, 1)).unwrap(),
        date(2025, 3, 2)
    );
    // Enrolled 2025-03-01, paid late on 2025-03-20: cover from 2025-03-21.
    assert_eq!(
        cover_starts(s, date(2025, 3, 1), date(2025, 3, 20)).unwrap(),
        date(2025, 3, 21)
    );
    // The Jiangsu single-line scheme follows the same rule.
    let js = scheme("jiangsu.over_age_and_interns");
    assert_eq!(
        cover_starts(js, date(2025, 3, 1), date(2025, 3, 20)).unwrap(),
        date(2025, 3, 21)
    );
}

/// Shandong's specific workers (announcement of 2024-06, [163]): paid in the
/// month of enrolment, cover from the day after the enrolment, even when the
/// payment came later that month; paid in a later month, from the day after
/// the payment.
#[test]
fn shandong_2024_cover_starts_the_day_after_enrolment_when_paid_that_month() {
    let s = scheme("shandong.specific_workers");
    assert_eq!(
        cover_starts(s, date(2025, 3, 1), date(2025, 3, 20)).unwrap(),
        date(2025, 3, 2)
    );
    assert_eq!(
        cover_starts(s, date(2025, 3, 10), date(2025, 3, 31)).unwrap(),
        date(2025, 3, 11)
    );
    // Paid before the enrolment: the day after the enrolment.
    assert_eq!(
        cover_starts(s, date(2025, 3, 10), date(2025, 2, 27)).unwrap(),
        date(2025, 3, 11)
    );
    // Paid in the next month: the day after the payment.
    assert_eq!(
        cover_starts(s, date(2025, 3, 10), date(2025, 4, 5)).unwrap(),
        date(2025, 4, 6)
    );
}

/// Paid before the enrolment: cover still starts only the day after the
/// enrolment (Art 7), never on the enrolment day itself.
#[test]
fn guangdong_55hao_art7_cover_never_starts_before_the_day_after_enrolment() {
    let s = scheme("guangdong.specific_persons");
    assert_eq!(
        cover_starts(s, date(2025, 3, 10), date(2025, 3, 1)).unwrap(),
        date(2025, 3, 11),
        "paid 2025-03-01, enrolled 2025-03-10: cover from the day after the enrolment"
    );
}

/// The ordinary insurance covers from the enrolment, whenever it is paid (back
/// pay allowed); cover by the day or by the order is the day itself.
#[test]
fn cover_starts_for_employees_days_and_orders() {
    assert_eq!(
        cover_starts(
            scheme("national.employees"),
            date(2025, 3, 1),
            date(2025, 4, 15)
        )
        .unwrap(),
        date(2025, 3, 1)
    );
    assert_eq!(
        cover_starts(
            scheme("jiangsu.employees"),
            date(2025, 3, 1),
            date(2025, 3, 1)
        )
        .unwrap(),
        date(2025, 3, 1)
    );
    assert_eq!(
        cover_starts(scheme("xiamen.yilubao"), date(2025, 3, 1), date(2025, 3, 5)).unwrap(),
        date(2025, 3, 5)
    );
    assert_eq!(
        cover_starts(
            scheme("national.platform_occupational_injury"),
            date(2025, 7, 1),
            date(2025, 7, 9)
        )
        .unwrap(),
        date(2025, 7, 9)
    );
}

/// Guangdong Regulations Art 65 ("用人单位为职工办理工伤保险参保手续次日起"): the
/// Guangdong employees' scheme covers from the day after the enrolment,
/// whenever the premiums are paid (they are the unit's debt, not the price
/// of a day); the national and Jiangsu schemes from the enrolment day.
#[test]
fn guangdong_regs_art65_the_employees_scheme_covers_from_the_day_after_enrolment() {
    let s = scheme("guangdong.employees");
    assert_eq!(s.cover_starts, CoverStart::DayAfterEnrollment);
    assert!(s.cover_starts.rests_on_enrollment());
    for paid_on in [date(2025, 2, 1), date(2025, 3, 10), date(2025, 6, 30)] {
        assert_eq!(
            cover_starts(s, date(2025, 3, 10), paid_on).unwrap(),
            date(2025, 3, 11),
            "paid {paid_on}"
        );
    }
    assert_eq!(
        cover_starts(s, date(2025, 12, 31), date(2025, 12, 31)).unwrap(),
        date(2026, 1, 1)
    );
    for id in ["national.employees", "jiangsu.employees"] {
        assert_eq!(scheme(id).cover_starts, CoverStart::Enrollment, "{id}");
    }
}

/// The platform pilot's yearly float (人社部发〔2025〕24号; Shandong from
/// 2027): 1000 delivery orders at the 0.07 benchmark = 70.00. A platform with
/// a prior-year payout ratio of 70% is in tier 3 (60%-80%): 100%, 70.00; at
/// 130% tier 5: 150%, 105.00; at 10% tier 1: 50%, 35.00; with 11 months of
/// contributions it is not floated: 70.00. Before 2027 Shandong has no table.
#[test]
fn platform_rate_floats_by_the_prior_year_payout_ratio_not_before_12_months() {
    use gongshang_rules::billing::floated_order_premium;
    let on = date(2027, 3, 1);
    let bench = Money::parse_yuan("0.07").unwrap();
    let at = |ratio: &str, months: u32| {
        floated_order_premium(
            policy(),
            "370000",
            bench,
            1000,
            Rate::parse(ratio).unwrap(),
            months,
            on,
        )
        .unwrap()
        .amount
        .to_string()
    };
    assert_eq!(at("70%", 12), "70.00");
    assert_eq!(at("130%", 24), "105.00");
    assert_eq!(at("10%", 12), "35.00");
    assert_eq!(at("80%", 12), "84.00");
    assert_eq!(at("10%", 11), "70.00");
    let before = floated_order_premium(
        policy(),
        "370000",
        bench,
        1000,
        Rate::parse("10%").unwrap(),
        12,
        date(2026, 12, 31),
    );
    assert_eq!(
        before.unwrap_err().field(),
        Some("platform.float.payout_ratio_bounds")
    );
}

/// Renamed platforms keep their history: 饿了么 is 淘宝闪购 from 2026-07-01
/// and 达达 is 京东秒送, the same platform under either name.
#[test]
fn renamed_platforms_keep_their_history() {
    let s = policy()
        .scheme("national.platform_occupational_injury")
        .unwrap();
    let eleme = s.platform("淘宝闪购").expect("found under its new name");
    assert_eq!(eleme.name, "饿了么");
    assert_eq!(eleme.from, date(2022, 7, 1));
    assert_eq!(eleme.name_on(date(2026, 6, 30)), "饿了么");
    assert_eq!(eleme.name_on(date(2026, 7, 1)), "淘宝闪购");
    assert_eq!(s.platform("饿了么"), Some(eleme));
    let dada = s.platform("京东秒送").expect("found under its new name");
    assert_eq!(dada.name_on(date(2025, 1, 1)), "达达");
    assert_eq!(dada.name_on(date(2026, 12, 1)), "京东秒送");
}

/// The pilot is national from 2026-07-01: Guizhou (52) and Xinjiang (65) are
/// covered from that day, not before.
#[test]
fn platform_pilot_is_national_from_2026_07_01() {
    let s = policy()
        .scheme("national.platform_occupational_injury")
        .unwrap();
    for region in ["520100", "650100", "140100"] {
        assert!(
            !s.applies_in(policy(), region, date(2026, 6, 30)),
            "{region}"
        );
        assert!(s.applies_in(policy(), region, date(2026, 7, 1)), "{region}");
    }
}

/// The band of 粤人社规〔2020〕55号 Art 5 for each July-June year that was
/// found: 2024-07 to 2025-06 60%/300% of 9167 = 5500.20 / 27501.00; from
/// 2025-07 27549.00 (published ceiling) and 5509.80 (60% of 9183, assumed).
/// 30000.00 declared in 2025-03: 27501.00 x 0.2% = 55.002 -> 55.00; in
/// 2025-09: 27549.00 x 0.2% = 55.098 -> 55.10; 3000.00 in 2025-09: 5509.80 x
/// 0.2% = 11.0196 -> 11.02. 2021-07 to 2024-06 was not found: refused; and
/// after 2026-06-30 nothing is loaded: refused, never the last band.
#[test]
fn guangdong_55hao_art5_band_of_each_july_june_year() {
    let s = scheme("guangdong.specific_persons");
    let at = |wage: &str, on: Date| {
        monthly_premium(policy(), s, yuan(wage), rating(1, "100%"), on)
            .map(|p| (p.base.map(|b| b.to_string()), p.gross.to_string()))
    };
    assert_eq!(
        at("30000.00", date(2025, 3, 1)).unwrap(),
        (Some("27501.00".into()), "55.00".into())
    );
    assert_eq!(
        at("30000.00", date(2025, 9, 1)).unwrap(),
        (Some("27549.00".into()), "55.10".into())
    );
    assert_eq!(
        at("3000.00", date(2025, 9, 1)).unwrap(),
        (Some("5509.80".into()), "11.02".into())
    );
    for gap in [date(2022, 9, 1), date(2026, 7, 1)] {
        let e = at("8000.00", gap).unwrap_err();
        assert_eq!(e.code(), "parameter_missing", "{gap}");
    }
}

/// 人社部发〔2025〕24号 (the 办法) Art 9 with 人社厅函〔2025〕79号: the province
/// floats a platform's month of order premiums by the band of its prior
/// calendar year's payout ratio (支缴率 = benefits ÷ premiums collected),
/// never with fewer than 12 months of contributions; where the province has
/// no table in force the benchmark applies. Shandong's illustrative table
/// from 2027-01-01: bounds 20% / 60% / 80% / 120%, factors 50% / 80% / 100%
/// / 120% / 150%. Base 1,000 orders × 0.07 = 70.00:
///
/// | ratio (benefits/collected) | months | band        | factor | premium            |
/// |----------------------------|--------|-------------|--------|--------------------|
/// | 10/100 = 10%               | 12     | 1 (< 20%)   | 50%    | 70.00 × 0.5 = 35.00 |
/// | 20/100 = 20% (on a bound)  | 12     | 2 (20–60%)  | 80%    | 56.00              |
/// | 70/100 = 70%               | 24     | 3 (60–80%)  | 100%   | 70.00              |
/// | 1/1 = 100%                 | 13     | 4 (80–120%) | 120%   | 84.00              |
/// | 5/4 = 125%                 | 12     | 5 (≥ 120%)  | 150%   | 105.00             |
/// | 10%                        | 11     | —           | 100%   | 70.00 (< 12 months) |
/// | none (nothing collected)   | 12     | —           | 100%   | 70.00              |
/// | 10% on 2026-12-01          | 12     | —           | 100%   | 70.00 (no table)   |
/// | 10% in Guangdong (440000)  | 12     | —           | 100%   | 70.00 (no table)   |
///
/// A premium of 0.35 at 125% is 0.35 × 1.5 = 0.525, rounded once half away
/// from zero: 0.53.
#[test]
fn mohrss_2025_24_art_9_platform_month_floats_by_the_prior_year_payout_ratio() {
    use gongshang_rules::billing::{float_month_premium, payout_ratio};
    let yuan = |s: &str| Money::parse_yuan(s).unwrap();
    let ratio = |b: &str, c: &str| payout_ratio(yuan(b), yuan(c));
    /// (region, base, prior-year ratio, months contributed, date, premium, band)
    type Case = (
        &'static str,
        &'static str,
        Option<Rate>,
        u32,
        jiff::civil::Date,
        &'static str,
        Option<usize>,
    );
    let cases: &[Case] = &[
        (
            "370000",
            "70.00",
            ratio("10", "100"),
            12,
            date(2027, 3, 1),
            "35.00",
            Some(1),
        ),
        (
            "370000",
            "70.00",
            ratio("20", "100"),
            12,
            date(2027, 3, 1),
            "56.00",
            Some(2),
        ),
        (
            "370000",
            "70.00",
            ratio("70", "100"),
            24,
            date(2027, 3, 1),
            "70.00",
            Some(3),
        ),
        (
            "370000",
            "70.00",
            ratio("1", "1"),
            13,
            date(2027, 3, 1),
            "84.00",
            Some(4),
        ),
        (
            "370000",
            "70.00",
            ratio("5", "4"),
            12,
            date(2027, 3, 1),
            "105.00",
            Some(5),
        ),
        (
            "370000",
            "70.00",
            ratio("10", "100"),
            11,
            date(2027, 3, 1),
            "70.00",
            None,
        ),
        (
            "370000",
            "70.00",
            ratio("10", "0"),
            12,
            date(2027, 3, 1),
            "70.00",
            None,
        ),
        (
            "370000",
            "70.00",
            ratio("10", "100"),
            12,
            date(2026, 12, 1),
            "70.00",
            None,
        ),
        (
            "440000",
            "70.00",
            ratio("10", "100"),
            12,
            date(2027, 3, 1),
            "70.00",
            None,
        ),
        (
            "370000",
            "0.35",
            ratio("5", "4"),
            12,
            date(2027, 3, 1),
            "0.53",
            Some(5),
        ),
    ];
    for (region, base, r, months, on, expected, tier) in cases {
        let f = float_month_premium(policy(), region, yuan(base), *r, *months, *on).unwrap();
        let case = format!("{region} {base} {r:?} {months} {on}");
        assert_eq!(f.amount.to_string(), *expected, "{case}");
        assert_eq!(f.tier, *tier, "{case}");
        assert_eq!(f.step.amount, f.amount, "{case}");
        assert!(f.step.article.zh.contains("人社部发〔2025〕24号"), "{case}");
        match tier {
            Some(_) => {
                let cited: Vec<&str> = f.step.params.iter().map(|p| p.id.key.as_str()).collect();
                assert_eq!(
                    cited,
                    [
                        "platform.float.payout_ratio_bounds",
                        "platform.float.factors"
                    ],
                    "{case}"
                );
            }
            None => assert_eq!(f.factor, Rate::ONE, "{case}"),
        }
    }
    let no_table = float_month_premium(
        policy(),
        "370000",
        yuan("70.00"),
        ratio("10", "100"),
        12,
        date(2026, 12, 1),
    )
    .unwrap();
    assert!(
        no_table.step.explain_en.contains("no float table"),
        "{}",
        no_table.step.explain_en
    );
    let young = float_month_premium(
        policy(),
        "370000",
        yuan("70.00"),
        ratio("10", "100"),
        11,
        date(2027, 3, 1),
    )
    .unwrap();
    assert!(
        young.step.explain_zh.contains("不满12个月"),
        "{}",
        young.step.explain_zh
    );
}
