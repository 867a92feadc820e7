//! The fund's money movements as an append-only, double-entry ledger.
//!
//! A [`Transaction`] can only be built balanced: every posting has a positive
//! amount, and the debits equal the credits. Nothing is ever edited or
//! deleted: a correction is a [`Transaction::reversal`] (the same postings on
//! the other side), followed if need be by a new, right transaction. Every
//! transaction carries an idempotency key (the same key twice records it
//! once) and a reason code. [`Ledger`] holds these rules for a sequence of
//! transactions, so the store enforces exactly what is tested here.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use gongshang_rules::Money;
use gongshang_rules::scheme::PremiumPayer;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::{IdempotencyKey, ReferenceId};

/// The accounts of the fund's ledger. Kept small on purpose: one account per
/// kind of claim or flow the issue asks for, no sub-ledgers (a bill, a unit or
/// a person is a [`SubjectRef`] of the transaction, not an account).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// 应收保费: premiums billed to units, platforms or workers, not yet paid.
    PremiumReceivable,
    /// 应收财政补贴: the fiscal share of premiums (益鹭保's subsidy), not yet paid.
    SubsidyReceivable,
    /// 银行存款: the fund's bank account.
    Bank,
    /// 待遇支出: benefits the fund has awarded.
    BenefitsExpense,
    /// 保费收入: premiums billed.
    PremiumIncome,
    /// 财政补贴收入: the fiscal share of premiums billed.
    SubsidyIncome,
    /// 应付待遇: benefits awarded, not yet paid out.
    BenefitsPayable,
    // issue 14: the reserve.
    /// 储备金: premiums set aside by the monthly reserve run (Jiangsu measures
    /// Art 11), an asset of the fund kept apart from the bank account.
    Reserve,
    // issue 12: Decree 765 Art 46.
    /// 应收多发待遇: benefits paid that were not owed (after a death, say),
    /// to be refunded or set against later benefits.
    OverpaymentReceivable,
    // issue 14: Regulations Art 12 (the fund pays 劳动能力鉴定).
    /// 劳动能力鉴定费支出: appraisal fees the fund paid, an expenditure of its
    /// own beside the benefits.
    AppraisalFeeExpense,
    // issue 12/17: Social Insurance Law Arts 41-42, Regulations Art 62(1).
    /// 滞纳金收入: late fees a unit paid with its back-payment of premiums.
    LateFeeIncome,
    /// 先行支付追偿收入: what a unit or a third party repaid of an advance.
    AdvanceRecoveryIncome,
    // issue 12: Social Insurance Law Art 86, Regulations Art 62(1).
    /// 应收滞纳金: late fees assessed on a bill paid late, not yet paid.
    LateFeeReceivable,
}

impl Account {
    pub const ALL: [Account; 13] = [
        Account::PremiumReceivable,
        Account::SubsidyReceivable,
        Account::Bank,
        Account::BenefitsExpense,
        Account::PremiumIncome,
        Account::SubsidyIncome,
        Account::BenefitsPayable,
        Account::Reserve,
        Account::OverpaymentReceivable,
        Account::AppraisalFeeExpense,
        Account::LateFeeIncome,
        Account::AdvanceRecoveryIncome,
        Account::LateFeeReceivable,
    ];

