//! The content of each notice as a short list of blocks. The HTML and the PDF
//! renderers both draw these blocks, so the two formats say the same thing.

use gongshang_domain::determination::{Finding, NotRecognisedReason, Remedies, SchemeKind};
use gongshang_rules::Money;

use crate::model::{
    AwardNotice, DecisionNotice, InadmissibleNotice, MaterialsNotice, PaidEvery, PersonView,
    RemedyBodies, SchemeView, UnitView,
};
use crate::zh::{self, MEASURES, REGULATIONS};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// 认定工伤决定书, ...
    pub title: String,
    /// The document number under the title.
    pub number: String,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Every piece of text the document prints (the renderers add only
    /// fixed text: page numbers and the seal mark).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let blocks = self.blocks.iter().flat_map(|b| -> Vec<&str> {
            match b {
                Block::Addressee(t) | Block::Para(t) | Block::Heading(t) | Block::Note(t) => {
                    vec![t]
                }
                Block::Fields(fields) => fields
                    .iter()
                    .flat_map(|(k, v)| [k.as_str(), v.as_str()])
                    .collect(),
                Block::List(items) => items.iter().map(String::as_str).collect(),
                Block::Table(t) => t
                    .columns
                    .iter()
                    .map(|c| c.title.as_str())
                    .chain(t.rows.iter().chain(&t.foot).flatten().map(String::as_str))
                    .collect(),
                Block::Signature { authority, date } => vec![authority, date],
            }
        });
        [self.title.as_str(), self.number.as_str()]
            .into_iter()
            .chain(blocks)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    /// A share of the table's width.
    pub share: u32,
    pub align: Align,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Cells may hold `\n` for a line break.
    pub rows: Vec<Vec<String>>,
    /// Rows set in bold (totals).
    pub foot: Vec<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The addressee line, flush left, ending in `：`.
    Addressee(String),
    /// A paragraph, its first line indented by two characters.
    Para(String),
    Heading(String),
    /// Label and value pairs in a two-column table.
    Fields(Vec<(String, String)>),
    /// A numbered list.
    List(Vec<String>),
    Table(Table),
    /// The issuing department and the date, on the right.
    Signature {
        authority: String,
        date: String,
    },
    /// Small print.
    Note(String),
}

fn unit_text(u: &UnitView) -> String {
    match &u.credit_code {
        Some(code) => format!("{}（统一社会信用代码：{code}）", u.name),
        None => u.name.clone(),
    }
}

fn person_fields(out: &mut Vec<(String, String)>, p: &PersonView) {
    out.push(("职工姓名".into(), p.name.clone()));
    if let Some(id) = &p.id_number {
        out.push(("公民身份号码".into(), id.clone()));
    }
}

/// The scheme by its name, with its kind where the name does not say it.
fn scheme_text(scheme: &SchemeView) -> String {
    let kind = zh::scheme_kind(scheme.kind);
    if scheme.name_zh.contains(kind) || scheme.kind == SchemeKind::Regulations {
        scheme.name_zh.clone()
    } else {
        format!("{}（{kind}）", scheme.name_zh)
    }
}

/// The statement of the rights of administrative review and litigation
/// (条例 Art 55; 行政复议法 Art 20; 行政诉讼法 Art 46).
fn remedies(what: &str, paper: &str, r: &Remedies, bodies: &RemedyBodies) -> String {
    let review = bodies
        .review_body
        .as_deref()
        .unwrap_or("有管辖权的行政复议机关");
    let court = bodies.court.as_deref().unwrap_or("有管辖权的人民法院");
    format!(
        "如对本{what}不服，可以自收到本{paper}之日起{}日内依法向{review}申请行政复议，\
         或者自收到本{paper}之日起{}个月内依法向{court}提起行政诉讼（{REGULATIONS}第五十五条；\
         《中华人民共和国行政复议法》第二十条；《中华人民共和国行政诉讼法》第四十六条）。",
        r.administrative_review_days, r.litigation_months
    )
}

fn signature(authority: &str, issued_on: jiff::civil::Date) -> Block {
    Block::Signature {
        authority: authority.to_owned(),
        date: zh::date(issued_on),
    }
}

