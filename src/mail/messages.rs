//! The messages Ketnoi sends: what each carries (stored as the outbox row's JSON payload, so a
//! retry renders the same mail) and how it is rendered with the askama templates in
//! `templates/mail/`: `NAME.LANG.txt` holds the subject and the plain-text body as blocks,
//! `NAME.LANG.html` the HTML body.

use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::i18n::{self, Lang};

/// A new referral to an employer's vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralNew {
    pub employer_name: String,
    pub vacancy_title: String,
    pub worker_name: String,
    pub commune: String,
    pub match_explanation: String,
    pub note: String,
    pub referral_id: String,
}

/// An interview set by the employer, to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interview {
    pub worker_name: String,
    pub employer_name: String,
    pub employer_phone: String,
    pub vacancy_title: String,
    /// Vietnam time.
    pub interview_at: Option<NaiveDateTime>,
    pub place: String,
    pub note: String,
}

/// A confirmed hire, to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hire {
    pub worker_name: String,
    pub employer_name: String,
    pub employer_phone: String,
    pub vacancy_title: String,
    pub start_date: NaiveDate,
    pub wage_vnd: Option<i64>,
    pub place: String,
}

/// An enrolment received (`applied`) or confirmed (`enrolled`), to the trainee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    pub worker_name: String,
    pub course_title: String,
    pub provider: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub place: String,
}

/// A worker registered for a job fair: its day, place and the employers coming, to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FairRegistration {
    pub worker_name: String,
    pub fair_name: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub online: bool,
    pub organiser: String,
    /// The employers bringing vacancies, by name.
    pub employers: Vec<String>,
}

/// An officer's own words to one worker (sent by text; by e-mail when the worker also reads
/// e-mail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficerMessage {
    pub worker_name: String,
    pub text: String,
    pub written_on: NaiveDate,
}

/// The question of a follow-up falling due, by text: still working there? A reply of 1 or 2
/// records the follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpQuestion {
    pub worker_name: String,
    /// The employer, or the work itself for work outside a vacancy.
    pub workplace: String,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
}

/// A staff member's weekly digest of what needs chasing in their area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// ISO week, `2026-W48`.
    pub week: String,
    pub week_starts_on: NaiveDate,
    /// The officer's area, or the province.
    pub area: String,
    pub overdue_total: i64,
    pub overdue: Vec<DigestFollowUp>,
    pub stale_total: i64,
    pub stale: Vec<DigestReferral>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestFollowUp {
    pub worker_name: String,
    pub employer_name: String,
    pub months_after_start: i32,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestReferral {
    pub worker_name: String,
    pub vacancy_title: String,
    pub employer_name: String,
    pub referred_on: NaiveDate,
}

/// The progress report, attached, to the province's contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    /// `2025-H1`, `2025` or `2021-2025`.
    pub period: String,
    pub as_of: NaiveDate,
    pub attachment_name: String,
    pub targets: Vec<ReportLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub description: String,
    /// `persons` or `percent`.
    pub unit: String,
    pub target: f64,
    pub actual: f64,
    pub percent: f64,
}

/// A link to set a new password, valid 30 minutes, to the login's own address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordReset {
    /// `/password/reset?token=…`: the token is a secret; only its hash is kept elsewhere.
    pub path: String,
    pub minutes: i64,
}

/// Every message, by its template name (the outbox row's `template`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    ReferralNew(ReferralNew),
    InterviewInvitation(Interview),
    HireConfirmation(Hire),
    #[serde(rename = "enrolment_received")]
    EnrollmentReceived(Enrollment),
    #[serde(rename = "enrolment_confirmed")]
    EnrollmentConfirmed(Enrollment),
    FairRegistration(FairRegistration),
    OfficerMessage(OfficerMessage),
    FollowUpQuestion(FollowUpQuestion),
    StaffDigest(Digest),
    ProgressReport(ProgressReport),
    PasswordReset(PasswordReset),
}

pub const TEMPLATES: &[&str] = &[
    "referral_new",
    "interview_invitation",
    "hire_confirmation",
    "enrolment_received",
    "enrolment_confirmed",
    "fair_registration",
    "officer_message",
    "follow_up_question",
    "staff_digest",
    "progress_report",
    "password_reset",
];

impl Message {
    pub fn template(&self) -> &'static str {
        match self {
            Message::ReferralNew(_) => "referral_new",
            Message::InterviewInvitation(_) => "interview_invitation",
            Message::HireConfirmation(_) => "hire_confirmation",
            Message::EnrollmentReceived(_) => "enrolment_received",
            Message::EnrollmentConfirmed(_) => "enrolment_confirmed",
            Message::FairRegistration(_) => "fair_registration",
            Message::OfficerMessage(_) => "officer_message",
            Message::FollowUpQuestion(_) => "follow_up_question",
            Message::StaffDigest(_) => "staff_digest",
            Message::ProgressReport(_) => "progress_report",
            Message::PasswordReset(_) => "password_reset",
        }
    }

    /// The payload alone, as the outbox keeps it.
    pub fn payload(&self) -> serde_json::Result<String> {
        let tagged = serde_json::to_value(self)?;
        let inner = tagged
            .get(self.template())
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        serde_json::to_string(&inner)
    }

    /// Back from an outbox row.
    pub fn from_stored(template: &str, payload: &str) -> serde_json::Result<Message> {
        let inner: serde_json::Value = serde_json::from_str(payload)?;
        serde_json::from_value(serde_json::json!({ template: inner }))
    }
}

