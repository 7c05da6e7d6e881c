//! The mail that events cause, queued in the event's own transaction. Each reads what its
//! message says from the database as the transaction sees it; a recipient without an e-mail
//! address gets nothing (many workers have none: the officer tells them).
//!
//! Messages carry what their reader needs and no more: never a CCCD number, and an employer
//! learns a referred worker's name and commune, the rest stays behind the portal's login.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::messages::{
    Enrollment, FairRegistration, FollowUpQuestion, Hire, Interview, Message, ReferralNew,
};
use super::outbox::{self, Extras};
use crate::db::DbConn;
use crate::domain::sms;
use crate::i18n::Lang;
use crate::models;

fn queue(
    connection: &mut DbConn,
    message: Message,
    recipient: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some(recipient) = recipient
        .map(|email| email.trim().to_owned())
        .filter(|email| !email.is_empty())
    else {
        return Ok(());
    };
    let lang = outbox::language_of(connection, &recipient)?;
    outbox::enqueue(
        connection,
        &message,
        &recipient,
        lang,
        Extras::default(),
        now,
    )
    .map(drop)
}

fn unit_name(connection: &mut DbConn, id: Option<&str>) -> QueryResult<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    Ok(
        crate::models::admin_units::names(connection, vec![id.to_owned()])?
            .remove(id)
            .unwrap_or_default(),
    )
}

struct VacancyFacts {
    title: String,
    employer_id: String,
    employer_name: String,
    employer_phone: String,
    contact_email: Option<String>,
    place: String,
}

fn vacancy_facts(connection: &mut DbConn, vacancy_id: &str) -> QueryResult<VacancyFacts> {
    let row = models::vacancies::contact(connection, vacancy_id)?;
    let models::vacancies::VacancyContact {
        title,
        commune_id,
        work_place,
        country,
        employer_id,
        employer_name,
        phone,
        email,
        address,
    } = row;
    let place = match (work_place.filter(|place| !place.trim().is_empty()), country) {
        (Some(place), _) => place,
        (None, Some(country)) => country,
        (None, None) => match unit_name(connection, commune_id.as_deref())? {
            name if name.is_empty() => address,
            name => name,
        },
    };
    Ok(VacancyFacts {
        title,
        employer_id,
        employer_name,
        employer_phone: phone.unwrap_or_default(),
        contact_email: email,
        place,
    })
}

/// The employer's contact address, or else its oldest active account's.
fn employer_address(connection: &mut DbConn, facts: &VacancyFacts) -> QueryResult<Option<String>> {
    if let Some(email) = facts
        .contact_email
        .clone()
        .filter(|email| !email.is_empty())
    {
        return Ok(Some(email));
    }
    models::users::first_active_of_employer(connection, &facts.employer_id)
}

/// Where a worker is written to: by e-mail, by text, both or neither, as they chose; nothing
/// once they withdrew their consent, and no text after they stopped texts.
struct WorkerReach {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    commune: String,
    lang: Lang,
}

fn worker_facts(connection: &mut DbConn, worker_id: &str) -> QueryResult<WorkerReach> {
    let (name, email, commune_id, withdrawn, phone, channel, stopped) =
        models::workers::contact(connection, worker_id)?;
    // A worker with an account is written to in its language, by text too.
    let lang = match email.as_deref() {
        Some(address) => outbox::language_of(connection, address)?,
        None => Lang::Vi,
    };
    let email = email.filter(|_| sms::takes_email(&channel, withdrawn.is_some()));
    let phone =
        phone.filter(|_| sms::takes_texts(&channel, withdrawn.is_some(), stopped.is_some()));
    let commune = unit_name(connection, Some(&commune_id))?;
    Ok(WorkerReach {
        name,
        email,
        phone,
        commune,
        lang,
    })
}

/// Queues a message to a worker: the e-mail, and the text when the message has one.
fn queue_worker(
    connection: &mut DbConn,
    message: Message,
    reach: WorkerReach,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if let Some(phone) = &reach.phone
        && super::sms::text(&message, reach.lang).is_some()
    {
        outbox::enqueue_sms(connection, &message, phone, reach.lang, now)?;
    }
    queue(connection, message, reach.email, now)
}

/// A worker referred to a vacancy (not a shortlist): its employer hears of it.
pub fn referred(
    connection: &mut DbConn,
    referral_id: &str,
    vacancy_id: &str,
    worker_id: &str,
    match_explanation: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let vacancy = vacancy_facts(connection, vacancy_id)?;
    let WorkerReach {
        name: worker_name,
        commune,
        ..
    } = worker_facts(connection, worker_id)?;
    let recipient = employer_address(connection, &vacancy)?;
    let message = Message::ReferralNew(ReferralNew {
        employer_name: vacancy.employer_name,
        vacancy_title: vacancy.title,
        worker_name,
        commune,
        match_explanation: match_explanation.to_owned(),
        note: note.to_owned(),
        referral_id: referral_id.to_owned(),
    });
    queue(connection, message, recipient, now)
}

