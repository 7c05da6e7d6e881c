//! Job connections: referrals, the hire that makes a placement, and follow-ups.

pub mod follow_ups;
pub mod pipeline;
pub mod referrals;