    pub const fn name_zh(self) -> &'static str {
        match self {
            Account::PremiumReceivable => "应收保费",
            Account::SubsidyReceivable => "应收财政补贴",
            Account::Bank => "银行存款",
            Account::BenefitsExpense => "待遇支出",
            Account::PremiumIncome => "保费收入",
            Account::SubsidyIncome => "财政补贴收入",
            Account::BenefitsPayable => "应付待遇",
            Account::Reserve => "储备金",
            Account::OverpaymentReceivable => "应收多发待遇",
            Account::AppraisalFeeExpense => "劳动能力鉴定费支出",
            Account::LateFeeIncome => "滞纳金收入",
            Account::AdvanceRecoveryIncome => "先行支付追偿收入",
            Account::LateFeeReceivable => "应收滞纳金",
        }
    }

    /// The side on which the account normally has its balance: assets and
    /// expenses on the debit side, income and liabilities on the credit side.
    pub const fn normal_side(self) -> Side {
        match self {
            Account::PremiumReceivable
            | Account::SubsidyReceivable
            | Account::Bank
            | Account::BenefitsExpense
            | Account::Reserve
            | Account::OverpaymentReceivable
            | Account::AppraisalFeeExpense
            | Account::LateFeeReceivable => Side::Debit,
            Account::PremiumIncome
            | Account::SubsidyIncome
            | Account::BenefitsPayable
            | Account::LateFeeIncome
            | Account::AdvanceRecoveryIncome => Side::Credit,
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Account::PremiumReceivable => "premium_receivable",
            Account::SubsidyReceivable => "subsidy_receivable",
            Account::Bank => "bank",
            Account::BenefitsExpense => "benefits_expense",
            Account::PremiumIncome => "premium_income",
            Account::SubsidyIncome => "subsidy_income",
            Account::BenefitsPayable => "benefits_payable",
            Account::Reserve => "reserve",
            Account::OverpaymentReceivable => "overpayment_receivable",
            Account::AppraisalFeeExpense => "appraisal_fee_expense",
            Account::LateFeeIncome => "late_fee_income",
            Account::AdvanceRecoveryIncome => "advance_recovery_income",
            Account::LateFeeReceivable => "late_fee_receivable",
        };
        f.write_str(name)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub const fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

/// One line of a transaction: an account, a side and a positive amount.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PostingRecord")]
pub struct Posting {
    account: Account,
    side: Side,
    amount: Money,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostingRecord {
    account: Account,
    side: Side,
    amount: Money,
}

impl TryFrom<PostingRecord> for Posting {
    type Error = DomainError;
    fn try_from(r: PostingRecord) -> Result<Self, Self::Error> {
        Posting::new(r.account, r.side, r.amount)
    }
}

impl Posting {
    /// A posting of a positive amount: a zero posting says nothing and a
    /// negative one is a posting on the other side written confusingly.
    pub fn new(account: Account, side: Side, amount: Money) -> Result<Posting, DomainError> {
        if amount.fen() <= 0 {
            return Err(DomainError::LedgerUnbalanced {
                reason: format!(
                    "posting to {account} of {amount} yuan: amounts must be more than 0.00"
                ),
            });
        }
        Ok(Posting {
            account,
            side,
            amount,
        })
    }

    pub fn debit(account: Account, amount: Money) -> Result<Posting, DomainError> {
        Posting::new(account, Side::Debit, amount)
    }

    pub fn credit(account: Account, amount: Money) -> Result<Posting, DomainError> {
        Posting::new(account, Side::Credit, amount)
    }

    pub fn account(&self) -> Account {
        self.account
    }

    pub fn side(&self) -> Side {
        self.side
    }

    pub fn amount(&self) -> Money {
        self.amount
    }

    /// Debits positive, credits negative: the sum over a balanced set is zero.
    pub fn signed_fen(&self) -> i64 {
        match self.side {
            Side::Debit => self.amount.fen(),
            Side::Credit => -self.amount.fen(),
        }
    }

    fn mirrored(&self) -> Posting {
        Posting {
            side: self.side.opposite(),
            ..*self
        }
    }
}

/// Why money moved. Stable snake_case names: they are stored.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// A bill (monthly premium, days bought, a platform's month of orders).
    BillIssued,
    /// Money received against a bill.
    PaymentReceived,
    /// A benefit award approved (the fund owes it).
    BenefitAwarded,
    /// A benefit paid out.
    BenefitPaid,
    /// Reversal: a bill issued in error or cancelled.
    BillCancelled,
    /// Reversal: a payment returned by the bank or recorded in error.
    PaymentReturned,
    /// Reversal: an award revised on review or appeal.
    AwardRevised,
    /// Reversal: any other entry made in error (including undoing a reversal).
    EntryCorrected,
    // issue 14
    /// The monthly transfer of premiums collected into the reserve.
    ReserveTransferred,
    // issue 12: Decree 765 Art 46.
    /// Benefits found paid that were not owed: the expense undone, a claim on
    /// the beneficiary.
    OverpaymentFound,
    /// An overpayment recovered (refunded, an instalment, or an offset
    /// against a later benefit).
    OverpaymentRecovered,
    // issue 14
    /// A work-capacity appraisal's fee paid by the fund (Regulations Art 12).
    AppraisalFeePaid,
    // issue 12/17
    /// An uninsured unit's back-payment of premiums and late fees
    /// (Regulations Art 62(1)).
    BackPaymentReceived,
    /// The fund's advance of benefits (Social Insurance Law Arts 41-42).
    AdvancePaid,
    /// Part of an advance repaid by the unit or the third party.
    AdvanceRecovered,
    // issue 12: Social Insurance Law Art 86, Regulations Art 62(1).
    /// The late fee on a payment of a bill made after its due date, assessed
    /// with the payment.
    LateFeeAssessed,
    /// A late fee assessed on a bill, paid.
    LateFeeReceived,
}

impl ReasonCode {
    /// Whether the reason may be given to a reversal.
    pub const fn is_correction(self) -> bool {
        matches!(
            self,
            ReasonCode::BillCancelled
                | ReasonCode::PaymentReturned
                | ReasonCode::AwardRevised
                | ReasonCode::EntryCorrected
        )
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Bill,
    Payment,
    Award,
    Case,
    // issue 14
    /// A monthly reserve run (`reserve-<region>-<scheme>-<month>`).
    ReserveRun,
    // issue 12
    /// An overpayment (`overpayment-<id>`), Decree 765 Art 46.
    Overpayment,
    // issue 14
    /// An appraisal fee (`appraisal-fee-<case>-<n>`), Regulations Art 12.
    AppraisalFee,
    // issue 12/17
    /// A back-payment (`back-payment-<id>`), Regulations Art 62(1).
    BackPayment,
    /// An advance (`advance-<id>`), Social Insurance Law Arts 41-42.
    Advance,
}

/// What a transaction is about (a bill, a payment...), for finding it again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectRef {
    pub kind: SubjectKind,
    pub id: ReferenceId,
}

impl SubjectRef {
    pub fn new(kind: SubjectKind, id: ReferenceId) -> SubjectRef {
        SubjectRef { kind, id }
    }
}

/// A balanced set of postings with its idempotency key and reason. Built only
/// by [`Transaction::new`], the builders below, or [`Transaction::reversal`];
/// deserialized through the same check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TransactionRecord")]
pub struct Transaction {
    idempotency_key: IdempotencyKey,
    reason: ReasonCode,
    postings: Vec<Posting>,
    subjects: Vec<SubjectRef>,
    /// The transaction this one reverses.
    reverses: Option<IdempotencyKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransactionRecord {
    idempotency_key: IdempotencyKey,
    reason: ReasonCode,
    postings: Vec<Posting>,
    subjects: Vec<SubjectRef>,
    reverses: Option<IdempotencyKey>,
}

impl TryFrom<TransactionRecord> for Transaction {
    type Error = DomainError;
    fn try_from(r: TransactionRecord) -> Result<Self, Self::Error> {
        if r.reverses.is_some() && !r.reason.is_correction() {
            return Err(not_a_correction(r.reason));
        }
        if r.reverses.is_none() && r.reason.is_correction() {
            return Err(DomainError::InputConflict {
                field: "reason",
                reason: format!(
                    "{:?} is the reason of a reversal; name what it reverses",
                    r.reason
                ),
            });
        }
        check_balance(&r.postings)?;
        Ok(Transaction {
            idempotency_key: r.idempotency_key,
            reason: r.reason,
            postings: r.postings,
            subjects: r.subjects,
            reverses: r.reverses,
        })
    }
}

fn not_a_correction(reason: ReasonCode) -> DomainError {
    DomainError::InputConflict {
        field: "reason",
        reason: format!(
            "a reversal needs a correction reason (bill_cancelled, payment_returned, award_revised, entry_corrected), not {reason:?}"
        ),
    }
}

fn check_balance(postings: &[Posting]) -> Result<(), DomainError> {
    if postings.len() < 2 {
        return Err(DomainError::LedgerUnbalanced {
            reason: format!(
                "a transaction needs at least one debit and one credit; it has {} posting(s)",
                postings.len()
            ),
        });
    }
    let mut debits: i64 = 0;
    let mut credits: i64 = 0;
    for p in postings {
        let total = match p.side {
            Side::Debit => &mut debits,
            Side::Credit => &mut credits,
        };
        *total =
            total
                .checked_add(p.amount.fen())
                .ok_or_else(|| DomainError::LedgerUnbalanced {
                    reason: "the amounts add up to more than i64 fen".into(),
                })?;
    }
    if debits != credits {
        return Err(DomainError::LedgerUnbalanced {
            reason: format!(
                "debits {} yuan and credits {} yuan differ; they must be equal",
                Money::from_fen(debits),
                Money::from_fen(credits)
            ),
        });
    }
    Ok(())
}

impl Transaction {
    /// A transaction of `postings`, refused unless the debits equal the credits
    /// (each posting is positive by construction) and the reason is not a
    /// correction (those are made by [`Transaction::reversal`]).
    pub fn new(
        idempotency_key: IdempotencyKey,
        reason: ReasonCode,
        postings: Vec<Posting>,
        subjects: Vec<SubjectRef>,
    ) -> Result<Transaction, DomainError> {
        TransactionRecord {
            idempotency_key,
            reason,
            postings,
            subjects,
            reverses: None,
        }
        .try_into()
    }

    /// A transaction read back from storage, through the same checks as a
    /// new one (a store never holds an unbalanced or malformed transaction).
    pub fn stored(
        idempotency_key: IdempotencyKey,
        reason: ReasonCode,
        postings: Vec<Posting>,
        subjects: Vec<SubjectRef>,
        reverses: Option<IdempotencyKey>,
    ) -> Result<Transaction, DomainError> {
        TransactionRecord {
            idempotency_key,
            reason,
            postings,
            subjects,
            reverses,
        }
        .try_into()
    }

    /// The transaction that undoes this one: the same postings on the other
    /// side, the same subjects, under a new key and a correction reason. A
    /// correction is a reversal, never an edit.
    pub fn reversal(
        &self,
        idempotency_key: IdempotencyKey,
        reason: ReasonCode,
    ) -> Result<Transaction, DomainError> {
        if !reason.is_correction() {
            return Err(not_a_correction(reason));
        }
        if idempotency_key == self.idempotency_key {
            return Err(DomainError::InputConflict {
                field: "idempotency_key",
                reason: format!(
                    "a reversal needs a key of its own, not {:?} of the transaction it reverses",
                    self.idempotency_key.as_str()
                ),
            });
        }
        Ok(Transaction {
            idempotency_key,
            reason,
            postings: self.postings.iter().map(Posting::mirrored).collect(),
            subjects: self.subjects.clone(),
            reverses: Some(self.idempotency_key.clone()),
        })
    }

    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.idempotency_key
    }

    pub fn reason(&self) -> ReasonCode {
        self.reason
    }

    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    pub fn subjects(&self) -> &[SubjectRef] {
        &self.subjects
    }

    pub fn reverses(&self) -> Option<&IdempotencyKey> {
        self.reverses.as_ref()
    }

    /// The total of the debits (= the total of the credits).
    pub fn amount(&self) -> Money {
        Money::from_fen(
            self.postings
                .iter()
                .filter(|p| p.side == Side::Debit)
                .map(|p| p.amount.fen())
                .sum(),
        )
    }
}

// ---- builders ---------------------------------------------------------------

fn positive_or_none(field: &'static str, amount: Money) -> Result<Option<Money>, DomainError> {
    match amount.fen() {
        0 => Ok(None),
        f if f > 0 => Ok(Some(amount)),
        _ => Err(DomainError::out_of_range(
            field,
            amount,
            "0.00 yuan or more",
        )),
    }
}

/// A bill issued: each payer's share is receivable. The fiscal share
/// (`PremiumPayer::Fiscal`, e.g. 益鹭保's subsidy) goes to subsidy receivable and
/// subsidy income; every other payer's share to premium receivable and premium
/// income. `shares` is `billing::Premium::shares` as the rules engine returns it.
pub fn bill_issued(
    idempotency_key: IdempotencyKey,
    bill: ReferenceId,
    shares: &[(PremiumPayer, Money)],
) -> Result<Transaction, DomainError> {
    let mut premium = Money::ZERO;
    let mut subsidy = Money::ZERO;
    for &(payer, amount) in shares {
        let amount = positive_or_none("share", amount)?.unwrap_or(Money::ZERO);
        let total = if payer == PremiumPayer::Fiscal {
            &mut subsidy
        } else {
            &mut premium
        };
        *total = total
            .checked_add(amount)
            .ok_or_else(|| DomainError::out_of_range("share", amount, "a total within i64 fen"))?;
    }
    let mut postings = Vec::new();
    if let Some(p) = positive_or_none("share", premium)? {
        postings.push(Posting::debit(Account::PremiumReceivable, p)?);
        postings.push(Posting::credit(Account::PremiumIncome, p)?);
    }
    if let Some(s) = positive_or_none("share", subsidy)? {
        postings.push(Posting::debit(Account::SubsidyReceivable, s)?);
        postings.push(Posting::credit(Account::SubsidyIncome, s)?);
    }
    if postings.is_empty() {
        return Err(DomainError::out_of_range(
            "shares",
            "0.00",
            "a bill of more than 0.00 yuan (a zero bill has nothing to post)",
        ));
    }
    Transaction::new(
        idempotency_key,
        ReasonCode::BillIssued,
        postings,
        vec![SubjectRef::new(SubjectKind::Bill, bill)],
    )
}

/// Money received against a bill from `payer`: the bank account up, the
/// payer's receivable (the subsidy receivable for the fiscal payer) down.
pub fn payment_received(
    idempotency_key: IdempotencyKey,
    payment: ReferenceId,
    bill: ReferenceId,
    payer: PremiumPayer,
    amount: Money,
) -> Result<Transaction, DomainError> {
    let receivable = if payer == PremiumPayer::Fiscal {
        Account::SubsidyReceivable
    } else {
        Account::PremiumReceivable
    };
    Transaction::new(
        idempotency_key,
        ReasonCode::PaymentReceived,
        vec![
            Posting::debit(Account::Bank, amount)?,
            Posting::credit(receivable, amount)?,
        ],
        vec![
            SubjectRef::new(SubjectKind::Payment, payment),
            SubjectRef::new(SubjectKind::Bill, bill),
        ],
    )
}

/// A benefit award approved: the fund's expense, owed until paid.
pub fn benefit_award_approved(
    idempotency_key: IdempotencyKey,
    award: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::BenefitAwarded,
        Account::BenefitsExpense,
        Account::BenefitsPayable,
        amount,
        SubjectRef::new(SubjectKind::Award, award),
    )
}

