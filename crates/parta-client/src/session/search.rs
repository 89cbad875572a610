//! Offline search over every cached message, in any Russian word form.

use parta_model::view::{SearchHit, TextFragment};

use crate::error::Result;
use crate::search::Query;
use crate::session::config::SEARCH_LIMIT;

use super::Session;

impl Session {
    /// Searches every cached message (offline; Russian morphology, see [`crate::search`]),
    /// newest first, within one chat if `chat_id` is given. An empty query finds nothing.
    pub async fn search(&self, query: &str, chat_id: Option<i64>) -> Result<Vec<SearchHit>> {
        let Some(query) = Query::parse(query) else {
            return Ok(Vec::new());
        };
        let store = &self.inner.cache;
        let found = store.search(&query, chat_id, SEARCH_LIMIT).await?;
        let mut titles: Vec<(i64, String)> = Vec::new();
        let mut hits = Vec::with_capacity(found.len());
        for message in found {
            let title = match titles.iter().find(|(id, _)| *id == message.chat_id) {
                Some((_, title)) => title.clone(),
                None => {
                    let title = store
                        .chat(message.chat_id)
                        .await?
                        .map(|c| c.title)
                        .unwrap_or_default();
                    titles.push((message.chat_id, title.clone()));
                    title
                }
            };
            let fragments = query
                .highlight(&message.text)
                .into_iter()
                .map(|(text, matched)| TextFragment { text, matched })
                .collect();
            hits.push(SearchHit {
                message: self.inner.view(message),
                chat_title: title,
                fragments,
            });
        }
        Ok(hits)
    }
}
