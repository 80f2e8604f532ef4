//! Ops behind `fetch()`: a minimal HTTP/1.1 client on the worker's thread.
//!
//! It is what the WPT harness needs (same-origin and other-origin `http:` URLs on loopback):
//! one connection per request, redirects followed per the Fetch Standard's method rules, the
//! response body streamed to JS through the same pull source as a request body.
//! TODO(conform): TLS, connection reuse, streamed upload, abort and a non-blocking resolver
//! come with the fetch issue.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::rc::Rc;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;

use crate::bindings::{OpError, OpResult};
use crate::fetch_event::{BodyEntry, BodyInit, ByteString};
use crate::op;
use crate::state::{spawn_op, state, OpValue, SharedState};

const MAX_REDIRECTS: usize = 20;

/// A response head handed to JS; the body stays in Rust as a pull source.
#[derive(Debug)]
pub struct FetchedResponse {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, Bytes)>,
    pub body: Option<u32>,
    pub url: String,
    pub redirected: bool,
}

impl FetchedResponse {
    pub fn to_v8<'s>(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let mut headers = Vec::with_capacity(self.headers.len() * 2);
        for (name, value) in &self.headers {
            let name = v8::String::new(scope, name).expect("header names are short");
            let value = v8::String::new_from_one_byte(scope, value, v8::NewStringType::Normal)
                .expect("header values are bounded by hyper");
            headers.push(name.into());
            headers.push(value.into());
        }
        let items = [
            v8::Integer::new_from_unsigned(scope, self.status.into()).into(),
            v8::String::new(scope, &self.status_text)
                .expect("short string")
                .into(),
            v8::Array::new_with_elements(scope, &headers).into(),
            match self.body {
                Some(rid) => v8::Integer::new_from_unsigned(scope, rid).into(),
                None => v8::null(scope).into(),
            },
            v8::String::new(scope, &self.url)
                .expect("bounded URL")
                .into(),
            v8::Boolean::new(scope, self.redirected).into(),
        ];
        v8::Array::new_with_elements(scope, &items).into()
    }
}

/// How `fetch()` treats a redirect (https://fetch.spec.whatwg.org/#concept-request-redirect-mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RedirectMode {
    Follow,
    Error,
    Manual,
}

struct Outgoing {
    method: http::Method,
    url: url::Url,
    headers: http::HeaderMap,
    body: Bytes,
}

op! {
    /// Sends a request; resolves with [status, statusText, headers, bodyRid, url, redirected].
    fn op_fetch(
        scope,
        method: String,
        url: String,
        headers: Vec<ByteString>,
        body: Option<BodyInit>,
        redirect: String,
    ) -> OpResult<v8::Local<'s, v8::Promise>> {
        let redirect = match redirect.as_str() {
            "follow" => RedirectMode::Follow,
            "error" => RedirectMode::Error,
            "manual" => RedirectMode::Manual,
            other => return Err(OpError::type_error(format!("unknown redirect mode '{other}'"))),
        };
        let request = outgoing(&method, &url, headers, body)?;
        let state = state(scope);
        Ok(spawn_op(scope, async move {
            let response = fetch(state, request, redirect).await?;
            Ok(OpValue::Fetched(Box::new(response)))
        }))
    }
}

fn outgoing(
    method: &str,
    url: &str,
    headers: Vec<ByteString>,
    body: Option<BodyInit>,
) -> OpResult<Outgoing> {
    let method = http::Method::from_bytes(method.as_bytes())
        .map_err(|_| OpError::type_error(format!("'{method}' is not a valid HTTP method")))?;
    let url =
        url::Url::parse(url).map_err(|_| OpError::type_error(format!("Invalid URL: '{url}'")))?;
    let mut map = http::HeaderMap::new();
    for pair in headers.chunks(2) {
        let (Some(name), Some(value)) = (pair.first(), pair.get(1)) else {
            break;
        };
        let name = http::HeaderName::from_bytes(&name.0)
            .map_err(|_| OpError::type_error("invalid header name"))?;
        if crate::fetch_event::is_framing_header(&name) {
            continue;
        }
        let value = http::HeaderValue::from_bytes(&value.0)
            .map_err(|_| OpError::type_error(format!("invalid value for header '{name}'")))?;
        map.append(name, value);
    }
    let body = match body {
        None => Bytes::new(),
        Some(BodyInit::Text(text)) => Bytes::from(text),
        Some(BodyInit::Bytes(bytes)) => Bytes::from(bytes.0),
    };
    Ok(Outgoing {
        method,
        url,
        headers: map,
        body,
    })
}

