//! Shared-data matching (共享数据比对; Decree No. 765 Arts 9 and 26; issues
//! 16, 12, 17): life events other bodies report, each stored once; the
//! beneficiary's resident id of a periodic benefit; a matching run written
//! whole in one transaction (each hit ends or changes its benefit and
//! records its overpayment, Art 46); and the annual verification of
//! eligibility (Art 26). Every table is append-only (migration 0130).

use gongshang_domain::life_events::{AgeException, LifeEventKind, MatchRule};

use super::payroll::{BENEFIT_COLUMNS, benefit_from_row, insert_amounts};
use super::*;
use crate::recovery::{NewOverpayment, insert_overpayment};

/// A life event as imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLifeEvent {
    pub resident_id: ResidentId,
    pub kind: LifeEventKind,
    pub on: Date,
    /// Who reported it (public security, civil affairs, the pension agency).
    pub source: String,
    /// A basic pension's monthly amount (pension_start).
    pub pension_monthly: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LifeEventRow {
    pub id: i64,
    pub resident_id: String,
    pub kind: LifeEventKind,
    pub on: Date,
    pub source: String,
    pub pension_monthly: Option<Money>,
    pub imported_at: Timestamp,
    pub imported_by: String,
}

/// A periodic benefit (the fund's or the unit's) with what the matching reads about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenefitToMatch {
    pub benefit: PeriodicBenefitRow,
    /// The beneficiary's resident id: the case's person for the worker's
    /// benefits, the one recorded for a survivor's (none if not recorded).
    pub resident_id: Option<String>,
    pub age_exception: Option<AgeException>,
    /// (month, amount) the payroll paid.
    pub paid: Vec<(Month, Money)>,
}

/// One hit to write: the benefit ended after `last_month` or changed from
/// `new_amount`'s month, and its overpayment (with its ledger transaction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMatchHit {
    pub benefit_id: i64,
    pub case_id: i64,
    pub resident_id: String,
    pub rule: MatchRule,
    pub event_id: Option<i64>,
    pub on: Date,
    pub last_month: Option<Month>,
    /// The reason the benefit ends with (citing the article).
    pub end_reason: String,
    pub new_amount: Option<(Month, Money)>,
    pub overpaid: Money,
    pub overpaid_months: u32,
    pub overpayment: Option<(NewOverpayment, Transaction)>,
}

/// A run to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMatchRun {
    /// `full` or `incremental`.
    pub mode: String,
    pub events_after: i64,
    pub events_through: i64,
    pub benefits_checked: u64,
    pub hits: Vec<NewMatchHit>,
    /// Benefits whose beneficiary shows a sign of life: (benefit, day, evidence).
    pub verified: Vec<(i64, Date, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchRunRow {
    pub id: i64,
    pub mode: String,
    pub events_after: i64,
    pub events_through: i64,
    pub benefits_checked: u64,
    pub hits: u64,
    pub ran_at: Timestamp,
    pub actor: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchHitRow {
    pub id: i64,
    pub run_id: i64,
    pub benefit_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub beneficiary: String,
    pub item: Item,
    pub resident_id: String,
    pub rule: MatchRule,
    pub event_id: Option<i64>,
    pub on: Date,
    pub last_month: Option<Month>,
    pub new_from_month: Option<Month>,
    pub new_amount: Option<Money>,
    pub overpaid: Money,
    pub overpaid_months: u32,
    pub overpayment_id: Option<i64>,
    pub overpayment_reference: Option<String>,
    pub article: String,
}

/// How eligibility was verified (Decree 765 Art 26).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    DataMatching,
    /// By the beneficiary (自助认证).
    SelfService,
    Employer,
    ThirdParty,
}

impl VerificationMethod {
    pub const ALL: &'static [VerificationMethod] = &[
        VerificationMethod::DataMatching,
        VerificationMethod::SelfService,
        VerificationMethod::Employer,
        VerificationMethod::ThirdParty,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            VerificationMethod::DataMatching => "data_matching",
            VerificationMethod::SelfService => "self",
            VerificationMethod::Employer => "employer",
            VerificationMethod::ThirdParty => "third_party",
        }
    }

    pub fn parse(text: &str) -> Result<VerificationMethod, String> {
        VerificationMethod::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a way of verifying; expected data_matching, self, employer or third_party"
                )
            })
    }
}

