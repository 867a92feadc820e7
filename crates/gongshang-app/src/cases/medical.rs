//! 工伤医疗、康复、辅助器具费用 — the medical, rehabilitation and
//! assistive-device costs of a case, and the agency's register of agreement
//! institutions (协议机构).
//!
//! - The register (Regulations Art 47; Jiangsu measures Art 23): a clerk
//!   registers an institution with its agreement's dates, renews it, or
//!   suspends payments to it (Decree 765 Art 43); everybody signed in reads
//!   the list (the agency publishes it).
//! - Bills (Decree 765 Art 22): a clerk files a provider's bill (settled
//!   directly); a worker, or a clerk at the window, files a claim for costs
//!   the worker advanced, which must be decided within
//!   `handling.reimbursement_working_days` (20) working days of the day it
//!   was received, on the holiday calendar.
//! - Settlement (Regulations Arts 30-32, 48; Jiangsu Art 24): the domain's
//!   [`medical::settle`] decides each line from the bill, the institution as
//!   registered and the case's standing (recognised; recognised and under
//!   review or in court, Art 31, which the clerk names; undecided; not
//!   recognised); a bill that must wait is held with its reason.
//!
//! The fund's ledger: what a settled bill pays is posted in the settlement's
//! transaction (`ledger::medical_costs_paid`: benefits expense to bank, key
//! `medical-bill-<id>`) and counted in the fund's statement as the benefit
//! item `medical_costs` of the month it was settled.

use gongshang_domain::ids::RegionCode;
use gongshang_domain::medical::{
    self, Bill, BillLine, CaseStanding, Dispute, Institution, InstitutionCode, Route, ServiceKind,
};
use gongshang_store::cases::{
    InstitutionRow, MedicalBillRow, MedicalBillStatus, MedicalSettlementIn, NewMedicalBill,
    NewMedicalBillLine, SettledLineIn,
};

use super::*;

/// The parameter of the reimbursement's time limit (Decree 765 Art 22).
pub const REIMBURSEMENT_DAYS_PARAMETER: &str = "handling.reimbursement_working_days";

/// An agreement institution as a clerk registers or changes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionRequest {
    pub code: InstitutionCode,
    pub name: String,
    pub kind: ServiceKind,
    /// GB/T 2260 code of the pooling region whose agency signed.
    pub region: RegionCode,
    pub agreement_from: Date,
    #[serde(default)]
    pub agreement_until: Option<Date>,
    /// Payments to it suspended (Decree 765 Art 43), and why; none lifts a
    /// suspension.
    #[serde(default)]
    pub suspended: Option<String>,
}

impl InstitutionRequest {
    fn institution(&self) -> Institution {
        Institution {
            code: self.code.clone(),
            name: self.name.trim().to_owned(),
            kind: self.kind,
            region: self.region,
            agreement_from: self.agreement_from,
            agreement_until: self.agreement_until,
            suspended: self
                .suspended
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        }
    }
}

/// A bill as entered: by a clerk from a provider, or a worker's claim.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicalBillRequest {
    pub kind: ServiceKind,
    /// The registered institution's code; none for a provider that is not
    /// registered (an emergency at the nearest hospital).
    #[serde(default)]
    pub institution: Option<InstitutionCode>,
    /// The provider's name; the registered institution's if absent.
    #[serde(default)]
    pub provider_name: Option<String>,
    pub service_from: Date,
    pub service_until: Date,
    #[serde(default)]
    pub emergency: bool,
    /// The confirmation's document number: an expert's for a
    /// rehabilitation (Jiangsu Art 24), the appraisal committee's for an
    /// assistive device (Art 32).
    #[serde(default)]
    pub confirmation: Option<String>,
    /// The day the agency received it; today if absent (a worker's claim is
    /// always received today).
    #[serde(default)]
    pub received_on: Option<Date>,
    pub lines: Vec<BillLine>,
}

