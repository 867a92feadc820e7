//! The record of dishonest acts (社会保险经办条例 Art 45(2): "社会保险经办机构
//! 应当如实记录用人单位、个人和社会保险服务机构及其工作人员违反社会保险法律、法规行为等
//! 失信行为"). Art 45(1) leaves the credit system and the criteria of the list
//! of seriously dishonest subjects to the ministries: nothing here grades a
//! subject or puts it on a list.
//!
//! An agency officer records an act against a unit, a person or an
//! agreement institution only from a concrete record that shows it: an
//! appraisal conclusion revoked (Order No. 55 Art 31), an overpayment the
//! officer found obtained by fraud (Arts 46, 55), a monitoring alert closed
//! as confirmed, an institution whose payments are suspended (Art 43). The
//! subject must be the one the source names. A record is never deleted: it
//! is corrected (the act or the article) or withdrawn, each a new row with
//! its reason. Agency staff alone read them.

use gongshang_domain::handling::{
    CreditChange, CreditSource, CreditSubjectKind, DECREE_765_ART_45,
};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::medical::InstitutionCode;
use gongshang_domain::monitor::SubjectKind;
use gongshang_domain::monitor::alert::{AlertState, Outcome};
use gongshang_store::cases::RevisionKind;
use gongshang_store::handling::NewCreditRecord;
pub use gongshang_store::handling::{CreditChangeRow, CreditRecordRow};
use jiff::civil::Date;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// The longest act and reason kept.
pub const CREDIT_TEXT_MAX_CHARS: usize = 500;

/// An act as an officer records it (text fields, checked by [`App::record_credit`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pub subject_kind: String,
    #[serde(default)]
    pub subject_key: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub source_ref: String,
    #[serde(default)]
    pub act: String,
    /// The provision breached; the record's own article (Art 45(2)) when empty.
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub acted_on: String,
}

/// A correction or withdrawal as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct CreditChangeForm {
    #[serde(default)]
    pub change: String,
    #[serde(default)]
    pub act: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub reason: String,
}

fn text(field: &'static str, value: &str, what: &str) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, format!("say {what}")));
    }
    if v.chars().count() > CREDIT_TEXT_MAX_CHARS {
        return Err(AppError::invalid(
            field,
            format!(
                "{} characters; at most {CREDIT_TEXT_MAX_CHARS}",
                v.chars().count()
            ),
        ));
    }
    Ok(v.to_owned())
}

fn opt_text(field: &'static str, value: &str) -> Result<Option<String>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => text(field, v, "").map(Some),
    }
}

