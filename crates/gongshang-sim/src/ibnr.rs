//! Claims incurred but not reported (IBNR, 已发生未报告), estimated per
//! scheme from the stored cases' reporting delay by the chain-ladder method
//! on claim counts (issue 14).
//!
//! - The triangle: accident quarters (rows, the `quarters` complete
//!   quarters before the valuation day's quarter, oldest first) by
//!   development quarter (columns: 0 = filed in the accident's own quarter,
//!   1 = in the next, ...). A cell counts the cases of the row's accident
//!   quarter filed by the end of that development quarter (cumulative). The
//!   valuation is at the end of the last complete quarter: a case filed
//!   after it is not in the triangle (its diagonal is not complete yet),
//!   nor is a case whose accident is outside the rows. A case recorded as
//!   filed before its accident counts as filed in the accident's quarter.
//! - The age-to-age factors are volume-weighted: `f_j = Σ C[i][j+1] /
//!   Σ C[i][j]` over the rows that have both columns (1 when the sum of
//!   `C[i][j]` is nothing). The tail beyond the last column is 1: a case
//!   filed more than `quarters` quarters after its accident is not
//!   estimated (the Regulation's Art 17 gives the employer 30 days and the
//!   worker one year to apply for determination, so the window of three
//!   years is long against it).
//! - A row's ultimate is its latest reported count × the product of the
//!   factors from its latest column on; its IBNR is ultimate − reported.
//!   Factors and their products are in parts per million, rounded half
//!   away from zero at each product; counts of the ultimate and IBNR in
//!   thousandths of a claim.
//!
//! Counts, and their value: the estimate itself is in claims (cases).
//! [`value_fen`] values it for the fund's statement: the IBNR count × the
//! average cost per claim of the same scheme, taken as the benefits the
//! fund paid on the scheme's cases in the months of the triangle's window
//! (its first accident quarter to the valuation day) ÷ the cases reported
//! in the triangle, computed as one quotient `paid × IBNR ÷ reported`,
//! rounded once half away from zero to the fen (DESIGN.md says why and
//! what it leaves out).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The accident quarters of the triangle: three years, the window the
/// claim experience reads.
pub const TRIANGLE_QUARTERS: usize = 12;

/// The method, in words (shown with each estimate).
pub const METHOD: &str = "chain ladder on claim counts: cumulative cases by accident quarter × development quarter (accident → filed), volume-weighted age-to-age factors, tail factor 1, valued at the end of the last complete quarter";

/// A stored case: its scheme, accident day and the day it was filed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub scheme: String,
    pub accident: Date,
    pub filed: Date,
}

/// One age-to-age factor and the sums it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentFactor {
    /// Development quarter `j` (the factor takes `j` to `j + 1`).
    pub from_quarter: usize,
    /// `Σ C[i][j+1]`.
    pub numerator: u64,
    /// `Σ C[i][j]`.
    pub denominator: u64,
    pub factor_ppm: i64,
}

/// One accident quarter's estimate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IbnrRow {
    /// `2025Q3`.
    pub quarter: String,
    /// Cases reported by the valuation.
    pub reported: u64,
    /// The product of the factors from the row's latest column on.
    pub to_ultimate_ppm: i64,
    pub ultimate_milli: i64,
    pub ibnr_milli: i64,
}

/// A scheme's IBNR estimate with everything it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IbnrEstimate {
    pub scheme: String,
    pub method: String,
    /// The last day whose filings are counted.
    pub valued_at: Date,
    /// Accident quarters, oldest first.
    pub quarters: Vec<String>,
    /// Cumulative cases by accident quarter × development quarter; none
    /// past the latest diagonal.
    pub triangle: Vec<Vec<Option<u64>>>,
    pub factors: Vec<DevelopmentFactor>,
    pub rows: Vec<IbnrRow>,
    pub reported: u64,
    pub ibnr_milli: i64,
    /// Cases of the scheme not in the triangle: filed after the valuation,
    /// or with an accident before its first quarter.
    pub not_counted: u64,
}

/// A quarter as a number: year × 4 + (month − 1) / 3.
fn quarter_of(d: Date) -> i64 {
    i64::from(d.year()) * 4 + i64::from(d.month() - 1) / 3
}

