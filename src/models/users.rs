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

/// Whether a login is linked to the worker.
pub fn worker_has_login(connection: &mut crate::db::DbConn, worker_id: &str) -> QueryResult<bool> {
    let count: i64 = users::table
        .filter(users::worker_id.eq(worker_id))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
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

/// A login as the administrators' list shows it: `(id, e-mail, role, area id, employer id,
/// active, created)`.
pub type UserRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    NaiveDateTime,
);

/// Every login, by e-mail.
pub fn list(connection: &mut crate::db::DbConn) -> QueryResult<Vec<UserRow>> {
    users::table
        .order(users::email)
        .select((
            users::id,
            users::email,
            users::role,
            users::area_id,
            users::employer_id,
            users::active,
            users::created_at,
        ))
        .load(connection)
}

pub fn find(connection: &mut crate::db::DbConn, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(connection)
        .optional()
}

/// Sets a login's role, area and whether it may sign in.
pub fn set_account(
    connection: &mut crate::db::DbConn,
    id: &str,
    (role, area_id, active): (&str, Option<&str>, bool),
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(role),
            users::area_id.eq(area_id),
            users::active.eq(active),
            users::updated_at.eq(now),
        ))
        .execute(connection)
}

pub fn set_password(
    connection: &mut crate::db::DbConn,
    id: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now),
        ))
        .execute(connection)
}
