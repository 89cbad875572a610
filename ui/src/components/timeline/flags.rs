//! For a chat's administrators: the messages from MAX that the school's policy would have
//! refused from a Parta user (the bridge keeps them and flags them instead). Asked once per
//! new message while the person may see them; a person who may not is asked no more.

use std::collections::HashMap;
use std::rc::Rc;

use parta_model::school::{AdminReply, AdminRequest};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::services::api;

/// The open chat's flagged messages: message id → rule (`ethics`, `personal_data`).
#[hook]
pub fn use_max_flags(chat_id: i64, messages: usize) -> Rc<HashMap<String, String>> {
    let flags = use_state(|| Rc::new(HashMap::new()));
    // Chats where the answer was "not yours to see": not asked again.
    let refused = use_mut_ref(std::collections::HashSet::<i64>::new);
    {
        let flags = flags.clone();
        use_effect_with((chat_id, messages), move |&(chat_id, _)| {
            if !refused.borrow().contains(&chat_id) {
                spawn_local(async move {
                    match api::admin(&AdminRequest::MaxFlags { chat_id }).await {
                        Ok(AdminReply::MaxFlags(list)) => flags.set(Rc::new(
                            list.into_iter().map(|f| (f.message_id, f.rule)).collect(),
                        )),
                        Ok(_) => {}
                        Err(_) => {
                            refused.borrow_mut().insert(chat_id);
                            flags.set(Rc::new(HashMap::new()));
                        }
                    }
                });
            }
        });
    }
    (*flags).clone()
}
