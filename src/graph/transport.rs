//! One request's whole life, for every Graph call: the token (from the
//! sign-in side), `client-request-id` and `Retry-Attempt`, the send, a
//! bounded read of the answer, redirects refused, and the answer or the
//! failure in one error type. The retry policy that decides whether to try
//! again is `retry`; the endpoints are beside this file, by what they serve.

use super::model::{Error, ErrorEnvelope, FailureKind, bad_response, reason};
use crate::auth::tokens::{TokenError, TokenErrorKind, Tokens};
use crate::util::sanitize;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// One logical request's identity across its tries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    /// Sent as `client-request-id`, the same on every try of one request
    /// (the Graph SDKs' retry handler clones the request headers, so its
    /// retries keep it: msgraph-sdk-dotnet-core GraphTelemetryHandler).
    pub(crate) client_request_id: Option<String>,
    /// Which try this is (0 = the first); from the second on it is sent as
    /// `Retry-Attempt`, as kiota's RetryHandler does.
    pub(crate) retry: u32,
}

/// The most graft reads of one answer. Graph's answers about drafts are
/// small (a loaded draft with its attachment list is a few hundred KB); a
/// larger one is a broken or hostile server, not a draft.
pub(crate) const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The longest wait a `Retry-After` can ask for: the official SDKs cap it at
/// 180 s (kiota RetryHandlerOption, "MaxDelay").
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(180);

/// A request as it happens, for a front end that shows a save at work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Sent: the method and the path under the Graph root.
    Sent { method: String, path: String },
    /// It failed without a usable answer (a timeout, a dropped connection,
    /// an error status): the same, and why.
    Failed {
        method: String,
        path: String,
        why: String,
    },
}

/// Hears every [`Step`] of a client's requests.
#[derive(Clone)]
pub struct Observer(pub(crate) std::sync::Arc<dyn Fn(Step) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// The connection pool (keep-alive, rustls), made at its first use and then
/// shared by every clone: setting up TLS, which asks the CPU what it can do
/// for the ciphers, is 0.1 ms that a start need not spend before the form
/// is on screen.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    made: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    https_only: bool,
    timeout: Duration,
}

impl Pool {
    pub(super) fn new(https_only: bool, timeout: Duration) -> Pool {
        Pool {
            made: Default::default(),
            https_only,
            timeout,
        }
    }

    /// The pool, made now if this is its first use.
    pub(crate) fn client(&self) -> Result<&reqwest::Client, Error> {
        if let Some(made) = self.made.get() {
            return Ok(made);
        }
        let made = reqwest::Client::builder()
            .user_agent(concat!("graft/", env!("CARGO_PKG_VERSION")))
            // A redirect would re-send the draft (and the bearer token) to
            // whatever host it names: Graph's answers about messages never
            // redirect, so none is followed (a 3xx is reported as it is).
            .redirect(reqwest::redirect::Policy::none())
            .https_only(self.https_only)
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| {
                Error::local(
                    FailureKind::Network,
                    "HttpsSetupFailed",
                    format!("cannot set up HTTPS: {e}"),
                )
            })?;
        Ok(self.made.get_or_init(|| made))
    }
}

/// The connection pool, the Graph root and the tokens: what every request
/// goes out with.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    pub(super) http: Pool,
    pub(super) root: Url,
    pub(super) tokens: Tokens,
    /// How long a request may take.
    pub(super) timeout: Duration,
    /// Told of each request as it goes and as it fails.
    pub(super) observer: Option<Observer>,
}

impl Transport {
    fn tell(&self, step: impl FnOnce() -> Step) {
        if let Some(o) = &self.observer {
            (o.0)(step());
        }
    }