/// A value a template hands to a formatter, however many references deep askama passes it.
pub trait Plain<T> {
    fn plain(&self) -> T;
}

macro_rules! plain {
    ($($type:ty),*) => {$(
        impl Plain<$type> for $type {
            fn plain(&self) -> $type {
                *self
            }
        }
        impl Plain<$type> for &$type {
            fn plain(&self) -> $type {
                **self
            }
        }
        impl Plain<$type> for &&$type {
            fn plain(&self) -> $type {
                ***self
            }
        }
    )*};
}

plain!(NaiveDate, NaiveDateTime, i64, f64);

/// What a template may call: formatting in the recipient's language, and links.
pub struct Fmt<'a> {
    pub lang: Lang,
    pub public_url: &'a str,
}

impl Fmt<'_> {
    pub fn day(&self, value: impl Plain<NaiveDate>) -> String {
        i18n::day(value.plain())
    }

    pub fn time(&self, value: impl Plain<NaiveDateTime>) -> String {
        let value = value.plain();
        format!("{} {}", value.format("%H:%M"), i18n::day(value.date()))
    }

    pub fn money(&self, value: impl Plain<i64>) -> String {
        i18n::money(value.plain(), self.lang)
    }

    pub fn number(&self, value: impl Plain<i64>) -> String {
        i18n::group_thousands(value.plain(), self.lang)
    }

    /// A figure with two decimals, in the language's notation.
    pub fn decimal(&self, value: impl Plain<f64>) -> String {
        let value = value.plain();
        let whole = value.trunc() as i64;
        let cents = ((value.abs().fract() * 100.0).round() as i64).min(99);
        let comma = match self.lang {
            Lang::Vi => ',',
            Lang::En => '.',
        };
        format!(
            "{}{comma}{cents:02}",
            i18n::group_thousands(whole, self.lang)
        )
    }

    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

/// A message ready for the transport.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// For each message and language: the subject, the text and the HTML templates.
macro_rules! templates {
    ($($module:ident: $data:ty, $txt:tt, $html:tt;)*) => {$(
        mod $module {
            use super::*;

            #[derive(Template)]
            #[template(path = $txt, block = "subject")]
            pub struct Subject<'a> {
                pub m: &'a $data,
                // Not every subject formats anything.
                #[allow(dead_code)]
                pub f: &'a Fmt<'a>,
            }

            #[derive(Template)]
            #[template(path = $txt, block = "text")]
            pub struct Text<'a> {
                pub m: &'a $data,
                pub f: &'a Fmt<'a>,
            }

            #[derive(Template)]
            #[template(path = $html)]
            pub struct Html<'a> {
                pub m: &'a $data,
                pub f: &'a Fmt<'a>,
            }

            pub fn render(m: &$data, f: &Fmt<'_>) -> askama::Result<Rendered> {
                Ok(Rendered {
                    // One line, whatever the template's layout.
                    subject: Subject { m, f }
                        .render()?
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    text: Text { m, f }.render()?.trim().to_owned() + "\n",
                    html: Html { m, f }.render()?,
                })
            }
        }
    )*};
}

