//! `$batch`: up to twenty requests in one.

use super::client::GraphClient;
use super::model::Error;
use super::model::bad_response;
use super::transport::{Call, Failed};
use super::transport::{http_failure, parse_retry_after};
use reqwest::{Method, StatusCode};
use serde_json::Value;

impl GraphClient {
    /// `POST /$batch`: the answers in the order of `requests` (matched by id),
    /// each the inner body on 2xx or the inner failure.
    pub async fn batch(&self, requests: &[Value]) -> Result<Vec<Result<Value, Error>>, Error> {
        #[derive(serde::Deserialize)]
        struct Answer {
            id: String,
            status: u16,
            #[serde(default)]
            headers: serde_json::Map<String, Value>,
            #[serde(default)]
            body: Value,
        }
        #[derive(serde::Deserialize)]
        struct Answers {
            responses: Vec<Answer>,
        }
        let mut url = self.transport.root.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().push("$batch");
        }
        let body = serde_json::json!({ "requests": requests });
        // A throttled batch may answer 424 (throttling.md) as well as 200
        // (json-batching.md): whenever the body holds the inner answers,
        // they are what counts, whatever the outer status.
        let (status, request_id, bytes) = match self
            .send_call(Call::new(Method::POST, url).body(&body))
            .await
        {
            Ok(answer) => answer,
            Err(Failed::Http(status, request_id, bytes, failure)) => {
                match serde_json::from_slice::<Answers>(&bytes) {
                    Ok(_) => (status, request_id, bytes),
                    Err(_) => return Err(*failure),
                }
            }
            Err(Failed::Other(f)) => return Err(f),
        };
        let answers: Answers =
            super::model::decode(status, &request_id, &bytes, "not a batch answer")?;
        let mut by_id: std::collections::HashMap<String, Answer> = answers
            .responses
            .into_iter()
            .map(|a| (a.id.to_ascii_lowercase(), a))
            .collect();
        Ok(requests
            .iter()
            .map(|r| {
                let id = r
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(a) = by_id.remove(&id) else {
                    return Err(bad_response(
                        status,
                        request_id.clone(),
                        "the batch answer lacks a request",
                    ));
                };
                let header = |name: &str| {
                    a.headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_string)
                };
                if (200..300).contains(&a.status) {
                    return Ok(a.body);
                }
                let code = StatusCode::from_u16(a.status).unwrap_or(StatusCode::BAD_GATEWAY);
                let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
                Err(http_failure(
                    code,
                    a.body.to_string().as_bytes(),
                    request_id.clone(),
                    retry_after,
                ))
            })
            .collect())
    }
}