/// A benefit paid out of the bank account, settling what was owed.
pub fn benefit_paid(
    idempotency_key: IdempotencyKey,
    payment: ReferenceId,
    award: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    Transaction::new(
        idempotency_key,
        ReasonCode::BenefitPaid,
        vec![
            Posting::debit(Account::BenefitsPayable, amount)?,
            Posting::credit(Account::Bank, amount)?,
        ],
        vec![
            SubjectRef::new(SubjectKind::Payment, payment),
            SubjectRef::new(SubjectKind::Award, award),
        ],
    )
}

/// A monthly payroll run of periodic benefits (disability allowance, living
/// care, survivors' pensions), paid from the bank account: the month's
/// expense, awarded and settled at once, since a periodic benefit is owed
/// month by month (one transaction per run; the run's lines are its detail).
pub fn periodic_benefits_paid(
    idempotency_key: IdempotencyKey,
    run: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::BenefitPaid,
        Account::BenefitsExpense,
        Account::Bank,
        amount,
        SubjectRef::new(SubjectKind::Payment, run),
    )
}

/// A settled medical, rehabilitation or assistive-device bill paid by the
/// fund (Regulations Arts 30-32; Decree 765 Art 22): the expense and the
/// payment at once, as the fund settles such a bill when it pays it.
pub fn medical_costs_paid(
    idempotency_key: IdempotencyKey,
    bill: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::BenefitPaid,
        Account::BenefitsExpense,
        Account::Bank,
        amount,
        SubjectRef::new(SubjectKind::Payment, bill),
    )
}

