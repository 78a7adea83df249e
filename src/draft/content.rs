//! A draft as Graph sees it, and the JSON bodies for create (POST) and update (PATCH).

use super::address::Address;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Everything the form sends, already validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftContent {
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub subject: String,
    pub body: String,
}

fn recipients(list: &[Address]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                let mut email = Map::new();
                email.insert("address".into(), Value::String(a.address.clone()));
                if let Some(n) = &a.name {
                    email.insert("name".into(), Value::String(n.clone()));
                }
                json!({ "emailAddress": email })
            })
            .collect(),
    )
}

impl DraftContent {
    /// The body of `POST …/messages`: every field, so the server holds exactly the
    /// form, plus the draft's client key as an extended property when given.
    pub fn create_body(&self, key: Option<&str>) -> Value {
        let mut v = self.patch_body(None);
        if let (Some(key), Some(o)) = (key, v.as_object_mut()) {
            o.insert(
                "singleValueExtendedProperties".into(),
                json!([{ "id": crate::graph::client::DRAFT_KEY_PROPERTY, "value": key }]),
            );
        }
        v
    }

    /// The body of `PATCH …/messages/{id}`: only what changed since `saved`
    /// (Graph advises against re-sending unchanged values). `None` means everything.
    pub fn patch_body(&self, saved: Option<&DraftContent>) -> Value {
        let mut m = Map::new();
        let changed = |f: &dyn Fn(&DraftContent) -> bool| saved.is_none_or(f);
        if changed(&|s| s.subject != self.subject) {
            m.insert("subject".into(), Value::String(self.subject.clone()));
        }
        if changed(&|s| s.body != self.body) {
            m.insert(
                "body".into(),
                json!({ "contentType": "text", "content": self.body }),
            );
        }
        if changed(&|s| s.to != self.to) {
            m.insert("toRecipients".into(), recipients(&self.to));
        }
        if changed(&|s| s.cc != self.cc) {
            m.insert("ccRecipients".into(), recipients(&self.cc));
        }
        if changed(&|s| s.bcc != self.bcc) {
            m.insert("bccRecipients".into(), recipients(&self.bcc));
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DraftContent {
        DraftContent {
            to: vec![Address {
                name: Some("Smith, Al".into()),
                address: "al@x.com".into(),
            }],
            cc: vec![],
            bcc: vec![Address {
                name: None,
                address: "b@x.com".into(),
            }],
            subject: "Hi".into(),
            body: "Line 1\nLine 2".into(),
        }
    }

    #[test]
    fn create_has_every_field_with_one_object_per_recipient() {
        let v = sample().create_body(None);
        assert_eq!(
            v,
            json!({
                "subject": "Hi",
                "body": {"contentType": "text", "content": "Line 1\nLine 2"},
                "toRecipients": [{"emailAddress": {"address": "al@x.com", "name": "Smith, Al"}}],
                "ccRecipients": [],
                "bccRecipients": [{"emailAddress": {"address": "b@x.com"}}]
            })
        );
    }

    #[test]
    fn create_carries_the_client_key() {
        let v = sample().create_body(Some("k-1"));
        assert_eq!(
            v["singleValueExtendedProperties"],
            json!([{"id": crate::graph::client::DRAFT_KEY_PROPERTY, "value": "k-1"}])
        );
    }

    #[test]
    fn patch_sends_only_changes() {
        let saved = sample();
        let mut now = saved.clone();
        now.subject = "Hello".into();
        assert_eq!(now.patch_body(Some(&saved)), json!({"subject": "Hello"}));
        assert_eq!(saved.patch_body(Some(&saved)), json!({}));
    }
}
