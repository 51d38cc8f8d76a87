//! One SQL text for both backends: the [`Sql`] connection trait, borrowed [`Param`]s and owned
//! [`Row`]s, with an implementation over SQLite here and over PostgreSQL in [`crate::pg`].
//!
//! Queries shared by the backends are written once, in the common dialect of SQLite and
//! PostgreSQL: numbered placeholders `?1, ?2...` (rewritten to `$1, $2...` for PostgreSQL),
//! `INSERT ... ON CONFLICT ... DO NOTHING / DO UPDATE`, `RETURNING id`, and no engine-specific
//! functions (`max(a, b)` as a scalar is SQLite-only; write `CASE`); an `ORDER BY` of a nullable
//! column says where NULLs go (`NULLS LAST`: SQLite sorts them first, PostgreSQL last). Both
//! schemas keep the same column types as seen from Rust: 64-bit integers, doubles, text;
//! timestamps are fixed-width RFC 3339 UTC text, so they sort as text and round-trip exactly
//! between the backends.

use rusqlite::OptionalExtension;

use crate::{Error, Result};

/// A query parameter, borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param<'a> {
    /// SQL NULL.
    Null,
    /// An integer (also booleans, as 0 and 1).
    Int(i64),
    /// A double.
    Real(f64),
    /// Text.
    Text(&'a str),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<u32> for Param<'_> {
    fn from(v: u32) -> Self {
        Param::Int(i64::from(v))
    }
}

impl From<u16> for Param<'_> {
    fn from(v: u16) -> Self {
        Param::Int(i64::from(v))
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}

impl From<f64> for Param<'_> {
    fn from(v: f64) -> Self {
        Param::Real(v)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

impl<'a, T> From<Option<T>> for Param<'a>
where
    T: Into<Param<'a>>,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().map_or(Param::Null, Param::Text)
    }
}

/// Builds a `&[Param]` from expressions that convert into [`Param`].
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$($crate::sql::Param::from($p)),*][..]
    };
}
pub(crate) use params;

/// One column value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (PostgreSQL's `smallint`, `integer`, `bigint` and `boolean` read as this).
    Int(i64),
    /// A double.
    Real(f64),
    /// Text.
    Text(String),
}

/// One result row, its columns in the order of the query's select list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub(crate) Vec<Value>);

impl Row {
    /// Column `i` converted to `T`; a missing column or a value of another type is a
    /// [`Error::Corrupt`] naming the column.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.0.get(i).unwrap_or(&Value::Null);
        T::from_value(v).ok_or_else(|| Error::Corrupt(format!("column {i}: unexpected {v:?}")))
    }

    /// Column `i` taken out as `T` (moves text instead of copying it).
    pub fn take<T: FromValue>(&mut self, i: usize) -> Result<T> {
        let v = self.0.get_mut(i).map(|v| std::mem::replace(v, Value::Null)).unwrap_or(Value::Null);
        T::from_owned(v)
    }
}

/// A Rust type a column value converts into.
pub trait FromValue: Sized {
    /// The conversion from a borrowed value; `None` if the value has another type.
    fn from_value(v: &Value) -> Option<Self>;
    /// The conversion from an owned value (text is moved, not copied).
    fn from_owned(v: Value) -> Result<Self> {
        Self::from_value(&v).ok_or_else(|| Error::Corrupt(format!("unexpected {v:?}")))
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn from_owned(v: Value) -> Result<Self> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(Error::Corrupt(format!("expected text, found {other:?}"))),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
    fn from_owned(v: Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            other => T::from_owned(other).map(Some),
        }
    }
}

/// Which engine a [`Sql`] talks to, for the few queries that must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite store.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection or an open transaction on either backend.
///
/// Every method takes the query in the common dialect (see the module documentation);
/// backends cache prepared statements by query text.
pub trait Sql {
    /// The engine behind this connection.
    fn backend(&self) -> Backend;
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64>;
    /// Runs a query; returns every row.
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>>;
    /// Runs a query; returns its first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
    /// Runs a query that must return one row.
    fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| Error::Corrupt(format!("no row returned by {}", first_line(sql))))
    }
    /// Runs a query that returns one integer (a count, a `RETURNING id`).
    fn query_i64(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64> {
        self.query_one(sql, params)?.get(0)
    }
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or_default()
}

/// [`Sql`] over an SQLite connection (or a transaction, through its `Deref`).
pub struct Lite<'a>(pub &'a rusqlite::Connection);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Real(f) => ValueRef::Real(f),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

fn lite_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    use rusqlite::types::ValueRef;
    let n = r.as_ref().column_count();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Real(v),
            ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(
                std::str::from_utf8(t).map_err(|e| rusqlite::Error::Utf8Error(i, e))?.to_owned(),
            ),
        });
    }
    Ok(Row(out))
}

impl Sql for Lite<'_> {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let n = self.0.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params))?;
        Ok(n as u64)
    }
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), lite_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
    fn query_opt(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Ok(stmt.query_row(rusqlite::params_from_iter(params), lite_row).optional()?)
    }
}

/// Rewrites the common dialect's `?N` placeholders to PostgreSQL's `$N`, leaving string
/// literals, quoted identifiers and comments alone.
pub fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '?' if chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_literals() {
        assert_eq!(
            to_postgres("SELECT ?1, '?2', \"a?3\" -- ?4\n FROM t WHERE x = ?12"),
            "SELECT $1, '?2', \"a?3\" -- ?4\n FROM t WHERE x = $12"
        );
    }

    #[test]
    fn sqlite_rows_read_back_as_values() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut db = Lite(&conn);
        db.execute("CREATE TABLE t (a INTEGER, b TEXT, c REAL)", &[]).unwrap();
        let none: Option<&str> = None;
        db.execute("INSERT INTO t VALUES (?1, ?2, ?3)", params![7_i64, "x", 0.5]).unwrap();
        db.execute("INSERT INTO t VALUES (?1, ?2, ?3)", params![true, none, 1.0]).unwrap();
        let rows = db.query("SELECT a, b, c FROM t ORDER BY a DESC", &[]).unwrap();
        assert_eq!(rows[0].get::<i64>(0).unwrap(), 7);
        assert_eq!(rows[0].get::<String>(1).unwrap(), "x");
        assert!(rows[1].get::<bool>(0).unwrap());
        assert_eq!(rows[1].get::<Option<String>>(1).unwrap(), None);
        assert!(rows[1].get::<String>(1).is_err());
        assert_eq!(db.query_i64("SELECT count(*) FROM t", &[]).unwrap(), 2);
    }
}
