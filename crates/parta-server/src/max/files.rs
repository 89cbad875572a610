//! Files across the bridge. From MAX: each file, image, video or audio of a carried message is
//! fetched once, before the message's transaction (never a download while holding the
//! database), into the school's file store under the school's format and size rules; what the
//! rules refuse is named in the message instead. To MAX: a Parta message's files are uploaded
//! through MAX's `/uploads` and sent as messages of their own (MAX takes one file per message).

use std::collections::HashMap;

use parta_model::max::Attachment;

use crate::context::School;
use crate::uploads::Uploads;

use super::api::{MaxApi, MaxError};
use super::failure::RelayError;
use super::pace::Pace;
use super::participants;
use parta_model::max::Update;

/// The kinds of MAX attachment that are files Parta can keep.
pub const FETCHED_KINDS: [&str; 4] = ["image", "video", "audio", "file"];

/// What became of each fetchable attachment of an update, by its URL at MAX.
#[derive(Debug, Default, Clone)]
pub struct Fetched {
    by_url: HashMap<String, Result<String, String>>,
}

impl Fetched {
    /// The upload an attachment became, or why the school's rules refused it.
    pub fn outcome(&self, attachment: &Attachment) -> Option<&Result<String, String>> {
        self.by_url.get(&url_of(attachment)?)
    }
}

/// The URL MAX serves an attachment's bytes at.
pub fn url_of(attachment: &Attachment) -> Option<String> {
    attachment
        .payload
        .as_ref()?
        .get("url")?
        .as_str()
        .map(str::to_owned)
}

/// Fetches the files of a new MAX message in a linked chat, unless it was carried already.
pub async fn fetch(
    school: &School,
    uploads: &Uploads,
    api: &MaxApi,
    pace: &Pace,
    bot_id: i64,
    update: &Update,
) -> Result<Fetched, RelayError> {
    let mut fetched = Fetched::default();
    let Update::MessageCreated { message, .. } = update else {
        return Ok(fetched);
    };
    let Some(sender) = message.sender.as_ref().filter(|s| s.user_id != bot_id) else {
        return Ok(fetched);
    };
    let files: Vec<&Attachment> = message
        .body
        .attachments
        .iter()
        .flatten()
        .filter(|a| FETCHED_KINDS.contains(&a.kind.as_str()) && url_of(a).is_some())
        .collect();
    if files.is_empty() {
        return Ok(fetched);
    }
    {
        let mut tx = school.read().await?;
        let linked = match message.recipient.chat_id {
            Some(chat) => tx.max_link_of_max_chat(chat).await?.is_some(),
            None => false,
        };
        if !linked || tx.max_copy(&message.body.mid).await?.is_some() {
            return Ok(fetched);
        }
    }
    // The file is the MAX participant's: they exist before their message does.
    let owner = {
        let mut tx = school.begin().await?;
        let person = participants::person(&mut *tx, sender, school.now_ms()).await?;
        school.commit(tx).await?;
        person
    };
    for attachment in files {
        let Some(url) = url_of(attachment) else {
            continue;
        };
        let limit = uploads.limit_for(&attachment.kind);
        pace.admit().await;
        let outcome = match api.download(&url, limit).await {
            Ok(Some(bytes)) => uploads
                .import(
                    school,
                    owner,
                    &attachment.kind,
                    attachment.filename.as_deref(),
                    &bytes,
                )
                .await
                .map_err(|_| "формат не разрешён школой".to_owned()),
            Ok(None) => Err(format!(
                "больше {} МБ, которые принимает школа",
                limit / (1024 * 1024)
            )),
            // MAX no longer has it: said, not retried for ever.
            Err(MaxError::Refused { status: 404, .. }) => Err("удалён в MAX".to_owned()),
            Err(e) => return Err(e.into()),
        };
        fetched.by_url.insert(url, outcome);
    }
    Ok(fetched)
}
