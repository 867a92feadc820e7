//! `gongshang unlicensed`: the one-time compensation an unlicensed unit pays
//! a worker disabled by a work injury (Regulations Art 66(1); MOHRSS Order
//! No. 9 Art 5), with the dated parameters it used.

use std::path::PathBuf;

use gongshang_rules::Grade;
use gongshang_rules::unlicensed::unlicensed_unit_compensation;
use jiff::civil::Date;

use crate::{CliError, Lang, policy_files};

#[derive(clap::Args)]
pub struct UnlicensedArgs {
    /// The unit's region (GB/T 2260 code, e.g. 440100)
    #[arg(long)]
    pub region: String,
    /// The day the amount is fixed: the appraisal conclusion (Order 9 Art 4)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Date,
    /// The disability grade concluded, 1 (most severe) to 10
    #[arg(long)]
    pub grade: u8,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

pub fn run(args: &UnlicensedArgs) -> Result<(), CliError> {
    let policy = policy_files::load(args.policies.as_deref())?;
    let grade = Grade::new(args.grade)?;
    let c = unlicensed_unit_compensation(&policy, &args.region, args.on, grade)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(());
    }
    let avg = c.monthly_average.money();
    let times = c.multiple.whole();
    let zh = args.lang == Lang::Zh;
    let status = |c: &gongshang_rules::params::Citation| {
        use gongshang_rules::params::Status;
        match (c.status, zh) {
            (Status::Confirmed, true) => "已核实",
            (Status::Assumed, true) => "假定值",
            (Status::Illustrative, true) => "示例值",
            (Status::Confirmed, false) => "confirmed",
            (Status::Assumed, false) => "assumed",
            (Status::Illustrative, false) => "illustrative",
        }
    };
    if zh {
        println!(
            "非法用工单位一次性赔偿金（《工伤保险条例》第六十六条第一款；人社部令第9号第五条）"
        );
        println!(
            "地区 {}，确定日 {}，伤残等级 {} 级",
            c.region,
            c.fixed_on,
            grade.get()
        );
        println!(
            "赔偿基数（统筹地区上年度职工年平均工资）：{avg} × 12 = {}（{}，{}）",
            c.base,
            c.monthly_average.label_zh,
            status(&c.monthly_average.citation)
        );
        println!(
            "一次性赔偿金：{} × {times} = {}（{} {}，{}）",
            c.base,
            c.amount,
            c.multiple.citation.instrument,
            c.multiple.citation.article,
            status(&c.multiple.citation)
        );
        println!(
            "另：劳动能力鉴定前治疗期间的医疗费、生活费、护理费、住院伙食补助费和交通费，按《工伤保险条例》的标准和范围由单位支付，未计入。"
        );
    } else {
        println!(
            "One-time compensation by an unlicensed unit (Regulations Art 66(1); MOHRSS Order No. 9 Art 5)"
        );
        println!(
            "region {}, fixed on {}, disability grade {}",
            c.region,
            c.fixed_on,
            grade.get()
        );
        println!(
            "base (the pooling area's average annual wage of the previous year): {avg} × 12 = {} ({}, {})",
            c.base,
            c.monthly_average.label_en,
            status(&c.monthly_average.citation)
        );
        println!(
            "compensation: {} × {times} = {} ({} {}, {})",
            c.base,
            c.amount,
            c.multiple.citation.instrument,
            c.multiple.citation.article,
            status(&c.multiple.citation)
        );
        println!(
            "besides: the costs of treatment before the appraisal (medical, living, nursing, hospital food, travel) are paid by the unit at the Regulations' standards; not included"
        );
    }
    Ok(())
}
