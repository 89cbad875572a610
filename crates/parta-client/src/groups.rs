//! Other chats (procedure 4.3) on the wire: making one (`POST /school/chats`), and what its
//! administrators do with the MAX endpoints: renaming it, adding and removing members.

use parta_model::max::{Chat, ChatPatch, SimpleQueryResult, UserIdsList};
use parta_model::school::NewGroup;
use reqwest::Method;

use crate::api::ApiClient;
use crate::error::Result;

impl ApiClient {
    /// `POST /school/chats`: another chat with the people picked; one owns and administers it.
    pub async fn create_group(&self, group: &NewGroup) -> Result<Chat> {
        let request = self
            .request(Method::POST, "/school/chats", self.timeout)
            .json(group);
        self.send(request).await
    }

    /// `PATCH /chats/{id}` with a new title (chat administrators).
    pub async fn rename_chat(&self, chat_id: i64, title: &str) -> Result<Chat> {
        let patch = ChatPatch {
            title: Some(title.to_owned()),
            ..Default::default()
        };
        let path = format!("/chats/{chat_id}");
        self.send(
            self.request(Method::PATCH, &path, self.timeout)
                .json(&patch),
        )
        .await
    }

    /// `POST /chats/{id}/members` (chat administrators).
    pub async fn add_members(&self, chat_id: i64, user_ids: &[i64]) -> Result<()> {
        let path = format!("/chats/{chat_id}/members");
        let body = UserIdsList {
            user_ids: user_ids.to_vec(),
        };
        let _: SimpleQueryResult = self
            .send(self.request(Method::POST, &path, self.timeout).json(&body))
            .await?;
        Ok(())
    }

    /// `DELETE /chats/{id}/members?user_id=` (chat administrators).
    pub async fn remove_member(&self, chat_id: i64, user_id: i64) -> Result<()> {
        let path = format!("/chats/{chat_id}/members");
        let request = self
            .request(Method::DELETE, &path, self.timeout)
            .query(&[("user_id", user_id)]);
        let _: SimpleQueryResult = self.send(request).await?;
        Ok(())
    }
}
