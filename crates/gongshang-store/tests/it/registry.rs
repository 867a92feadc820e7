use gongshang_rules::retirement::Sex;
use gongshang_rules::scheme::Category;
use gongshang_store::migrations::latest_version;
use gongshang_store::{NewEngagement, NewEnrollment, Page, PostgresStore, open};

use crate::common::*;

#[test]
fn migrations_are_idempotent_and_open_picks_the_backend() {
    each_backend(|db| {
        assert_eq!(
            db.store.migrate().unwrap(),
            Vec::<i64>::new(),
            "{}",
            db.name
        );
        assert_eq!(db.store.schema_version().unwrap(), latest_version());
        let again = db.reopen();
        assert_eq!(again.schema_version().unwrap(), latest_version());
        assert!(db.name.starts_with(again.backend_name()), "{}", db.name);
        if let Location::Postgres { url, schema } = &db.location {
            let sep = if url.contains('?') { '&' } else { '?' };
            let by_url = open(&format!("{url}{sep}options=-csearch_path%3D{schema}")).unwrap();
            assert_eq!(by_url.backend_name(), "postgres");
            assert_eq!(by_url.migrate().unwrap(), Vec::<i64>::new());
        }
    });
    let memory = open("sqlite::memory:").unwrap();
    assert_eq!(memory.backend_name(), "sqlite");
    assert_eq!(memory.schema_version().unwrap(), latest_version());
    assert_eq!(
        PostgresStore::open_in_schema("postgres://x", "Bad-Name")
            .err()
            .unwrap()
            .code(),
        "invalid"
    );
}

#[test]
fn units_are_created_found_listed_and_never_twice() {
    each_backend(|db| {
        let s = &*db.store;
        let unit = s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        assert!(unit.id > 0);
        for n in 2..=5 {
            s.create_unit(&new_unit(n), ACTOR, now()).unwrap();
        }
        let found = s.unit_by_code(&credit(1)).unwrap().unwrap();
        assert_eq!(found, unit);
        assert!(s.unit_by_code(&credit(99)).unwrap().is_none());

        let first = s.list_units(Page::first(2)).unwrap();
        assert_eq!(first.len(), 2);
        let rest = s
            .list_units(Page {
                after_id: first[1].id,
                limit: 10,
            })
            .unwrap();
        assert_eq!(rest.len(), 3);
        assert_eq!(rest[0].credit_code, credit(3));

        let err = s.create_unit(&new_unit(1), ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "duplicate");
        assert_eq!(
            err.to_string(),
            format!("unit with credit code {} already exists", credit(1))
        );
        // The failed creation left no audit row: one entry, the first creation.
        let audit = s.audit_entries("unit", credit(1).as_str()).unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].actor, ACTOR);
        assert_eq!(audit[0].action, "create");
        assert_eq!(audit[0].at, now());
        assert_eq!(audit[0].detail["name"], "单位1");
    });
}

#[test]
fn people_get_sex_and_birth_date_from_their_number() {
    each_backend(|db| {
        let s = &*db.store;
        let p = s.create_person(&new_person(1001), ACTOR, now()).unwrap();
        assert_eq!(p.birth_date, d(1960, 1, 2));
        assert_eq!(p.sex, Sex::Male);
        let q = s.create_person(&new_person(2), ACTOR, now()).unwrap();
        assert_eq!(q.sex, Sex::Female);
        assert_eq!(s.person_by_resident_id(&resident(1001)).unwrap(), Some(p));
        assert_eq!(s.person_by_resident_id(&resident(7)).unwrap(), None);
        let err = s.create_person(&new_person(2), ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "duplicate");
        assert!(
            err.to_string()
                .starts_with("person with resident id 440106")
        );
        assert!(!err.to_string().contains(resident(2).as_str()), "masked");
        assert_eq!(
            s.audit_entries("person", resident(2).as_str())
                .unwrap()
                .len(),
            1
        );
        let empty = s.create_person(
            &gongshang_store::NewPerson {
                resident_id: resident(3),
                name: " ".into(),
            },
            ACTOR,
            now(),
        );
        assert_eq!(empty.unwrap_err().code(), "invalid");
    });
}