/// The month's transfer into the reserve (Jiangsu measures Art 11): money
/// moves from the bank account to the reserve, both assets of the fund, so
/// the fund's balance is unchanged and the reserve is the balance of
/// [`Account::Reserve`].
pub fn reserve_transferred(
    idempotency_key: IdempotencyKey,
    run: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::ReserveTransferred,
        Account::Reserve,
        Account::Bank,
        amount,
        SubjectRef::new(SubjectKind::ReserveRun, run),
    )
}

/// Benefits found paid that were not owed (社会保险经办条例 Art 46): the
/// fund's expense is undone and the beneficiary owes the amount back.
pub fn overpayment_found(
    idempotency_key: IdempotencyKey,
    overpayment: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::OverpaymentFound,
        Account::OverpaymentReceivable,
        Account::BenefitsExpense,
        amount,
        SubjectRef::new(SubjectKind::Overpayment, overpayment),
    )
}

/// Part of an overpayment recovered: refunded into the bank account, or kept
/// back from a later benefit (the payroll paid the month in full out of the
/// bank, and the amount kept back comes back to it), so one posting serves
/// both.
pub fn overpayment_recovered(
    idempotency_key: IdempotencyKey,
    overpayment: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::OverpaymentRecovered,
        Account::Bank,
        Account::OverpaymentReceivable,
        amount,
        SubjectRef::new(SubjectKind::Overpayment, overpayment),
    )
}

