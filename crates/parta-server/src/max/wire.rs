//! What MAX sends the bridge: updates of the chats the bot administers, as parta-model's
//! `Update` (MAX's schema). Each is read on its own, so one of a type this server does not know
//! (MAX adds types over time) is kept out of the way, never a failed page.

use parta_model::max::Update;

/// The payload of the «Ознакомлен» button under an announcement sent to MAX, before the
/// announcement's id.
pub const ACK_PREFIX: &str = "ack:";

/// The update types the bridge asks MAX for.
pub const UPDATE_TYPES: [&str; 7] = [
    "message_created",
    "message_edited",
    "message_removed",
    "user_added",
    "user_removed",
    "chat_title_changed",
    "message_callback",
];

/// Reads one update as MAX sent it; a type this server does not know reads as
/// [`Update::Unknown`], and one of a known type it cannot read is an error naming the type.
pub fn read(value: &serde_json::Value) -> Result<Update, String> {
    serde_json::from_value(value.clone()).map_err(|e| {
        let kind = value
            .get("update_type")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("(no update_type)");
        format!("a {kind} update could not be read: {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_type_max_adds_later_reads_as_unknown() {
        let value = serde_json::json!({"update_type": "message_chat_created", "timestamp": 1});
        assert_eq!(read(&value), Ok(Update::Unknown));
    }

    #[test]
    fn a_known_type_with_a_broken_body_names_its_type() {
        let value = serde_json::json!({"update_type": "message_created", "timestamp": 1});
        let error = read(&value).unwrap_err();
        assert!(error.starts_with("a message_created update"), "{error}");
    }
}
