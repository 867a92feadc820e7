//! Coverage: who is covered on a day, by which payment or order day.

use super::*;

pub trait CoverageStore {
    /// The covers of a person on a day (of one unit if given; order days
    /// have no unit and answer only without one).
    fn coverage_at(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<StoredCover>, StoreError>;

    /// Everything a coverage answer needs, in one statement (one round trip
    /// on PostgreSQL): the person's enrolments (all of them), and their
    /// covers on the day, of one unit if given, with order days of no
    /// platform when a unit is given unless `platform` names its own.
    fn coverage_of_person(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
        platform: Option<&PlatformId>,
    ) -> Result<PersonCoverage, StoreError>;

    /// [`CoverageStore::coverage_of_person`] without blocking the calling
    /// thread where the backend waits on the network (PostgreSQL); on
    /// SQLite the same read, done before the future is returned. For an
    /// async caller (the server's coverage lookups).
    fn coverage_of_person_async<'a>(
        &'a self,
        person: &'a ResidentId,
        day: Date,
        unit: Option<&'a CreditCode>,
        platform: Option<&'a PlatformId>,
    ) -> crate::BoxFuture<'a, Result<PersonCoverage, StoreError>>;
}

// ---- coverage ---------------------------------------------------------------

/// One statement (cached by both backends): cover rows from payments and
/// order days, for a person on a day, optionally of one unit (order days
/// have no unit, so they answer only when no unit is asked for).
const COVERAGE_AT: &str = "SELECT c.scheme_id, u.credit_code, c.enrollment_id, c.payment_id, c.basis, c.start_date, c.end_date, CAST(NULL AS TEXT) AS platform \
     FROM people p JOIN coverage c ON c.person_id = p.id LEFT JOIN units u ON u.id = c.unit_id \
     WHERE p.resident_id = $1 AND c.start_date <= $2 AND c.end_date >= $2 AND ($3 = '' OR u.credit_code = $3) \
     UNION ALL \
     SELECT 'national.platform_occupational_injury', CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), 'order_day', d.day, d.day, d.platform \
     FROM order_days d WHERE d.resident_id = $1 AND d.day = $2 AND $3 = ''";

/// [`COVERAGE_AT`], the enrolments and the enrolments suspended on the day
/// (Regulations Art 44, migration 0210) in one statement: the first column
/// says which (`e` an enrolment, `c` a cover, `s` a suspension). Columns 1-7 of an `e` row are
/// [`ENROLLMENT_SELECT`]'s; a `c` row's are rearranged for [`cover_from_row`].
const COVERAGE_OF_PERSON: &str = "SELECT 'e', e.id, p.resident_id, u.credit_code, e.scheme_id, e.category, e.start_date, e.end_date, \
     CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
     FROM people p JOIN enrollments e ON e.person_id = p.id LEFT JOIN units u ON u.id = e.unit_id \
     WHERE p.resident_id = $1 \
     UNION ALL \
     SELECT 'c', c.enrollment_id, CAST(NULL AS TEXT), u.credit_code, c.scheme_id, CAST(NULL AS TEXT), c.start_date, c.end_date, \
     c.payment_id, c.basis, CAST(NULL AS TEXT) \
     FROM people p JOIN coverage c ON c.person_id = p.id LEFT JOIN units u ON u.id = c.unit_id \
     WHERE p.resident_id = $1 AND c.start_date <= $2 AND c.end_date >= $2 AND ($3 = '' OR u.credit_code = $3) \
     UNION ALL \
     SELECT 'c', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), 'national.platform_occupational_injury', CAST(NULL AS TEXT), d.day, d.day, \
     CAST(NULL AS BIGINT), 'order_day', d.platform \
     FROM order_days d WHERE d.resident_id = $1 AND d.day = $2 AND ($3 = '' OR d.platform = $4) \
     UNION ALL \
     SELECT 's', s.enrollment_id, CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), s.from_date, s.until_date, \
     CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
     FROM people p JOIN enrollments e ON e.person_id = p.id JOIN enrollment_suspensions s ON s.enrollment_id = e.id \
     WHERE p.resident_id = $1 AND s.from_date <= $2 AND (s.until_date IS NULL OR s.until_date >= $2)";

