//! The text messages a worker gets: an interview, a hire, an enrolment received or confirmed, a
//! job fair. Each is written in Vietnamese with its marks (sent so in UCS-2 when configured) and
//! says what to do, when and where in one part when folded to the GSM alphabet
//! (names and places are shortened to fit), and never carries a CCCD number, a household's
//! poverty status or anything about health. Other messages (to employers and staff) have no
//! text form and go by e-mail only.

use super::messages::Message;
use crate::domain::sms::{Encoding, prepare, units};
use crate::i18n::{self, Lang};

/// At most `max` characters, cut at a word when it can be, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => cut[..space].to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

fn t(lang: Lang, vi: String, en: String) -> String {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The text of a message to a worker, or none when the message is not one.
pub fn text(message: &Message, lang: Lang) -> Option<String> {
    let text = match message {
        Message::InterviewInvitation(m) => {
            let when = m
                .interview_at
                .map(|at| at.format("%H:%M %d/%m/%Y").to_string())
                .unwrap_or_default();
            let (title, employer, place) = (
                clip(&m.vacancy_title, 30),
                clip(&m.employer_name, 30),
                clip(&m.place, 25),
            );
            let phone = clip(&m.employer_phone, 12);
            t(
                lang,
                format!(
                    "Mời phỏng vấn: {title}, {employer}. {when} tại {place}. ĐT {phone}. Kết nối việc làm"
                ),
                format!("Interview: {title}, {employer}. {when} at {place}. Tel {phone}. Ketnoi"),
            )
        }
        Message::HireConfirmation(m) => {
            let (title, employer, place) = (
                clip(&m.vacancy_title, 30),
                clip(&m.employer_name, 30),
                clip(&m.place, 25),
            );
            let day = i18n::day(m.start_date);
            t(
                lang,
                format!(
                    "Chúc mừng! Bạn được nhận làm {title}, {employer}, từ {day} tại {place}. Kết nối việc làm"
                ),
                format!(
                    "Congratulations! You are hired as {title}, {employer}, from {day} at {place}. Ketnoi"
                ),
            )
        }
        Message::EnrollmentReceived(m) | Message::EnrollmentConfirmed(m) => {
            let confirmed = matches!(message, Message::EnrollmentConfirmed(_));
            let (course, provider, place) = (
                clip(&m.course_title, 35),
                clip(&m.provider, 30),
                clip(&m.place, 25),
            );
            let day = m.starts_on.map(i18n::day).unwrap_or_default();
            let (vi, en) = if confirmed {
                ("Đã xác nhận chỗ học", "Your place is confirmed")
            } else {
                ("Đã nhận đăng ký học", "Application received")
            };
            t(
                lang,
                format!(
                    "{vi}: {course}, {provider}. Khai giảng {day} tại {place}. Kết nối việc làm"
                ),
                format!("{en}: {course}, {provider}. Starts {day} at {place}. Ketnoi"),
            )
        }
        Message::FairRegistration(m) => {
            let (name, place) = (clip(&m.fair_name, 45), clip(&m.place, 35));
            let day = i18n::day(m.held_on);
            let employers = m.employers.len();
            t(
                lang,
                format!(
                    "{name}: ngày {day} tại {place}, {employers} doanh nghiệp tuyển dụng. Mang theo CCCD. Kết nối việc làm"
                ),
                format!(
                    "{name}: {day} at {place}, {employers} employers hiring. Bring your ID card. Ketnoi"
                ),
            )
        }
        Message::FollowUpQuestion(m) => {
            let workplace = clip(&m.workplace, 45);
            t(
                lang,
                format!(
                    "Kết nối việc làm: Bạn còn làm việc tại {workplace} không? Trả lời 1 nếu còn làm, 2 nếu đã nghỉ."
                ),
                format!(
                    "Ketnoi: Are you still working at {workplace}? Reply 1 if you are, 2 if you have left."
                ),
            )
        }
        // Checked for length where it was written.
        Message::OfficerMessage(m) => m.text.clone(),
        _ => return None,
    };
    Some(text)
}

/// The text as it is sent: folded for GSM, and whether it fits one part.
pub fn fits_one_part(text: &str, encoding: Encoding) -> bool {
    units(&prepare(text, encoding), encoding) <= encoding.single()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::mail::messages::{Enrollment, FairRegistration, FollowUpQuestion, Hire, Interview};

    fn long(word: &str) -> String {
        [word; 12].join(" ")
    }

    /// Every text fits one GSM part even with the longest names, in both languages.
    #[test]
    fn every_text_fits_one_part_when_folded_and_names_no_one_else() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 20).unwrap_or_default();
        let messages = [
            Message::InterviewInvitation(Interview {
                worker_name: long("Lò Thị Ỏn"),
                employer_name: long("Công ty Cổ phần May mặc"),
                employer_phone: "0212 3852 111 máy lẻ 12".to_owned(),
                vacancy_title: long("Công nhân may công nghiệp"),
                interview_at: day.and_hms_opt(8, 30, 0),
                place: long("Khu công nghiệp Mai Sơn"),
                note: long("Mang theo hồ sơ"),
            }),
            Message::HireConfirmation(Hire {
                worker_name: long("Hà Văn Thắm"),
                employer_name: long("Hợp tác xã Chè Tà Xùa"),
                employer_phone: "0912345678".to_owned(),
                vacancy_title: long("Công nhân hái chè"),
                start_date: day,
                wage_vnd: Some(6_000_000),
                place: long("Xã Tà Xùa"),
            }),
            Message::EnrollmentConfirmed(Enrollment {
                worker_name: long("Lò Thị Ỏn"),
                course_title: long("Kỹ thuật chăn nuôi bò sinh sản"),
                provider: long("Trường Cao đẳng Sơn La"),
                starts_on: Some(day),
                ends_on: Some(day),
                place: long("Phường Tô Hiệu"),
            }),
            Message::FairRegistration(FairRegistration {
                worker_name: long("Lò Thị Ỏn"),
                fair_name: long("Phiên giao dịch việc làm"),
                held_on: day,
                place: long("Nhà văn hóa phường Tô Hiệu"),
                online: false,
                organiser: long("Trung tâm Dịch vụ việc làm"),
                employers: vec!["Công ty May Sơn La".to_owned(); 12],
            }),
            Message::FollowUpQuestion(FollowUpQuestion {
                worker_name: long("Lò Thị Ỏn"),
                workplace: long("Công ty Cổ phần May mặc"),
                months_after_start: 12,
                due_on: day,
            }),
        ];
        for message in &messages {
            for lang in [Lang::Vi, Lang::En] {
                let Some(text) = text(message, lang) else {
                    panic!("{message:?}: no text");
                };
                let sent = prepare(&text, Encoding::Gsm7);
                assert!(
                    fits_one_part(&text, Encoding::Gsm7),
                    "{lang:?}: {} septets: {sent}",
                    units(&sent, Encoding::Gsm7)
                );
                // Nothing folded into `?`: every character has its place in the alphabet.
                assert_eq!(
                    sent.matches('?').count(),
                    text.matches('?').count(),
                    "{sent}"
                );
            }
        }
        let Some(hire) = text(&messages[1], Lang::Vi) else {
            panic!("no hire text");
        };
        assert!(
            hire.contains("20/02/2027") && hire.contains("Chúc mừng"),
            "{hire}"
        );
    }
}
