//! The database itself refuses rows that break the model's rules, on both backends: a bug in
//! a handler or an import cannot store them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ketnoi::db::DbConn;
use ketnoi::db::schema::{
    courses, employers, enrollments, follow_ups, households, placements, referrals, users,
    vacancies, workers,
};
use ketnoi::domain::statuses::{
    Availability, FollowUpOutcome, HouseholdStatus, PlacementStatus, ReferralStatus, WorkKind,
};
use ketnoi::insert_rows;
use ketnoi::models::courses::NewCourse;
use ketnoi::models::employers::NewEmployer;
use ketnoi::models::enrollments::NewEnrollment;
use ketnoi::models::follow_ups::NewFollowUp;
use ketnoi::models::households::NewHousehold;
use ketnoi::models::placements::NewPlacement;
use ketnoi::models::referrals::NewReferral;
use ketnoi::models::users::NewUser;
use ketnoi::models::vacancies::NewVacancy;
use ketnoi::models::workers::NewWorker;

use crate::helpers::{TestResult, test_dbs};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn moment() -> NaiveDateTime {
    day("2024-03-01").and_hms_opt(8, 0, 0).unwrap()
}

#[derive(Clone)]
struct Fixture {
    household: NewHousehold,
    worker: NewWorker,
    employer: NewEmployer,
    vacancy: NewVacancy,
    course: NewCourse,
    enrollment: NewEnrollment,
    referral: NewReferral,
    placement: NewPlacement,
    follow_up: NewFollowUp,
    user: NewUser,
}

