//! The ledger's postings: append-only postings, balanced per transaction and
//! idempotent by key, and the balances read from them.

use super::*;

pub trait LedgerStore {
    fn post(&self, tx: &Transaction, actor: &str, at: Timestamp) -> Result<Posted, StoreError>;

    /// Debit positive, by account.
    fn ledger_balances(&self) -> Result<Vec<(Account, i64)>, StoreError>;

    /// The sum of all balances: 0 in a balanced ledger.
    fn trial_balance(&self) -> Result<i128, StoreError>;
}

// ---- the ledger -------------------------------------------------------------

/// The transaction stored under `key`, read back through the domain's checks.
fn stored_transaction(db: &mut dyn Db, key: &str) -> Result<Option<Transaction>, StoreError> {
    let Some(row) = db.opt_row(
        "reading a ledger transaction",
        "SELECT id, reason, reverses, subjects FROM ledger_transactions WHERE idempotency_key = $1",
        &[t(key)],
    )?
    else {
        return Ok(None);
    };
    let c = Cols::new(&row);
    let bad = |field: &'static str| {
        move |e: String| StoreError::InvalidData {
            field,
            reason: format!("ledger transaction {key}: {e}"),
        }
    };
    let id = c.int(0)?;
    let reason: ReasonCode =
        serde_json::from_value(serde_json::Value::String(c.text(1)?.to_owned()))
            .map_err(|e| bad("reason")(e.to_string()))?;
    let reverses = c
        .opt_text(2)?
        .map(|k| IdempotencyKey::parse(k).map_err(|e| bad("reverses")(e.to_string())))
        .transpose()?;
    let subjects: Vec<SubjectRef> =
        serde_json::from_str(c.text(3)?).map_err(|e| bad("subjects")(e.to_string()))?;
    let postings = postings_of(db, id)?
        .into_iter()
        .map(|(a, side, fen)| {
            Posting::new(a, side, Money::from_fen(fen)).map_err(|e| bad("postings")(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key = IdempotencyKey::parse(key).map_err(|e| bad("idempotency_key")(e.to_string()))?;
    Transaction::stored(key, reason, postings, subjects, reverses)
        .map(Some)
        .map_err(|e| bad("ledger")(e.to_string()))
}

fn postings_of(
    db: &mut dyn Db,
    transaction_id: i64,
) -> Result<Vec<(Account, Side, i64)>, StoreError> {
    let rows = db.rows(
        "reading ledger postings",
        "SELECT account, side, amount_fen FROM ledger_postings WHERE transaction_id = $1 ORDER BY id",
        &[i(transaction_id)],
    )?;
    rows.iter()
        .map(|r| {
            let c = Cols::new(r);
            let side = match c.text(1)? {
                "debit" => Side::Debit,
                _ => Side::Credit,
            };
            Ok((c.parsed(0, "account", parse_account)?, side, c.int(2)?))
        })
        .collect()
}

/// Posts `tx` in the caller's transaction (with its audit row).
pub(crate) fn post(
    db: &mut dyn Db,
    tx: &Transaction,
    actor: &str,
    at: Timestamp,
) -> Result<Posted, StoreError> {
    let key = tx.idempotency_key().as_str();
    let subjects = serde_json::to_string(tx.subjects())
        .map_err(|e| StoreError::invalid("subjects", e.to_string()))?;
    let reason = reason_text(tx.reason());
    let reverses = tx.reverses().map(|k| k.as_str().to_owned());
    // The domain's rules decide (ledger::judge), over what is stored.
    let same_key = stored_transaction(db, key)?;
    let target = match tx.reverses() {
        Some(k) => stored_transaction(db, k.as_str())?,
        None => None,
    };
    let reversed_by = match tx.reverses() {
        Some(k) => db
            .opt_row(
                "reading a ledger transaction",
                "SELECT idempotency_key FROM ledger_transactions WHERE reverses = $1",
                &[t(k.as_str())],
            )?
            .map(|r| {
                Cols::new(&r).text(0).and_then(|k| {
                    IdempotencyKey::parse(k).map_err(|e| StoreError::InvalidData {
                        field: "idempotency_key",
                        reason: e.to_string(),
                    })
                })
            })
            .transpose()?,
        None => None,
    };
    let prior = ledger::Prior {
        same_key: same_key.as_ref(),
        target: target.as_ref(),
        target_reversed_by: reversed_by.as_ref(),
    };
    match ledger::judge(tx, &prior) {
        Ok(ledger::Appended::AlreadyRecorded) => return Ok(Posted::AlreadyPosted),
        Ok(ledger::Appended::Recorded) => {}
        Err(DomainError::LedgerKeyConflict { .. }) => {
            return Err(StoreError::IdempotencyMismatch {
                entity: "ledger transaction",
                key: key.to_owned(),
            });
        }
        Err(e) => {
            return Err(StoreError::conflict(
                "ledger transaction",
                key,
                e.to_string(),
            ));
        }
    }
    let id = db.insert_id(
        "posting a ledger transaction",
        "INSERT INTO ledger_transactions (idempotency_key, reason, reverses, subjects, created_at, actor) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            t(key),
            t(&reason),
            Value::opt_text(reverses.clone()),
            t(&subjects),
            t(at),
            t(actor),
        ],
        || match &reverses {
            Some(target) => StoreError::conflict(
                "ledger transaction",
                key,
                format!("{target} is already reversed"),
            ),
            None => StoreError::duplicate("ledger transaction", key),
        },
    )?;
    for p in tx.postings() {
        db.exec(
            "posting a ledger transaction",
            "INSERT INTO ledger_postings (transaction_id, account, side, amount_fen) VALUES ($1, $2, $3, $4)",
            &[i(id), t(p.account()), t(side_text(p.side())), fen(p.amount())],
        )?;
    }
    audit(
        db,
        actor,
        at,
        "post",
        "ledger_transaction",
        key,
        json!({
            "id": id,
            "reason": reason,
            "reverses": reverses,
            "amount_fen": tx.amount().fen(),
            "postings": tx.postings().len(),
        }),
    )?;
    Ok(Posted::Posted)
}

pub(crate) fn post_new(
    db: &mut dyn Db,
    tx: &Transaction,
    what: &str,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    match post(db, tx, actor, at)? {
        Posted::Posted => Ok(()),
        Posted::AlreadyPosted => Err(StoreError::conflict(
            "ledger transaction",
            tx.idempotency_key().as_str(),
            format!("it is already posted, so it cannot also record this {what}"),
        )),
    }
}

impl<B: Backend> LedgerStore for SqlStore<B> {
    fn post(&self, tx: &Transaction, actor: &str, at: Timestamp) -> Result<Posted, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let posted = post(db, tx, actor, at)?;
            if posted == Posted::Posted {
                // a reversal of a bill or a payment changes the fund's flows
                crate::fund::add_to_fund_summary(db, tx)?;
            }
            Ok(posted)
        })
    }

    fn ledger_balances(&self) -> Result<Vec<(Account, i64)>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading ledger balances",
                "SELECT account, CAST(SUM(CASE WHEN side = 'debit' THEN amount_fen ELSE -amount_fen END) AS BIGINT) \
                 FROM ledger_postings GROUP BY account",
                &[],
            )?;
            let mut balances = BTreeMap::new();
            for r in &rows {
                let c = Cols::new(r);
                balances.insert(c.parsed(0, "account", parse_account)?, c.int(1)?);
            }
            Ok(balances.into_iter().collect())
        })
    }

    fn trial_balance(&self) -> Result<i128, StoreError> {
        Ok(self
            .ledger_balances()?
            .into_iter()
            .map(|(_, b)| i128::from(b))
            .sum())
    }
}
