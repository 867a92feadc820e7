use gongshang_rules::SchemeId;
use std::sync::{Arc, RwLock};

use gongshang_domain::ids::{CreditCode, ReferenceId, RegionCode, ResidentId};
use gongshang_domain::month::Month;
use gongshang_domain::{DueDate, HolidayCalendar};
use gongshang_rules::PolicySet;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::RetirementTrack;
use gongshang_rules::scheme::{Applicant, Category, Eligibility, Scheme};
use gongshang_store::{
    NewEngagement, NewEnrollment, NewPerson, NewUnit, Page, Person, Store, StoredEnrollment, Unit,
    UnitKind,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::actor::{Action, Actor, Scope};
use crate::clock::Clock;
use crate::error::AppError;

pub use crate::billing::*;
pub use crate::coverage::*;
/// How far before the day it is recorded a payment's `paid_on` may lie (a
/// bank statement of the month before, with its weekends and holidays).
pub const PAID_ON_DAYS_BACK: i64 = 45;

/// The day of the following month a monthly bill is due unless configured.
pub const DEFAULT_DUE_DAY: i8 = 15;

/// The services over one store.
pub struct App {
    pub(crate) store: Box<dyn Store>,
    pub(crate) policy: PolicySet,
    /// The shipped arrangements with those loaded at run time over them;
    /// replaced whole when an administrator loads a year.
    pub(crate) calendar: RwLock<Arc<HolidayCalendar>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) due_day: i8,
    /// Whether an import through the app runs the monitoring incrementally
    /// after it (on by default; a bulk load or a benchmark turns it off).
    pub(crate) monitor_after_import: std::sync::atomic::AtomicBool,
    /// A fault the next monitoring runs fail with (tests of what people see
    /// when a run fails; see `App::fail_monitor_runs_with`). Only with the
    /// `fault-injection` feature, which no release build turns on.
    #[cfg(feature = "fault-injection")]
    pub(crate) monitor_fault: std::sync::Mutex<Option<String>>,
    /// A pause after each committed batch of an orders import, in
    /// milliseconds (0: none), so that a test can watch the progress of an
    /// import that would otherwise end before the page first asks; see
    /// `App::pause_import_batches_for`. Only with `fault-injection`.
    #[cfg(feature = "fault-injection")]
    pub(crate) import_batch_pause_ms: std::sync::atomic::AtomicU64,
}

/// A unit as people write it (a CSV row, a form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitInput {
    pub credit_code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub industry_class: String,
    pub floating_tier: String,
}

/// An enrolment asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollRequest {
    pub person: ResidentId,
    /// `None` for people who enrol themselves.
    pub unit: Option<CreditCode>,
    pub scheme_id: SchemeId,
    pub category: Category,
    pub start: Date,
    /// A labour relation with the unit known otherwise than from the
    /// engagements (an employee engagement of the unit counts anyway).
    pub labour_relation: bool,
    /// The unit's commitment, for a scheme that asks for one (粤人社规〔2020〕55号
    /// Art 6 and Annex 1, issue 17): the text is the scheme's, who and when
    /// are the actor and the clock.
    pub commitment: Option<CommitmentInput>,
}

/// What the person enrolling says of the commitment: how it was made and
/// that the insured were informed of their rights and obligations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CommitmentInput {
    pub form: gongshang_store::CommitmentForm,
    pub persons_informed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub enrollment_id: i64,
    pub eligibility: Eligibility,
}

/// An enrolment as shown in an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollmentView {
    pub id: i64,
    pub unit: Option<String>,
    pub scheme_id: SchemeId,
    pub category: Category,
    pub start: Date,
    pub last_day: Option<Date>,
}

impl From<&StoredEnrollment> for EnrollmentView {
    fn from(e: &StoredEnrollment) -> Self {
        EnrollmentView {
            id: e.id,
            unit: e.unit.as_ref().map(|u| u.as_str().to_owned()),
            scheme_id: e.scheme_id.clone(),
            category: e.category,
            start: e.start,
            last_day: e.last_day,
        }
    }
}

fn category_from_text(text: &str) -> Result<Category, AppError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        AppError::invalid(
            "category",
            format!(
                "{text:?} is not a category; expected one of {}",
                Category::ALL.map(Category::as_str).join(", ")
            ),
        )
    })
}

/// Parses a category as written in files (`employee`, `platform_worker`, ...).
pub fn parse_category(text: &str) -> Result<Category, AppError> {
    category_from_text(text.trim())
}

