//! [`Sql`] over a PostgreSQL client or transaction: parameters converted to whatever column
//! type PostgreSQL inferred for each placeholder, rows read back into [`Value`]s, and prepared
//! statements cached per connection by query text.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{GenericClient, Statement};

use crate::Result;
use crate::sql::{Backend, Param, Row, Sql, Value, to_postgres};

type BoxError = Box<dyn StdError + Sync + Send>;

/// Prepared statements of one connection, by the query's common-dialect text.
#[derive(Default)]
pub(crate) struct StatementCache(HashMap<String, Statement>);

/// One connection (or transaction) and its statement cache, as the shared query layer uses it.
pub(crate) struct PgSql<'a, C: GenericClient> {
    pub(crate) client: &'a mut C,
    pub(crate) cache: &'a mut StatementCache,
}

impl<C: GenericClient> PgSql<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.cache.0.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client.prepare(&to_postgres(sql))?;
        self.cache.0.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }
}

fn refs<'p>(params: &'p [Param<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl<C: GenericClient> Sql for PgSql<'_, C> {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        Ok(self.client.execute(&stmt, &refs(params))?)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let rows = self.client.query(&stmt, &refs(params))?;
        rows.iter()
            .map(|r| {
                let values: std::result::Result<Vec<Value>, _> =
                    (0..r.len()).map(|i| r.try_get::<_, Value>(i)).collect();
                Ok(Row(values?))
            })
            .collect()
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                _ => Err(format!("an integer cannot go into a {ty} column").into()),
            },
            Param::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (f as f32).to_sql(ty, out),
                _ => Err(format!("a number cannot go into a {ty} column").into()),
            },
            // PostgreSQL text cannot hold NUL; SQLite's can. Such a character (never meaningful
            // in a news page) is stored as U+FFFD, the replacement character.
            Param::Text(s) if s.contains('\0') => s.replace('\0', "\u{FFFD}").to_sql(ty, out),
            Param::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Value, BoxError> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                Value::Text(String::from_sql(ty, raw)?)
            }
            // What `SELECT pg_advisory_xact_lock(..)` and other procedures return.
            Type::VOID => Value::Null,
            _ => return Err(format!("unsupported column type {ty} (cast it in the query)").into()),
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Value, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}
