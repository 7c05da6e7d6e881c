//! The SMPP 3.4 link to an operator's SMSC (or an SMS brand-name aggregator), set by
//! `KETNOI_SMPP_URL=smpp://id:password@host:2775?source=KETNOI&tps=10`.
//!
//! One thread of its own holds one transceiver session: it binds with the system id, password,
//! system type and sender name of the address, keeps the session alive with `enquire_link`,
//! and binds again after a lost connection, waiting 1, 2, 4 … 60 seconds between tries. The
//! mail sender hands it the texts of a pass; each part goes as a `submit_sm` asking for a
//! delivery receipt, never more than `tps` a second and never more than `window` waiting for
//! their answer at once, and the message ids the SMSC answered with come back to be stored.
//! What the SMSC delivers (`deliver_sm`) — receipts and texts from handsets — is handed to the
//! inbound sink, and acknowledged only once the sink has kept it; an unacknowledged one the SMSC
//! delivers again.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rusmpp::pdus::{BindTransceiver, DeliverSm, DeliverSmResp, SubmitSm};
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{
    DataCoding, EsmClass, GsmFeatures, InterfaceVersion, MessageType, Npi, RegisteredDelivery, Ton,
    UserMessageReference,
};
use rusmpp::{Command, Pdu};
use rusmppc::{Client, ConnectionBuilder, Event};
use sha2::Digest;
use tokio::sync::{Mutex, Semaphore, mpsc};
use tokio::time::Instant;

use super::transport::SendError;
use crate::domain::sms::{self, Encoding};

/// The longest wait between two binds.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long the SMSC has to answer a request.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to bind, from `KETNOI_SMPP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmppConfig {
    /// `smpp://host:port`.
    pub address: String,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    /// The sender shown on the phone: a brand name (letters, at most 11) or a number.
    pub source: String,
    /// Parts submitted a second, at most.
    pub tps: u32,
    /// Parts waiting for the SMSC's answer at once, at most.
    pub window: usize,
    pub enquire_link: Duration,
}

impl std::fmt::Debug for SmppConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.describe())
    }
}

impl SmppConfig {
    /// `smpp://id:password@host:2775?source=KETNOI&tps=10&window=10&system_type=&enquire_link=30`.
    pub fn parse(raw: &str) -> anyhow::Result<SmppConfig> {
        let bad = |why: &str| anyhow::anyhow!("KETNOI_SMPP_URL: {why}");
        let url = url::Url::parse(raw).map_err(|error| bad(&error.to_string()))?;
        if url.scheme() != "smpp" {
            return Err(bad("the scheme is not smpp://"));
        }
        let host = url.host_str().ok_or_else(|| bad("no host"))?;
        let decode = |raw: &str| {
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned()
        };
        let query: std::collections::HashMap<String, String> = url
            .query_pairs()
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        let number = |key: &str, default: u64, range: std::ops::RangeInclusive<u64>| {
            let value = query
                .get(key)
                .map(|raw| {
                    raw.parse::<u64>()
                        .map_err(|_| bad(&format!("{key} is not a number")))
                })
                .transpose()?
                .unwrap_or(default);
            if range.contains(&value) {
                Ok(value)
            } else {
                Err(bad(&format!(
                    "{key} is not between {} and {}",
                    range.start(),
                    range.end()
                )))
            }
        };
        let config = SmppConfig {
            address: format!("smpp://{host}:{}", url.port().unwrap_or(2775)),
            system_id: decode(url.username()),
            password: url.password().map(decode).unwrap_or_default(),
            system_type: query.get("system_type").cloned().unwrap_or_default(),
            source: query
                .get("source")
                .cloned()
                .unwrap_or_else(|| "KETNOI".to_owned()),
            tps: u32::try_from(number("tps", 10, 1..=1000)?).unwrap_or(10),
            window: usize::try_from(number("window", 10, 1..=100)?).unwrap_or(10),
            enquire_link: Duration::from_secs(number("enquire_link", 30, 5..=600)?),
        };
        if config.system_id.is_empty() || config.system_id.len() > 15 {
            return Err(bad("the system id (the user) must be 1 to 15 characters"));
        }
        if config.password.len() > 8 || config.system_type.len() > 12 {
            return Err(bad(
                "the password is at most 8 characters, system_type at most 12",
            ));
        }
        let brand =
            config.source.len() <= 11 && config.source.chars().all(|c| c.is_ascii_alphanumeric());
        if config.source.is_empty() || !brand {
            return Err(bad("source must be 1 to 11 letters or digits"));
        }
        Ok(config)
    }