/// Parses a unit (every field checked; nothing stored).
pub fn parse_unit(input: &UnitInput) -> Result<NewUnit, AppError> {
    let credit_code = CreditCode::parse(input.credit_code.trim())?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "empty; a unit needs its name"));
    }
    // The field is `kind` in every form and request (the store says
    // `unit_kind`).
    let kind = UnitKind::parse(input.kind.trim()).map_err(|e| match e {
        gongshang_store::StoreError::InvalidInput { reason, .. } => {
            AppError::invalid("kind", reason)
        }
        other => AppError::Store(other),
    })?;
    let region = RegionCode::parse(input.region.trim())?;
    let class: u8 = input.industry_class.trim().parse().map_err(|_| {
        AppError::invalid(
            "industry_class",
            format!("{:?} is not a class; expected 1 to 8", input.industry_class),
        )
    })?;
    let industry_class = IndustryClass::new(class)?;
    let tier_text = input.floating_tier.trim();
    let floating_tier = if tier_text.is_empty() {
        Rate::ONE
    } else {
        Rate::parse(tier_text).map_err(|e| AppError::invalid("floating_tier", e.to_string()))?
    };
    Ok(NewUnit {
        credit_code,
        name: name.to_owned(),
        kind,
        region,
        industry_class,
        floating_tier,
    })
}

/// The longest name a person may be registered with, in characters (the
/// longest names of the resident registry, transliterated minority names
/// with their separators, stay well under it).
pub const PERSON_NAME_MAX_CHARS: usize = 60;

/// Parses a person: the identity number (checksum, region, birth date) and a name.
pub fn parse_person(resident_id: &str, name: &str) -> Result<NewPerson, AppError> {
    let resident_id = ResidentId::parse(resident_id.trim())?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "empty; a person needs a real name",
        ));
    }
    // Issue 13: a name is at most PERSON_NAME_MAX_CHARS characters, with no
    // control characters (a 500-character name was accepted).
    let chars = name.chars().count();
    if chars > PERSON_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            format!(
                "{chars} characters; a name has 1 to {PERSON_NAME_MAX_CHARS} characters and no control characters"
            ),
        ));
    }
    Ok(NewPerson {
        resident_id,
        name: name.to_owned(),
    })
}

pub(crate) fn reference(text: String) -> Result<ReferenceId, AppError> {
    ReferenceId::parse(&text).map_err(AppError::from)
}

pub(crate) fn contains(e: &StoredEnrollment, day: Date) -> bool {
    e.start <= day && e.last_day.is_none_or(|l| day <= l)
}

/// The `due_day` of the month after `month`, moved past weekends and
/// holidays by `calendar`.
pub(crate) fn due_date_by(
    calendar: &HolidayCalendar,
    due_day: i8,
    month: Month,
) -> Result<DueDate, AppError> {
    let day = month
        .next()
        .first_day()
        .checked_add(i64::from(due_day - 1).days())
        .map_err(|e| AppError::invalid("month", e.to_string()))?;
    Ok(calendar.due_on_or_after(day)?)
}

