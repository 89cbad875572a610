//! The official MAX Bot API schema (`../shared/max-bot-api/schema.yaml`, OpenAPI 3.0), loaded
//! for tests: validates JSON bodies against its component schemas and operations.
//!
//! It implements the part of OpenAPI's schema language the MAX schema uses: `$ref`, `allOf`,
//! `discriminator` (dispatching on `update_type`, `type` …), `type`, `nullable`, `properties`,
//! `required`, `enum`, `items`, `minLength`/`maxLength`, `minItems`/`maxItems`. Properties the
//! schema does not name are allowed, as OpenAPI allows them by default; `pattern` and `format`
//! are not checked. It is a test tool: it must never be a dependency of shipped code.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Where the schema lives relative to the repository: `shared/` sits beside the checkout.
const RELATIVE: &str = "shared/max-bot-api/schema.yaml";

/// A reason the schema could not be loaded.
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// The loaded schema.
#[derive(Debug, Clone)]
pub struct MaxSchema {
    root: Value,
}

/// What was wrong with a body: one line per finding, each with its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<String>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl MaxSchema {
    /// Loads the official schema: the file `PARTA_MAX_SCHEMA` names, or else
    /// `shared/max-bot-api/schema.yaml` beside one of this crate's ancestors.
    pub fn official() -> Result<Self, LoadError> {
        let path = official_path().ok_or_else(|| {
            LoadError(format!(
                "the official MAX Bot API schema (0.0.33) was not found: set {SCHEMA_VARIABLE} \
                 to its path, or put it at {RELATIVE} beside an ancestor of {}",
                env!("CARGO_MANIFEST_DIR")
            ))
        })?;
        Self::load(&path)
    }

    /// Loads a schema file.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        let root: Value = serde_yaml::from_str(&text)
            .map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        if root.pointer("/components/schemas").is_none() {
            return Err(LoadError(format!(
                "{}: no components/schemas",
                path.display()
            )));
        }
        Ok(Self { root })
    }

    /// The schema's version (`info.version`).
    pub fn version(&self) -> &str {
        self.root
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Validates `value` against the component schema `name` (e.g. `"Message"`).
    pub fn validate(&self, name: &str, value: &Value) -> Result<(), Violations> {
        let schema = self
            .component(name)
            .ok_or_else(|| Violations(vec![format!("no component schema '{name}'")]))?;
        self.check(schema, value, "$")
    }

    /// The operation template (e.g. `/chats/{chatId}/members`) that a concrete path matches.
    pub fn path_template(&self, path: &str) -> Option<String> {
        let path = path.split('?').next().unwrap_or(path);
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.root.get("paths")?.as_object()?;
        // Prefer a template with fewer parameters: `/chats/{id}/members/me` before
        // `/chats/{id}/members/{x}`-like ones.
        let mut best: Option<(usize, &String)> = None;
        for template in paths.keys() {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != wanted.len() {
                continue;
            }
            let mut params = 0;
            let fits = parts.iter().zip(&wanted).all(|(t, w)| {
                if t.starts_with('{') {
                    params += 1;
                    true
                } else {
                    t == w
                }
            });
            if fits && best.is_none_or(|(p, _)| params < p) {
                best = Some((params, template));
            }
        }
        best.map(|(_, t)| t.clone())
    }

    /// Validates a response body against what the schema says `method path` answers with
    /// `status` (a shared `Error` body for statuses the operation does not list).
    pub fn validate_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Violations> {
        let template = self
            .path_template(path)
            .ok_or_else(|| Violations(vec![format!("{path} is not an operation of the schema")]))?;
        let operation = self
            .root
            .pointer(&format!(
                "/paths/{}/{}",
                escape_pointer(&template),
                method.to_lowercase()
            ))
            .ok_or_else(|| Violations(vec![format!("{method} {template} is not in the schema")]))?;
        let response = operation
            .pointer(&format!("/responses/{status}"))
            .map(|r| self.resolve(r));
        let schema = response
            .and_then(|r| r.pointer("/content/application~1json/schema"))
            .or_else(|| (status >= 400).then(|| self.component("Error")).flatten());
        match schema {
            Some(schema) => self.check(schema, body, "$"),
            None => Err(Violations(vec![format!(
                "{method} {template} has no JSON response for status {status}"
            )])),
        }
    }

    /// Validates a request body against the operation's request schema.
    pub fn validate_request(
        &self,
        method: &str,
        path: &str,
        body: &Value,
    ) -> Result<(), Violations> {
        let template = self
            .path_template(path)
            .ok_or_else(|| Violations(vec![format!("{path} is not an operation of the schema")]))?;
        let schema = self
            .root
            .pointer(&format!(
                "/paths/{}/{}/requestBody/content/application~1json/schema",
                escape_pointer(&template),
                method.to_lowercase()
            ))
            .ok_or_else(|| Violations(vec![format!("{method} {template} takes no JSON body")]))?;
        self.check(schema, body, "$")
    }

    /// The names of the query parameters `method path` requires, and all it knows.
    pub fn query_parameters(&self, method: &str, path: &str) -> Option<(Vec<String>, Vec<String>)> {
        let template = self.path_template(path)?;
        let item = self
            .root
            .pointer(&format!("/paths/{}", escape_pointer(&template)))?;
        let operation = item.get(method.to_lowercase())?;
        let mut required = Vec::new();
        let mut known = Vec::new();
        // Parameters of the path item and of the operation; an operation may have none.
        let listed = [item, operation]
            .into_iter()
            .filter_map(|o| o.get("parameters").and_then(Value::as_array))
            .flatten();
        for parameter in listed {
            let parameter = self.resolve(parameter);
            if parameter.get("in").and_then(Value::as_str) != Some("query") {
                continue;
            }
            let name = parameter.get("name")?.as_str()?.to_owned();
            if parameter.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(name.clone());
            }
            known.push(name);
        }
        Some((required, known))
    }

    fn component(&self, name: &str) -> Option<&Value> {
        self.root.pointer(&format!("/components/schemas/{name}"))
    }

    fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.root.pointer(reference.trim_start_matches('#')) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    fn check(&self, schema: &Value, value: &Value, at: &str) -> Result<(), Violations> {
        let mut found = Vec::new();
        let mut dispatched = HashSet::new();
        self.walk(schema, value, at, &mut dispatched, &mut found);
        if found.is_empty() {
            Ok(())
        } else {
            Err(Violations(found))
        }
    }

    fn walk(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        dispatched: &mut HashSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match self.root.pointer(reference.trim_start_matches('#')) {
                Some(target) => {
                    // A reference back to a base being dispatched checks the base alone.
                    if dispatched.contains(reference) {
                        self.walk_plain(target, value, at, dispatched, found);
                    } else {
                        self.walk(target, value, at, dispatched, found);
                    }
                }
                None => found.push(format!("{at}: unresolved reference {reference}")),
            }
            return;
        }
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(discriminator) = schema.get("discriminator") {
            let property = discriminator
                .get("propertyName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let tag = value.get(property).and_then(Value::as_str);
            let target = tag.and_then(|tag| {
                discriminator
                    .pointer(&format!("/mapping/{}", escape_pointer(tag)))
                    .and_then(Value::as_str)
            });
            match (tag, target) {
                (Some(_), Some(target)) => {
                    let base = self.base_reference(schema);
                    let inserted = base.as_ref().is_some_and(|b| dispatched.insert(b.clone()));
                    self.walk(
                        &serde_json::json!({"$ref": target}),
                        value,
                        at,
                        dispatched,
                        found,
                    );
                    if let (true, Some(base)) = (inserted, base) {
                        dispatched.remove(&base);
                    }
                }
                (Some(tag), None) => found.push(format!("{at}.{property}: unknown value '{tag}'")),
                (None, _) => found.push(format!("{at}: missing discriminator '{property}'")),
            }
            return;
        }
        self.walk_plain(schema, value, at, dispatched, found);
    }

    /// The `#/components/schemas/X` reference of a component schema value, if it is one.
    fn base_reference(&self, schema: &Value) -> Option<String> {
        let schemas = self.root.pointer("/components/schemas")?.as_object()?;
        schemas
            .iter()
            .find(|(_, candidate)| std::ptr::eq(*candidate, schema))
            .map(|(name, _)| format!("#/components/schemas/{name}"))
    }

    fn walk_plain(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        dispatched: &mut HashSet<String>,
        found: &mut Vec<String>,
    ) {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if value.is_null() && nullable {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.walk(part, value, at, dispatched, found);
            }
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let fits = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => true,
            };
            if !fits {
                found.push(format!("{at}: expected {kind}, found {}", describe(value)));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            found.push(format!(
                "{at}: {value} is not one of {}",
                Value::from(options.clone())
            ));
        }
        if let Some(text) = value.as_str() {
            let chars = text.chars().count() as u64;
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && chars > max
            {
                found.push(format!("{at}: {chars} characters, more than {max}"));
            }
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && chars < min
            {
                found.push(format!("{at}: {chars} characters, fewer than {min}"));
            }
        }
        if let Some(items) = value.as_array() {
            let len = items.len() as u64;
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && len > max
            {
                found.push(format!("{at}: {len} items, more than {max}"));
            }
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && len < min
            {
                found.push(format!("{at}: {len} items, fewer than {min}"));
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    self.walk(item_schema, item, &format!("{at}[{i}]"), dispatched, found);
                }
            }
        }
        if let Some(object) = value.as_object() {
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !object.contains_key(name) {
                        found.push(format!("{at}: missing required '{name}'"));
                    }
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property_schema) in properties {
                    if let Some(property) = object.get(name) {
                        self.walk(
                            property_schema,
                            property,
                            &format!("{at}.{name}"),
                            dispatched,
                            found,
                        );
                    }
                }
            }
        }
    }
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The variable that names the official schema's file where it is not beside the checkout.
pub const SCHEMA_VARIABLE: &str = "PARTA_MAX_SCHEMA";