/// A running benefit and its last verification (none: never verified).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerificationDue {
    pub benefit_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub beneficiary: String,
    pub item: Item,
    pub resident_id: Option<String>,
    pub last_verified_on: Option<Date>,
    pub last_method: Option<VerificationMethod>,
}

/// Shared-data matching. A part of [`crate::Store`].
pub trait MatchingStore {
    /// Stores the events not stored yet (same person, kind, day and source:
    /// already there), in one transaction with its audit row; (added, already there).
    fn add_life_events(
        &self,
        events: &[NewLifeEvent],
        actor: &str,
        at: Timestamp,
    ) -> Result<(u64, u64), StoreError>;
    /// The events with an id in (after, through], or of everyone when
    /// `after` is 0; oldest first.
    fn life_events_between(
        &self,
        after: i64,
        through: i64,
    ) -> Result<Vec<LifeEventRow>, StoreError>;
    /// The events of some people, oldest first.
    fn life_events_of(&self, resident_ids: &[String]) -> Result<Vec<LifeEventRow>, StoreError>;
    /// The highest event id (0 when none).
    fn last_life_event_id(&self) -> Result<i64, StoreError>;
    /// The latest recorded survivor of a benefit: resident id and exception
    /// to the age of 18 (none recorded: `None`).
    fn beneficiary_of(
        &self,
        benefit_id: i64,
    ) -> Result<Option<(String, Option<AgeException>)>, StoreError>;
    /// Records a survivor's resident id (and exception) for a benefit; the
    /// latest counts. An exception reopens a dependant's pension whose end
    /// was set ahead at 18 (劳社部令第18号 Art 4(1): it ends at 18 only for a
    /// dependant not fully unable to work), in the same transaction; a
    /// pension reopened while another runs for the same person is a
    /// `conflict`.
    fn record_beneficiary(
        &self,
        benefit_id: i64,
        resident_id: &ResidentId,
        exception: Option<AgeException>,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The disability allowances, living care and survivors' pensions the
    /// fund or the unit pays, not ended (or whose end is only the one set
    /// ahead at 18), with their beneficiary and payroll lines (none for a
    /// unit's: the payroll pays the fund's only).
    fn benefits_to_match(&self) -> Result<Vec<BenefitToMatch>, StoreError>;
    /// Writes a run: each hit ends (whatever months were paid after: the
    /// overpayment records them) or changes its benefit, records its
    /// overpayment and its row, and the verifications, in one transaction.
    /// A hit already recorded for (benefit, rule) is a `duplicate`.
    fn record_match_run(
        &self,
        run: &NewMatchRun,
        actor: &str,
        at: Timestamp,
    ) -> Result<MatchRunRow, StoreError>;
    fn match_runs(&self) -> Result<Vec<MatchRunRow>, StoreError>;
    /// The hits of a run, or of every run.
    fn match_hits(&self, run_id: Option<i64>) -> Result<Vec<MatchHitRow>, StoreError>;
    fn record_verification(
        &self,
        benefit_id: i64,
        method: VerificationMethod,
        verified_on: Date,
        evidence: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Suspends each benefit not suspended already, for want of its
    /// verification (广东省工伤保险条例 Art 37), with a row saying why, in
    /// one transaction; the ids suspended. A verification recorded later
    /// lifts it (`record_verification`, and a matching run's).
    fn suspend_unverified(
        &self,
        benefits: &[(i64, Option<Date>)],
        on: Date,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<i64>, StoreError>;
    /// The open suspensions for want of verification, by benefit.
    fn open_unverified_suspensions(&self) -> Result<Vec<(i64, Date)>, StoreError>;
    /// The fund's benefits running in `month` last verified before `cutoff`
    /// (or never), the longest unverified first. A benefit paused for a
    /// sentence in `month` (Order No. 18 Art 5) is not due: nothing is paid
    /// until the release, and the release is itself the check.
    fn verifications_due(
        &self,
        month: Month,
        cutoff: Date,
    ) -> Result<Vec<VerificationDue>, StoreError>;
}

const EVENT_COLUMNS: &str =
    "id, resident_id, kind, event_date, source, pension_fen, imported_at, imported_by";

fn event_from_row(row: &[Value]) -> Result<LifeEventRow, StoreError> {
    let c = Cols::new(row);
    Ok(LifeEventRow {
        id: c.int(0)?,
        resident_id: c.text(1)?.to_owned(),
        kind: c.parsed(2, "kind", LifeEventKind::parse)?,
        on: c.parsed(3, "event_date", parse_date)?,
        source: c.text(4)?.to_owned(),
        pension_monthly: c.opt_int(5)?.map(Money::from_fen),
        imported_at: c.parsed(6, "imported_at", parse_ts)?,
        imported_by: c.text(7)?.to_owned(),
    })
}

const RUN_COLUMNS: &str =
    "id, mode, events_after, events_through, benefits_checked, hits, ran_at, actor";

fn run_from_row(row: &[Value]) -> Result<MatchRunRow, StoreError> {
    let c = Cols::new(row);
    Ok(MatchRunRow {
        id: c.int(0)?,
        mode: c.text(1)?.to_owned(),
        events_after: c.int(2)?,
        events_through: c.int(3)?,
        benefits_checked: count(c.int(4)?),
        hits: count(c.int(5)?),
        ran_at: c.parsed(6, "ran_at", parse_ts)?,
        actor: c.text(7)?.to_owned(),
    })
}

const MATCHED_ITEMS: &str =
    "('monthly_disability_allowance', 'monthly_living_care', 'monthly_survivor_pensions')";

impl<B: Backend> MatchingStore for SqlStore<B> {
    fn add_life_events(
        &self,
        events: &[NewLifeEvent],
        actor: &str,
        at: Timestamp,
    ) -> Result<(u64, u64), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let mut added = 0;
            for e in events {
                if e.source.trim().is_empty() {
                    return Err(StoreError::invalid("source", "name the body that reported it"));
                }
                added += db.exec(
                    "storing a life event",
                    "INSERT INTO life_events (resident_id, kind, event_date, source, pension_fen, imported_at, imported_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (resident_id, kind, event_date, source) DO NOTHING",
                    &[
                        t(e.resident_id.as_str()),
                        t(e.kind.as_str()),
                        t(e.on),
                        t(e.source.trim()),
                        Value::opt_int(e.pension_monthly.map(Money::fen)),
                        t(at),
                        t(actor),
                    ],
                )?;
            }
            let already = events.len() as u64 - added;
            audit(
                db,
                actor,
                at,
                "import_life_events",
                "life_event",
                "",
                json!({"rows": events.len(), "added": added, "already_there": already}),
            )?;
            Ok((added, already))
        })
    }