impl App {
    /// The services over `store`, with the shipped policies and holiday
    /// calendars, and bills due on the 15th of the following month.
    pub fn new(store: Box<dyn Store>, clock: Arc<dyn Clock>) -> Result<App, AppError> {
        let calendar = crate::holidays::stored_over_shipped(&*store)?;
        Ok(App {
            store,
            policy: PolicySet::embedded()?,
            calendar: RwLock::new(Arc::new(calendar)),
            clock,
            due_day: DEFAULT_DUE_DAY,
            monitor_after_import: std::sync::atomic::AtomicBool::new(true),
            #[cfg(feature = "fault-injection")]
            monitor_fault: std::sync::Mutex::new(None),
            #[cfg(feature = "fault-injection")]
            import_batch_pause_ms: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The holiday calendar in force now (shipped years, and those loaded
    /// at run time over them).
    pub fn calendar(&self) -> Arc<HolidayCalendar> {
        Arc::clone(&self.calendar.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Bills fall due on this day of the following month (1 to 28), moved to
    /// the next working day.
    pub fn with_due_day(mut self, day: i8) -> Result<App, AppError> {
        if !(1..=28).contains(&day) {
            return Err(AppError::invalid(
                "due_day",
                format!("{day}; expected a day from 1 to 28"),
            ));
        }
        self.due_day = day;
        Ok(self)
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        self.store.backend_name()
    }

    /// Which database answers (the server reads SQLite inline and sends
    /// PostgreSQL's round trips to blocking threads).
    pub fn backend(&self) -> gongshang_store::BackendKind {
        self.store.backend()
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn scheme(&self, id: &SchemeId) -> Result<&Scheme, AppError> {
        Ok(self.policy.scheme(id)?)
    }

    // ---- registry ----------------------------------------------------------

    pub fn register_unit(&self, actor: &Actor, input: &UnitInput) -> Result<Unit, AppError> {
        actor.authorize(Action::RegisterUnit)?;
        let unit = parse_unit(input)?;
        Ok(self
            .store
            .create_unit(&unit, &actor.audit_name(), self.now())?)
    }

    pub fn register_person(
        &self,
        actor: &Actor,
        resident_id: &str,
        name: &str,
    ) -> Result<Person, AppError> {
        actor.authorize(Action::RegisterPerson)?;
        let person = parse_person(resident_id, name)?;
        Ok(self
            .store
            .create_person(&person, &actor.audit_name(), self.now())?)
    }

    /// A person by identity number, in the actor's scope: agency staff see
    /// everyone, a unit the people it enrols (an engagement it claims opens
    /// nothing), a worker themself.
    pub fn person(&self, actor: &Actor, id: &ResidentId) -> Result<Person, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let reached = self.reaches_person(actor, id)?;
        actor.require_reach(reached, "person", id.masked())?;
        self.store
            .person_by_resident_id(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "person",
                key: id.masked(),
            })
    }

    /// Whether the person is in the actor's scope.
    pub(crate) fn reaches_person(&self, actor: &Actor, id: &ResidentId) -> Result<bool, AppError> {
        Ok(match &actor.scope {
            Scope::All => true,
            Scope::Unit { unit, .. } => self.store.person_of_unit(id, unit)?,
            Scope::Person(me) => me == id,
            Scope::StatisticsOnly | Scope::Partner(_) => false,
        })
    }

    /// A person's enrolments in the actor's scope (a unit sees its own only).
    pub fn enrollments_of_person(
        &self,
        actor: &Actor,
        id: &ResidentId,
    ) -> Result<Vec<StoredEnrollment>, AppError> {
        self.person(actor, id)?;
        Ok(self
            .store
            .enrollments_of_person(id)?
            .into_iter()
            .filter(|e| actor.reaches(id, e.unit.as_ref()) || actor.person() == Some(id))
            .collect())
    }

    /// The commitments kept with the person's enrolments the actor may see
    /// (粤人社规〔2020〕55号 Art 6, issue 17).
    pub fn commitments_of_person(
        &self,
        actor: &Actor,
        id: &ResidentId,
    ) -> Result<Vec<crate::model::StoredCommitment>, AppError> {
        let seen: Vec<i64> = self
            .enrollments_of_person(actor, id)?
            .iter()
            .map(|e| e.id)
            .collect();
        Ok(self
            .store
            .commitments_of_person(id)?
            .into_iter()
            .filter(|c| seen.contains(&c.enrollment_id))
            .collect())
    }

    /// A unit by credit code, in the actor's scope.
    pub fn unit(&self, actor: &Actor, code: &CreditCode) -> Result<Unit, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(code)), "unit", code.as_str())?;
        self.store
            .unit_by_code(code)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: code.as_str().to_owned(),
            })
    }

    /// Every unit, a page at a time (agency staff).
    pub fn list_units(&self, actor: &Actor, page: Page) -> Result<Vec<Unit>, AppError> {
        actor.authorize(Action::ListUnits)?;
        Ok(self.store.list_units(page)?)
    }

