//! Platform orders: each order priced by the rules engine at its date
//! (`billing::order_premium`), imported idempotently (the store keys orders by
//! platform and order id, and turns them into per-worker-per-day cover),
//! billed per platform and month, and reconciled against what the platform
//! declared.

use std::collections::HashMap;

use gongshang_domain::coverage::date_in_china;
use gongshang_domain::declaration;
use gongshang_domain::ids::{IdempotencyKey, OrderId, PlatformId, ReferenceId, ResidentId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_rules::billing;
use gongshang_rules::scheme::{OrderIndustry, PremiumPayer, Scheme};
use gongshang_rules::{Money, PolicySet};
use gongshang_store::{
    BillKind, NewBill, ORDER_SCHEME_ID, OrderReconciliation, OrderRecord, StoreError,
};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::{App, BillRecord, IssuedBill};

/// Platform ids in files are ASCII (`PlatformId`); the scheme's platform list
/// names platforms in Chinese. FIXME(policies): an `id` on each
/// `[[scheme.platform]]` would make this table data.
pub const PLATFORM_ALIASES: &[(&str, &str)] = &[
    ("caocao", "曹操出行"),
    ("meituan", "美团"),
    ("eleme", "饿了么"),
    ("dada", "达达"),
    ("shansong", "闪送"),
    ("huolala", "货拉拉"),
    ("kuaigou", "快狗打车"),
    ("didi", "滴滴出行"),
    ("sf_intra_city", "顺丰同城"),
    ("didi_freight", "滴滴货运"),
    ("manbang", "满帮省省"),
];

/// One order as a platform's file gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderInput {
    pub platform: PlatformId,
    pub order_id: OrderId,
    pub resident_id: ResidentId,
    pub ordered_at: Timestamp,
    pub industry: OrderIndustry,
    /// Two-digit GB/T 2260 province code.
    pub province: String,
}

/// Prices orders by the rules engine, remembering the price of each
/// (platform, industry, day): a file of millions of orders has few of those.
pub struct OrderPricer<'a> {
    policy: &'a PolicySet,
    scheme: &'a Scheme,
    platforms: HashMap<String, usize>,
    prices: HashMap<(usize, OrderIndustry, Date), Money>,
}

impl<'a> OrderPricer<'a> {
    /// The order as the store keeps it: its day in China and its premium.
    pub fn price(&mut self, order: OrderInput) -> Result<OrderRecord, AppError> {
        let day = date_in_china(order.ordered_at);
        let index = *self.platforms.get(order.platform.as_str()).ok_or_else(|| {
            AppError::invalid(
                "platform",
                format!(
                    "{} is not a platform of {}; expected one of {}",
                    order.platform.as_str(),
                    self.scheme.id,
                    PLATFORM_ALIASES
                        .iter()
                        .map(|(a, _)| *a)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        if order.province.len() != 2 || !order.province.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::invalid(
                "province",
                format!(
                    "{:?}; expected a two-digit GB/T 2260 province code",
                    order.province
                ),
            ));
        }
        let premium = match self.prices.get(&(index, order.industry, day)) {
            Some(p) => *p,
            None => {
                let platform = &self.scheme.platforms[index];
                if day < platform.from {
                    return Err(AppError::invalid(
                        "ordered_at",
                        format!(
                            "{day} is before {} joined the pilot on {}",
                            order.platform.as_str(),
                            platform.from
                        ),
                    ));
                }
                let p = billing::order_premium(
                    self.policy,
                    self.scheme,
                    order.industry,
                    platform.platform_class.as_deref(),
                    1,
                    day,
                )?
                .gross;
                self.prices.insert((index, order.industry, day), p);
                p
            }
        };
        Ok(OrderRecord {
            platform: order.platform,
            order_id: order.order_id,
            resident_id: order.resident_id,
            ordered_at: order.ordered_at,
            day,
            industry: order.industry,
            province: order.province,
            premium,
        })
    }
}

/// A platform's month: stored orders against what it declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub platform: String,
    pub month: String,
    pub orders: u64,
    pub workers: u64,
    pub premium: Money,
    /// Billed so far for the month.
    pub billed: Money,
    pub declared_orders: Option<u64>,
    pub declared_premium: Option<Money>,
    /// Stored minus declared.
    pub orders_difference: Option<i64>,
    pub premium_difference: Option<Money>,
    /// Every declared figure equals the stored one.
    pub matches: bool,
}

impl App {
    pub fn order_pricer(&self) -> Result<OrderPricer<'_>, AppError> {
        let scheme = self.policy.scheme(&ORDER_SCHEME_ID)?;
        let mut platforms = HashMap::new();
        for (alias, name) in PLATFORM_ALIASES {
            if let Some(i) = scheme.platforms.iter().position(|p| p.name == *name) {
                platforms.insert((*alias).to_owned(), i);
            }
        }
        Ok(OrderPricer {
            policy: &self.policy,
            scheme,
            platforms,
            prices: HashMap::new(),
        })
    }