pub fn decision(n: &DecisionNotice) -> Document {
    let recognised = matches!(n.finding, Finding::Recognised { .. });
    let title = if recognised {
        "认定工伤决定书"
    } else {
        "不予认定工伤决定书"
    };
    let mut fields = Vec::new();
    person_fields(&mut fields, &n.worker);
    fields.push(("用人单位".into(), unit_text(&n.unit)));
    fields.push(("参保单位".into(), unit_text(&n.insured_unit)));
    fields.push(("保障方案".into(), scheme_text(&n.scheme)));
    if let Some(school) = &n.intern_school {
        fields.push(("实习学校".into(), school.clone()));
    }
    fields.push(("事故伤害（诊断）日期".into(), zh::date(n.accident_date)));
    if let Some(place) = &n.accident_place {
        fields.push(("事故地点".into(), place.clone()));
    }
    fields.push(("伤害部位及诊断".into(), n.injury.clone()));
    fields.push((
        "申请人".into(),
        format!(
            "{}（{}）",
            n.applicant.name,
            zh::applicant_role(n.applicant.role)
        ),
    ));
    fields.push(("申请日期".into(), zh::date(n.filed_on)));
    fields.push(("受理日期".into(), zh::date(n.accepted_on)));

    let worker = &n.worker.name;
    let mut blocks = vec![
        Block::Addressee(format!("{}：", n.applicant.name)),
        Block::Fields(fields),
        Block::Para(format!(
            "{}于{}提出工伤认定申请，本局于{}受理。",
            n.applicant.name,
            zh::date(n.filed_on),
            zh::date(n.accepted_on)
        )),
        Block::Para(format!("经调查核实，现查明：{}", n.facts.trim())),
    ];
    if let Some(school) = &n.intern_school {
        blocks.push(Block::Para(format!(
            "{worker}系{school}的实习学生，受到伤害时由{}按照{}参保。",
            n.insured_unit.name, n.scheme.name_zh
        )));
    } else if n.insured_unit.name != n.unit.name {
        blocks.push(Block::Para(format!(
            "{worker}受到伤害时由{}按照{}参保。",
            n.insured_unit.name, n.scheme.name_zh
        )));
    }
    let conclusion = match &n.finding {
        Finding::Recognised { ground } => {
            let (article, words) = zh::ground(*ground);
            if ground.is_deemed() {
                format!(
                    "本局认为：{worker}受到的伤害（{}），符合{article}“{words}”之规定，\
                     现予以视同工伤。",
                    n.injury
                )
            } else {
                format!(
                    "本局认为：{worker}受到的事故伤害（{}），符合{article}“{words}”之规定，\
                     属于工伤认定范围，现予以认定为工伤。",
                    n.injury
                )
            }
        }
        Finding::NotRecognised {
            reason: NotRecognisedReason::Excluded { exclusion },
        } => {
            let (article, words) = zh::exclusion(*exclusion);
            format!(
                "本局认为：{worker}受到的伤害（{}），属于{article}“{words}”之情形，\
                 不得认定为工伤或者视同工伤，现决定不予认定为工伤或者视同工伤。",
                n.injury
            )
        }
        Finding::NotRecognised {
            reason: NotRecognisedReason::NoGround { explanation },
        } => format!(
            "本局认为：{worker}受到的伤害（{}），{}不符合{REGULATIONS}第十四条、第十五条\
             认定工伤或者视同工伤的情形，现决定不予认定为工伤或者视同工伤。",
            n.injury,
            with_comma(explanation)
        ),
    };
    blocks.push(Block::Para(conclusion));
    blocks.push(Block::Para(remedies(
        "工伤认定决定",
        "决定书",
        &n.remedies,
        &n.remedy_bodies,
    )));
    blocks.push(signature(&n.authority, n.issued_on));
    if let Some(statement) = &n.scheme.statement {
        blocks.push(Block::Note(statement.clone()));
    }
    blocks.push(Block::Note(format!(
        "本决定书送达申请人、受伤害职工（或者其近亲属）和用人单位，并抄送社会保险经办机构\
         （{REGULATIONS}第二十条第一款；{MEASURES}第二十二条）。"
    )));
    Document {
        title: title.into(),
        number: n.case_number.clone(),
        blocks,
    }
}

