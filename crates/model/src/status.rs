//! Statuses as closed enums. Each is stored as its text in the database,
//! where a CHECK constraint lists the same spellings (a test keeps the two
//! in step), and serialised as that text in JSON.

/// A closed set of statuses stored as text: `as_str`, `parse`, `ALL`,
/// `Display`, and comparison with a string (`status == "ok"`).
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            #[inline]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::status::UnknownStatus;
            fn from_str(text: &str) -> Result<$name, Self::Err> {
                $name::parse(text).ok_or_else(|| $crate::status::UnknownStatus { kind: stringify!($name), text: text.to_string() })
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

pub(crate) use text_enum;

/// A stored text that is not one of its enum's spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a known {kind}")]
pub struct UnknownStatus {
    pub kind: &'static str,
    pub text: String,
}

text_enum! {
    /// Whether a request may be processed.
    RequestStatus {
        /// Arrived from an allowed, verified sender.
        New => "new",
        /// Kept with its raw bytes and reasons, never processed.
        Quarantined => "quarantined",
    }
}

text_enum! {
    /// Where a playbook run stands.
    RunStatus {
        Running => "running",
        Completed => "completed",
        /// A step with `on_error: fail` failed.
        Failed => "failed",
    }
}

text_enum! {
    /// What one playbook call came to.
    StepStatus {
        /// The system answered with a record.
        Ok => "ok",
        /// The system answered and has nothing.
        NoResult => "no_result",
        /// The call failed; `error_kind` says how.
        Failed => "failed",
        /// Not called: its `when` was false.
        Skipped => "skipped",
        /// Not called: it would have sent an internal or "do not disclose"
        /// value to an outside service (the privacy guard); `error` says why.
        Withheld => "withheld",
    }
}
