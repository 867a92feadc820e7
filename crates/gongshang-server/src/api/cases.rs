//! Cases, appraisals, awards and payroll.
//!
//! FIXME(cases): the case services (injury determination, appraisal,
//! award, payroll) come from crates/gongshang-app/src/cases.rs. Add their
//! handlers here in the pattern of the other modules: `CurrentUser`,
//! `user.require(Action::..)`, a scope check (a unit sees its own cases, a
//! worker their own, 404 otherwise), one `state.run` call, a view type;
//! money-moving POSTs (award payments) through `super::idempotent`.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
