//! Who may do what: the role table, in one place. Handlers ask [`allowed`] and then apply
//! the scope it returns to their query.

use super::roles::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Households,
    Workers,
    Employers,
    Vacancies,
    Courses,
    Enrollments,
    ServiceRecords,
    AdminUnits,
    /// Programme periods and their targets.
    ProgrammePeriods,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    List,
    Read,
    Create,
    Update,
    Archive,
}

/// Which records of a resource a role reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Records in the officer's area (every record when the officer has none).
    Area,
    /// The caller's own: an employer's own profile and vacancies, a trainee's own worker record
    /// and enrolments.
    Own,
    /// Workers referred to the employer's vacancies, in the employer's view: name, age,
    /// skills, commune, and contact only with the worker's consent — never CCCD or household data.
    ReferredToOwn,
    /// What anyone may see, signed in or not.
    Public,
    /// Refused.
    None,
}

use Action::{Archive, Create, List, Read, Update};
use Resource::*;
use Scope::{All, Area, None as No, Own, Public, ReferredToOwn};

/// `(resource, action, admin, staff, employer, trainee, anonymous)`.
pub const ROLE_TABLE: &[(Resource, Action, Scope, Scope, Scope, Scope, Scope)] = &[
    (Households, List, All, Area, No, No, No),
    (Households, Read, All, Area, No, No, No),
    (Households, Create, All, Area, No, No, No),
    (Households, Update, All, Area, No, No, No),
    (Households, Archive, All, Area, No, No, No),
    (Workers, List, All, Area, ReferredToOwn, No, No),
    (Workers, Read, All, Area, ReferredToOwn, Own, No),
    (Workers, Create, All, Area, No, No, No),
    (Workers, Update, All, Area, No, Own, No),
    (Workers, Archive, All, Area, No, No, No),
    (Employers, List, All, All, Own, No, No),
    (Employers, Read, All, All, Own, No, No),
    (Employers, Create, All, All, No, No, No),
    (Employers, Update, All, All, Own, No, No),
    (Employers, Archive, All, All, No, No, No),
    (Vacancies, List, All, All, Own, No, No),
    (Vacancies, Read, All, All, Own, No, No),
    (Vacancies, Create, All, All, Own, No, No),
    (Vacancies, Update, All, All, Own, No, No),
    (Vacancies, Archive, All, All, Own, No, No),
    (Courses, List, All, All, Public, Public, Public),
    (Courses, Read, All, All, Public, Public, Public),
    (Courses, Create, All, All, No, No, No),
    (Courses, Update, All, All, No, No, No),
    (Courses, Archive, All, All, No, No, No),
    (Enrollments, Create, All, Area, No, Own, No),
    (Enrollments, Update, All, Area, No, No, No),
    (ServiceRecords, List, All, Area, No, No, No),
    (ServiceRecords, Create, All, Area, No, No, No),
    (AdminUnits, List, Public, Public, Public, Public, Public),
    (AdminUnits, Update, All, No, No, No, No),
    (ProgrammePeriods, List, All, All, No, No, No),
    (ProgrammePeriods, Create, All, No, No, No, No),
    (ProgrammePeriods, Update, All, No, No, No, No),
];

/// The scope a role (or an anonymous caller, `None`) has for an action; [`Scope::None`] when
/// the table has no row for it.
pub fn allowed(role: Option<Role>, resource: Resource, action: Action) -> Scope {
    let Some(row) = ROLE_TABLE
        .iter()
        .find(|row| row.0 == resource && row.1 == action)
    else {
        return Scope::None;
    };
    match role {
        Some(Role::Admin) => row.2,
        Some(Role::Staff) => row.3,
        Some(Role::Employer) => row.4,
        Some(Role::Trainee) => row.5,
        None => row.6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_action_pair_appears_once() {
        for (index, row) in ROLE_TABLE.iter().enumerate() {
            assert!(
                !ROLE_TABLE[index + 1..]
                    .iter()
                    .any(|other| other.0 == row.0 && other.1 == row.1),
                "{:?} {:?} appears twice",
                row.0,
                row.1
            );
        }
    }

    #[test]
    fn nobody_but_registry_staff_reaches_household_data() {
        for action in [List, Read, Create, Update, Archive] {
            assert_eq!(
                allowed(Some(Role::Employer), Households, action),
                Scope::None
            );
            assert_eq!(
                allowed(Some(Role::Trainee), Households, action),
                Scope::None
            );
            assert_eq!(allowed(None, Households, action), Scope::None);
        }
        assert_eq!(allowed(Some(Role::Staff), Households, Read), Scope::Area);
    }
}
