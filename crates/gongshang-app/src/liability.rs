//! Who bears the work-injury liability when units change or workers are
//! lent out (Regulations Arts 43-44, Jiangsu measures Arts 35-36), and the
//! written agreement with an over-age worker (Order No. 56 Art 6).
//!
//! - The agency's clerks record a unit's division, merger, transfer or
//!   contracting out (`record_succession`, the 变更登记 of Art 43(1)) and a
//!   worker's posting abroad under the local insurance, which suspends the
//!   enrolment until the return (`suspend_enrollment`, `resume_enrollment`,
//!   Art 44): no cover and no premium while it holds.
//! - A unit records the secondments and over-age agreements of its own
//!   people (`record_secondment`, `record_over_age_agreement`).
//! - Anyone who reads a case asks who bears it (`case_liability`): the
//!   domain's `liability::liable_unit` over the case's unit and accident
//!   date, the person's secondments and the successions reachable from them.

use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::liability::{
    self, LiabilityAnswer, LiabilityQuestion, Succession, SuccessionKind,
};
use gongshang_domain::over_age::{self, OverAgeAgreement};
use gongshang_domain::posting::{self, CountryCode, Suspension, SuspensionReason};
use gongshang_rules::scheme::Category;
use gongshang_store::liability::{
    NewOverAgeAgreement, NewSecondment, NewSuccession, NewSuspension,
};
pub use gongshang_store::liability::{
    OverAgeAgreementRow, SecondmentRow, SuccessionRow, SuspensionRow,
};
use gongshang_store::{EnrollmentMove, NewEnrollment, StoreError, StoredEnrollment};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;
use crate::services::{App, CommitmentInput, EnrollRequest};

/// Which enrolments move to a successor (see [`App::transfer_enrollments`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentTransferRequest {
    pub successor: CreditCode,
    /// The people who go to this successor; `None`: everyone (a merger or
    /// a transfer; a division must name them).
    pub people: Option<Vec<ResidentId>>,
    /// The successor's commitment, for the schemes that ask for one on
    /// enrolment (粤人社规〔2020〕55号 Art 6).
    pub commitment: Option<CommitmentInput>,
}

/// An enrolment moved to the successor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MovedEnrollment {
    pub person: ResidentId,
    pub scheme_id: gongshang_rules::SchemeId,
    /// The predecessor's enrolment, ended on `last_day`.
    pub from: i64,
    pub last_day: Date,
    /// The successor's enrolment, from `start` (the succession's day).
    pub to: i64,
    pub start: Date,
}

/// What a transfer moved.
#[derive(Clone, Debug)]
pub struct EnrollmentTransfer {
    pub succession: SuccessionRow,
    pub moved: Vec<MovedEnrollment>,
}

/// A unit's change, as the clerk records it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessionRequest {
    pub successor: CreditCode,
    pub kind: SuccessionKind,
    pub effective_on: Date,
    pub document: String,
    /// For a contracting out: whether the contractor has an employer's
    /// standing (default yes).
    #[serde(default)]
    pub contractor_qualified: Option<bool>,
}

/// A secondment of an engagement's worker.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondmentRequest {
    pub to_unit: CreditCode,
    pub start: Date,
    #[serde(default)]
    pub end: Option<Date>,
    /// The seconded-to unit's agreed share, 0 to 100 percent.
    #[serde(default)]
    pub agreed_compensation_percent: Option<u8>,
    #[serde(default)]
    pub agreement: Option<String>,
}

/// A posting abroad under the local insurance (Art 44).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuspensionRequest {
    pub from: Date,
    #[serde(default)]
    pub until: Option<Date>,
    pub country: CountryCode,
    pub document: String,
}

/// The question asked without a case: a unit, an injury date, the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiabilityQuery {
    pub unit: CreditCode,
    pub injury_date: Date,
    /// Today when not given.
    pub on: Option<Date>,
    /// The worker, whose secondments and later engagements count.
    pub person: Option<ResidentId>,
}

