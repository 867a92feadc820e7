//! `gongshang unlicensed`: the one-time compensation an unlicensed unit pays
//! a worker disabled by a work injury (Regulations Art 66(1); MOHRSS Order
//! No. 9 Art 5) or the close relatives of one who died of it (Art 6), with
//! the dated parameters it used.

use std::path::PathBuf;

use gongshang_rules::Grade;
use gongshang_rules::unlicensed::{unlicensed_death_compensation, unlicensed_unit_compensation};
use jiff::civil::Date;

use crate::{CliError, Lang, policy_files};

#[derive(clap::Args)]
pub struct UnlicensedArgs {
    /// The unit's region (GB/T 2260 code, e.g. 440100); with --grade
    #[arg(long, required_unless_present = "died_on")]
    pub region: Option<String>,
    /// The day the amount is fixed: the appraisal conclusion (Order 9 Art 3); with --grade
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present = "died_on")]
    pub on: Option<Date>,
    /// The disability grade concluded, 1 (most severe) to 10
    #[arg(long, required_unless_present = "died_on", conflicts_with = "died_on")]
    pub grade: Option<u8>,
    /// The day of death instead of a grade (Order 9 Art 6)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub died_on: Option<Date>,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
}

pub fn run(args: &UnlicensedArgs) -> Result<(), CliError> {
    let policy = policy_files::load(args.policies.as_deref())?;
    if let Some(died_on) = args.died_on {
        return death(args, &policy, died_on);
    }
    let (Some(region), Some(on), Some(grade)) = (&args.region, args.on, args.grade) else {
        return Err(CliError(
            "--region, --on and --grade are needed for a disability; --died-on for a death".into(),
        ));
    };
    let grade = Grade::new(grade)?;
    let c = unlicensed_unit_compensation(&policy, region, on, grade)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(());
    }
    let avg = c.monthly_average.money();
    let times = c.multiple.whole();
    let zh = args.lang == Lang::Zh;
    let status = |c: &gongshang_rules::params::Citation| status_text(c, zh);
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

fn status_text(c: &gongshang_rules::params::Citation, zh: bool) -> &'static str {
    use gongshang_rules::params::Status;
    match (c.status, zh) {
        (Status::Confirmed, true) => "已核实",
        (Status::Assumed, true) => "假定值",
        (Status::Illustrative, true) => "示例值",
        (Status::Confirmed, false) => "confirmed",
        (Status::Assumed, false) => "assumed",
        (Status::Illustrative, false) => "illustrative",
    }
}

/// Order 9 Art 6: a death, 20 + 10 times the previous year's national income.
fn death(
    args: &UnlicensedArgs,
    policy: &gongshang_rules::PolicySet,
    died_on: Date,
) -> Result<(), CliError> {
    let c = unlicensed_death_compensation(policy, died_on)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
        return Ok(());
    }
    let zh = args.lang == Lang::Zh;
    let income = c.national_income.money();
    let year = died_on.year() - 1;
    let (n, m) = (c.compensation_multiple.whole(), c.other_multiple.whole());
    let mark = status_text(&c.national_income.citation, zh);
    if zh {
        println!(
            "非法用工单位伤亡人员死亡的一次性赔偿（《工伤保险条例》第六十六条第一款；人社部令第9号第六条）"
        );
        println!("死亡日 {died_on}；{year}年全国城镇居民人均可支配收入 {income}（{mark}）");
        println!("一次性赔偿金：{income} × {n} = {}", c.compensation);
        println!("丧葬补助等其他赔偿金：{income} × {m} = {}", c.other);
        println!("合计：{}（由单位向死亡职工或童工的近亲属支付）", c.total);
    } else {
        println!(
            "Compensation for a death by an unlicensed unit (Regulations Art 66(1); MOHRSS Order No. 9 Art 6)"
        );
        println!(
            "died on {died_on}; national urban per-capita disposable income of {year}: {income} ({mark})"
        );
        println!("one-time compensation: {income} × {n} = {}", c.compensation);
        println!(
            "funeral subsidy and other compensation: {income} × {m} = {}",
            c.other
        );
        println!(
            "total: {} (paid by the unit to the close relatives)",
            c.total
        );
    }
    Ok(())
}
