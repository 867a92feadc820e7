//! Human-readable award sheets with their trace, in Chinese or English.

use std::fmt::Write;

use gongshang_rules::params::{ParamUse, Status};
use gongshang_rules::scheme_award::{Comparison, SchemeResult};
use gongshang_rules::{CaseResult, Item, Money, Periodicity, PolicySet, Relation, Trace};

use crate::Lang;

/// Display width in a terminal: CJK and full-width characters take two columns.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn pad_left(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

/// A parameter as a trace step used it. A regional value names its region
/// first: a Guangdong step shows the provincial average and the city's it
/// was compared with (Guangdong Regulations Art 64, last paragraph), which
/// share a label and, where the city's is the provincial value standing in,
/// a value and a citation too.
fn param_line(p: &ParamUse, policy: &PolicySet, lang: Lang) -> String {
    let c = &p.citation;
    let region = match &p.id.region {
        Some(code) => {
            let zh = lang == Lang::Zh;
            format!(
                "{}{}",
                region_label(policy, Some(code), zh),
                if zh { "：" } else { ": " }
            )
        }
        None => String::new(),
    };
    let flag = match (c.status, lang) {
        (Status::Confirmed, _) => String::new(),
        (Status::Assumed, Lang::Zh) => format!(" 【假设值：{}】", c.note.as_deref().unwrap_or("")),
        (Status::Assumed, Lang::En) => format!(" [ASSUMED: {}]", c.note.as_deref().unwrap_or("")),
        (Status::Illustrative, Lang::Zh) => {
            format!(" 【示例值：{}】", c.note.as_deref().unwrap_or(""))
        }
        (Status::Illustrative, Lang::En) => {
            format!(" [ILLUSTRATIVE: {}]", c.note.as_deref().unwrap_or(""))
        }
    };
    match lang {
        Lang::Zh => format!(
            "{region}{} = {}（{}；{} {}；来源 {}；可信度 {}）{flag}",
            p.label_zh,
            p.value,
            match (p.validity, p.until) {
                (gongshang_rules::params::Validity::From(d), Some(u)) => {
                    format!("{d}起施行，{u}起不再适用")
                }
                (gongshang_rules::params::Validity::From(d), None) => format!("{d}起施行"),
                (gongshang_rules::params::Validity::Year(y), _) => format!("{y}年度"),
            },
            c.instrument,
            c.article,
            c.source,
            c.confidence
        ),
        Lang::En => format!(
            "{region}{} = {} ({}; {} {}; source {}; confidence {}){flag}",
            p.label_en,
            p.value,
            match p.until {
                Some(u) => format!("{} until {u}", p.validity),
                None => p.validity.to_string(),
            },
            c.instrument,
            c.article,
            c.source,
            c.confidence
        ),
    }
}

