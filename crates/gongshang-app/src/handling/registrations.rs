//! A person's registration with a unit, and its end, completed by the agency
//! within 10 working days of the application (社会保险经办条例 Art 6(2):
//! "社会保险经办机构应当自收到申请之日起10个工作日内办理完毕"; Art 10: change
//! and cancellation, the same 10 working days from the application).
//!
//! The period runs from the day the agency received the unit's application
//! and binds the agency: not from the employment's start or end, which the
//! application states and the page shows beside it (DESIGN.md). An
//! application is received (by the unit online, or by a clerk at the window
//! on the day it was handed in), waits on the clerk's queue with its unit
//! named and its days left, and is completed once the enrolment it asks for
//! is made (a start) or ended (an end): the completion names that enrolment
//! and records whether it came after the due day.

use gongshang_domain::deadline::days_between;
use gongshang_domain::handling::{RegistrationKind, registration_deadline};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_store::handling::NewRegistration;
pub use gongshang_store::handling::RegistrationRow;
use jiff::civil::Date;
use serde::Serialize;

use super::date_field;
use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The parameter of the 10 working days (Arts 6, 10).
pub const REGISTRATION_DAYS_PARAMETER: &str = "handling.registration_working_days";

/// An application as a unit or a clerk gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationInput {
    pub unit: CreditCode,
    pub person: ResidentId,
    pub kind: RegistrationKind,
    /// The employment's first day (a start) or last day (an end).
    pub employment_on: Date,
    /// The day the agency received it: today when not given; a unit's own
    /// application is received the day it sends it.
    pub received_on: Option<Date>,
    /// The enrolment to end (an end only).
    pub enrollment_id: Option<i64>,
}

/// An application with its days left while open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistrationView {
    #[serde(flatten)]
    pub row: RegistrationRow,
    /// Days to the due day while open (negative: overdue).
    pub days_left: Option<i64>,
}

/// A registration form as typed (text fields), for the API, the page and the
/// command line; [`RegistrationForm::parse`] names the field at fault.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    pub resident_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub employment_on: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub enrollment_id: String,
}

impl RegistrationForm {
    pub fn parse(&self, unit: &CreditCode) -> Result<RegistrationInput, AppError> {
        let person = ResidentId::parse(self.resident_id.trim())
            .map_err(|e| AppError::invalid("resident_id", e.to_string()))?;
        let kind =
            RegistrationKind::parse(self.kind.trim()).map_err(|e| AppError::invalid("kind", e))?;
        let employment_on = date_field("employment_on", &self.employment_on)?;
        let received_on = match self.received_on.trim() {
            "" => None,
            t => Some(date_field("received_on", t)?),
        };
        let enrollment_id = match self.enrollment_id.trim() {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| {
                AppError::invalid(
                    "enrollment_id",
                    format!("{t:?} is not an enrolment's number"),
                )
            })?),
        };
        Ok(RegistrationInput {
            unit: *unit,
            person,
            kind,
            employment_on,
            received_on,
            enrollment_id,
        })
    }
}

fn view(row: RegistrationRow, today: Date) -> RegistrationView {
    RegistrationView {
        days_left: row
            .completed_on
            .is_none()
            .then(|| days_between(today, row.due_on)),
        row,
    }
}

