//! The `employers` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::employers;

/// A company, cooperative, household business or overseas-labour agency.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = employers, treat_none_as_default_value = false)]
pub struct NewEmployer {
    pub id: String,
    pub name: String,
    pub tax_code: String,
    pub kind: String,
    pub sector: String,
    pub commune_id: Option<String>,
    pub address: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Lower case without accents, for prefix search: see `domain::text::fold`.
    pub search_name: String,
}

use crate::db::DbConn;
use crate::models::workers::{Db, like_prefix};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = employers)]
pub struct Employer {
    pub id: String,
    pub name: String,
    pub tax_code: String,
    pub kind: String,
    pub sector: String,
    pub commune_id: Option<String>,
    pub address: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct EmployerFilter {
    pub kind: Option<String>,
    pub units: Option<Vec<String>>,
    pub name_prefix: Option<String>,
    pub include_archived: bool,
    pub only_id: Option<String>,
}

fn filtered(filter: &EmployerFilter) -> employers::BoxedQuery<'static, Db> {
    let mut query = employers::table.into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(employers::kind.eq(kind.clone()));
    }
    if let Some(units) = &filter.units {
        query = query.filter(
            employers::commune_id.eq_any(units.iter().cloned().map(Some).collect::<Vec<_>>()),
        );
    }
    if let Some(prefix) = &filter.name_prefix {
        query = query.filter(
            employers::search_name
                .like(like_prefix(prefix))
                .escape('\\'),
        );
    }
    if !filter.include_archived {
        query = query.filter(employers::archived_at.is_null());
    }
    if let Some(id) = &filter.only_id {
        query = query.filter(employers::id.eq(id.clone()));
    }
    query
}

pub fn list(
    connection: &mut DbConn,
    filter: &EmployerFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<Employer>, i64)> {
    let total: i64 = filtered(filter).count().get_result(connection)?;
    let mut page = filtered(filter);
    if let Some(after) = after {
        page = page.filter(employers::id.gt(after.to_owned()));
    }
    Ok((
        page.order(employers::id)
            .limit(limit)
            .select(Employer::as_select())
            .load(connection)?,
        total,
    ))
}

pub fn find(connection: &mut DbConn, id: &str) -> QueryResult<Option<Employer>> {
    employers::table
        .find(id)
        .select(Employer::as_select())
        .first(connection)
        .optional()
}

pub fn find_id_by_tax_code(connection: &mut DbConn, tax_code: &str) -> QueryResult<Option<String>> {
    employers::table
        .filter(employers::tax_code.eq(tax_code))
        .select(employers::id)
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut DbConn, employer: &NewEmployer) -> QueryResult<usize> {
    diesel::insert_into(employers::table)
        .values(employer)
        .execute(connection)
}

pub fn update(connection: &mut DbConn, employer: &NewEmployer) -> QueryResult<usize> {
    diesel::update(employers::table.find(&employer.id))
        .set((
            employers::name.eq(&employer.name),
            employers::tax_code.eq(&employer.tax_code),
            employers::kind.eq(&employer.kind),
            employers::sector.eq(&employer.sector),
            employers::commune_id.eq(&employer.commune_id),
            employers::address.eq(&employer.address),
            employers::contact_name.eq(&employer.contact_name),
            employers::contact_email.eq(&employer.contact_email),
            employers::contact_phone.eq(&employer.contact_phone),
            employers::verified.eq(employer.verified),
            employers::updated_at.eq(employer.updated_at),
            employers::search_name.eq(&employer.search_name),
        ))
        .execute(connection)
}

pub fn archive(connection: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        employers::table
            .find(id)
            .filter(employers::archived_at.is_null()),
    )
    .set((
        employers::archived_at.eq(Some(now)),
        employers::updated_at.eq(now),
    ))
    .execute(connection)
}

/// The open employers a tax code names (one, unless the registry was written around its checks).
pub fn live_ids_by_tax_code(connection: &mut DbConn, tax_code: &str) -> QueryResult<Vec<String>> {
    employers::table
        .filter(employers::tax_code.eq(tax_code))
        .filter(employers::archived_at.is_null())
        .select(employers::id)
        .load(connection)
}

/// The open employers' ids by tax code: the order of an export.
pub fn live_ids_by_tax_code_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
    employers::table
        .filter(employers::archived_at.is_null())
        .order(employers::tax_code)
        .select(employers::id)
        .load(connection)
}

/// Every employer's `(id, tax code)`.
pub fn tax_codes(connection: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    employers::table
        .select((employers::id, employers::tax_code))
        .load(connection)
}