fn quarter_name(q: i64) -> String {
    format!("{}Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
}

fn div_round(num: i128, den: i128) -> i64 {
    if den == 0 {
        return 0;
    }
    i64::try_from(gongshang_rules::money::round_half_away_from_zero(num, den)).unwrap_or(i64::MAX)
}

/// The chain-ladder estimate per scheme (schemes in id order) of the cases
/// in `reported`, valued on `on` (module doc), over `quarters` accident
/// quarters (at least 2).
pub fn chain_ladder(reported: &[Reported], on: Date, quarters: usize) -> Vec<IbnrEstimate> {
    let n = quarters.max(2);
    let last = quarter_of(on) - 1;
    let first = last - i64::try_from(n).unwrap_or(0) + 1;
    let valued_at = date_before_quarter(last + 1);
    // Incremental counts by scheme: [row][lag].
    let mut by_scheme: BTreeMap<&str, (Vec<Vec<u64>>, u64)> = BTreeMap::new();
    for r in reported {
        let entry = by_scheme
            .entry(r.scheme.as_str())
            .or_insert_with(|| (vec![vec![0; n]; n], 0));
        let (qa, qf) = (
            quarter_of(r.accident),
            quarter_of(r.filed).max(quarter_of(r.accident)),
        );
        if qa < first || qa > last || qf > last {
            entry.1 += 1;
            continue;
        }
        let row = usize::try_from(qa - first).unwrap_or(0);
        let lag = usize::try_from(qf - qa).unwrap_or(0);
        entry.0[row][lag] += 1;
    }
    by_scheme
        .into_iter()
        .map(|(scheme, (incr, not_counted))| {
            // Cumulative, up to the diagonal: row i has columns 0..=n-1-i.
            let cum: Vec<Vec<u64>> = incr
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    row.iter()
                        .take(n - i)
                        .scan(0u64, |acc, x| {
                            *acc += x;
                            Some(*acc)
                        })
                        .collect()
                })
                .collect();
            let factors: Vec<DevelopmentFactor> = (0..n - 1)
                .map(|j| {
                    let rows = 0..n - 1 - j;
                    let numerator: u64 = rows.clone().map(|i| cum[i][j + 1]).sum();
                    let denominator: u64 = rows.map(|i| cum[i][j]).sum();
                    DevelopmentFactor {
                        from_quarter: j,
                        numerator,
                        denominator,
                        factor_ppm: if denominator == 0 {
                            1_000_000
                        } else {
                            div_round(i128::from(numerator) * 1_000_000, i128::from(denominator))
                        },
                    }
                })
                .collect();
            let rows: Vec<IbnrRow> = (0..n)
                .map(|i| {
                    let latest = n - 1 - i;
                    let reported = cum[i][latest];
                    let to_ultimate = factors[latest..].iter().fold(1_000_000i64, |acc, f| {
                        div_round(i128::from(acc) * i128::from(f.factor_ppm), 1_000_000)
                    });
                    let ultimate = div_round(i128::from(reported) * i128::from(to_ultimate), 1000);
                    IbnrRow {
                        quarter: quarter_name(first + i64::try_from(i).unwrap_or(0)),
                        reported,
                        to_ultimate_ppm: to_ultimate,
                        ultimate_milli: ultimate,
                        ibnr_milli: ultimate - i64::try_from(reported).unwrap_or(0) * 1000,
                    }
                })
                .collect();
            let triangle = cum
                .iter()
                .map(|row| (0..n).map(|j| row.get(j).copied()).collect())
                .collect();
            IbnrEstimate {
                scheme: scheme.to_owned(),
                method: METHOD.to_owned(),
                valued_at,
                quarters: rows.iter().map(|r| r.quarter.clone()).collect(),
                triangle,
                reported: rows.iter().map(|r| r.reported).sum(),
                ibnr_milli: rows.iter().map(|r| r.ibnr_milli).sum(),
                factors,
                rows,
                not_counted,
            }
        })
        .collect()
}