/// The award sheet: itemised amounts, totals, survivors, and the trace.
pub fn award_sheet(result: &CaseResult, policy: &PolicySet, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let region = result
        .region
        .as_deref()
        .map(|code| match policy.region(code) {
            Some(r) if zh => format!("{}（{code}）", r.name_zh),
            Some(r) => format!("{} ({code})", r.name_en),
            None => code.to_owned(),
        });
    let case = result.case_id.as_deref().unwrap_or("-");
    if zh {
        let _ = writeln!(
            out,
            "工伤保险待遇核定表  案件 {case}  地区 {}  规则日期 {}",
            region.as_deref().unwrap_or("—"),
            result.rules_as_of
        );
    } else {
        let _ = writeln!(
            out,
            "Work-injury award  case {case}  region {}  rules as of {}",
            region.as_deref().unwrap_or("-"),
            result.rules_as_of
        );
    }
    out.push('\n');
    let header = if zh {
        ["项目", "金额（元）", "周期", "支付方", "依据"]
    } else {
        ["Item", "Amount (yuan)", "Paid", "Payer", "Article"]
    };
    let w = [30, 14, 8, 14];
    let _ = writeln!(
        out,
        "{}{}  {}{}{}",
        pad(header[0], w[0]),
        pad_left(header[1], w[1]),
        pad(header[2], w[2]),
        pad(header[3], w[3]),
        header[4]
    );
    let bw_label = if zh {
        Item::BenefitWage.label_zh()
    } else {
        Item::BenefitWage.label_en()
    };
    let _ = writeln!(
        out,
        "{}{}  {}{}{}",
        pad(bw_label, w[0]),
        pad_left(&result.amounts.benefit_wage.to_string(), w[1]),
        pad(if zh { "计发基数" } else { "basis" }, w[2]),
        pad("", w[3]),
        if zh {
            "《工伤保险条例》第六十四条"
        } else {
            "Regulations Art 64"
        }
    );
    let mut one_time = Money::ZERO;
    let mut monthly = Money::ZERO;
    for line in &result.lines {
        let (label, period, payer, article) = if zh {
            (
                line.item.label_zh(),
                if line.periodicity == Periodicity::Monthly {
                    "每月"
                } else {
                    "一次性"
                },
                line.payer.label_zh(),
                line.article.zh,
            )
        } else {
            (
                line.item.label_en(),
                if line.periodicity == Periodicity::Monthly {
                    "monthly"
                } else {
                    "once"
                },
                line.payer.label_en(),
                line.article.en,
            )
        };
        match line.periodicity {
            Periodicity::OneTime => one_time = one_time.checked_add(line.amount).expect("total"),
            Periodicity::Monthly => monthly = monthly.checked_add(line.amount).expect("total"),
        }
        let _ = writeln!(
            out,
            "{}{}  {}{}{}",
            pad(label, w[0]),
            pad_left(&line.amount.to_string(), w[1]),
            pad(period, w[2]),
            pad(payer, w[3]),
            article
        );
    }
    if result.lines.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "（无应发待遇项目）"
            } else {
                "(no benefit items are due)"
            }
        );
    }
    let _ = writeln!(out);
    if zh {
        let _ = writeln!(out, "合计：一次性 {one_time} 元；每月 {monthly} 元");
    } else {
        let _ = writeln!(out, "Total: {one_time} yuan once; {monthly} yuan a month");
    }
    if !result.survivors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "\n供养亲属抚恤金明细（每月）"
            } else {
                "\nSurvivors' pensions (monthly)"
            }
        );
        for (i, s) in result.survivors.iter().enumerate() {
            let who = match (s.relation, zh) {
                (Relation::Spouse, true) => "配偶",
                (Relation::Spouse, false) => "spouse",
                (Relation::Other, true) => "其他供养亲属",
                (Relation::Other, false) => "other dependant",
            };
            let extra = match (s.extra10, zh) {
                (true, true) => "（孤寡老人或孤儿，加发10%）",
                (true, false) => " (orphan or lone elderly, +10%)",
                _ => "",
            };
            if s.paid == s.computed {
                let _ = writeln!(out, "  {}. {who}{extra}: {}", i + 1, s.paid);
            } else if zh {
                let _ = writeln!(
                    out,
                    "  {}. {who}{extra}: {}（核定 {}，因总额封顶按比例分配）",
                    i + 1,
                    s.paid,
                    s.computed
                );
            } else {
                let _ = writeln!(
                    out,
                    "  {}. {who}{extra}: {} (computed {}, reduced pro rata to the cap)",
                    i + 1,
                    s.paid,
                    s.computed
                );
            }
        }
    }
    trace_section(&mut out, &result.trace, policy, lang);
    out
}

