//! What the fake MAX holds: chats, messages, the bot's update log, subscriptions, button
//! presses and the faults waiting for the next requests.

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

use crate::{BOT_ID, Fault};

/// A chat the bot is in.
#[derive(Debug, Clone)]
pub(crate) struct FakeChat {
    pub(crate) title: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) members: i32,
}

/// A message as the fake keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeMessage {
    pub mid: String,
    pub seq: i64,
    pub chat_id: i64,
    /// MAX's `User` of the sender.
    pub sender: Value,
    /// Plain text (Markdown sent by the bot is parsed, as MAX does).
    pub text: String,
    pub markup: Option<Value>,
    pub attachments: Option<Value>,
    /// The MAX id this message replies to.
    pub reply_to: Option<String>,
    pub timestamp: i64,
    pub edited: bool,
    pub deleted: bool,
}

impl FakeMessage {
    /// The sender's user id.
    pub fn sender_id(&self) -> i64 {
        self.sender["user_id"].as_i64().unwrap_or(0)
    }

    /// MAX's `Message` for it, with the linked message followed once.
    pub(crate) fn json(&self, linked: Option<&FakeMessage>) -> Value {
        let mut body = json!({"mid": self.mid, "seq": self.seq, "text": self.text});
        if let Some(markup) = &self.markup {
            body["markup"] = markup.clone();
        }
        body["attachments"] = self.attachments.clone().unwrap_or(Value::Null);
        let mut message = json!({
            "sender": self.sender,
            "recipient": {"chat_id": self.chat_id, "chat_type": "chat", "user_id": null},
            "timestamp": self.timestamp,
            "body": body,
        });
        if let Some(linked) = linked {
            message["link"] = json!({
                "type": "reply",
                "sender": linked.sender,
                "chat_id": linked.chat_id,
                "message": {"mid": linked.mid, "seq": linked.seq, "text": linked.text,
                            "attachments": null},
            });
        }
        message
    }
}

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub url: String,
    pub secret: Option<String>,
    pub types: Option<Vec<String>>,
    pub(crate) time: i64,
    /// Updates delivered so far (an index into the log).
    pub(crate) delivered: usize,
}

/// A file at the fake's file service.
#[derive(Debug, Clone)]
pub(crate) struct FakeFile {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
    /// `image` or `file` (and `video`, `audio`).
    pub(crate) kind: String,
    /// The upload's token, once the bytes came.
    pub(crate) token: Option<String>,
    /// Before this (Unix ms) a message cannot attach it yet ("not processed").
    pub(crate) ready_at: i64,
}

#[derive(Default)]
pub(crate) struct State {
    /// The fake's address, for the URLs it hands out.
    pub(crate) base: String,
    /// Files by number: uploads to the fake and files its users send.
    pub(crate) files: Vec<FakeFile>,
    /// How long an uploaded file takes to be processed.
    pub(crate) processing_ms: i64,
    pub(crate) chats: BTreeMap<i64, FakeChat>,
    pub(crate) messages: Vec<FakeMessage>,
    /// The bot's updates, in order; a long-poll marker is an index into it.
    pub(crate) updates: Vec<Value>,
    /// Updates below this were committed by a poll that passed a marker.
    pub(crate) committed: usize,
    pub(crate) subscriptions: Vec<Subscription>,
    pub(crate) callbacks: BTreeMap<String, String>,
    pub(crate) answers: Vec<(String, String)>,
    pub(crate) faults: VecDeque<(Fault, bool)>,
    pub(crate) away: bool,
    pub(crate) requests: Vec<String>,
    pub(crate) violations: Vec<String>,
    pub(crate) refused_deliveries: Vec<u16>,
    pub(crate) repeat_deliveries: bool,
    next_seq: i64,
}

/// Now in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn bot_json() -> Value {
    json!({"user_id": BOT_ID, "first_name": "Бот школы №1", "last_name": null,
           "username": "school1_bot", "is_bot": true, "last_activity_time": null})
}

impl State {
    pub(crate) fn add_chat(&mut self, chat_id: i64, title: &str, permissions: &[&str]) {
        self.chats.insert(
            chat_id,
            FakeChat {
                title: title.to_owned(),
                permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
                members: 2,
            },
        );
    }

    fn push_update(&mut self, update: Value) {
        self.updates.push(update);
    }

    pub(crate) fn message(&self, mid: &str) -> Option<&FakeMessage> {
        self.messages.iter().find(|m| m.mid == mid)
    }

    pub(crate) fn message_json(&self, m: &FakeMessage) -> Value {
        let linked = m.reply_to.as_deref().and_then(|r| self.message(r));
        m.json(linked)
    }