fn fixture() -> Fixture {
    let at = moment();
    Fixture {
        household: NewHousehold {
            id: "h1".into(),
            code: "03646000001".into(),
            commune_id: "03646@2021".into(),
            head_name: "Lò Văn Ơn".into(),
            ethnicity_code: "03".into(),
            members: 5,
            income_per_person_vnd: 1_200_000,
            urban: false,
            status: HouseholdStatus::Poor,
            previous_status: Some(HouseholdStatus::Poor),
            review_year: 2024,
            standard_id: "2022-2025".into(),
            created_at: at,
            updated_at: at,
            search_name: String::new(),
        },
        worker: NewWorker {
            message_channel: "both".to_owned(),
            id: "w1".into(),
            national_id: Some("014195000123".into()),
            full_name: "Lò Thị Ỏn".into(),
            birth_date: day("1995-04-12"),
            gender: "female".into(),
            ethnicity_code: "03".into(),
            phone: Some("0912345678".into()),
            email: None,
            commune_id: "03646@2021".into(),
            household_id: Some("h1".into()),
            education_level: "lower_secondary".into(),
            qualifications: String::new(),
            disability: false,
            skills: "may công nghiệp".into(),
            willing_to_relocate: true,
            willing_overseas: false,
            expected_wage_vnd: Some(6_000_000),
            availability: Availability::Seeking,
            consent_to_share: true,
            consent_given_on: None,
            registered_on: day("2024-02-01"),
            created_at: at,
            updated_at: at,
            search_name: String::new(),
        },
        employer: NewEmployer {
            id: "e1".into(),
            name: "Công ty TNHH May Tân Phú".into(),
            tax_code: "0101234567".into(),
            kind: "company".into(),
            sector: String::new(),
            commune_id: None,
            address: "Khu công nghiệp Quế Võ, tỉnh Bắc Ninh".into(),
            contact_name: "Phòng Nhân sự".into(),
            contact_email: None,
            contact_phone: None,
            verified: true,
            created_at: at,
            updated_at: at,
            search_name: String::new(),
        },
        vacancy: NewVacancy {
            id: "v1".into(),
            employer_id: "e1".into(),
            title: "Công nhân may công nghiệp".into(),
            description: String::new(),
            occupation_code: "8153".into(),
            positions: 10,
            commune_id: None,
            work_place: Some("Khu công nghiệp Quế Võ, tỉnh Bắc Ninh".into()),
            is_overseas: false,
            country: None,
            wage_min_vnd: Some(6_000_000),
            wage_max_vnd: Some(8_000_000),
            min_age: Some(18),
            max_age: Some(40),
            education_required: None,
            skills_required: String::new(),
            certificates_required: String::new(),
            deadline: Some(day("2024-04-30")),
            status: "open".into(),
            posted_on: day("2024-03-01"),
            created_at: at,
            updated_at: at,
            search_name: String::new(),
        },
        course: NewCourse {
            id: "c1".into(),
            provider: "Trung tâm Dịch vụ việc làm".into(),
            title: "May công nghiệp".into(),
            description: String::new(),
            level: "under_3_months".into(),
            commune_id: Some("03646@2021".into()),
            starts_on: day("2024-05-01"),
            ends_on: day("2024-07-01"),
            capacity: 30,
            fee_vnd: 0,
            support_vnd: 0,
            status: "finished".into(),
            created_at: at,
            updated_at: at,
            search_name: String::new(),
        },
        enrollment: NewEnrollment {
            id: "n1".into(),
            course_id: "c1".into(),
            worker_id: "w1".into(),
            status: ketnoi::domain::statuses::EnrollmentStatus::Completed,
            progress_percent: 100,
            commune_id_at_enrolment: "03646@2021".into(),
            applied_on: day("2024-04-20"),
            completed_on: Some(day("2024-07-01")),
            certificate_no: None,
            created_at: at,
            updated_at: at,
        },
        referral: NewReferral {
            id: "r1".into(),
            vacancy_id: "v1".into(),
            worker_id: "w1".into(),
            status: ReferralStatus::Hired,
            match_score: Some(0.8),
            match_explanation: "Đúng nghề mong muốn.".into(),
            employer_explanation: String::new(),
            match_rank: None,
            override_reason: None,
            rejection_reason: None,
            status_note: String::new(),
            created_by: None,
            status_changed_at: at,
            created_at: at,
            updated_at: at,
            shared_at: Some(at),
        },
        placement: NewPlacement {
            id: "p1".into(),
            referral_id: Some("r1".into()),
            worker_id: "w1".into(),
            vacancy_id: Some("v1".into()),
            employer_id: Some("e1".into()),
            kind: WorkKind::WageJob,
            occupation_code: None,
            activity: String::new(),
            expected_income_vnd: None,
            place: String::new(),
            model_id: None,
            start_date: day("2024-03-20"),
            wage_vnd: Some(7_000_000),
            is_overseas: false,
            country: None,
            household_status_snapshot: Some(HouseholdStatus::Poor),
            poor_area_snapshot: false,
            commune_id_snapshot: "03646@2021".into(),
            status: PlacementStatus::Active,
            withdrawn_reason: None,
            withdrawn_at: None,
            confirmed_by: None,
            confirmed_at: at,
            created_at: at,
            updated_at: at,
        },
        follow_up: NewFollowUp {
            id: "f1".into(),
            placement_id: "p1".into(),
            months_after_start: 3,
            due_on: day("2024-06-20"),
            outcome: FollowUpOutcome::Pending,
            left_reason: None,
            note: String::new(),
            recorded_on: None,
            recorded_by: None,
            income_vnd: None,
            created_at: at,
            updated_at: at,
        },
        user: NewUser {
            id: "u1".into(),
            email: "canbo@example.vn".into(),
            password_hash: "$argon2id$…".into(),
            role: "staff".into(),
            employer_id: None,
            worker_id: None,
            area_id: None,
            language: "vi".into(),
            active: true,
            created_at: at,
            updated_at: at,
        },
    }
}

fn insert_all(connection: &mut DbConn, rows: &Fixture) -> diesel::QueryResult<()> {
    insert_rows!(&mut *connection, households::table, &rows.household)?;
    insert_rows!(&mut *connection, workers::table, &rows.worker)?;
    insert_rows!(&mut *connection, employers::table, &rows.employer)?;
    insert_rows!(&mut *connection, vacancies::table, &rows.vacancy)?;
    insert_rows!(&mut *connection, courses::table, &rows.course)?;
    insert_rows!(&mut *connection, enrollments::table, &rows.enrollment)?;
    insert_rows!(&mut *connection, referrals::table, &rows.referral)?;
    insert_rows!(&mut *connection, placements::table, &rows.placement)?;
    insert_rows!(&mut *connection, follow_ups::table, &rows.follow_up)?;
    insert_rows!(&mut *connection, users::table, &rows.user)?;
    Ok(())
}

