//! Writing messages into the cache: keys ordered by time (so the search index walks newest
//! first), upserts in batches, and keeping the search index in step.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use crate::search;
use crate::store::CachedMessage;
use crate::store::{Result, StoreError};

use super::rows::*;

/// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`): one that starts by
/// reading and then writes could not be upgraded while another connection writes (SQLite
/// answers "database is locked" at once, without waiting), which broke sync when a file was
/// kept while updates were applied.
pub(super) async fn write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Rows per multi-row statement: 12 values each, far below SQLite's 32,766 variables. One
/// statement per hundred messages instead of four per message is what makes a first sync of
/// thousands of messages quick (docs/benchmarks.md).
pub(super) const UPSERT_CHUNK: usize = 100;

/// Messages of one millisecond that can have time-ordered rowids (see migration 0003).
pub(super) const SAME_MILLISECOND: i64 = 1024;

/// The time-ordered rowid a message would like, if its timestamp allows one.
pub(super) fn time_key(timestamp: i64) -> Option<i64> {
    (0..=8_000_000_000_000_000 / SAME_MILLISECOND)
        .contains(&timestamp)
        .then(|| timestamp * SAME_MILLISECOND)
}

/// Picks free time-ordered rowids for new messages: a slot of each one's millisecond chosen by
/// a hash of its id (so that messages of one millisecond rarely meet), checked against the table
/// in one query per round; taken slots move on to the next. After a few rounds (a crowded
/// millisecond) SQLite picks the rowid.
pub(super) async fn assign_keys(
    conn: &mut SqliteConnection,
    messages: &[&CachedMessage],
) -> Result<Vec<Option<i64>>> {
    let mut keys: Vec<Option<i64>> = messages
        .iter()
        .map(|m| {
            let slot = crate::stable_hash(m.mid.as_bytes()) % SAME_MILLISECOND as u64;
            time_key(m.timestamp).map(|base| base + slot as i64)
        })
        .collect();
    let mut unsettled: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    let mut claimed = std::collections::HashSet::new();
    for _ in 0..8 {
        if unsettled.is_empty() {
            break;
        }
        let mut lookup = QueryBuilder::<Sqlite>::new("SELECT rowid FROM messages WHERE rowid IN (");
        let mut list = lookup.separated(", ");
        for &i in &unsettled {
            list.push_bind(keys[i].unwrap_or_default());
        }
        list.push_unseparated(")");
        let taken: std::collections::HashSet<i64> = lookup
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        let mut next = Vec::new();
        for i in unsettled {
            let Some(key) = keys[i] else { continue };
            if taken.contains(&key) || !claimed.insert(key) {
                keys[i] = Some(next_slot(key));
                next.push(i);
            }
        }
        unsettled = next;
    }
    for i in unsettled {
        keys[i] = None;
    }
    Ok(keys)
}

/// The next slot in the same millisecond (wrapping round).
pub(super) fn next_slot(key: i64) -> i64 {
    let base = key - key.rem_euclid(SAME_MILLISECOND);
    base + (key + 1).rem_euclid(SAME_MILLISECOND)
}