/// What a clerk says when settling: whether the recognition is under
/// administrative review or in court (Art 31: the costs are still paid).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    #[serde(default)]
    pub dispute: Option<Dispute>,
}

/// A bill of a case with the case's number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MedicalBillView {
    pub case_number: String,
    #[serde(flatten)]
    pub bill: MedicalBillRow,
    /// Days left to decide an open manual reimbursement (negative: overdue).
    pub days_left: Option<i64>,
}

impl App {
    /// Registers an agreement institution (Regulations Art 47).
    pub fn register_institution(
        &self,
        actor: &Actor,
        req: &InstitutionRequest,
    ) -> Result<InstitutionRow, AppError> {
        actor.authorize(Action::RegisterInstitution)?;
        let institution = req.institution();
        medical::check_institution(&institution)?;
        Ok(self
            .store
            .register_institution(&institution, &actor.audit_name(), self.now())?)
    }

    /// Changes a registered institution: a renewed agreement, payments
    /// suspended (Decree 765 Art 43) or resumed.
    pub fn update_institution(
        &self,
        actor: &Actor,
        req: &InstitutionRequest,
    ) -> Result<InstitutionRow, AppError> {
        actor.authorize(Action::RegisterInstitution)?;
        let institution = req.institution();
        medical::check_institution(&institution)?;
        Ok(self
            .store
            .update_institution(&institution, &actor.audit_name(), self.now())?)
    }

    /// The published list of agreement institutions (Art 47).
    pub fn institutions(&self, actor: &Actor) -> Result<Vec<InstitutionRow>, AppError> {
        actor.authorize(Action::ReadInstitutions)?;
        Ok(self.store.institutions()?)
    }