/// The months of an estimate's window, `YYYY-MM` to `YYYY-MM`: the first
/// month of its first accident quarter and the month of its valuation
/// day. None for an estimate without quarters.
pub fn window_months(e: &IbnrEstimate) -> Option<(String, String)> {
    let first = e.quarters.first()?;
    let (year, q) = first.split_once('Q')?;
    let q: i64 = q.parse().ok()?;
    Some((
        format!("{year}-{:02}", (q - 1) * 3 + 1),
        format!("{:04}-{:02}", e.valued_at.year(), e.valued_at.month()),
    ))
}

/// The IBNR in fen: `ibnr_milli` thousandths of a claim × the average cost
/// per claim, `paid_fen` (the benefits the fund paid on the scheme's cases
/// in the window) ÷ `reported` (the cases reported in the triangle), as one
/// quotient rounded half away from zero to the fen. None without reported
/// cases (no cost per claim to read).
pub fn value_fen(ibnr_milli: i64, paid_fen: i64, reported: u64) -> Option<i64> {
    if reported == 0 {
        return None;
    }
    let v = gongshang_rules::money::round_half_away_from_zero(
        i128::from(ibnr_milli) * i128::from(paid_fen),
        i128::from(reported) * 1000,
    );
    i64::try_from(v).ok()
}

/// The average cost per claim in fen, `paid_fen ÷ reported`, rounded half
/// away from zero (shown beside the value; the value is not computed from
/// this rounded figure). None without reported cases.
pub fn average_cost_fen(paid_fen: i64, reported: u64) -> Option<i64> {
    (reported > 0).then(|| div_round(i128::from(paid_fen), i128::from(reported)))
}

/// The last day before quarter `q` begins.
fn date_before_quarter(q: i64) -> Date {
    let year = i16::try_from(q.div_euclid(4)).unwrap_or(i16::MAX);
    let month = i8::try_from(q.rem_euclid(4) * 3 + 1).unwrap_or(1);
    Date::new(year, month, 1)
        .ok()
        .and_then(|d| d.yesterday().ok())
        .unwrap_or(Date::MIN)
}

