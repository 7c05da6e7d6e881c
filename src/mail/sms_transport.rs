//! Where text messages go: `.sms` files in a folder (the default, so the demo and the tests run
//! offline: each file names the number, the encoding and the parts as they would be sent), or
//! memory for tests that look at them. The SMPP transport to an operator's SMSC comes with
//! `KETNOI_SMPP_URL`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::transport::SendError;
use crate::domain::sms::{self, Encoding};

/// A text as it left: the number in international form, the encoding and the parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SentSms {
    pub outbox_id: String,
    pub to: String,
    pub encoding: Encoding,
    pub parts: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum SmsTransport {
    /// One `OUTBOX_ID.sms` per message; a resend overwrites its own file.
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<SentSms>>>),
}

#[derive(Debug, Clone)]
pub struct SmsSettings {
    pub transport: SmsTransport,
    /// GSM 7-bit without diacritics (the default) or UCS-2 with them.
    pub encoding: Encoding,
}

impl SmsSettings {
    /// Files into `folder`, in the encoding named (`gsm7` or `ucs2`).
    pub fn files(folder: &Path, encoding: &str) -> anyhow::Result<SmsSettings> {
        let encoding = Encoding::parse(encoding).ok_or_else(|| {
            anyhow::anyhow!("KETNOI_SMS_ENCODING: {encoding} is neither gsm7 nor ucs2")
        })?;
        Ok(SmsSettings {
            transport: SmsTransport::Files(folder.to_owned()),
            encoding,
        })
    }

    pub fn memory(encoding: Encoding) -> (SmsSettings, Arc<Mutex<Vec<SentSms>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (
            SmsSettings {
                transport: SmsTransport::Memory(sent.clone()),
                encoding,
            },
            sent,
        )
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            SmsTransport::Files(folder) => format!("files in {}", folder.display()),
            SmsTransport::Memory(_) => "memory".to_owned(),
        }
    }

    /// Sends a text to a stored number (`0912345678`): prepared for the encoding and split
    /// into its parts.
    pub fn send(&self, outbox_id: &str, phone: &str, text: &str) -> Result<(), SendError> {
        let prepared = sms::prepare(text, self.encoding);
        let sent = SentSms {
            outbox_id: outbox_id.to_owned(),
            to: sms::international(phone),
            encoding: self.encoding,
            parts: sms::split(&prepared, self.encoding),
        };
        match &self.transport {
            SmsTransport::Files(folder) => write_file(folder, &sent).map_err(|error| SendError {
                permanent: false,
                message: format!("{}: {error}", folder.display()),
            }),
            SmsTransport::Memory(list) => {
                list.lock()
                    .map_err(|_| SendError {
                        permanent: false,
                        message: "memory transport poisoned".to_owned(),
                    })?
                    .push(sent);
                Ok(())
            }
        }
    }
}

/// The file of a text: the number, the encoding and the parts as they would be sent.
fn write_file(folder: &Path, sent: &SentSms) -> std::io::Result<()> {
    let mut body = format!(
        "To: {}\nEncoding: {}\nParts: {}\n",
        sent.to,
        sent.encoding.as_str(),
        sent.parts.len()
    );
    for part in &sent.parts {
        body.push('\n');
        body.push_str(part);
        body.push('\n');
    }
    super::transport::write_file(folder, &format!("{}.sms", sent.outbox_id), body.as_bytes())
}