    /// People, a page at a time: every person for agency staff, a unit's
    /// enrolled people for a unit.
    pub fn list_people(&self, actor: &Actor, page: Page) -> Result<Vec<Person>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        match &actor.scope {
            Scope::All => Ok(self.store.list_people(page, None)?),
            Scope::Unit { unit, .. } => Ok(self.store.list_people(page, Some(unit))?),
            Scope::Person(_) | Scope::StatisticsOnly | Scope::Partner(_) => {
                Err(AppError::Forbidden {
                    action: Action::ListUnits,
                })
            }
        }
    }

    pub fn add_engagement(&self, actor: &Actor, e: &NewEngagement) -> Result<i64, AppError> {
        actor.authorize(Action::AddEngagement)?;
        actor.require_own(
            actor.reaches_unit(Some(&e.unit)),
            "unit",
            "a unit records engagements with itself only",
        )?;
        if e.end.is_some_and(|end| end < e.start) {
            return Err(AppError::invalid(
                "end",
                format!("{} is before the start {}", e.end.expect("some"), e.start),
            ));
        }
        Ok(self
            .store
            .add_engagement(e, &actor.audit_name(), self.now())?)
    }

    // ---- enrollment --------------------------------------------------------

    /// The eligibility of an enrolment on its start date, from what is stored:
    /// age and sex from the identity number, the category, a labour relation
    /// with the unit (an employee engagement of the unit on the start date,
    /// or the request's flag), and cover by the Regulations (a running
    /// enrolment in a scheme whose cover rests on the enrolment).
    pub fn check_enrollment(
        &self,
        actor: &Actor,
        req: &EnrollRequest,
    ) -> Result<Eligibility, AppError> {
        self.may_enrol(actor, req)?;
        if self.store.person_by_resident_id(&req.person)?.is_none() {
            return Err(AppError::NotFound {
                entity: "person",
                key: req.person.masked(),
            });
        }
        if let Some(unit) = &req.unit {
            self.refuse_after_cancellation(unit, req.start, "enrolment")?;
        }
        self.eligibility_of(req)
    }

    /// The commitment a scheme asks of the enrolling unit (粤人社规〔2020〕55号
    /// Art 6, Annex 1), made by this actor now: required where the scheme
    /// has a text, refused where it has none; the insured must have been
    /// informed; a unit commits electronically, and a paper commitment is
    /// entered by the agency's staff who received it.
    pub(crate) fn commitment_of(
        &self,
        actor: &Actor,
        req: &EnrollRequest,
    ) -> Result<Option<gongshang_store::NewCommitment>, AppError> {
        let scheme = self.scheme(&req.scheme_id)?;
        match (&scheme.commitment, req.commitment) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(AppError::invalid(
                "commitment",
                format!("{} asks for no commitment on enrolment", scheme.id),
            )),
            (Some(text), None) => Err(AppError::invalid(
                "commitment",
                format!(
                    "{} asks the unit's commitment on enrolment ({}): electronic or paper, and that the insured were informed of their rights and obligations",
                    scheme.id, text.citation.article
                ),
            )),
            (Some(_), Some(c)) if !c.persons_informed => Err(AppError::invalid(
                "commitment",
                "the unit commits that it informed the insured of their rights and obligations; inform them first",
            )),
            (Some(_), Some(c))
                if c.form == gongshang_store::CommitmentForm::Paper && !actor.is_agency() =>
            {
                Err(AppError::invalid(
                    "commitment",
                    "a unit commits electronically; a paper commitment is entered by the agency that received it",
                ))
            }
            (Some(text), Some(c)) => Ok(Some(gongshang_store::NewCommitment {
                text: text.text_zh.clone(),
                article: format!("{}{}", text.citation.instrument, text.citation.article),
                form: c.form,
                persons_informed: true,
            })),
        }
    }

    /// The scheme texts shown where one enrols (the commitment) and on the
    /// unit's pages and notices (what enrolment does not prove).
    pub fn scheme_texts(
        &self,
        scheme_id: &SchemeId,
    ) -> (
        Option<&gongshang_rules::scheme::SchemeText>,
        Option<&gongshang_rules::scheme::SchemeText>,
    ) {
        match self.policy.scheme(scheme_id) {
            Ok(s) => (s.commitment.as_ref(), s.labour_relation_statement.as_ref()),
            Err(_) => (None, None),
        }
    }

    /// The action table and the scope: a unit enrols in its own name.
    fn may_enrol(&self, actor: &Actor, req: &EnrollRequest) -> Result<(), AppError> {
        actor.authorize(Action::Enrol)?;
        actor.require_own(
            actor.is_agency() || (req.unit.is_some() && actor.reaches_unit(req.unit.as_ref())),
            "unit",
            "a unit enrols people in its own name only",
        )?;
        Ok(())
    }

    /// The scheme's eligibility of the request from what is stored (a person
    /// not registered yet has no engagements and no enrolments).
    fn eligibility_of(&self, req: &EnrollRequest) -> Result<Eligibility, AppError> {
        let scheme = self.scheme(&req.scheme_id)?;
        let region = match &req.unit {
            Some(code) => {
                let unit = self
                    .store
                    .unit_by_code(code)?
                    .ok_or_else(|| AppError::NotFound {
                        entity: "unit",
                        key: code.as_str().to_owned(),
                    })?;
                Some(unit.region.as_str().to_owned())
            }
            None => None,
        };
        let labour_relation = req.labour_relation
            || match &req.unit {
                Some(unit) => self
                    .store
                    .engagements_of_person(&req.person)?
                    .iter()
                    .any(|g| {
                        &g.unit == unit
                            && g.category == Category::Employee
                            && g.start <= req.start
                            && g.end.is_none_or(|end| req.start <= end)
                    }),
                None => false,
            };
        let covered_by_regulations =
            self.store
                .enrollments_of_person(&req.person)?
                .iter()
                .any(|e| {
                    contains(e, req.start)
                        && self.policy.scheme(&e.scheme_id).is_ok_and(|s| {
                            s.cover_starts.rests_on_enrollment() && s.id != scheme.id
                        })
                });
        let applicant = Applicant {
            category: req.category,
            birth_date: req.person.birth_date(),
            sex: Some(req.person.sex()),
            retirement_track: RetirementTrack::default(),
            labour_relation_with_unit: labour_relation,
            covered_by_regulations,
            region,
        };
        Ok(scheme.eligibility(&self.policy, &applicant, req.start)?)
    }

    /// Enrols a person after [`App::check_enrollment`]; refused with the rule,
    /// the value and what is allowed. A person may be enrolled by several
    /// units at once (one enrolment each), but not twice by the same unit in
    /// the same scheme at the same time.
    /// Registers a person not known yet and enrols them, in one unit of
    /// work: a refused enrolment leaves no person behind. A person already
    /// registered is enrolled (the name given must then be theirs).
    pub fn register_and_enroll(
        &self,
        actor: &Actor,
        name: &str,
        req: &EnrollRequest,
    ) -> Result<(Person, Enrolled), AppError> {
        if let Some(known) = self.store.person_by_resident_id(&req.person)? {
            let enrolled = self.enroll(actor, req)?;
            return Ok((known, enrolled));
        }
        actor.authorize(Action::RegisterPerson)?;
        self.may_enrol(actor, req)?;
        let person = parse_person(req.person.as_str(), name)?;
        let eligibility = self.eligibility_of(req)?;
        if let Some(f) = eligibility.failure() {
            return Err(AppError::NotEligible {
                scheme: req.scheme_id.to_string(),
                rule: f.rule.to_owned(),
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            });
        }
        let commitment = self.commitment_of(actor, req)?;
        let (stored, id) = self.store.create_person_and_enrollment(
            &person,
            &NewEnrollment {
                person: req.person,
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                category: req.category,
                start: req.start,
                commitment,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok((
            stored,
            Enrolled {
                enrollment_id: id,
                eligibility,
            },
        ))
    }

    pub fn enroll(&self, actor: &Actor, req: &EnrollRequest) -> Result<Enrolled, AppError> {
        let eligibility = self.check_enrollment(actor, req)?;
        if let Some(f) = eligibility.failure() {
            return Err(AppError::NotEligible {
                scheme: req.scheme_id.to_string(),
                rule: f.rule.to_owned(),
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            });
        }
        if let Some(e) = self
            .store
            .enrollments_of_person(&req.person)?
            .iter()
            .find(|e| {
                e.unit == req.unit
                    && e.scheme_id == req.scheme_id
                    && e.last_day.is_none_or(|l| l >= req.start)
            })
        {
            return Err(AppError::Conflict {
                entity: "enrollment",
                reason: format!(
                    "the person is already enrolled in {} by this unit (enrollment {} from {}); end it first",
                    req.scheme_id, e.id, e.start
                ),
            });
        }
        let commitment = self.commitment_of(actor, req)?;
        let id = self.store.create_enrollment(
            &NewEnrollment {
                person: req.person,
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                category: req.category,
                start: req.start,
                commitment,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(Enrolled {
            enrollment_id: id,
            eligibility,
        })
    }

    pub fn end_enrollment(
        &self,
        actor: &Actor,
        enrollment_id: i64,
        last_day: Date,
    ) -> Result<StoredEnrollment, AppError> {
        actor.authorize(Action::EndEnrolment)?;
        let e = self.enrollment(enrollment_id)?;
        actor.require_reach(
            actor.reaches(&e.person, e.unit.as_ref()),
            "enrollment",
            enrollment_id.to_string(),
        )?;
        self.store
            .end_enrollment(enrollment_id, last_day, &actor.audit_name(), self.now())?;
        self.enrollment(enrollment_id)
    }
}