/// Thousandths of a claim with one decimal (`6.2`), rounded half away from
/// zero.
pub fn claims_text(milli: i64) -> String {
    let tenths = div_round(i128::from(milli), 100);
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn case(scheme: &str, accident: Date, filed: Date) -> Reported {
        Reported {
            scheme: scheme.into(),
            accident,
            filed,
        }
    }

    /// By hand, three accident quarters valued on 2026-01-15 (so at
    /// 2025-12-31): 2025Q2 reported 4, 6, 7 (cumulative) in its own and the
    /// next two quarters; 2025Q3 5, 8; 2025Q4 6. f0 = (6 + 8) / (4 + 5) =
    /// 1.555556, f1 = 7 / 6 = 1.166667. 2025Q2 is complete (IBNR 0);
    /// 2025Q3: 8 × 1.166667 = 9.333336 → 9.333, IBNR 1.333; 2025Q4: 6 ×
    /// (1.555556 × 1.166667 = 1.81481585 → 1.814816) = 10.888896 → 10.889,
    /// IBNR 4.889. In all 6.222
    /// claims. A case filed after the valuation and one of an accident
    /// before 2025Q2 are not counted.
    #[test]
    fn chain_ladder_of_a_hand_computed_triangle() {
        let mut cases = Vec::new();
        let mut add = |n, accident, filed| {
            for _ in 0..n {
                cases.push(case("ordinary", accident, filed));
            }
        };
        add(4, date(2025, 4, 10), date(2025, 5, 1));
        add(2, date(2025, 4, 10), date(2025, 8, 1));
        add(1, date(2025, 6, 30), date(2025, 12, 31));
        add(5, date(2025, 7, 1), date(2025, 9, 30));
        add(3, date(2025, 9, 1), date(2025, 10, 1));
        add(6, date(2025, 12, 1), date(2025, 12, 2));
        add(1, date(2025, 12, 20), date(2026, 1, 5));
        add(1, date(2025, 3, 30), date(2025, 4, 2));
        let out = chain_ladder(&cases, date(2026, 1, 15), 3);
        assert_eq!(out.len(), 1);
        let e = &out[0];
        assert_eq!(e.valued_at, date(2025, 12, 31));
        assert_eq!(e.quarters, ["2025Q2", "2025Q3", "2025Q4"]);
        assert_eq!(
            e.triangle,
            vec![
                vec![Some(4), Some(6), Some(7)],
                vec![Some(5), Some(8), None],
                vec![Some(6), None, None],
            ]
        );
        let f: Vec<(u64, u64, i64)> = e
            .factors
            .iter()
            .map(|f| (f.numerator, f.denominator, f.factor_ppm))
            .collect();
        assert_eq!(f, [(14, 9, 1_555_556), (7, 6, 1_166_667)]);
        let rows: Vec<(u64, i64, i64, i64)> = e
            .rows
            .iter()
            .map(|r| {
                (
                    r.reported,
                    r.to_ultimate_ppm,
                    r.ultimate_milli,
                    r.ibnr_milli,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (7, 1_000_000, 7000, 0),
                (8, 1_166_667, 9333, 1333),
                (6, 1_814_816, 10_889, 4889),
            ]
        );
        assert_eq!((e.reported, e.ibnr_milli, e.not_counted), (21, 6222, 2));
        assert_eq!(claims_text(e.ibnr_milli), "6.2");
    }

    /// A column with nothing reported before it develops by 1, and each
    /// scheme has its own triangle.
    #[test]
    fn an_empty_column_develops_by_one_and_schemes_are_apart() {
        let cases = [
            case("a", date(2025, 11, 1), date(2025, 11, 2)),
            case("b", date(2025, 5, 1), date(2025, 11, 2)),
        ];
        let out = chain_ladder(&cases, date(2026, 1, 1), 3);
        let schemes: Vec<&str> = out.iter().map(|e| e.scheme.as_str()).collect();
        assert_eq!(schemes, ["a", "b"]);
        // a: only 2025Q4 lag 0; the factors' denominators are 0 → 1.
        assert!(out[0].factors.iter().all(|f| f.factor_ppm == 1_000_000));
        assert_eq!(out[0].ibnr_milli, 0);
        // b: 2025Q2 filed at lag 2: f0 = 0/0 → 1, f1 = 0/0 → 1.
        assert_eq!(out[1].triangle[0], vec![Some(0), Some(0), Some(1)]);
        assert_eq!(out[1].ibnr_milli, 0);
    }

    /// 1.5 claims not reported (1500 thousandths), 4 cases reported, the
    /// fund paid 10,000.01 yuan (1,000,001 fen) on the scheme in the
    /// window: the average shown is 1,000,001 / 4 = 250,000.25 → 250,000
    /// fen; the value is one quotient, 1,000,001 × 1,500 / 4,000 =
    /// 375,000.375 → 375,000 fen (3,750.00 yuan). Half a fen rounds away
    /// from zero: 0.5 claim × 1 fen / 1 case = 0.5 → 1 fen. No reported
    /// cases: no value.
    #[test]
    fn the_ibnr_is_valued_at_the_average_paid_per_reported_claim_rounded_once() {
        assert_eq!(average_cost_fen(1_000_001, 4), Some(250_000));
        assert_eq!(value_fen(1500, 1_000_001, 4), Some(375_000));
        // 0.5 claim × 1 fen / 1 case = 0.5 fen → 1 fen (half away from zero).
        assert_eq!(value_fen(500, 1, 1), Some(1));
        assert_eq!(value_fen(0, 1_000_000, 3), Some(0));
        assert_eq!(value_fen(1000, 1_000_000, 0), None);
        assert_eq!(average_cost_fen(5, 0), None);
    }

    /// The window of a 2023Q1-2025Q4 triangle valued on 2025-12-31.
    #[test]
    fn the_window_runs_from_the_first_accident_quarter_to_the_valuation_month() {
        let cases = [case("a", date(2025, 11, 1), date(2025, 11, 2))];
        let out = chain_ladder(&cases, date(2026, 1, 1), TRIANGLE_QUARTERS);
        assert_eq!(
            window_months(&out[0]),
            Some(("2023-01".to_owned(), "2025-12".to_owned()))
        );
    }
}