    /// A case's medical bills, in the actor's scope.
    pub fn medical_bills(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<MedicalBillView>, AppError> {
        actor.authorize(Action::ReadMedicalBills)?;
        let row = self.case_row(actor, number)?;
        let today = self.case_today();
        Ok(self
            .store
            .medical_bills_of_case(row.id)?
            .into_iter()
            .map(|bill| medical_bill_view(&row.number, bill, today))
            .collect())
    }

    /// Files a provider's bill on a case, settled directly (Decree 765 Art 22).
    pub fn file_medical_bill(
        &self,
        actor: &Actor,
        number: &str,
        req: &MedicalBillRequest,
    ) -> Result<MedicalBillView, AppError> {
        actor.authorize(Action::FileMedicalBill)?;
        self.file_bill(actor, number, req, Route::Direct)
    }

    /// Files a worker's claim for costs they advanced (手工报销), to be decided
    /// within 20 working days of the day it was received (Decree 765 Art 22).
    pub fn claim_reimbursement(
        &self,
        actor: &Actor,
        number: &str,
        req: &MedicalBillRequest,
    ) -> Result<MedicalBillView, AppError> {
        actor.authorize(Action::ClaimReimbursement)?;
        self.file_bill(actor, number, req, Route::ManualReimbursement)
    }

    fn file_bill(
        &self,
        actor: &Actor,
        number: &str,
        req: &MedicalBillRequest,
        route: Route,
    ) -> Result<MedicalBillView, AppError> {
        let row = self.case_row(actor, number)?;
        self.refuse_if_recused(actor, row.id)?;
        if row.flow == Flow::InsurerClaim {
            return Err(AppError::Conflict {
                entity: "case",
                reason: format!(
                    "case {number} is an insurer's claim; its schedule pays the costs, not the fund"
                ),
            });
        }
        let today = self.case_today();
        let received_on = match (req.received_on, actor.scope == Scope::All) {
            (Some(day), true) => day,
            (Some(day), false) if day != today => {
                return Err(AppError::invalid(
                    "received_on",
                    format!("{day}; a claim is received on the day it is made, {today}"),
                ));
            }
            _ => today,
        };
        if received_on > today {
            return Err(AppError::invalid(
                "received_on",
                format!("{received_on} is after today ({today})"),
            ));
        }
        let registered = match &req.institution {
            Some(code) => Some(self.store.institution(code)?.ok_or_else(|| {
                AppError::invalid(
                    "institution",
                    format!(
                        "{code} is not a registered agreement institution; leave it empty and name the provider"
                    ),
                )
            })?),
            None => None,
        };
        let provider_name = req
            .provider_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .or_else(|| registered.as_ref().map(|r| r.institution.name.clone()))
            .ok_or_else(|| {
                AppError::invalid(
                    "provider_name",
                    "is missing; the provider's name on the bill",
                )
            })?;
        let bill = Bill {
            kind: req.kind,
            route,
            institution: req.institution.clone(),
            provider_name,
            service_from: req.service_from,
            service_until: req.service_until,
            emergency: req.emergency,
            confirmation: req
                .confirmation
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            lines: req.lines.clone(),
        };
        medical::check_bill(&bill, row.accident_date, received_on)?;
        let due = if route == Route::ManualReimbursement {
            let days = self
                .policy()
                .at("national", REIMBURSEMENT_DAYS_PARAMETER, received_on)?
                .whole();
            Some(medical::reimbursement_deadline(
                &self.calendar(),
                received_on,
                days,
            )?)
        } else {
            None
        };
        let stored = self.store.file_medical_bill(
            &NewMedicalBill {
                case_id: row.id,
                kind: bill.kind,
                route,
                institution: bill.institution.clone(),
                provider_name: bill.provider_name.clone(),
                service_from: bill.service_from,
                service_until: bill.service_until,
                emergency: bill.emergency,
                confirmation: bill.confirmation.clone(),
                received_on,
                due_on: due.as_ref().map(|d| d.due),
                due_provisional: due.as_ref().is_some_and(|d| d.provisional),
                lines: bill
                    .lines
                    .iter()
                    .map(|l| NewMedicalBillLine {
                        description: l.description.trim().to_owned(),
                        within_catalogue: l.within_catalogue,
                        outside_catalogue: l.outside_catalogue,
                    })
                    .collect(),
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(medical_bill_view(&row.number, stored, today))
    }

    /// Settles a bill of a case (Regulations Arts 30-32, 48; Jiangsu
    /// Art 24): each line paid or refused with its article; a bill that must
    /// wait (the case undecided, payments to the provider suspended) is
    /// held with its reason and may be settled later.
    pub fn settle_medical_bill(
        &self,
        actor: &Actor,
        number: &str,
        bill_id: i64,
        req: &SettleRequest,
    ) -> Result<MedicalBillView, AppError> {
        actor.authorize(Action::SettleMedicalBill)?;
        let loaded = self.load_case(actor, number)?;
        self.refuse_if_recused(actor, loaded.row.id)?;
        let stored = self
            .store
            .medical_bill(bill_id)?
            .filter(|b| b.case_id == loaded.row.id)
            .ok_or_else(|| AppError::NotFound {
                entity: "medical bill",
                key: format!("{bill_id} of case {number}"),
            })?;
        if stored.status == MedicalBillStatus::Settled {
            return Err(AppError::Conflict {
                entity: "medical bill",
                reason: format!("bill {bill_id} is settled already; a bill is settled once"),
            });
        }
        let standing = match (standing_of(&loaded), req.dispute) {
            (CaseStanding::Recognised, Some(d)) => CaseStanding::RecognisedUnderDispute(d),
            (_, Some(_)) => {
                return Err(AppError::invalid(
                    "dispute",
                    format!(
                        "case {number} is {}; Art 31 continues payment while a recognition is under review or in court",
                        loaded.phase_name()
                    ),
                ));
            }
            (standing, None) => standing,
        };
        let institution = match &stored.institution {
            Some(code) => self.store.institution(code)?.map(|r| r.institution),
            None => None,
        };
        let bill = Bill {
            kind: stored.kind,
            route: stored.route,
            institution: stored.institution.clone(),
            provider_name: stored.provider_name.clone(),
            service_from: stored.service_from,
            service_until: stored.service_until,
            emergency: stored.emergency,
            confirmation: stored.confirmation.clone(),
            lines: stored
                .lines
                .iter()
                .map(|l| BillLine {
                    description: l.description.clone(),
                    within_catalogue: l.within_catalogue,
                    outside_catalogue: l.outside_catalogue,
                })
                .collect(),
        };
        let today = self.case_today();
        // Regulations Art 62(2)-(3): a bill of an uninsured unit's worker is
        // the unit's unless its service began after the back-payment.
        let uninsured = self.uninsured_of(&loaded.row)?;
        let row = match medical::settle(&bill, institution.as_ref(), standing) {
            Ok(settlement) => {
                let settlement = match gongshang_rules::uninsured::payer_of(
                    uninsured,
                    gongshang_rules::uninsured::Cost::MedicalCosts,
                    gongshang_rules::Payer::Fund,
                    bill.service_from,
                )
                .payer
                {
                    gongshang_rules::Payer::Fund => settlement,
                    _ => settlement.payable_by_the_unit(),
                };
                let ledger = if settlement.payable.fen() > 0 {
                    let key = format!("medical-bill-{bill_id}");
                    Some(ledger::medical_costs_paid(
                        IdempotencyKey::parse(&key)?,
                        ReferenceId::parse(&key)?,
                        settlement.payable,
                    )?)
                } else {
                    None
                };
                self.store.settle_medical_bill(
                    bill_id,
                    &MedicalSettlementIn {
                        lines: settlement
                            .lines
                            .iter()
                            .map(|l| SettledLineIn {
                                line: i64::from(l.line),
                                payable: l.payable,
                                refused: l.refused,
                                refusal_code: l.refusal.as_ref().map(|r| r.code().to_owned()),
                                refusal_reason: l.refusal.as_ref().map(|r| r.reason_en()),
                                article: l.article.to_owned(),
                            })
                            .collect(),
                        dispute: req.dispute,
                        settled_on: today,
                        ledger,
                    },
                    &actor.audit_name(),
                    self.now(),
                )?
            }
            Err(hold) => self.store.hold_medical_bill(
                bill_id,
                hold.code(),
                &format!("{} ({})", hold.reason_en(), hold.article()),
                &actor.audit_name(),
                self.now(),
            )?,
        };
        Ok(medical_bill_view(&loaded.row.number, row, today))
    }
}

/// Where a case stands for its medical costs.
fn standing_of(loaded: &Loaded) -> CaseStanding {
    if loaded.injury_recognised() {
        return CaseStanding::Recognised;
    }
    let undecided = match loaded.row.flow {
        Flow::Determination => matches!(
            loaded.determination_state().phase,
            determination::Phase::NotFiled
                | determination::Phase::CompletenessReview
                | determination::Phase::AwaitingMaterials
                | determination::Phase::Accepted
        ),
        Flow::Confirmation => matches!(
            loaded.confirmation_state().phase,
            confirmation::Phase::NotFiled | confirmation::Phase::UnderReview
        ),
        Flow::InsurerClaim => false,
    };
    if undecided {
        CaseStanding::Undecided
    } else {
        CaseStanding::NotRecognised
    }
}

/// A bill with its case's number and the days left to decide it.
pub(crate) fn medical_bill_view(
    number: &str,
    bill: MedicalBillRow,
    today: Date,
) -> MedicalBillView {
    let days_left = match (bill.status, bill.due_on) {
        (MedicalBillStatus::Settled, _) | (_, None) => None,
        (_, Some(due)) => Some(days_between(today, due)),
    };
    MedicalBillView {
        case_number: number.to_owned(),
        bill,
        days_left,
    }
}
