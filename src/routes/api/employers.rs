//! `/api/v1/employers`.

use crate::registry::employers::{EmployerInput, EmployerQuery, EmployerView};

super::crud::crud_handlers!(
    employers,
    "/api/v1/employers",
    "/api/v1/employers/{id}",
    "employers",
    EmployerInput,
    EmployerView,
    EmployerView,
    EmployerQuery
);
