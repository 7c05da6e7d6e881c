//! The registered members of a household, for its page: who they are, audited as a read of
//! each person listed.

use super::*;

/// A member as the household page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
}

/// The household's open members by name, if the household is within the caller's reach.
pub fn members(
    connection: &mut DbConn,
    principal: &Principal,
    id: &str,
) -> Result<Vec<Member>, AppError> {
    let scope = permitted(principal, Resource::Households, Action::Read)?;
    let household = rows::find(connection, id)?.ok_or(AppError::NotFound)?;
    if !in_scope(principal, scope, &household) {
        return Err(AppError::NotFound);
    }
    let members: Vec<Member> = models::workers::members_named(connection, id)?
        .into_iter()
        .map(|(id, full_name, birth_date)| Member {
            id,
            full_name,
            birth_date,
        })
        .collect();
    let ids: Vec<String> = members.iter().map(|member| member.id.clone()).collect();
    audit::record(
        connection,
        &principal.actor(),
        "read",
        "worker",
        &ids,
        &["full_name", "birth_date"],
        accounts::now(),
    )?;
    Ok(members)
}