    fn life_events_between(
        &self,
        after: i64,
        through: i64,
    ) -> Result<Vec<LifeEventRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading life events",
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM life_events WHERE id > $1 AND id <= $2 ORDER BY id"
                ),
                &[i(after), i(through)],
            )?
            .iter()
            .map(|r| event_from_row(r))
            .collect()
        })
    }

    fn life_events_of(&self, resident_ids: &[String]) -> Result<Vec<LifeEventRow>, StoreError> {
        self.backend.read(|db| {
            let mut out = Vec::new();
            for rid in resident_ids {
                for r in db.rows(
                    "reading a person's life events",
                    &format!(
                        "SELECT {EVENT_COLUMNS} FROM life_events WHERE resident_id = $1 ORDER BY id"
                    ),
                    &[t(rid)],
                )? {
                    out.push(event_from_row(&r)?);
                }
            }
            Ok(out)
        })
    }

    fn last_life_event_id(&self) -> Result<i64, StoreError> {
        self.backend.read(|db| {
            let r = db.one_row(
                "reading the last life event",
                "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM life_events",
                &[],
            )?;
            Cols::new(&r).int(0)
        })
    }

    fn beneficiary_of(
        &self,
        benefit_id: i64,
    ) -> Result<Option<(String, Option<AgeException>)>, StoreError> {
        self.backend.read(|db| {
            match db.opt_row(
                "reading a beneficiary",
                "SELECT resident_id, age_exception FROM benefit_beneficiaries \
                 WHERE benefit_id = $1 ORDER BY id DESC LIMIT 1",
                &[i(benefit_id)],
            )? {
                Some(row) => {
                    let c = Cols::new(&row);
                    Ok(Some((
                        c.text(0)?.to_owned(),
                        c.opt_parsed(1, "age_exception", AgeException::parse)?,
                    )))
                }
                None => Ok(None),
            }
        })
    }

    fn record_beneficiary(
        &self,
        benefit_id: i64,
        resident_id: &ResidentId,
        exception: Option<AgeException>,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            if db
                .opt_row(
                    "finding a periodic benefit",
                    "SELECT id FROM periodic_benefits WHERE id = $1",
                    &[i(benefit_id)],
                )?
                .is_none()
            {
                return Err(StoreError::not_found("periodic benefit", benefit_id));
            }
            db.exec(
                "recording a beneficiary",
                "INSERT INTO benefit_beneficiaries (benefit_id, resident_id, age_exception, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    i(benefit_id),
                    t(resident_id.as_str()),
                    opt_t(exception.map(AgeException::as_str)),
                    t(actor),
                    t(at),
                ],
            )?;
            let reopened = if exception.is_some() {
                let backend = db.backend();
                db.execute(
                    "UPDATE periodic_benefits SET end_month = NULL, end_reason = NULL \
                     WHERE id = $1 AND end_reason = 'dependant_turns_18'",
                    &[i(benefit_id)],
                )
                .map_err(|e| match e {
                    crate::db::DbError::Unique(_) => StoreError::conflict(
                        "periodic benefit",
                        benefit_id.to_string(),
                        "another pension runs for the same dependant: end it first",
                    ),
                    other => crate::db::backend_error(
                        backend,
                        "reopening a pension ended ahead at 18",
                        other,
                    ),
                })?
            } else {
                0
            };
            audit(
                db,
                actor,
                at,
                "record_beneficiary",
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"resident_id": resident_id.masked(), "age_exception": exception.map(AgeException::as_str), "reopened": reopened > 0}),
            )
        })
    }

    fn benefits_to_match(&self) -> Result<Vec<BenefitToMatch>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {BENEFIT_COLUMNS} FROM periodic_benefits \
                 WHERE payer IN ('fund', 'employer') AND item IN {MATCHED_ITEMS} \
                 AND (end_reason IS NULL OR end_reason = 'dependant_turns_18') ORDER BY id"
            );
            let rows = db.rows("reading benefits to match", &sql, &[])?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let benefit = benefit_from_row(db, &r)?;
                let (resident_id, age_exception) = if benefit.beneficiary == "worker" {
                    let row = db.one_row(
                        "reading the case's person",
                        "SELECT resident_id FROM cases WHERE id = $1",
                        &[i(benefit.case_id)],
                    )?;
                    (Some(Cols::new(&row).text(0)?.to_owned()), None)
                } else {
                    match db.opt_row(
                        "reading a beneficiary",
                        "SELECT resident_id, age_exception FROM benefit_beneficiaries \
                         WHERE benefit_id = $1 ORDER BY id DESC LIMIT 1",
                        &[i(benefit.id)],
                    )? {
                        Some(row) => {
                            let c = Cols::new(&row);
                            (
                                Some(c.text(0)?.to_owned()),
                                c.opt_parsed(1, "age_exception", AgeException::parse)?,
                            )
                        }
                        None => (None, None),
                    }
                };
                let paid = db
                    .rows(
                        "reading payroll lines",
                        "SELECT month, amount_fen FROM payroll_lines WHERE benefit_id = $1 ORDER BY month",
                        &[i(benefit.id)],
                    )?
                    .iter()
                    .map(|r| {
                        let c = Cols::new(r);
                        Ok((c.parsed(0, "month", parse_month)?, Money::from_fen(c.int(1)?)))
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                out.push(BenefitToMatch {
                    benefit,
                    resident_id,
                    age_exception,
                    paid,
                });
            }
            Ok(out)
        })
    }

    fn record_match_run(
        &self,
        run: &NewMatchRun,
        actor: &str,
        at: Timestamp,
    ) -> Result<MatchRunRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let run_id = db.insert_id(
                "recording a matching run",
                "INSERT INTO match_runs (mode, events_after, events_through, benefits_checked, hits, ran_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    t(&run.mode),
                    i(run.events_after),
                    i(run.events_through),
                    i(i64::try_from(run.benefits_checked).unwrap_or(i64::MAX)),
                    i(run.hits.len() as i64),
                    t(at),
                    t(actor),
                ],
                || StoreError::duplicate("matching run", ""),
            )?;
            for h in &run.hits {
                if let Some(last) = h.last_month {
                    // The months paid after it are the overpayment this hit
                    // records; the end itself is never refused for them.
                    let n = db.exec(
                        "ending a matched benefit",
                        "UPDATE periodic_benefits SET end_month = $1, end_reason = $2 WHERE id = $3",
                        &[t(last), t(&h.end_reason), i(h.benefit_id)],
                    )?;
                    if n == 0 {
                        return Err(StoreError::not_found("periodic benefit", h.benefit_id));
                    }
                }
                if let Some((from, amount)) = h.new_amount {
                    insert_amounts(
                        db,
                        &[NewBenefitAmount {
                            benefit_id: h.benefit_id,
                            from_month: from,
                            amount,
                            reason: h.end_reason.clone(),
                        }],
                        None,
                    )?;
                }
                let overpayment_id = match &h.overpayment {
                    Some((op, tx)) => Some(insert_overpayment(db, op, tx, actor, at)?),
                    None => None,
                };
                db.insert_id(
                    "recording a matching hit",
                    "INSERT INTO match_hits (run_id, benefit_id, case_id, resident_id, rule, event_id, on_date, last_month, \
                     new_from_month, new_amount_fen, overpaid_fen, overpaid_months, overpayment_id, article) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                    &[
                        i(run_id),
                        i(h.benefit_id),
                        i(h.case_id),
                        t(&h.resident_id),
                        t(h.rule.as_str()),
                        Value::opt_int(h.event_id),
                        t(h.on),
                        opt_t(h.last_month),
                        opt_t(h.new_amount.map(|(m, _)| m)),
                        Value::opt_int(h.new_amount.map(|(_, a)| a.fen())),
                        i(h.overpaid.fen()),
                        i(i64::from(h.overpaid_months)),
                        Value::opt_int(overpayment_id),
                        t(h.rule.article()),
                    ],
                    || {
                        StoreError::duplicate(
                            "matching hit",
                            format!("benefit {} {}", h.benefit_id, h.rule.as_str()),
                        )
                    },
                )?;
            }
            for (benefit_id, day, evidence) in &run.verified {
                insert_verification(
                    db,
                    *benefit_id,
                    VerificationMethod::DataMatching,
                    *day,
                    evidence,
                    actor,
                    at,
                )?;
            }
            audit(
                db,
                actor,
                at,
                "run_matching",
                "match_run",
                &run_id.to_string(),
                json!({"mode": run.mode, "events_after": run.events_after, "events_through": run.events_through,
                       "hits": run.hits.len(), "verified": run.verified.len()}),
            )?;
            let row = db.one_row(
                "reading a matching run",
                &format!("SELECT {RUN_COLUMNS} FROM match_runs WHERE id = $1"),
                &[i(run_id)],
            )?;
            run_from_row(&row)
        })
    }

    fn match_runs(&self) -> Result<Vec<MatchRunRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading matching runs",
                &format!("SELECT {RUN_COLUMNS} FROM match_runs ORDER BY id"),
                &[],
            )?
            .iter()
            .map(|r| run_from_row(r))
            .collect()
        })
    }

    fn match_hits(&self, run_id: Option<i64>) -> Result<Vec<MatchHitRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading matching hits",
                "SELECT h.id, h.run_id, h.benefit_id, h.case_id, c.number, b.beneficiary, b.item, h.resident_id, h.rule, \
                 h.event_id, h.on_date, h.last_month, h.new_from_month, h.new_amount_fen, h.overpaid_fen, h.overpaid_months, \
                 h.overpayment_id, o.reference, h.article \
                 FROM match_hits h JOIN cases c ON c.id = h.case_id JOIN periodic_benefits b ON b.id = h.benefit_id \
                 LEFT JOIN overpayments o ON o.id = h.overpayment_id \
                 WHERE (CAST($1 AS BIGINT) = 0 OR h.run_id = CAST($1 AS BIGINT)) ORDER BY h.id",
                &[i(run_id.unwrap_or(0))],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(MatchHitRow {
                    id: c.int(0)?,
                    run_id: c.int(1)?,
                    benefit_id: c.int(2)?,
                    case_id: c.int(3)?,
                    case_number: c.text(4)?.to_owned(),
                    beneficiary: c.text(5)?.to_owned(),
                    item: c.parsed(6, "item", |x| from_col("item", x))?,
                    resident_id: c.text(7)?.to_owned(),
                    rule: c.parsed(8, "rule", MatchRule::parse)?,
                    event_id: c.opt_int(9)?,
                    on: c.parsed(10, "on_date", parse_date)?,
                    last_month: c.opt_parsed(11, "last_month", parse_month)?,
                    new_from_month: c.opt_parsed(12, "new_from_month", parse_month)?,
                    new_amount: c.opt_int(13)?.map(Money::from_fen),
                    overpaid: Money::from_fen(c.int(14)?),
                    overpaid_months: u32::try_from(c.int(15)?).unwrap_or(0),
                    overpayment_id: c.opt_int(16)?,
                    overpayment_reference: c.opt_text(17)?.map(str::to_owned),
                    article: c.text(18)?.to_owned(),
                })
            })
            .collect()
        })
    }

    fn record_verification(
        &self,
        benefit_id: i64,
        method: VerificationMethod,
        verified_on: Date,
        evidence: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            if db
                .opt_row(
                    "finding a periodic benefit",
                    "SELECT id FROM periodic_benefits WHERE id = $1",
                    &[i(benefit_id)],
                )?
                .is_none()
            {
                return Err(StoreError::not_found("periodic benefit", benefit_id));
            }
            insert_verification(db, benefit_id, method, verified_on, evidence, actor, at)?;
            audit(
                db,
                actor,
                at,
                "record_verification",
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"method": method.as_str(), "verified_on": verified_on.to_string()}),
            )
        })
    }

    fn suspend_unverified(
        &self,
        benefits: &[(i64, Option<Date>)],
        on: Date,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        require_actor(actor)?;
        if reason.trim().is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "say why the benefits are suspended",
            ));
        }
        self.backend.transaction(|db| {
            let mut done = Vec::new();
            for (benefit_id, last) in benefits {
                let n = db.exec(
                    "suspending a benefit not verified",
                    "UPDATE periodic_benefits SET suspended = 1 WHERE id = $1 AND suspended = 0",
                    &[i(*benefit_id)],
                )?;
                if n == 0 {
                    continue;
                }
                db.exec(
                    "recording a suspension for want of verification",
                    "INSERT INTO unverified_suspensions (benefit_id, suspended_on, last_verified_on, reason, recorded_at, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        i(*benefit_id),
                        t(on),
                        Value::opt_text(last.map(|d| d.to_string())),
                        t(reason.trim()),
                        t(at),
                        t(actor),
                    ],
                )?;
                audit(
                    db,
                    actor,
                    at,
                    "suspend_benefit",
                    "periodic_benefit",
                    &benefit_id.to_string(),
                    json!({"reason": reason.trim(), "unverified_since": last.map(|d| d.to_string())}),
                )?;
                done.push(*benefit_id);
            }
            Ok(done)
        })
    }

    fn open_unverified_suspensions(&self) -> Result<Vec<(i64, Date)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the suspensions for want of verification",
                "SELECT benefit_id, suspended_on FROM unverified_suspensions WHERE lifted_on IS NULL ORDER BY benefit_id",
                &[],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((c.int(0)?, c.parsed(1, "suspended_on", parse_date)?))
            })
            .collect()
        })
    }

    fn verifications_due(
        &self,
        month: Month,
        cutoff: Date,
    ) -> Result<Vec<VerificationDue>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT b.id, b.case_id, c.number, b.beneficiary, b.item, \
                   CASE WHEN b.beneficiary = 'worker' THEN c.resident_id ELSE \
                     (SELECT x.resident_id FROM benefit_beneficiaries x WHERE x.benefit_id = b.id ORDER BY x.id DESC LIMIT 1) END, \
                   (SELECT v.verified_on FROM benefit_verifications v WHERE v.benefit_id = b.id ORDER BY v.verified_on DESC, v.id DESC LIMIT 1), \
                   (SELECT v.method FROM benefit_verifications v WHERE v.benefit_id = b.id ORDER BY v.verified_on DESC, v.id DESC LIMIT 1) \
                 FROM periodic_benefits b JOIN cases c ON c.id = b.case_id \
                 WHERE b.payer = 'fund' AND b.item IN {MATCHED_ITEMS} AND b.start_month <= $1 \
                   AND (b.end_month IS NULL OR b.end_month >= $1) \
                   AND NOT EXISTS (SELECT 1 FROM benefit_verifications v WHERE v.benefit_id = b.id AND v.verified_on >= $2) \
                   AND NOT EXISTS (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1 \
                                   AND (s.until_month IS NULL OR s.until_month >= $1)) \
                 ORDER BY b.id"
            );
            let mut out = db
                .rows("reading verifications due", &sql, &[t(month), t(cutoff)])?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(VerificationDue {
                        benefit_id: c.int(0)?,
                        case_id: c.int(1)?,
                        case_number: c.text(2)?.to_owned(),
                        beneficiary: c.text(3)?.to_owned(),
                        item: c.parsed(4, "item", |x| from_col("item", x))?,
                        resident_id: c.opt_text(5)?.map(str::to_owned),
                        last_verified_on: c.opt_parsed(6, "verified_on", parse_date)?,
                        last_method: c.opt_parsed(7, "method", VerificationMethod::parse)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            out.sort_by_key(|d| (d.last_verified_on, d.benefit_id));
            Ok(out)
        })
    }
}

