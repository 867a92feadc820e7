//! `gongshang coverage`, `gongshang bill` and `gongshang reconcile`: thin
//! views over the services.

use gongshang_app::{At, CoverageAnswer};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::month::Month;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

use crate::{CliError, Lang};

#[derive(clap::Args)]
pub struct CoverageArgs {
    /// The resident identity number
    pub resident_id: String,
    /// An instant (2025-03-11T09:30:00+08:00), a time in China (2025-03-11T09:30) or a day (2025-03-11)
    #[arg(long, value_name = "TIME")]
    pub at: String,
    /// Only cover by this unit (unified social credit code)
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
}

/// Parses `--at`: an instant with an offset, a civil time in China, or a day.
pub fn parse_at(text: &str) -> Result<At, CliError> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(At::Instant(t));
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        let t = jiff::tz::Offset::constant(8)
            .to_timestamp(dt)
            .map_err(|e| CliError(format!("--at {text}: {e}")))?;
        return Ok(At::Instant(t));
    }
    text.parse::<Date>().map(At::Day).map_err(|_| {
        CliError(format!(
            "--at {text:?} is not a time; expected 2025-03-11T09:30:00+08:00, 2025-03-11T09:30 (China time) or 2025-03-11"
        ))
    })
}

pub fn coverage(args: &CoverageArgs) -> Result<(), CliError> {
    let person = ResidentId::parse(args.resident_id.trim())?;
    let unit = args
        .unit
        .as_deref()
        .map(|u| CreditCode::parse(u.trim()))
        .transpose()?;
    let at = parse_at(&args.at)?;
    let app = crate::db::open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let answer = app.coverage(&actor, &person, at, unit.as_ref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        print!("{}", render_coverage(&answer, args.lang));
    }
    Ok(())
}

pub fn render_coverage(a: &CoverageAnswer, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let yes_no = match (a.covered, zh) {
        (true, true) => "是",
        (false, true) => "否",
        (true, false) => "yes",
        (false, false) => "no",
    };
    let reason = if zh {
        a.reason.text_zh()
    } else {
        a.reason.text_en()
    };
    if zh {
        out.push_str(&format!(
            "{} 于 {} 是否在保：{yes_no}（{reason}）\n",
            a.person, a.day
        ));
    } else {
        out.push_str(&format!(
            "{} covered on {}: {yes_no} ({reason})\n",
            a.person, a.day
        ));
    }
    let open = |d: Date| {
        if d == Date::MAX {
            if zh {
                "参保期间".to_owned()
            } else {
                "open".to_owned()
            }
        } else {
            d.to_string()
        }
    };
    for c in &a.covers {
        let unit = c.unit.as_deref().unwrap_or("-");
        let proof = match (c.payment_id, &c.platform) {
            (Some(id), _) => {
                if zh {
                    format!("缴费 #{id}")
                } else {
                    format!("payment #{id}")
                }
            }
            (None, Some(p)) => {
                if zh {
                    format!("平台 {p} 当日接单")
                } else {
                    format!("orders on {p} that day")
                }
            }
            (None, None) => {
                if zh {
                    "参保即保障".to_owned()
                } else {
                    "the enrolment itself".to_owned()
                }
            }
        };
        let enrollment = c
            .enrollment
            .as_ref()
            .map_or("-".to_owned(), |e| format!("#{} {}", e.id, e.start));
        if zh {
            out.push_str(&format!(
                "  方案 {}  单位 {unit}  参保 {enrollment}  依据 {proof}  保障期 {} 至 {}\n",
                c.scheme_id,
                c.start,
                open(c.end)
            ));
        } else {
            out.push_str(&format!(
                "  scheme {}  unit {unit}  enrollment {enrollment}  by {proof}  cover {} to {}\n",
                c.scheme_id,
                c.start,
                open(c.end)
            ));
        }
    }
    if !a.covered {
        for e in &a.enrollments {
            out.push_str(&format!(
                "  {} #{} {} {} {}..{}\n",
                if zh { "参保" } else { "enrollment" },
                e.id,
                e.scheme_id,
                e.unit.as_deref().unwrap_or("-"),
                e.start,
                e.last_day.map_or(String::new(), |d| d.to_string())
            ));
        }
    }
    out
}

