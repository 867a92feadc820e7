//! Periodic benefits with their dated amounts, suspension and end, and the
//! monthly payroll that pays each (benefit, month) once.

use super::*;

fn validate_benefit(b: &NewPeriodicBenefit) -> Result<(), StoreError> {
    if b.monthly.fen() < 0 {
        return Err(StoreError::invalid(
            "monthly",
            format!("{} yuan is negative; 0.00 or more", b.monthly),
        ));
    }
    if let Some(end) = b.end_month
        && end < b.start_month
    {
        return Err(StoreError::invalid(
            "end_month",
            format!("{end} is before the start month {}", b.start_month),
        ));
    }
    if b.beneficiary.trim().is_empty() {
        return Err(StoreError::invalid(
            "beneficiary",
            "the beneficiary and the item must not be empty",
        ));
    }
    Ok(())
}

/// Rows per multi-row INSERT: few statements, well under both backends'
/// parameter limits.
const BATCH_ROWS: usize = 500;

/// Inserts benefits and their first amounts in multi-row statements. Ids are
/// taken from the table's maximum so that the amounts can name them without
/// a round trip per row (the caller holds the write transaction).
pub(super) fn insert_benefits(
    db: &mut dyn Db,
    benefits: &[NewPeriodicBenefit],
    at: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    for b in benefits {
        validate_benefit(b)?;
    }
    let mut ids = Vec::with_capacity(benefits.len());
    let at_text = at.to_string();
    for chunk in benefits.chunks(BATCH_ROWS) {
        let mut sql = format!(
            "INSERT INTO periodic_benefits (case_id, award_id, beneficiary, item, payer, start_month, end_month, end_reason, end_condition, created_at) VALUES {}",
            values_list(chunk.len(), 10, '$')
        );
        let mut params = Vec::with_capacity(chunk.len() * 10);
        for b in chunk {
            params.extend([
                i(b.case_id),
                Value::opt_int(b.award_id),
                t(&b.beneficiary),
                t(col(&b.item)),
                t(col(&b.payer)),
                t(b.start_month),
                opt_t(b.end_month),
                opt_t(b.end_reason.as_ref()),
                opt_t(b.end_condition.as_ref()),
                Value::Text(at_text.clone()),
            ]);
        }
        sql.push_str(" RETURNING id");
        let rows = match db.query(&sql, &params) {
            Ok(rows) => rows,
            Err(crate::db::DbError::Unique(_)) => {
                return Err(StoreError::duplicate(
                    "periodic benefit",
                    "a (case, beneficiary, item, payer) already has one",
                ));
            }
            Err(e) => {
                return Err(crate::db::backend_error(
                    db.backend(),
                    "creating periodic benefits",
                    e,
                ));
            }
        };
        let mut chunk_ids = rows
            .iter()
            .map(|r| Cols::new(r).int(0))
            .collect::<Result<Vec<_>, _>>()?;
        // RETURNING order is not promised; ids are assigned in VALUES order
        // by both backends for one statement, so sorting restores it.
        chunk_ids.sort_unstable();
        let amounts: Vec<NewBenefitAmount> = chunk
            .iter()
            .zip(&chunk_ids)
            .map(|(b, &id)| NewBenefitAmount {
                benefit_id: id,
                from_month: b.start_month,
                amount: b.monthly,
                reason: "award".into(),
            })
            .collect();
        insert_amounts(db, &amounts, None)?;
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

pub(super) fn insert_amounts(
    db: &mut dyn Db,
    amounts: &[NewBenefitAmount],
    indexation_id: Option<i64>,
) -> Result<(), StoreError> {
    for a in amounts {
        if a.amount.fen() < 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan is negative; 0.00 or more", a.amount),
            ));
        }
    }
    for chunk in amounts.chunks(BATCH_ROWS) {
        let mut sql = format!(
            "INSERT INTO benefit_amounts (benefit_id, from_month, amount_fen, reason, indexation_id) VALUES {}",
            values_list(chunk.len(), 5, '$')
        );
        let mut params = Vec::with_capacity(chunk.len() * 5);
        for a in chunk {
            params.extend([
                i(a.benefit_id),
                t(a.from_month),
                i(a.amount.fen()),
                t(&a.reason),
                Value::opt_int(indexation_id),
            ]);
        }
        sql.push_str(
            " ON CONFLICT (benefit_id, from_month) DO UPDATE SET amount_fen = excluded.amount_fen, \
             reason = excluded.reason, indexation_id = excluded.indexation_id",
        );
        db.exec("recording benefit amounts", &sql, &params)?;
    }
    Ok(())
}

