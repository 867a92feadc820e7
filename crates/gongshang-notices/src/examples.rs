//! Realistic example notices: the CLI prints them (`notice example KIND`) and
//! the golden tests render them. People, units and numbers are invented.

use gongshang_domain::determination::{
    ApplicantRole, Exclusion, Finding, Ground, InadmissibleReason, MaterialKind,
    NotRecognisedReason, Remedies, SchemeKind,
};
use gongshang_rules::benefits::Payer;
use gongshang_rules::{Item, Money};
use jiff::civil::{Date, date};

use crate::model::{
    ApplicantView, AppraisalView, AwardLineView, AwardNotice, DecisionNotice, InadmissibleNotice,
    MaterialsNotice, PaidEvery, PersonView, RemedyBodies, SchemeView, TraceStepView, UnitView,
};
use crate::{Notice, NoticeKind};

const AUTHORITY: &str = "广州市人力资源和社会保障局";

fn d(y: i16, m: i8, day: i8) -> Date {
    date(y, m, day)
}

fn yuan(text: &str) -> Money {
    Money::parse_yuan(text).expect("example amounts are valid")
}

fn employer() -> UnitView {
    UnitView {
        name: "广州市穗捷物流有限公司".into(),
        credit_code: Some("91440101MA5CX3R233".into()),
    }
}

fn bodies() -> RemedyBodies {
    RemedyBodies {
        review_body: Some("广州市人民政府".into()),
        court: Some("广州铁路运输法院".into()),
    }
}

/// An intern recognised under Art 14(1), insured under the Guangdong
/// specific-persons scheme (the decision names the school, Annex 2).
pub fn decision_recognised() -> DecisionNotice {
    DecisionNotice {
        case_number: "穗人社工认〔2025〕01234号".into(),
        authority: AUTHORITY.into(),
        issued_on: d(2025, 5, 6),
        applicant: ApplicantView {
            role: ApplicantRole::Unit,
            name: "广州市穗捷物流有限公司".into(),
        },
        worker: PersonView {
            name: "李晓雯".into(),
            id_number: Some("440106200503154326".into()),
        },
        unit: employer(),
        insured_unit: employer(),
        scheme: SchemeView {
            id: "guangdong.specific_persons".into(),
            name_zh: "广东省特定人员单项参加工伤保险".into(),
            kind: SchemeKind::SingleRisk,
            statement: Some(
                "从业单位按照本办法规定自愿选择为其从业人员单项参加工伤保险的，不作为确认双方存在劳动关系的依据。双方就是否存在劳动关系发生争议的，按照劳动争议处理的有关规定处理。（粤人社规〔2020〕55号第十三条第一款）".into(),
            ),
        },
        intern_school: Some("广州市交通运输职业学校".into()),
        accident_date: d(2025, 3, 3),
        accident_place: Some("广州市白云区太和镇穗捷物流分拣中心二号仓".into()),
        filed_on: d(2025, 3, 14),
        accepted_on: d(2025, 3, 18),
        facts: "2025年3月3日上午10时许，李晓雯在广州市穗捷物流有限公司分拣中心二号仓\
                按实习岗位安排操作分拣传送带时，右手被传送带滚轴卷入受伤，当日送广州医科大学\
                附属第二医院救治。"
            .into(),
        injury: "右手食指、中指近节指骨骨折".into(),
        finding: Finding::Recognised {
            ground: Ground::Art14WorkAccident,
        },
        remedies: Remedies::statutory(),
        remedy_bodies: bodies(),
    }
}