    /// The address without the password.
    pub fn describe(&self) -> String {
        format!(
            "SMPP {} as {} from {} ({} a second, window {})",
            self.address, self.system_id, self.source, self.tps, self.window
        )
    }
}

/// What the SMSC delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Whether a part reached the handset: `None` while the SMSC still tries.
    Receipt {
        message_id: String,
        delivered: Option<bool>,
        detail: String,
    },
    /// A text from a handset.
    Text { from: String, body: String },
}

/// Keeps what the SMSC delivered; an error leaves it unacknowledged, to come again.
pub type InboundSink = Arc<dyn Fn(Inbound) -> anyhow::Result<()> + Send + Sync>;

/// A text to submit: the number in international form and its prepared parts.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The outbox id, the stable reference of every attempt.
    pub reference: String,
    pub to: String,
    pub encoding: Encoding,
    pub parts: Vec<String>,
}

/// The SMSC's message id of each part, or why it was not taken.
pub type Submitted = Result<Vec<String>, SendError>;

struct Request {
    texts: Vec<Outgoing>,
    reply: std::sync::mpsc::Sender<Vec<Submitted>>,
}

/// The handle of the link's thread; dropping the last one unbinds and ends it.
#[derive(Debug)]
pub struct SmppLink {
    requests: mpsc::UnboundedSender<Request>,
}

impl SmppLink {
    pub fn start(config: SmppConfig, inbound: InboundSink) -> std::io::Result<SmppLink> {
        let (requests, receiver) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("smpp-link".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(run(config, inbound, receiver)),
                    Err(error) => tracing::error!(%error, "no runtime for the SMPP link"),
                }
            })?;
        Ok(SmppLink { requests })
    }

    /// Submits the texts; blocks until the SMSC answered each part (or the link gave up).
    pub fn submit(&self, texts: Vec<Outgoing>) -> Vec<Submitted> {
        let count = texts.len();
        let failed = |message: &str| {
            (0..count)
                .map(|_| {
                    Err(SendError {
                        permanent: false,
                        message: message.to_owned(),
                    })
                })
                .collect()
        };
        let (reply, answer) = std::sync::mpsc::channel();
        if self.requests.send(Request { texts, reply }).is_err() {
            return failed("the SMPP link has stopped");
        }
        answer
            .recv_timeout(Duration::from_secs(900))
            .unwrap_or_else(|_| failed("no answer from the SMPP link"))
    }
}

