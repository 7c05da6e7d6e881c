//! Where text messages go: `.sms` files in a folder (the default, so the demo and the tests run
//! offline: each file names the number, the encoding and the parts as they would be sent),
//! memory for tests that look at them, or an operator's SMSC over SMPP when `KETNOI_SMPP_URL`
//! is set.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::smpp::{InboundSink, Outgoing, SmppConfig, SmppLink, Submitted};
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
    /// Over SMPP; the link starts with the sender (or with the first text).
    Smpp(Arc<SmppChannel>),
}

#[derive(Debug)]
pub struct SmppChannel {
    pub config: SmppConfig,
    link: OnceLock<SmppLink>,
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

    /// Over SMPP as `config` says, in the encoding named.
    pub fn smpp(config: SmppConfig, encoding: Encoding) -> SmsSettings {
        SmsSettings {
            transport: SmsTransport::Smpp(Arc::new(SmppChannel {
                config,
                link: OnceLock::new(),
            })),
            encoding,
        }
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            SmsTransport::Files(folder) => format!("files in {}", folder.display()),
            SmsTransport::Memory(_) => "memory".to_owned(),
            SmsTransport::Smpp(channel) => channel.config.describe(),
        }
    }

    /// Starts the SMPP link, if texts go over SMPP, handing what the SMSC delivers to
    /// `inbound`. Without it the link starts with the first text and leaves what the SMSC
    /// delivers unacknowledged (the SMSC keeps it for the server to take).
    pub fn start(&self, inbound: InboundSink) -> std::io::Result<()> {
        if let SmsTransport::Smpp(channel) = &self.transport
            && channel.link.get().is_none()
        {
            let link = SmppLink::start(channel.config.clone(), inbound)?;
            // A link started meanwhile by another caller wins; this one stops when dropped.
            let _ = channel.link.set(link);
        }
        Ok(())
    }

    /// Sends texts, each `(outbox id, stored number, text)`, prepared for the encoding and
    /// split into parts; for each, the SMSC's message ids of its parts (none for files and
    /// memory), or why it did not go.
    pub fn send_all(&self, texts: &[(&str, &str, &str)]) -> Vec<Submitted> {
        let prepared: Vec<SentSms> = texts
            .iter()
            .map(|(outbox_id, phone, text)| {
                let prepared = sms::prepare(text, self.encoding);
                SentSms {
                    outbox_id: (*outbox_id).to_owned(),
                    to: sms::international(phone),
                    encoding: self.encoding,
                    parts: sms::split(&prepared, self.encoding),
                }
            })
            .collect();
        if let SmsTransport::Smpp(channel) = &self.transport {
            let refuse: InboundSink =
                Arc::new(|_| Err(anyhow::anyhow!("no inbound sink: left for the server")));
            if let Err(error) = self.start(refuse) {
                let message = format!("starting the SMPP link: {error}");
                return texts
                    .iter()
                    .map(|_| {
                        Err(SendError {
                            permanent: false,
                            message: message.clone(),
                        })
                    })
                    .collect();
            }
            let Some(link) = channel.link.get() else {
                return Vec::new();
            };
            return link.submit(
                prepared
                    .into_iter()
                    .map(|sent| Outgoing {
                        reference: sent.outbox_id,
                        to: sent.to,
                        encoding: sent.encoding,
                        parts: sent.parts,
                    })
                    .collect(),
            );
        }
        prepared
            .iter()
            .map(|sent| self.keep(sent).map(|()| Vec::new()))
            .collect()
    }

    /// A text into its file or the memory list.
    fn keep(&self, sent: &SentSms) -> Result<(), SendError> {
        match &self.transport {
            SmsTransport::Smpp(_) => Err(SendError {
                permanent: false,
                message: "an SMPP text is not kept".to_owned(),
            }),
            SmsTransport::Files(folder) => write_file(folder, sent).map_err(|error| SendError {
                permanent: false,
                message: format!("{}: {error}", folder.display()),
            }),
            SmsTransport::Memory(list) => {
                list.lock()
                    .map_err(|_| SendError {
                        permanent: false,
                        message: "memory transport poisoned".to_owned(),
                    })?
                    .push(sent.clone());
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
