//! Who bears the liability when units change or workers are lent out
//! (Regulations Arts 43-44, Jiangsu measures Arts 35-36) and the over-age
//! worker's agreement (Order No. 56 Art 6), through the use cases, on each
//! backend. Today is 2026-06-30; the case's accident is of 2025-03-10 at
//! unit 1 in Guangzhou.

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::liability::{
    EnrollmentTransferRequest, LiabilityQuery, SecondmentRequest, SuccessionRequest,
    SuspensionRequest,
};
use gongshang_app::{At, CoverageReason};
use gongshang_domain::ids::CreditCode;
use gongshang_domain::liability::{LiabilityRule, Liable, SuccessionKind};
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::CountryCode;
use gongshang_rules::scheme::Category;
use gongshang_store::NewEngagement;
use jiff::civil::date;

use super::cases::{
    CHECKER, MAKER, appr, award_request, each_backend, employee, month, recognised,
};
use super::{ADMIN, unit};

fn unit_actor(u: CreditCode) -> Actor {
    Actor {
        login: "unit".into(),
        role: Role::Unit,
        scope: Scope::Unit {
            unit: u,
            platform: None,
        },
    }
}

fn merger(successor: CreditCode, on: jiff::civil::Date) -> SuccessionRequest {
    SuccessionRequest {
        successor,
        kind: SuccessionKind::Merger,
        effective_on: on,
        document: "穗人社变更〔2026〕1号".into(),
        contractor_qualified: None,
    }
}

#[test]
fn regs_art43_1_a_case_s_liability_moves_to_the_successor_from_the_merger() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let row = app.store().case_by_number(&number).unwrap().unwrap();
        let u1 = row.unit.unwrap();
        let u2 = unit(app, 2, "440106");
        let before = app.case_liability(&ADMIN, &number, None).unwrap();
        assert_eq!(before.answer.liable, Liable::Unit { unit: u1 });

        app.record_succession(&ADMIN, &u1, &merger(u2, date(2026, 1, 1)))
            .unwrap();
        let on_eve = app
            .case_liability(&ADMIN, &number, Some(date(2025, 12, 31)))
            .unwrap();
        assert_eq!(on_eve.answer.liable, Liable::Unit { unit: u1 });
        let now = app.case_liability(&ADMIN, &number, None).unwrap();
        assert_eq!(now.answer.liable, Liable::Unit { unit: u2 });
        let last = now.answer.steps.last().unwrap();
        assert_eq!(last.rule, LiabilityRule::Successor(SuccessionKind::Merger));
        assert_eq!(last.articles[0].en, "Regulations Art 43(1)");
        // The worker reads their own case's answer; the unit its own.
        let worker = Actor {
            login: "w".into(),
            role: Role::Worker,
            scope: Scope::Person(row.person),
        };
        assert!(app.case_liability(&worker, &number, None).is_ok());
        assert!(app.case_liability(&unit_actor(u1), &number, None).is_ok());

        // The award sheet says who pays the employer's items (Art 43(1)).
        appr(
            app,
            &number,
            gongshang_domain::appraisal::Command::Apply,
            date(2025, 8, 1),
        );
        appr(
            app,
            &number,
            gongshang_domain::appraisal::Command::Conclude {
                grade: Some(7),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let award = app
            .compute_award(
                &MAKER,
                &number,
                &award_request(
                    serde_json::json!({"own_wage": "8500.00", "suspension_months": 6}),
                    "initial",
                ),
            )
            .unwrap();
        app.approve_award(&CHECKER, award.award.id).unwrap();
        let gongshang_app::notices::Notice::Award(sheet) = app
            .case_notice(&ADMIN, &number, gongshang_app::notices::NoticeKind::Award)
            .unwrap()
        else {
            panic!("an award sheet")
        };
        assert!(
            sheet
                .notes
                .iter()
                .any(|n| n.contains(u2.as_str()) && n.contains("第四十三条第一款")),
            "{:?}",
            sheet.notes
        );

        // Twice, backwards (a cycle), in the future, by a unit: refused.
        let again = app
            .record_succession(&ADMIN, &u1, &merger(u2, date(2026, 1, 1)))
            .unwrap_err();
        assert_eq!(again.code(), "input_conflict", "{again}");
        let cycle = app
            .record_succession(&ADMIN, &u2, &merger(u1, date(2026, 2, 1)))
            .unwrap_err();
        assert_eq!(cycle.code(), "input_conflict", "{cycle}");
        let u3 = unit(app, 3, "440106");
        let future = app
            .record_succession(&ADMIN, &u1, &merger(u3, date(2026, 7, 1)))
            .unwrap_err();
        assert_eq!(future.field(), Some("effective_on"));
        assert_eq!(
            app.record_succession(&unit_actor(u1), &u1, &merger(u3, date(2026, 1, 1)))
                .unwrap_err()
                .code(),
            "forbidden"
        );
        assert_eq!(
            app.successions_of_unit(&unit_actor(u2), &u2).unwrap().len(),
            1
        );
        assert_eq!(
            app.successions_of_unit(&unit_actor(u3), &u1)
                .unwrap_err()
                .code(),
            "not_found"
        );
    });
}

