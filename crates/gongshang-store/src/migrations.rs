//! The numbered migrations, one file per dialect and version, compiled in.
//! Both dialects define the same tables, columns and rules.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry_ledger",
        sqlite: include_str!("../migrations/sqlite/0001_registry_ledger.sql"),
        postgres: include_str!("../migrations/postgres/0001_registry_ledger.sql"),
    },
    Migration {
        version: 2,
        name: "cases",
        sqlite: include_str!("../migrations/sqlite/0002_cases.sql"),
        postgres: include_str!("../migrations/postgres/0002_cases.sql"),
    },
    Migration {
        version: 3,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0003_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0003_accounts.sql"),
    },
    Migration {
        version: 4,
        name: "views",
        sqlite: include_str!("../migrations/sqlite/0004_views.sql"),
        postgres: include_str!("../migrations/postgres/0004_views.sql"),
    },
    Migration {
        version: 5,
        name: "order_months",
        sqlite: include_str!("../migrations/sqlite/0005_order_months.sql"),
        postgres: include_str!("../migrations/postgres/0005_order_months.sql"),
    },
    Migration {
        version: 6,
        name: "holidays",
        sqlite: include_str!("../migrations/sqlite/0006_holidays.sql"),
        postgres: include_str!("../migrations/postgres/0006_holidays.sql"),
    },
    Migration {
        version: 7,
        name: "event_format",
        sqlite: include_str!("../migrations/sqlite/0007_event_format.sql"),
        postgres: include_str!("../migrations/postgres/0007_event_format.sql"),
    },
    // 8 and 9 are free; numbers need not be
    // contiguous, only increasing.
    Migration {
        version: 10,
        name: "import_state",
        sqlite: include_str!("../migrations/sqlite/0010_import_state.sql"),
        postgres: include_str!("../migrations/postgres/0010_import_state.sql"),
    },
    Migration {
        version: 11,
        name: "credentials_epoch",
        sqlite: include_str!("../migrations/sqlite/0011_credentials_epoch.sql"),
        postgres: include_str!("../migrations/postgres/0011_credentials_epoch.sql"),
    },
    Migration {
        version: 20,
        name: "tickets",
        sqlite: include_str!("../migrations/sqlite/0020_tickets.sql"),
        postgres: include_str!("../migrations/postgres/0020_tickets.sql"),
    },
    // issue 14
    Migration {
        version: 30,
        name: "fund",
        sqlite: include_str!("../migrations/sqlite/0030_fund.sql"),
        postgres: include_str!("../migrations/postgres/0030_fund.sql"),
    },
    // issue 13
    Migration {
        version: 40,
        name: "platform_units",
        sqlite: include_str!("../migrations/sqlite/0040_platform_units.sql"),
        postgres: include_str!("../migrations/postgres/0040_platform_units.sql"),
    },
    // Issue 13 (agency staff): 45-49.
    Migration {
        version: 45,
        name: "award_returns",
        sqlite: include_str!("../migrations/sqlite/0045_award_returns.sql"),
        postgres: include_str!("../migrations/postgres/0045_award_returns.sql"),
    },
    // issue 17: the enrolment commitment of 粤人社规〔2020〕55号 Art 6.
    Migration {
        version: 50,
        name: "enrollment_commitments",
        sqlite: include_str!("../migrations/sqlite/0050_enrollment_commitments.sql"),
        postgres: include_str!("../migrations/postgres/0050_enrollment_commitments.sql"),
    },
    Migration {
        version: 60,
        name: "monitor",
        sqlite: include_str!("../migrations/sqlite/0060_monitor.sql"),
        postgres: include_str!("../migrations/postgres/0060_monitor.sql"),
    },
    // issue 15: tickets about bills and enrolments, agreements sent for review.
    Migration {
        version: 70,
        name: "ticket_subjects_reviews",
        sqlite: include_str!("../migrations/sqlite/0070_ticket_subjects_reviews.sql"),
        postgres: include_str!("../migrations/postgres/0070_ticket_subjects_reviews.sql"),
    },
    // issue 17: recusals (Regulations Art 20(4)).
    Migration {
        version: 75,
        name: "case_recusals",
        sqlite: include_str!("../migrations/sqlite/0075_case_recusals.sql"),
        postgres: include_str!("../migrations/postgres/0075_case_recusals.sql"),
    },
    // issue 12: overpayments recovered (Decree No. 765 Art 46).
    Migration {
        version: 80,
        name: "overpayments",
        sqlite: include_str!("../migrations/sqlite/0080_overpayments.sql"),
        postgres: include_str!("../migrations/postgres/0080_overpayments.sql"),
    },
    // issue 17: appraisal conclusions revoked or corrected (Order No. 55 Art 31).
    Migration {
        version: 110,
        name: "appraisal_revisions",
        sqlite: include_str!("../migrations/sqlite/0110_appraisal_revisions.sql"),
        postgres: include_str!("../migrations/postgres/0110_appraisal_revisions.sql"),
    },
    // issue 12: a worker missing after an accident (Regulations Art 41): 120-129.
    Migration {
        version: 120,
        name: "missing_worker_events",
        sqlite: include_str!("../migrations/sqlite/0120_missing_worker_events.sql"),
        postgres: include_str!("../migrations/postgres/0120_missing_worker_events.sql"),
    },
    // issues 16, 12, 17: shared-data matching (Decree No. 765 Arts 9, 26): 130-139.
    Migration {
        version: 130,
        name: "life_events",
        sqlite: include_str!("../migrations/sqlite/0130_life_events.sql"),
        postgres: include_str!("../migrations/postgres/0130_life_events.sql"),
    },
    // issue 18: 140-149. The distribution catalogue; on the partitioned
    // schema (`?partitioned=1`) also orders, order days and payroll lines
    // partitioned (`PARTITIONED_POSTGRES`).
    Migration {
        version: 140,
        name: "region_distribution",
        sqlite: include_str!("../migrations/sqlite/0140_region_distribution.sql"),
        postgres: include_str!("../migrations/postgres/0140_region_distribution.sql"),
    },
    Migration {
        version: 150,
        name: "case_platform",
        sqlite: include_str!("../migrations/sqlite/0150_case_platform.sql"),
        postgres: include_str!("../migrations/postgres/0150_case_platform.sql"),
    },
    // issue 14 (the fund's accounts at scale, appraisal fees): 155-159.
    Migration {
        version: 155,
        name: "fund_summary_appraisal_fees",
        sqlite: include_str!("../migrations/sqlite/0155_fund_summary_appraisal_fees.sql"),
        postgres: include_str!("../migrations/postgres/0155_fund_summary_appraisal_fees.sql"),
    },
    // issue 17 (articles the map marks missing): 180-189.
    Migration {
        version: 180,
        name: "case_recurrences",
        sqlite: include_str!("../migrations/sqlite/0180_case_recurrences.sql"),
        postgres: include_str!("../migrations/postgres/0180_case_recurrences.sql"),
    },
    // 190: issue 16 (monitoring at scale); 195: issue 12 (arrears); 200: medical costs; 210:
    // issue 17 (liability).
    Migration {
        version: 190,
        name: "order_day_spans",
        sqlite: include_str!("../migrations/sqlite/0190_order_day_spans.sql"),
        postgres: include_str!("../migrations/postgres/0190_order_day_spans.sql"),
    },
    Migration {
        version: 195,
        name: "revision_arrears",
        sqlite: include_str!("../migrations/sqlite/0195_revision_arrears.sql"),
        postgres: include_str!("../migrations/postgres/0195_revision_arrears.sql"),
    },
    Migration {
        version: 200,
        name: "medical_bills",
        sqlite: include_str!("../migrations/sqlite/0200_medical_bills.sql"),
        postgres: include_str!("../migrations/postgres/0200_medical_bills.sql"),
    },
    Migration {
        version: 210,
        name: "unit_successions",
        sqlite: include_str!("../migrations/sqlite/0210_unit_successions.sql"),
        postgres: include_str!("../migrations/postgres/0210_unit_successions.sql"),
    },
    Migration {
        version: 220,
        name: "back_payments",
        sqlite: include_str!("../migrations/sqlite/0220_back_payments.sql"),
        postgres: include_str!("../migrations/postgres/0220_back_payments.sql"),
    },
    // Decree 765 Art 25: stop-benefit events reported, and their deadline.
    Migration {
        version: 230,
        name: "stop_benefit_reports",
        sqlite: include_str!("../migrations/sqlite/0230_stop_benefit_reports.sql"),
        postgres: include_str!("../migrations/postgres/0230_stop_benefit_reports.sql"),
    },
    // Decree 765 Arts 6, 10: registration applications and their deadline.
    Migration {
        version: 231,
        name: "registration_applications",
        sqlite: include_str!("../migrations/sqlite/0231_registration_applications.sql"),
        postgres: include_str!("../migrations/postgres/0231_registration_applications.sql"),
    },
    // Decree 765 Art 45: the record of dishonest acts.
    Migration {
        version: 232,
        name: "credit_records",
        sqlite: include_str!("../migrations/sqlite/0232_credit_records.sql"),
        postgres: include_str!("../migrations/postgres/0232_credit_records.sql"),
    },
    // Order No. 55 Art 31 with Decree 765 Art 46: a one-time payment can
    // be an overpayment (SQLite: the 12-step ALTER, foreign keys off).
    Migration {
        version: 233,
        name: "overpayment_one_time",
        sqlite: include_str!("../migrations/sqlite/0233_overpayment_one_time.sql"),
        postgres: include_str!("../migrations/postgres/0233_overpayment_one_time.sql"),
    },
    // issues 11 and 18: the credentials epoch kept in memory on PostgreSQL,
    // told of changes by LISTEN/NOTIFY (src/epoch_watch.rs).
    Migration {
        version: 260,
        name: "credentials_epoch_notify",
        sqlite: include_str!("../migrations/sqlite/0260_credentials_epoch_notify.sql"),
        postgres: include_str!("../migrations/postgres/0260_credentials_epoch_notify.sql"),
    },
    // issue 12/17: the fund's advance payment (Social Insurance Law Arts
    // 41-42, Order No. 15) and the back-payment's ledger posting.
    Migration {
        version: 270,
        name: "fund_advances",
        sqlite: include_str!("../migrations/sqlite/0270_fund_advances.sql"),
        postgres: include_str!("../migrations/postgres/0270_fund_advances.sql"),
    },
    // issue 14: saved reform scenarios (versioned) and simulation jobs run
    // in the background (src/simulations.rs).
    Migration {
        version: 280,
        name: "simulation_scenarios_jobs",
        sqlite: include_str!("../migrations/sqlite/0280_simulation_scenarios_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0280_simulation_scenarios_jobs.sql"),
    },
    // issue 16: incremental monitoring runs (order batches' days, a run's
    // mode and watermarks).
    Migration {
        version: 290,
        name: "monitor_incremental",
        sqlite: include_str!("../migrations/sqlite/0290_monitor_incremental.sql"),
        postgres: include_str!("../migrations/postgres/0290_monitor_incremental.sql"),
    },
    // Regulations Art 35: a grade 1-4 worker's retirement as a record, which
    // ends the medical insurance base on the allowance (para 2).
    Migration {
        version: 300,
        name: "benefit_retirements",
        sqlite: include_str!("../migrations/sqlite/0300_benefit_retirements.sql"),
        postgres: include_str!("../migrations/postgres/0300_benefit_retirements.sql"),
    },
    // Decree 765 Art 10: a unit's registration cancelled.
    Migration {
        version: 301,
        name: "unit_cancellations",
        sqlite: include_str!("../migrations/sqlite/0301_unit_cancellations.sql"),
        postgres: include_str!("../migrations/postgres/0301_unit_cancellations.sql"),
    },
    // issue 12: the late fee of a bill paid late, assessed with the payment
    // and paid as a debt of its own (Social Insurance Law Art 86;
    // Regulations Art 62(1)).
    Migration {
        version: 310,
        name: "late_fees",
        sqlite: include_str!("../migrations/sqlite/0310_late_fees.sql"),
        postgres: include_str!("../migrations/postgres/0310_late_fees.sql"),
    },
    // 劳社部令第18号 Art 4(2), 4(4): employment, enlistment and adoption end
    // a survivor's pension (life events, matching hits, stop reports).
    Migration {
        version: 320,
        name: "survivor_stop_events",
        sqlite: include_str!("../migrations/sqlite/0320_survivor_stop_events.sql"),
        postgres: include_str!("../migrations/postgres/0320_survivor_stop_events.sql"),
    },
    // Order No. 15 Art 11: the person paid an advance repays it.
    Migration {
        version: 321,
        name: "advance_recipient_repayment",
        sqlite: include_str!("../migrations/sqlite/0321_advance_recipient_repayment.sql"),
        postgres: include_str!("../migrations/postgres/0321_advance_recipient_repayment.sql"),
    },
    // Issue 16: a failed monitoring run (after an import) is kept, to show.
    Migration {
        version: 330,
        name: "monitor_run_failures",
        sqlite: include_str!("../migrations/sqlite/0330_monitor_run_failures.sql"),
        postgres: include_str!("../migrations/postgres/0330_monitor_run_failures.sql"),
    },
    // Issue 17: a predecessor's unpaid bills taken over by its successor
    // (Regulations Art 43(1)).
    Migration {
        version: 340,
        name: "succession_debts",
        sqlite: include_str!("../migrations/sqlite/0340_succession_debts.sql"),
        postgres: include_str!("../migrations/postgres/0340_succession_debts.sql"),
    },
    // Issue 13: an order import's progress has a total.
    Migration {
        version: 350,
        name: "import_rows_expected",
        sqlite: include_str!("../migrations/sqlite/0350_import_rows_expected.sql"),
        postgres: include_str!("../migrations/postgres/0350_import_rows_expected.sql"),
    },
    // 劳社部令第18号 Art 5: a survivor's pension stopped while its recipient
    // serves a sentence, owed again after the release.
    Migration {
        version: 370,
        name: "benefit_pauses",
        sqlite: include_str!("../migrations/sqlite/0370_benefit_pauses.sql"),
        postgres: include_str!("../migrations/postgres/0370_benefit_pauses.sql"),
    },
    Migration {
        version: 390,
        name: "advance_months",
        sqlite: include_str!("../migrations/sqlite/0390_advance_months.sql"),
        postgres: include_str!("../migrations/postgres/0390_advance_months.sql"),
    },
    // 广东省工伤保险条例 Art 37: a benefit not verified within the period is
    // suspended until a verification is recorded.
    Migration {
        version: 400,
        name: "unverified_suspensions",
        sqlite: include_str!("../migrations/sqlite/0400_unverified_suspensions.sql"),
        postgres: include_str!("../migrations/postgres/0400_unverified_suspensions.sql"),
    },
    // 人社厅发〔2022〕16号, 人社部发〔2022〕31号: an approved deferral of a unit's
    // premiums (缓缴) and its revocation.
    Migration {
        version: 410,
        name: "premium_deferrals",
        sqlite: include_str!("../migrations/sqlite/0410_premium_deferrals.sql"),
        postgres: include_str!("../migrations/postgres/0410_premium_deferrals.sql"),
    },
    // Issue 16: each order day's orders by order industry, kept by every
    // import, for industry_class_vs_orders.
    Migration {
        version: 420,
        name: "order_day_industries",
        sqlite: include_str!("../migrations/sqlite/0420_order_day_industries.sql"),
        postgres: include_str!("../migrations/postgres/0420_order_day_industries.sql"),
    },
    // Issue 17, Guangdong Regulations Art 56: the unit's difference of a
    // monthly item runs beside the fund's benefit of the same item.
    Migration {
        version: 430,
        name: "periodic_benefits_open_by_payer",
        sqlite: include_str!("../migrations/sqlite/0430_periodic_benefits_open_by_payer.sql"),
        postgres: include_str!("../migrations/postgres/0430_periodic_benefits_open_by_payer.sql"),
    },
    // Issue 17, Guangdong Regulations Art 56: what the unit paid the worker
    // of the items an approved award makes it owe.
    Migration {
        version: 440,
        name: "unit_due_payments",
        sqlite: include_str!("../migrations/sqlite/0440_unit_due_payments.sql"),
        postgres: include_str!("../migrations/postgres/0440_unit_due_payments.sql"),
    },
    // Issue 17, Guangdong Regulations Art 29: a benefit paid half-yearly.
    Migration {
        version: 441,
        name: "payment_frequency",
        sqlite: include_str!("../migrations/sqlite/0441_payment_frequency.sql"),
        postgres: include_str!("../migrations/postgres/0441_payment_frequency.sql"),
    },
];

/// The PostgreSQL migrations that differ on the partitioned schema (issue
/// 18), by version: a store opened with `partitioned=1` (URL) or
/// `GONGSHANG_PG_PARTITIONED=1` runs these instead of the plain files. The
/// choice is made once, when the migration runs: a database keeps the
/// schema it was created with whatever later URLs say.
pub const PARTITIONED_POSTGRES: &[(i64, &str)] = &[(
    140,
    include_str!("../migrations/postgres/0140_region_distribution_partitioned.sql"),
)];

/// The PostgreSQL text of a migration on the plain or the partitioned schema.
pub fn postgres_sql(m: &Migration, partitioned: bool) -> &'static str {
    match PARTITIONED_POSTGRES.iter().find(|(v, _)| *v == m.version) {
        Some((_, sql)) if partitioned => sql,
        _ => m.postgres,
    }
}

/// The line a SQLite migration carries when it must run with foreign keys
/// off (SQLite's 12-step ALTER: a table rebuilt under its children's
/// references); the runner turns them off before its transaction, checks
/// them before committing and turns them on again.
pub const SQLITE_FOREIGN_KEYS_OFF: &str = "-- sqlite: foreign_keys off";

/// The latest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
