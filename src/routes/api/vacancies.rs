//! `/api/v1/vacancies`.

use crate::registry::vacancies::{VacancyInput, VacancyQuery, VacancyView};

super::crud::crud_handlers!(
    vacancies,
    "/api/v1/vacancies",
    "/api/v1/vacancies/{id}",
    "vacancies",
    VacancyInput,
    VacancyView,
    VacancyView,
    VacancyQuery
);