/// A work-capacity appraisal's fee paid out of the fund's bank account
/// (Regulations Art 12: the fund pays "劳动能力鉴定" among its expenditures),
/// under an expense account of its own so that the accounts show it apart
/// from the benefits.
pub fn appraisal_fee_paid(
    idempotency_key: IdempotencyKey,
    fee: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::AppraisalFeePaid,
        Account::AppraisalFeeExpense,
        Account::Bank,
        amount,
        SubjectRef::new(SubjectKind::AppraisalFee, fee),
    )
}

/// An uninsured unit's back-payment received (Regulations Art 62(1)): the
/// premiums billed and collected at once (the receivable opened and closed
/// in the same transaction, so the statement shows them billed and
/// collected) and the late fees, all into the bank account.
pub fn back_payment_received(
    idempotency_key: IdempotencyKey,
    back_payment: ReferenceId,
    premiums: Money,
    late_fees: Money,
) -> Result<Transaction, DomainError> {
    let total = premiums
        .checked_add(late_fees)
        .ok_or_else(|| DomainError::out_of_range("late_fees", late_fees, "a sum within i64 fen"))?;
    let mut postings = vec![
        Posting::debit(Account::PremiumReceivable, premiums)?,
        Posting::credit(Account::PremiumIncome, premiums)?,
        Posting::debit(Account::Bank, total)?,
        Posting::credit(Account::PremiumReceivable, premiums)?,
    ];
    if late_fees.fen() > 0 {
        postings.push(Posting::credit(Account::LateFeeIncome, late_fees)?);
    }
    Transaction::new(
        idempotency_key,
        ReasonCode::BackPaymentReceived,
        postings,
        vec![SubjectRef::new(SubjectKind::BackPayment, back_payment)],
    )
}