/// Who bears a case's liability on a day, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiabilityView {
    /// The case asked about, if one was.
    pub case: Option<String>,
    /// The unit the case was filed under (or the unit asked about).
    pub unit: CreditCode,
    pub injury_date: Date,
    pub on: Date,
    pub answer: LiabilityAnswer,
}

const DOCUMENT_MAX_CHARS: usize = liability::TEXT_MAX_CHARS;

fn check_document(text: &str) -> Result<(), AppError> {
    let n = text.trim().chars().count();
    if n == 0 || n > DOCUMENT_MAX_CHARS {
        return Err(AppError::invalid(
            "document",
            format!("{n} characters; 1 to {DOCUMENT_MAX_CHARS} allowed"),
        ));
    }
    Ok(())
}

impl App {
    // ---- successions (Art 43(1)-(2), Jiangsu Arts 35-36(1)) -------------

    /// Records a unit's division, merger, transfer or contracting out
    /// (agency staff): both units registered, checked by the domain against
    /// what is recorded (no duplicate, no cycle, not in the future).
    pub fn record_succession(
        &self,
        actor: &Actor,
        predecessor: &CreditCode,
        req: &SuccessionRequest,
    ) -> Result<SuccessionRow, AppError> {
        actor.authorize(Action::RecordSuccession)?;
        let succession = Succession {
            predecessor: *predecessor,
            successor: req.successor,
            kind: req.kind,
            effective_on: req.effective_on,
            document: req.document.trim().to_owned(),
            contractor_qualified: req.contractor_qualified.unwrap_or(true),
        };
        for code in [predecessor, &req.successor] {
            if self.store.unit_by_code(code)?.is_none() {
                return Err(AppError::NotFound {
                    entity: "unit",
                    key: code.as_str().to_owned(),
                });
            }
        }
        let recorded: Vec<Succession> = self
            .store
            .successions_from(&[*predecessor, req.successor])?
            .iter()
            .map(SuccessionRow::succession)
            .collect();
        liability::check_succession(&succession, &recorded, self.today())?;
        self.store
            .record_succession(
                &NewSuccession { succession },
                &actor.audit_name(),
                self.now(),
            )
            .map_err(|e| match e {
                StoreError::Duplicate { .. } => AppError::Conflict {
                    entity: "unit succession",
                    reason: "this change of the unit is already recorded".into(),
                },
                other => other.into(),
            })
    }

