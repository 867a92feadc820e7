//! 工伤认定 (injury determination) as a closed state machine.
//!
//! A case is a closed set of [`Command`]s and [`Event`]s. [`decide`] holds all
//! the branching: given the [`State`] folded from the events so far, a command
//! and the day it is given, it returns the events to record or a
//! [`Rejection`]. [`State::apply`] only records what an event says, so that
//! folding the same events always gives the same state.
//!
//! The rules (条例 = 工伤保险条例, 办法 = 工伤认定办法, MOHRSS Order 8):
//! - a unit files within 30 days of the accident or diagnosis (条例 Art
//!   17(1)); a later filing is accepted but recorded, since the unit bears the
//!   costs of the late period (Art 17(4));
//! - the worker, close relatives or the union file within 1 year (Art 17(2));
//!   later, the application is inadmissible;
//! - under a single-risk or platform scheme the person must have been covered
//!   at the moment of injury, and a covered person needs no proof of a labour
//!   relation;
//! - the department accepts or rejects within 15 days; an incomplete file gets
//!   one written request listing the missing materials, and the 15 days run
//!   again from the day they are completed (办法 Art 8);
//! - the decision is due 60 days after acceptance (Art 20(1)), 15 in a simple
//!   case (Art 20(2)); suspended days do not count (Art 20(3));
//! - when the unit disputes the worker's claim, the unit bears the burden of
//!   proof (Art 19(2));
//! - the decision is delivered within 20 days (办法 Art 22) and states the
//!   rights of administrative review and litigation;
//! - the same accident is never recognised twice.
//!
//! The module is in parts: [`vocabulary`] (applications, grounds, findings,
//! commands), [`state`] (events and the state they fold to), [`decide`] (the
//! rules, and the rejections), [`deadlines`] (the periods running and the
//! work queue).

mod deadlines;
mod decide;
mod state;
mod vocabulary;

use deadlines::delivery_deadline;
pub use deadlines::*;
pub use decide::*;
pub use state::*;
pub use vocabulary::*;