fn trace_section(out: &mut String, trace: &Trace, policy: &PolicySet, lang: Lang) {
    let zh = lang == Lang::Zh;
    let _ = writeln!(
        out,
        "{}",
        if zh {
            "\n计算过程"
        } else {
            "\nHow each amount was computed"
        }
    );
    for (i, step) in trace.steps.iter().enumerate() {
        let (label, article, explain) = if zh {
            (step.item.label_zh(), step.article.zh, &step.explain_zh)
        } else {
            (step.item.label_en(), step.article.en, &step.explain_en)
        };
        let _ = writeln!(out, "{:>2}. {label} — {article}", i + 1);
        let _ = writeln!(out, "    {explain}");
        let _ = writeln!(out, "    {}", step.formula);
        if !step.inputs.is_empty() {
            let inputs: Vec<String> = step
                .inputs
                .iter()
                .map(|q| format!("{}={}", q.name, q.value))
                .collect();
            let _ = writeln!(
                out,
                "    {}{}",
                if zh { "输入：" } else { "inputs: " },
                inputs.join(", ")
            );
        }
        for p in &step.params {
            let _ = writeln!(
                out,
                "    {}{}",
                if zh { "参数：" } else { "parameter: " },
                param_line(p, policy, lang)
            );
        }
    }
}

fn region_label(policy: &PolicySet, region: Option<&str>, zh: bool) -> String {
    match region {
        None => "—".into(),
        Some(code) => match policy.region(code) {
            Some(r) if zh => format!("{}（{code}）", r.name_zh),
            Some(r) => format!("{} ({code})", r.name_en),
            None => code.to_owned(),
        },
    }
}

/// The award under a scheme: eligibility, items with payers and citations,
/// the items the scheme does not pay, and the trace.
pub fn scheme_sheet(result: &SchemeResult, policy: &PolicySet, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let case = result.case_id.as_deref().unwrap_or("-");
    let region = region_label(policy, result.region.as_deref(), zh);
    if zh {
        let _ = writeln!(
            out,
            "{}（{}）  案件 {case}  地区 {region}",
            result.scheme_name_zh, result.scheme_id
        );
    } else {
        let _ = writeln!(
            out,
            "{} ({})  case {case}  region {region}",
            result.scheme_name_en, result.scheme_id
        );
    }
    if let Some(e) = &result.eligibility {
        let passed: Vec<String> = e
            .checks
            .iter()
            .map(|c| format!("{} ({})", c.rule, c.value))
            .collect();
        let _ = writeln!(
            out,
            "{}{}",
            if zh {
                "参保资格：符合 — "
            } else {
                "eligible — "
            },
            passed.join(", ")
        );
    }
    out.push('\n');
    let w = [30, 14, 8, 14];
    let header = if zh {
        ["项目", "金额（元）", "周期", "支付方", "依据"]
    } else {
        ["Item", "Amount (yuan)", "Paid", "Payer", "Authority"]
    };
    let _ = writeln!(
        out,
        "{}{}  {}{}{}",
        pad(header[0], w[0]),
        pad_left(header[1], w[1]),
        pad(header[2], w[2]),
        pad(header[3], w[3]),
        header[4]
    );
    if let Some(bw) = result.benefit_wage {
        let label = if zh {
            Item::BenefitWage.label_zh()
        } else {
            Item::BenefitWage.label_en()
        };
        let _ = writeln!(
            out,
            "{}{}  {}",
            pad(label, w[0]),
            pad_left(&bw.to_string(), w[1]),
            if zh { "计发基数" } else { "basis" }
        );
    }
    let mut one_time = Money::ZERO;
    let mut monthly = Money::ZERO;
    for line in &result.lines {
        let (label, period, payer) = if zh {
            (
                line.item.label_zh(),
                if line.periodicity == Periodicity::Monthly {
                    "每月"
                } else {
                    "一次性"
                },
                line.payer.label_zh(),
            )
        } else {
            (
                line.item.label_en(),
                if line.periodicity == Periodicity::Monthly {
                    "monthly"
                } else {
                    "once"
                },
                line.payer.label_en(),
            )
        };
        match line.periodicity {
            Periodicity::OneTime => one_time = one_time.checked_add(line.amount).expect("total"),
            Periodicity::Monthly => monthly = monthly.checked_add(line.amount).expect("total"),
        }
        let flag = match (line.citation.status, zh) {
            (Status::Confirmed, _) => "",
            (Status::Assumed, true) => "【假设】",
            (Status::Assumed, false) => " [assumed]",
            (Status::Illustrative, true) => "【示例】",
            (Status::Illustrative, false) => " [illustrative]",
        };
        let _ = writeln!(
            out,
            "{}{}  {}{}{} {}{flag}",
            pad(label, w[0]),
            pad_left(&line.amount.to_string(), w[1]),
            pad(period, w[2]),
            pad(payer, w[3]),
            line.citation.instrument,
            line.citation.article
        );
    }
    if result.lines.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "（无应发待遇项目）"
            } else {
                "(no benefit items are due)"
            }
        );
    }
    let _ = writeln!(out);
    if zh {
        let _ = writeln!(out, "合计：一次性 {one_time} 元；每月 {monthly} 元");
    } else {
        let _ = writeln!(out, "Total: {one_time} yuan once; {monthly} yuan a month");
    }
    if !result.excluded.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "\n本方案不支付的项目"
            } else {
                "\nNot paid under this scheme"
            }
        );
        for e in &result.excluded {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                if zh {
                    e.item.label_zh()
                } else {
                    e.item.label_en()
                },
                e.amount,
                if zh { &e.reason_zh } else { &e.reason_en }
            );
        }
    }
    trace_section(&mut out, &result.trace, policy, lang);
    out
}

