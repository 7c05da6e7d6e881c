//! The portable diesel schema shared by SQLite and PostgreSQL.
//!
//! Only types that `MultiConnection` covers on both backends appear here: Text, Integer, BigInt,
//! Bool, Double, Date and Timestamp (UTC, without zone). Keep it in step with both migration folders.

diesel::table! {
    admin_units (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        unit_type -> Text,
        parent_id -> Nullable<Text>,
        poor_area -> Bool,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        difficult_area -> Bool,
    }
}

diesel::table! {
    admin_unit_successors (predecessor_id, successor_id) {
        predecessor_id -> Text,
        successor_id -> Text,
        confidence -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    ethnic_groups (code) {
        code -> Text,
        code_scheme -> Text,
        name -> Text,
        aliases -> Text,
        gso_census_code -> Nullable<Text>,
        is_minority -> Bool,
    }
}

diesel::table! {
    occupation_groups (code) {
        code -> Text,
        level -> Integer,
        parent_code -> Nullable<Text>,
        name_vi -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    occupations (code) {
        code -> Text,
        group_code -> Text,
        name_vi -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    poverty_standards (id) {
        id -> Text,
        legal_basis -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        rural_income_line_vnd -> BigInt,
        urban_income_line_vnd -> BigInt,
        poor_min_deprivations -> Integer,
    }
}

diesel::table! {
    poverty_indicators (key) {
        key -> Text,
        dimension_vi -> Text,
        dimension_en -> Text,
        name_vi -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    poverty_standard_indicators (standard_id, indicator_key) {
        standard_id -> Text,
        indicator_key -> Text,
        position -> Integer,
    }
}

diesel::table! {
    programme_periods (code) {
        code -> Text,
        starts_on -> Date,
        ends_on -> Date,
        plan_reference -> Text,
        name_vi -> Text,
        name_en -> Text,
        updated_at -> Nullable<Timestamp>,
        connected_kinds -> Text,
    }
}

diesel::table! {
    programme_targets (period_code, key, unit_code) {
        period_code -> Text,
        key -> Text,
        unit_code -> Text,
        target_value -> Double,
        unit -> Text,
        comparison -> Text,
        description_vi -> Text,
        description_en -> Text,
        source -> Text,
    }
}

diesel::table! {
    households (id) {
        id -> Text,
        code -> Text,
        commune_id -> Text,
        head_name -> Text,
        ethnicity_code -> Text,
        members -> Integer,
        income_per_person_vnd -> BigInt,
        urban -> Bool,
        status -> Text,
        previous_status -> Nullable<Text>,
        review_year -> Integer,
        standard_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        search_name -> Text,
    }
}

diesel::table! {
    household_reviews (household_id, year) {
        household_id -> Text,
        year -> Integer,
        standard_id -> Text,
        income_per_person_vnd -> BigInt,
        urban -> Bool,
        deprivations -> Text,
        status -> Text,
        previous_status -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    review_counts (year, commune_id, minority, status) {
        year -> Integer,
        commune_id -> Text,
        minority -> Bool,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    household_deprivations (household_id, indicator_key) {
        household_id -> Text,
        indicator_key -> Text,
    }
}

diesel::table! {
    workers (id) {
        id -> Text,
        national_id -> Nullable<Text>,
        full_name -> Text,
        birth_date -> Date,
        gender -> Text,
        ethnicity_code -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        commune_id -> Text,
        household_id -> Nullable<Text>,
        education_level -> Text,
        qualifications -> Text,
        disability -> Bool,
        skills -> Text,
        willing_to_relocate -> Bool,
        willing_overseas -> Bool,
        expected_wage_vnd -> Nullable<BigInt>,
        availability -> Text,
        consent_to_share -> Bool,
        registered_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        search_name -> Text,
        consent_withdrawn_at -> Nullable<Timestamp>,
        consent_given_on -> Nullable<Date>,
        message_channel -> Text,
        sms_stopped_on -> Nullable<Date>,
    }
}

diesel::table! {
    worker_occupations (worker_id, occupation_code) {
        worker_id -> Text,
        occupation_code -> Text,
    }
}

diesel::table! {
    employers (id) {
        id -> Text,
        name -> Text,
        tax_code -> Text,
        kind -> Text,
        sector -> Text,
        commune_id -> Nullable<Text>,
        address -> Text,
        contact_name -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        verified -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        search_name -> Text,
    }
}

diesel::table! {
    vacancies (id) {
        id -> Text,
        employer_id -> Text,
        title -> Text,
        description -> Text,
        occupation_code -> Text,
        positions -> Integer,
        commune_id -> Nullable<Text>,
        work_place -> Nullable<Text>,
        is_overseas -> Bool,
        country -> Nullable<Text>,
        wage_min_vnd -> Nullable<BigInt>,
        wage_max_vnd -> Nullable<BigInt>,
        min_age -> Nullable<Integer>,
        max_age -> Nullable<Integer>,
        education_required -> Nullable<Text>,
        skills_required -> Text,
        certificates_required -> Text,
        deadline -> Nullable<Date>,
        status -> Text,
        posted_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        search_name -> Text,
    }
}

diesel::table! {
    courses (id) {
        id -> Text,
        provider -> Text,
        title -> Text,
        description -> Text,
        level -> Text,
        commune_id -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Date,
        capacity -> Integer,
        fee_vnd -> BigInt,
        support_vnd -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        search_name -> Text,
    }
}

diesel::table! {
    course_occupations (course_id, occupation_code) {
        course_id -> Text,
        occupation_code -> Text,
    }
}

diesel::table! {
    enrollments (id) {
        id -> Text,
        course_id -> Text,
        worker_id -> Text,
        status -> Text,
        progress_percent -> Integer,
        commune_id_at_enrolment -> Text,
        applied_on -> Date,
        completed_on -> Nullable<Date>,
        certificate_no -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        identity_unconfirmed -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        employer_id -> Nullable<Text>,
        worker_id -> Nullable<Text>,
        area_id -> Nullable<Text>,
        language -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_records (id) {
        id -> Text,
        worker_id -> Text,
        kind -> Text,
        provided_on -> Date,
        note -> Text,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        vacancy_id -> Text,
        worker_id -> Text,
        status -> Text,
        match_score -> Nullable<Double>,
        match_explanation -> Text,
        rejection_reason -> Nullable<Text>,
        status_note -> Text,
        created_by -> Nullable<Text>,
        status_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        stale_since -> Nullable<Timestamp>,
        closed_unanswered -> Bool,
        interview_at -> Nullable<Timestamp>,
        employer_explanation -> Text,
        match_rank -> Nullable<Integer>,
        override_reason -> Nullable<Text>,
        shared_at -> Nullable<Timestamp>,
        job_fair_id -> Nullable<Text>,
    }
}

diesel::table! {
    overseas_stages (id) {
        id -> Text,
        referral_id -> Text,
        stage -> Text,
        reached_on -> Date,
        note -> Text,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    progress_facts (period_code, key, subject_id) {
        period_code -> Text,
        key -> Text,
        subject_id -> Text,
        counted_on -> Date,
        commune_id -> Text,
        household_status -> Text,
        minority -> Bool,
        gender -> Text,
        country -> Text,
        record_id -> Text,
    }
}

diesel::table! {
    progress_counts (period_code, key, half_year, district_id, household_status, minority, gender, country) {
        period_code -> Text,
        key -> Text,
        half_year -> Integer,
        district_id -> Text,
        household_status -> Text,
        minority -> Bool,
        gender -> Text,
        country -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    job_fairs (id) {
        id -> Text,
        name -> Text,
        search_name -> Text,
        held_on -> Date,
        place -> Text,
        online -> Bool,
        organiser -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    job_fair_communes (fair_id, commune_id) {
        fair_id -> Text,
        commune_id -> Text,
    }
}

diesel::table! {
    job_fair_vacancies (fair_id, vacancy_id) {
        fair_id -> Text,
        vacancy_id -> Text,
    }
}

diesel::table! {
    job_fair_workers (fair_id, worker_id) {
        fair_id -> Text,
        worker_id -> Text,
        registered_at -> Timestamp,
        attended_record_id -> Nullable<Text>,
    }
}

diesel::table! {
    livelihood_models (id) {
        id -> Text,
        name -> Text,
        search_name -> Text,
        model_type -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        budget_vnd -> Nullable<BigInt>,
        support_per_household_vnd -> Nullable<BigInt>,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    livelihood_model_communes (model_id, commune_id) {
        model_id -> Text,
        commune_id -> Text,
    }
}

diesel::table! {
    placements (id) {
        id -> Text,
        referral_id -> Nullable<Text>,
        worker_id -> Text,
        vacancy_id -> Nullable<Text>,
        employer_id -> Nullable<Text>,
        kind -> Text,
        occupation_code -> Nullable<Text>,
        activity -> Text,
        expected_income_vnd -> Nullable<BigInt>,
        place -> Text,
        model_id -> Nullable<Text>,
        start_date -> Date,
        wage_vnd -> Nullable<BigInt>,
        is_overseas -> Bool,
        country -> Nullable<Text>,
        household_status_snapshot -> Nullable<Text>,
        poor_area_snapshot -> Bool,
        commune_id_snapshot -> Text,
        status -> Text,
        withdrawn_reason -> Nullable<Text>,
        withdrawn_at -> Nullable<Timestamp>,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Text,
        placement_id -> Text,
        months_after_start -> Integer,
        due_on -> Date,
        outcome -> Text,
        left_reason -> Nullable<Text>,
        note -> Text,
        recorded_on -> Nullable<Date>,
        recorded_by -> Nullable<Text>,
        income_vnd -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        source -> Text,
    }
}

diesel::table! {
    worker_counts (commune_id) {
        commune_id -> Text,
        live -> BigInt,
    }
}

diesel::table! {
    audit_subjects (entity_id, entry_id) {
        entity_id -> Text,
        entry_id -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        fields -> Text,
        client_address -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        template -> Text,
        recipient -> Text,
        language -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        dedupe_key -> Nullable<Text>,
        attachment_name -> Nullable<Text>,
        attachment -> Nullable<Binary>,
        attachment_type -> Nullable<Text>,
        channel -> Text,
        receipt -> Nullable<Text>,
        receipt_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sms_parts (message_id) {
        message_id -> Text,
        outbox_id -> Text,
        part -> Integer,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    sms_receipts (message_id) {
        message_id -> Text,
        delivered -> Bool,
        detail -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    sms_questions (follow_up_id) {
        follow_up_id -> Text,
        worker_id -> Text,
        phone -> Text,
        outbox_id -> Text,
        asked_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sms_inbox (id) {
        id -> Text,
        phone -> Text,
        body -> Text,
        received_at -> Timestamp,
        kind -> Text,
        worker_id -> Nullable<Text>,
        follow_up_id -> Nullable<Text>,
    }
}

diesel::table! {
    search_changes (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> Text,
        operation -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        kind -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> Text,
        idempotency_key -> Text,
        request_path -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(audit_subjects -> audit_log (entry_id));
diesel::joinable!(admin_unit_successors -> admin_units (predecessor_id));
diesel::joinable!(occupations -> occupation_groups (group_code));
diesel::joinable!(households -> admin_units (commune_id));
diesel::joinable!(households -> ethnic_groups (ethnicity_code));
diesel::table! {
    throttle_events (id) {
        id -> Text,
        bucket -> Text,
        happened_at -> Timestamp,
    }
}

diesel::table! {
    import_jobs (id) {
        id -> Text,
        owner_id -> Text,
        kind -> Text,
        file_name -> Text,
        status -> Text,
        done -> Integer,
        total -> Integer,
        report -> Nullable<Text>,
        error -> Nullable<Text>,
        errors_workbook -> Nullable<Binary>,
        started_at -> Timestamp,
        heartbeat_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(households -> poverty_standards (standard_id));
diesel::joinable!(household_reviews -> households (household_id));
diesel::joinable!(household_deprivations -> households (household_id));
diesel::joinable!(household_deprivations -> poverty_indicators (indicator_key));
diesel::joinable!(workers -> admin_units (commune_id));
diesel::joinable!(workers -> ethnic_groups (ethnicity_code));
diesel::joinable!(workers -> households (household_id));
diesel::joinable!(worker_occupations -> workers (worker_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(worker_occupations -> occupations (occupation_code));
diesel::joinable!(vacancies -> employers (employer_id));
diesel::joinable!(vacancies -> occupations (occupation_code));
diesel::joinable!(course_occupations -> courses (course_id));
diesel::joinable!(enrollments -> courses (course_id));
diesel::joinable!(enrollments -> workers (worker_id));
diesel::joinable!(service_records -> workers (worker_id));
diesel::joinable!(referrals -> vacancies (vacancy_id));
diesel::joinable!(referrals -> workers (worker_id));
diesel::joinable!(placements -> vacancies (vacancy_id));
diesel::joinable!(placements -> workers (worker_id));
diesel::joinable!(placements -> employers (employer_id));
diesel::joinable!(placements -> occupations (occupation_code));
diesel::joinable!(placements -> livelihood_models (model_id));
diesel::joinable!(placements -> referrals (referral_id));
diesel::joinable!(livelihood_model_communes -> livelihood_models (model_id));
diesel::joinable!(job_fair_communes -> job_fairs (fair_id));
diesel::joinable!(job_fair_communes -> admin_units (commune_id));
diesel::joinable!(job_fair_vacancies -> job_fairs (fair_id));
diesel::joinable!(job_fair_vacancies -> vacancies (vacancy_id));
diesel::joinable!(job_fair_workers -> job_fairs (fair_id));
diesel::joinable!(job_fair_workers -> workers (worker_id));
diesel::joinable!(referrals -> job_fairs (job_fair_id));
diesel::joinable!(livelihood_model_communes -> admin_units (commune_id));
diesel::joinable!(follow_ups -> placements (placement_id));
diesel::joinable!(sms_questions -> follow_ups (follow_up_id));
diesel::joinable!(sms_inbox -> workers (worker_id));
diesel::joinable!(overseas_stages -> referrals (referral_id));
diesel::joinable!(progress_facts -> admin_units (commune_id));

diesel::allow_tables_to_appear_in_same_query!(
    sms_parts,
    sms_receipts,
    sms_questions,
    sms_inbox,
    job_fairs,
    job_fair_communes,
    job_fair_vacancies,
    job_fair_workers,
    livelihood_models,
    livelihood_model_communes,
    password_resets,
    admin_units,
    admin_unit_successors,
    ethnic_groups,
    occupation_groups,
    occupations,
    poverty_standards,
    poverty_indicators,
    poverty_standard_indicators,
    programme_periods,
    programme_targets,
    household_reviews,
    review_counts,
    households,
    household_deprivations,
    workers,
    worker_occupations,
    employers,
    vacancies,
    courses,
    course_occupations,
    enrollments,
    users,
    service_records,
    referrals,
    placements,
    follow_ups,
    overseas_stages,
    progress_facts,
    progress_counts,
    audit_log,
    audit_subjects,
    worker_counts,
    outbox,
    search_changes,
    api_tokens,
    idempotency_keys,
    throttle_events,
    import_jobs,
);
