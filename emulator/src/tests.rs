//! The emulator on its own, over HTTP: it refuses what Graph refuses.
//! (graft's own tests, in `tests/it`, run graft against it.)

use super::{DEMO_TOKEN, Emulator, EmulatorConfig};
use serde_json::{Value, json};

fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("emulator starts")
}

async fn raw(
    emu: &Emulator,
    method: &str,
    path: &str,
    ct: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut req = http
        .request(
            method.parse().unwrap(),
            format!("{}{path}", emu.graph_url()),
        )
        .bearer_auth(DEMO_TOKEN)
        .body(body.to_string());
    if let Some(ct) = ct {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn the_emulator_batch_is_strict() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/$batch", emu.graph_url());
    let send = |body: Value| http.post(&url).bearer_auth(DEMO_TOKEN).json(&body).send();
    let get = |id: &str| serde_json::json!({"id": id, "method": "GET", "url": "/me"});
    let many: Vec<Value> = (0..21).map(|i| get(&i.to_string())).collect();
    assert_eq!(
        send(serde_json::json!({"requests": many}))
            .await
            .unwrap()
            .status(),
        400
    );
    let dup = serde_json::json!({"requests": [get("a"), get("A")]});
    assert_eq!(send(dup).await.unwrap().status(), 400);
    let no_ct = serde_json::json!({"requests": [{"id": "1", "method": "POST", "url": "/me/messages", "body": {}}]});
    assert_eq!(send(no_ct).await.unwrap().status(), 400);
    let chain = serde_json::json!({"requests": [
        {"id": "1", "method": "GET", "url": "/me/messages/AAMkbad"},
        {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}
    ]});
    let r: Value = send(chain).await.unwrap().json().await.unwrap();
    let status = |id: &str| {
        r["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("1"), 400);
    assert_eq!(status("2"), 424);
}

#[tokio::test]
async fn emulator_rejects_what_graph_rejects() {
    let emu = start();
    let j = Some("application/json");
    let (s, v) = raw(&emu, "POST", "/me/messages", j, r#"{"subjekt":"x"}"#).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("RequestBodyRead"))
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'subjekt'")
    );
    assert!(v["error"]["innerError"]["request-id"].is_string());

    let (s, v) = raw(&emu, "POST", "/me/messages", j, "{not json").await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("BadRequest")));

    let (s, _) = raw(&emu, "POST", "/me/messages", None, r#"{"subject":"x"}"#).await;
    assert_eq!(s, 415);

    let (s, v) = raw(
        &emu,
        "POST",
        "/me/messages",
        j,
        r#"{"body":"plain string"}"#,
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("BadRequest")));

    let (s, v) = raw(
        &emu,
        "POST",
        "/me/messages",
        j,
        r#"{"toRecipients":[{"address":"a@b.co"}]}"#,
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("BadRequest")));

    let hdrs = r#"{"internetMessageHeaders":[{"name":"In-Reply-To","value":"<a@b>"}]}"#;
    let (s, v) = raw(&emu, "POST", "/me/messages", j, hdrs).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (400, Some("InvalidInternetMessageHeader"))
    );

    let many: Vec<Value> = (0..501)
        .map(|i| json!({"emailAddress": {"address": format!("u{i}@x.com")}}))
        .collect();
    let (s, _) = raw(
        &emu,
        "POST",
        "/me/messages",
        j,
        &json!({"toRecipients": many}).to_string(),
    )
    .await;
    assert_eq!(s, 400);

    // Enums are accepted in any case and returned lower-case; HTML is wrapped.
    let (s, v) = raw(
        &emu,
        "POST",
        "/me/messages",
        j,
        r#"{"importance":"High","body":{"contentType":"HTML","content":"<b>hi</b>"}}"#,
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(v["importance"], json!("high"));
    assert_eq!(v["body"]["contentType"], json!("html"));
    assert!(
        v["body"]["content"]
            .as_str()
            .unwrap()
            .starts_with("<html>\r\n")
    );
    assert_eq!(v["bodyPreview"], json!("hi"));

    let (s, v) = raw(&emu, "GET", "/me/nothing", None, "").await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("BadRequest")));
}

#[tokio::test]
async fn the_emulator_enforces_the_documented_limits() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let (_, draft) = raw(&emu, "POST", "/me/messages", Some("application/json"), "{}").await;
    let id = draft["id"].as_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let base = format!(
        "{}/me/messages/{}/attachments",
        emu.graph_url(),
        urlenc(&id)
    );
    let post = |url: String, body: Value| http.post(url).bearer_auth(DEMO_TOKEN).json(&body).send();
    let code = |v: &Value| v["error"]["code"].as_str().unwrap_or("").to_string();
    // A session for a small file.
    let r = post(
        format!("{base}/createUploadSession"),
        json!({"AttachmentItem": {"attachmentType": "file", "name": "s.txt", "size": 1000}}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        code(&r.json().await.unwrap()),
        "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize"
    );
    // Over 150 MB.
    let r = post(
        format!("{base}/createUploadSession"),
        json!({"AttachmentItem": {"attachmentType": "file", "name": "x", "size": 200_000_000u64}}),
    )
    .await
    .unwrap();
    assert_eq!(
        code(&r.json().await.unwrap()),
        "ErrorAttachmentSizeTooLarge"
    );
    // An unknown property.
    let r = post(
        format!("{base}/createUploadSession"),
        json!({"AttachmentItem": {"attachmentType": "file", "name": "x", "size": 4_000_000, "colour": 1}}),
    )
    .await
    .unwrap();
    assert_eq!(code(&r.json().await.unwrap()), "RequestBodyRead");
    // A request over 4 MB.
    use base64::Engine as _;
    let big = base64::engine::general_purpose::STANDARD.encode(pattern(3_500_000, 3));
    let r = post(
        base.clone(),
        json!({"@odata.type": "#microsoft.graph.fileAttachment", "name": "big", "contentBytes": big}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 413);
    // A valid session: an Authorization header and an out-of-order range are refused.
    let r = post(
        format!("{base}/createUploadSession"),
        json!({"AttachmentItem": {"attachmentType": "file", "name": "x.bin", "size": 4_000_000}}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["nextExpectedRanges"], json!(["0-"]));
    let url = s["uploadUrl"].as_str().unwrap().to_string();
    let put = |range: &str, len: usize, auth: bool| {
        let mut rq = http
            .put(&url)
            .header("Content-Range", range)
            .body(vec![0u8; len]);
        if auth {
            rq = rq.bearer_auth(DEMO_TOKEN);
        }
        rq.send()
    };
    assert_eq!(
        put("bytes 0-9/4000000", 10, true).await.unwrap().status(),
        401
    );
    assert_eq!(
        put("bytes 10-19/4000000", 10, false)
            .await
            .unwrap()
            .status(),
        416
    );
    let r = put("bytes 0-9/4000000", 10, false).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["nextExpectedRanges"], json!(["10"]));
    assert_eq!(http.delete(&url).send().await.unwrap().status(), 204);
    assert_eq!(emu.open_upload_sessions(), 0);
    assert!(emu.attachments(&id).is_empty());
}