fn insert_verification(
    db: &mut dyn Db,
    benefit_id: i64,
    method: VerificationMethod,
    verified_on: Date,
    evidence: &str,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    if evidence.trim().is_empty() {
        return Err(StoreError::invalid(
            "evidence",
            "say how eligibility was verified (the data matched, the form, the employer's letter)",
        ));
    }
    db.exec(
        "recording a verification",
        "INSERT INTO benefit_verifications (benefit_id, method, verified_on, evidence, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            i(benefit_id),
            t(method.as_str()),
            t(verified_on),
            t(evidence.trim()),
            t(actor),
            t(at),
        ],
    )?;
    // 广东省工伤保险条例 Art 37: a benefit suspended for want of the
    // verification is paid again once one is recorded.
    let lifted = db.exec(
        "lifting a suspension for want of verification",
        "UPDATE unverified_suspensions SET lifted_on = $2, lifted_at = $3, lifted_by = $4 \
         WHERE benefit_id = $1 AND lifted_on IS NULL",
        &[i(benefit_id), t(verified_on), t(at), t(actor)],
    )?;
    if lifted > 0 {
        db.exec(
            "resuming a benefit verified",
            "UPDATE periodic_benefits SET suspended = 0 WHERE id = $1",
            &[i(benefit_id)],
        )?;
    }
    Ok(())
}