impl App {
    /// Records a dishonest act from its source (Decree 765 Art 45(2)): the
    /// source must exist and show it (a revocation, a confirmed alert, a
    /// suspension), and name the subject.
    pub fn record_credit(
        &self,
        actor: &Actor,
        form: &CreditForm,
    ) -> Result<CreditRecordRow, AppError> {
        actor.authorize(Action::RecordCredit)?;
        let kind = CreditSubjectKind::parse(form.subject_kind.trim())
            .map_err(|e| AppError::invalid("subject_kind", e))?;
        let source =
            CreditSource::parse(form.source.trim()).map_err(|e| AppError::invalid("source", e))?;
        if !source.subjects().contains(&kind) {
            return Err(AppError::invalid(
                "subject_kind",
                format!(
                    "a {} names a {}",
                    source.as_str(),
                    source
                        .subjects()
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
        let key = match kind {
            CreditSubjectKind::Unit => CreditCode::parse(form.subject_key.trim())
                .map_err(|e| AppError::invalid("subject_key", e.to_string()))?
                .as_str()
                .to_owned(),
            CreditSubjectKind::Person => ResidentId::parse(form.subject_key.trim())
                .map_err(|e| AppError::invalid("subject_key", e.to_string()))?
                .as_str()
                .to_owned(),
            CreditSubjectKind::Institution => InstitutionCode::parse(form.subject_key.trim())
                .map_err(|e| AppError::invalid("subject_key", e.to_string()))?
                .as_str()
                .to_owned(),
        };
        let act = text("act", &form.act, "what the subject did")?;
        let article =
            opt_text("article", &form.article)?.unwrap_or_else(|| DECREE_765_ART_45.to_owned());
        let acted_on: Date = form.acted_on.trim().parse().map_err(|_| {
            AppError::invalid(
                "acted_on",
                format!(
                    "{:?} is not a date; expected YYYY-MM-DD",
                    form.acted_on.trim()
                ),
            )
        })?;
        let today = self.today();
        if acted_on > today {
            return Err(AppError::invalid(
                "acted_on",
                format!("{acted_on} is after today ({today})"),
            ));
        }
        let source_ref = form.source_ref.trim().to_owned();
        let number = |what: &str| {
            source_ref.parse::<i64>().map_err(|_| {
                AppError::invalid(
                    "source_ref",
                    format!("{source_ref:?} is not {what}'s number"),
                )
            })
        };
        let not_found = |entity: &'static str| AppError::NotFound {
            entity,
            key: source_ref.clone(),
        };
        // The subjects the source names.
        let named: Vec<String> = match source {
            CreditSource::RevokedConclusion => {
                let r = self
                    .store
                    .revision(number("a revision")?)?
                    .ok_or_else(|| not_found("appraisal revision"))?;
                if r.kind != RevisionKind::Revoke {
                    return Err(AppError::invalid(
                        "source_ref",
                        format!(
                            "revision {} corrects a conclusion; only a revocation shows a conclusion obtained by fraud",
                            r.reference
                        ),
                    ));
                }
                self.case_parties_of(r.case_id)?
            }
            CreditSource::FraudOverpayment => {
                let o = self
                    .store
                    .overpayment(number("an overpayment")?)?
                    .ok_or_else(|| not_found("overpayment"))?;
                self.case_parties_of(o.case_id)?
            }
            CreditSource::AlertConfirmed => {
                let a = self
                    .store
                    .alert(number("an alert")?)?
                    .ok_or_else(|| not_found("alert"))?;
                if a.state
                    != (AlertState::Closed {
                        outcome: Outcome::Confirmed,
                    })
                {
                    return Err(AppError::Conflict {
                        entity: "alert",
                        reason: format!(
                            "alert {} is {}; only an alert closed as confirmed shows an act",
                            a.id,
                            a.state.as_str()
                        ),
                    });
                }
                match a.subject.kind {
                    SubjectKind::Person | SubjectKind::Unit => vec![a.subject.key.clone()],
                    SubjectKind::Platform => Vec::new(),
                }
            }
            CreditSource::ProviderSuspended => {
                let code = InstitutionCode::parse(&source_ref)
                    .map_err(|e| AppError::invalid("source_ref", e.to_string()))?;
                let i = self
                    .store
                    .institution(&code)?
                    .ok_or_else(|| not_found("agreement institution"))?;
                if i.institution.suspended.is_none() {
                    return Err(AppError::Conflict {
                        entity: "agreement institution",
                        reason: format!(
                            "payments to {} are not suspended",
                            i.institution.code.as_str()
                        ),
                    });
                }
                vec![i.institution.code.as_str().to_owned()]
            }
        };
        if !named.contains(&key) {
            return Err(AppError::invalid(
                "subject_key",
                format!(
                    "{} {source_ref} does not name this subject",
                    source.as_str()
                ),
            ));
        }
        Ok(self.store.record_credit(
            &NewCreditRecord {
                subject_kind: kind,
                subject_key: key,
                act,
                article,
                acted_on,
                source,
                source_ref,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The person and the unit of a case, as keys.
    fn case_parties_of(&self, case_id: i64) -> Result<Vec<String>, AppError> {
        let case = self
            .store
            .case_by_id(case_id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "case",
                key: case_id.to_string(),
            })?;
        let mut keys = vec![case.person.as_str().to_owned()];
        keys.extend(case.unit.map(|u| u.as_str().to_owned()));
        Ok(keys)
    }

    /// Corrects a record's act or article, or withdraws it, with the reason
    /// (a new row: the record as first written stays).
    pub fn change_credit(
        &self,
        actor: &Actor,
        record_id: i64,
        form: &CreditChangeForm,
    ) -> Result<CreditRecordRow, AppError> {
        actor.authorize(Action::RecordCredit)?;
        let change =
            CreditChange::parse(form.change.trim()).map_err(|e| AppError::invalid("change", e))?;
        let reason = text("reason", &form.reason, "why the record changes")?;
        let (act, article) = match change {
            CreditChange::Withdraw => (None, None),
            CreditChange::Correct => {
                let act = opt_text("act", &form.act)?;
                let article = opt_text("article", &form.article)?;
                if act.is_none() && article.is_none() {
                    return Err(AppError::invalid(
                        "act",
                        "a correction gives the act or the article as corrected",
                    ));
                }
                (act, article)
            }
        };
        Ok(self.store.change_credit(
            record_id,
            change,
            act.as_deref(),
            article.as_deref(),
            &reason,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// A subject's records, the newest first, withdrawn ones included
    /// (agency staff only).
    pub fn credit_records(
        &self,
        actor: &Actor,
        kind: CreditSubjectKind,
        key: &str,
    ) -> Result<Vec<CreditRecordRow>, AppError> {
        actor.authorize(Action::ReadCredit)?;
        Ok(self.store.credit_records_of(kind, key.trim())?)
    }

    /// The institutions' records, the newest first (the register's page).
    pub fn institution_credit_records(
        &self,
        actor: &Actor,
    ) -> Result<Vec<CreditRecordRow>, AppError> {
        actor.authorize(Action::ReadCredit)?;
        Ok(self
            .store
            .credit_records_of_kind(CreditSubjectKind::Institution, crate::staff::QUEUE_ROWS)?)
    }
}