pub(super) fn benefit_from_row(
    db: &mut dyn Db,
    row: &[Value],
) -> Result<PeriodicBenefitRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let amounts = db
        .rows(
            "reading benefit amounts",
            "SELECT from_month, amount_fen, reason FROM benefit_amounts WHERE benefit_id = $1 ORDER BY from_month",
            &[i(id)],
        )?
        .iter()
        .map(|r| {
            let a = Cols::new(r);
            Ok(BenefitAmountRow {
                from_month: a.parsed(0, "from_month", parse_month)?,
                amount: Money::from_fen(a.int(1)?),
                reason: a.text(2)?.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(PeriodicBenefitRow {
        id,
        case_id: c.int(1)?,
        award_id: c.opt_int(2)?,
        beneficiary: c.text(3)?.to_owned(),
        item: c.parsed(4, "item", |x| from_col("item", x))?,
        payer: c.parsed(5, "payer", |x| from_col("payer", x))?,
        start_month: c.parsed(6, "start_month", parse_month)?,
        end_month: c.opt_parsed(7, "end_month", parse_month)?,
        end_reason: c.opt_text(8)?.map(str::to_owned),
        end_condition: c.opt_text(9)?.map(str::to_owned),
        suspended: c.int(10)? != 0,
        frequency: c.parsed(11, "payment_frequency", |x| {
            gongshang_domain::month::PaymentFrequency::parse(x).map_err(|e| e.to_string())
        })?,
        amounts,
    })
}

pub(super) const BENEFIT_COLUMNS: &str = "id, case_id, award_id, beneficiary, item, payer, start_month, end_month, end_reason, end_condition, suspended, payment_frequency";

/// Refuses new amounts from a month already paid (a paid month is never
/// changed: the difference is paid as arrears).
fn refuse_paid_months(db: &mut dyn Db, amounts: &[NewBenefitAmount]) -> Result<(), StoreError> {
    for a in amounts {
        if let Some(paid) = last_paid_month(db, a.benefit_id)?
            && paid >= a.from_month
        {
            return Err(StoreError::conflict(
                "periodic benefit",
                a.benefit_id.to_string(),
                format!(
                    "{paid} is already paid; a new amount from {} would change a month paid (pay the difference as arrears)",
                    a.from_month
                ),
            ));
        }
    }
    Ok(())
}

/// The latest month paid to a benefit: by the payroll, or advanced by the
/// fund for a unit that does not pay (Order No. 15 Art 8; migration 0390),
/// which is paid as much.
fn last_paid_month(db: &mut dyn Db, benefit_id: i64) -> Result<Option<Month>, StoreError> {
    let row = db.opt_row(
        "reading payroll lines",
        "SELECT MAX(m) FROM (SELECT month AS m FROM payroll_lines WHERE benefit_id = $1 \
         UNION ALL SELECT month FROM fund_advance_months WHERE benefit_id = $1) x",
        &[i(benefit_id)],
    )?;
    match row {
        Some(r) => Cols::new(&r).opt_parsed(0, "month", parse_month),
        None => Ok(None),
    }
}

pub(super) fn end_benefit_in(
    db: &mut dyn Db,
    benefit_id: i64,
    last_month: Month,
    reason: &str,
) -> Result<(), StoreError> {
    if let Some(paid) = last_paid_month(db, benefit_id)?
        && paid > last_month
    {
        return Err(StoreError::conflict(
            "periodic benefit",
            benefit_id.to_string(),
            format!(
                "{paid} is already paid, after the last month {last_month}; recover the overpayment instead"
            ),
        ));
    }
    let n = db.exec(
        "ending a periodic benefit",
        "UPDATE periodic_benefits SET end_month = $1, end_reason = $2 WHERE id = $3",
        &[t(last_month), t(reason), i(benefit_id)],
    )?;
    if n == 0 {
        return Err(StoreError::not_found("periodic benefit", benefit_id));
    }
    Ok(())
}

/// SQLite: the "not paid yet" test and the amount in force are correlated
/// probes of primary keys, one per benefit: SQLite's planner has no hash
/// join, and the probes are what it does best (1M benefits in 2-3 s).
fn pay_month_sqlite(db: &mut dyn Db, month: Month, run_id: i64) -> Result<(), StoreError> {
    db.exec(
        "paying the month",
        "INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen) \
         SELECT x.id, CAST($1 AS TEXT), CAST($2 AS BIGINT), x.amt FROM ( \
           SELECT b.id AS id, (SELECT a.amount_fen FROM benefit_amounts a \
               WHERE a.benefit_id = b.id AND a.from_month <= $1 ORDER BY a.from_month DESC LIMIT 1) AS amt \
           FROM periodic_benefits b \
           WHERE b.payer = 'fund' AND b.suspended = 0 AND b.start_month <= $1 \
             AND (b.end_month IS NULL OR b.end_month >= $1) \
             AND (SELECT 1 FROM payroll_lines p WHERE p.benefit_id = b.id AND p.month = $1) IS NULL \
             AND (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1 \
                  AND (s.until_month IS NULL OR s.until_month >= $1)) IS NULL \
         ) x WHERE x.amt > 0 \
         ON CONFLICT (benefit_id, month) DO NOTHING",
        &[t(month), i(run_id)],
    )?;
    Ok(())
}

/// PostgreSQL: one statement pays the month and answers its totals by item
/// (issue 18; EXPLAIN ANALYZE of the old statement, 1M benefits: 5.8 s in
/// two million correlated index probes, 7.7 s inserting, then a second
/// pass over the run's lines for the totals). Set-wise instead:
/// - the amount in force is the latest `benefit_amounts` row at or before
///   the month, one sort of the table (`DISTINCT ON`), hash joined;
/// - "not paid yet" is a hash anti join against the month's lines; nested
///   loops are switched off for this transaction because the statistics of
///   a freshly loaded table can make the planner pick one (minutes);
/// - no ON CONFLICT: the anti join leaves nothing to conflict with, and a
///   second run of the month at the same time waits on `payroll_runs`'
///   (month, run_no) key and then fails, so the speculative insertion it
///   cost per line bought nothing; a line that somehow is there already
///   fails the run on the key, paying nothing;
/// - the totals are counted from the rows inserted, in the same statement.
fn pay_month_postgres(
    db: &mut dyn Db,
    month: Month,
    run_id: i64,
) -> Result<PayrollTotals, StoreError> {
    db.exec(
        "planning the payroll",
        "SET LOCAL enable_nestloop = off",
        &[],
    )?;
    db.exec("planning the payroll", "SET LOCAL work_mem = '256MB'", &[])?;
    let rows = db.rows(
        "paying the month",
        "WITH due AS MATERIALIZED ( \
           SELECT b.id, b.item, a.amount_fen FROM periodic_benefits b \
           JOIN (SELECT DISTINCT ON (benefit_id) benefit_id, amount_fen FROM benefit_amounts \
                 WHERE from_month <= $1 ORDER BY benefit_id, from_month DESC) a ON a.benefit_id = b.id \
           WHERE b.payer = 'fund' AND b.suspended = 0 AND b.start_month <= $1 \
             AND (b.end_month IS NULL OR b.end_month >= $1) AND a.amount_fen > 0 \
             AND NOT EXISTS (SELECT 1 FROM payroll_lines p WHERE p.benefit_id = b.id AND p.month = $1) \
             AND NOT EXISTS (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1 \
                             AND (s.until_month IS NULL OR s.until_month >= $1))), \
         paid AS ( \
           INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen) \
           SELECT id, CAST($1 AS TEXT), CAST($2 AS BIGINT), amount_fen FROM due) \
         SELECT item, COUNT(*), CAST(SUM(amount_fen) AS BIGINT) FROM due GROUP BY item ORDER BY item",
        &[t(month), i(run_id)],
    )?;
    db.exec(
        "planning the payroll",
        "SET LOCAL enable_nestloop = on",
        &[],
    )?;
    totals_from_rows(&rows)
}

/// Guangdong Regulations Art 29: the months after `month` to the end of its
/// half-year, for each running, unsuspended, unpaused half-yearly fund
/// benefit, at the amount in force in each month, except the months already
/// paid. The half-yearly benefits are few (a partial index holds them);
/// returns the lines written.
fn pay_half_year_ahead(db: &mut dyn Db, month: Month, run_id: i64) -> Result<u64, StoreError> {
    let through = gongshang_domain::month::PaymentFrequency::HalfYearly.paid_through(month);
    let mut written = 0;
    let mut m = month;
    while m < through {
        m = m.next();
        written += db.exec(
            "paying a half-year ahead",
            "INSERT INTO payroll_lines (benefit_id, month, run_id, amount_fen)              SELECT x.id, CAST($1 AS TEXT), CAST($2 AS BIGINT), x.amt FROM (                SELECT b.id AS id, (SELECT a.amount_fen FROM benefit_amounts a                    WHERE a.benefit_id = b.id AND a.from_month <= $1 ORDER BY a.from_month DESC LIMIT 1) AS amt                FROM periodic_benefits b                WHERE b.payment_frequency = 'half_yearly' AND b.payer = 'fund' AND b.suspended = 0                  AND b.start_month <= $1 AND (b.end_month IS NULL OR b.end_month >= $1)                  AND NOT EXISTS (SELECT 1 FROM payroll_lines p WHERE p.benefit_id = b.id AND p.month = $1)                  AND NOT EXISTS (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1                       AND (s.until_month IS NULL OR s.until_month >= $1))              ) x WHERE x.amt > 0",
            &[t(m), i(run_id)],
        )?;
    }
    Ok(written)
}

fn run_totals(db: &mut dyn Db, run_id: i64) -> Result<PayrollTotals, StoreError> {
    let rows = db.rows(
        "totalling a payroll run",
        "SELECT b.item, COUNT(*), CAST(SUM(l.amount_fen) AS BIGINT) FROM payroll_lines l \
         JOIN periodic_benefits b ON b.id = l.benefit_id WHERE l.run_id = $1 GROUP BY b.item ORDER BY b.item",
        &[i(run_id)],
    )?;
    totals_from_rows(&rows)
}

fn totals_from_rows(rows: &[Vec<Value>]) -> Result<PayrollTotals, StoreError> {
    let mut totals = PayrollTotals::default();
    let mut total: i64 = 0;
    for r in rows {
        let c = Cols::new(r);
        let n = count(c.int(1)?);
        let fen = c.int(2)?;
        totals.lines += n;
        total = total
            .checked_add(fen)
            .ok_or_else(|| StoreError::invalid("total", "a payroll total beyond i64 fen"))?;
        totals.by_item.push((
            c.parsed(0, "item", |x| from_col("item", x))?,
            n,
            Money::from_fen(fen),
        ));
    }
    totals.total = Money::from_fen(total);
    Ok(totals)
}

fn run_from_row(db: &mut dyn Db, row: &[Value]) -> Result<PayrollRunRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    Ok(PayrollRunRow {
        id,
        month: c.parsed(1, "month", parse_month)?,
        run_no: c.int(2)?,
        lines: count(c.int(3)?),
        total: Money::from_fen(c.int(4)?),
        ledger_key: c.opt_text(5)?.map(str::to_owned),
        started_at: c.parsed(6, "started_at", parse_ts)?,
        actor: c.text(7)?.to_owned(),
        by_item: run_totals(db, id)?.by_item,
        advance_lines: 0,
        advance_total: Money::ZERO,
    })
}

/// Periodic benefits and the payroll. A part of [`CaseStore`].
pub trait BenefitStore {
    /// Creates benefits in batches in one transaction (one audit row).
    fn create_periodic_benefits(
        &self,
        benefits: &[NewPeriodicBenefit],
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
    fn periodic_benefits_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<PeriodicBenefitRow>, StoreError>;
    fn periodic_benefit(&self, benefit_id: i64) -> Result<Option<PeriodicBenefitRow>, StoreError>;
    /// (benefit id, amount in force in `month`) of the fund's benefits
    /// running in `month`, optionally of one item.
    fn benefit_amounts_in(
        &self,
        month: Month,
        item: Option<Item>,
    ) -> Result<Vec<(i64, Money)>, StoreError>;
    /// New amounts from a month on (replacing one from the same month), with
    /// the indexation that produced them, in one transaction.
    fn add_benefit_amounts(
        &self,
        amounts: &[NewBenefitAmount],
        indexation: Option<&NewIndexation>,
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
    /// A grade 1-4 worker's retirement (Regulations Art 35(2)): the
    /// allowance's new amount from the month (the difference above the
    /// pension) and the retirement's record, in one transaction; refused
    /// like [`BenefitStore::add_benefit_amounts`] before a month paid.
    fn record_retirement(
        &self,
        amount: &NewBenefitAmount,
        pension: Money,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The medical insurance bases of `month` (Regulations Art 35 para 2): every
    /// disability allowance of a worker whose case's latest appraisal
    /// conclusion is grade 1 to 4, running and not suspended in the month,
    /// whoever pays it, before the worker's retirement; the amount in force
    /// is the base. Of one unit's cases when `unit` is given. One statement,
    /// by unit and case.
    fn medical_insurance_bases(
        &self,
        month: Month,
        unit: Option<&str>,
    ) -> Result<Vec<MedicalBaseRow>, StoreError>;
    fn set_benefit_suspended(
        &self,
        benefit_id: i64,
        suspended: bool,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Sets how often the payroll pays a benefit, from its next run (the
    /// caller decides who may); audited.
    fn set_payment_frequency(
        &self,
        benefit_id: i64,
        frequency: gongshang_domain::month::PaymentFrequency,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Ends a benefit after `last_month`; refused before a month already paid.
    fn end_benefit(
        &self,
        benefit_id: i64,
        last_month: Month,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    // ---- payroll ----
    /// Pays every running, unsuspended fund benefit for `month` that has not
    /// been paid for it, set-based, and posts `posting`'s transaction, all in
    /// one transaction. A second run of a month pays nothing twice.
    fn run_payroll(
        &self,
        month: Month,
        posting: PayrollPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PayrollRunRow, StoreError>;
    fn payroll_runs(&self, month: Month) -> Result<Vec<PayrollRunRow>, StoreError>;
    /// (month, amount) paid to a benefit, in order.
    fn payroll_lines_of_benefit(&self, benefit_id: i64) -> Result<Vec<(Month, Money)>, StoreError>;
}

impl<B: Backend> BenefitStore for SqlStore<B> {
    fn create_periodic_benefits(
        &self,
        benefits: &[NewPeriodicBenefit],
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let ids = insert_benefits(db, benefits, at)?;
            audit(
                db,
                actor,
                at,
                "create_benefits",
                "periodic_benefit",
                &ids.first().map_or_else(String::new, ToString::to_string),
                json!({"count": ids.len(), "first_id": ids.first(), "last_id": ids.last()}),
            )?;
            Ok(ids.len() as u64)
        })
    }

    fn periodic_benefits_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<PeriodicBenefitRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {BENEFIT_COLUMNS} FROM periodic_benefits WHERE case_id = $1 ORDER BY id"
            );
            let rows = db.rows("reading periodic benefits", &sql, &[i(case_id)])?;
            rows.iter().map(|r| benefit_from_row(db, r)).collect()
        })
    }

    fn periodic_benefit(&self, benefit_id: i64) -> Result<Option<PeriodicBenefitRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {BENEFIT_COLUMNS} FROM periodic_benefits WHERE id = $1");
            match db.opt_row("reading a periodic benefit", &sql, &[i(benefit_id)])? {
                Some(r) => benefit_from_row(db, &r).map(Some),
                None => Ok(None),
            }
        })
    }

    fn benefit_amounts_in(
        &self,
        month: Month,
        item: Option<Item>,
    ) -> Result<Vec<(i64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading benefit amounts",
                "SELECT b.id, (SELECT a.amount_fen FROM benefit_amounts a WHERE a.benefit_id = b.id AND a.from_month <= $1 \
                 ORDER BY a.from_month DESC LIMIT 1) FROM periodic_benefits b \
                 WHERE b.payer = 'fund' AND b.start_month <= $1 AND (b.end_month IS NULL OR b.end_month >= $1) \
                 AND ($2 = '' OR b.item = $2) ORDER BY b.id",
                &[t(month), t(item.as_ref().map(col).unwrap_or_default())],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((c.int(0)?, Money::from_fen(c.opt_int(1)?.unwrap_or(0))))
            })
            .collect()
        })
    }

    fn add_benefit_amounts(
        &self,
        amounts: &[NewBenefitAmount],
        indexation: Option<&NewIndexation>,
        actor: &str,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let indexation_id = match indexation {
                Some(x) => Some(db.insert_id(
                    "recording an indexation",
                    "INSERT INTO indexations (from_month, item, kind, value, instrument, benefits, created_at, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        t(x.from_month),
                        opt_t(x.item.as_ref().map(col)),
                        t(&x.kind),
                        t(&x.value),
                        t(&x.instrument),
                        i(i64::try_from(amounts.len()).unwrap_or(i64::MAX)),
                        t(at),
                        t(actor),
                    ],
                    || StoreError::duplicate("indexation", x.from_month),
                )?),
                None => None,
            };
            refuse_paid_months(db, amounts)?;
            insert_amounts(db, amounts, indexation_id)?;
            audit(
                db,
                actor,
                at,
                "benefit_amounts",
                "periodic_benefit",
                &amounts.first().map_or_else(String::new, |a| a.benefit_id.to_string()),
                json!({"count": amounts.len(), "indexation_id": indexation_id}),
            )?;
            Ok(amounts.len() as u64)
        })
    }

    fn record_retirement(
        &self,
        amount: &NewBenefitAmount,
        pension: Money,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        if pension.fen() < 0 {
            return Err(StoreError::invalid(
                "pension",
                format!("{pension} yuan is negative; 0.00 or more"),
            ));
        }
        self.backend.transaction(|db| {
            let amounts = std::slice::from_ref(amount);
            refuse_paid_months(db, amounts)?;
            insert_amounts(db, amounts, None)?;
            db.exec(
                "recording a retirement",
                "INSERT INTO benefit_retirements (benefit_id, from_month, pension_fen, recorded_at, actor) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    i(amount.benefit_id),
                    t(amount.from_month),
                    i(pension.fen()),
                    t(at),
                    t(actor),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "record_retirement",
                "periodic_benefit",
                &amount.benefit_id.to_string(),
                json!({"from_month": amount.from_month.to_string(), "pension_fen": pension.fen(), "amount_fen": amount.amount.fen()}),
            )?;
            Ok(())
        })
    }

    fn medical_insurance_bases(
        &self,
        month: Month,
        unit: Option<&str>,
    ) -> Result<Vec<MedicalBaseRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the medical insurance bases",
                "SELECT * FROM (SELECT b.id, c.number, c.unit_code, u.name, c.resident_id, p.name, \
                 (SELECT a.grade FROM appraisal_conclusions a WHERE a.case_id = c.id ORDER BY a.number DESC LIMIT 1) AS grade, \
                 b.payer, \
                 (SELECT a.amount_fen FROM benefit_amounts a WHERE a.benefit_id = b.id AND a.from_month <= $1 \
                  ORDER BY a.from_month DESC LIMIT 1) AS base \
                 FROM periodic_benefits b JOIN cases c ON c.id = b.case_id \
                 LEFT JOIN units u ON u.credit_code = c.unit_code \
                 LEFT JOIN people p ON p.resident_id = c.resident_id \
                 WHERE b.item = 'monthly_disability_allowance' AND b.beneficiary = 'worker' \
                   AND b.suspended = 0 AND b.start_month <= $1 \
                   AND (b.end_month IS NULL OR b.end_month >= $1) \
                   AND ($2 = '' OR c.unit_code = $2) \
                   AND NOT EXISTS (SELECT 1 FROM benefit_retirements r WHERE r.benefit_id = b.id AND r.from_month <= $1)) x \
                 WHERE x.grade BETWEEN 1 AND 4 AND x.base IS NOT NULL \
                 ORDER BY x.unit_code, x.number",
                &[t(month), t(unit.unwrap_or_default())],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(MedicalBaseRow {
                    benefit_id: c.int(0)?,
                    case_number: c.text(1)?.to_owned(),
                    unit_code: c.opt_text(2)?.map(str::to_owned),
                    unit_name: c.opt_text(3)?.map(str::to_owned),
                    case_unit_code: c.opt_text(2)?.map(str::to_owned),
                    resident_id: c.text(4)?.to_owned(),
                    name: c.opt_text(5)?.map(str::to_owned),
                    grade: c.int(6)?,
                    payer: c.parsed(7, "payer", |x| from_col("payer", x))?,
                    base: Money::from_fen(c.int(8)?),
                })
            })
            .collect()
        })
    }

    fn set_payment_frequency(
        &self,
        benefit_id: i64,
        frequency: gongshang_domain::month::PaymentFrequency,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "setting a benefit's payment frequency",
                "UPDATE periodic_benefits SET payment_frequency = $1 WHERE id = $2",
                &[t(frequency.as_str()), i(benefit_id)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("periodic benefit", benefit_id));
            }
            audit(
                db,
                actor,
                at,
                "set_payment_frequency",
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"frequency": frequency.as_str(), "reason": reason}),
            )
        })
    }

    fn set_benefit_suspended(
        &self,
        benefit_id: i64,
        suspended: bool,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "suspending a benefit",
                "UPDATE periodic_benefits SET suspended = $1 WHERE id = $2",
                &[i(i64::from(suspended)), i(benefit_id)],
            )?;
            if n == 0 {
                return Err(StoreError::not_found("periodic benefit", benefit_id));
            }
            audit(
                db,
                actor,
                at,
                if suspended {
                    "suspend_benefit"
                } else {
                    "resume_benefit"
                },
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"reason": reason}),
            )
        })
    }

    fn end_benefit(
        &self,
        benefit_id: i64,
        last_month: Month,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            end_benefit_in(db, benefit_id, last_month, reason)?;
            audit(
                db,
                actor,
                at,
                "end_benefit",
                "periodic_benefit",
                &benefit_id.to_string(),
                json!({"last_month": last_month.to_string(), "reason": reason}),
            )
        })
    }

    fn run_payroll(
        &self,
        month: Month,
        posting: PayrollPosting<'_>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PayrollRunRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let next = db.one_row(
                "numbering a payroll run",
                "SELECT CAST(COALESCE(MAX(run_no), 0) + 1 AS BIGINT) FROM payroll_runs WHERE month = $1",
                &[t(month)],
            )?;
            let run_no = Cols::new(&next).int(0)?;
            let run_id = db.insert_id(
                "starting a payroll run",
                "INSERT INTO payroll_runs (month, run_no, lines, total_fen, started_at, actor) VALUES ($1, $2, 0, 0, $3, $4) RETURNING id",
                &[t(month), i(run_no), t(at), t(actor)],
                || StoreError::duplicate("payroll run", format!("{month} #{run_no}")),
            )?;
            // One statement pays the month: every running, unsuspended fund
            // benefit at the amount in force in the month, except those
            // already paid for (benefit, month), so nothing is paid twice.
            let totals = if db.backend() == "postgres" {
                pay_month_postgres(db, month, run_id)?
            } else {
                pay_month_sqlite(db, month, run_id)?;
                run_totals(db, run_id)?
            };
            // Guangdong Regulations Art 29: a half-yearly benefit is paid the
            // rest of its half-year too, each month once.
            let ahead = pay_half_year_ahead(db, month, run_id)?;
            let totals = if ahead > 0 {
                run_totals(db, run_id)?
            } else {
                totals
            };
            let tx = posting(run_id, &totals)?;
            let ledger_key = match &tx {
                Some(tx) => {
                    if tx.amount() != totals.total {
                        return Err(StoreError::conflict(
                            "payroll run",
                            format!("{month} #{run_no}"),
                            format!(
                                "its transaction posts {} but the lines add up to {}",
                                tx.amount(),
                                totals.total
                            ),
                        ));
                    }
                    if post(db, tx, actor, at)? == Posted::AlreadyPosted {
                        return Err(StoreError::conflict(
                            "ledger transaction",
                            tx.idempotency_key().as_str(),
                            "it is already posted, so it cannot also record this run",
                        ));
                    }
                    Some(tx.idempotency_key().as_str().to_owned())
                }
                None if totals.total.fen() != 0 => {
                    return Err(StoreError::conflict(
                        "payroll run",
                        format!("{month} #{run_no}"),
                        format!("it paid {} with no ledger transaction", totals.total),
                    ));
                }
                None => None,
            };
            db.exec(
                "finishing a payroll run",
                "UPDATE payroll_runs SET lines = $1, total_fen = $2, ledger_key = $3 WHERE id = $4",
                &[
                    i(i64::try_from(totals.lines).unwrap_or(i64::MAX)),
                    i(totals.total.fen()),
                    opt_t(ledger_key.as_ref()),
                    i(run_id),
                ],
            )?;
            if let Some(tx) = &tx {
                crate::fund::add_to_fund_summary(db, tx)?;
            }
            audit(
                db,
                actor,
                at,
                "run_payroll",
                "payroll_run",
                &run_id.to_string(),
                json!({"month": month.to_string(), "run_no": run_no, "lines": totals.lines, "total_fen": totals.total.fen(), "ledger_key": ledger_key}),
            )?;
            Ok(PayrollRunRow {
                id: run_id,
                month,
                run_no,
                lines: totals.lines,
                total: totals.total,
                ledger_key,
                started_at: at,
                actor: actor.to_owned(),
                by_item: totals.by_item,
                advance_lines: 0,
                advance_total: Money::ZERO,
            })
        })
    }

    fn payroll_runs(&self, month: Month) -> Result<Vec<PayrollRunRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading payroll runs",
                "SELECT id, month, run_no, lines, total_fen, ledger_key, started_at, actor FROM payroll_runs WHERE month = $1 ORDER BY run_no",
                &[t(month)],
            )?;
            rows.iter().map(|r| run_from_row(db, r)).collect()
        })
    }

    fn payroll_lines_of_benefit(&self, benefit_id: i64) -> Result<Vec<(Month, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading payroll lines",
                "SELECT month, amount_fen FROM payroll_lines WHERE benefit_id = $1 ORDER BY month",
                &[i(benefit_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.parsed(0, "month", parse_month)?,
                    Money::from_fen(c.int(1)?),
                ))
            })
            .collect()
        })
    }
}