/// Binds, serves, and binds again after a lost connection, until the handle is dropped.
async fn run(
    config: SmppConfig,
    inbound: InboundSink,
    mut requests: mpsc::UnboundedReceiver<Request>,
) {
    let limits = Arc::new(Limits {
        window: Semaphore::new(config.window),
        interval: Duration::from_secs(1) / config.tps.max(1),
        next: Mutex::new(Instant::now()),
    });
    let mut backoff = Duration::from_secs(1);
    loop {
        let why = match bind(&config).await {
            Ok((client, events)) => {
                tracing::info!(smsc = %config.describe(), "bound to the SMSC");
                backoff = Duration::from_secs(1);
                match serve(&client, events, &mut requests, &inbound, &limits, &config).await {
                    Ended::Stopped => {
                        let _ = client.unbind().await;
                        let _ = client.close().await;
                        return;
                    }
                    Ended::Lost(why) => why,
                }
            }
            Err(error) => error.to_string(),
        };
        tracing::warn!(error = %why, retry_in = ?backoff, "not bound to the SMSC");
        // Texts handed over meanwhile fail at once: the outbox tries them again later.
        let until = Instant::now() + backoff;
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(until) => break,
                request = requests.recv() => match request {
                    None => return,
                    Some(request) => refuse(request, &format!("not bound to the SMSC: {why}")),
                },
            }
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Answers every text of a request with the same transient failure.
fn refuse(request: Request, message: &str) {
    let results = request
        .texts
        .iter()
        .map(|_| {
            Err(SendError {
                permanent: false,
                message: message.to_owned(),
            })
        })
        .collect();
    let _ = request.reply.send(results);
}

async fn bind(
    config: &SmppConfig,
) -> anyhow::Result<(
    Client,
    impl futures_util::Stream<Item = Event> + Unpin + 'static,
)> {
    let (client, events) = ConnectionBuilder::new()
        .enquire_link_interval(config.enquire_link)
        .response_timeout(RESPONSE_TIMEOUT)
        .disable_interface_version_check()
        .connect(&config.address)
        .await?;
    let bind = BindTransceiver::builder()
        .system_id(COctetString::from_str(&config.system_id)?)
        .password(COctetString::from_str(&config.password)?)
        .system_type(COctetString::from_str(&config.system_type)?)
        .interface_version(InterfaceVersion::Smpp3_4)
        .addr_ton(Ton::Unknown)
        .addr_npi(Npi::Unknown)
        .address_range(COctetString::empty())
        .build();
    if let Err(error) = client.bind_transceiver(bind).await {
        let _ = client.close().await;
        return Err(error.into());
    }
    Ok((client, events))
}

enum Ended {
    /// The handle was dropped: unbind.
    Stopped,
    Lost(String),
}

async fn serve(
    client: &Client,
    mut events: impl futures_util::Stream<Item = Event> + Unpin,
    requests: &mut mpsc::UnboundedReceiver<Request>,
    inbound: &InboundSink,
    limits: &Arc<Limits>,
    config: &SmppConfig,
) -> Ended {
    loop {
        tokio::select! {
            event = events.next() => match event {
                None => return Ended::Lost("the connection closed".to_owned()),
                Some(Event::Incoming(command)) => incoming(client, command, inbound).await,
                Some(Event::Error(error)) => {
                    if !client.is_active() {
                        return Ended::Lost(error.to_string());
                    }
                    tracing::warn!(%error, "SMPP session");
                }
            },
            request = requests.recv() => match request {
                None => return Ended::Stopped,
                Some(request) => {
                    let (client, limits) = (client.clone(), limits.clone());
                    tokio::spawn(submit_all(client, request, limits, config.source.clone()));
                }
            },
        }
    }
}

/// The throughput limit and the window, shared by every session of the link.
struct Limits {
    window: Semaphore,
    interval: Duration,
    next: Mutex<Instant>,
}

impl Limits {
    /// Waits for the next free slot of the throughput limit.
    async fn pace(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

async fn submit_all(client: Client, request: Request, limits: Arc<Limits>, source: String) {
    let handles: Vec<_> = request
        .texts
        .into_iter()
        .map(|text| {
            tokio::spawn(submit_text(
                client.clone(),
                text,
                limits.clone(),
                source.clone(),
            ))
        })
        .collect();
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.unwrap_or_else(|error| {
            Err(SendError {
                permanent: false,
                message: error.to_string(),
            })
        }));
    }
    let _ = request.reply.send(results);
}

/// The parts of one text, in order; a concatenated text carries the 8-bit reference header.
async fn submit_text(
    client: Client,
    text: Outgoing,
    limits: Arc<Limits>,
    source: String,
) -> Submitted {
    let digest = sha2::Sha256::digest(text.reference.as_bytes());
    let reference = [digest[0], digest[1]];
    let total = u8::try_from(text.parts.len()).map_err(|_| SendError {
        permanent: true,
        message: format!("{} parts: too many", text.parts.len()),
    })?;
    let mut ids = Vec::with_capacity(text.parts.len());
    for (index, part) in text.parts.iter().enumerate() {
        let mut body = sms::encode(part, text.encoding);
        let mut esm_class = EsmClass::default();
        if total > 1 {
            let sequence = u8::try_from(index + 1).unwrap_or(u8::MAX);
            let mut header = vec![0x05, 0x00, 0x03, reference[1], total, sequence];
            header.append(&mut body);
            body = header;
            esm_class.gsm_features = GsmFeatures::UdhiIndicator;
        }
        let submit = submit_sm(
            &source,
            &text,
            body,
            esm_class,
            u16::from_be_bytes(reference),
        )
        .map_err(|message| SendError {
            permanent: true,
            message,
        })?;
        let Ok(_permit) = limits.window.acquire().await else {
            return Err(SendError {
                permanent: false,
                message: "the SMPP link is stopping".to_owned(),
            });
        };
        limits.pace().await;
        let response = client.submit_sm(submit).await.map_err(refusal)?;
        ids.push(response.message_id().to_string());
    }
    Ok(ids)
}

fn submit_sm(
    source: &str,
    text: &Outgoing,
    body: Vec<u8>,
    esm_class: EsmClass,
    reference: u16,
) -> Result<SubmitSm, String> {
    let brand = source.chars().any(|c| c.is_ascii_alphabetic());
    Ok(SubmitSm::builder()
        .source_addr_ton(if brand {
            Ton::Alphanumeric
        } else {
            Ton::International
        })
        .source_addr_npi(if brand { Npi::Unknown } else { Npi::Isdn })
        .source_addr(COctetString::from_str(source).map_err(|error| format!("source: {error}"))?)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(
            COctetString::from_str(&text.to)
                .map_err(|error| format!("number {}: {error}", text.to))?,
        )
        .esm_class(esm_class)
        .registered_delivery(RegisteredDelivery::request_all())
        .data_coding(match text.encoding {
            Encoding::Gsm7 => DataCoding::McSpecific,
            Encoding::Ucs2 => DataCoding::Ucs2,
        })
        .short_message(OctetString::from_vec(body).map_err(|error| format!("part: {error}"))?)
        .push_tlv(
            rusmpp::tlvs::MessageSubmissionRequestTlvValue::UserMessageReference(
                UserMessageReference::new(reference),
            ),
        )
        .build())
}

/// Why the SMSC did not take a part: a wrong number for good, anything else for now.
fn refusal(error: rusmppc::error::Error) -> SendError {
    let permanent = match &error {
        rusmppc::error::Error::UnexpectedResponse { response } => matches!(
            response.status(),
            rusmpp::CommandStatus::EsmeRinvdstadr | rusmpp::CommandStatus::EsmeRinvsrcadr
        ),
        _ => false,
    };
    SendError {
        permanent,
        message: match &error {
            rusmppc::error::Error::UnexpectedResponse { response } => {
                format!("SMSC answered {:?}", response.status())
            }
            other => other.to_string(),
        },
    }
}

/// A `deliver_sm`: kept by the sink, then acknowledged.
async fn incoming(client: &Client, command: Command, inbound: &InboundSink) {
    let sequence = command.sequence_number();
    let Some(Pdu::DeliverSm(deliver)) = command.pdu() else {
        return;
    };
    let item = read_deliver(deliver);
    let sink = inbound.clone();
    let kept = tokio::task::spawn_blocking(move || sink(item)).await;
    match kept {
        Ok(Ok(())) => {
            if let Err(error) = client
                .deliver_sm_resp(sequence, DeliverSmResp::default())
                .await
            {
                tracing::warn!(%error, "acknowledging a deliver_sm");
            }
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "a deliver_sm not kept; the SMSC will send it again")
        }
        Err(error) => tracing::warn!(%error, "a deliver_sm not kept; the SMSC will send it again"),
    }
}