    /// The successions a unit took part in (a unit reads its own).
    pub fn successions_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<SuccessionRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        Ok(self.store.successions_of_unit(unit)?)
    }

    /// Moves the predecessor's running enrolments to the successor of a
    /// recorded division, merger or transfer (Regulations Art 43(1): the
    /// successor bears the liability and makes the 变更登记 of its
    /// insurance; 劳动合同法 Art 34: the labour contracts carry on with it):
    /// each ends the day before the succession takes effect and continues
    /// at the successor from that day, in the same scheme and category,
    /// checked as a new enrolment there (eligibility, the successor not
    /// cancelled, no running enrolment of the same scheme, the commitment a
    /// scheme asks for). A division names the people who go to this
    /// successor; a merger or transfer moves everyone unless named. All or
    /// nothing: one refused person refuses the transfer, naming them.
    /// Contracting out moves nothing (Art 43(2): the unit stays liable).
    pub fn transfer_enrollments(
        &self,
        actor: &Actor,
        predecessor: &CreditCode,
        req: &EnrollmentTransferRequest,
    ) -> Result<EnrollmentTransfer, AppError> {
        actor.authorize(Action::RecordSuccession)?;
        let succession = self
            .store
            .successions_of_unit(predecessor)?
            .into_iter()
            .find(|s| &s.predecessor == predecessor && s.successor == req.successor)
            .ok_or_else(|| AppError::NotFound {
                entity: "unit succession",
                key: format!("{} -> {}", predecessor.as_str(), req.successor.as_str()),
            })?;
        if succession.kind == SuccessionKind::ContractingOut {
            return Err(AppError::Conflict {
                entity: "unit succession",
                reason: "contracting out leaves the work-injury liability with the unit (Regulations Art 43(2)); its enrolments stay / 承包经营的，工伤保险责任仍由职工劳动关系所在单位承担（《工伤保险条例》第四十三条第二款），参保关系不转移".into(),
            });
        }
        if succession.kind == SuccessionKind::Division && req.people.is_none() {
            return Err(AppError::invalid(
                "people",
                "a division names the people who go to this successor",
            ));
        }
        let day = succession.effective_on;
        let last_day = day
            .yesterday()
            .map_err(|e| AppError::invalid("effective_on", e.to_string()))?;
        let running: Vec<StoredEnrollment> = self
            .store
            .enrollments_of_unit(predecessor, None)?
            .into_iter()
            .filter(|e| e.last_day.is_none())
            .filter(|e| req.people.as_ref().is_none_or(|p| p.contains(&e.person)))
            .collect();
        if let Some(p) = req
            .people
            .iter()
            .flatten()
            .find(|p| !running.iter().any(|e| &e.person == *p))
        {
            return Err(AppError::invalid(
                "people",
                format!(
                    "{} has no running enrolment at {}",
                    p.masked(),
                    predecessor.as_str()
                ),
            ));
        }
        if running.is_empty() {
            return Err(AppError::Conflict {
                entity: "unit succession",
                reason: format!(
                    "{0} has no running enrolment to move (moved already, or none) / {0} 没有可转移的在保参保关系（已转移或没有）",
                    predecessor.as_str()
                ),
            });
        }
        let suspended = self.store.suspensions_of_unit(predecessor)?;
        let mut moves = Vec::with_capacity(running.len());
        let mut refused = Vec::new();
        for e in &running {
            // A posting abroad (Art 44) holds on the predecessor's enrolment:
            // moving it would drop the suspension, so the clerk resumes it
            // first (or moves the person after the return).
            if let Some(s) = suspended
                .iter()
                .find(|s| s.enrollment_id == e.id && s.suspension.until.is_none_or(|u| u >= day))
            {
                refused.push(format!(
                    "{}: enrolment {} is suspended from {} (posted abroad, Art 44); resume it first",
                    e.person.masked(),
                    e.id,
                    s.suspension.from
                ));
                continue;
            }
            if e.start >= day {
                refused.push(format!(
                    "{}: enrolment {} starts on {}, not before the succession ({day})",
                    e.person.masked(),
                    e.id,
                    e.start
                ));
                continue;
            }
            let scheme = self.scheme(&e.scheme_id)?;
            let enrol = EnrollRequest {
                person: e.person,
                unit: Some(req.successor),
                scheme_id: e.scheme_id.clone(),
                category: e.category,
                start: day,
                labour_relation: e.category == Category::Employee,
                commitment: scheme.commitment.as_ref().and(req.commitment),
            };
            let eligibility = self.check_enrollment(actor, &enrol)?;
            if let Some(f) = eligibility.failure() {
                refused.push(format!(
                    "{}: {} at the successor: {} is {}, allowed {}",
                    e.person.masked(),
                    e.scheme_id,
                    f.rule,
                    f.value,
                    f.allowed
                ));
                continue;
            }
            if let Some(other) = self
                .store
                .enrollments_of_person(&e.person)?
                .iter()
                .find(|o| {
                    o.unit.as_ref() == Some(&req.successor)
                        && o.scheme_id == e.scheme_id
                        && o.last_day.is_none_or(|l| l >= day)
                })
            {
                refused.push(format!(
                    "{}: already enrolled in {} by the successor (enrolment {})",
                    e.person.masked(),
                    e.scheme_id,
                    other.id
                ));
                continue;
            }
            let commitment = self.commitment_of(actor, &enrol)?;
            moves.push(EnrollmentMove {
                from: e.id,
                last_day,
                to: NewEnrollment {
                    person: e.person,
                    unit: Some(req.successor),
                    scheme_id: e.scheme_id.clone(),
                    category: e.category,
                    start: day,
                    commitment,
                },
            });
        }
        if !refused.is_empty() {
            return Err(AppError::invalid("people", refused.join("; ")));
        }
        let ids = self
            .store
            .move_enrollments(&moves, &actor.audit_name(), self.now())?;
        Ok(EnrollmentTransfer {
            moved: moves
                .iter()
                .zip(ids)
                .map(|(m, id)| MovedEnrollment {
                    person: m.to.person,
                    scheme_id: m.to.scheme_id.clone(),
                    from: m.from,
                    last_day: m.last_day,
                    to: id,
                    start: m.to.start,
                })
                .collect(),
            succession,
        })
    }

    // ---- liability -----------------------------------------------------------

    /// Who bears a case's work-injury liability on `on` (today when not
    /// given): Regulations Art 43, Jiangsu Arts 35-36. Whoever reads the
    /// case reads this.
    pub fn case_liability(
        &self,
        actor: &Actor,
        number: &str,
        on: Option<Date>,
    ) -> Result<LiabilityView, AppError> {
        actor.authorize(Action::ReadCase)?;
        let row = self.case_row(actor, number)?;
        let Some(unit) = row.unit else {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {number} names no employer (a platform's or a person's own cover): Art 43 has no unit to answer for"
                ),
            });
        };
        let mut view = self.liability_answer(unit, row.accident_date, on, Some(&row.person))?;
        view.case = Some(row.number);
        Ok(view)
    }

    /// The unit that bears an injury's liability at `query.unit` (agency
    /// staff, or a unit of itself).
    pub fn liability(
        &self,
        actor: &Actor,
        query: &LiabilityQuery,
    ) -> Result<LiabilityView, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(
            actor.reaches_unit(Some(&query.unit)),
            "unit",
            query.unit.as_str(),
        )?;
        if self.store.unit_by_code(&query.unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: query.unit.as_str().to_owned(),
            });
        }
        self.liability_answer(
            query.unit,
            query.injury_date,
            query.on,
            query.person.as_ref(),
        )
    }

    /// The liable unit of an injury at `unit` (for the case page and the
    /// award's payer): no permission check, the caller has done it.
    pub(crate) fn liability_answer(
        &self,
        unit: CreditCode,
        injury_date: Date,
        on: Option<Date>,
        person: Option<&ResidentId>,
    ) -> Result<LiabilityView, AppError> {
        let on = on.unwrap_or_else(|| self.today());
        let secondments: Vec<liability::Secondment> = match person {
            Some(p) => self
                .store
                .secondments_of_person(p)?
                .iter()
                .map(SecondmentRow::secondment)
                .collect(),
            None => Vec::new(),
        };
        // The units the worker went to after the injury: later engagements,
        // and the enrolments a clerk moved to a successor by name
        // (`transfer_enrollments`: a division names its people), so that a
        // division's successor is the one the clerk named (issue 17).
        let later_units: Vec<CreditCode> = match person {
            Some(p) => {
                let mut units: Vec<CreditCode> = self
                    .store
                    .engagements_of_person(p)?
                    .into_iter()
                    .filter(|e| e.unit != unit && e.start >= injury_date)
                    .map(|e| e.unit)
                    .collect();
                for e in self.store.enrollments_of_person(p)? {
                    if let Some(u) = e.unit
                        && u != unit
                        && e.start >= injury_date
                        && !units.contains(&u)
                    {
                        units.push(u);
                    }
                }
                units
            }
            None => Vec::new(),
        };
        let mut roots = vec![unit];
        roots.extend(secondments.iter().map(|s| s.from_unit));
        let successions: Vec<Succession> = self
            .store
            .successions_from(&roots)?
            .iter()
            .map(SuccessionRow::succession)
            .collect();
        // Jiangsu's measures (Arts 35-36) are cited where they apply: a unit
        // registered in a Jiangsu pooling region (GB/T 2260 codes 32xxxx).
        let jiangsu = self
            .store
            .unit_by_code(&unit)?
            .is_some_and(|u| u.region.as_str().starts_with("32"));
        let answer = liability::liable_unit(&LiabilityQuestion {
            engagement_unit: &unit,
            injury_date,
            on,
            secondments: &secondments,
            successions: &successions,
            later_units: &later_units,
            jiangsu,
        });
        Ok(LiabilityView {
            case: None,
            unit,
            injury_date,
            on,
            answer,
        })
    }

    // ---- secondments (Art 43(3), Jiangsu Art 36(2)) ----------------------

    /// Records a secondment of an engagement's worker (the unit of the
    /// engagement, or agency staff), checked against the person's others.
    pub fn record_secondment(
        &self,
        actor: &Actor,
        engagement_id: i64,
        req: &SecondmentRequest,
    ) -> Result<SecondmentRow, AppError> {
        actor.authorize(Action::RecordSecondment)?;
        let engagement = self.own_engagement(actor, engagement_id)?;
        if req.start < engagement.start || engagement.end.is_some_and(|end| req.start > end) {
            return Err(AppError::invalid(
                "start",
                format!(
                    "{} is outside the engagement ({} to {}); a secondment lends a worker while engaged",
                    req.start,
                    engagement.start,
                    engagement.end.map_or("open".to_owned(), |d| d.to_string())
                ),
            ));
        }
        if self.store.unit_by_code(&req.to_unit)?.is_none() {
            return Err(AppError::NotFound {
                entity: "unit",
                key: req.to_unit.as_str().to_owned(),
            });
        }
        let secondment = liability::Secondment {
            from_unit: engagement.unit,
            to_unit: req.to_unit,
            start: req.start,
            end: req.end,
            agreed_compensation_percent: req.agreed_compensation_percent,
            agreement: req.agreement.as_ref().map(|a| a.trim().to_owned()),
        };
        let others: Vec<liability::Secondment> = self
            .store
            .secondments_of_person(&engagement.person)?
            .iter()
            .map(SecondmentRow::secondment)
            .collect();
        liability::check_secondment(&secondment, &others)?;
        Ok(self.store.record_secondment(
            &NewSecondment {
                engagement_id,
                to_unit: req.to_unit,
                start: req.start,
                end: req.end,
                agreed_compensation_percent: req.agreed_compensation_percent,
                agreement: secondment.agreement,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Sets the last day of an open secondment.
    pub fn end_secondment(
        &self,
        actor: &Actor,
        secondment_id: i64,
        end: Date,
    ) -> Result<SecondmentRow, AppError> {
        actor.authorize(Action::RecordSecondment)?;
        let row = self
            .store
            .secondment(secondment_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "secondment",
                key: secondment_id.to_string(),
            })?;
        self.own_engagement(actor, row.engagement_id)?;
        Ok(self
            .store
            .end_secondment(secondment_id, end, &actor.audit_name(), self.now())?)
    }

    /// A person's secondments: agency staff all, the worker theirs, a unit
    /// those from or to it.
    pub fn secondments(
        &self,
        actor: &Actor,
        person: &ResidentId,
    ) -> Result<Vec<SecondmentRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let rows = self.store.secondments_of_person(person)?;
        scoped_to_person(actor, person, rows, |r, u| {
            &r.from_unit == u || &r.to_unit == u
        })
    }

    /// The engagement, if the actor may change it (agency staff, or its unit).
    fn own_engagement(
        &self,
        actor: &Actor,
        engagement_id: i64,
    ) -> Result<gongshang_store::Engagement, AppError> {
        let engagement = self
            .store
            .engagement_by_id(engagement_id)?
            .filter(|e| actor.reaches(&e.person, Some(&e.unit)))
            .ok_or_else(|| AppError::NotFound {
                entity: "engagement",
                key: engagement_id.to_string(),
            })?;
        Ok(engagement)
    }

    // ---- posting abroad (Art 44) -------------------------------------------

    /// Suspends an enrolment while its worker is posted abroad under the
    /// local insurance (agency staff): no cover and no premium while it holds.
    pub fn suspend_enrollment(
        &self,
        actor: &Actor,
        enrollment_id: i64,
        req: &SuspensionRequest,
    ) -> Result<SuspensionRow, AppError> {
        actor.authorize(Action::RecordPosting)?;
        check_document(&req.document)?;
        let enrollment =
            self.store
                .enrollment(enrollment_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "enrollment",
                    key: enrollment_id.to_string(),
                })?;
        let suspension = Suspension {
            from: req.from,
            until: req.until,
            country: req.country.clone(),
            reason: SuspensionReason::PostedAbroadLocalInsurance,
        };
        let others: Vec<Suspension> = self
            .store
            .suspensions_of_person(&enrollment.person)?
            .into_iter()
            .filter(|s| s.enrollment_id == enrollment_id)
            .map(|s| s.suspension)
            .collect();
        posting::check_suspension(&suspension, &others, enrollment.start, enrollment.last_day)?;
        Ok(self.store.record_suspension(
            &NewSuspension {
                enrollment_id,
                suspension,
                document: req.document.trim().to_owned(),
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The worker returned on `returned_on`: the suspension's last day is
    /// the day before, and cover resumes that day.
    pub fn resume_enrollment(
        &self,
        actor: &Actor,
        suspension_id: i64,
        returned_on: Date,
    ) -> Result<SuspensionRow, AppError> {
        actor.authorize(Action::RecordPosting)?;
        let row = self
            .store
            .suspension(suspension_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "suspension",
                key: suspension_id.to_string(),
            })?;
        let until = posting::check_return(&row.suspension, returned_on)?;
        Ok(self
            .store
            .end_suspension(suspension_id, until, &actor.audit_name(), self.now())?)
    }

    /// A person's suspensions (agency staff, the worker, the enrolment's unit).
    pub fn suspensions(
        &self,
        actor: &Actor,
        person: &ResidentId,
    ) -> Result<Vec<SuspensionRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let rows = self.store.suspensions_of_person(person)?;
        scoped_to_person(actor, person, rows, |r, u| r.unit.as_ref() == Some(u))
    }

    /// The unit's enrolments suspended for every day of `month` (Art 44):
    /// they are not declared and owe no premium that month.
    pub(crate) fn paused_enrollments(
        &self,
        unit: &CreditCode,
        month: gongshang_domain::month::Month,
    ) -> Result<Vec<i64>, AppError> {
        let rows = self.store.suspensions_of_unit(unit)?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.enrollment_id).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids
            .into_iter()
            .filter(|id| {
                let of: Vec<Suspension> = rows
                    .iter()
                    .filter(|r| r.enrollment_id == *id)
                    .map(|r| r.suspension.clone())
                    .collect();
                posting::month_paused(&of, month)
            })
            .collect())
    }

    // ---- Order No. 56 Art 6 ------------------------------------------------------

    /// Keeps the written agreement with an over-age worker with the
    /// engagement (its unit, or agency staff).
    pub fn record_over_age_agreement(
        &self,
        actor: &Actor,
        engagement_id: i64,
        agreement: &OverAgeAgreement,
    ) -> Result<OverAgeAgreementRow, AppError> {
        actor.authorize(Action::RecordOverAgeAgreement)?;
        let engagement = self.own_engagement(actor, engagement_id)?;
        over_age::check_agreement(agreement, engagement.start, engagement.end, self.today())?;
        Ok(self.store.record_over_age_agreement(
            &NewOverAgeAgreement {
                engagement_id,
                agreement: agreement.clone(),
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A person's over-age agreements (agency staff, the worker, their unit).
    pub fn over_age_agreements(
        &self,
        actor: &Actor,
        person: &ResidentId,
    ) -> Result<Vec<OverAgeAgreementRow>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let rows = self.store.over_age_agreements_of_person(person)?;
        scoped_to_person(actor, person, rows, |r, u| &r.unit == u)
    }
}

/// A person's records as the actor may read them: agency staff all, the
/// person their own, a unit those `of_unit` says concern it; nobody else.
fn scoped_to_person<R>(
    actor: &Actor,
    person: &ResidentId,
    rows: Vec<R>,
    of_unit: impl Fn(&R, &CreditCode) -> bool,
) -> Result<Vec<R>, AppError> {
    match &actor.scope {
        Scope::All => Ok(rows),
        Scope::Person(me) => {
            actor.require_reach(me == person, "person", person.masked())?;
            Ok(rows)
        }
        Scope::Unit { unit, .. } => Ok(rows.into_iter().filter(|r| of_unit(r, unit)).collect()),
        Scope::StatisticsOnly | Scope::Partner(_) => Err(AppError::Forbidden {
            action: Action::ReadRegistry,
        }),
    }
}