pub(super) async fn upsert_on(
    conn: &mut SqliteConnection,
    profile_id: &str,
    messages: &[CachedMessage],
) -> Result<()> {
    // The last version of a message given twice wins, as if they were applied one by one.
    let mut unique: Vec<&CachedMessage> = Vec::with_capacity(messages.len());
    let mut position: HashMap<&str, usize> = HashMap::with_capacity(messages.len());
    for m in messages {
        match position.get(m.mid.as_str()) {
            Some(&i) => unique[i] = m,
            None => {
                position.insert(&m.mid, unique.len());
                unique.push(m);
            }
        }
    }
    // Oldest first: rowids follow time, and FTS5 takes rising rowids in one go (a falling one
    // makes it write out what it holds; newest-first pages did that a hundred times a chat).
    unique.sort_by_key(|m| (m.timestamp, m.seq));
    let position: HashMap<&str, usize> = unique
        .iter()
        .enumerate()
        .map(|(i, m)| (m.mid.as_str(), i))
        .collect();
    let mut newest: Vec<(i64, i64)> = Vec::new();
    for chunk in unique.chunks(UPSERT_CHUNK) {
        // Messages already cached are edits: what was indexed for them goes first.
        let mut existing =
            QueryBuilder::<Sqlite>::new("SELECT mid, rowid FROM messages WHERE profile_id = ");
        existing
            .push_bind(profile_id.to_owned())
            .push(" AND mid IN (");
        let mut list = existing.separated(", ");
        for m in chunk {
            list.push_bind(m.mid.clone());
        }
        list.push_unseparated(")");
        let old: HashMap<String, i64> = existing
            .build_query_as::<(String, i64)>()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        if !old.is_empty() {
            let mut unindex =
                QueryBuilder::<Sqlite>::new("DELETE FROM messages_fts WHERE rowid IN (");
            let mut list = unindex.separated(", ");
            for rowid in old.values() {
                list.push_bind(*rowid);
            }
            list.push_unseparated(")");
            unindex.build().execute(&mut *conn).await?;
        }
        // Cached ones keep their rowid; new ones get a time-ordered one.
        let fresh: Vec<&CachedMessage> = chunk
            .iter()
            .copied()
            .filter(|m| !old.contains_key(&m.mid))
            .collect();
        let fresh_keys = assign_keys(conn, &fresh).await?;
        let mut keyed: Vec<(Option<i64>, &CachedMessage)> = chunk
            .iter()
            .filter(|m| old.contains_key(&m.mid))
            .map(|m| (None, *m))
            .collect();
        keyed.extend(fresh_keys.into_iter().zip(fresh));

        let mut upsert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO messages
                (rowid, profile_id, mid, chat_id, seq, sender_id, sender_name, sender_max, text,
                 timestamp, attachments, reply, markup, max_state) ",
        );
        let mut keyed_json = Vec::with_capacity(keyed.len());
        for (rowid, m) in keyed {
            let reply = m.reply_to.as_ref().map(to_json).transpose()?;
            let markup = (!m.markup.is_empty())
                .then(|| to_json(&m.markup))
                .transpose()?;
            keyed_json.push((rowid, m, to_json(&m.attachments)?, reply, markup));
        }
        upsert.push_values(
            keyed_json,
            |mut row, (rowid, m, attachments, reply, markup)| {
                row.push_bind(rowid)
                    .push_bind(profile_id.to_owned())
                    .push_bind(m.mid.clone())
                    .push_bind(m.chat_id)
                    .push_bind(m.seq)
                    .push_bind(m.sender_id)
                    .push_bind(m.sender_name.clone())
                    .push_bind(i64::from(m.sender_via_max))
                    .push_bind(m.text.clone())
                    .push_bind(m.timestamp)
                    .push_bind(attachments)
                    .push_bind(reply)
                    .push_bind(markup)
                    .push_bind(m.max_state.clone());
            },
        );
        // A cached message is sent without a rowid: the only conflict is on its
        // (profile, mid), which becomes an update and keeps the rowid it has.
        upsert.push(
            " ON CONFLICT (profile_id, mid) DO UPDATE SET
                chat_id = excluded.chat_id, seq = excluded.seq, sender_id = excluded.sender_id,
                sender_name = excluded.sender_name, sender_max = excluded.sender_max,
                text = excluded.text,
                timestamp = excluded.timestamp, attachments = excluded.attachments,
                reply = excluded.reply, markup = excluded.markup, max_state = excluded.max_state
             RETURNING rowid, mid",
        );
        let rows: Vec<(i64, String)> = upsert.build_query_as().fetch_all(&mut *conn).await?;

        let mut entries = Vec::with_capacity(rows.len());
        for (rowid, mid) in rows {
            let m = position
                .get(mid.as_str())
                .and_then(|&i| unique.get(i))
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("the cache returned an unknown message {mid}"))
                })?;
            entries.push((rowid, search::index_text(profile_id, m.chat_id, &m.text)));
        }
        entries.sort_by_key(|(rowid, _)| *rowid);
        if !entries.is_empty() {
            let mut index = QueryBuilder::<Sqlite>::new("INSERT INTO messages_fts (rowid, stems) ");
            index.push_values(entries, |mut row, (rowid, stems)| {
                row.push_bind(rowid).push_bind(stems);
            });
            index.build().execute(&mut *conn).await?;
        }
        for m in chunk {
            match newest.iter_mut().find(|(chat, _)| *chat == m.chat_id) {
                Some((_, time)) => *time = (*time).max(m.timestamp),
                None => newest.push((m.chat_id, m.timestamp)),
            }
        }
    }
    for (chat_id, time) in newest {
        sqlx::query(
            "UPDATE chats SET last_event_time = MAX(last_event_time, ?)
             WHERE profile_id = ? AND chat_id = ?",
        )
        .bind(time)
        .bind(profile_id)
        .bind(chat_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// (Re)indexes one message for search; `replace` drops what was indexed for it before.
pub(super) async fn unindex_on(conn: &mut SqliteConnection, rowid: i64) -> Result<()> {
    sqlx::query("DELETE FROM messages_fts WHERE rowid = ?")
        .bind(rowid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Indexes the messages cached before search existed (once; see migration 0003).
pub(super) async fn index_existing(pool: &SqlitePool) -> Result<()> {
    let indexed: i64 = sqlx::query_scalar("SELECT indexed FROM search_state WHERE id = 1")
        .fetch_one(pool)
        .await?;
    if indexed != 0 {
        return Ok(());
    }
    let mut tx = write(pool).await?;
    let rows: Vec<(i64, String, i64, String)> =
        sqlx::query_as("SELECT rowid, profile_id, chat_id, text FROM messages")
            .fetch_all(&mut *tx)
            .await?;
    for (rowid, profile_id, chat_id, text) in rows {
        unindex_on(&mut tx, rowid).await?;
        sqlx::query("INSERT INTO messages_fts (rowid, stems) VALUES (?, ?)")
            .bind(rowid)
            .bind(search::index_text(&profile_id, chat_id, &text))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE search_state SET indexed = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
