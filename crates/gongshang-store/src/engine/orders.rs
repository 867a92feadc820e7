//! Platform orders: imports in batches with their running month totals,
//! reconciliation, and the platforms' units and days.

use std::sync::LazyLock;

use super::*;

pub trait OrderStore {
    fn begin_import(
        &self,
        kind: &str,
        source: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;

    /// One batch in one transaction: orders already stored (same platform
    /// and order id) are skipped and counted as duplicates; the import's
    /// counts are updated in the same transaction.
    /// The rows an unfinished import expects to store (issue 13: its
    /// progress has a total), once they are known.
    fn expect_import_rows(&self, import_id: i64, rows_expected: u64) -> Result<(), StoreError>;

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError>;

    fn finish_import(
        &self,
        import_id: i64,
        rows_read: u64,
        rows_rejected: u64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportSummary, StoreError>;

    fn import_summary(&self, import_id: i64) -> Result<ImportSummary, StoreError>;

    /// The latest unfinished import of `kind` that `actor` began (its
    /// counts are those of the batches committed so far), if any.
    fn running_import_of(
        &self,
        kind: &str,
        actor: &str,
    ) -> Result<Option<ImportSummary>, StoreError>;

    /// Counted from the orders themselves (with the distinct workers): a
    /// report, slower than [`Store::order_month_totals`] on big months.
    fn reconcile_orders(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderReconciliation, StoreError>;

    /// The running totals of a platform's month, kept by the imports in the
    /// batches' transactions.
    fn order_month_totals(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderMonthTotals, StoreError>;

    /// A platform's month of orders by the province they were taken in
    /// (issue 12: the rate float is the province's), grouped in the
    /// database, in province order: (province, orders, premium).
    fn order_month_provinces(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<(String, u64, Money)>, StoreError>;

    /// Issue 13: the unit a platform is registered as (its order bills are
    /// charged to it); linking again moves the platform to the new unit.
    fn link_platform_unit(
        &self,
        platform: &PlatformId,
        unit: &CreditCode,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    fn platform_unit(&self, platform: &PlatformId) -> Result<Option<CreditCode>, StoreError>;

    /// A platform's orders per day from `from` to `to`: (day, orders,
    /// distinct workers, premium).
    fn platform_days(
        &self,
        platform: &PlatformId,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, u64, u64, Money)>, StoreError>;
}

// ---- imports ----------------------------------------------------------------

/// Checks a batch before anything is written.
pub(crate) fn validate_orders(batch: &[OrderRecord]) -> Result<(), StoreError> {
    for (n, o) in batch.iter().enumerate() {
        if o.premium.fen() < 0 {
            return Err(StoreError::invalid(
                "premium",
                format!(
                    "order {} (row {} of the batch): {} yuan is negative; 0.00 or more is allowed",
                    o.order_id.as_str(),
                    n + 1,
                    o.premium
                ),
            ));
        }
        let p = o.province.as_bytes();
        if p.len() != 2 || !p.iter().all(u8::is_ascii_digit) {
            return Err(StoreError::invalid(
                "province",
                format!(
                    "order {} (row {} of the batch): {:?} is not a two-digit province code",
                    o.order_id.as_str(),
                    n + 1,
                    o.province
                ),
            ));
        }
    }
    Ok(())
}

/// Adds a committed batch's counts to its import and writes the audit row, in
/// the batch's transaction.
pub(crate) fn finish_order_batch(
    db: &mut dyn Db,
    import_id: i64,
    batch: &[OrderRecord],
    counts: &ImportCounts,
    months: &MonthTotals,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let rows = batch.len();
    add_month_totals(db, months)?;
    add_batch_days(db, import_id, batch)?;
    let changed = db.exec(
        "counting an import batch",
        "UPDATE imports SET rows_added = rows_added + $1, rows_duplicate = rows_duplicate + $2, \
         rows_conflict = rows_conflict + $3, heartbeat_at = $4 \
         WHERE id = $5 AND finished_at IS NULL",
        &[
            i(i64::try_from(counts.added).unwrap_or(i64::MAX)),
            i(i64::try_from(counts.duplicate).unwrap_or(i64::MAX)),
            i(i64::try_from(counts.conflict).unwrap_or(i64::MAX)),
            t(at),
            i(import_id),
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::not_found("unfinished import", import_id));
    }
    audit(
        db,
        actor,
        at,
        "import_orders",
        "import",
        &import_id.to_string(),
        json!({
            "rows": rows, "added": counts.added, "duplicate": counts.duplicate,
            "conflict": counts.conflict,
        }),
    )
}

/// Records the (platform, day) pairs of a batch's rows in
/// `order_batch_days`, in the batch's transaction: an incremental monitoring
/// run reads the order days and platform-months of the rows past its
/// watermark (issue 16). Every row of the batch counts, added or not: a
/// superset only makes the run look at a day again.
fn add_batch_days(
    db: &mut dyn Db,
    import_id: i64,
    batch: &[OrderRecord],
) -> Result<(), StoreError> {
    let days: std::collections::BTreeSet<(&str, Date)> =
        batch.iter().map(|o| (o.platform.as_str(), o.day)).collect();
    let days: Vec<(&str, Date)> = days.into_iter().collect();
    for group in days.chunks(500) {
        let mut sql =
            String::from("INSERT INTO order_batch_days (import_id, platform, day) VALUES ");
        let mut params = Vec::with_capacity(group.len() * 3);
        for (n, (platform, day)) in group.iter().enumerate() {
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", n * 3 + 1, n * 3 + 2, n * 3 + 3));
            params.extend([i(import_id), t(platform), t(day)]);
        }
        db.exec("recording the days of an order batch", &sql, &params)?;
    }
    Ok(())
}

/// The orders and premium a batch added, by platform and month, in key
/// order (so that concurrent batches lock the rows in the same order).
pub(crate) type MonthTotals = BTreeMap<(String, String), (i64, i64)>;

/// Adds the orders of a batch that went in to the totals of their month.
pub(crate) fn month_totals<'a>(added: impl Iterator<Item = &'a OrderRecord>) -> MonthTotals {
    let mut totals = MonthTotals::new();
    let mut last: Option<(&str, Date, (String, String))> = None;
    for o in added {
        let key = match &last {
            Some((p, d, key))
                if *p == o.platform.as_str()
                    && d.year() == o.day.year()
                    && d.month() == o.day.month() =>
            {
                key.clone()
            }
            _ => {
                let key = (o.platform.as_str().to_owned(), Month::of(o.day).to_string());
                last = Some((o.platform.as_str(), o.day, key.clone()));
                key
            }
        };
        let e = totals.entry(key).or_insert((0, 0));
        e.0 += 1;
        e.1 += o.premium.fen();
    }
    totals
}

/// The minute of the day in China time (UTC+8, no daylight saving) of an
/// instant: what `order_days.first_minute` and `last_minute` hold, the same
/// as the migration's `(hour * 60 + minute + 480) % 1440` over the stored
/// UTC text.
pub(crate) fn china_minute(at: Timestamp) -> i64 {
    (at.as_second().rem_euclid(86_400) / 60 + 480) % 1440
}

/// One order day of a batch: its first and last minute, its orders, and
/// its orders per order industry (`by_industry[i.index()]`, stored in the
/// column `i.order_days_column()`, in the order of `OrderIndustry::ALL`;
/// migration 0420).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct DaySpan {
    pub first: i64,
    pub last: i64,
    pub orders: i64,
    pub by_industry: [i64; 3],
}

/// A batch's order days: (day, worker, platform) to its span, in the
/// table's key order.
pub(crate) type DaySpans<'a> = BTreeMap<(Date, &'a str, &'a str), DaySpan>;

/// The order days of the orders of a batch that went in.
pub(crate) fn day_spans<'a>(added: impl Iterator<Item = &'a OrderRecord>) -> DaySpans<'a> {
    let mut spans = DaySpans::new();
    for o in added {
        let m = china_minute(o.ordered_at);
        let e = spans
            .entry((o.day, o.resident_id.as_str(), o.platform.as_str()))
            .or_insert(DaySpan {
                first: m,
                last: m,
                orders: 0,
                by_industry: [0; 3],
            });
        e.first = e.first.min(m);
        e.last = e.last.max(m);
        e.orders += 1;
        e.by_industry[o.industry.index()] += 1;
    }
    spans
}

/// The columns of `order_days` counting the orders per industry, in the
/// order of `OrderIndustry::ALL` (and of `DaySpan::by_industry`), separated
/// by commas: `orders_ride_hailing, orders_instant_delivery, ...`.
pub(crate) fn order_days_industry_columns() -> &'static str {
    static COLUMNS: LazyLock<String> = LazyLock::new(|| {
        OrderIndustry::ALL
            .map(OrderIndustry::order_days_column)
            .join(", ")
    });
    &COLUMNS
}

/// The upsert that adds a batch's spans to the order days stored (the same
/// text in both dialects: `excluded` and CASE rather than LEAST or MIN).
pub(crate) fn order_days_upsert() -> &'static str {
    static UPSERT: LazyLock<String> = LazyLock::new(|| {
        let mut sql = String::from(
            "ON CONFLICT (day, resident_id, platform) DO UPDATE SET \
             first_minute = CASE WHEN excluded.first_minute < order_days.first_minute THEN excluded.first_minute ELSE order_days.first_minute END, \
             last_minute = CASE WHEN excluded.last_minute > order_days.last_minute THEN excluded.last_minute ELSE order_days.last_minute END, \
             orders = order_days.orders + excluded.orders",
        );
        for c in OrderIndustry::ALL.map(OrderIndustry::order_days_column) {
            sql.push_str(&format!(", {c} = order_days.{c} + excluded.{c}"));
        }
        sql
    });
    &UPSERT
}