    /// A new message by `sender`; its id. The bot sees it as `message_created` (its own
    /// included, as MAX sends them).
    pub(crate) fn write(
        &mut self,
        chat_id: i64,
        sender: Value,
        text: &str,
        markup: Option<Value>,
        reply_to: Option<&str>,
        attachments: Option<Value>,
    ) -> String {
        self.next_seq += 1;
        let mid = format!("mid.max.{:016x}", 0x5a00_0000 + self.next_seq);
        let message = FakeMessage {
            mid: mid.clone(),
            seq: self.next_seq,
            chat_id,
            sender,
            text: text.to_owned(),
            markup,
            attachments,
            reply_to: reply_to.map(str::to_owned),
            timestamp: now_ms(),
            edited: false,
            deleted: false,
        };
        let update = json!({"update_type": "message_created", "timestamp": message.timestamp,
                            "message": self.message_json(&message), "user_locale": "ru"});
        self.messages.push(message);
        self.push_update(update);
        mid
    }

    pub(crate) fn edit(&mut self, mid: &str, text: &str, markup: Option<Value>) -> bool {
        let Some(i) = self
            .messages
            .iter()
            .position(|m| m.mid == mid && !m.deleted)
        else {
            return false;
        };
        self.messages[i].text = text.to_owned();
        self.messages[i].markup = markup;
        self.messages[i].edited = true;
        let message = self.message_json(&self.messages[i].clone());
        self.push_update(
            json!({"update_type": "message_edited", "timestamp": now_ms(), "message": message}),
        );
        true
    }

    pub(crate) fn delete(&mut self, mid: &str, by: i64) -> bool {
        let Some(i) = self
            .messages
            .iter()
            .position(|m| m.mid == mid && !m.deleted)
        else {
            return false;
        };
        self.messages[i].deleted = true;
        let chat_id = self.messages[i].chat_id;
        self.push_update(
            json!({"update_type": "message_removed", "timestamp": now_ms(),
                                "message_id": mid, "chat_id": chat_id, "user_id": by}),
        );
        true
    }

    pub(crate) fn joined(&mut self, chat_id: i64, user: Value) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.members += 1;
        }
        self.push_update(json!({"update_type": "user_added", "timestamp": now_ms(),
                                "chat_id": chat_id, "user": user, "inviter_id": null,
                                "is_channel": false}));
    }

    pub(crate) fn left(&mut self, chat_id: i64, user: Value) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.members -= 1;
        }
        self.push_update(json!({"update_type": "user_removed", "timestamp": now_ms(),
                                "chat_id": chat_id, "user": user, "admin_id": null,
                                "is_channel": false}));
    }

    pub(crate) fn renamed(&mut self, chat_id: i64, user: Value, title: &str) {
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.title = title.to_owned();
        }
        self.push_update(
            json!({"update_type": "chat_title_changed", "timestamp": now_ms(),
                                "chat_id": chat_id, "user": user, "title": title}),
        );
    }

    pub(crate) fn pressed(&mut self, mid: &str, user: Value, payload: &str) -> String {
        let id = format!("cb.{}", self.callbacks.len() + 1);
        self.callbacks.insert(id.clone(), mid.to_owned());
        let message = self.message(mid).map(|m| self.message_json(m));
        self.push_update(
            json!({"update_type": "message_callback", "timestamp": now_ms(),
                                "callback": {"timestamp": now_ms(), "callback_id": id,
                                             "payload": payload, "user": user},
                                "message": message, "user_locale": "ru"}),
        );
        id
    }

    /// A file's attachment as MAX shows it in a message.
    pub(crate) fn attachment_json(&self, number: usize) -> Value {
        let file = &self.files[number];
        let url = format!("{}/cdn/{number}", self.base);
        let token = file
            .token
            .clone()
            .unwrap_or_else(|| format!("tok.{number}"));
        if file.kind == "image" {
            json!({"type": "image", "payload": {"photo_id": number, "url": url, "token": token}})
        } else {
            json!({"type": file.kind, "payload": {"url": url, "token": token},
                   "filename": file.name, "size": file.bytes.len()})
        }
    }

    /// The file an attachment request names by token (`payload.token` or `payload.photos`).
    pub(crate) fn file_by_request(&self, request: &Value) -> Option<usize> {
        let payload = &request["payload"];
        let token = payload["token"].as_str().map(str::to_owned).or_else(|| {
            payload["photos"]
                .as_object()?
                .values()
                .next()?
                .get("token")?
                .as_str()
                .map(str::to_owned)
        })?;
        self.files
            .iter()
            .position(|f| f.token.as_deref() == Some(token.as_str()))
    }

    /// The chat as MAX's `Chat`.
    pub(crate) fn chat_json(&self, chat_id: i64) -> Option<Value> {
        let chat = self.chats.get(&chat_id)?;
        Some(
            json!({"chat_id": chat_id, "type": "chat", "status": "active",
                    "title": chat.title, "icon": null, "last_event_time": now_ms(),
                    "participants_count": chat.members, "owner_id": null,
                    "is_public": false, "link": null, "description": null}),
        )
    }

    /// The bot's membership of a chat as MAX's `ChatMember`.
    pub(crate) fn membership_json(&self, chat_id: i64) -> Option<Value> {
        let chat = self.chats.get(&chat_id)?;
        let mut member = bot_json();
        member["last_access_time"] = json!(now_ms());
        member["is_owner"] = json!(false);
        member["is_admin"] = json!(true);
        member["join_time"] = json!(now_ms());
        member["permissions"] = json!(chat.permissions);
        Some(member)
    }
}
