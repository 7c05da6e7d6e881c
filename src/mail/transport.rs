//! Where composed mail goes: `.eml` files in a folder (the default, so a new install needs no
//! mail server), an SMTP relay through lettre when `KETNOI_SMTP_URL` is set, or memory (tests
//! that look at rendered mail).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::Transport as _;
use lettre::address::Envelope;
use lettre::transport::smtp::SmtpTransport;

/// A message as it left: the envelope recipients and the bytes of the mail.
#[derive(Debug, Clone)]
pub struct Sent {
    pub outbox_id: String,
    pub recipients: Vec<String>,
    pub bytes: Vec<u8>,
}

#[derive(Clone)]
pub enum Transport {
    /// One `OUTBOX_ID.eml` per message; a resend overwrites its own file.
    Files(PathBuf),
    Smtp(Box<SmtpTransport>),
    Memory(Arc<Mutex<Vec<Sent>>>),
}

/// Why a message did not leave. `permanent`: the server refused it (5xx); it is retried all the
/// same, up to the maximum attempts, because relays also answer 5xx to passing trouble.
#[derive(Debug, Clone)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl Transport {
    /// SMTP for `smtp://` and `smtps://` URLs (`user:pass@host:port`), files otherwise.
    /// `smtp://` to another machine requires STARTTLS; on loopback it is plain unless
    /// `?tls=required`. `?tls=opportunistic` or `?tls=none` relax it for a trusted relay.
    pub fn configure(smtp_url: Option<&str>, folder: &Path) -> anyhow::Result<Transport> {
        match smtp_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Ok(Transport::Smtp(Box::new(smtp(url)?))),
            None => {
                std::fs::create_dir_all(folder).map_err(|error| {
                    anyhow::anyhow!("KETNOI_MAIL_DIR: {}: {error}", folder.display())
                })?;
                Ok(Transport::Files(folder.to_owned()))
            }
        }
    }

    pub fn memory() -> (Transport, Arc<Mutex<Vec<Sent>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Transport::Memory(sent.clone()), sent)
    }

    /// For logs: where mail goes, without credentials.
    pub fn describe(&self) -> String {
        match self {
            Transport::Files(folder) => format!("files in {}", folder.display()),
            Transport::Smtp(_) => "SMTP".to_owned(),
            Transport::Memory(_) => "memory".to_owned(),
        }
    }

    pub fn send(
        &self,
        outbox_id: &str,
        envelope: &Envelope,
        bytes: &[u8],
    ) -> Result<(), SendError> {
        match self {
            Transport::Files(folder) => write_file(folder, &format!("{outbox_id}.eml"), bytes)
                .map_err(|error| SendError {
                    permanent: false,
                    message: format!("{}: {error}", folder.display()),
                }),
            Transport::Smtp(transport) => {
                transport
                    .send_raw(envelope, bytes)
                    .map(drop)
                    .map_err(|error| SendError {
                        permanent: error.is_permanent(),
                        message: error.to_string(),
                    })
            }
            Transport::Memory(sent) => {
                let mut sent = sent.lock().map_err(|_| SendError {
                    permanent: false,
                    message: "memory transport poisoned".to_owned(),
                })?;
                sent.push(Sent {
                    outbox_id: outbox_id.to_owned(),
                    recipients: envelope.to().iter().map(ToString::to_string).collect(),
                    bytes: bytes.to_vec(),
                });
                Ok(())
            }
        }
    }
}

fn smtp(raw: &str) -> anyhow::Result<SmtpTransport> {
    let mut url = url::Url::parse(raw)
        .map_err(|error| anyhow::anyhow!("KETNOI_SMTP_URL: not a URL ({error})"))?;
    let tls: Option<String> = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    let host = url.host_str().unwrap_or_default().to_owned();
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    match (url.scheme(), tls.as_deref()) {
        ("smtp", None) if !loopback => {
            url.query_pairs_mut().append_pair("tls", "required");
        }
        ("smtp", Some("none")) => {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(key, _)| key != "tls")
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
        }
        ("smtp" | "smtps", _) => {}
        (scheme, _) => {
            anyhow::bail!("KETNOI_SMTP_URL: {scheme}:// is neither smtp:// nor smtps://")
        }
    }
    let builder = SmtpTransport::from_url(url.as_str())
        .map_err(|error| anyhow::anyhow!("KETNOI_SMTP_URL: {error}"))?;
    Ok(builder.timeout(Some(Duration::from_secs(30))).build())
}

/// Written beside and renamed into place: a reader never sees half a message (mail or text).
pub(super) fn write_file(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let partial = folder.join(format!(".{name}.partial"));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, folder.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_need_tls_away_from_loopback() {
        assert!(smtp("smtp://user:pass@mail.example.vn:587").is_ok());
        assert!(smtp("smtps://user:pass@mail.example.vn").is_ok());
        assert!(smtp("smtp://127.0.0.1:2525").is_ok());
        assert!(smtp("smtp://relay.internal:25?tls=none").is_ok());
        assert!(smtp("http://mail.example.vn").is_err());
        assert!(smtp("not a url").is_err());
    }
}
