//! A schema fuzzer for the JSON API: it reads `/api/v1/openapi.json` from the real server
//! and, for every operation in it, sends generated requests — no credentials, made-up ones,
//! every role's token and a station key; valid, partial, mistyped, malformed, empty and
//! oversized bodies and the wrong content type; real, unknown and malformed path ids; valid
//! and bad query values — and checks that each answer's status is one the document lists for
//! that operation, and that none is a 5xx. A route that starts answering a new status fails
//! here until its annotation says so.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::time::Duration;

use caliber::domain::AppRole;
use caliber::store::Actor;
use common::TestServer;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// A raw HTTP/1.1 exchange on a fresh connection: the body is written on its own thread while
/// the answer is read, so a server that answers before reading a large body is still heard.
fn exchange(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> (u16, String) {
    let mut tcp = std::net::TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = &body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    tcp.write_all(head.as_bytes()).expect("send head");
    let writer = body.map(|b| {
        let mut w = tcp.try_clone().expect("clone");
        std::thread::spawn(move || {
            // The server may refuse and close before it has read everything: that is its
            // right, and the answer was sent before.
            let _ = w.write_all(&b);
        })
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) if !answer.is_empty() => break,
            Err(e) => panic!("{method} {target}: no answer: {e}"),
        }
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {target}: not HTTP: {text:.200}"));
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .chars()
        .take(300)
        .collect();
    (status, body)
}

/// Who a request claims to be.
#[derive(Debug, Clone)]
struct Auth {
    label: String,
    header: Option<(String, String)>,
}

impl Auth {
    fn none() -> Auth {
        Auth {
            label: "no credentials".into(),
            header: None,
        }
    }

    fn bearer(label: &str, secret: &str) -> Auth {
        Auth {
            label: label.into(),
            header: Some(("Authorization".into(), format!("Bearer {secret}"))),
        }
    }
}

/// A request body and its content type.
#[derive(Debug, Clone)]
struct Body {
    label: String,
    content_type: Option<String>,
    bytes: Option<Vec<u8>>,
}

impl Body {
    fn json(label: &str, v: &Value) -> Body {
        Body::raw(
            label,
            Some("application/json"),
            serde_json::to_vec(v).expect("json"),
        )
    }

    fn raw(label: &str, content_type: Option<&str>, bytes: Vec<u8>) -> Body {
        Body {
            label: label.into(),
            content_type: content_type.map(str::to_owned),
            bytes: Some(bytes),
        }
    }

    fn nothing() -> Body {
        Body {
            label: "no body".into(),
            content_type: None,
            bytes: None,
        }
    }
}

/// Follow a `$ref` into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The schema's type, ignoring `null` in a list of types.
fn type_of(schema: &Value) -> Option<&str> {
    match &schema["type"] {
        Value::String(t) => Some(t.as_str()),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// Real records of the seeded site, so that generated bodies reach the service's rules and
/// not only the "no such id" refusal.
struct Known {
    ids: BTreeMap<&'static str, String>,
    /// A live badge token, for scans.
    badge: String,
}

impl Known {
    /// A real id for a property named like `employee_id`, `skill_ids` or `station`.
    fn id_for(&self, property: &str) -> Option<String> {
        let stem = property
            .trim_end_matches('s')
            .trim_end_matches("_id")
            .trim_end_matches("_skill")
            .trim_start_matches("extra_");
        let kind = match stem {
            "employee" | "supervisor" => "employee",
            "skill" | "extra_skill" => "skill",
            "site" => "site",
            "department" => "department",
            "role" => "role",
            "project" => "project",
            "station" => "station",
            "revision" => "revision",
            "user" => "user",
            _ => return None,
        };
        self.ids.get(kind).cloned()
    }
}

/// How a generated body is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fill {
    /// Every property, plausible values.
    Full,
    /// Only the required properties.
    Required,
    /// Every property with a value of the wrong type.
    WrongTypes,
    /// Every string property far too long (but the body within the route's limit).
    LongStrings,
    /// Control characters in every string.
    ControlCharacters,
}

/// A value for `schema`.
fn example(
    doc: &Value,
    known: &Known,
    schema: &Value,
    name: &str,
    fill: Fill,
    depth: u32,
) -> Value {
    let schema = resolve(doc, schema);
    if depth > 6 {
        return Value::Null;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = schema[key].as_array() {
            if key == "allOf" {
                let mut merged = Map::new();
                for part in list {
                    if let Value::Object(o) = example(doc, known, part, name, fill, depth + 1) {
                        merged.extend(o);
                    }
                }
                return Value::Object(merged);
            }
            let pick = list
                .iter()
                .find(|s| type_of(resolve(doc, s)) != Some("null"))
                .unwrap_or(&Value::Null);
            return example(doc, known, pick, name, fill, depth + 1);
        }
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return if fill == Fill::WrongTypes {
            json!("no-such-choice")
        } else {
            first.clone()
        };
    }
    let string = |plain: Value| match fill {
        Fill::WrongTypes => json!(12345),
        Fill::LongStrings => json!("x".repeat(20_000)),
        Fill::ControlCharacters => json!("a\u{0}b\u{7}\u{1b}[31m\r\nc"),
        _ => plain,
    };
    match type_of(schema) {
        Some("object") | None if schema.get("properties").is_some() => {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (k, v) in props {
                    if fill == Fill::Required && !required.contains(k.as_str()) {
                        continue;
                    }
                    out.insert(k.clone(), example(doc, known, v, k, fill, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some("object") => {
            if fill == Fill::WrongTypes {
                json!("not an object")
            } else {
                json!({})
            }
        }
        Some("array") => {
            if fill == Fill::WrongTypes {
                return json!({"not": "a list"});
            }
            let item = example(doc, known, &schema["items"], name, fill, depth + 1);
            if fill == Fill::Required {
                json!([])
            } else {
                json!([item])
            }
        }
        Some("string") => match schema["format"].as_str() {
            Some("uuid") => string(json!(
                known
                    .id_for(name)
                    .unwrap_or_else(|| caliber::domain::new_id().to_string())
            )),
            Some("date") => string(json!("2026-03-01")),
            Some("date-time") => string(json!("2026-03-01T08:00:00Z")),
            // Types documented as plain strings, known by their names.
            _ if name.ends_with("_at") => string(json!("2026-03-01T08:00:00Z")),
            _ if name.ends_with("date") => string(json!("2026-03-01")),
            _ if name == "payload" => string(json!(known.badge.clone())),
            _ => string(json!(plausible(name))),
        },
        Some("integer") => {
            if fill == Fill::WrongTypes {
                json!("twelve")
            } else {
                json!(1)
            }
        }
        Some("number") => {
            if fill == Fill::WrongTypes {
                json!("twelve")
            } else {
                json!(1.5)
            }
        }
        Some("boolean") => {
            if fill == Fill::WrongTypes {
                json!("yes")
            } else {
                json!(true)
            }
        }
        _ => Value::Null,
    }
}

/// A plausible string for a property name: one every route accepts where it can.
fn plausible(name: &str) -> String {
    // The random end of a v7 id (its start is the clock, the same within a millisecond).
    let id = caliber::domain::new_id().simple().to_string();
    let unique = &id[id.len() - 12..];
    match name {
        "email" => format!("fuzz-{unique}@plant.example"),
        "password" => "a-long-enough-password".into(),
        "timezone" => "Europe/Berlin".into(),
        "language" => "de".into(),
        "role" => "viewer".into(),
        "code" | "number" => format!("F{}", &unique[..10]).to_uppercase(),
        "payload" => format!("https://caliber.plant.example/b/{unique}"),
        "label" => format!("Rev {}", &unique[..6]),
        "reason" | "change_log" | "notes" => "fuzzed".into(),
        "kind" => "employees".into(),
        "status" => "active".into(),
        _ => format!("fuzz {}", &unique[..8]),
    }
}

/// Query strings for an operation: the valid one first, then each parameter made bad in
/// turn.
fn queries(doc: &Value, known: &Known, params: &[Value]) -> Vec<(String, String)> {
    let valid: Vec<(String, String)> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_owned();
            let schema = resolve(doc, &p["schema"]);
            let value = match example(doc, known, schema, &name, Fill::Full, 0) {
                Value::String(s) => s,
                Value::Null => return None,
                other => other.to_string(),
            };
            // Optional filters are left out of the valid query, so it selects something.
            let required = p["required"].as_bool().unwrap_or(false);
            required.then(|| (name, enc(&value)))
        })
        .collect();
    let join = |pairs: &[(String, String)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    };
    let mut out = vec![("valid query".to_owned(), join(&valid))];
    for p in params.iter().filter(|p| p["in"] == "query") {
        let Some(name) = p["name"].as_str() else {
            continue;
        };
        let schema = resolve(doc, &p["schema"]);
        let good = match example(doc, known, schema, name, Fill::Full, 0) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        for bad in [
            "not-a-value",
            "-1",
            "0",
            "99999999999999999999999999",
            "",
            "%FF%FE",
            "%00",
            &"9".repeat(5000),
            &enc(&good),
        ] {
            let mut pairs: Vec<(String, String)> =
                valid.iter().filter(|(k, _)| k != name).cloned().collect();
            pairs.push((name.to_owned(), bad.to_owned()));
            out.push((format!("query {name}={bad:.20}"), join(&pairs)));
        }
    }
    out.push((
        "query twice".into(),
        format!("{}&limit=1&limit=2", join(&valid)),
    ));
    out
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Path variants of a template: the real record first, then unknown and malformed ids.
fn paths(template: &str, real: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let params: Vec<&str> = template.split('/').filter(|s| s.starts_with('{')).collect();
    if params.is_empty() {
        return vec![("path".into(), template.to_owned())];
    }
    let fill = |value: &str| {
        let mut p = template.to_owned();
        for name in &params {
            p = p.replace(name, value);
        }
        p
    };
    let mut out = Vec::new();
    if let Some(v) = real.get(template) {
        out.push(("real id".into(), template.replace(params[0], v)));
    }
    let unknown = caliber::domain::new_id().to_string();
    for (label, value) in [
        ("unknown id", unknown.as_str()),
        ("malformed id", "not-an-id"),
        ("empty-ish id", "%20"),
        ("bad escape", "%ZZ"),
        ("nul", "%00"),
        ("dot dot", ".."),
        ("unicode", "%C3%A9t%C3%A9"),
        ("sha-like", &"a".repeat(64)),
        ("huge", &"7".repeat(3000)),
    ] {
        out.push((label.into(), fill(value)));
    }
    out
}

/// Real ids for the templates whose records the seeded site has.
fn real_ids(
    s: &TestServer,
    templates: &[String],
    known: &Known,
    extra: &BTreeMap<&str, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for t in templates {
        if !t.contains('{') {
            continue;
        }
        let value = if t.contains("{sha256}") {
            extra.get("attachment").cloned()
        } else if t.contains("{name}") {
            extra.get("backup").cloned()
        } else if t.starts_with("/api/v1/tokens/") {
            extra.get("token").cloned()
        } else if t.starts_with("/api/v1/revisions/") {
            known.ids.get("revision").cloned()
        } else if t.starts_with("/api/v1/certifications/") {
            extra.get("certification").cloned()
        } else {
            let list = t.split("/{").next().unwrap_or_default();
            let (_, v) = s.admin("GET", list, None);
            let items = v.get("items").unwrap_or(&v);
            items
                .as_array()
                .and_then(|a| a.first())
                .and_then(|i| i["id"].as_str())
                .map(str::to_owned)
        };
        if let Some(v) = value {
            out.insert(t.clone(), v);
        }
    }
    out
}

#[test]
fn every_status_the_api_answers_is_in_its_openapi_document() {
    let s = TestServer::start();
    caliber::seed::seed_demo(&s.store, jiff::Timestamp::now()).expect("seed");
    let addr = s.base.trim_start_matches("http://").to_owned();
    let actor = Actor::named("fuzz");
    let station = caliber::service::create_station(
        &s.store,
        &actor,
        caliber::service::StationInput {
            name: "Fuzz press".into(),
            project_id: None,
            extra_skills: vec![],
        },
    )
    .expect("station");
    let roles: Vec<(AppRole, String)> = AppRole::ALL.iter().map(|r| (*r, s.token(*r))).collect();

    // Records to aim at: an attachment, a backup, a draft revision, a token to revoke.
    let (st, attachment) = s.post_raw(
        "/api/v1/attachments?name=evidence.pdf",
        Some(&s.admin),
        "application/pdf",
        b"%PDF-1.4 fuzz evidence",
    );
    assert_eq!(st, 201, "{attachment}");
    let backup = s.ok("POST", "/api/v1/backups", None);
    let (throwaway, _) = caliber::service::create_token(
        &s.store,
        &actor,
        caliber::service::TokenInput {
            name: "to be revoked".into(),
            role: AppRole::Viewer,
        },
    )
    .expect("token");
    let r = s.store.read().expect("read");
    let first = |v: Vec<Uuid>| v.first().map(Uuid::to_string);
    let mut ids: BTreeMap<&'static str, String> = BTreeMap::new();
    macro_rules! first_of {
        ($kind:literal, $ty:ty) => {
            if let Some(id) = first(
                r.list::<$ty>()
                    .expect("list")
                    .iter()
                    .filter(|x| x.deleted_at.is_none())
                    .map(|x| x.id)
                    .collect(),
            ) {
                ids.insert($kind, id);
            }
        };
    }
    first_of!("employee", caliber::domain::Employee);
    first_of!("skill", caliber::domain::Skill);
    first_of!("site", caliber::domain::Site);
    first_of!("department", caliber::domain::Department);
    first_of!("role", caliber::domain::Role);
    first_of!("project", caliber::domain::Project);
    first_of!("station", caliber::domain::Station);
    let certification = first(
        r.list::<caliber::domain::Certification>()
            .expect("certs")
            .iter()
            .map(|c| c.id)
            .collect(),
    )
    .expect("a certification");
    let user = first(
        r.list::<caliber::domain::User>()
            .expect("users")
            .iter()
            .map(|u| u.id)
            .collect(),
    )
    .expect("a user");
    ids.insert("user", user);
    drop(r);
    let skill: Uuid = ids["skill"].parse().expect("uuid");
    let draft = caliber::service::create_revision(
        &s.store,
        &actor,
        skill,
        caliber::service::RevisionInput {
            label: "Rev F".into(),
            change_log: "draft for the fuzzer".into(),
            effective_date: None,
            requires_retraining: false,
            grace_days: 0,
            status: None,
        },
    )
    .expect("draft");
    ids.insert("revision", draft.id.to_string());
    // A screen for the station the station routes aim at.
    s.store
        .put_station_mirror(
            ids["station"].parse().expect("uuid"),
            b"\x89PNG\r\n\x1a\nscreen",
        )
        .expect("mirror");
    let badge = s
        .store
        .read()
        .expect("read")
        .list::<caliber::domain::Employee>()
        .expect("employees")
        .into_iter()
        .find(|e| e.deleted_at.is_none() && e.status == caliber::domain::EmployeeStatus::Active)
        .expect("an active employee")
        .badge_token
        .as_str()
        .to_owned();
    let known = Known { ids, badge };
    let extra: BTreeMap<&str, String> = [
        (
            "attachment",
            attachment["sha256"].as_str().expect("sha").to_owned(),
        ),
        ("backup", backup["name"].as_str().expect("name").to_owned()),
        ("token", throwaway.id.to_string()),
        ("certification", certification),
    ]
    .into_iter()
    .collect();

    let (st, doc) = s.call("GET", "/api/v1/openapi.json", None, None);
    assert_eq!(st, 200);
    let templates: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let real = real_ids(&s, &templates, &known, &extra);

    let mut undocumented: BTreeSet<String> = BTreeSet::new();
    let mut server_errors: BTreeSet<String> = BTreeSet::new();
    let mut sent = 0usize;
    let mut operations = 0usize;
    let mut all_ops: BTreeSet<String> = BTreeSet::new();
    // Operations some generated request got a 2xx from: the fuzzer reached their handlers'
    // success paths, not only their refusals.
    let mut reached: BTreeSet<String> = BTreeSet::new();
    // Deletions last, so the other operations still find the records they aim at.
    let mut order: Vec<(&String, String, &Value)> = templates
        .iter()
        .flat_map(|t| {
            doc["paths"][t]
                .as_object()
                .expect("operations")
                .iter()
                .map(move |(m, op)| (t, m.to_uppercase(), op))
        })
        .collect();
    order.sort_by_key(|(_, m, _)| m == "DELETE");
    for (template, method, op) in order {
        {
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let documented: BTreeSet<u16> = op["responses"]
                .as_object()
                .expect("responses")
                .keys()
                .filter_map(|k| k.parse().ok())
                .collect();
            let security: Vec<&str> = op["security"]
                .as_array()
                .map(|s| {
                    s.iter()
                        .filter_map(|r| r.as_object())
                        .flat_map(|r| r.keys().map(String::as_str))
                        .collect()
                })
                .unwrap_or_default();
            let station_route = security.contains(&"station_key");
            let right = if station_route {
                Auth::bearer("station key", &station.key)
            } else {
                Auth::bearer("admin token", &s.admin)
            };
            let mut auths = vec![
                Auth::none(),
                Auth::bearer("made-up token", "cal_0123456789abcdef0123456789abcdef"),
                Auth {
                    label: "basic auth".into(),
                    header: Some(("Authorization".into(), "Basic YWRtaW46YWRtaW4=".into())),
                },
                Auth {
                    label: "empty bearer".into(),
                    header: Some(("Authorization".into(), "Bearer ".into())),
                },
            ];
            if station_route {
                auths.push(Auth::bearer("an API token for a station route", &s.admin));
            } else {
                auths.push(Auth::bearer(
                    "a station key for a token route",
                    &station.key,
                ));
                for (role, token) in &roles {
                    auths.push(Auth::bearer(&format!("{role} token"), token));
                }
            }
            let params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
            let path_variants = paths(template, &real);
            let query_variants = queries(&doc, &known, &params);

            let content = op["requestBody"]["content"].as_object();
            let bodies: Vec<Body> = match content {
                None => vec![Body::nothing()],
                Some(c) if c.contains_key("application/json") => {
                    let schema = &c["application/json"]["schema"];
                    let make = |fill| example(&doc, &known, schema, "", fill, 0);
                    let full = make(Fill::Full);
                    vec![
                        Body::json("full body", &full),
                        Body::json("required fields only", &make(Fill::Required)),
                        Body::json("wrong types", &make(Fill::WrongTypes)),
                        Body::json("long strings", &make(Fill::LongStrings)),
                        Body::json("control characters", &make(Fill::ControlCharacters)),
                        Body::json("empty object", &json!({})),
                        Body::json("a list", &json!([full])),
                        Body::json("null", &Value::Null),
                        Body::json("a number", &json!(7)),
                        Body::raw(
                            "malformed JSON",
                            Some("application/json"),
                            b"{\"a\":".to_vec(),
                        ),
                        Body::raw(
                            "not UTF-8",
                            Some("application/json"),
                            vec![0xff, 0xfe, 0x00, 0x7b],
                        ),
                        Body::raw("empty body", Some("application/json"), Vec::new()),
                        Body::raw(
                            "wrong content type",
                            Some("text/plain"),
                            serde_json::to_vec(&full).expect("json"),
                        ),
                        Body::raw(
                            "no content type",
                            None,
                            serde_json::to_vec(&full).expect("json"),
                        ),
                        Body::json("over the JSON limit", &json!({"name": "x".repeat(300_000)})),
                        Body::raw(
                            "deeply nested",
                            Some("application/json"),
                            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
                        ),
                        Body::nothing(),
                    ]
                }
                Some(c) => {
                    let ct = c.keys().next().cloned().unwrap_or_default();
                    vec![
                        Body::raw(
                            "some bytes",
                            Some(&ct),
                            b"\x89PNG\r\n\x1a\nnot really".to_vec(),
                        ),
                        Body::raw("a CSV", Some(&ct), b"number,name\nE1,Ann\n".to_vec()),
                        Body::raw("empty body", Some(&ct), Vec::new()),
                        Body::raw("JSON instead", Some("application/json"), b"{}".to_vec()),
                        Body::raw("over every limit", Some(&ct), vec![b'x'; 21 * 1024 * 1024]),
                        Body::nothing(),
                    ]
                }
            };

            let mut send = |auth: &Auth, path: &str, query: &str, body: &Body, what: String| {
                let target = if query.is_empty() {
                    path.to_owned()
                } else {
                    format!("{path}?{query}")
                };
                let mut headers: Vec<(String, String)> = auth.header.iter().cloned().collect();
                if let Some(ct) = &body.content_type {
                    headers.push(("Content-Type".into(), ct.clone()));
                }
                let (status, answer) =
                    exchange(&addr, &method, &target, &headers, body.bytes.clone());
                sent += 1;
                if (200..300).contains(&status) {
                    reached.insert(format!("{method} {template}"));
                }
                let line = format!("{method} {template} [{what}] -> {status}: {answer:.160}");
                if status >= 500 {
                    server_errors.insert(line.clone());
                }
                if !documented.contains(&status) {
                    undocumented.insert(format!(
                        "{method} {template}: {status} not documented (documented {documented:?}) — {line}"
                    ));
                }
            };

            let (real_label, real_path) = path_variants[0].clone();
            let (_, valid_query) = query_variants[0].clone();
            let base_body = bodies[0].clone();
            // Who: every credential on the baseline request.
            for auth in &auths {
                send(
                    auth,
                    &real_path,
                    &valid_query,
                    &base_body,
                    format!("{}, {real_label}, {}", auth.label, base_body.label),
                );
            }
            // The baseline with the right credentials (a station key is in no role's list).
            send(
                &right,
                &real_path,
                &valid_query,
                &base_body,
                format!("{}, {real_label}, {}", right.label, base_body.label),
            );
            all_ops.insert(format!("{method} {template}"));
            // Which record: every path variant.
            for (label, path) in &path_variants[1..] {
                send(
                    &right,
                    path,
                    &valid_query,
                    &base_body,
                    format!("{}, {label}", right.label),
                );
            }
            // Which query: every bad value.
            for (label, query) in &query_variants[1..] {
                send(
                    &right,
                    &real_path,
                    query,
                    &base_body,
                    format!("{}, {label}", right.label),
                );
            }
            // Which body: every variant, with the right credentials and the real record, and
            // with a made-up token (refused before the body matters).
            for body in &bodies[1..] {
                send(
                    &right,
                    &real_path,
                    &valid_query,
                    body,
                    format!("{}, {}", right.label, body.label),
                );
            }
            send(
                &auths[1],
                &real_path,
                &valid_query,
                &bodies[bodies.len() - 1],
                format!("{}, {}", auths[1].label, bodies[bodies.len() - 1].label),
            );
        }
    }
    eprintln!("fuzzed {operations} operations with {sent} requests");
    assert!(
        operations > 60,
        "only {operations} operations in the document"
    );
    let unreached: Vec<&String> = all_ops.difference(&reached).collect();
    eprintln!("no 2xx for {} operations: {unreached:?}", unreached.len());
    assert!(
        reached.len() * 10 >= operations * 9,
        "generated requests reach the success path of only {} of {operations} operations",
        reached.len()
    );
    assert!(
        server_errors.is_empty(),
        "{} server errors:\n{}",
        server_errors.len(),
        server_errors.iter().cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        undocumented.is_empty(),
        "{} undocumented statuses:\n{}",
        undocumented.len(),
        undocumented.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}
