//! The in-memory [`Store`], for fast tests of what sits above the cache.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use super::Result;
use super::{
    AnnouncementFlags, Batch, CachedChat, CachedFile, CachedMessage, OutboxItem, Side, Store,
    StoredProfile,
};
use crate::search::Query;
use parta_model::view::MemberView;

#[derive(Default)]
struct Profile {
    chats: BTreeMap<i64, CachedChat>,
    messages: HashMap<String, CachedMessage>,
    marker: Option<i64>,
    outbox: Vec<OutboxItem>,
    drafts: HashMap<i64, String>,
    read: HashMap<i64, (i64, i64)>,
    members: HashMap<i64, Vec<MemberView>>,
    announcements: HashMap<String, AnnouncementFlags>,
    /// id -> (start, JSON).
    lessons: BTreeMap<i64, (i64, String)>,
    reminded: std::collections::HashSet<(i64, i64)>,
}

/// A [`Store`] that keeps everything in memory.
#[derive(Default)]
pub struct MemoryStore {
    profiles: Mutex<Vec<StoredProfile>>,
    data: Mutex<HashMap<String, Profile>>,
    files: Mutex<HashMap<String, CachedFile>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, profile_id: &str, f: impl FnOnce(&mut Profile) -> R) -> R {
        // A poisoned lock means a test already panicked; keep going with the data as it is.
        let mut data = self.data.lock().unwrap_or_else(|p| p.into_inner());
        f(data.entry(profile_id.to_owned()).or_default())
    }
}

