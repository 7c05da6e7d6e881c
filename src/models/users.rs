//! The `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;

/// A login.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub employer_id: Option<String>,
    pub worker_id: Option<String>,
    pub area_id: Option<String>,
    pub language: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A login as stored (the hash stays server-side).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub employer_id: Option<String>,
    pub worker_id: Option<String>,
    pub area_id: Option<String>,
    pub language: String,
    pub active: bool,
}

pub fn find_by_email(connection: &mut crate::db::DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(connection)
        .optional()
}

pub fn insert(connection: &mut crate::db::DbConn, user: &NewUser) -> QueryResult<usize> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(connection)
}

/// Links a trainee's login to the worker record made from its first enrolment; a login that
/// is linked already keeps its link.
pub fn link_worker(
    connection: &mut crate::db::DbConn,
    user_id: &str,
    worker_id: &str,
) -> QueryResult<usize> {
    diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::worker_id.is_null()),
    )
    .set(users::worker_id.eq(worker_id))
    .execute(connection)
}

/// The address of an employer's oldest active login.
pub fn first_active_of_employer(
    connection: &mut crate::db::DbConn,
    employer_id: &str,
) -> QueryResult<Option<String>> {
    users::table
        .filter(users::employer_id.eq(employer_id))
        .filter(users::active.eq(true))
        .order(users::created_at)
        .select(users::email)
        .first(connection)
        .optional()
}

/// Active staff as `(id, e-mail, language, area id)`, by id.
#[allow(clippy::type_complexity)]
pub fn active_staff(
    connection: &mut crate::db::DbConn,
) -> QueryResult<Vec<(String, String, String, Option<String>)>> {
    users::table
        .filter(users::role.eq("staff"))
        .filter(users::active.eq(true))
        .order(users::id)
        .select((users::id, users::email, users::language, users::area_id))
        .load(connection)
}
