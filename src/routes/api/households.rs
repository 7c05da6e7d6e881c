//! `/api/v1/households`.

use crate::registry::households::{HouseholdInput, HouseholdQuery, HouseholdView};

super::crud::crud_handlers!(
    households,
    "/api/v1/households",
    "/api/v1/households/{id}",
    "households",
    HouseholdInput,
    HouseholdView,
    HouseholdView,
    HouseholdQuery
);
