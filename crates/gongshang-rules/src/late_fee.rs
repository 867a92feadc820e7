//! The late fee on premiums not paid by their due date (社会保险法 Art 86;
//! 工伤保险条例 Art 62(1), issue 17): 0.05% of the amount outstanding for each
//! day after the due date, as a dated parameter
//! (`contribution.late_fee_daily_rate`). Pure: the amount as of a day; the
//! app applies it to the bills in arrears.

use jiff::civil::Date;

use crate::money::Money;
use crate::rate::Rate;

/// Days late on `on`: the days after `due` (the due day itself is on time).
pub fn days_late(due: Date, on: Date) -> i64 {
    if on <= due {
        return 0;
    }
    i64::from((on - due).get_days())
}

/// The late fee on `outstanding` for the days after `due` up to `on`:
/// `outstanding × daily_rate × days`, rounded once, half away from zero to
/// the fen. Nothing before or on the due date, or when nothing is owed.
pub fn late_fee(outstanding: Money, due: Date, on: Date, daily_rate: Rate) -> Money {
    let days = days_late(due, on);
    if days == 0 || outstanding <= Money::ZERO {
        return Money::ZERO;
    }
    outstanding.mul_rate(daily_rate.times(Rate::new(days, 1)))
}