fn person_coverage_from_rows(rows: &[Vec<Value>]) -> Result<PersonCoverage, StoreError> {
    let mut out = PersonCoverage::default();
    for row in rows {
        let c = Cols::new(row);
        let tag = c.text(0)?;
        if tag == "e" {
            out.enrollments.push(enrollment_from_row(&row[1..8])?);
        } else if tag == "s" {
            out.suspended.push(c.int(1)?);
        } else {
            // scheme, unit, enrolment, payment, basis, start, end, platform
            let cover = [
                row[4].clone(),
                row[3].clone(),
                row[1].clone(),
                row[8].clone(),
                row[9].clone(),
                row[6].clone(),
                row[7].clone(),
                row[10].clone(),
            ];
            out.covers.push(cover_from_row(&cover)?);
        }
    }
    out.enrollments.sort_by_key(|e| e.id);
    out.covers
        .sort_by(|a, b| (a.start, &a.scheme_id).cmp(&(b.start, &b.scheme_id)));
    Ok(out)
}

fn cover_from_row(row: &[Value]) -> Result<StoredCover, StoreError> {
    let c = Cols::new(row);
    let proof = match (c.opt_int(3)?, c.opt_text(7)?) {
        (Some(payment), _) => CoverProof::Payment(payment),
        (None, Some(platform)) => CoverProof::OrdersOnPlatform(
            PlatformId::parse(platform)
                .map_err(|e| StoreError::invalid("platform", e.to_string()))?,
        ),
        (None, None) => CoverProof::None,
    };
    Ok(StoredCover {
        scheme_id: c.scheme_id(0)?,
        unit: c.opt_parsed(1, "credit_code", CreditCode::parse)?,
        enrollment_id: c.opt_int(2)?,
        proof,
        basis: c.parsed(4, "basis", str::parse)?,
        start: c.parsed(5, "start_date", parse_date)?,
        end: c.parsed(6, "end_date", parse_date)?,
    })
}

impl<B: Backend> CoverageStore for SqlStore<B> {
    fn coverage_at(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<StoredCover>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "looking up coverage",
                COVERAGE_AT,
                &[
                    t(person.as_str()),
                    t(day),
                    t(unit.map_or("", |u| u.as_str())),
                ],
            )?;
            let mut covers = rows
                .iter()
                .map(|r| cover_from_row(r))
                .collect::<Result<Vec<_>, _>>()?;
            covers.sort_by(|a, b| (a.start, &a.scheme_id).cmp(&(b.start, &b.scheme_id)));
            Ok(covers)
        })
    }

    fn coverage_of_person(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
        platform: Option<&PlatformId>,
    ) -> Result<PersonCoverage, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "looking up coverage",
                COVERAGE_OF_PERSON,
                &[
                    t(person.as_str()),
                    t(day),
                    t(unit.map_or("", |u| u.as_str())),
                    t(platform.map_or("", |p| p.as_str())),
                ],
            )?;
            person_coverage_from_rows(&rows)
        })
    }

    fn coverage_of_person_async<'a>(
        &'a self,
        person: &'a ResidentId,
        day: Date,
        unit: Option<&'a CreditCode>,
        platform: Option<&'a PlatformId>,
    ) -> crate::BoxFuture<'a, Result<PersonCoverage, StoreError>> {
        let params = vec![
            t(person.as_str()),
            t(day),
            t(unit.map_or("", |u| u.as_str())),
            t(platform.map_or("", |p| p.as_str())),
        ];
        match self
            .backend
            .rows_async("looking up coverage", COVERAGE_OF_PERSON, params)
        {
            Some(rows) => Box::pin(async move { person_coverage_from_rows(&rows.await?) }),
            None => {
                let answer = self.coverage_of_person(person, day, unit, platform);
                Box::pin(std::future::ready(answer))
            }
        }
    }
}
