//! Domain rules that do not depend on storage.

/// Reads and writes a domain type as one SQL text column, on either database: `to` gives the
/// text of `&self`, `from` makes the value from the column's `String`.
macro_rules! sql_text {
    ($name:ident, to: |$value:ident| $to:expr, from: |$text:ident| $from:expr) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                let $value = self;
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql($to, out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let $text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    DB,
                >>::from_sql(bytes)?;
                $from
            }
        }
    };
}

pub mod access;
pub mod checks;
pub mod clock;
pub mod ids;
pub mod poverty;
pub mod roles;
pub mod sms;
pub mod statuses;
pub mod support;
pub mod text;
pub mod values;