/// The late fee on a payment made after the bill's due date (Social
/// Insurance Law Art 86; Regulations Art 62(1)), assessed with the payment:
/// the unit owes it (late fee receivable) and it is the fund's income, as a
/// bill's premiums are when it is issued ([`bill_issued`]).
pub fn late_fee_assessed(
    idempotency_key: IdempotencyKey,
    payment: ReferenceId,
    bill: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    Transaction::new(
        idempotency_key,
        ReasonCode::LateFeeAssessed,
        vec![
            Posting::debit(Account::LateFeeReceivable, amount)?,
            Posting::credit(Account::LateFeeIncome, amount)?,
        ],
        vec![
            SubjectRef::new(SubjectKind::Payment, payment),
            SubjectRef::new(SubjectKind::Bill, bill),
        ],
    )
}

/// A late fee assessed on a bill, paid: the bank account up, the late fee
/// receivable down (as [`payment_received`] settles premiums).
pub fn late_fee_received(
    idempotency_key: IdempotencyKey,
    fee_payment: ReferenceId,
    bill: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    Transaction::new(
        idempotency_key,
        ReasonCode::LateFeeReceived,
        vec![
            Posting::debit(Account::Bank, amount)?,
            Posting::credit(Account::LateFeeReceivable, amount)?,
        ],
        vec![
            SubjectRef::new(SubjectKind::Payment, fee_payment),
            SubjectRef::new(SubjectKind::Bill, bill),
        ],
    )
}