fn add_month_totals(db: &mut dyn Db, months: &MonthTotals) -> Result<(), StoreError> {
    for ((platform, month), (orders, premium)) in months {
        db.exec(
            "adding to a platform's month",
            "INSERT INTO order_months (platform, month, orders, premium_fen) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, month) DO UPDATE SET orders = order_months.orders + excluded.orders, \
             premium_fen = order_months.premium_fen + excluded.premium_fen",
            &[t(platform), t(month), i(*orders), i(*premium)],
        )?;
    }
    Ok(())
}

pub(crate) const IMPORT_COLUMNS: &str = "id, kind, source, rows_read, rows_added, rows_duplicate, rows_rejected, \
     started_at, finished_at, rows_conflict, COALESCE(heartbeat_at, started_at), failure, rows_expected";

pub(crate) fn import_from_row(row: &[Value]) -> Result<ImportSummary, StoreError> {
    let c = Cols::new(row);
    Ok(ImportSummary {
        id: c.int(0)?,
        kind: c.text(1)?.to_owned(),
        source: c.text(2)?.to_owned(),
        rows_read: count(c.int(3)?),
        rows_added: count(c.int(4)?),
        rows_duplicate: count(c.int(5)?),
        rows_rejected: count(c.int(6)?),
        started_at: c.parsed(7, "started_at", parse_timestamp)?,
        finished_at: c.opt_parsed(8, "finished_at", parse_timestamp)?,
        rows_conflict: count(c.int(9)?),
        heartbeat_at: c.parsed(10, "heartbeat_at", parse_timestamp)?,
        failure: c.opt_text(11)?.map(str::to_owned),
        rows_expected: c.opt_int(12)?.map(count),
    })
}

