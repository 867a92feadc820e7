//! Monitoring (issue 16): the facts come back grouped by the database (a
//! person's day of orders across platforms, a platform's declared month
//! against its stored one), a run's plan is written once, and an alert's
//! events are append-only.

use gongshang_domain::monitor::{
    AlertCommand, AlertState, Flag, Outcome, PlannedAlert, RecordRef, RunPlan, Subject, decide,
};
use gongshang_rules::monitoring::Severity;
use gongshang_store::monitor::{AlertFilter, FactFilter, PlatformDeclaration};

use crate::common::*;

fn order_at(
    platform_text: &str,
    n: u32,
    person: u32,
    day: jiff::civil::Date,
    h: i8,
    m: i8,
) -> gongshang_store::OrderRecord {
    let mut o = orders(platform_text, n, 1, 1).remove(0);
    o.resident_id = resident(person);
    o.day = day;
    o.ordered_at = day
        .at(h, m, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp();
    o
}

fn flag(key: &str, person: u32) -> Flag {
    Flag {
        rule_id: "hours_in_day".into(),
        rule_version: 1,
        subject: Subject::person(resident(person).as_str()),
        key: key.into(),
        records: vec![RecordRef::new("order_day", key)],
        text_zh: "长".into(),
        text_en: "long".into(),
    }
}

#[test]
fn a_persons_day_of_orders_is_grouped_across_platforms_in_the_database() {
    each_backend(|db| {
        let s = &*db.store;
        let import = s.begin_import("orders", "day.csv", ACTOR, now()).unwrap();
        let day = d(2025, 3, 2);
        let batch = vec![
            // Person 1: 05:50 on one platform, 23:10 on another: 17 h 20 min.
            order_at("meituan", 1, 1, day, 5, 50),
            order_at("eleme", 2, 1, day, 23, 10),
            order_at("meituan", 3, 1, day, 12, 0),
            // Person 2: 08:00 to 22:00, 14 hours: a near miss.
            order_at("meituan", 4, 2, day, 8, 0),
            order_at("meituan", 5, 2, day, 22, 0),
            // Person 3: 00:30 to 23:59 on two different days: no day is long.
            order_at("meituan", 6, 3, day, 0, 30),
            order_at("meituan", 7, 3, d(2025, 3, 3), 23, 59),
        ];
        s.import_orders(&batch, import, ACTOR, now()).unwrap();
        let facts = s
            .monitor_facts(&FactFilter {
                max_span_minutes: Some(16 * 60),
                ..FactFilter::default()
            })
            .unwrap();
        assert_eq!(facts.long_days.len(), 1, "{:?}", facts.long_days);
        let long = &facts.long_days[0];
        assert_eq!(long.person, resident(1).as_str());
        assert_eq!(
            (long.first_minute, long.last_minute),
            (5 * 60 + 50, 23 * 60 + 10)
        );
        assert_eq!((long.orders, long.platforms), (3, 2));

        // The same file again with one more order (person 2 at 05:30: a 16 h
        // 30 min day): the orders stored before count once, the new one
        // widens its day (on PostgreSQL the batch takes the staging path).
        let import = s.begin_import("orders", "day-2.csv", ACTOR, now()).unwrap();
        let mut again = batch.clone();
        again.push(order_at("eleme", 8, 2, day, 5, 30));
        s.import_orders(&again, import, ACTOR, now()).unwrap();
        let facts = s
            .monitor_facts(&FactFilter {
                max_span_minutes: Some(16 * 60),
                ..FactFilter::default()
            })
            .unwrap();
        let days: Vec<(String, i64, i64, i64, i64)> = facts
            .long_days
            .iter()
            .map(|d| {
                (
                    d.person.clone(),
                    d.first_minute,
                    d.last_minute,
                    d.orders,
                    d.platforms,
                )
            })
            .collect();
        assert_eq!(
            days,
            [
                (resident(1).to_string(), 5 * 60 + 50, 23 * 60 + 10, 3, 2),
                (resident(2).to_string(), 5 * 60 + 30, 22 * 60, 3, 2),
            ]
        );

        // A platform's declaration beside its stored month.
        let decl = PlatformDeclaration {
            platform: "meituan".into(),
            month: "2025-03".into(),
            orders: 10,
            premium_fen: 30,
            declared_at: None,
            actor: None,
        };
        s.declare_platform_month(&decl, ACTOR, now()).unwrap();
        let again = s.declare_platform_month(&decl, ACTOR, now()).unwrap_err();
        assert_eq!(again.code(), "duplicate");
        let facts = s
            .monitor_facts(&FactFilter {
                max_span_minutes: None,
                ..FactFilter::default()
            })
            .unwrap();
        assert!(facts.long_days.is_empty());
        let m = &facts.platform_months[0];
        assert_eq!((m.declared_orders, m.stored_orders), (10, 6));
        assert_eq!((m.declared_premium_fen, m.stored_premium_fen), (30, 18));
        assert_eq!(s.platform_declarations("meituan").unwrap().len(), 1);
    });
}

#[test]
fn a_runs_plan_is_written_once_and_an_alerts_events_are_append_only() {
    each_backend(|db| {
        let s = &*db.store;
        let rules = vec!["hours_in_day".to_owned()];
        // Two pending flags of person 1.
        let plan = RunPlan {
            pending: vec![flag("p1/d1", 1), flag("p1/d2", 1)],
            ..RunPlan::default()
        };
        let run = s
            .write_monitor_run(d(2026, 1, 1), &rules, 2, &plan, ACTOR, now())
            .unwrap();
        assert_eq!((run.flags_new, run.alerts_opened), (2, 0));
        let known = s.monitor_known().unwrap();
        assert_eq!(known.flags.len(), 2);
        let group = (
            "hours_in_day".to_owned(),
            Subject::person(resident(1).as_str()),
        );
        assert_eq!(known.pending[&group], 2);
        // A third opens the alert, which takes the two pending with it.
        let plan = RunPlan {
            new_alerts: vec![PlannedAlert {
                rule_id: "hours_in_day".into(),
                rule_version: 1,
                severity: Severity::Medium,
                subject: group.1.clone(),
                flags: vec![flag("p1/d3", 1)],
            }],
            ..RunPlan::default()
        };
        let run = s
            .write_monitor_run(d(2026, 1, 2), &rules, 3, &plan, ACTOR, now())
            .unwrap();
        assert_eq!(run.alerts_opened, 1);
        let alerts = s
            .list_alerts(&AlertFilter {
                state: Some("active".into()),
                rule_id: None,
                limit: 50,
            })
            .unwrap();
        assert_eq!(alerts.len(), 1);
        let alert = &alerts[0];
        assert_eq!(
            (alert.flags, alert.state, alert.version),
            (3, AlertState::Open, 1)
        );
        assert_eq!(s.alert_flags(alert.id).unwrap().len(), 3);
        let known = s.monitor_known().unwrap();
        assert_eq!(known.open_alerts[&group], alert.id);
        assert!(known.pending.is_empty());
        // The same flag again adds nothing (the key is unique).
        let plan = RunPlan {
            to_open_alerts: vec![(alert.id, flag("p1/d3", 1))],
            ..RunPlan::default()
        };
        s.write_monitor_run(d(2026, 1, 3), &rules, 3, &plan, ACTOR, now())
            .unwrap();
        assert_eq!(s.alert(alert.id).unwrap().unwrap().flags, 3);

        // Investigate, then close; a stale version is a conflict.
        let ev = decide(
            alert.state,
            &AlertCommand::Investigate {
                note: "asked the platforms".into(),
            },
        )
        .unwrap();
        let moved = s
            .append_alert_event(alert.id, 1, &ev, ACTOR, now())
            .unwrap();
        assert_eq!((moved.state, moved.version), (AlertState::Investigating, 2));
        let stale = s
            .append_alert_event(alert.id, 1, &ev, ACTOR, now())
            .unwrap_err();
        assert_eq!(stale.code(), "conflict");
        let close = decide(
            moved.state,
            &AlertCommand::Close {
                outcome: Outcome::Unfounded,
                note: "two riders share a phone".into(),
            },
        )
        .unwrap();
        s.append_alert_event(alert.id, 2, &close, ACTOR, now())
            .unwrap();
        let events = s.alert_events(alert.id).unwrap();
        assert_eq!(
            events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
            ["opened", "investigate", "close"]
        );
        assert_eq!(
            s.closed_alert_outcomes().unwrap(),
            [("hours_in_day".to_owned(), "unfounded".to_owned())]
        );
        assert!(
            db.raw_execute("UPDATE monitor_alert_events SET note = 'x'")
                .is_err()
        );
        assert!(db.raw_execute("DELETE FROM monitor_alert_events").is_err());
    });
}

fn unit_alert(key: &str, severity: Severity, subject: Subject) -> PlannedAlert {
    // One alert per rule and subject is open at a time: a rule per alert.
    PlannedAlert {
        rule_id: format!("rule_{key}"),
        rule_version: 1,
        severity,
        subject,
        flags: vec![Flag {
            rule_id: format!("rule_{key}"),
            rule_version: 1,
            subject: Subject::unit("x"),
            key: key.into(),
            records: vec![RecordRef::new("case", key)],
            text_zh: "聚集".into(),
            text_en: "clustered".into(),
        }],
    }
}

/// Grading (issue 16) counts, per unit and platform, the alerts still
/// active or closed as confirmed in the year, the bills overdue with
/// something outstanding, and the cases with an accident in the year; a
/// closed unfounded alert, a paid bill and an older case count nothing.
#[test]
fn grading_counts_each_subjects_alerts_arrears_and_cases_in_the_database() {
    use gongshang_store::cases::{CaseAppend, CaseSnapshot, NewCase, NewCaseEvent};
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.employees");
        enrolled(s, 2, 2, "guangdong.employees");
        // Unit 1: two bills due 2025-04-15, one paid in full.
        for (r, month) in [("M1", "2025-03"), ("M2", "2025-02")] {
            s.issue_bill(&monthly_bill(r, 1, e1, month, yuan("100")), ACTOR, now())
                .unwrap();
        }
        let paid = s.bill_by_reference("M2").unwrap().unwrap();
        s.record_payment(
            &gongshang_store::NewPayment {
                idempotency_key: "pay-M2".into(),
                bill_id: paid.status.bill_id,
                amount: yuan("100"),
                paid_on: d(2025, 4, 1),
                coverage: Vec::new(),
                ledger: payment_ledger("pay-M2", "M2", yuan("100")),
            },
            ACTOR,
            now(),
        )
        .unwrap();
        // Alerts: unit 1 high (open) and medium (closed confirmed), unit 2
        // low (closed unfounded), platform meituan medium (open).
        let plan = RunPlan {
            new_alerts: vec![
                unit_alert("a1", Severity::High, Subject::unit(credit(1).as_str())),
                unit_alert("a2", Severity::Medium, Subject::unit(credit(1).as_str())),
                unit_alert("a3", Severity::Low, Subject::unit(credit(2).as_str())),
                unit_alert("a4", Severity::Medium, Subject::platform("meituan")),
            ],
            ..RunPlan::default()
        };
        s.write_monitor_run(d(2025, 6, 1), &[], 4, &plan, ACTOR, now())
            .unwrap();
        let alerts = s
            .list_alerts(&AlertFilter {
                state: None,
                rule_id: None,
                limit: 10,
            })
            .unwrap();
        for (subject, severity, outcome) in [
            (credit(1).to_string(), Severity::Medium, Outcome::Confirmed),
            (credit(2).to_string(), Severity::Low, Outcome::Unfounded),
        ] {
            let a = alerts
                .iter()
                .find(|a| a.subject.key == subject && a.severity == severity)
                .unwrap();
            let close = decide(
                a.state,
                &AlertCommand::Close {
                    outcome,
                    note: "checked".into(),
                },
            )
            .unwrap();
            s.append_alert_event(a.id, a.version, &close, ACTOR, now())
                .unwrap();
        }
        // Cases: two of unit 1 in the year, one of unit 1 before it, one
        // on meituan's order.
        for (n, unit, on, platform) in [
            (1, Some(1), d(2025, 3, 10), None),
            (2, Some(1), d(2025, 5, 10), None),
            (3, Some(1), d(2024, 1, 10), None),
            (4, None, d(2025, 5, 1), Some("meituan")),
        ] {
            s.create_case(
                &NewCase {
                    number: None,
                    flow: gongshang_domain::case::Flow::Determination,
                    person: resident(n),
                    unit: unit.map(credit),
                    scheme_id: "guangdong.employees".parse().unwrap(),
                    jurisdiction: "guangdong".into(),
                    region: Some("440106".into()),
                    accident_key: format!("acc-{n}"),
                    accident_date: on,
                    platform: platform.map(crate::common::platform),
                },
                &CaseAppend {
                    expected_version: 0,
                    events: vec![NewCaseEvent {
                        stream: "determination".parse().unwrap(),
                        kind: "filed".into(),
                        format: 1,
                        on,
                        body: r#"{"event":"filed"}"#.into(),
                    }],
                    snapshot: CaseSnapshot {
                        state: "completeness_review".parse().unwrap(),
                        closed: false,
                        deadline: None,
                    },
                    recognises: None,
                    conclusions: Vec::new(),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        }

        let graded = s.grading_subjects(d(2024, 6, 2), d(2025, 6, 1)).unwrap();
        let find = |k: &str| {
            graded
                .iter()
                .find(|g| g.subject.key == k)
                .unwrap_or_else(|| panic!("{k} graded"))
        };
        let u1 = find(credit(1).as_str());
        assert_eq!(u1.counts.alerts, (1, 1, 0), "open high, confirmed medium");
        assert_eq!(
            (u1.counts.overdue_bills, u1.counts.outstanding),
            (1, yuan("100"))
        );
        assert_eq!(u1.counts.cases, 2, "the 2024 case is outside the year");
        assert_eq!(u1.district.as_deref(), Some("440106"));
        assert_eq!(u1.industry_class, Some(2));
        let u2 = find(credit(2).as_str());
        assert_eq!(u2.counts, Default::default(), "unfounded counts nothing");
        let p = find("meituan");
        assert_eq!(
            p.subject.kind,
            gongshang_domain::monitor::SubjectKind::Platform
        );
        assert_eq!((p.counts.alerts, p.counts.cases), ((0, 1, 0), 1));
        assert_eq!(graded.len(), 3);
    });
}

/// Incremental runs (issue 16): an order batch records its days; an
/// incremental scope reads the long days of the days written after its
/// lower watermark only, and a full read finds both.
#[test]
fn an_incremental_scope_reads_the_order_days_of_the_batches_past_the_watermark() {
    use gongshang_store::monitor::FactScope;
    each_backend(|db| {
        let s = &*db.store;
        let (first, second) = (d(2025, 3, 2), d(2025, 3, 3));
        let import = s.begin_import("orders", "a.csv", ACTOR, now()).unwrap();
        s.import_orders(
            &[
                order_at("meituan", 1, 1, first, 5, 50),
                order_at("eleme", 2, 1, first, 23, 10),
            ],
            import,
            ACTOR,
            now(),
        )
        .unwrap();
        let before = s.monitor_watermarks().unwrap();
        assert!(before["order_batch_days"] >= 2, "{before:?}");
        let import = s.begin_import("orders", "b.csv", ACTOR, now()).unwrap();
        s.import_orders(
            &[
                order_at("meituan", 3, 2, second, 5, 0),
                order_at("meituan", 4, 2, second, 22, 30),
            ],
            import,
            ACTOR,
            now(),
        )
        .unwrap();
        let after = s.monitor_watermarks().unwrap();
        assert_eq!(after["order_batch_days"], before["order_batch_days"] + 1);
        let long = |scope: Option<FactScope>| -> Vec<(String, jiff::civil::Date)> {
            s.monitor_facts(&FactFilter {
                max_span_minutes: Some(16 * 60),
                orders_window: None,
                scope,
            })
            .unwrap()
            .long_days
            .into_iter()
            .map(|f| (f.person, f.day))
            .collect()
        };
        assert_eq!(
            long(Some(FactScope {
                since: before.clone(),
                until: after.clone(),
            })),
            [(resident(2).as_str().to_owned(), second)],
            "{}",
            db.name
        );
        // Nothing written since: nothing read.
        assert!(
            long(Some(FactScope {
                since: after.clone(),
                until: after.clone(),
            }))
            .is_empty()
        );
        assert_eq!(long(None).len(), 2);
    });
}

/// On PostgreSQL an id is drawn when a row is inserted but seen when its
/// transaction commits, so a later id can be seen first. The watermark is
/// read under a SHARE lock on the table, which waits for the transaction
/// that drew the lower id: when the watermark is read, every id under it is
/// committed (SQLite has one writer, so nothing commits out of order).
#[test]
fn a_watermark_waits_for_a_transaction_that_drew_a_lower_id_to_commit() {
    each_backend(|db| {
        let Location::Postgres { url, schema } = &db.location else {
            return;
        };
        let connect = || {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            c.batch_execute(&format!("SET search_path TO {schema}"))
                .unwrap();
            c
        };
        let insert = "INSERT INTO order_batch_days (import_id, platform, day) VALUES (1, 'meituan', '2025-03-02') RETURNING id";
        let mut slow = connect();
        let mut tx = slow.transaction().unwrap();
        let lower: i64 = tx.query_one(insert, &[]).unwrap().get(0);
        let higher: i64 = connect().query_one(insert, &[]).unwrap().get(0);
        assert!(higher > lower);
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let marks = db.store.monitor_watermarks().unwrap();
                let mark = marks["order_batch_days"];
                let seen: i64 = connect()
                    .query_one(
                        "SELECT COUNT(*) FROM order_batch_days WHERE id <= $1",
                        &[&mark],
                    )
                    .unwrap()
                    .get(0);
                (mark, seen)
            });
            // Let the reader reach the lock first (a pause, not a timing
            // assertion: without the lock the reader would see `higher`
            // alone).
            std::thread::sleep(std::time::Duration::from_millis(300));
            tx.commit().unwrap();
            assert_eq!(reader.join().unwrap(), (higher, 2));
        });
    });
}

