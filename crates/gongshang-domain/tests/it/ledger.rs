//! The ledger: balanced transactions only, corrections as reversals, each key
//! once; properties over random sequences (fixed, printed seed).

use gongshang_domain::ids::{IdempotencyKey, ReferenceId};
use gongshang_domain::ledger::{
    Account, Appended, Ledger, Posting, ReasonCode, Side, SubjectKind, SubjectRef, Transaction,
    benefit_award_approved, benefit_paid, bill_issued, payment_received,
};
use gongshang_rules::Money;
use gongshang_rules::billing::daily_premium;
use gongshang_rules::scheme::PremiumPayer;
use jiff::civil::date;
use proptest::prelude::*;

use crate::{policy, proptest_config, seed};

fn key(s: &str) -> IdempotencyKey {
    IdempotencyKey::parse(s).unwrap()
}

fn id(s: &str) -> ReferenceId {
    ReferenceId::parse(s).unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

#[test]
fn a_transaction_must_balance_and_have_positive_postings() {
    let d = |a, m| Posting::debit(a, m).unwrap();
    let c = |a, m| Posting::credit(a, m).unwrap();
    let cases: Vec<(Vec<Posting>, Option<&str>)> = vec![
        (
            vec![
                d(Account::Bank, yuan(10)),
                c(Account::PremiumReceivable, yuan(10)),
            ],
            None,
        ),
        (
            vec![
                d(Account::PremiumReceivable, yuan(7)),
                d(Account::SubsidyReceivable, yuan(3)),
                c(Account::PremiumIncome, yuan(7)),
                c(Account::SubsidyIncome, yuan(3)),
            ],
            None,
        ),
        (
            vec![
                d(Account::Bank, yuan(10)),
                c(Account::PremiumReceivable, yuan(9)),
            ],
            Some("debits 10.00 yuan and credits 9.00 yuan differ"),
        ),
        (
            vec![d(Account::Bank, yuan(10))],
            Some("at least one debit and one credit"),
        ),
        (vec![], Some("it has 0 posting(s)")),
    ];
    for (postings, error) in cases {
        let result = Transaction::new(key("k1"), ReasonCode::BillIssued, postings, vec![]);
        match (result, error) {
            (Ok(tx), None) => assert_eq!(tx.reverses(), None),
            (Err(e), Some(reason)) => {
                assert_eq!(e.code(), "ledger_unbalanced");
                assert!(e.to_string().contains(reason), "{e}");
            }
            (r, e) => panic!("{r:?} but expected {e:?}"),
        }
    }
    for amount in [Money::ZERO, Money::from_fen(-1)] {
        let e = Posting::debit(Account::Bank, amount).unwrap_err();
        assert!(e.to_string().contains("must be more than 0.00"), "{e}");
    }
    // A correction reason belongs to a reversal only.
    let e = Transaction::new(
        key("k1"),
        ReasonCode::EntryCorrected,
        vec![
            Posting::debit(Account::Bank, yuan(1)).unwrap(),
            Posting::credit(Account::PremiumReceivable, yuan(1)).unwrap(),
        ],
        vec![],
    )
    .unwrap_err();
    assert_eq!(e.code(), "input_conflict");
}

#[test]
fn builders_post_to_the_documented_accounts() {
    let bill = bill_issued(
        key("bill:1"),
        id("B1"),
        &[
            (PremiumPayer::Worker, yuan(3)),
            (PremiumPayer::Fiscal, yuan(12)),
        ],
    )
    .unwrap();
    let lines: Vec<(Account, Side, i64)> = bill
        .postings()
        .iter()
        .map(|p| (p.account(), p.side(), p.amount().fen()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (Account::PremiumReceivable, Side::Debit, 300),
            (Account::PremiumIncome, Side::Credit, 300),
            (Account::SubsidyReceivable, Side::Debit, 1200),
            (Account::SubsidyIncome, Side::Credit, 1200),
        ]
    );
    assert_eq!(bill.amount(), yuan(15));
    assert_eq!(
        bill.subjects(),
        &[SubjectRef::new(SubjectKind::Bill, id("B1"))]
    );

    let mut ledger = Ledger::new();
    for tx in [
        bill,
        payment_received(
            key("pay:1"),
            id("P1"),
            id("B1"),
            PremiumPayer::Worker,
            yuan(3),
        )
        .unwrap(),
        payment_received(
            key("pay:2"),
            id("P2"),
            id("B1"),
            PremiumPayer::Fiscal,
            yuan(12),
        )
        .unwrap(),
        benefit_award_approved(key("award:1"), id("A1"), yuan(500)).unwrap(),
        benefit_paid(key("paid:1"), id("P3"), id("A1"), yuan(200)).unwrap(),
    ] {
        assert_eq!(ledger.append(tx).unwrap(), Appended::Recorded);
    }
    let b = |a| ledger.balance_fen(a);
    assert_eq!(b(Account::PremiumReceivable), 0);
    assert_eq!(b(Account::SubsidyReceivable), 0);
    assert_eq!(b(Account::PremiumIncome), -300);
    assert_eq!(b(Account::SubsidyIncome), -1200);
    assert_eq!(b(Account::BenefitsExpense), 50_000);
    assert_eq!(b(Account::BenefitsPayable), -30_000);
    assert_eq!(b(Account::Bank), 1500 - 20_000);
    assert_eq!(ledger.trial_balance_fen(), 0);

    let e = bill_issued(
        key("bill:0"),
        id("B0"),
        &[(PremiumPayer::Unit, Money::ZERO)],
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("a zero bill has nothing to post"),
        "{e}"
    );
    let e = bill_issued(
        key("bill:0"),
        id("B0"),
        &[(PremiumPayer::Unit, Money::from_fen(-5))],
    )
    .unwrap_err();
    assert_eq!(e.code(), "input_out_of_range");
}

/// The rules engine's premium for cover bought by the day (益鹭保) goes into the
/// ledger as it is: the buyer's share and the fiscal share.
#[test]
fn a_daily_premium_from_the_rules_engine_posts_its_shares() {
    let scheme = policy().scheme("xiamen.yilubao").unwrap();
    let premium = daily_premium(policy(), scheme, 30, date(2025, 3, 1)).unwrap();
    let tx = bill_issued(key("bill:yl"), id("B-YL"), &premium.shares).unwrap();
    assert_eq!(tx.amount(), premium.gross);
    let fiscal: i64 = premium
        .shares
        .iter()
        .filter(|(p, _)| *p == PremiumPayer::Fiscal)
        .map(|(_, m)| m.fen())
        .sum();
    let subsidy: i64 = tx
        .postings()
        .iter()
        .filter(|p| p.account() == Account::SubsidyReceivable)
        .map(|p| p.amount().fen())
        .sum();
    assert_eq!(subsidy, fiscal);
}

#[test]
fn keys_are_used_once_and_reversals_follow_the_rules() {
    let mut ledger = Ledger::new();
    let tx = benefit_award_approved(key("award:9"), id("A9"), yuan(100)).unwrap();
    assert_eq!(ledger.append(tx.clone()).unwrap(), Appended::Recorded);
    // A retry of the same transaction changes nothing.
    assert_eq!(
        ledger.append(tx.clone()).unwrap(),
        Appended::AlreadyRecorded
    );
    assert_eq!(ledger.transactions().len(), 1);
    // Another transaction under the same key is refused.
    let other = benefit_award_approved(key("award:9"), id("A9"), yuan(101)).unwrap();
    let e = ledger.append(other).unwrap_err();
    assert_eq!(
        (e.code(), e.field()),
        ("ledger_key_conflict", Some("idempotency_key"))
    );

    // A reversal needs a correction reason and its own key.
    assert_eq!(
        tx.reversal(key("rev:9"), ReasonCode::BenefitPaid)
            .unwrap_err()
            .code(),
        "input_conflict"
    );
    assert_eq!(
        tx.reversal(key("award:9"), ReasonCode::AwardRevised)
            .unwrap_err()
            .code(),
        "input_conflict"
    );
    let rev = tx.reversal(key("rev:9"), ReasonCode::AwardRevised).unwrap();
    assert_eq!(rev.reverses(), Some(&key("award:9")));
    assert_eq!(rev.subjects(), tx.subjects());
    ledger.append(rev).unwrap();
    assert_eq!(ledger.reversed_by(&key("award:9")), Some(&key("rev:9")));
    assert_eq!(ledger.balance_fen(Account::BenefitsExpense), 0);
    // Once only.
    let again = tx
        .reversal(key("rev:9b"), ReasonCode::AwardRevised)
        .unwrap();
    let e = ledger.append(again).unwrap_err();
    assert_eq!(e.code(), "ledger_reversal_invalid");
    assert!(
        e.to_string().contains("already reversed by \"rev:9\""),
        "{e}"
    );
    // Of something recorded.
    let stray = benefit_award_approved(key("award:x"), id("AX"), yuan(1)).unwrap();
    let e = ledger
        .append(
            stray
                .reversal(key("rev:x"), ReasonCode::EntryCorrected)
                .unwrap(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("it is not recorded"), "{e}");
}

#[test]
fn a_stored_transaction_is_read_back_through_the_same_checks() {
    let tx = payment_received(
        key("pay:7"),
        id("P7"),
        id("B7"),
        PremiumPayer::Unit,
        yuan(42),
    )
    .unwrap();
    let json = serde_json::to_string(&tx).unwrap();
    let back: Transaction = serde_json::from_str(&json).unwrap();
    assert_eq!(back, tx);
    // Tampered: unbalanced, a zero posting, a reversal with an ordinary reason.
    let unbalanced = json.replacen("\"42.00\"", "\"41.00\"", 1);
    assert!(
        serde_json::from_str::<Transaction>(&unbalanced)
            .unwrap_err()
            .to_string()
            .contains("differ")
    );
    let zero = json.replace("\"42.00\"", "\"0.00\"");
    assert!(serde_json::from_str::<Transaction>(&zero).is_err());
    let forged = json.replace("\"reverses\":null", "\"reverses\":\"pay:6\"");
    assert!(
        serde_json::from_str::<Transaction>(&forged)
            .unwrap_err()
            .to_string()
            .contains("correction reason")
    );
    // A reversal whose postings do not mirror the original is refused by the ledger.
    let mut ledger = Ledger::new();
    ledger.append(tx.clone()).unwrap();
    let other = payment_received(
        key("pay:8"),
        id("P8"),
        id("B7"),
        PremiumPayer::Unit,
        yuan(40),
    )
    .unwrap();
    let wrong = other
        .reversal(key("rev:7"), ReasonCode::PaymentReturned)
        .unwrap();
    let wrong_json = serde_json::to_string(&wrong)
        .unwrap()
        .replace("pay:8", "pay:7");
    let wrong: Transaction = serde_json::from_str(&wrong_json).unwrap();
    let e = ledger.append(wrong).unwrap_err();
    assert!(
        e.to_string().contains("not its postings on the other side"),
        "{e}"
    );
}

// ---- properties -------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Bill {
        buyer_fen: i64,
        fiscal_fen: i64,
    },
    Payment {
        fen: i64,
        fiscal: bool,
    },
    Award {
        fen: i64,
    },
    Paid {
        fen: i64,
    },
    /// Reverse the transaction at this index (modulo the count), if it can be.
    Reverse(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let fen = 1i64..10_000_000;
    prop_oneof![
        (0i64..10_000_000, 0i64..10_000_000)
            .prop_filter("a bill of something", |(a, b)| a + b > 0)
            .prop_map(|(buyer_fen, fiscal_fen)| Op::Bill {
                buyer_fen,
                fiscal_fen
            }),
        (fen.clone(), any::<bool>()).prop_map(|(fen, fiscal)| Op::Payment { fen, fiscal }),
        fen.clone().prop_map(|fen| Op::Award { fen }),
        fen.prop_map(|fen| Op::Paid { fen }),
        any::<usize>().prop_map(Op::Reverse),
    ]
}

/// Applies `ops` to a fresh ledger; a reversal of something already reversed
/// is refused by the ledger and skipped here.
fn run(ops: &[Op]) -> Ledger {
    let mut ledger = Ledger::new();
    for (n, op) in ops.iter().enumerate() {
        let k = key(&format!("k{n}"));
        let r = id(&format!("r{n}"));
        let tx = match op {
            Op::Bill {
                buyer_fen,
                fiscal_fen,
            } => bill_issued(
                k,
                r,
                &[
                    (PremiumPayer::Unit, Money::from_fen(*buyer_fen)),
                    (PremiumPayer::Fiscal, Money::from_fen(*fiscal_fen)),
                ],
            ),
            Op::Payment { fen, fiscal } => {
                let payer = if *fiscal {
                    PremiumPayer::Fiscal
                } else {
                    PremiumPayer::Unit
                };
                payment_received(k, r.clone(), r, payer, Money::from_fen(*fen))
            }
            Op::Award { fen } => benefit_award_approved(k, r, Money::from_fen(*fen)),
            Op::Paid { fen } => benefit_paid(k, r.clone(), r, Money::from_fen(*fen)),
            Op::Reverse(i) => {
                if ledger.transactions().is_empty() {
                    continue;
                }
                let target = &ledger.transactions()[i % ledger.transactions().len()];
                if ledger.reversed_by(target.idempotency_key()).is_some() {
                    continue;
                }
                target.reversal(k, ReasonCode::EntryCorrected)
            }
        }
        .expect("a valid transaction");
        ledger.append(tx).expect("accepted");
    }
    ledger
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn any_sequence_keeps_the_trial_balance_at_zero(ops in proptest::collection::vec(op(), 0..60)) {
        let ledger = run(&ops);
        prop_assert_eq!(ledger.trial_balance_fen(), 0, "seed {}", seed());
        // The balances are exactly the sum of the postings.
        for account in Account::ALL {
            let sum: i64 = ledger
                .transactions()
                .iter()
                .flat_map(|t| t.postings())
                .filter(|p| p.account() == account)
                .map(|p| p.signed_fen())
                .sum();
            prop_assert_eq!(ledger.balance_fen(account), sum, "seed {}: {}", seed(), account);
        }
        for tx in ledger.transactions() {
            let net: i64 = tx.postings().iter().map(|p| p.signed_fen()).sum();
            prop_assert_eq!(net, 0, "seed {}", seed());
            prop_assert!(tx.postings().iter().all(|p| p.amount().fen() > 0), "seed {}", seed());
        }
    }

    #[test]
    fn a_reversal_of_a_reversal_restores_the_balances(
        ops in proptest::collection::vec(op(), 1..40),
        pick in any::<usize>(),
    ) {
        let mut ledger = run(&ops);
        let candidates: Vec<Transaction> = ledger
            .transactions()
            .iter()
            .filter(|t| ledger.reversed_by(t.idempotency_key()).is_none())
            .cloned()
            .collect();
        prop_assume!(!candidates.is_empty());
        let target = &candidates[pick % candidates.len()];
        let before: Vec<i64> = Account::ALL.iter().map(|a| ledger.balance_fen(*a)).collect();
        let reversal = target.reversal(key("undo"), ReasonCode::EntryCorrected).unwrap();
        ledger.append(reversal.clone()).unwrap();
        let undone: Vec<i64> = Account::ALL.iter().map(|a| ledger.balance_fen(*a)).collect();
        // The reversal took exactly the target's effect away.
        let effect: Vec<i64> = Account::ALL
            .iter()
            .map(|a| target.postings().iter().filter(|p| p.account() == *a).map(|p| p.signed_fen()).sum())
            .collect();
        for i in 0..Account::ALL.len() {
            prop_assert_eq!(undone[i], before[i] - effect[i], "seed {}", seed());
        }
        let redo = reversal.reversal(key("redo"), ReasonCode::EntryCorrected).unwrap();
        ledger.append(redo).unwrap();
        let after: Vec<i64> = Account::ALL.iter().map(|a| ledger.balance_fen(*a)).collect();
        prop_assert_eq!(after, before, "seed {}", seed());
        prop_assert_eq!(ledger.trial_balance_fen(), 0, "seed {}", seed());
    }
}