#[test]
fn regs_art43_3_a_seconded_worker_s_original_employer_bears_the_liability() {
    each_backend(|app, _| {
        let (u4, p4) = employee(app, 4);
        let u5 = unit(app, 5, "440106");
        let engagement = app
            .add_engagement(
                &ADMIN,
                &NewEngagement {
                    person: p4,
                    unit: u4,
                    category: Category::Employee,
                    start: date(2024, 1, 1),
                    end: None,
                },
            )
            .unwrap();
        let lend = SecondmentRequest {
            to_unit: u5,
            start: date(2025, 2, 1),
            end: Some(date(2025, 12, 31)),
            agreed_compensation_percent: Some(50),
            agreement: Some("借调协议 2025-02".into()),
        };
        // The seconded-to unit does not record it; the employer does.
        assert_eq!(
            app.record_secondment(&unit_actor(u5), engagement, &lend)
                .unwrap_err()
                .code(),
            "not_found"
        );
        let s = app
            .record_secondment(&unit_actor(u4), engagement, &lend)
            .unwrap();
        assert_eq!(s.from_unit, u4);
        let overlapping = app
            .record_secondment(
                &unit_actor(u4),
                engagement,
                &SecondmentRequest {
                    end: None,
                    ..lend.clone()
                },
            )
            .unwrap_err();
        assert_eq!(overlapping.code(), "input_conflict");
        // Injured at unit 5 during the secondment: unit 4 bears it.
        let answer = app
            .liability(
                &ADMIN,
                &LiabilityQuery {
                    unit: u5,
                    injury_date: date(2025, 6, 1),
                    on: None,
                    person: Some(p4),
                },
            )
            .unwrap()
            .answer;
        assert_eq!(answer.liable, Liable::Unit { unit: u4 });
        assert_eq!(answer.agreed_compensation.unwrap().percent, 50);
        // Both units see it; the worker too.
        assert_eq!(app.secondments(&unit_actor(u5), &p4).unwrap().len(), 1);
        assert_eq!(app.secondments(&unit_actor(u4), &p4).unwrap().len(), 1);
        assert_eq!(
            app.secondments(&unit_actor(unit(app, 6, "440106")), &p4)
                .unwrap()
                .len(),
            0
        );

        // Order No. 56 Art 6: the unit keeps the agreement with the engagement.
        let mut agreement = OverAgeAgreement {
            signed_on: date(2026, 6, 1),
            term_start: date(2026, 6, 1),
            term_end: None,
            work_content: "保洁".into(),
            work_place: "广州市天河区".into(),
            working_hours: "每日6小时".into(),
            pay: String::new(),
            social_insurance: "工伤保险".into(),
            labour_protection: "劳保用品".into(),
        };
        let refused = app
            .record_over_age_agreement(&unit_actor(u4), engagement, &agreement)
            .unwrap_err();
        assert_eq!(refused.field(), Some("pay"));
        agreement.pay = "每月3000元".into();
        app.record_over_age_agreement(&unit_actor(u4), engagement, &agreement)
            .unwrap();
        assert_eq!(app.over_age_agreements(&ADMIN, &p4).unwrap().len(), 1);
        assert_eq!(
            app.over_age_agreements(&unit_actor(u5), &p4).unwrap().len(),
            0
        );
    });
}