/// An explanation followed by a comma, so that it reads inside a sentence.
fn with_comma(text: &str) -> String {
    let t = text.trim().trim_end_matches(['。', '，', '；', '.', ',']);
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}，")
    }
}

fn application_sentence(
    you: &str,
    filed_on: jiff::civil::Date,
    worker: &PersonView,
    accident_date: jiff::civil::Date,
) -> String {
    format!(
        "{you}于{}提交的关于{}于{}受到伤害的工伤认定申请",
        zh::date(filed_on),
        worker.name,
        zh::date(accident_date)
    )
}

fn case_fields(
    worker: &PersonView,
    unit: &UnitView,
    accident_date: jiff::civil::Date,
    filed_on: jiff::civil::Date,
) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    person_fields(&mut fields, worker);
    fields.push(("用人单位".into(), unit_text(unit)));
    fields.push(("事故伤害（诊断）日期".into(), zh::date(accident_date)));
    fields.push(("申请日期".into(), zh::date(filed_on)));
    fields
}

pub fn inadmissible(n: &InadmissibleNotice) -> Document {
    let mut fields = case_fields(&n.worker, &n.unit, n.accident_date, n.filed_on);
    if let Some(scheme) = &n.scheme {
        fields.push(("保障方案".into(), scheme_text(scheme)));
    }
    let you = zh::you(n.applicant.role);
    let reason = zh::inadmissible(
        &n.reason,
        n.scheme.as_ref().map(|s| s.name_zh.as_str()),
        &n.worker.name,
    );
    let blocks = vec![
        Block::Addressee(format!("{}：", n.applicant.name)),
        Block::Fields(fields),
        Block::Para(format!(
            "{}，经审查：{reason}",
            application_sentence(you, n.filed_on, &n.worker, n.accident_date)
        )),
        Block::Para(format!(
            "根据{MEASURES}第八条的规定，本局决定对该申请不予受理。"
        )),
        Block::Para(remedies(
            "不予受理决定",
            "通知书",
            &n.remedies,
            &n.remedy_bodies,
        )),
        signature(&n.authority, n.issued_on),
    ];
    Document {
        title: "不予受理通知书".into(),
        number: n.case_number.clone(),
        blocks,
    }
}

/// Each material once, in the order first listed.
pub fn distinct_materials(n: &MaterialsNotice) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in &n.missing {
        let label = zh::material(m);
        if !out.contains(&label) {
            out.push(label);
        }
    }
    out
}

pub fn materials(n: &MaterialsNotice) -> Document {
    let you = zh::you(n.applicant.role);
    let mut blocks = vec![
        Block::Addressee(format!("{}：", n.applicant.name)),
        Block::Fields(case_fields(&n.worker, &n.unit, n.accident_date, n.filed_on)),
        Block::Para(format!(
            "{}，经审查，申请材料不完整。根据{MEASURES}第八条的规定，请{you}补正下列材料：",
            application_sentence(you, n.filed_on, &n.worker, n.accident_date)
        )),
        Block::List(distinct_materials(n)),
        Block::Para(
            "请按本通知书一次性补正上述全部材料。本局自收到全部补正材料之日起15日内，\
             重新作出受理或者不予受理的决定（补正期间不计入该期限）。"
                .to_owned(),
        ),
    ];
    if let Some(contact) = &n.contact {
        blocks.push(Block::Para(format!(
            "补正材料提交地点及联系方式：{contact}"
        )));
    }
    blocks.push(signature(&n.authority, n.issued_on));
    Document {
        title: "补正材料通知书".into(),
        number: n.case_number.clone(),
        blocks,
    }
}

/// The sum of amounts, exact; `None` on overflow (which the amounts the
/// engine computes never reach).
fn total<'a>(mut amounts: impl Iterator<Item = &'a Money>) -> Option<Money> {
    amounts.try_fold(Money::ZERO, |acc, m| acc.checked_add(*m))
}