    /// Sends one request; on a refused token, refreshes it once and sends again.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Option<String>, bytes::Bytes), Error> {
        let mut call = Call::new(method, url);
        call.body = body;
        self.send_call(call).await.map_err(Failed::into_failure)
    }

    /// Sends one request; on a refused token, refreshes it once and sends
    /// again (with the same `client-request-id`). No `Prefer: IdType` is
    /// sent: REST ids are what `webLink` is made of, and only those links
    /// open in Outlook on the web (msgraph-sdk-go issue 795).
    // Long by design: one request's whole life (token, send, bounded read,
    // redirects refused, error mapping), in the order it happens.
    pub(super) async fn send_call(&self, call: Call<'_>) -> Result<Answer, Failed> {
        let Call {
            method,
            url,
            body,
            headers,
            attempt,
        } = call;
        let request_id = attempt
            .client_request_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut refreshed = false;
        let http = self.http.client().map_err(Failed::Other)?;
        loop {
            let token = self
                .tokens
                .bearer(http, &self.root)
                .await
                .map_err(|e| Failed::Other(token_failure(e)))?;
            let mut req = http
                .request(method.clone(), url.clone())
                .bearer_auth(token.secret())
                .header("client-request-id", &request_id);
            if attempt.retry > 0 {
                req = req.header("Retry-Attempt", attempt.retry.to_string());
            }
            for (k, v) in &headers {
                req = req.header(*k, v);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let started = std::time::Instant::now();
            let path = url
                .path()
                .strip_prefix(self.root.path().trim_end_matches('/'))
                .unwrap_or(url.path())
                .to_string();
            self.tell(|| Step::Sent {
                method: method.to_string(),
                path: path.clone(),
            });
            let resp = req.send().await.map_err(|e| {
                let mut f = transport_failure(e);
                if f.code == "Timeout" {
                    f.message = format!(
                        "timed out after {} s: the server accepted the connection but did not answer (--timeout sets the limit)",
                        self.timeout.as_secs()
                    );
                }
                tracing::warn!(method = %method, path = url.path(), code = %f.code, error = %f.message, "graph request failed");
                self.tell(|| Step::Failed {
                    method: method.to_string(),
                    path: path.clone(),
                    why: f.message.clone(),
                });
                Failed::Other(f)
            })?;
            let status = resp.status();
            let rid = header(&resp, "request-id");
            tracing::info!(
                method = %method,
                path = url.path(),
                status = status.as_u16(),
                request_id = rid.as_deref().unwrap_or("-"),
                ms = started.elapsed().as_millis() as u64,
                "graph request"
            );
            let retry_after = header(&resp, "retry-after").and_then(|v| parse_retry_after(&v));
            let location = header(&resp, "location");
            let bytes = read_capped(resp, status, rid.clone())
                .await
                .map_err(Failed::Other)?;
            if status.is_success() {
                return Ok((status, rid, bytes));
            }
            if status.is_redirection() {
                let to = location.unwrap_or_else(|| "nowhere".into());
                let f = Error {
                    message: format!(
                        "Graph answered with a redirect (to {}); graft does not follow redirects, so nothing was sent there.",
                        crate::util::sanitize::line(&to.chars().take(200).collect::<String>())
                    ),
                    ..http_failure(status, b"", rid, None)
                };
                return Err(Failed::Other(f));
            }
            let failure = http_failure(status, &bytes, rid.clone(), retry_after);
            // A busy or failing service (a 4xx is an answer, shown as such).
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                self.tell(|| Step::Failed {
                    method: method.to_string(),
                    path: path.clone(),
                    why: format!("{} {}", status.as_u16(), failure.code),
                });
            }
            if status == StatusCode::UNAUTHORIZED
                && !refreshed
                && self.tokens.renew_after_401(http, &token).await
            {
                refreshed = true;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED
                && self.tokens.sign_in().is_some()
                && self.tokens.sign_in_gone().await
            {
                return Err(Failed::Other(sign_in_needed(
                    "The sign-in is no longer valid.",
                )));
            }
            return Err(Failed::Http(status, rid, bytes, Box::new(failure)));
        }
    }
}

/// No token to send, as Graph's failure.
fn token_failure(e: TokenError) -> Error {
    match e.kind {
        TokenErrorKind::NoToken => Error::local(FailureKind::NoToken, "NoAccessToken", e.message),
        TokenErrorKind::SignInNeeded => sign_in_needed(&e.message),
        TokenErrorKind::Unreachable => {
            Error::local(FailureKind::Network, "SignInUnreachable", e.message)
        }
    }
}

pub(super) fn sign_in_needed(why: &str) -> Error {
    Error::local(
        FailureKind::SignInNeeded,
        "SignInRequired",
        format!("{why} Sign in again; your draft waits."),
    )
}

pub(super) fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(sanitize::line)
}