#[test]
fn regs_art44_a_posting_abroad_suspends_cover_and_the_declaration_until_the_return() {
    each_backend(|app, _| {
        let (u, p) = employee(app, 7);
        let enrollment = app.store().enrollments_of_person(&p).unwrap()[0].id;
        let req = SuspensionRequest {
            from: date(2026, 3, 10),
            until: None,
            country: CountryCode::parse("SG").unwrap(),
            document: "外派函〔2026〕3号".into(),
        };
        assert_eq!(
            app.suspend_enrollment(&unit_actor(u), enrollment, &req)
                .unwrap_err()
                .code(),
            "forbidden"
        );
        let s = app.suspend_enrollment(&ADMIN, enrollment, &req).unwrap();
        let reason = |day| app.coverage(&ADMIN, &p, At::Day(day), None).unwrap().reason;
        assert_eq!(reason(date(2026, 4, 1)), CoverageReason::Suspended);
        assert!(
            !app.coverage(&ADMIN, &p, At::Day(date(2026, 4, 1)), None)
                .unwrap()
                .covered
        );
        assert_ne!(reason(date(2026, 3, 9)), CoverageReason::Suspended);
        // April is suspended whole: not declared; March in part: declared.
        let lines = |m: &str| -> usize {
            app.declaration_drafts(&ADMIN, &u, month(m))
                .unwrap()
                .iter()
                .map(|d| d.lines.len())
                .sum()
        };
        assert_eq!(lines("2026-04"), 0);
        assert_eq!(lines("2026-03"), 1);
        let resumed = app
            .resume_enrollment(&ADMIN, s.id, date(2026, 5, 1))
            .unwrap();
        assert_eq!(resumed.suspension.until, Some(date(2026, 4, 30)));
        assert_ne!(reason(date(2026, 5, 1)), CoverageReason::Suspended);
        assert_eq!(lines("2026-05"), 1);
        assert_eq!(
            app.resume_enrollment(&ADMIN, s.id, date(2026, 6, 1))
                .unwrap_err()
                .code(),
            "input_conflict"
        );
        assert_eq!(app.suspensions(&unit_actor(u), &p).unwrap().len(), 1);
    });
}