fn import_summary(db: &mut dyn Db, import_id: i64) -> Result<ImportSummary, StoreError> {
    let sql = format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = $1");
    match db.opt_row("reading an import", &sql, &[i(import_id)])? {
        Some(row) => import_from_row(&row),
        None => Err(StoreError::not_found("import", import_id)),
    }
}

impl<B: Backend> OrderStore for SqlStore<B> {
    fn begin_import(
        &self,
        kind: &str,
        source: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("kind", kind)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let id = db.insert_id(
                "beginning an import",
                "INSERT INTO imports (kind, source, started_at, actor, heartbeat_at) VALUES ($1, $2, $3, $4, $3) RETURNING id",
                &[t(kind), t(source), t(at), t(actor)],
                || StoreError::duplicate("import", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "begin",
                "import",
                &id.to_string(),
                json!({"kind": kind, "source": source}),
            )?;
            Ok(id)
        })
    }

    fn expect_import_rows(&self, import_id: i64, rows_expected: u64) -> Result<(), StoreError> {
        self.write(|db| {
            let changed = db.exec(
                "setting the rows an import expects",
                "UPDATE imports SET rows_expected = $1 WHERE id = $2 AND finished_at IS NULL",
                &[
                    i(i64::try_from(rows_expected).unwrap_or(i64::MAX)),
                    i(import_id),
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::not_found("unfinished import", import_id));
            }
            Ok(())
        })
    }

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError> {
        require_text("actor", actor)?;
        validate_orders(batch)?;
        self.backend.import_orders(batch, import_id, actor, at)
    }

    fn finish_import(
        &self,
        import_id: i64,
        rows_read: u64,
        rows_rejected: u64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportSummary, StoreError> {
        require_text("actor", actor)?;
        let summary = self.write(|db| {
            let changed = db.exec(
                "finishing an import",
                "UPDATE imports SET rows_read = $1, rows_rejected = $2, finished_at = $3 WHERE id = $4 AND finished_at IS NULL",
                &[
                    i(i64::try_from(rows_read).unwrap_or(i64::MAX)),
                    i(i64::try_from(rows_rejected).unwrap_or(i64::MAX)),
                    t(at),
                    i(import_id),
                ],
            )?;
            if changed == 0 {
                let summary = import_summary(db, import_id)?;
                return Err(StoreError::conflict(
                    "import",
                    import_id,
                    format!(
                        "it already finished at {}",
                        summary.finished_at.map(|t| t.to_string()).unwrap_or_default()
                    ),
                ));
            }
            let summary = import_summary(db, import_id)?;
            audit(
                db,
                actor,
                at,
                "finish",
                "import",
                &import_id.to_string(),
                json!({
                    "rows_read": summary.rows_read, "rows_added": summary.rows_added,
                    "rows_duplicate": summary.rows_duplicate, "rows_rejected": summary.rows_rejected,
                }),
            )?;
            Ok(summary)
        })?;
        // A bulk load leaves PostgreSQL's statistics of the order tables
        // stale until autovacuum comes round: the monitoring's grouping of
        // order days was then planned as a hash spilling to disk. A large
        // import refreshes them at once (0.5 s over 10 million order days).
        if self.backend.kind() == crate::BackendKind::Postgres && summary.rows_added >= 100_000 {
            self.write(|db| {
                db.exec(
                    "analysing the order tables",
                    "ANALYZE orders, order_days",
                    &[],
                )
            })?;
        }
        Ok(summary)
    }

    fn import_summary(&self, import_id: i64) -> Result<ImportSummary, StoreError> {
        self.backend.read(|db| import_summary(db, import_id))
    }

    fn running_import_of(
        &self,
        kind: &str,
        actor: &str,
    ) -> Result<Option<ImportSummary>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {IMPORT_COLUMNS} FROM imports WHERE kind = $1 AND actor = $2 \
                 AND finished_at IS NULL AND failure IS NULL ORDER BY id DESC LIMIT 1"
            );
            db.opt_row("reading a running import", &sql, &[t(kind), t(actor)])?
                .map(|row| import_from_row(&row))
                .transpose()
        })
    }

    fn reconcile_orders(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderReconciliation, StoreError> {
        self.backend.read(|db| {
            let row = db.one_row(
                "reconciling orders",
                "SELECT COUNT(*), COUNT(DISTINCT resident_id), CAST(COALESCE(SUM(premium_fen), 0) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3",
                &[
                    t(platform.as_str()),
                    t(month.first_day()),
                    t(month.last_day()),
                ],
            )?;
            let c = Cols::new(&row);
            Ok(OrderReconciliation {
                orders: count(c.int(0)?),
                workers: count(c.int(1)?),
                premium: Money::from_fen(c.int(2)?),
            })
        })
    }

    fn order_month_provinces(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<(String, u64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "summing a platform's month by province",
                "SELECT province, COUNT(*), CAST(COALESCE(SUM(premium_fen), 0) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3 \
                 GROUP BY province ORDER BY province",
                &[
                    t(platform.as_str()),
                    t(month.first_day()),
                    t(month.last_day()),
                ],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.text(0)?.to_owned(),
                    count(c.int(1)?),
                    Money::from_fen(c.int(2)?),
                ))
            })
            .collect()
        })
    }

    fn order_month_totals(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderMonthTotals, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading a platform's month",
                "SELECT orders, premium_fen FROM order_months WHERE platform = $1 AND month = $2",
                &[t(platform.as_str()), t(month)],
            )?;
            let Some(row) = row else {
                return Ok(OrderMonthTotals::default());
            };
            let c = Cols::new(&row);
            Ok(OrderMonthTotals {
                orders: count(c.int(0)?),
                premium: Money::from_fen(c.int(1)?),
            })
        })
    }

    fn link_platform_unit(
        &self,
        platform: &PlatformId,
        unit: &CreditCode,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let row = db.opt_row(
                "reading a unit",
                "SELECT id FROM units WHERE credit_code = $1",
                &[t(unit.as_str())],
            )?;
            let Some(row) = row else {
                return Err(StoreError::not_found("unit", unit.as_str()));
            };
            let unit_id = Cols::new(&row).int(0)?;
            db.exec(
                "linking a platform to its unit",
                "INSERT INTO platform_units (platform, unit_id) VALUES ($1, $2) \
                 ON CONFLICT (platform) DO UPDATE SET unit_id = excluded.unit_id",
                &[t(platform.as_str()), i(unit_id)],
            )?;
            audit(
                db,
                actor,
                at,
                "link",
                "platform",
                platform.as_str(),
                json!({"unit": unit.as_str()}),
            )
        })
    }

    fn platform_unit(&self, platform: &PlatformId) -> Result<Option<CreditCode>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading a platform's unit",
                "SELECT n.credit_code FROM platform_units p JOIN units n ON n.id = p.unit_id \
                 WHERE p.platform = $1",
                &[t(platform.as_str())],
            )?
            .map(|r| Cols::new(&r).parsed(0, "credit_code", CreditCode::parse))
            .transpose()
        })
    }

    fn platform_days(
        &self,
        platform: &PlatformId,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, u64, u64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a platform's days",
                "SELECT day, COUNT(*), COUNT(DISTINCT resident_id), CAST(SUM(premium_fen) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day",
                &[t(platform.as_str()), t(from), t(to)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.parsed(0, "day", parse_date)?,
                    count(c.int(1)?),
                    count(c.int(2)?),
                    Money::from_fen(c.int(3)?),
                ))
            })
            .collect()
        })
    }
}
