//! Enums that travel as their names and keep a name this code does not know yet: MAX adds
//! markup kinds and permissions over time, and an unknown one must neither fail a page nor be
//! lost when passed along.

/// An enum of known names plus `Other(String)`, serialized as the name.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A name this code does not know (added after schema 0.0.33): kept as it came.
            Other(String),
        }

        impl $name {
            /// The wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(name) => name,
                }
            }

            /// The value with this wire name; an unknown name is kept as `Other`.
            pub fn from_name(name: &str) -> $name {
                match name {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok($name::from_name(&name))
            }
        }
    };
}

pub(crate) use named_enum;