templates! {
    referral_new_vi: ReferralNew, "mail/referral_new.vi.txt", "mail/referral_new.vi.html";
    referral_new_en: ReferralNew, "mail/referral_new.en.txt", "mail/referral_new.en.html";
    interview_vi: Interview, "mail/interview_invitation.vi.txt", "mail/interview_invitation.vi.html";
    interview_en: Interview, "mail/interview_invitation.en.txt", "mail/interview_invitation.en.html";
    hire_vi: Hire, "mail/hire_confirmation.vi.txt", "mail/hire_confirmation.vi.html";
    hire_en: Hire, "mail/hire_confirmation.en.txt", "mail/hire_confirmation.en.html";
    received_vi: Enrollment, "mail/enrolment_received.vi.txt", "mail/enrolment_received.vi.html";
    received_en: Enrollment, "mail/enrolment_received.en.txt", "mail/enrolment_received.en.html";
    confirmed_vi: Enrollment, "mail/enrolment_confirmed.vi.txt", "mail/enrolment_confirmed.vi.html";
    confirmed_en: Enrollment, "mail/enrolment_confirmed.en.txt", "mail/enrolment_confirmed.en.html";
    fair_vi: FairRegistration, "mail/fair_registration.vi.txt", "mail/fair_registration.vi.html";
    fair_en: FairRegistration, "mail/fair_registration.en.txt", "mail/fair_registration.en.html";
    officer_vi: OfficerMessage, "mail/officer_message.vi.txt", "mail/officer_message.vi.html";
    officer_en: OfficerMessage, "mail/officer_message.en.txt", "mail/officer_message.en.html";
    question_vi: FollowUpQuestion, "mail/follow_up_question.vi.txt", "mail/follow_up_question.vi.html";
    question_en: FollowUpQuestion, "mail/follow_up_question.en.txt", "mail/follow_up_question.en.html";
    digest_vi: Digest, "mail/staff_digest.vi.txt", "mail/staff_digest.vi.html";
    digest_en: Digest, "mail/staff_digest.en.txt", "mail/staff_digest.en.html";
    report_vi: ProgressReport, "mail/progress_report.vi.txt", "mail/progress_report.vi.html";
    report_en: ProgressReport, "mail/progress_report.en.txt", "mail/progress_report.en.html";
    reset_vi: PasswordReset, "mail/password_reset.vi.txt", "mail/password_reset.vi.html";
    reset_en: PasswordReset, "mail/password_reset.en.txt", "mail/password_reset.en.html";
}

/// Subject, text and HTML of a message in a language.
pub fn render(message: &Message, lang: Lang, public_url: &str) -> askama::Result<Rendered> {
    let f = &Fmt { lang, public_url };
    match (message, lang) {
        (Message::ReferralNew(m), Lang::Vi) => referral_new_vi::render(m, f),
        (Message::ReferralNew(m), Lang::En) => referral_new_en::render(m, f),
        (Message::InterviewInvitation(m), Lang::Vi) => interview_vi::render(m, f),
        (Message::InterviewInvitation(m), Lang::En) => interview_en::render(m, f),
        (Message::HireConfirmation(m), Lang::Vi) => hire_vi::render(m, f),
        (Message::HireConfirmation(m), Lang::En) => hire_en::render(m, f),
        (Message::EnrollmentReceived(m), Lang::Vi) => received_vi::render(m, f),
        (Message::EnrollmentReceived(m), Lang::En) => received_en::render(m, f),
        (Message::EnrollmentConfirmed(m), Lang::Vi) => confirmed_vi::render(m, f),
        (Message::EnrollmentConfirmed(m), Lang::En) => confirmed_en::render(m, f),
        (Message::FairRegistration(m), Lang::Vi) => fair_vi::render(m, f),
        (Message::FairRegistration(m), Lang::En) => fair_en::render(m, f),
        (Message::OfficerMessage(m), Lang::Vi) => officer_vi::render(m, f),
        (Message::OfficerMessage(m), Lang::En) => officer_en::render(m, f),
        (Message::FollowUpQuestion(m), Lang::Vi) => question_vi::render(m, f),
        (Message::FollowUpQuestion(m), Lang::En) => question_en::render(m, f),
        (Message::StaffDigest(m), Lang::Vi) => digest_vi::render(m, f),
        (Message::StaffDigest(m), Lang::En) => digest_en::render(m, f),
        (Message::ProgressReport(m), Lang::Vi) => report_vi::render(m, f),
        (Message::ProgressReport(m), Lang::En) => report_en::render(m, f),
        (Message::PasswordReset(m), Lang::Vi) => reset_vi::render(m, f),
        (Message::PasswordReset(m), Lang::En) => reset_en::render(m, f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fair_registration_tells_the_day_place_and_employers_in_both_languages() {
        let message = Message::FairRegistration(FairRegistration {
            worker_name: "Lò Thị Ỏn".to_owned(),
            fair_name: "Phiên giao dịch việc làm Xuân 2027".to_owned(),
            held_on: NaiveDate::from_ymd_opt(2027, 2, 20).unwrap_or_default(),
            place: "Nhà văn hóa phường Tô Hiệu".to_owned(),
            online: false,
            organiser: String::new(),
            employers: vec!["Công ty May Sơn La".to_owned(), "HTX Chè Tà Xùa".to_owned()],
        });
        for (lang, words) in [(Lang::Vi, "Địa điểm"), (Lang::En, "Place")] {
            let Ok(rendered) = render(&message, lang, "https://ketnoi.example.vn") else {
                panic!("{lang:?}: not rendered");
            };
            assert!(
                rendered.subject.contains("20/02/2027"),
                "{lang:?}: {rendered:?}"
            );
            for part in [&rendered.text, &rendered.html] {
                assert!(
                    part.contains("Lò Thị Ỏn")
                        && part.contains(&format!("{words}: Nhà văn hóa phường Tô Hiệu"))
                        && part.contains("Công ty May Sơn La, HTX Chè Tà Xùa")
                        && !part.contains("Đơn vị tổ chức")
                        && !part.contains("Organiser"),
                    "{lang:?}: {part}"
                );
            }
        }
    }
}
