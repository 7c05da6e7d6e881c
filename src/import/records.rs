//! The five record kinds an import writes, each through one typed trait: the registry's input
//! and view types, how the natural key finds a record, and the registry's create, read and
//! update. `each_kind!` picks the kind's type for a `Kind` read from the request.

use serde::de::DeserializeOwned;

use super::*;
use crate::models;
use crate::registry::courses::{CourseInput, CourseView};
use crate::registry::employers::{EmployerInput, EmployerView};
use crate::registry::households::{HouseholdInput, HouseholdView};
use crate::registry::vacancies::{VacancyInput, VacancyView};
use crate::registry::workers::WorkerInput;

/// A worker's name and birth date, to tell the same person from another with that CCCD.
pub(super) struct Person {
    pub(super) name: String,
    pub(super) born: NaiveDate,
}

/// The record a row's key found.
pub(super) struct Existing {
    pub(super) id: String,
    /// For workers found by CCCD: who holds it.
    pub(super) person: Option<Person>,
}

/// One kind of record as an import reads, writes and exports it.
pub(super) trait Record {
    /// What the registry's create and update take.
    type Input: DeserializeOwned;
    /// What the registry's read and update answer.
    type View: Serialize;

    /// The open record the row's natural key names; `fields["id"]` (an export's `Mã hệ
    /// thống`), when present, names it first. Two open records under one key cannot be told
    /// apart: an error, so the row is refused rather than written to either.
    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found>;
    /// The open records' ids in an export's order.
    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>>;
    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<Self::View, AppError>;
    /// Creates the record; answers the id of a household whose progress facts are left to the
    /// caller (derived for a whole chunk at once).
    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: Self::Input,
    ) -> Result<Option<String>, AppError>;
    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: Self::Input,
    ) -> Result<Self::View, AppError>;
}

pub(super) type Found = Result<Option<Existing>, AppError>;

/// Calls `$body` with `$record` standing for the record type of `$kind`.
macro_rules! each_kind {
    ($kind:expr, $record:ident => $body:expr) => {
        match $kind {
            $crate::import::Kind::Households => {
                type $record = $crate::import::records::Households;
                $body
            }
            $crate::import::Kind::Workers => {
                type $record = $crate::import::records::Workers;
                $body
            }
            $crate::import::Kind::Employers => {
                type $record = $crate::import::records::Employers;
                $body
            }
            $crate::import::Kind::Vacancies => {
                type $record = $crate::import::records::Vacancies;
                $body
            }
            $crate::import::Kind::Courses => {
                type $record = $crate::import::records::Courses;
                $body
            }
        }
    };
}
pub(super) use each_kind;

pub(super) struct Households;
pub(super) struct Workers;
pub(super) struct Employers;
pub(super) struct Vacancies;
pub(super) struct Courses;

/// A text field of the row, empty when absent.
fn text(fields: &Fields, field: &str) -> String {
    fields
        .get(field)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// One record, none, or an error naming the key when the key is not unique.
fn one(ids: Vec<String>, key: &str, by_id: bool) -> Found {
    match ids.as_slice() {
        [] if by_id => Err(AppError::field("id", "unknown_record")),
        [] => Ok(None),
        [id] => Ok(Some(Existing {
            id: id.clone(),
            person: None,
        })),
        _ => Err(AppError::field(key, "import_ambiguous")),
    }
}

/// The row's `id`, when it carries one.
fn by_id(fields: &Fields) -> Option<String> {
    Some(text(fields, "id")).filter(|id| !id.is_empty())
}

impl Record for Households {
    type Input = HouseholdInput;
    type View = HouseholdView;

    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found> {
        let id = models::households::live_id_by_code(connection, &text(fields, "code"))?;
        Ok(Ok(id.map(|id| Existing { id, person: None })))
    }

    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
        models::households::live_ids_by_code(connection)
    }

    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<HouseholdView, AppError> {
        registry::households::read(connection, principal, id)
    }

    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: HouseholdInput,
    ) -> Result<Option<String>, AppError> {
        let facts = registry::households::Facts::Later;
        registry::households::create_for_import(connection, principal, input, facts).map(Some)
    }

    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: HouseholdInput,
    ) -> Result<HouseholdView, AppError> {
        registry::households::update(connection, principal, id, input)
    }
}

