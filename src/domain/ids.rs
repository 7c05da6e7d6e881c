//! Ids of the records on the referral → hire → placement → follow-up path, each its own type so
//! one cannot be passed where another is meant. On the wire and in the database they are the
//! same text ids as every other record's (UUIDv7).

use std::fmt;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        sql_text!($name, to: |id| id.0.as_str(), from: |text| Ok($name(text)));
    };
}

id_type! {
    /// A referral of a worker to a vacancy.
    ReferralId
}

id_type! {
    /// A placement: a confirmed hire.
    PlacementId
}

id_type! {
    /// A follow-up of a placement at 3, 6 or 12 months.
    FollowUpId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_on_the_wire() {
        let id = ReferralId::from("019a8b2c-0000-7000-8000-000000000001");
        assert_eq!(
            serde_json::to_string(&id).unwrap_or_default(),
            "\"019a8b2c-0000-7000-8000-000000000001\""
        );
        let back: Result<ReferralId, _> = serde_json::from_str("\"r-1\"");
        assert_eq!(back.ok(), Some(ReferralId::from("r-1")));
        assert_eq!(&*PlacementId::from("p"), "p");
    }
}