/// Side by side: one column per scheme, one row per item, then the differences explained.
pub fn comparison(c: &Comparison, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        if zh {
            "各保障方案对比"
        } else {
            "The case under each scheme"
        }
    );
    for (i, s) in c.schemes.iter().enumerate() {
        let name = if zh {
            &s.scheme_name_zh
        } else {
            &s.scheme_name_en
        };
        match &s.result {
            Ok(_) => {
                let _ = writeln!(out, "  [{}] {} {name}", i + 1, s.scheme_id);
            }
            Err(refusal) => {
                let _ = writeln!(
                    out,
                    "  [{}] {} {name} — {}{}",
                    i + 1,
                    s.scheme_id,
                    if zh {
                        "不适用："
                    } else {
                        "does not apply: "
                    },
                    refusal.message
                );
            }
        }
    }
    out.push('\n');
    let col = 14;
    let label_width = Item::ALL
        .iter()
        .map(|i| display_width(if zh { i.label_zh() } else { i.label_en() }))
        .max()
        .unwrap_or(30)
        + 2;
    let mut header = pad(if zh { "项目" } else { "Item" }, label_width);
    for i in 0..c.schemes.len() {
        header.push_str(&pad_left(&format!("[{}]", i + 1), col));
    }
    let _ = writeln!(out, "{header}");
    for item in Item::ALL {
        let cells: Vec<Option<Money>> = c
            .schemes
            .iter()
            .map(|s| s.result.as_ref().ok().map(|r| r.amount(item)))
            .collect();
        if cells.iter().flatten().all(|m| *m == Money::ZERO) {
            continue;
        }
        let mut row = pad(
            if zh { item.label_zh() } else { item.label_en() },
            label_width,
        );
        for cell in cells {
            row.push_str(&pad_left(
                &cell.map_or("—".to_owned(), |m| m.to_string()),
                col,
            ));
        }
        let _ = writeln!(out, "{row}");
    }
    if !c.differences.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if zh {
                "\n差异说明"
            } else {
                "\nWhy they differ"
            }
        );
        for d in &c.differences {
            let _ = writeln!(
                out,
                "  {}",
                if zh {
                    d.item.label_zh()
                } else {
                    d.item.label_en()
                }
            );
            for line in if zh { &d.explain_zh } else { &d.explain_en } {
                let _ = writeln!(out, "    - {line}");
            }
        }
    }
    out
}