impl App {
    /// Records a unit's application to register a person with it or to end
    /// that registration (Decree 765 Arts 6, 10): due 10 working days after
    /// the day received, on the holiday calendar.
    pub fn receive_registration(
        &self,
        actor: &Actor,
        input: &RegistrationInput,
    ) -> Result<RegistrationView, AppError> {
        actor.authorize(Action::ReceiveRegistration)?;
        actor.require_own(
            actor.reaches_unit(Some(&input.unit)),
            "unit",
            "a unit applies for its own people only",
        )?;
        if self.store.unit_by_code(&input.unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: input.unit.as_str().to_owned(),
            });
        }
        let today = self.today();
        let received_on = input.received_on.unwrap_or(today);
        if received_on > today {
            return Err(AppError::invalid(
                "received_on",
                format!(
                    "{received_on} is after today ({today}); an application is recorded once received"
                ),
            ));
        }
        if received_on != today && !actor.may(Action::CompleteRegistration) {
            return Err(AppError::invalid(
                "received_on",
                format!(
                    "{received_on}: a unit's application is received the day it is sent ({today})"
                ),
            ));
        }
        if input.employment_on > received_on && input.kind == RegistrationKind::End {
            return Err(AppError::invalid(
                "employment_on",
                format!(
                    "{}: the employment's last day is after the day of the application ({received_on})",
                    input.employment_on
                ),
            ));
        }
        let enrollment_id = match (input.kind, input.enrollment_id) {
            (RegistrationKind::Start, None) => None,
            (RegistrationKind::Start, Some(_)) => {
                return Err(AppError::invalid(
                    "enrollment_id",
                    "a start names no enrolment: it is the enrolment the agency makes",
                ));
            }
            (RegistrationKind::End, None) => {
                return Err(AppError::invalid(
                    "enrollment_id",
                    "an end names the enrolment it ends",
                ));
            }
            (RegistrationKind::End, Some(id)) => {
                let e = self.enrollment(id)?;
                if e.unit.as_ref() != Some(&input.unit) || e.person != input.person {
                    return Err(AppError::invalid(
                        "enrollment_id",
                        format!(
                            "enrolment {id} is not {}'s with unit {}",
                            input.person.masked(),
                            input.unit.as_str()
                        ),
                    ));
                }
                if e.last_day.is_some() {
                    return Err(AppError::Conflict {
                        entity: "enrollment",
                        reason: format!("enrolment {id} already ends"),
                    });
                }
                Some(id)
            }
        };
        let days = self
            .policy()
            .at("national", REGISTRATION_DAYS_PARAMETER, received_on)?
            .whole();
        let deadline = registration_deadline(&self.calendar(), input.kind, received_on, days)?;
        let row = self.store.receive_registration(
            &NewRegistration {
                unit: input.unit,
                person: input.person,
                kind: input.kind,
                employment_on: input.employment_on,
                received_on,
                due_on: deadline.due,
                due_provisional: deadline.provisional,
                enrollment_id,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view(row, today))
    }

    /// Completes an application with the enrolment made (a start: of the
    /// same unit and person) or ended (an end: the one it named, now with a
    /// last day); today, late when after the due day.
    pub fn complete_registration(
        &self,
        actor: &Actor,
        id: i64,
        enrollment_id: Option<i64>,
    ) -> Result<RegistrationView, AppError> {
        actor.authorize(Action::CompleteRegistration)?;
        let app = self
            .store
            .registration(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "registration application",
                key: id.to_string(),
            })?;
        let enrollment_id = match (app.kind, enrollment_id, app.enrollment_id) {
            (RegistrationKind::Start, Some(e), _) => e,
            (RegistrationKind::Start, None, _) => {
                return Err(AppError::invalid(
                    "enrollment_id",
                    "name the enrolment made for the application",
                ));
            }
            (RegistrationKind::End, given, Some(named)) => {
                if given.is_some_and(|g| g != named) {
                    return Err(AppError::invalid(
                        "enrollment_id",
                        format!("the application ends enrolment {named}"),
                    ));
                }
                named
            }
            (RegistrationKind::End, _, None) => {
                return Err(AppError::invalid(
                    "enrollment_id",
                    "the application names no enrolment",
                ));
            }
        };
        let e = self.enrollment(enrollment_id)?;
        if e.unit.as_ref() != Some(&app.unit) || e.person != app.person {
            return Err(AppError::invalid(
                "enrollment_id",
                format!(
                    "enrolment {enrollment_id} is not {}'s with unit {}",
                    app.person.masked(),
                    app.unit.as_str()
                ),
            ));
        }
        if app.kind == RegistrationKind::End && e.last_day.is_none() {
            return Err(AppError::Conflict {
                entity: "registration application",
                reason: format!(
                    "enrolment {enrollment_id} has not ended yet: end it (its last day), then complete the application"
                ),
            });
        }
        let today = self.today();
        let row = self.store.complete_registration(
            id,
            enrollment_id,
            today,
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(view(row, today))
    }

    /// The applications not completed yet, the earliest due first (the
    /// clerk's queue).
    pub fn open_registrations(&self, actor: &Actor) -> Result<Vec<RegistrationView>, AppError> {
        actor.authorize(Action::CompleteRegistration)?;
        let today = self.today();
        Ok(self
            .store
            .open_registrations(crate::staff::QUEUE_ROWS)?
            .into_iter()
            .map(|r| view(r, today))
            .collect())
    }

    /// A unit's applications, the newest first (agency staff, and the unit).
    pub fn registrations_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<RegistrationView>, AppError> {
        actor.authorize(Action::ReadRegistrations)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        let today = self.today();
        Ok(self
            .store
            .registrations_of_unit(unit)?
            .into_iter()
            .map(|r| view(r, today))
            .collect())
    }
}
