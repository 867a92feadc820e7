//! The little the generic store code needs from a backend: run a statement
//! with parameters, get rows of integers and text. SQL is written once with
//! `$1`-style parameters in the subset both SQLite and PostgreSQL accept
//! (`RETURNING`, `ON CONFLICT DO NOTHING`, `CAST(... AS BIGINT)`).

use crate::error::StoreError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
    NullInt,
    NullText,
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    pub fn opt_int(v: Option<i64>) -> Value {
        v.map_or(Value::NullInt, Value::Int)
    }

    pub fn opt_text(v: Option<String>) -> Value {
        v.map_or(Value::NullText, Value::Text)
    }
}

pub type Row = Vec<Value>;

/// A failure at the database, sorted into the cases the store turns into
/// meaningful errors.
#[derive(Debug)]
pub enum DbError {
    /// A unique or primary-key constraint (the detail names it).
    Unique(String),
    /// Anything else; the detail is for the logs.
    Other(String),
}

pub trait Db {
    fn backend(&self) -> &'static str;
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;
    /// What ends a `SELECT` that locks the rows it reads until the
    /// transaction ends, so that two transactions deciding on the same row
    /// take turns: ` FOR UPDATE` on PostgreSQL. Nothing on SQLite, whose
    /// write transactions take the database's one write lock when they
    /// begin (`BEGIN IMMEDIATE`), so that they take turns anyway.
    fn for_update(&self) -> &'static str {
        ""
    }
    /// Copies rows of `width` values each into `table` (its `columns`) in
    /// one binary `COPY ... FROM STDIN`: one statement and one stream for
    /// all of them, without a parameter per value. `None` where the backend
    /// has no COPY (SQLite, whose statements run in process), and the
    /// caller inserts with statements.
    fn copy_rows(
        &mut self,
        _table: &str,
        _columns: &str,
        _width: usize,
        _values: &[Value],
    ) -> Option<Result<u64, DbError>> {
        None
    }
}

/// Turns a database failure into a backend error, saying what was being done.
pub fn backend_error(backend: &'static str, context: &str, e: DbError) -> StoreError {
    let detail = match e {
        DbError::Unique(d) | DbError::Other(d) => d,
    };
    StoreError::Backend {
        backend,
        context: context.to_owned(),
        detail,
    }
}

/// Helpers over a [`Db`] that name the operation in errors.
pub trait DbExt: Db {
    fn exec(&mut self, context: &str, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let backend = self.backend();
        self.execute(sql, params)
            .map_err(|e| backend_error(backend, context, e))
    }

    fn rows(&mut self, context: &str, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let backend = self.backend();
        self.query(sql, params)
            .map_err(|e| backend_error(backend, context, e))
    }

    fn opt_row(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.rows(context, sql, params)?.into_iter().next())
    }

    fn one_row(&mut self, context: &str, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        let backend = self.backend();
        self.opt_row(context, sql, params)?
            .ok_or_else(|| StoreError::Backend {
                backend,
                context: context.to_owned(),
                detail: "the statement returned no row".into(),
            })
    }

    /// An INSERT ... RETURNING id; a unique violation becomes `on_unique()`.
    fn insert_id(
        &mut self,
        context: &str,
        sql: &str,
        params: &[Value],
        on_unique: impl FnOnce() -> StoreError,
    ) -> Result<i64, StoreError> {
        let backend = self.backend();
        match self.query(sql, params) {
            Ok(rows) => match rows.first().and_then(|r| r.first()) {
                Some(Value::Int(id)) => Ok(*id),
                _ => Err(StoreError::Backend {
                    backend,
                    context: context.to_owned(),
                    detail: "insert returned no id".into(),
                }),
            },
            Err(DbError::Unique(_)) => Err(on_unique()),
            Err(e) => Err(backend_error(backend, context, e)),
        }
    }
}

impl<T: Db + ?Sized> DbExt for T {}

/// Reading columns of a row by position.
pub struct Cols<'a> {
    row: &'a [Value],
}

impl<'a> Cols<'a> {
    pub fn new(row: &'a [Value]) -> Cols<'a> {
        Cols { row }
    }

    fn get(&self, i: usize) -> &Value {
        self.row.get(i).unwrap_or(&Value::NullText)
    }

    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.get(i) {
            Value::Int(v) => Ok(*v),
            other => Err(StoreError::stored(
                "stored_value",
                format!("column {i} should be an integer, found {other:?}"),
            )),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.get(i) {
            Value::NullInt | Value::NullText => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn text(&self, i: usize) -> Result<&'a str, StoreError> {
        match self.row.get(i) {
            Some(Value::Text(v)) => Ok(v),
            other => Err(StoreError::stored(
                "stored_value",
                format!("column {i} should be text, found {other:?}"),
            )),
        }
    }

    /// A scheme id column, checked as the policy files check it.
    pub fn scheme_id(&self, i: usize) -> Result<gongshang_rules::SchemeId, StoreError> {
        gongshang_rules::SchemeId::parse(self.text(i)?)
            .map_err(|e| StoreError::stored("scheme_id", e.to_string()))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<&'a str>, StoreError> {
        match self.row.get(i) {
            Some(Value::NullInt | Value::NullText) | None => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    /// Text parsed by `parse`; a failure names the field.
    pub fn parsed<T, E: std::fmt::Display>(
        &self,
        i: usize,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let t = self.text(i)?;
        parse(t).map_err(|e| StoreError::stored(field, format!("stored value {t:?}: {e}")))
    }

    pub fn opt_parsed<T, E: std::fmt::Display>(
        &self,
        i: usize,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(i)? {
            None => Ok(None),
            Some(t) => parse(t)
                .map(Some)
                .map_err(|e| StoreError::stored(field, format!("stored value {t:?}: {e}"))),
        }
    }
}

/// The `VALUES` list of a many-row INSERT: `(m1, m2, ...), (...)`, `rows`
/// rows of `columns` numbered parameters, each written `{marker}{n}` (`$` for
/// the shared SQL, `?` for SQLite's own statements).
pub fn values_list(rows: usize, columns: usize, marker: char) -> String {
    use std::fmt::Write as _;
    let mut sql = String::with_capacity(rows * columns * 6);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            let _ = write!(sql, "{marker}{}", r * columns + c + 1);
        }
        sql.push(')');
    }
    sql
}
