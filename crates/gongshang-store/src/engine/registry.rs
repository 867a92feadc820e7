//! The registry: units, people, their engagements, enrolments and the
//! commitments kept with them.

use super::*;

pub trait RegistryStore {
    fn create_unit(&self, unit: &NewUnit, actor: &str, at: Timestamp) -> Result<Unit, StoreError>;

    fn unit_by_code(&self, code: &CreditCode) -> Result<Option<Unit>, StoreError>;

    fn list_units(&self, page: Page) -> Result<Vec<Unit>, StoreError>;

    /// Stores sex and birth date derived from the identity number.
    fn create_person(
        &self,
        person: &NewPerson,
        actor: &str,
        at: Timestamp,
    ) -> Result<Person, StoreError>;

    /// A new person and their first enrolment, in one transaction: both
    /// or neither.
    fn create_person_and_enrollment(
        &self,
        person: &NewPerson,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<(Person, i64), StoreError>;

    fn person_by_resident_id(&self, id: &ResidentId) -> Result<Option<Person>, StoreError>;

    fn add_engagement(
        &self,
        engagement: &NewEngagement,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;

    fn engagements_of_person(&self, id: &ResidentId) -> Result<Vec<Engagement>, StoreError>;

    fn create_enrollment(
        &self,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError>;

    /// Ends a running enrollment on `last_day` (inclusive).
    fn end_enrollment(
        &self,
        enrollment_id: i64,
        last_day: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Moves enrolments to another unit in one transaction (Regulations
    /// Art 43(1), a unit's succession): each running enrolment ends on its
    /// `last_day` and its successor enrolment is created; all or none.
    /// Returns the new enrolments' ids, in the order given.
    fn move_enrollments(
        &self,
        moves: &[EnrollmentMove],
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<i64>, StoreError>;

    fn enrollments_of_person(&self, id: &ResidentId) -> Result<Vec<StoredEnrollment>, StoreError>;

    fn enrollment(&self, enrollment_id: i64) -> Result<Option<StoredEnrollment>, StoreError>;

    /// The commitments kept with a person's enrolments (issue 17), by
    /// enrolment.
    fn commitments_of_person(&self, id: &ResidentId) -> Result<Vec<StoredCommitment>, StoreError>;

    fn enrollments_of_unit(
        &self,
        unit: &CreditCode,
        scheme_id: Option<&gongshang_rules::SchemeId>,
    ) -> Result<Vec<StoredEnrollment>, StoreError>;
}

pub(crate) const UNIT_COLUMNS: &str =
    "id, credit_code, name, kind, region, industry_class, floating_tier, created_at";

pub(crate) fn unit_from_row(row: &[Value]) -> Result<Unit, StoreError> {
    let c = Cols::new(row);
    let class = c.int(5)?;
    Ok(Unit {
        id: c.int(0)?,
        credit_code: c.parsed(1, "credit_code", CreditCode::parse)?,
        name: c.text(2)?.to_owned(),
        kind: c.parsed(3, "unit_kind", UnitKind::parse)?,
        region: c.parsed(4, "region", gongshang_domain::ids::RegionCode::parse)?,
        industry_class: u8::try_from(class)
            .ok()
            .and_then(|c| IndustryClass::new(c).ok())
            .ok_or_else(|| {
                StoreError::stored(
                    "industry_class",
                    format!("stored value {class} is not 1 to 8"),
                )
            })?,
        floating_tier: c.parsed(6, "floating_tier", Rate::parse)?,
        created_at: c.parsed(7, "created_at", parse_timestamp)?,
    })
}

pub(crate) const ENROLLMENT_SELECT: &str = "SELECT e.id, p.resident_id, u.credit_code, e.scheme_id, e.category, e.start_date, e.end_date \
     FROM enrollments e JOIN people p ON p.id = e.person_id LEFT JOIN units u ON u.id = e.unit_id";

pub(crate) fn enrollment_from_row(row: &[Value]) -> Result<StoredEnrollment, StoreError> {
    let c = Cols::new(row);
    Ok(StoredEnrollment {
        id: c.int(0)?,
        person: c.parsed(1, "resident_id", ResidentId::parse)?,
        unit: c.opt_parsed(2, "credit_code", CreditCode::parse)?,
        scheme_id: c.scheme_id(3)?,
        category: c.parsed(4, "category", parse_category)?,
        start: c.parsed(5, "start_date", parse_date)?,
        last_day: c.opt_parsed(6, "end_date", parse_date)?,
    })
}

/// Inserts a person with its audit row, in the caller's transaction.
fn insert_person(
    db: &mut dyn Db,
    person: &NewPerson,
    actor: &str,
    at: Timestamp,
) -> Result<Person, StoreError> {
    let rid = &person.resident_id;
    let id = db.insert_id(
        "creating a person",
        "INSERT INTO people (resident_id, name, sex, birth_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            t(rid.as_str()),
            t(&person.name),
            t(sex_text(rid.sex())),
            t(rid.birth_date()),
            t(at),
        ],
        || StoreError::duplicate("person", format!("with resident id {}", rid.masked())),
    )?;
    audit(
        db,
        actor,
        at,
        "create",
        "person",
        rid.as_str(),
        json!({"id": id, "name": person.name}),
    )?;
    Ok(Person {
        id,
        resident_id: *rid,
        name: person.name.clone(),
        sex: rid.sex(),
        birth_date: rid.birth_date(),
    })
}

/// Inserts an enrolment with its audit row, in the caller's transaction.
fn insert_enrollment(
    db: &mut dyn Db,
    e: &NewEnrollment,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    let person = person_id(db, &e.person)?;
    let unit = match &e.unit {
        Some(u) => Some(unit_id(db, u)?),
        None => None,
    };
    let id = db.insert_id(
        "creating an enrollment",
        "INSERT INTO enrollments (person_id, unit_id, scheme_id, category, start_date, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            i(person),
            Value::opt_int(unit),
            t(&e.scheme_id),
            t(category_text(e.category)),
            t(e.start),
            t(at),
        ],
        || StoreError::duplicate("enrollment", "with these values"),
    )?;
    if let Some(c) = &e.commitment {
        if !c.persons_informed {
            return Err(StoreError::invalid(
                "persons_informed",
                "a commitment is made only once the insured were informed of their rights and obligations",
            ));
        }
        require_text("commitment text", &c.text)?;
        db.exec(
            "keeping an enrollment's commitment",
            "INSERT INTO enrollment_commitments (enrollment_id, text, article, form, persons_informed, made_by, made_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                i(id),
                t(&c.text),
                t(&c.article),
                t(c.form.as_str()),
                i(1),
                t(actor),
                t(at),
            ],
        )?;
    }
    audit(
        db,
        actor,
        at,
        "create",
        "enrollment",
        &id.to_string(),
        json!({
            "person": e.person.as_str(), "unit": e.unit.as_ref().map(|u| u.as_str()),
            "scheme_id": e.scheme_id, "category": category_text(e.category),
            "start": e.start.to_string(),
            "commitment": e.commitment.as_ref().map(|c| c.form.as_str()),
        }),
    )?;
    Ok(id)
}

/// Ends a running enrolment on `last_day`, in the caller's transaction.
fn end_enrollment_in(
    db: &mut dyn Db,
    enrollment_id: i64,
    last_day: Date,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let row = db.opt_row(
        "reading an enrollment",
        "SELECT start_date, end_date FROM enrollments WHERE id = $1",
        &[i(enrollment_id)],
    )?;
    let Some(row) = row else {
        return Err(StoreError::not_found("enrollment", enrollment_id));
    };
    let c = Cols::new(&row);
    let start = c.parsed(0, "start_date", parse_date)?;
    if let Some(end) = c.opt_text(1)? {
        return Err(StoreError::conflict(
            "enrollment",
            enrollment_id,
            format!("it already ended on {end}"),
        ));
    }
    if last_day < start {
        return Err(StoreError::invalid(
            "last_day",
            format!(
                "{last_day} is before the start {start} of enrollment {enrollment_id}; it must be on or after it"
            ),
        ));
    }
    db.exec(
        "ending an enrollment",
        "UPDATE enrollments SET end_date = $1 WHERE id = $2 AND end_date IS NULL",
        &[t(last_day), i(enrollment_id)],
    )?;
    audit(
        db,
        actor,
        at,
        "end",
        "enrollment",
        &enrollment_id.to_string(),
        json!({"last_day": last_day.to_string()}),
    )
}

impl<B: Backend> RegistryStore for SqlStore<B> {
    fn create_unit(&self, unit: &NewUnit, actor: &str, at: Timestamp) -> Result<Unit, StoreError> {
        require_text("unit name", &unit.name)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let code = unit.credit_code.as_str();
            let id = db.insert_id(
                "creating a unit",
                "INSERT INTO units (credit_code, name, kind, region, industry_class, floating_tier, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    t(code),
                    t(&unit.name),
                    t(unit.kind),
                    t(unit.region.as_str()),
                    i(i64::from(unit.industry_class.get())),
                    t(unit.floating_tier),
                    t(at),
                ],
                || StoreError::duplicate("unit", format!("with credit code {code}")),
            )?;
            audit(
                db,
                actor,
                at,
                "create",
                "unit",
                code,
                json!({
                    "id": id, "name": unit.name, "kind": unit.kind.as_str(),
                    "region": unit.region.as_str(), "industry_class": unit.industry_class.get(),
                    "floating_tier": unit.floating_tier.to_string(),
                }),
            )?;
            Ok(Unit {
                id,
                credit_code: unit.credit_code,
                name: unit.name.clone(),
                kind: unit.kind,
                region: unit.region,
                industry_class: unit.industry_class,
                floating_tier: unit.floating_tier,
                created_at: at,
            })
        })
    }