/// The fund's advance paid out (Social Insurance Law Arts 41-42): an
/// expenditure of benefits, from the bank account.
pub fn advance_paid(
    idempotency_key: IdempotencyKey,
    advance: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::AdvancePaid,
        Account::BenefitsExpense,
        Account::Bank,
        amount,
        SubjectRef::new(SubjectKind::Advance, advance),
    )
}

/// Part of an advance repaid by the unit or the third party: income into
/// the bank account.
pub fn advance_recovered(
    idempotency_key: IdempotencyKey,
    advance: ReferenceId,
    amount: Money,
) -> Result<Transaction, DomainError> {
    one_movement(
        idempotency_key,
        ReasonCode::AdvanceRecovered,
        Account::Bank,
        Account::AdvanceRecoveryIncome,
        amount,
        SubjectRef::new(SubjectKind::Advance, advance),
    )
}

/// A transaction that moves `amount` from one account to another: the shape
/// of most of the rules above.
fn one_movement(
    idempotency_key: IdempotencyKey,
    reason: ReasonCode,
    debit: Account,
    credit: Account,
    amount: Money,
    subject: SubjectRef,
) -> Result<Transaction, DomainError> {
    Transaction::new(
        idempotency_key,
        reason,
        vec![
            Posting::debit(debit, amount)?,
            Posting::credit(credit, amount)?,
        ],
        vec![subject],
    )
}

// ---- the ledger's rules over a sequence -------------------------------------

/// What [`Ledger::append`] did.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Appended {
    Recorded,
    /// The same transaction under the same key was already recorded: nothing
    /// changed (a retried request).
    AlreadyRecorded,
}

/// What a ledger already holds that bears on a new transaction: the one
/// stored under its key, and for a reversal the one it reverses and what
/// reversed that already. The store looks these up; [`Ledger`] holds them.
#[derive(Copy, Clone, Debug, Default)]
pub struct Prior<'a> {
    pub same_key: Option<&'a Transaction>,
    pub target: Option<&'a Transaction>,
    pub target_reversed_by: Option<&'a IdempotencyKey>,
}

