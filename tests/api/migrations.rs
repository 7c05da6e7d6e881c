use diesel::prelude::*;
use ketnoi::db::schema::{admin_units, workers};
use ketnoi::db::{migrations, reference};

use crate::helpers::{TestResult, test_dbs};

#[test]
fn migrations_run_roll_back_and_run_again() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let mut connection = db.migrated()?;
        assert_eq!(
            migrations::schema_version(&mut connection)?.as_deref(),
            Some("20261208000021")
        );
        assert!(!migrations::has_pending(&mut connection)?);
        let units: i64 = admin_units::table.count().get_result(&mut connection)?;
        assert!(units > 280, "{backend}: {units} administrative units");

        let reverted = migrations::revert_all(&mut connection)?;
        assert_eq!(reverted.len(), 21, "{backend}");
        assert!(
            workers::table
                .count()
                .get_result::<i64>(&mut connection)
                .is_err(),
            "{backend}: tables remain"
        );
        assert_eq!(migrations::schema_version(&mut connection)?, None);

        let applied = migrations::run_pending(&mut connection)?;
        assert_eq!(applied.len(), 21, "{backend}");
        let loaded = reference::load(&mut connection)?;
        assert_eq!(
            loaded.inserted as i64,
            units + reference_rows_besides_units(&mut connection)?,
            "{backend}"
        );
    }
    Ok(())
}

#[test]
fn reference_data_loads_once_and_keeps_what_admins_changed() -> TestResult {
    for db in test_dbs() {
        let mut connection = db.migrated()?;
        diesel::update(admin_units::table.filter(admin_units::id.eq("127@2021")))
            .set(admin_units::poor_area.eq(true))
            .execute(&mut connection)?;
        assert_eq!(reference::load(&mut connection)?.inserted, 0);
        let poor: bool = admin_units::table
            .find("127@2021")
            .select(admin_units::poor_area)
            .first(&mut connection)?;
        assert!(
            poor,
            "{}: a reload overwrote the poor-area flag",
            db.backend_name()
        );
    }
    Ok(())
}

fn reference_rows_besides_units(connection: &mut ketnoi::db::DbConn) -> QueryResult<i64> {
    use ketnoi::db::schema::*;
    Ok(admin_unit_successors::table
        .count()
        .get_result::<i64>(connection)?
        + ethnic_groups::table.count().get_result::<i64>(connection)?
        + occupation_groups::table
            .count()
            .get_result::<i64>(connection)?
        + occupations::table.count().get_result::<i64>(connection)?
        + poverty_standards::table
            .count()
            .get_result::<i64>(connection)?
        + poverty_indicators::table
            .count()
            .get_result::<i64>(connection)?
        + poverty_standard_indicators::table
            .count()
            .get_result::<i64>(connection)?
        + programme_periods::table
            .count()
            .get_result::<i64>(connection)?
        + programme_targets::table
            .count()
            .get_result::<i64>(connection)?)
}
