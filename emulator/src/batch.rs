//! JSON batching: `POST /v1.0/$batch` with up to 20 requests. Each inner request
//! runs through the same router (auth from the outer request, the same faults,
//! throttling and log), at most `max_concurrent` at a time like Outlook; a
//! `dependsOn` chain runs in order and a failed dependency gives 424. Responses
//! come back shuffled, so clients must match them by id.

use super::{AppState, Ctx, error};
use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use tower::ServiceExt as _;

pub(super) const MAX_REQUESTS: usize = 20;

/// Marks a request that came from inside a batch.
#[derive(Clone, Copy, Debug)]
pub(super) struct Inner;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/v1.0/$batch", post(batch))
}

#[derive(Clone)]
struct Step {
    id: String,
    method: String,
    url: String,
    headers: Map<String, Value>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

fn parse(ctx: &Ctx, v: &Value) -> Result<Vec<Step>, Response> {
    let bad = |m: &str| error(ctx, 400, "BadRequest", m);
    let Some(list) = v.get("requests").and_then(Value::as_array) else {
        return Err(bad(
            "The batch body must be an object with a 'requests' array.",
        ));
    };
    if list.len() > MAX_REQUESTS {
        return Err(bad(&format!(
            "Number of batch request steps exceeds the maximum of {MAX_REQUESTS}."
        )));
    }
    let mut steps: Vec<Step> = Vec::new();
    for r in list {
        let id = r.get("id").and_then(Value::as_str).unwrap_or("");
        let method = r.get("method").and_then(Value::as_str).unwrap_or("");
        let url = r.get("url").and_then(Value::as_str).unwrap_or("");
        if id.is_empty() || method.is_empty() || url.is_empty() {
            return Err(bad("Each batch request needs an id, a method and a url."));
        }
        if steps.iter().any(|s| s.id.eq_ignore_ascii_case(id)) {
            return Err(bad(&format!(
                "Batch request ids must be unique; '{id}' appears twice."
            )));
        }
        if url.starts_with("http") || url.starts_with("/v1.0") {
            return Err(bad("Batch request urls are relative to the version root."));
        }
        let headers = r
            .get("headers")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let body = r.get("body").cloned();
        if body.is_some()
            && !headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            return Err(bad(&format!(
                "Batch request '{id}' has a body but no Content-Type header."
            )));
        }
        let depends_on = r
            .get("dependsOn")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        steps.push(Step {
            id: id.to_string(),
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            headers,
            body,
            depends_on,
        });
    }
    Ok(steps)
}

async fn run_step(state: &AppState, auth: Option<&str>, step: &Step) -> Value {
    let mut req = Request::builder()
        .method(step.method.as_str())
        .uri(format!("/v1.0{}", step.url));
    for (k, v) in &step.headers {
        if let Some(v) = v.as_str() {
            req = req.header(k.as_str(), v);
        }
    }
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let body = match &step.body {
        Some(Value::String(s)) => Body::from(s.clone()),
        Some(v) => Body::from(v.to_string()),
        None => Body::empty(),
    };
    let Ok(req) = req.body(body) else {
        return json!({"id": step.id, "status": 400, "body": {"error": {"code": "BadRequest", "message": "Invalid request."}}});
    };
    let mut req = super::normalize_users_key(req);
    req.extensions_mut().insert(Inner);
    let Some(router) = state.router.lock().ok().and_then(|r| r.clone()) else {
        return json!({"id": step.id, "status": 500});
    };
    let resp = match router.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = resp.status().as_u16();
    let mut headers = Map::new();
    for name in ["retry-after", "location", "content-type"] {
        if let Some(v) = resp.headers().get(name).and_then(|v| v.to_str().ok()) {
            let key = match name {
                "retry-after" => "Retry-After",
                "location" => "Location",
                _ => "Content-Type",
            };
            headers.insert(key.into(), Value::String(v.to_string()));
        }
    }
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
    let mut out = json!({"id": step.id, "status": status, "headers": headers});
    if !body.is_null() {
        out["body"] = body;
    }
    out
}

async fn batch(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let m = match super::messages::check_body(&ctx, &headers, &body, state.config.max_body_bytes) {
        Ok(m) => Value::Object(m),
        Err(r) => return r,
    };
    let steps = match parse(&ctx, &m) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut responses: Vec<Value> = Vec::with_capacity(steps.len());
    if steps.iter().any(|s| !s.depends_on.is_empty()) {
        // A chain: in order, skipping the dependants of a failure.
        let mut status_of: HashMap<String, u16> = HashMap::new();
        for step in &steps {
            let failed_dep = step.depends_on.iter().any(|d| {
                status_of
                    .get(&d.to_ascii_lowercase())
                    .is_none_or(|s| !(200..300).contains(s))
            });
            let r = if failed_dep {
                json!({"id": step.id, "status": 424, "body": {"error": {"code": "FailedDependency", "message": "A request this one depends on failed."}}})
            } else {
                run_step(&state, auth.as_deref(), step).await
            };
            let s = r.get("status").and_then(Value::as_u64).unwrap_or(0) as u16;
            status_of.insert(step.id.to_ascii_lowercase(), s);
            responses.push(r);
        }
    } else {
        // Outlook runs at most 4 of a batch's requests at once, starting the
        // next as one finishes (concepts/throttling-limits.md, "Outlook
        // service limits": four concurrent requests, batches included).
        use futures_util::StreamExt;
        let width = state.config.max_concurrent.max(1);
        let rs: Vec<Value> = futures_util::stream::iter(steps.iter().cloned().map(|s| {
            let (state, auth) = (state.clone(), auth.clone());
            async move { run_step(&state, auth.as_deref(), &s).await }
        }))
        .buffered(width)
        .collect()
        .await;
        responses.extend(rs);
    }
    let throttled = responses
        .iter()
        .any(|r| r.get("status").and_then(Value::as_u64) == Some(429));
    // Shuffled: the order of answers is not the order of requests.
    let n = responses.len();
    if n > 1 {
        let r = uuid::Uuid::new_v4().as_u128();
        responses.rotate_left((r % n as u128) as usize);
        if r & 1 == 1 {
            responses.reverse();
        }
    }
    // A throttled request makes the whole batch answer 424 (throttling.md),
    // or 200 as the batching page has it; the body carries every answer.
    let status = if throttled {
        StatusCode::from_u16(state.config.throttled_batch_status).unwrap_or(StatusCode::OK)
    } else {
        StatusCode::OK
    };
    (status, axum::Json(json!({ "responses": responses }))).into_response()
}
