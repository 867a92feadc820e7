//! An approved deferral of a unit's premiums (缓缴): the bills of the
//! deferred months are due by the deferral's repayment day, not by their
//! own due dates.
//!
//! 人社厅发〔2022〕16号 deferred the unit's part of the work-injury premiums
//! of 2022-04 to 2023-03 for five hard-hit industries, "缓缴期间免收滞纳金";
//! 人社部发〔2022〕31号 extended it and let the unit repay by the end of 2023,
//! "补缴期间免收滞纳金"; the implementing notices (e.g. 青人社厅函〔2022〕576号)
//! say "对企业按照政策规定缓缴、补缴期间认定为正常缴费状态，不得作欠费处理", and
//! local notices "缓缴工伤保险费不影响职工享受工伤保险待遇". So a deferred bill
//! is not in arrears (Social Insurance Law Art 41) and runs no late fee
//! (Art 86) until its repayment day has passed: its *effective* due day is
//! the repayment day. Pure: the app loads the deferrals in force and says
//! which bills they cover (DESIGN.md, "Why does an approved deferral (缓缴)
//! not count as arrears?").

use jiff::civil::Date;

/// A deferral in force of one unit's bills of one scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deferral {
    /// The first and last deferred bill periods, `YYYY-MM` (they order as
    /// text).
    pub first_period: String,
    pub last_period: String,
    /// The day by which the deferred premiums must be repaid; the day itself
    /// is on time.
    pub repay_by: Date,
}

impl Deferral {
    /// Whether the bill of `period` (`YYYY-MM`) is deferred by it.
    pub fn covers(&self, period: &str) -> bool {
        self.first_period.as_str() <= period && period <= self.last_period.as_str()
    }
}

/// The repayment day of the bill of `period` under `deferrals` (the unit's
/// and scheme's, in force); none when no deferral covers it. Deferrals of
/// one unit and scheme never overlap (the app refuses it); were they to, the
/// latest day wins, whatever their order.
pub fn deferred_to(deferrals: &[Deferral], period: &str) -> Option<Date> {
    deferrals
        .iter()
        .filter(|d| d.covers(period))
        .map(|d| d.repay_by)
        .max()
}

/// The day a bill is due in fact: its own due date, or the repayment day of
/// its deferral when that is later. Arrears and late fees are counted from
/// this day (a deferral never brings a bill forward).
pub fn effective_due_date(due_date: Date, deferred_to: Option<Date>) -> Date {
    match deferred_to {
        Some(repay_by) => due_date.max(repay_by),
        None => due_date,
    }
}