#[derive(clap::Args)]
pub struct BillArgs {
    /// The month, YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Only this unit's bills
    #[arg(long, value_name = "CODE")]
    pub unit: Option<String>,
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn bill(args: &BillArgs) -> Result<(), CliError> {
    let month = Month::parse(args.month.trim())?;
    let unit = args
        .unit
        .as_deref()
        .map(|u| CreditCode::parse(u.trim()))
        .transpose()?;
    let app = crate::db::open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let bills = app.bills_of_month(&actor, month, unit.as_ref())?;
    if args.json {
        let rows: Vec<serde_json::Value> = bills
            .iter()
            .map(|b| {
                serde_json::json!({
                    "bill_id": b.status.bill_id, "reference": b.status.reference,
                    "kind": b.kind, "scheme_id": b.scheme_id,
                    "unit": b.status.unit.map(|u| u.as_str().to_owned()),
                    "period": b.status.period, "due_date": b.status.due_date.to_string(),
                    "due_date_provisional": b.status.due_provisional,
                    "amount": b.status.amount.to_string(), "paid": b.status.paid.to_string(),
                    "outstanding": b.status.outstanding.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!("reference,scheme_id,due_date,due_date_provisional,amount,paid,outstanding");
    let (mut total, mut paid, mut outstanding) = (0i64, 0i64, 0i64);
    for b in &bills {
        let s = &b.status;
        println!(
            "{},{},{},{},{},{},{}",
            s.reference,
            b.scheme_id,
            s.due_date,
            s.due_provisional,
            s.amount,
            s.paid,
            s.outstanding
        );
        total += s.amount.fen();
        paid += s.paid.fen();
        outstanding += s.outstanding.fen();
    }
    eprintln!(
        "{} bills for {month}: {} yuan billed, {} paid, {} outstanding",
        bills.len(),
        gongshang_rules::Money::from_fen(total),
        gongshang_rules::Money::from_fen(paid),
        gongshang_rules::Money::from_fen(outstanding)
    );
    Ok(())
}

#[derive(clap::Args)]
pub struct ReconcileArgs {
    /// The platform id (meituan, eleme, didi, ...)
    #[arg(long)]
    pub platform: String,
    /// The month, YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// The number of orders the platform declared for the month
    #[arg(long, value_name = "N")]
    pub declared_orders: Option<u64>,
    /// The premium the platform declared, in yuan (e.g. 12345.67)
    #[arg(long, value_name = "YUAN")]
    pub declared_premium: Option<String>,
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
}

/// A platform's month as stored (orders, workers, premium, billed), against
/// what it declared. Exits with an error when a declared figure differs, so
/// that a script notices.
pub fn reconcile(args: &ReconcileArgs) -> Result<(), CliError> {
    let platform = gongshang_domain::ids::PlatformId::parse(args.platform.trim())?;
    let month = Month::parse(args.month.trim())?;
    let declared_premium = args
        .declared_premium
        .as_deref()
        .map(|y| {
            y.trim().parse::<gongshang_rules::Money>().map_err(|e| {
                CliError(format!(
                    "--declared-premium {y:?}: {e}; expected yuan with at most two decimals"
                ))
            })
        })
        .transpose()?;
    let app = crate::db::open_app(args.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, None)?;
    let r = app.reconcile(
        &actor,
        &platform,
        month,
        args.declared_orders,
        declared_premium,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        let zh = args.lang == Lang::Zh;
        let declared = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
        let rows = [
            (
                if zh { "订单数" } else { "orders" },
                r.orders.to_string(),
                declared(r.declared_orders.map(|d| d.to_string())),
                declared(r.orders_difference.map(|d| d.to_string())),
            ),
            (
                if zh {
                    "保费（元）"
                } else {
                    "premium (yuan)"
                },
                r.premium.to_string(),
                declared(r.declared_premium.map(|d| d.to_string())),
                declared(r.premium_difference.map(|d| d.to_string())),
            ),
        ];
        println!(
            "{} {}: {} {}, {} {} {}",
            r.platform,
            r.month,
            if zh { "从业人员" } else { "workers" },
            r.workers,
            if zh { "已出账单" } else { "billed" },
            r.billed,
            if zh { "元" } else { "yuan" }
        );
        let (stored, decl, diff) = if zh {
            ("系统记录", "平台申报", "差额")
        } else {
            ("stored", "declared", "difference")
        };
        println!("{:<16}{stored:>14}{decl:>14}{diff:>14}", "");
        for (name, s, d, x) in rows {
            println!("{name:<16}{s:>14}{d:>14}{x:>14}");
        }
        println!(
            "{}",
            match (r.matches, zh) {
                (true, true) => "一致",
                (true, false) => "matches",
                (false, true) => "不一致",
                (false, false) => "does not match",
            }
        );
    }
    if r.matches {
        Ok(())
    } else {
        Err(CliError(format!(
            "{} {}: the declared figures differ from the stored orders",
            r.platform, r.month
        )))
    }
}
