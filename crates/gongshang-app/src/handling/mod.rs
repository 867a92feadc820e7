//! The handling duties of the Regulation on the handling of social
//! insurance (社会保险经办条例, State Council Decree No. 765) that run on a
//! deadline or keep a record:
//!
//! - [`stop_reports`]: Art 25, a stop-benefit event told within 20 working
//!   days; a late report is on the clerk's queue while the months paid after
//!   the event are recovered (Art 46).

pub mod stop_reports;

pub use stop_reports::{StopReportForm, StopReportInput, StopReportView};