#[test]
fn regs_art43_1_a_merger_moves_the_running_enrolments_to_the_successor_all_or_none() {
    each_backend(|app, _| {
        let (u1, p1) = employee(app, 11);
        let u2 = unit(app, 12, "440106");
        // A second employee of u1, and a third whose enrolment ended before.
        let p2 = super::person(app, "440106", date(1990, 2, 3), 13);
        let mut req = super::request(
            p2,
            Some(u1),
            "guangdong.employees",
            Category::Employee,
            date(2025, 1, 1),
        );
        req.labour_relation = true;
        app.enroll(&ADMIN, &req).unwrap();
        let p3 = super::person(app, "440106", date(1991, 2, 3), 14);
        let mut req = super::request(
            p3,
            Some(u1),
            "guangdong.employees",
            Category::Employee,
            date(2025, 1, 1),
        );
        req.labour_relation = true;
        let ended = app.enroll(&ADMIN, &req).unwrap().enrollment_id;
        app.end_enrollment(&ADMIN, ended, date(2025, 6, 30))
            .unwrap();
        let transfer = |to: CreditCode| EnrollmentTransferRequest {
            successor: to,
            people: None,
            commitment: None,
        };
        // No succession recorded yet: nothing to move by.
        assert_eq!(
            app.transfer_enrollments(&ADMIN, &u1, &transfer(u2))
                .unwrap_err()
                .code(),
            "not_found"
        );
        app.record_succession(&ADMIN, &u1, &merger(u2, date(2026, 1, 1)))
            .unwrap();
        // A unit does not move its people itself: the agency's 变更登记.
        assert_eq!(
            app.transfer_enrollments(&unit_actor(u1), &u1, &transfer(u2))
                .unwrap_err()
                .code(),
            "forbidden"
        );
        // p2 posted abroad (Art 44) over the merger day: all or none, refused
        // naming the suspension; once resumed, everyone moves.
        let p2_enrollment = app.store().enrollments_of_person(&p2).unwrap()[0].id;
        let posting = app
            .suspend_enrollment(
                &ADMIN,
                p2_enrollment,
                &SuspensionRequest {
                    from: date(2025, 10, 1),
                    until: None,
                    country: CountryCode::parse("SG").unwrap(),
                    document: "外派函〔2025〕9号".into(),
                },
            )
            .unwrap();
        let refused = app
            .transfer_enrollments(&ADMIN, &u1, &transfer(u2))
            .unwrap_err();
        assert_eq!(refused.field(), Some("people"), "{refused:?}");
        assert!(refused.to_string().contains("suspended"), "{refused}");
        assert_eq!(app.store().enrollments_of_person(&p1).unwrap().len(), 1);
        app.resume_enrollment(&ADMIN, posting.id, date(2025, 12, 1))
            .unwrap();
        let moved = app
            .transfer_enrollments(&ADMIN, &u1, &transfer(u2))
            .unwrap();
        assert_eq!(moved.moved.len(), 2, "{moved:?}");
        for m in &moved.moved {
            assert_eq!(m.last_day, date(2025, 12, 31));
            assert_eq!(m.start, date(2026, 1, 1));
        }
        for p in [p1, p2] {
            let es = app.store().enrollments_of_person(&p).unwrap();
            let old = es.iter().find(|e| e.unit == Some(u1)).unwrap();
            let new = es.iter().find(|e| e.unit == Some(u2)).unwrap();
            assert_eq!(old.last_day, Some(date(2025, 12, 31)));
            assert_eq!((new.start, new.last_day), (date(2026, 1, 1), None));
            assert_eq!(new.scheme_id, old.scheme_id);
            // Covered without a gap: by u1 on the eve, by u2 from the day.
            let by = |day| {
                app.coverage(&ADMIN, &p, At::Day(day), None)
                    .unwrap()
                    .covers
                    .iter()
                    .filter_map(|c| c.unit.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(by(date(2025, 12, 31)), vec![u1.as_str().to_owned()]);
            assert_eq!(by(date(2026, 1, 1)), vec![u2.as_str().to_owned()]);
        }
        // The ended enrolment stayed as it was; a second transfer finds nothing.
        assert_eq!(app.store().enrollments_of_person(&p3).unwrap().len(), 1);
        assert_eq!(
            app.transfer_enrollments(&ADMIN, &u1, &transfer(u2))
                .unwrap_err()
                .code(),
            "conflict"
        );
    });
}

#[test]
fn regs_art43_a_division_names_its_people_and_contracting_out_moves_nobody() {
    each_backend(|app, _| {
        let (u1, p1) = employee(app, 21);
        let u2 = unit(app, 22, "440106");
        let u3 = unit(app, 23, "440106");
        let division = |to: CreditCode| SuccessionRequest {
            successor: to,
            kind: SuccessionKind::Division,
            effective_on: date(2026, 3, 1),
            document: "穗人社变更〔2026〕2号".into(),
            contractor_qualified: None,
        };
        app.record_succession(&ADMIN, &u1, &division(u2)).unwrap();
        let everyone = EnrollmentTransferRequest {
            successor: u2,
            people: None,
            commitment: None,
        };
        let refused = app
            .transfer_enrollments(&ADMIN, &u1, &everyone)
            .unwrap_err();
        assert_eq!(refused.field(), Some("people"), "{refused:?}");
        // Someone who is not u1's: refused under people, nothing moved.
        let stranger = super::person(app, "440106", date(1988, 8, 8), 24);
        let named = |people: Vec<gongshang_domain::ids::ResidentId>| EnrollmentTransferRequest {
            successor: u2,
            people: Some(people),
            commitment: None,
        };
        let refused = app
            .transfer_enrollments(&ADMIN, &u1, &named(vec![p1, stranger]))
            .unwrap_err();
        assert_eq!(refused.field(), Some("people"), "{refused:?}");
        assert_eq!(app.store().enrollments_of_person(&p1).unwrap().len(), 1);
        let moved = app
            .transfer_enrollments(&ADMIN, &u1, &named(vec![p1]))
            .unwrap();
        assert_eq!(moved.moved.len(), 1);
        // Contracting out: the unit stays liable, its enrolments stay.
        let (u4, _) = employee(app, 25);
        app.record_succession(
            &ADMIN,
            &u4,
            &SuccessionRequest {
                successor: u3,
                kind: SuccessionKind::ContractingOut,
                effective_on: date(2026, 3, 1),
                document: "承包合同".into(),
                contractor_qualified: Some(true),
            },
        )
        .unwrap();
        assert_eq!(
            app.transfer_enrollments(
                &ADMIN,
                &u4,
                &EnrollmentTransferRequest {
                    successor: u3,
                    people: None,
                    commitment: None,
                }
            )
            .unwrap_err()
            .code(),
            "conflict"
        );
    });
}