/// https://fetch.spec.whatwg.org/#http-fetch, reduced to plain HTTP/1.1.
async fn fetch(
    state: SharedState,
    mut request: Outgoing,
    redirect: RedirectMode,
) -> Result<FetchedResponse, OpError> {
    let network_error = |why: String| OpError::type_error(format!("fetch failed: {why}"));
    let mut redirected = false;
    for _ in 0..=MAX_REDIRECTS {
        let response = send(&state, &request).await.map_err(network_error)?;
        let status = response.status();
        let location = response.headers().get(http::header::LOCATION).cloned();
        let is_redirect = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
        if !is_redirect || location.is_none() || redirect == RedirectMode::Manual {
            return Ok(finish(
                &state,
                response,
                request.url.to_string(),
                redirected,
            ));
        }
        if redirect == RedirectMode::Error {
            return Err(network_error(format!(
                "{} redirected and redirect is 'error'",
                request.url
            )));
        }
        let location = location
            .and_then(|l| l.to_str().ok().map(str::to_owned))
            .unwrap_or_default();
        let next = request
            .url
            .join(&location)
            .map_err(|_| network_error(format!("invalid redirect location '{location}'")))?;
        // https://fetch.spec.whatwg.org/#http-redirect-fetch step 12.
        let to_get = (status == 303 && request.method != http::Method::HEAD)
            || (matches!(status.as_u16(), 301 | 302) && request.method == http::Method::POST);
        if to_get {
            request.method = http::Method::GET;
            request.body = Bytes::new();
            for name in [
                "content-encoding",
                "content-language",
                "content-location",
                "content-type",
            ] {
                request.headers.remove(name);
            }
        }
        // https://fetch.spec.whatwg.org/#http-redirect-fetch step 14: credentials do not
        // follow a redirect to another origin.
        if next.origin() != request.url.origin() {
            request.headers.remove(http::header::AUTHORIZATION);
            request.headers.remove(http::header::COOKIE);
        }
        request.url = next;
        redirected = true;
    }
    Err(network_error("too many redirects".into()))
}

fn finish(
    state: &SharedState,
    response: http::Response<hyper::body::Incoming>,
    url: String,
    redirected: bool,
) -> FetchedResponse {
    let (parts, body) = response.into_parts();
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                Bytes::copy_from_slice(value.as_bytes()),
            )
        })
        .collect();
    let body = (!hyper::body::Body::is_end_stream(&body)).then(|| {
        let mut state = state.borrow_mut();
        let rid = state.next_rid();
        let source = Rc::new(tokio::sync::Mutex::new(body));
        let entry = BodyEntry {
            source,
            upload: false,
        };
        state.body_sources.insert(rid, entry);
        rid
    });
    FetchedResponse {
        status: parts.status.as_u16(),
        status_text: parts.status.canonical_reason().unwrap_or("").to_owned(),
        headers,
        body,
        url,
        redirected,
    }
}

async fn send(
    state: &SharedState,
    request: &Outgoing,
) -> Result<http::Response<hyper::body::Incoming>, String> {
    let url = &request.url;
    if url.scheme() != "http" {
        return Err(format!("'{}:' URLs are not supported yet", url.scheme()));
    }
    let host = url.host_str().ok_or_else(|| format!("{url} has no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let address = resolve(state, host, port)?;
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    tokio::task::spawn_local(async move {
        if let Err(error) = connection.await {
            tracing::debug!("fetch connection ended with an error: {error}");
        }
    });

    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let mut outgoing = http::Request::new(Full::new(request.body.clone()));
    *outgoing.method_mut() = request.method.clone();
    *outgoing.uri_mut() = target.parse().map_err(|e| format!("{url}: {e}"))?;
    *outgoing.headers_mut() = request.headers.clone();
    let headers = outgoing.headers_mut();
    let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
    if let Ok(value) = http::HeaderValue::from_str(authority) {
        headers.insert(http::header::HOST, value);
    }
    headers
        .entry(http::header::ACCEPT)
        .or_insert(http::HeaderValue::from_static("*/*"));
    headers
        .entry(http::header::USER_AGENT)
        .or_insert(http::HeaderValue::from_static(crate::USER_AGENT));
    sender
        .send_request(outgoing)
        .await
        .map_err(|e| format!("{url}: {e}"))
}

/// Resolves on this thread: tokio's resolver would start a blocking-pool thread.
/// TODO(perf): a non-blocking resolver; a slow DNS server stalls the worker meanwhile.
fn resolve(state: &SharedState, host: &str, port: u16) -> Result<SocketAddr, String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    if state.borrow().resolve_to_loopback {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host} has no address"))
}