/// industry_class_vs_orders' facts: per unit, the people it enrolled who
/// took orders in the window, by the industry holding more than half of
/// each one's orders there (none: ''), counted in the database with the
/// people with the most orders as examples. Orders before the window, people
/// the unit did not enrol and units rated at or above `below_class` do not
/// come back.
#[test]
fn units_people_are_counted_by_the_industry_of_most_of_their_orders_in_the_window() {
    use gongshang_rules::scheme::OrderIndustry;
    use gongshang_store::monitor::{FactScope, OrdersWindow};
    each_backend(|db| {
        let s = &*db.store;
        for person in 1..=4 {
            enrolled(s, 1, person, "guangdong.employees");
        }
        enrolled(s, 2, 5, "guangdong.employees");
        let mut n = 0;
        let mut batch = Vec::new();
        let mut add = |person: u32, day: jiff::civil::Date, industry: OrderIndustry, count: u32| {
            for _ in 0..count {
                n += 1;
                let mut o = order_at("meituan", n, person, day, 10, 0);
                o.industry = industry;
                batch.push(o);
            }
        };
        let inside = d(2025, 3, 20);
        // Person 1: 3 ride hailing of 4: ride hailing.
        add(1, inside, OrderIndustry::RideHailing, 3);
        add(1, inside, OrderIndustry::InstantDelivery, 1);
        // Person 2: 2 and 2: no industry holds most.
        add(2, inside, OrderIndustry::RideHailing, 2);
        add(2, d(2025, 3, 10), OrderIndustry::InstantDelivery, 2);
        // Person 3: freight, all the day before the window.
        add(3, d(2025, 3, 9), OrderIndustry::IntraCityFreight, 5);
        // Person 4: one delivery on the window's last day.
        add(4, d(2025, 3, 31), OrderIndustry::InstantDelivery, 1);
        // Person 5 of unit 2; person 6 enrolled by nobody.
        add(5, inside, OrderIndustry::RideHailing, 2);
        add(6, inside, OrderIndustry::RideHailing, 9);
        let import = s
            .begin_import("orders", "classes.csv", ACTOR, now())
            .unwrap();
        s.import_orders(&batch, import, ACTOR, now()).unwrap();
        let window = OrdersWindow {
            from: d(2025, 3, 10),
            to: d(2025, 3, 31),
            below_class: 5,
        };
        let gather = |window: OrdersWindow, scope: Option<FactScope>| {
            s.monitor_facts(&FactFilter {
                max_span_minutes: None,
                orders_window: Some(window),
                scope,
            })
            .unwrap()
            .unit_order_industries
            .into_iter()
            .map(|f| {
                (
                    f.unit,
                    f.industry_class,
                    f.industry,
                    f.people,
                    f.orders,
                    f.examples,
                )
            })
            .collect::<Vec<_>>()
        };
        let p = |n: u32| resident(n).to_string();
        let (u1, u2) = (credit(1).to_string(), credit(2).to_string());
        assert_eq!(
            gather(window, None),
            [
                (u1.clone(), 2, None, 1, 4, vec![(p(2), 4)]),
                (
                    u1.clone(),
                    2,
                    Some("instant_delivery".to_owned()),
                    1,
                    1,
                    vec![(p(4), 1)]
                ),
                (
                    u1.clone(),
                    2,
                    Some("ride_hailing".to_owned()),
                    1,
                    3,
                    vec![(p(1), 3)]
                ),
                (
                    u2.clone(),
                    2,
                    Some("ride_hailing".to_owned()),
                    1,
                    2,
                    vec![(p(5), 2)]
                ),
            ]
        );
        // A unit rated at the highest class of an order industry or above
        // is not read.
        let none = OrdersWindow {
            below_class: 2,
            ..window
        };
        assert!(gather(none, None).is_empty());
        // An incremental run reads nothing after nothing new, nor after an
        // order batch alone (the nightly full run reads those); after a
        // new enrolment, the enrolling unit's people.
        let marks = s.monitor_watermarks().unwrap();
        let nothing_new = FactScope {
            since: marks.clone(),
            until: marks.clone(),
        };
        assert!(gather(window, Some(nothing_new)).is_empty());
        let mut before = marks.clone();
        before.insert("order_batch_days".into(), 0);
        let after_batch = FactScope {
            since: before,
            until: marks.clone(),
        };
        assert!(gather(window, Some(after_batch)).is_empty());
        enrolled(s, 2, 6, "guangdong.employees");
        let after_enrolment = FactScope {
            since: marks,
            until: s.monitor_watermarks().unwrap(),
        };
        let unit_2: Vec<_> = gather(window, Some(after_enrolment))
            .into_iter()
            .map(|(unit, _, industry, people, orders, _)| (unit, industry, people, orders))
            .collect();
        // Person 6's nine ride-hailing orders now count for unit 2.
        assert_eq!(
            unit_2,
            [(u2.clone(), Some("ride_hailing".to_owned()), 2, 11)]
        );
    });
}