pub fn award(n: &AwardNotice) -> Document {
    let mut fields = Vec::new();
    person_fields(&mut fields, &n.worker);
    fields.push(("用人单位".into(), unit_text(&n.unit)));
    fields.push(("保障方案".into(), scheme_text(&n.scheme)));
    if let Some(number) = &n.determination_number {
        fields.push(("认定工伤决定书".into(), number.clone()));
    }
    fields.push(("受伤害日期".into(), zh::date(n.injury_date)));
    if let Some(a) = &n.appraisal {
        let mut text = format!("伤残{}级", zh::numeral(a.grade));
        if let Some(level) = a.nursing {
            text.push_str(&format!("，{}", zh::nursing(level)));
        }
        text.push_str(&format!(
            "（鉴定结论作出日期：{}）",
            zh::date(a.concluded_on)
        ));
        fields.push(("劳动能力鉴定结论".into(), text));
    }
    if let Some(d) = n.death_date {
        fields.push(("死亡日期".into(), zh::date(d)));
    }
    fields.push(("计发依据日期".into(), zh::date(n.rules_as_of)));
    if let Some(bw) = n.benefit_wage {
        fields.push(("本人工资（计发基数）".into(), format!("{bw}元/月")));
    }

    let rows: Vec<Vec<String>> = n
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut article = l.article.clone();
            if let Some(note) = &l.note {
                article.push_str(&format!("\n（{note}）"));
            }
            vec![
                (i + 1).to_string(),
                l.item.label_zh().to_owned(),
                l.amount.to_string(),
                zh::paid(l.paid).to_owned(),
                l.payer.label_zh().to_owned(),
                article,
            ]
        })
        .collect();
    let mut foot = Vec::new();
    for (paid, label) in [
        (PaidEvery::Once, "一次性待遇合计"),
        (PaidEvery::Month, "按月待遇合计（每月）"),
    ] {
        let amounts: Vec<&Money> = n
            .lines
            .iter()
            .filter(|l| l.paid == paid)
            .map(|l| &l.amount)
            .collect();
        if amounts.is_empty() {
            continue;
        }
        let sum = total(amounts.into_iter()).map_or_else(|| "—".to_owned(), |m| m.to_string());
        foot.push(vec![
            String::new(),
            label.to_owned(),
            sum,
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let col = |title: &str, share, align| Column {
        title: title.into(),
        share,
        align,
    };
    let mut blocks = vec![
        Block::Fields(fields),
        Block::Heading("核定待遇项目".into()),
        Block::Table(Table {
            columns: vec![
                col("序号", 7, Align::Center),
                col("待遇项目", 20, Align::Left),
                col("金额（元）", 13, Align::Right),
                col("支付方式", 11, Align::Center),
                col("支付主体", 16, Align::Center),
                col("依据", 33, Align::Left),
            ],
            rows,
            foot,
        }),
    ];
    if !n.trace.is_empty() {
        blocks.push(Block::Heading("计算过程".into()));
        let rows = n
            .trace
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut explain = s.explain.clone();
                for p in &s.params {
                    explain.push('\n');
                    explain.push_str(p);
                }
                vec![
                    (i + 1).to_string(),
                    s.item.label_zh().to_owned(),
                    format!("{}\n{}", s.formula, explain),
                    s.article.clone(),
                    s.amount.to_string(),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            columns: vec![
                col("步骤", 7, Align::Center),
                col("项目", 16, Align::Left),
                col("计算及说明", 43, Align::Left),
                col("依据", 20, Align::Left),
                col("金额（元）", 14, Align::Right),
            ],
            rows,
            foot: Vec::new(),
        }));
    }
    if !n.notes.is_empty() {
        blocks.push(Block::Heading("说明".into()));
        blocks.push(Block::List(n.notes.clone()));
    }
    blocks.push(Block::Para(
        "金额以人民币元计，精确到分；按月待遇为每月应发金额。".to_owned(),
    ));
    blocks.push(Block::Note(
        "经办人：　　　　　　　　复核人：　　　　　　　　".into(),
    ));
    blocks.push(signature(&n.authority, n.issued_on));
    Document {
        title: "工伤保险待遇核定表".into(),
        number: n.case_number.clone(),
        blocks,
    }
}