/// The path of the official schema this crate would load: `PARTA_MAX_SCHEMA` if set, else the
/// first `shared/max-bot-api/schema.yaml` beside an ancestor of this crate.
pub fn official_path() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os(SCHEMA_VARIABLE).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(named));
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join(RELATIVE))
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn schema() -> MaxSchema {
        MaxSchema::official().unwrap()
    }

    #[test]
    fn the_official_schema_is_version_0_0_33() {
        assert_eq!(schema().version(), "0.0.33");
    }

    #[test]
    fn a_valid_user_passes_and_a_wrong_type_or_missing_field_is_named() {
        let s = schema();
        let user = json!({"user_id": 1, "first_name": "Анна", "is_bot": false,
                          "last_activity_time": 0});
        assert_eq!(s.validate("User", &user), Ok(()));
        let wrong = json!({"user_id": "1", "is_bot": false, "last_activity_time": 0});
        let found = s.validate("User", &wrong).unwrap_err().0;
        assert!(
            found
                .iter()
                .any(|f| f.contains("$.user_id: expected integer")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.contains("missing required 'first_name'")),
            "{found:?}"
        );
    }

    #[test]
    fn updates_are_checked_against_the_schema_their_update_type_names() {
        let s = schema();
        let removed = json!({"update_type": "message_removed", "timestamp": 1,
                             "message_id": "mid.1", "chat_id": 2, "user_id": 3});
        assert_eq!(s.validate("Update", &removed), Ok(()));
        let incomplete = json!({"update_type": "message_removed", "timestamp": 1});
        assert!(s.validate("Update", &incomplete).is_err());
        let unknown = json!({"update_type": "telepathy", "timestamp": 1});
        let found = s.validate("Update", &unknown).unwrap_err().0;
        assert!(found[0].contains("unknown value 'telepathy'"), "{found:?}");
    }

    #[test]
    fn concrete_paths_find_their_operation_templates() {
        let s = schema();
        assert_eq!(
            s.path_template("/chats/42/members/me").as_deref(),
            Some("/chats/{chatId}/members/me")
        );
        assert_eq!(
            s.path_template("/chats/42/pin?x=1").as_deref(),
            Some("/chats/{chatId}/pin")
        );
        assert_eq!(s.path_template("/messages").as_deref(), Some("/messages"));
        assert_eq!(s.path_template("/school/invites"), None);
        let (required, known) = s.query_parameters("DELETE", "/messages").unwrap();
        assert_eq!(required, vec!["message_id"]);
        assert!(known.contains(&"message_id".to_owned()));
    }

    #[test]
    fn a_text_over_4000_characters_breaks_new_message_body() {
        let s = schema();
        let long = json!({"text": "ы".repeat(4001)});
        assert!(s.validate("NewMessageBody", &long).is_err());
        assert_eq!(s.validate("NewMessageBody", &json!({"text": "ок"})), Ok(()));
    }
}