type Attempt = fn(&mut DbConn, Fixture) -> diesel::QueryResult<usize>;

use DatabaseErrorKind::{
    CheckViolation as Check, ForeignKeyViolation as Foreign, UniqueViolation as Unique,
};

/// Each case changes one thing in an otherwise valid row (with a fresh id) and inserts it.
const CASES: &[(&str, DatabaseErrorKind, Attempt)] = &[
    ("CCCD of 11 digits", Check, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = Some("01419500012".into());
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("CCCD with a letter", Check, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = Some("01419500012A".into());
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("duplicate CCCD", Unique, |c, mut f| {
        f.worker.id = "w2".into();
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("unknown commune", Foreign, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = None;
        f.worker.commune_id = "99999@2021".into();
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("unknown ethnic group", Foreign, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = None;
        f.worker.ethnicity_code = "99".into();
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("unknown gender", Check, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = None;
        f.worker.gender = "unknown".into();
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("unknown availability", Check, |c, f| {
        // Written around the typed row, as for every status below.
        use diesel::prelude::*;
        diesel::update(workers::table.find(&f.worker.id))
            .set(workers::availability.eq("busy"))
            .execute(c)
    }),
    ("unknown household", Foreign, |c, mut f| {
        f.worker.id = "w2".into();
        f.worker.national_id = None;
        f.worker.household_id = Some("nope".into());
        insert_rows!(c, workers::table, &f.worker)
    }),
    ("duplicate household code", Unique, |c, mut f| {
        f.household.id = "h2".into();
        insert_rows!(c, households::table, &f.household)
    }),
    ("unknown household status", Check, |c, f| {
        use diesel::prelude::*;
        diesel::update(households::table.find(&f.household.id))
            .set(households::status.eq("rich"))
            .execute(c)
    }),
    (
        "newly escaped without a poor or near-poor past",
        Check,
        |c, mut f| {
            f.household.id = "h2".into();
            f.household.code = "h2".into();
            f.household.status = HouseholdStatus::NewlyEscaped;
            f.household.previous_status = Some(HouseholdStatus::NotPoor);
            insert_rows!(c, households::table, &f.household)
        },
    ),
    ("household without members", Check, |c, mut f| {
        f.household.id = "h2".into();
        f.household.code = "h2".into();
        f.household.members = 0;
        insert_rows!(c, households::table, &f.household)
    }),
    ("negative income", Check, |c, mut f| {
        f.household.id = "h2".into();
        f.household.code = "h2".into();
        f.household.income_per_person_vnd = -1;
        insert_rows!(c, households::table, &f.household)
    }),
    ("duplicate tax code", Unique, |c, mut f| {
        f.employer.id = "e2".into();
        insert_rows!(c, employers::table, &f.employer)
    }),
    ("tax code of 9 digits", Check, |c, mut f| {
        f.employer.id = "e2".into();
        f.employer.tax_code = "010123456".into();
        insert_rows!(c, employers::table, &f.employer)
    }),
    ("unknown employer kind", Check, |c, mut f| {
        f.employer.id = "e2".into();
        f.employer.tax_code = "0101234568".into();
        f.employer.kind = "ngo".into();
        insert_rows!(c, employers::table, &f.employer)
    }),
    ("no positions", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.positions = 0;
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("minimum wage above maximum", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.wage_min_vnd = Some(9_000_000);
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("minimum age 14", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.min_age = Some(14);
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("minimum age above maximum", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.min_age = Some(41);
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("overseas vacancy without a country", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.is_overseas = true;
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("country code in lower case", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.is_overseas = true;
        f.vacancy.country = Some("kr".into());
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("unknown vacancy status", Check, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.status = "paused".into();
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("unknown occupation", Foreign, |c, mut f| {
        f.vacancy.id = "v2".into();
        f.vacancy.occupation_code = "0000".into();
        insert_rows!(c, vacancies::table, &f.vacancy)
    }),
    ("course ending before it starts", Check, |c, mut f| {
        f.course.id = "c2".into();
        f.course.ends_on = day("2024-04-01");
        insert_rows!(c, courses::table, &f.course)
    }),
    ("course without seats", Check, |c, mut f| {
        f.course.id = "c2".into();
        f.course.capacity = 0;
        insert_rows!(c, courses::table, &f.course)
    }),
    ("completed enrolment without a date", Check, |c, mut f| {
        f.enrollment.id = "n2".into();
        f.enrollment.worker_id = "w1".into();
        f.enrollment.course_id = "c1".into();
        f.enrollment.completed_on = None;
        insert_rows!(c, enrollments::table, &f.enrollment)
    }),
    ("second enrolment on the same course", Unique, |c, mut f| {
        f.enrollment.id = "n2".into();
        insert_rows!(c, enrollments::table, &f.enrollment)
    }),
    ("rejection without a reason", Check, |c, mut f| {
        f.referral.id = "r2".into();
        f.referral.status = ReferralStatus::Rejected;
        insert_rows!(c, referrals::table, &f.referral)
    }),
    ("second referral to the same vacancy", Unique, |c, mut f| {
        f.referral.id = "r2".into();
        insert_rows!(c, referrals::table, &f.referral)
    }),
    ("placed twice in one vacancy", Unique, |c, mut f| {
        f.placement.id = "p2".into();
        f.placement.referral_id = None;
        insert_rows!(c, placements::table, &f.placement)
    }),
    ("unknown household status snapshot", Check, |c, f| {
        // The row type cannot hold an unknown status; the database must refuse one written
        // around it.
        use diesel::prelude::*;
        diesel::update(placements::table.find(&f.placement.id))
            .set(placements::household_status_snapshot.eq("middle"))
            .execute(c)
    }),
    ("withdrawal without a reason", Check, |c, mut f| {
        f.placement.id = "p2".into();
        f.placement.referral_id = None;
        f.placement.status = PlacementStatus::Withdrawn;
        f.placement.withdrawn_at = Some(moment());
        insert_rows!(c, placements::table, &f.placement)
    }),
    ("follow-up at 4 months", Check, |c, mut f| {
        f.follow_up.id = "f2".into();
        f.follow_up.months_after_start = 4;
        insert_rows!(c, follow_ups::table, &f.follow_up)
    }),
    (
        "pending follow-up with a recorded date",
        Check,
        |c, mut f| {
            f.follow_up.id = "f2".into();
            f.follow_up.months_after_start = 6;
            f.follow_up.recorded_on = Some(day("2024-09-20"));
            insert_rows!(c, follow_ups::table, &f.follow_up)
        },
    ),
    ("employer login without an employer", Check, |c, mut f| {
        f.user.id = "u2".into();
        f.user.email = "hr@example.vn".into();
        f.user.role = "employer".into();
        insert_rows!(c, users::table, &f.user)
    }),
    ("duplicate login e-mail", Unique, |c, mut f| {
        f.user.id = "u2".into();
        insert_rows!(c, users::table, &f.user)
    }),
];

#[test]
fn the_database_rejects_rows_that_break_the_rules() -> TestResult {
    for db in test_dbs() {
        let backend = db.backend_name();
        let mut connection = db.migrated()?;
        insert_all(&mut connection, &fixture())?;
        for (name, expected_kind, attempt) in CASES {
            match attempt(&mut connection, fixture()) {
                Err(DieselError::DatabaseError(kind, info)) => {
                    assert!(
                        std::mem::discriminant(&kind) == std::mem::discriminant(expected_kind),
                        "{backend}: {name}: expected {expected_kind:?}, got {kind:?} ({})",
                        info.message()
                    );
                }
                other => panic!("{backend}: {name}: the database accepted it ({other:?})"),
            }
        }
    }
    Ok(())
}

#[test]
fn workers_without_a_cccd_are_not_duplicates_of_each_other() -> TestResult {
    for db in test_dbs() {
        let mut connection = db.migrated()?;
        let mut rows = fixture();
        rows.worker.national_id = None;
        rows.worker.household_id = None;
        insert_rows!(&mut connection, workers::table, &rows.worker)?;
        rows.worker.id = "w2".into();
        insert_rows!(&mut connection, workers::table, &rows.worker)?;
        let count: i64 = diesel::RunQueryDsl::get_result(
            diesel::QueryDsl::count(workers::table),
            &mut connection,
        )?;
        assert_eq!(count, 2, "{}", db.backend_name());
    }
    Ok(())
}