impl Record for Workers {
    type Input = WorkerInput;
    /// As the principal may see it: personal data masked for some roles.
    type View = serde_json::Value;

    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found> {
        if let Some(id) = by_id(fields) {
            let ids = models::workers::live_id(connection, &id)?;
            return Ok(one(ids.into_iter().collect(), "national_id", true));
        }
        let holder =
            models::workers::identity_by_national_id(connection, &text(fields, "national_id"))?;
        Ok(Ok(holder.map(|(id, name, born)| Existing {
            id,
            person: Some(Person { name, born }),
        })))
    }

    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
        models::workers::live_ids_by_national_id(connection)
    }

    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<serde_json::Value, AppError> {
        registry::workers::read(connection, principal, id)
    }

    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: WorkerInput,
    ) -> Result<Option<String>, AppError> {
        registry::workers::create(connection, principal, input).map(|_| None)
    }

    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: WorkerInput,
    ) -> Result<serde_json::Value, AppError> {
        registry::workers::update(connection, principal, id, input)
    }
}

impl Record for Employers {
    type Input = EmployerInput;
    type View = EmployerView;

    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found> {
        let ids = models::employers::live_ids_by_tax_code(connection, &text(fields, "tax_code"))?;
        Ok(one(ids, "tax_code", false))
    }

    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
        models::employers::live_ids_by_tax_code_order(connection)
    }

    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<EmployerView, AppError> {
        registry::employers::read(connection, principal, id)
    }

    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: EmployerInput,
    ) -> Result<Option<String>, AppError> {
        registry::employers::create(connection, principal, input).map(|_| None)
    }

    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: EmployerInput,
    ) -> Result<EmployerView, AppError> {
        registry::employers::update(connection, principal, id, input)
    }
}

impl Record for Vacancies {
    type Input = VacancyInput;
    type View = VacancyView;

    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found> {
        if let Some(id) = by_id(fields) {
            let ids = models::vacancies::live_id(connection, &id)?;
            return Ok(one(ids.into_iter().collect(), "employer_id", true));
        }
        let title = text::normalize(&text(fields, "title"));
        let ids =
            models::vacancies::live_ids_by_title(connection, &text(fields, "employer_id"), &title)?;
        Ok(one(ids, "employer_id", false))
    }

    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
        models::vacancies::live_ids_by_title_order(connection)
    }

    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<VacancyView, AppError> {
        registry::vacancies::read(connection, principal, id)
    }

    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: VacancyInput,
    ) -> Result<Option<String>, AppError> {
        registry::vacancies::create(connection, principal, input).map(|_| None)
    }

    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: VacancyInput,
    ) -> Result<VacancyView, AppError> {
        registry::vacancies::update(connection, principal, id, input)
    }
}

impl Record for Courses {
    type Input = CourseInput;
    type View = CourseView;

    fn find(connection: &mut DbConn, fields: &Fields) -> QueryResult<Found> {
        if let Some(id) = by_id(fields) {
            let ids = models::courses::live_id(connection, &id)?;
            return Ok(one(ids.into_iter().collect(), "provider", true));
        }
        let Ok(starts_on) = NaiveDate::parse_from_str(&text(fields, "starts_on"), "%Y-%m-%d")
        else {
            return Ok(Ok(None));
        };
        let provider = text::normalize(&text(fields, "provider"));
        let title = text::normalize(&text(fields, "title"));
        let ids = models::courses::live_ids_by_key(connection, &provider, &title, starts_on)?;
        Ok(one(ids, "provider", false))
    }

    fn export_order(connection: &mut DbConn) -> QueryResult<Vec<String>> {
        models::courses::live_ids_by_key_order(connection)
    }

    fn read(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
    ) -> Result<CourseView, AppError> {
        registry::courses::read(connection, Some(principal), id)
    }

    fn create(
        connection: &mut DbConn,
        principal: &Principal,
        input: CourseInput,
    ) -> Result<Option<String>, AppError> {
        registry::courses::create(connection, principal, input).map(|_| None)
    }

    fn update(
        connection: &mut DbConn,
        principal: &Principal,
        id: &str,
        input: CourseInput,
    ) -> Result<CourseView, AppError> {
        registry::courses::update(connection, principal, id, input)
    }
}