    fn unit_by_code(&self, code: &CreditCode) -> Result<Option<Unit>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE credit_code = $1");
            db.opt_row("reading a unit", &sql, &[t(code.as_str())])?
                .map(|r| unit_from_row(&r))
                .transpose()
        })
    }

    fn list_units(&self, page: Page) -> Result<Vec<Unit>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("SELECT {UNIT_COLUMNS} FROM units WHERE id > $1 ORDER BY id LIMIT $2");
            db.rows(
                "listing units",
                &sql,
                &[i(page.after_id), i(i64::from(page.limit))],
            )?
            .iter()
            .map(|r| unit_from_row(r))
            .collect()
        })
    }

    fn create_person(
        &self,
        person: &NewPerson,
        actor: &str,
        at: Timestamp,
    ) -> Result<Person, StoreError> {
        require_text("person name", &person.name)?;
        require_text("actor", actor)?;
        self.write(|db| insert_person(db, person, actor, at))
    }

    fn create_person_and_enrollment(
        &self,
        person: &NewPerson,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<(Person, i64), StoreError> {
        require_text("person name", &person.name)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let stored = insert_person(db, person, actor, at)?;
            let id = insert_enrollment(db, enrollment, actor, at)?;
            Ok((stored, id))
        })
    }

    fn person_by_resident_id(&self, rid: &ResidentId) -> Result<Option<Person>, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading a person",
                "SELECT id, resident_id, name, sex, birth_date FROM people WHERE resident_id = $1",
                &[t(rid.as_str())],
            )?;
            row.map(|r| {
                let c = Cols::new(&r);
                Ok(Person {
                    id: c.int(0)?,
                    resident_id: c.parsed(1, "resident_id", ResidentId::parse)?,
                    name: c.text(2)?.to_owned(),
                    sex: if c.text(3)? == "male" {
                        Sex::Male
                    } else {
                        Sex::Female
                    },
                    birth_date: c.parsed(4, "birth_date", parse_date)?,
                })
            })
            .transpose()
        })
    }

    fn add_engagement(
        &self,
        e: &NewEngagement,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("actor", actor)?;
        if let Some(end) = e.end
            && end < e.start
        {
            return Err(StoreError::invalid(
                "end",
                format!(
                    "{end} is before the start {}; it must be on or after it",
                    e.start
                ),
            ));
        }
        self.write(|db| {
            let person = person_id(db, &e.person)?;
            let unit = unit_id(db, &e.unit)?;
            let id = db.insert_id(
                "adding an engagement",
                "INSERT INTO engagements (person_id, unit_id, category, start_date, end_date, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    i(person),
                    i(unit),
                    t(category_text(e.category)),
                    t(e.start),
                    Value::opt_text(e.end.map(|d| d.to_string())),
                    t(at),
                ],
                || StoreError::duplicate("engagement", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "create",
                "engagement",
                &id.to_string(),
                json!({
                    "person": e.person.as_str(), "unit": e.unit.as_str(),
                    "category": category_text(e.category),
                    "start": e.start.to_string(), "end": e.end.map(|d| d.to_string()),
                }),
            )?;
            Ok(id)
        })
    }

    fn engagements_of_person(&self, rid: &ResidentId) -> Result<Vec<Engagement>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading engagements",
                "SELECT g.id, p.resident_id, u.credit_code, g.category, g.start_date, g.end_date \
                 FROM engagements g JOIN people p ON p.id = g.person_id JOIN units u ON u.id = g.unit_id \
                 WHERE p.resident_id = $1 ORDER BY g.id",
                &[t(rid.as_str())],
            )?;
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(Engagement {
                        id: c.int(0)?,
                        person: c.parsed(1, "resident_id", ResidentId::parse)?,
                        unit: c.parsed(2, "credit_code", CreditCode::parse)?,
                        category: c.parsed(3, "category", parse_category)?,
                        start: c.parsed(4, "start_date", parse_date)?,
                        end: c.opt_parsed(5, "end_date", parse_date)?,
                    })
                })
                .collect()
        })
    }

    fn create_enrollment(
        &self,
        e: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| insert_enrollment(db, e, actor, at))
    }

    fn end_enrollment(
        &self,
        enrollment_id: i64,
        last_day: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_text("actor", actor)?;
        self.write(|db| end_enrollment_in(db, enrollment_id, last_day, actor, at))
    }

    fn move_enrollments(
        &self,
        moves: &[EnrollmentMove],
        actor: &str,
        at: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let mut ids = Vec::with_capacity(moves.len());
            for m in moves {
                end_enrollment_in(db, m.from, m.last_day, actor, at)?;
                ids.push(insert_enrollment(db, &m.to, actor, at)?);
            }
            Ok(ids)
        })
    }

    fn enrollments_of_person(&self, rid: &ResidentId) -> Result<Vec<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{ENROLLMENT_SELECT} WHERE p.resident_id = $1 ORDER BY e.id");
            db.rows("reading enrollments", &sql, &[t(rid.as_str())])?
                .iter()
                .map(|r| enrollment_from_row(r))
                .collect()
        })
    }

    fn commitments_of_person(&self, rid: &ResidentId) -> Result<Vec<StoredCommitment>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading commitments",
                "SELECT c.enrollment_id, c.text, c.article, c.form, c.made_by, c.made_at \
                 FROM enrollment_commitments c JOIN enrollments e ON e.id = c.enrollment_id \
                 JOIN people p ON p.id = e.person_id WHERE p.resident_id = $1 ORDER BY c.enrollment_id",
                &[t(rid.as_str())],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredCommitment {
                    enrollment_id: c.int(0)?,
                    text: c.text(1)?.to_owned(),
                    article: c.text(2)?.to_owned(),
                    form: c.parsed(3, "form", CommitmentForm::parse)?,
                    persons_informed: true,
                    made_by: c.text(4)?.to_owned(),
                    made_at: c.parsed(5, "made_at", parse_timestamp)?,
                })
            })
            .collect()
        })
    }

    fn enrollment(&self, enrollment_id: i64) -> Result<Option<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{ENROLLMENT_SELECT} WHERE e.id = $1");
            db.opt_row("reading an enrollment", &sql, &[i(enrollment_id)])?
                .map(|r| enrollment_from_row(&r))
                .transpose()
        })
    }

    fn enrollments_of_unit(
        &self,
        unit: &CreditCode,
        scheme_id: Option<&gongshang_rules::SchemeId>,
    ) -> Result<Vec<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "{ENROLLMENT_SELECT} WHERE u.credit_code = $1 AND ($2 = '' OR e.scheme_id = $2) ORDER BY e.id"
            );
            db.rows(
                "reading enrollments",
                &sql,
                &[t(unit.as_str()), t(scheme_id.map_or("", |s| s.as_str()))],
            )?
            .iter()
            .map(|r| enrollment_from_row(r))
            .collect()
        })
    }
}
