//! The rights-protection service centre's papers (诉求): the acceptance
//! receipt (受理回执), the referral letter (转介函) and the mediation
//! agreement (调解协议书). They are not case notices (no [`crate::Notice`]
//! kind): each is a view type with its [`Document`], drawn by the same two
//! renderers ([`html`], [`pdf`]).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::NoticeError;
use crate::doc::{Block, Document};
use crate::zh;

/// Who and what a paper of the centre is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptFacts {
    pub number: String,
    /// 厦门市新就业形态劳动者权益保障服务中心.
    pub centre: String,
    pub complainant: String,
    /// The other party (an employer or a platform), if named.
    pub other_party: Option<String>,
    /// 新就业形态劳动纠纷（一站式联合调解）, ...
    pub category: String,
    /// 扫码 / 窗口 / 电话 ...
    pub channel: String,
    pub summary: String,
    pub filed_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub ticket: ReceiptFacts,
    /// The limit to accept or handle it, as people read it.
    pub limit: Option<(Date, String)>,
    /// The lookup code is never printed: the receipt may be handed over.
    pub issued_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralLetter {
    pub ticket: ReceiptFacts,
    /// 厦门市劳动人事争议仲裁院, ...
    pub body: String,
    pub appointment_on: Date,
    /// What the body's limits are (accept, decide) with their citations.
    pub limits: Vec<String>,
    pub note: String,
    pub issued_on: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediationAgreement {
    pub ticket: ReceiptFacts,
    /// The mediators who held the sessions, in order.
    pub mediators: Vec<String>,
    pub agreement: String,
    /// 申请仲裁审查 / 申请司法确认 / none.
    pub confirmation: Option<String>,
    /// The reviewing body's answer, once given (审查结果).
    pub review: Option<String>,
    pub settled_on: Date,
}

fn not_blank(field: &str, value: &str) -> Result<(), NoticeError> {
    if value.trim().is_empty() {
        return Err(NoticeError::Invalid {
            field: field.into(),
            value: value.into(),
            allowed: "text that is not blank".into(),
        });
    }
    Ok(())
}

fn facts(t: &ReceiptFacts) -> Block {
    let mut fields = vec![
        ("诉求编号".to_owned(), t.number.clone()),
        ("申请人".to_owned(), t.complainant.clone()),
    ];
    if let Some(o) = &t.other_party {
        fields.push(("被申请人".to_owned(), o.clone()));
    }
    fields.push(("诉求类别".to_owned(), t.category.clone()));
    fields.push(("登记渠道".to_owned(), t.channel.clone()));
    fields.push(("登记日期".to_owned(), zh::date(t.filed_on)));
    fields.push(("诉求内容".to_owned(), t.summary.clone()));
    Block::Fields(fields)
}

fn check(t: &ReceiptFacts) -> Result<(), NoticeError> {
    not_blank("number", &t.number)?;
    not_blank("centre", &t.centre)?;
    not_blank("complainant", &t.complainant)?;
    not_blank("summary", &t.summary)
}

impl Receipt {
    pub fn document(&self) -> Result<Document, NoticeError> {
        check(&self.ticket)?;
        let t = &self.ticket;
        let mut blocks = vec![
            Block::Addressee(format!("{}：", t.complainant)),
            Block::Para(format!(
                "您于{}提出的诉求，本中心已登记，编号为{}。",
                zh::date(t.filed_on),
                t.number
            )),
            facts(t),
        ];
        if let Some((due, citation)) = &self.limit {
            blocks.push(Block::Para(format!(
                "本中心将于{}前作出受理或分流处理，并告知办理情况（{citation}）。",
                zh::date(*due)
            )));
        }
        blocks.push(Block::Para(
            "您可凭诉求编号和查询码在“新就业形态权益服务”页面查询办理进度。请妥善保管查询码，本回执不载明查询码。".into(),
        ));
        blocks.push(Block::Signature {
            authority: t.centre.clone(),
            date: zh::date(self.issued_on),
        });
        Ok(Document {
            title: "诉求受理回执".into(),
            number: t.number.clone(),
            blocks,
        })
    }
}

impl ReferralLetter {
    pub fn document(&self) -> Result<Document, NoticeError> {
        check(&self.ticket)?;
        not_blank("body", &self.body)?;
        let t = &self.ticket;
        let mut blocks = vec![
            Block::Addressee(format!("{}：", self.body)),
            Block::Para(format!(
                "本中心受理的{}诉求（编号{}），经前端受理、中端调解未能解决，现按预约转介贵单位依法处理。申请人已预约于{}前往办理。",
                t.category,
                t.number,
                zh::date(self.appointment_on)
            )),
            facts(t),
        ];
        if !self.limits.is_empty() {
            blocks.push(Block::Heading("办理时限".into()));
            blocks.push(Block::List(self.limits.clone()));
        }
        if !self.note.trim().is_empty() {
            blocks.push(Block::Para(format!("备注：{}", self.note)));
        }
        blocks.push(Block::Para(
            "请于受理、办结或不予受理时将办理情况反馈本中心。".into(),
        ));
        blocks.push(Block::Signature {
            authority: t.centre.clone(),
            date: zh::date(self.issued_on),
        });
        Ok(Document {
            title: "诉求转介函".into(),
            number: t.number.clone(),
            blocks,
        })
    }
}

impl MediationAgreement {
    pub fn document(&self) -> Result<Document, NoticeError> {
        check(&self.ticket)?;
        not_blank("agreement", &self.agreement)?;
        let t = &self.ticket;
        let mut blocks = vec![
            facts(t),
            Block::Para(format!("双方当事人经{}调解，自愿达成如下协议：", t.centre)),
            Block::Para(self.agreement.clone()),
        ];
        if !self.mediators.is_empty() {
            blocks.push(Block::Fields(vec![(
                "调解员".to_owned(),
                self.mediators.join("、"),
            )]));
        }
        match self.confirmation.as_deref() {
            Some(c) if c.contains("仲裁") => blocks.push(Block::Para(format!(
                "双方同意{c}。双方可自本协议生效之日起十五日内共同向仲裁委员会提出仲裁审查申请（《企业劳动争议协商调解规定》第二十九条）。"
            ))),
            Some(c) if !c.is_empty() => blocks.push(Block::Para(format!("双方同意{c}。"))),
            _ => {}
        }
        if let Some(r) = self.review.as_deref().filter(|r| !r.trim().is_empty()) {
            blocks.push(Block::Fields(vec![("审查结果".to_owned(), r.to_owned())]));
        }
        blocks.push(Block::Para(
            "本协议自双方当事人签名或者盖章、经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行（《中华人民共和国劳动争议调解仲裁法》第十四条）。".into(),
        ));
        blocks.push(Block::Fields(vec![
            ("申请人（签名）".to_owned(), String::new()),
            ("被申请人（签名或盖章）".to_owned(), String::new()),
        ]));
        blocks.push(Block::Signature {
            authority: t.centre.clone(),
            date: zh::date(self.settled_on),
        });
        Ok(Document {
            title: "调解协议书".into(),
            number: t.number.clone(),
            blocks,
        })
    }
}

/// The printable HTML page of a document.
pub fn html(doc: &Document) -> String {
    crate::html::render(doc)
}

/// The A4 PDF of a document (characters the font lacks print as a box).
pub fn pdf(doc: &Document) -> Result<Vec<u8>, NoticeError> {
    crate::pdf::render(doc).map_err(|e| NoticeError::Pdf(e.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn facts() -> ReceiptFacts {
        ReceiptFacts {
            number: "SQ2026-000005".into(),
            centre: "厦门市新就业形态劳动者权益保障服务中心".into(),
            complainant: "吴师傅".into(),
            other_party: Some("厦门某某物流有限公司".into()),
            category: "用人单位或平台应付部分争议".into(),
            channel: "窗口".into(),
            summary: "单位不支付停工留薪期工资".into(),
            filed_on: date(2026, 6, 3),
        }
    }

    #[test]
    fn the_centres_papers_print_every_fixed_character_and_render_both_ways() {
        let docs = [
            Receipt {
                ticket: facts(),
                limit: Some((
                    date(2026, 6, 8),
                    "企业劳动争议协商调解规定 第二十二条".into(),
                )),
                issued_on: date(2026, 6, 3),
            }
            .document()
            .unwrap(),
            ReferralLetter {
                ticket: facts(),
                body: "厦门市劳动人事争议仲裁院".into(),
                appointment_on: date(2026, 6, 11),
                limits: vec!["受理：五日（劳动争议调解仲裁法第二十九条）".into()],
                note: String::new(),
                issued_on: date(2026, 6, 9),
            }
            .document()
            .unwrap(),
            MediationAgreement {
                ticket: facts(),
                mediators: vec!["mediator".into()],
                agreement: "单位于6月12日前支付停工留薪期工资6000元。".into(),
                confirmation: Some("申请仲裁审查".into()),
                // Every answer the app writes (confirmed, not, declined, pending).
                review: Some("厦门市劳动人事争议仲裁院：协议已确认，不予确认，不予受理，审查中（出具仲裁调解书）".into()),
                settled_on: date(2026, 6, 5),
            }
            .document()
            .unwrap(),
        ];
        for doc in &docs {
            let missing: Vec<char> = doc
                .texts()
                .flat_map(str::chars)
                .filter(|c| !crate::font::has_glyph(*c))
                .collect();
            assert!(missing.is_empty(), "{}: {missing:?}", doc.title);
            assert!(html(doc).contains(&doc.title));
            assert!(pdf(doc).unwrap().starts_with(b"%PDF"));
        }
        let blank = MediationAgreement {
            agreement: " ".into(),
            ..MediationAgreement {
                ticket: facts(),
                mediators: vec![],
                agreement: String::new(),
                confirmation: None,
                review: None,
                settled_on: date(2026, 6, 5),
            }
        };
        assert_eq!(blank.document().unwrap_err().field(), Some("agreement"));
    }
}