    /// The order bills of a platform's month, in order (`O202507-meituan-1`, `-2`, ...).
    pub(crate) fn order_bills(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<BillRecord>, AppError> {
        let mut out = Vec::new();
        for n in 1.. {
            match self.find_bill(&declaration::order_bill_reference(platform, month, n))? {
                Some(r) => out.push(r),
                None => break,
            }
        }
        Ok(out)
    }

    /// Bills a platform's month: the premium of its stored orders not billed
    /// yet (a later file for the month gets a further bill; a re-run adds
    /// nothing). `None` when there is nothing to bill.
    pub fn bill_orders(
        &self,
        actor: &Actor,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Option<IssuedBill>, AppError> {
        actor.authorize(Action::BillOrders)?;
        let previous = self.order_bills(platform, month)?;
        let mut billed = Money::ZERO;
        for r in &previous {
            billed = billed
                .checked_add(self.store.bill_status(r.bill_id)?.amount)
                .expect("fen");
        }
        let stored = self.store.order_month_totals(platform, month)?;
        let (premium, trace) = self.floated_month(platform, month, stored.premium)?;
        let amount = premium.checked_sub(billed).expect("fen");
        if amount.fen() <= 0 {
            return Ok(None);
        }
        let reference_text = declaration::order_bill_reference(platform, month, previous.len() + 1);
        let shares = [(PremiumPayer::Platform, amount)];
        let tx = ledger::bill_issued(
            IdempotencyKey::parse(&format!("bill:{reference_text}"))?,
            ReferenceId::parse(&reference_text)?,
            &shares,
        )?;
        let due = self.due_date(month)?;
        let issued = self.store.issue_bill(
            &NewBill {
                reference: reference_text.clone(),
                // Issue 13: charged to the platform's unit, when it is known.
                unit: self.store.platform_unit(platform)?,
                person: None,
                scheme_id: ORDER_SCHEME_ID,
                kind: BillKind::Orders,
                period: month.to_string(),
                amount,
                fiscal_share: Money::ZERO,
                due_date: due.date,
                due_provisional: due.provisional,
                declarations: Vec::new(),
                ledger: tx,
            },
            &actor.audit_name(),
            self.now(),
        );
        let bill_id = match issued {
            // Another import of the month issued this bill since the bills
            // were read: what is left to bill is counted again after it.
            // The reference is the store's unique key, so two can never both
            // issue it, and each time round one more bill exists: this ends.
            Err(StoreError::Duplicate { entity: "bill", .. })
                if self.order_bills(platform, month)?.len() > previous.len() =>
            {
                return self.bill_orders(actor, platform, month);
            }
            other => other?,
        };
        Ok(Some(IssuedBill {
            bill_id,
            reference: reference_text,
            amount,
            fiscal_share: Money::ZERO,
            due_date: due.date,
            due_provisional: due.provisional,
            lines: Vec::new(),
            trace,
        }))
    }

    /// The premium of a platform's month after the yearly float (issue 12;
    /// 人社部发〔2025〕24号 Art 9, 人社厅函〔2025〕79号), with its trace:
    /// the month's orders at the benchmark (as priced when imported), each
    /// province's part multiplied by the factor of its float table for the
    /// band of the platform's prior-year payout ratio (from the ledger),
    /// never before 12 months of contributions. Where no province has a
    /// table in force on the month's first day the stored premium is the
    /// bill, with one step saying so (no orders are read again).
    ///
    /// FIXME(policies): the ratio is the platform's over every province, as
    /// its bills are per platform and month; a province that floats by the
    /// platform's ratio in that province alone needs bills per province.
    fn floated_month(
        &self,
        platform: &PlatformId,
        month: Month,
        stored: Money,
    ) -> Result<(Money, Vec<gongshang_rules::trace::Step>), AppError> {
        let on = month.first_day();
        let in_force = self.policy.regions().any(|r| {
            self.policy
                .regional(&r.code, "platform.float.payout_ratio_bounds", on)
                .is_ok()
        });
        if !in_force {
            let step = billing::float_month_premium(&self.policy, "", stored, None, 0, on)?;
            return Ok((stored, vec![step.step]));
        }
        let inputs = self.float_inputs(platform, month)?;
        let mut total = Money::ZERO;
        let mut steps = Vec::new();
        for (province, _orders, premium) in self.store.order_month_provinces(platform, month)? {
            let region = format!("{province}0000");
            let floated = billing::float_month_premium(
                &self.policy,
                &region,
                premium,
                inputs.prior_year_ratio,
                inputs.months_contributed,
                on,
            )?;
            total = total.checked_add(floated.amount).expect("fen");
            let mut step = floated.step;
            step.inputs.push(gongshang_rules::trace::q(
                "prior_year_benefits",
                inputs.prior_year_benefits,
            ));
            step.inputs.push(gongshang_rules::trace::q(
                "prior_year_collected",
                inputs.prior_year_collected,
            ));
            steps.push(step);
        }
        Ok((total, steps))
    }

    /// Issue 13: the unit a platform is registered as; its order bills are
    /// charged to that unit from then on.
    pub fn link_platform_unit(
        &self,
        actor: &Actor,
        platform: &PlatformId,
        unit: &gongshang_domain::ids::CreditCode,
    ) -> Result<(), AppError> {
        actor.authorize(Action::RegisterUnit)?;
        if !PLATFORM_ALIASES
            .iter()
            .any(|(a, _)| *a == platform.as_str())
        {
            return Err(AppError::invalid(
                "platform",
                format!("{} is not a platform of the pilot", platform.as_str()),
            ));
        }
        Ok(self
            .store
            .link_platform_unit(platform, unit, &actor.audit_name(), self.now())?)
    }

    /// A platform's month as stored (orders, workers, premium, billed),
    /// against what it declared, if it declared anything.
    pub fn reconcile(
        &self,
        actor: &Actor,
        platform: &PlatformId,
        month: Month,
        declared_orders: Option<u64>,
        declared_premium: Option<Money>,
    ) -> Result<Reconciliation, AppError> {
        actor.authorize(Action::Reconcile)?;
        actor.require_reach(
            actor.reaches_platform(platform),
            "platform",
            platform.as_str(),
        )?;
        let OrderReconciliation {
            orders,
            workers,
            premium,
        } = self.store.reconcile_orders(platform, month)?;
        let mut billed = Money::ZERO;
        for r in self.order_bills(platform, month)? {
            billed = billed
                .checked_add(self.store.bill_status(r.bill_id)?.amount)
                .expect("fen");
        }
        let orders_difference = declared_orders.map(|d| orders as i64 - d as i64);
        let premium_difference = declared_premium.map(|d| premium.checked_sub(d).expect("fen"));
        Ok(Reconciliation {
            platform: platform.as_str().to_owned(),
            month: month.to_string(),
            orders,
            workers,
            premium,
            billed,
            declared_orders,
            declared_premium,
            orders_difference,
            premium_difference,
            matches: orders_difference.is_none_or(|d| d == 0)
                && premium_difference.is_none_or(|d| d.fen() == 0),
        })
    }
}