/// Not recognised: an Art 16(2) exclusion (drunkenness), applied for by the
/// worker; remedy bodies left to their generic names.
pub fn decision_not_recognised() -> DecisionNotice {
    DecisionNotice {
        case_number: "穗人社工认〔2025〕01301号".into(),
        authority: AUTHORITY.into(),
        issued_on: d(2025, 6, 20),
        applicant: ApplicantView {
            role: ApplicantRole::Worker,
            name: "王建国".into(),
        },
        worker: PersonView {
            name: "王建国".into(),
            id_number: Some("440111198807120035".into()),
        },
        unit: UnitView {
            name: "广州市天河区恒安建筑工程有限公司".into(),
            credit_code: Some("91440106MA9UQ7L13K".into()),
        },
        insured_unit: UnitView {
            name: "广州市天河区恒安建筑工程有限公司".into(),
            credit_code: Some("91440106MA9UQ7L13K".into()),
        },
        scheme: SchemeView {
            id: "guangdong.employees".into(),
            name_zh: "广东省工伤保险（职工）".into(),
            kind: SchemeKind::Regulations,
            statement: None,
        },
        intern_school: None,
        accident_date: d(2025, 4, 2),
        accident_place: Some("广州市天河区珠江新城某在建项目工地".into()),
        filed_on: d(2025, 4, 10),
        accepted_on: d(2025, 4, 14),
        facts: "2025年4月2日14时许，王建国在工地脚手架作业时坠落受伤。经广州市公安局天河区分局\
                出具的血液酒精含量检验报告，王建国血液中乙醇含量为126mg/100mL，已达到醉酒状态。"
            .into(),
        injury: "左侧胫腓骨骨折".into(),
        finding: Finding::NotRecognised {
            reason: NotRecognisedReason::Excluded {
                exclusion: Exclusion::DrunkennessOrDrugs,
            },
        },
        remedies: Remedies::statutory(),
        remedy_bodies: RemedyBodies::default(),
    }
}

/// A platform worker not covered at the moment of injury.
pub fn inadmissible() -> InadmissibleNotice {
    InadmissibleNotice {
        case_number: "穗人社工不受〔2025〕00087号".into(),
        authority: AUTHORITY.into(),
        issued_on: d(2025, 7, 9),
        applicant: ApplicantView {
            role: ApplicantRole::Worker,
            name: "陈志强".into(),
        },
        worker: PersonView {
            name: "陈志强".into(),
            id_number: Some("440981199502187716".into()),
        },
        unit: UnitView {
            name: "广州市速达即时配送服务有限公司".into(),
            credit_code: None,
        },
        scheme: Some(SchemeView {
            id: "national.platform_occupational_injury".into(),
            name_zh: "新就业形态人员职业伤害保障".into(),
            kind: SchemeKind::Platform,
            statement: None,
        }),
        accident_date: d(2025, 6, 21),
        filed_on: d(2025, 7, 1),
        reason: InadmissibleReason::NotCoveredAtInjury {
            scheme: "national.platform_occupational_injury".parse().unwrap(),
        },
        remedies: Remedies::statutory(),
        remedy_bodies: bodies(),
    }
}

/// A relative's application missing three materials (one of them listed twice
/// by the caller, printed once).
pub fn materials() -> MaterialsNotice {
    MaterialsNotice {
        case_number: "穗人社工补〔2025〕00412号".into(),
        authority: AUTHORITY.into(),
        issued_on: d(2025, 8, 12),
        applicant: ApplicantView {
            role: ApplicantRole::CloseRelative,
            name: "赵秀兰".into(),
        },
        worker: PersonView {
            name: "刘海峰".into(),
            id_number: Some("440104197609254411".into()),
        },
        unit: UnitView {
            name: "广州市番禺区金盛五金制品厂".into(),
            credit_code: Some("92440113MA4WB7HX6C".into()),
        },
        accident_date: d(2025, 7, 28),
        filed_on: d(2025, 8, 5),
        missing: vec![
            MaterialKind::LabourRelationProof,
            MaterialKind::MedicalDiagnosis,
            MaterialKind::LabourRelationProof,
            MaterialKind::Other {
                name: "申请人与受伤害职工的亲属关系证明".into(),
            },
        ],
        contact: Some(
            "广州市越秀区东风中路某号市人力资源和社会保障局工伤认定窗口，电话：020-12345678".into(),
        ),
    }
}