/// `Retry-After` is delta-seconds (Graph's own example is fractional,
/// `Retry-After: 2.128`, concepts/throttling.md) or an HTTP date; whatever
/// it says, the wait is at most [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        return Some(Duration::from_secs_f64(
            secs.min(MAX_RETRY_AFTER.as_secs_f64()),
        ));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// A request to send: its method, URL, body, own headers and try.
pub(super) struct Call<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Value>,
    headers: Vec<(&'static str, String)>,
    attempt: Attempt,
}

impl<'a> Call<'a> {
    pub(super) fn new(method: Method, url: Url) -> Self {
        Call {
            method,
            url,
            body: None,
            headers: Vec::new(),
            attempt: Attempt::default(),
        }
    }
    pub(super) fn body(mut self, body: &'a Value) -> Self {
        self.body = Some(body);
        self
    }
    pub(super) fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
    pub(super) fn attempt(mut self, attempt: &Attempt) -> Self {
        self.attempt = attempt.clone();
        self
    }
}

/// A successful answer: status, `request-id`, body.
pub(super) type Answer = (StatusCode, Option<String>, bytes::Bytes);

/// Why a request did not succeed: an error answer (with its body, for the
/// callers that read one, like `$batch`), or no usable answer at all.
pub(super) enum Failed {
    Http(StatusCode, Option<String>, bytes::Bytes, Box<Error>),
    Other(Error),
}

impl Failed {
    pub(super) fn into_failure(self) -> Error {
        match self {
            Failed::Http(.., f) => *f,
            Failed::Other(f) => f,
        }
    }
}

/// Reads an answer's body, at most [`MAX_ANSWER_BYTES`]; a larger one is a
/// server fault (nothing more is read, so it cannot fill the memory).
pub(super) async fn read_capped(
    mut resp: reqwest::Response,
    status: StatusCode,
    request_id: Option<String>,
) -> Result<bytes::Bytes, Error> {
    let too_big = |n: String| Error {
        kind: FailureKind::BadResponse,
        ..bad_response(
            status,
            request_id.clone(),
            &format!(
                "the answer is {n} bytes, more than graft reads ({} MiB): the server is misbehaving",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        )
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_big(resp.content_length().unwrap_or(0).to_string()));
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_failure)? {
        if buf.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_big(format!("over {}", MAX_ANSWER_BYTES)));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

pub(crate) fn http_failure(
    status: StatusCode,
    bytes: &[u8],
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> Error {
    let (code, message, inner_id) = match serde_json::from_slice::<ErrorEnvelope>(bytes) {
        Ok(env) => (
            env.error.code,
            env.error.message,
            env.error.inner.and_then(|i| i.request_id),
        ),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let text: String = text.chars().take(300).collect();
            (String::new(), text, None)
        }
    };
    Error {
        kind: FailureKind::Http,
        status: Some(status.as_u16()),
        status_text: reason(status),
        code: sanitize::line(&code),
        message: sanitize::redact(&sanitize::line(&message)),
        request_id: request_id.or(inner_id.map(|s| sanitize::line(&s))),
        retry_after,
    }
}

/// No usable answer, said as what happened: not reachable (nothing was
/// sent), no answer in time, or the connection dropped. The error's URL is
/// left out: an upload URL carries its own credential (`authtoken=`).
pub fn transport_failure(e: reqwest::Error) -> Error {
    let timeout = e.is_timeout();
    let connect = e.is_connect();
    let e = e.without_url();
    let mut chain = Vec::new();
    let mut src: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let detail = chain.join(": ");
    let lower = detail.to_ascii_lowercase();
    let (kind, code, what) = if timeout {
        (
            FailureKind::Timeout,
            "Timeout",
            "no answer in time".to_string(),
        )
    } else if connect {
        (
            FailureKind::Network,
            "ConnectFailed",
            "could not reach Graph".to_string(),
        )
    } else if lower.contains("reset") || lower.contains("closed") || lower.contains("broken pipe") {
        (
            FailureKind::Network,
            "ConnectionReset",
            "the server closed the connection without answering".to_string(),
        )
    } else {
        (
            FailureKind::Network,
            "NetworkError",
            "the request did not complete".to_string(),
        )
    };
    Error::local(
        kind,
        code,
        sanitize::redact(&sanitize::line(&format!("{what} ({detail})"))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("12"), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
