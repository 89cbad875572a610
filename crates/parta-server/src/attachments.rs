//! Stored attachments as MAX's wire `Attachment` (a pure mapping, used wherever messages and
//! lessons are read).

use parta_model::max::Attachment;

use crate::store::messages::AttachmentRecord;

/// An attached upload as MAX's `Attachment`: images carry a `photo_id`, files their name and
/// size; each has the URL its bytes are downloaded from.
pub fn attachment(record: &AttachmentRecord) -> Attachment {
    let url = format!("/files/{}", record.token);
    match record.kind.as_str() {
        "image" => Attachment {
            kind: record.kind.clone(),
            payload: Some(serde_json::json!({
                "photo_id": record.number,
                "url": url,
                "token": record.token,
            })),
            filename: None,
            size: None,
        },
        "file" => Attachment {
            kind: record.kind.clone(),
            payload: Some(serde_json::json!({"url": url, "token": record.token})),
            filename: Some(record.filename.clone().unwrap_or_else(|| "файл".to_owned())),
            size: record.size,
        },
        _ => Attachment {
            kind: record.kind.clone(),
            payload: Some(serde_json::json!({"url": url, "token": record.token})),
            filename: None,
            size: None,
        },
    }
}