/// The employer set an interview: the worker is invited.
pub fn interview(
    connection: &mut DbConn,
    vacancy_id: &str,
    worker_id: &str,
    interview_at: Option<NaiveDateTime>,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let vacancy = vacancy_facts(connection, vacancy_id)?;
    let reach = worker_facts(connection, worker_id)?;
    let worker_name = reach.name.clone();
    let message = Message::InterviewInvitation(Interview {
        worker_name,
        employer_name: vacancy.employer_name,
        employer_phone: vacancy.employer_phone,
        vacancy_title: vacancy.title,
        interview_at,
        place: vacancy.place,
        note: note.to_owned(),
    });
    queue_worker(connection, message, reach, now)
}

/// A hire is confirmed: the worker gets it in writing.
pub fn hired(
    connection: &mut DbConn,
    vacancy_id: &str,
    worker_id: &str,
    start_date: NaiveDate,
    wage_vnd: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let vacancy = vacancy_facts(connection, vacancy_id)?;
    let reach = worker_facts(connection, worker_id)?;
    let worker_name = reach.name.clone();
    let message = Message::HireConfirmation(Hire {
        worker_name,
        employer_name: vacancy.employer_name,
        employer_phone: vacancy.employer_phone,
        vacancy_title: vacancy.title,
        start_date,
        wage_vnd,
        place: vacancy.place,
    });
    queue_worker(connection, message, reach, now)
}

/// An enrolment was received (`applied`) or confirmed (`enrolled`): the trainee hears of it.
pub fn enrollment(
    connection: &mut DbConn,
    enrollment_id: &str,
    confirmed: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let (worker_id, title, provider, commune_id, starts_on, ends_on) =
        models::enrollments::course_of(connection, enrollment_id)?;
    let reach = worker_facts(connection, &worker_id)?;
    let worker_name = reach.name.clone();
    let place = unit_name(connection, commune_id.as_deref())?;
    let enrollment = Enrollment {
        worker_name,
        course_title: title,
        provider,
        starts_on: Some(starts_on),
        ends_on: Some(ends_on),
        place,
    };
    let message = if confirmed {
        Message::EnrollmentConfirmed(enrollment)
    } else {
        Message::EnrollmentReceived(enrollment)
    };
    queue_worker(connection, message, reach, now)
}

/// A worker was registered for a fair not yet held: they hear its day, place and employers.
pub fn fair_registration(
    connection: &mut DbConn,
    fair_id: &str,
    worker_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some(fair) = models::job_fairs::find(connection, fair_id)? else {
        return Ok(());
    };
    if fair.held_on < now.date() {
        return Ok(());
    }
    let mut employers: Vec<String> = models::job_fairs::vacancies_of(connection, fair_id)?
        .into_iter()
        .map(|(_, _, _, employer, _)| employer)
        .collect();
    employers.dedup();
    let reach = worker_facts(connection, worker_id)?;
    let worker_name = reach.name.clone();
    let message = Message::FairRegistration(FairRegistration {
        worker_name,
        fair_name: fair.name,
        held_on: fair.held_on,
        place: fair.place,
        online: fair.online,
        organiser: fair.organiser,
        employers,
    });
    queue_worker(connection, message, reach, now)
}

/// Follow-ups falling due by `now` (in the last 30 days): each worker who takes texts is asked
/// whether they still work there, and the question is kept to match the reply; the question and its text are
/// written together. One question at a time: a worker with a question still open is asked the
/// next once it is answered (or an officer records it). How many were asked.
pub fn ask_due_follow_ups(connection: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let due = models::sms::unasked(connection, now.date(), 500)?;
    let mut asked = 0;
    // Two follow-ups of one worker due together: the older is asked first.
    let mut waiting = std::collections::HashSet::new();
    for follow_up in due {
        if !waiting.insert(follow_up.worker_id.clone()) {
            continue;
        }
        connection.write_transaction(|connection| {
            let reach = worker_facts(connection, &follow_up.worker_id)?;
            let Some(phone) = reach.phone else {
                return QueryResult::Ok(());
            };
            let workplace = follow_up
                .employer_name
                .clone()
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| follow_up.activity.clone());
            let message = Message::FollowUpQuestion(FollowUpQuestion {
                worker_name: reach.name,
                workplace,
                months_after_start: follow_up.months_after_start,
                due_on: follow_up.due_on,
            });
            let outbox_id = outbox::enqueue_sms(connection, &message, &phone, reach.lang, now)?;
            models::sms::asked(
                connection,
                &follow_up.follow_up_id,
                &follow_up.worker_id,
                &phone,
                &outbox_id,
                now,
            )?;
            asked += 1;
            Ok(())
        })?;
    }
    Ok(asked)
}