/// A receipt (SMPP 3.4 appendix B: `id:… stat:DELIVRD …`), or a text from a handset.
fn read_deliver(deliver: &DeliverSm) -> Inbound {
    let bytes = deliver.short_message().as_ref();
    let data_coding = u8::from(deliver.data_coding);
    if deliver.esm_class.message_type == MessageType::ShortMessageContainsMCDeliveryReceipt {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let field = |name: &str| {
            text.split_whitespace()
                .find_map(|word| word.strip_prefix(name))
                .map(str::to_owned)
        };
        let delivered = match field("stat:").as_deref() {
            Some("DELIVRD") => Some(true),
            Some("UNDELIV" | "EXPIRED" | "REJECTD" | "DELETED") => Some(false),
            _ => None,
        };
        return Inbound::Receipt {
            message_id: field("id:").unwrap_or_default(),
            delivered,
            detail: text.chars().take(200).collect(),
        };
    }
    let udhi = matches!(
        deliver.esm_class.gsm_features,
        GsmFeatures::UdhiIndicator | GsmFeatures::SetUdhiAndReplyPath
    );
    let body = match (udhi, bytes.first()) {
        (true, Some(&length)) => bytes.get(usize::from(length) + 1..).unwrap_or_default(),
        _ => bytes,
    };
    Inbound::Text {
        from: deliver.source_addr.to_string(),
        body: sms::decode(data_coding, body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_names_the_bind_and_its_limits() {
        let Ok(config) =
            SmppConfig::parse("smpp://ket%20noi:p+q%2Br@smsc.example.vn?source=KETNOI&tps=20")
        else {
            panic!("not parsed");
        };
        assert_eq!(config.address, "smpp://smsc.example.vn:2775");
        assert_eq!(
            (config.system_id.as_str(), config.password.as_str()),
            ("ket noi", "p+q+r")
        );
        assert_eq!(
            (config.tps, config.window, config.source.as_str()),
            (20, 10, "KETNOI")
        );
        assert!(!config.describe().contains("p+q+r"));
        for wrong in [
            "smtp://id:pw@host",
            "smpp://host",
            "smpp://id:pw@host?tps=0",
            "smpp://id:pw@host?source=K%C3%8AT+N%E1%BB%90I+VI%E1%BB%86C",
            "smpp://id:toolongpassword@host",
        ] {
            assert!(SmppConfig::parse(wrong).is_err(), "{wrong}");
        }
    }
}
