//! Hiring: a worker referred to a vacancy, the hire that makes a placement, its follow-ups
//! and, for work abroad, the overseas stages. (What the programme calls a *connection* is a
//! hire recorded here.)

pub mod follow_ups;
pub mod job_fairs;
pub mod livelihood;
pub mod pipeline;
pub mod referrals;
pub mod work;