#[test]
fn engagements_link_people_and_units() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        s.create_person(&new_person(1), ACTOR, now()).unwrap();
        let e = NewEngagement {
            person: resident(1),
            unit: credit(1),
            category: Category::Intern,
            start: d(2025, 2, 1),
            end: Some(d(2025, 7, 31)),
        };
        let id = s.add_engagement(&e, ACTOR, now()).unwrap();
        let list = s.engagements_of_person(&resident(1)).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, id);
        assert_eq!(list[0].category, Category::Intern);
        assert_eq!(list[0].end, Some(d(2025, 7, 31)));
        assert_eq!(
            s.audit_entries("engagement", &id.to_string())
                .unwrap()
                .len(),
            1
        );

        let unknown = NewEngagement {
            unit: credit(9),
            ..e.clone()
        };
        let err = s.add_engagement(&unknown, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert_eq!(
            err.to_string(),
            format!("unit with credit code {} not found", credit(9))
        );
        let backwards = NewEngagement {
            end: Some(d(2025, 1, 1)),
            ..e
        };
        assert_eq!(
            s.add_engagement(&backwards, ACTOR, now())
                .unwrap_err()
                .code(),
            "invalid"
        );
    });
}

#[test]
fn enrollments_in_several_units_and_ending_one() {
    each_backend(|db| {
        let s = &*db.store;
        let a = enrolled(s, 1, 1, "guangdong.employees");
        let b = enrolled(s, 2, 1, "guangdong.specific_persons");
        let c = enrolled(s, 2, 2, "guangdong.specific_persons");
        let mine = s.enrollments_of_person(&resident(1)).unwrap();
        assert_eq!(mine.iter().map(|e| e.id).collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(mine[1].unit, Some(credit(2)));
        assert_eq!(mine[1].start, d(2025, 1, 1));
        assert_eq!(mine[1].last_day, None);

        let of_unit = s.enrollments_of_unit(&credit(2), None).unwrap();
        assert_eq!(of_unit.len(), 2);
        assert_eq!(
            s.enrollments_of_unit(&credit(2), Some(&"guangdong.employees".parse().unwrap()))
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            s.enrollments_of_unit(&credit(1), Some(&"guangdong.employees".parse().unwrap()))
                .unwrap()
                .len(),
            1
        );

        s.end_enrollment(c, d(2025, 6, 30), ACTOR, now()).unwrap();
        let ended = s.enrollments_of_person(&resident(2)).unwrap();
        assert_eq!(ended[0].last_day, Some(d(2025, 6, 30)));
        assert_eq!(s.enrollment(c).unwrap().as_ref(), Some(&ended[0]));
        assert_eq!(s.enrollment(999).unwrap(), None);
        let again = s
            .end_enrollment(c, d(2025, 7, 31), ACTOR, now())
            .unwrap_err();
        assert_eq!(again.code(), "conflict");
        assert!(
            again.to_string().contains("already ended on 2025-06-30"),
            "{again}"
        );
        assert_eq!(
            s.end_enrollment(a, d(2024, 12, 1), ACTOR, now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        assert_eq!(
            s.end_enrollment(999, d(2025, 12, 1), ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        let audit = s.audit_entries("enrollment", &c.to_string()).unwrap();
        assert_eq!(
            audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
            vec!["create", "end"]
        );

        // Self-enrolled (no unit).
        let own = s
            .create_enrollment(
                &NewEnrollment {
                    person: resident(2),
                    unit: None,
                    scheme_id: "xiamen.yilubao".parse().unwrap(),
                    category: Category::FlexibleWorker,
                    start: d(2025, 3, 1),
                    commitment: None,
                },
                ACTOR,
                now(),
            )
            .unwrap();
        let list = s.enrollments_of_person(&resident(2)).unwrap();
        assert_eq!(list[1].id, own);
        assert_eq!(list[1].unit, None);
    });
}

/// A bulk import on PostgreSQL leaves the planner's statistics current
/// (the next import's lookups depend on them).
#[test]
fn a_bulk_import_leaves_postgres_statistics_current() {
    each_backend(|db| {
        if db.name != "postgres" {
            return;
        }
        let people: Vec<gongshang_store::NewPerson> = (0..10_000)
            .map(|n| gongshang_store::NewPerson {
                resident_id: resident(n),
                name: "张三".into(),
            })
            .collect();
        let import = gongshang_store::RegistryImport {
            kind: "people".into(),
            source: "people.csv".into(),
            rows_read: 10_000,
            people,
            ..Default::default()
        };
        db.store
            .write_registry_import(&import, ACTOR, now())
            .unwrap();
        let Location::Postgres { url, schema } = &db.location else {
            return;
        };
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let row = client
            .query_one(
                "SELECT reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = $1 AND c.relname = 'people'",
                &[schema],
            )
            .unwrap();
        let tuples: i64 = row.get(0);
        assert_eq!(tuples, 10_000);
    });
}

/// 粤人社规〔2020〕55号 Art 6 and Annex 1 (issue 17): the unit's commitment is
/// written with its enrolment, kept with who made it and when, and read back
/// by the person; one not informing the insured is refused and leaves nothing.
#[test]
fn gd55_art6_a_commitment_is_kept_with_its_enrolment_or_nothing_is_written() {
    each_backend(|db| {
        let s = &*db.store;
        enrolled(s, 1, 1, "guangdong.employees");
        let commitment = gongshang_store::NewCommitment {
            text: "本单位承诺……".into(),
            article: "第六条；附件1".into(),
            form: gongshang_store::CommitmentForm::Paper,
            persons_informed: true,
        };
        let request = NewEnrollment {
            person: resident(1),
            unit: Some(credit(1)),
            scheme_id: "guangdong.specific_persons".parse().unwrap(),
            category: Category::OverRetirementAge,
            start: d(2025, 3, 1),
            commitment: Some(commitment.clone()),
        };
        let id = s.create_enrollment(&request, ACTOR, now()).unwrap();
        let kept = s.commitments_of_person(&resident(1)).unwrap();
        assert_eq!(
            kept.len(),
            1,
            "only the enrolment with a commitment has one"
        );
        assert_eq!(kept[0].enrollment_id, id);
        assert_eq!(kept[0].text, "本单位承诺……");
        assert_eq!(kept[0].form, gongshang_store::CommitmentForm::Paper);
        assert_eq!(kept[0].made_by, ACTOR);
        assert_eq!(kept[0].made_at, now());

        let uninformed = NewEnrollment {
            start: d(2025, 6, 1),
            commitment: Some(gongshang_store::NewCommitment {
                persons_informed: false,
                ..commitment
            }),
            ..request
        };
        let before = s.enrollments_of_person(&resident(1)).unwrap().len();
        assert_eq!(
            s.create_enrollment(&uninformed, ACTOR, now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        assert_eq!(s.enrollments_of_person(&resident(1)).unwrap().len(), before);
    });
}

/// Issue 11 item 5: a bulk import is one unit of work on each backend, also
/// where PostgreSQL writes it through a staging table (from 100 rows): an
/// enrolment naming nobody stored refuses the whole import, people and
/// units included; a month declared twice refuses all the bills of it; the
/// import then written right stores every row.
#[test]
fn issue11_a_refused_bulk_import_leaves_nothing_behind() {
    each_backend(|db| {
        let s = &*db.store;
        let people: Vec<gongshang_store::NewPerson> = (0..150).map(new_person).collect();
        let enrollments: Vec<NewEnrollment> = (0..150)
            .map(|n| NewEnrollment {
                person: resident(n),
                unit: Some(credit(1)),
                scheme_id: "guangdong.employees".parse().unwrap(),
                category: Category::Employee,
                start: d(2025, 1, 1),
                commitment: None,
            })
            .collect();
        let mut import = gongshang_store::RegistryImport {
            kind: "registry".into(),
            source: "bulk.csv".into(),
            rows_read: 301,
            units: vec![new_unit(1)],
            people,
            enrollments: enrollments.clone(),
            ..Default::default()
        };
        // Person 999 is neither stored nor in the import.
        import.enrollments.push(NewEnrollment {
            person: resident(999),
            ..enrollments[0].clone()
        });
        let refused = s.write_registry_import(&import, ACTOR, now());
        assert!(
            matches!(refused, Err(gongshang_store::StoreError::NotFound { .. })),
            "{}: {refused:?}",
            db.name
        );
        assert!(s.person_by_resident_id(&resident(0)).unwrap().is_none());
        assert!(s.unit_by_code(&credit(1)).unwrap().is_none());
        assert!(s.recent_imports(10).unwrap().is_empty(), "{}", db.name);

        import.enrollments.pop();
        s.write_registry_import(&import, ACTOR, now()).unwrap();
        let stored: Vec<i64> = (0..150)
            .map(|n| s.enrollments_of_person(&resident(n)).unwrap()[0].id)
            .collect();
        assert_eq!(s.enrollments_of_unit(&credit(1), None).unwrap().len(), 150);

        // Two bills of 75 declarations each; the second declares the first
        // enrolment's month again.
        let bill = |reference: &str, ids: &[i64]| {
            let mut b = monthly_bill(reference, 1, ids[0], "2025-03", yuan("1"));
            let line = b.declarations[0].clone();
            b.declarations = ids
                .iter()
                .map(|&enrollment_id| gongshang_store::NewDeclaration {
                    enrollment_id,
                    ..line.clone()
                })
                .collect();
            b.amount = yuan(&ids.len().to_string());
            b.ledger = bill_ledger(reference, b.amount);
            b
        };
        let mut twice = stored[75..].to_vec();
        twice[74] = stored[0];
        let declarations = gongshang_store::RegistryImport {
            kind: "declarations".into(),
            source: "declarations.csv".into(),
            rows_read: 150,
            bills: vec![bill("M202503-A", &stored[..75]), bill("M202503-B", &twice)],
            ..Default::default()
        };
        let refused = s.write_registry_import(&declarations, ACTOR, now());
        assert!(
            matches!(refused, Err(gongshang_store::StoreError::Conflict { .. })),
            "{}: {refused:?}",
            db.name
        );
        assert!(s.bill_by_reference("M202503-A").unwrap().is_none());
        assert_eq!(s.recent_imports(10).unwrap().len(), 1, "{}", db.name);

        let declarations = gongshang_store::RegistryImport {
            bills: vec![
                bill("M202503-A", &stored[..75]),
                bill("M202503-B", &stored[75..]),
            ],
            ..declarations
        };
        let written = s
            .write_registry_import(&declarations, ACTOR, now())
            .unwrap();
        let lines: usize = written
            .bill_ids
            .iter()
            .map(|&id| s.declarations_of_bill(id).unwrap().len())
            .sum();
        assert_eq!(lines, 150, "{}", db.name);
        // The same months on other bills: declared already, refused.
        let again = gongshang_store::RegistryImport {
            bills: vec![bill("M202503-C", &stored[..75])],
            ..declarations
        };
        let again = s.write_registry_import(&again, ACTOR, now());
        assert!(
            matches!(again, Err(gongshang_store::StoreError::Conflict { .. })),
            "{}: {again:?}",
            db.name
        );
        assert!(s.bill_by_reference("M202503-C").unwrap().is_none());
    });
}