/// THE rules of appending to the ledger, for the in-memory [`Ledger`] and the
/// store alike: a key is used once (the same transaction again changes
/// nothing, another one under the key is a conflict); a reversal names a
/// transaction that is recorded and not reversed yet, and mirrors its
/// postings exactly.
pub fn judge(tx: &Transaction, prior: &Prior<'_>) -> Result<Appended, DomainError> {
    if let Some(existing) = prior.same_key {
        return if existing == tx {
            Ok(Appended::AlreadyRecorded)
        } else {
            Err(DomainError::LedgerKeyConflict {
                key: tx.idempotency_key.as_str().to_owned(),
            })
        };
    }
    if let Some(target) = &tx.reverses {
        let invalid = |reason: String| DomainError::LedgerReversalInvalid {
            key: target.as_str().to_owned(),
            reason,
        };
        let reversed = prior
            .target
            .ok_or_else(|| invalid("it is not recorded".into()))?;
        if let Some(by) = prior.target_reversed_by {
            return Err(invalid(format!(
                "it is already reversed by {:?}",
                by.as_str()
            )));
        }
        let mirrored: Vec<Posting> = reversed.postings.iter().map(Posting::mirrored).collect();
        if mirrored != tx.postings {
            return Err(invalid(
                "the reversal's postings are not its postings on the other side".into(),
            ));
        }
    }
    Ok(Appended::Recorded)
}

/// The rules of the ledger over a sequence of transactions, in memory: a key
/// is used once (the same transaction again is a no-op, a different one an
/// error); a reversal names a recorded transaction, mirrors it exactly, and
/// each transaction is reversed at most once. Balances are kept per account.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    transactions: Vec<Transaction>,
    by_key: HashMap<IdempotencyKey, usize>,
    reversed_by: HashMap<IdempotencyKey, IdempotencyKey>,
    balances: BTreeMap<Account, i64>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    pub fn append(&mut self, tx: Transaction) -> Result<Appended, DomainError> {
        let prior = Prior {
            same_key: self.get(&tx.idempotency_key),
            target: tx.reverses.as_ref().and_then(|k| self.get(k)),
            target_reversed_by: tx.reverses.as_ref().and_then(|k| self.reversed_by.get(k)),
        };
        if judge(&tx, &prior)? == Appended::AlreadyRecorded {
            return Ok(Appended::AlreadyRecorded);
        }
        let mut next = self.balances.clone();
        for p in &tx.postings {
            let b = next.entry(p.account).or_insert(0);
            *b = b
                .checked_add(p.signed_fen())
                .ok_or_else(|| DomainError::LedgerUnbalanced {
                    reason: format!("the balance of {} would overflow i64 fen", p.account),
                })?;
        }
        self.balances = next;
        if let Some(target) = &tx.reverses {
            self.reversed_by
                .insert(target.clone(), tx.idempotency_key.clone());
        }
        self.by_key
            .insert(tx.idempotency_key.clone(), self.transactions.len());
        self.transactions.push(tx);
        Ok(Appended::Recorded)
    }

    pub fn transactions(&self) -> &[Transaction] {
        &self.transactions
    }

    pub fn get(&self, key: &IdempotencyKey) -> Option<&Transaction> {
        self.by_key.get(key).map(|&i| &self.transactions[i])
    }

    /// The key of the reversal of `key`, if it has been reversed.
    pub fn reversed_by(&self, key: &IdempotencyKey) -> Option<&IdempotencyKey> {
        self.reversed_by.get(key)
    }

    /// The balance of an account, debit positive (an income account's normal
    /// balance is therefore negative here; see [`Account::normal_side`]).
    pub fn balance_fen(&self, account: Account) -> i64 {
        self.balances.get(&account).copied().unwrap_or(0)
    }

    /// The sum of all balances: zero in a balanced ledger, always.
    pub fn trial_balance_fen(&self) -> i128 {
        self.balances.values().map(|&b| i128::from(b)).sum()
    }
}
