//! E-mail through the outbox (`outbox` table): events queue messages in their own
//! transactions, a background sender delivers them with retries (see `sender` for the
//! at-least-once rule), admins see and retry what failed.

pub mod digest;
pub mod events;
pub mod inbound;
pub mod messages;
pub mod outbox;
pub mod sender;
pub mod service;
pub mod smpp;
pub mod sms;
pub mod sms_transport;
pub mod transport;

pub use sender::{Delivery, MailSettings, deliver_due};
pub use transport::Transport;