fn upsert(profile: &mut Profile, messages: &[CachedMessage]) {
    for message in messages {
        if let Some(chat) = profile.chats.get_mut(&message.chat_id) {
            chat.last_event_time = chat.last_event_time.max(message.timestamp);
        }
        profile
            .messages
            .insert(message.mid.clone(), message.clone());
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn save_profile(&self, profile: &StoredProfile) -> Result<()> {
        let mut profiles = self.profiles.lock().unwrap_or_else(|p| p.into_inner());
        match profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(existing) => *existing = profile.clone(),
            None => profiles.push(profile.clone()),
        }
        Ok(())
    }

    async fn profiles(&self) -> Result<Vec<StoredProfile>> {
        let mut profiles = self
            .profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        profiles.sort_by_key(|p| p.created_at);
        Ok(profiles)
    }

    async fn remove_profile(&self, profile_id: &str, wipe: bool) -> Result<()> {
        self.profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| p.id != profile_id);
        if wipe {
            self.data
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(profile_id);
        }
        Ok(())
    }

    async fn clear_cache(&self, profile_id: &str) -> Result<()> {
        self.with(profile_id, |p| {
            let kept = Profile {
                outbox: std::mem::take(&mut p.outbox),
                drafts: std::mem::take(&mut p.drafts),
                ..Profile::default()
            };
            *p = kept;
        });
        Ok(())
    }

    async fn messages_with_files(
        &self,
        profile_id: &str,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        let mut found: Vec<CachedMessage> = self.with(profile_id, |p| {
            p.messages
                .values()
                .filter(|m| !m.attachments.is_empty() && chat_id.is_none_or(|c| m.chat_id == c))
                .cloned()
                .collect()
        });
        found.sort_by_key(|m| std::cmp::Reverse((m.timestamp, m.seq)));
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(found)
    }

    async fn cached_messages(&self, profile_id: &str) -> Result<i64> {
        Ok(self.with(profile_id, |p| {
            i64::try_from(p.messages.len()).unwrap_or(i64::MAX)
        }))
    }

    async fn replace_chats(&self, profile_id: &str, chats: &[CachedChat]) -> Result<()> {
        self.with(profile_id, |p| {
            p.chats = chats.iter().map(|c| (c.chat_id, c.clone())).collect();
        });
        Ok(())
    }

    async fn chats(&self, profile_id: &str) -> Result<Vec<CachedChat>> {
        let mut chats: Vec<_> = self.with(profile_id, |p| p.chats.values().cloned().collect());
        chats.sort_by(|a, b| {
            b.last_event_time
                .cmp(&a.last_event_time)
                .then(a.chat_id.cmp(&b.chat_id))
        });
        Ok(chats)
    }

    async fn chat(&self, profile_id: &str, chat_id: i64) -> Result<Option<CachedChat>> {
        Ok(self.with(profile_id, |p| p.chats.get(&chat_id).cloned()))
    }

    async fn set_pinned(&self, profile_id: &str, chat_id: i64, mid: Option<&str>) -> Result<()> {
        self.with(profile_id, |p| {
            if let Some(chat) = p.chats.get_mut(&chat_id) {
                chat.pinned_mid = mid.map(str::to_owned);
            }
        });
        Ok(())
    }

    async fn upsert_messages(&self, profile_id: &str, messages: &[CachedMessage]) -> Result<()> {
        self.with(profile_id, |p| upsert(p, messages));
        Ok(())
    }

    async fn apply(&self, profile_id: &str, batch: &Batch) -> Result<()> {
        self.with(profile_id, |p| {
            upsert(p, &batch.upserts);
            for (_, mid) in &batch.removals {
                p.messages.remove(mid);
            }
            for (mid, state) in &batch.max_states {
                if let Some(m) = p.messages.get_mut(mid) {
                    m.max_state = Some(state.clone());
                }
            }
            if batch.marker.is_some() {
                p.marker = batch.marker;
            }
        });
        Ok(())
    }

    async fn latest_messages(
        &self,
        profile_id: &str,
        chat_id: i64,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        // The newest page is the page before the end of time.
        self.messages_beside(
            profile_id,
            chat_id,
            (i64::MAX, i64::MAX),
            Side::Before,
            limit,
        )
        .await
    }

    async fn messages_beside(
        &self,
        profile_id: &str,
        chat_id: i64,
        anchor: (i64, i64),
        side: Side,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        Ok(self.with(profile_id, |p| {
            let mut found: Vec<CachedMessage> = p
                .messages
                .values()
                .filter(|m| m.chat_id == chat_id)
                .filter(|m| match side {
                    Side::Before => (m.timestamp, m.seq) < anchor,
                    Side::After => (m.timestamp, m.seq) > anchor,
                })
                .cloned()
                .collect();
            found.sort_by_key(|m| (m.timestamp, m.seq));
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            match side {
                // The nearest to the anchor: the end of the list before it, the start after.
                Side::Before => found.split_off(found.len().saturating_sub(limit)),
                Side::After => {
                    found.truncate(limit);
                    found
                }
            }
        }))
    }

    async fn search(
        &self,
        profile_id: &str,
        query: &Query,
        chat_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<CachedMessage>> {
        Ok(self.with(profile_id, |p| {
            let mut found: Vec<CachedMessage> = p
                .messages
                .values()
                .filter(|m| chat_id.is_none_or(|c| c == m.chat_id) && query.matches(&m.text))
                .cloned()
                .collect();
            found.sort_by_key(|m| std::cmp::Reverse((m.timestamp, m.seq)));
            found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            found
        }))
    }

    async fn message(&self, profile_id: &str, mid: &str) -> Result<Option<CachedMessage>> {
        Ok(self.with(profile_id, |p| p.messages.get(mid).cloned()))
    }

    async fn marker(&self, profile_id: &str) -> Result<Option<i64>> {
        Ok(self.with(profile_id, |p| p.marker))
    }

    async fn outbox_push(&self, profile_id: &str, item: &OutboxItem) -> Result<()> {
        self.with(profile_id, |p| {
            p.outbox.retain(|i| i.local_id != item.local_id);
            p.outbox.push(item.clone());
        });
        Ok(())
    }

    async fn outbox(&self, profile_id: &str) -> Result<Vec<OutboxItem>> {
        let mut items = self.with(profile_id, |p| p.outbox.clone());
        items.sort_by(|a, b| (a.created_at, &a.local_id).cmp(&(b.created_at, &b.local_id)));
        Ok(items)
    }

    async fn outbox_update(&self, profile_id: &str, item: &OutboxItem) -> Result<()> {
        self.with(profile_id, |p| {
            if let Some(existing) = p.outbox.iter_mut().find(|i| i.local_id == item.local_id) {
                *existing = item.clone();
            }
        });
        Ok(())
    }

    async fn outbox_remove(&self, profile_id: &str, local_id: &str) -> Result<()> {
        self.with(profile_id, |p| p.outbox.retain(|i| i.local_id != local_id));
        Ok(())
    }

    async fn file_put(&self, file: &CachedFile) -> Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.insert(file.token.clone(), file.clone());
        Ok(())
    }

    async fn file(&self, token: &str) -> Result<Option<CachedFile>> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        Ok(files.get(token).cloned())
    }

    async fn files(&self) -> Result<Vec<CachedFile>> {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut list: Vec<CachedFile> = files.values().cloned().collect();
        list.sort_by(|a, b| (a.last_used, &a.token).cmp(&(b.last_used, &b.token)));
        Ok(list)
    }

    async fn file_remove(&self, token: &str) -> Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        files.remove(token);
        Ok(())
    }

    async fn save_draft(&self, profile_id: &str, chat_id: i64, text: &str, _at: i64) -> Result<()> {
        self.with(profile_id, |p| {
            if text.trim().is_empty() {
                p.drafts.remove(&chat_id);
            } else {
                p.drafts.insert(chat_id, text.to_owned());
            }
        });
        Ok(())
    }

    async fn draft(&self, profile_id: &str, chat_id: i64) -> Result<Option<String>> {
        Ok(self.with(profile_id, |p| p.drafts.get(&chat_id).cloned()))
    }

    async fn mark_read(&self, profile_id: &str, chat_id: i64, up_to: (i64, i64)) -> Result<()> {
        self.with(profile_id, |p| {
            let mark = p.read.entry(chat_id).or_insert(up_to);
            *mark = (*mark).max(up_to);
        });
        Ok(())
    }

    async fn read_up_to(&self, profile_id: &str, chat_id: i64) -> Result<Option<(i64, i64)>> {
        Ok(self.with(profile_id, |p| p.read.get(&chat_id).copied()))
    }

    async fn unread(&self, profile_id: &str, chat_id: i64, me: Option<i64>) -> Result<u32> {
        Ok(self.with(profile_id, |p| {
            let mark = p
                .read
                .get(&chat_id)
                .copied()
                .unwrap_or((i64::MIN, i64::MIN));
            let count = p
                .messages
                .values()
                .filter(|m| m.chat_id == chat_id && (m.timestamp, m.seq) > mark)
                .filter(|m| m.sender_id.is_none() || m.sender_id != me)
                .take(super::UNREAD_CAP as usize)
                .count();
            u32::try_from(count).unwrap_or(u32::MAX)
        }))
    }

    async fn replace_members(
        &self,
        profile_id: &str,
        chat_id: i64,
        members: &[MemberView],
    ) -> Result<()> {
        self.with(profile_id, |p| p.members.insert(chat_id, members.to_vec()));
        Ok(())
    }

    async fn members(&self, profile_id: &str, chat_id: i64) -> Result<Vec<MemberView>> {
        Ok(self.with(profile_id, |p| {
            let mut list = p.members.get(&chat_id).cloned().unwrap_or_default();
            list.sort_by(|a, b| (&a.name, a.user_id).cmp(&(&b.name, b.user_id)));
            list
        }))
    }

    async fn replace_lessons(
        &self,
        profile_id: &str,
        from: i64,
        to: i64,
        lessons: &[(i64, i64, String)],
    ) -> Result<()> {
        self.with(profile_id, |p| {
            p.lessons
                .retain(|_, (start, _)| *start < from || *start >= to);
            for (id, start, json) in lessons {
                p.lessons.insert(*id, (*start, json.clone()));
            }
        });
        Ok(())
    }

    async fn lessons(&self, profile_id: &str, from: i64, to: i64) -> Result<Vec<String>> {
        Ok(self.with(profile_id, |p| {
            let mut list: Vec<(i64, i64, String)> = p
                .lessons
                .iter()
                .filter(|(_, (start, _))| (from..to).contains(start))
                .map(|(id, (start, json))| (*start, *id, json.clone()))
                .collect();
            list.sort();
            list.into_iter().map(|(_, _, json)| json).collect()
        }))
    }

    async fn mark_reminded(
        &self,
        profile_id: &str,
        lesson_id: i64,
        starts_at: i64,
    ) -> Result<bool> {
        Ok(self.with(profile_id, |p| p.reminded.insert((lesson_id, starts_at))))
    }

    async fn set_announcements(&self, profile_id: &str, flags: &[AnnouncementFlags]) -> Result<()> {
        self.with(profile_id, |p| {
            p.announcements
                .extend(flags.iter().map(|f| (f.mid.clone(), f.clone())))
        });
        Ok(())
    }

    async fn announcements(&self, profile_id: &str) -> Result<Vec<AnnouncementFlags>> {
        Ok(self.with(profile_id, |p| {
            let mut list: Vec<(&CachedMessage, &AnnouncementFlags)> = p
                .announcements
                .iter()
                .filter_map(|(mid, flags)| Some((p.messages.get(mid)?, flags)))
                .collect();
            list.sort_by_key(|(m, _)| std::cmp::Reverse((m.timestamp, m.seq)));
            list.into_iter().map(|(_, flags)| flags.clone()).collect()
        }))
    }

    async fn announcement(&self, profile_id: &str, mid: &str) -> Result<Option<AnnouncementFlags>> {
        Ok(self.with(profile_id, |p| p.announcements.get(mid).cloned()))
    }

    async fn outbox_delivered(
        &self,
        profile_id: &str,
        local_id: &str,
        message: &CachedMessage,
    ) -> Result<()> {
        self.with(profile_id, |p| {
            p.outbox.retain(|i| i.local_id != local_id);
            upsert(p, std::slice::from_ref(message));
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    store_suite!(async { super::MemoryStore::new() });
}