/// Grade 5 without a suitable job: the one-time subsidy from the fund, the
/// allowance and paid-suspension wages from the employer.
pub fn award() -> AwardNotice {
    let line = |item, amount: &str, paid, payer, article: &str| AwardLineView {
        item,
        amount: yuan(amount),
        paid,
        payer,
        article: article.into(),
        note: None,
    };
    let step = |item,
                rule: &str,
                article: &str,
                formula: &str,
                explain: &str,
                amount: &str,
                params: &[&str]| {
        TraceStepView {
            item,
            rule: rule.into(),
            article: article.into(),
            formula: formula.into(),
            explain: explain.into(),
            amount: yuan(amount),
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }
    };
    let avg = "广州市上年度职工月平均工资：9000.00（自2025年7月1日起；穗人社发〔2025〕12号 第二条）【假定值，待核实：未见原文】";
    AwardNotice {
        case_number: "GS-2025-000123".into(),
        authority: AUTHORITY.into(),
        issued_on: d(2025, 11, 3),
        worker: PersonView {
            name: "黄伟明".into(),
            id_number: Some("440103198512083917".into()),
        },
        unit: employer(),
        scheme: SchemeView {
            id: "guangdong.employees".into(),
            name_zh: "广东省工伤保险（职工）".into(),
            kind: SchemeKind::Regulations,
            statement: None,
        },
        determination_number: Some("穗人社工认〔2025〕00988号".into()),
        injury_date: d(2025, 2, 17),
        appraisal: Some(AppraisalView {
            grade: 5,
            nursing: None,
            concluded_on: d(2025, 10, 15),
        }),
        death_date: None,
        rules_as_of: d(2025, 2, 17),
        benefit_wage: Some(yuan("8500.00")),
        lines: vec![
            line(Item::SuspensionWages, "51000.00", PaidEvery::Once, Payer::Employer, "《工伤保险条例》第三十三条"),
            line(Item::HospitalFoodSubsidy, "1000.00", PaidEvery::Once, Payer::Fund, "《工伤保险条例》第三十条第四款"),
            line(Item::OneTimeDisabilitySubsidy, "153000.00", PaidEvery::Once, Payer::Fund, "《工伤保险条例》第三十六条"),
            line(Item::MonthlyDisabilityAllowance, "5950.00", PaidEvery::Month, Payer::Employer, "《工伤保险条例》第三十六条"),
        ],
        trace: vec![
            step(Item::BenefitWage, "art64.clamp", "《工伤保险条例》第六十四条第二款", "5400.00 ≤ 8500.00 ≤ 27000.00", "本人工资在上年度职工月平均工资的60%至300%之间，按本人工资计发", "8500.00", &[avg]),
            step(Item::SuspensionWages, "art33.suspension_wages", "《工伤保险条例》第三十三条", "8500.00 × 6 = 51000.00", "停工留薪期6个月，原工资福利待遇不变，由所在单位按月支付", "51000.00", &[]),
            step(Item::HospitalFoodSubsidy, "art30.food_subsidy", "《工伤保险条例》第三十条第四款", "50.00 × 20 = 1000.00", "住院20日，按每日伙食补助标准计发", "1000.00", &["住院伙食补助标准（日）：50.00（自2025年1月1日起；广东省工伤保险条例 第二十九条）"]),
            step(Item::OneTimeDisabilitySubsidy, "art36.one_time_subsidy", "《工伤保险条例》第三十六条", "8500.00 × 18 = 153000.00", "伤残五级，18个月的本人工资", "153000.00", &[]),
            step(Item::MonthlyDisabilityAllowance, "art36.allowance", "《工伤保险条例》第三十六条", "8500.00 × 70% = 5950.00", "伤残五级，用人单位难以安排工作的，按月发给本人工资的70%，不低于当地最低工资标准", "5950.00", &["广州市最低工资标准（月）：2500.00（自2025年3月1日起；粤府函〔2025〕1号）"]),
        ],
        notes: vec![
            "伤残津贴由用人单位按月支付，并按规定为其缴纳基本养老保险费和基本医疗保险费。".into(),
            "经工伤职工本人提出，可以与用人单位解除或者终止劳动关系，由工伤保险基金支付一次性工伤医疗补助金，由用人单位支付一次性伤残就业补助金。".into(),
        ],
    }
}

pub fn example(kind: NoticeKind) -> Notice {
    match kind {
        NoticeKind::Decision => decision_recognised().into(),
        NoticeKind::Inadmissible => inadmissible().into(),
        NoticeKind::Materials => materials().into(),
        NoticeKind::Award => award().into(),
    }
}

/// Every example, named, for the golden tests.
pub fn all() -> Vec<(&'static str, Notice)> {
    vec![
        ("decision_art14_1_intern", decision_recognised().into()),
        (
            "decision_art16_2_excluded",
            decision_not_recognised().into(),
        ),
        ("inadmissible_not_covered_at_injury", inadmissible().into()),
        ("materials_measures_art8", materials().into()),
        ("award_art36_grade5", award().into()),
    ]
}
