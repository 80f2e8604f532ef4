//! Ops behind `FetchEvent`: answering an HTTP request from JS, and streaming bodies both ways.
//!
//! Each request is a resource id (`rid`) whose [`Responder`] is used once by `op_respond` or
//! `op_respond_stream`. A request body is a [`BodySource`] that JS pulls chunk by chunk; a
//! streamed response body is a [`BodySink`] with room for a few chunks, so a slow client
//! slows the JS producer down instead of growing a buffer.

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::sync::{mpsc, oneshot};

use crate::bindings::{ByteBuf, FromV8, OpError, OpResult};
use crate::op;
use crate::state::{spawn_op, state, OpValue};

/// Chunks a streamed response may queue before `op_body_write` waits for the client.
const SINK_CAPACITY: usize = 4;

/// A request handed from the server to the event loop.
pub struct IncomingRequest {
    pub method: http::Method,
    /// The absolute URL of the request, as `Request.url` shows it.
    pub url: String,
    pub headers: http::HeaderMap,
    pub body: Incoming,
    pub responder: Responder,
}

pub type Responder = oneshot::Sender<http::Response<ResponseBody>>;

/// A request body JS reads from. Reads are serialised by the lock (JS issues one at a time).
pub type BodySource = Rc<tokio::sync::Mutex<Incoming>>;

/// A body JS can read, by resource id: an upload to this server or a fetch() response's.
/// Only an upload is drained when discarded.
pub struct BodyEntry {
    pub source: BodySource,
    pub upload: bool,
}

/// What a streamed response's channel carries: a chunk, the clean end (`Ok(None)`, sent by
/// `op_body_close`), or an abort. A channel that closes without the clean end is an abort
/// too, so a body cut short (a worker that stopped, a dropped sink) never looks complete.
pub type BodyChunk = Result<Option<Bytes>, BodyAborted>;

pub type BodySink = mpsc::Sender<BodyChunk>;

/// The error a streamed response ends with when JS aborts it; hyper then cuts the connection
/// (or resets the HTTP/2 stream) so the client sees a truncated body, not a complete one.
#[derive(Debug, thiserror::Error)]
#[error("response body aborted: {0}")]
pub struct BodyAborted(pub String);

/// The body of a response produced by JS.
pub enum ResponseBody {
    Full(Option<Bytes>),
    Stream {
        receiver: mpsc::Receiver<BodyChunk>,
        ended: bool,
    },
}

impl ResponseBody {
    pub fn empty() -> Self {
        Self::Full(None)
    }

    pub fn text(text: impl Into<String>) -> Self {
        Self::Full(Some(Bytes::from(text.into())))
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = BodyAborted;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyAborted>>> {
        match self.get_mut() {
            Self::Full(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Self::Stream { receiver, ended } => {
                if *ended {
                    return Poll::Ready(None);
                }
                match receiver.poll_recv(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(Some(Ok(Some(bytes)))) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                    Poll::Ready(Some(Ok(None))) => {
                        *ended = true;
                        Poll::Ready(None)
                    }
                    Poll::Ready(Some(Err(aborted))) => Poll::Ready(Some(Err(aborted))),
                    Poll::Ready(None) => Poll::Ready(Some(Err(BodyAborted(
                        "the worker stopped before the body ended".into(),
                    )))),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(None) => SizeHint::with_exact(0),
            Self::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            Self::Stream { .. } => SizeHint::default(),
        }
    }
}

/// A header name or value as a WebIDL ByteString: one byte per code unit.
pub struct ByteString(pub Vec<u8>);

impl<'s> FromV8<'s> for ByteString {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        let text = String::from_v8(scope, value)?;
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()
            .map(Self)
            .ok_or_else(|| OpError::type_error(format!("'{text}' is not a valid ByteString")))
    }
}

/// The body given to `op_respond`: a string (sent as UTF-8) or bytes.
pub enum BodyInit {
    Text(String),
    Bytes(ByteBuf),
}

impl<'s> FromV8<'s> for BodyInit {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        if value.is_string() {
            return String::from_v8(scope, value).map(Self::Text);
        }
        ByteBuf::from_v8(scope, value).map(Self::Bytes)
    }
}

fn build_response(
    status: u16,
    status_text: String,
    headers: Vec<ByteString>,
    body: ResponseBody,
) -> OpResult<http::Response<ResponseBody>> {
    if headers.len() % 2 != 0 {
        return Err(OpError::type_error(
            "headers must be a flat list of name/value pairs",
        ));
    }
    let mut response = http::Response::new(body);
    let code = http::StatusCode::from_u16(status)
        .map_err(|_| OpError::range_error(format!("invalid status code {status}")))?;
    *response.status_mut() = code;
    // HTTP/1 sends the script's statusText as the reason phrase when it is not the usual one
    // (HTTP/2 has none). Response() already refused text that is not a reason phrase.
    if !status_text.is_empty() && code.canonical_reason() != Some(status_text.as_str()) {
        if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(status_text) {
            response.extensions_mut().insert(reason);
        }
    }
    let map = response.headers_mut();
    for pair in headers.chunks_exact(2) {
        let name = http::HeaderName::from_bytes(&pair[0].0)
            .map_err(|_| OpError::type_error("invalid header name"))?;
        // Framing is the server's: a script's Content-Length or Transfer-Encoding that does
        // not match the body would let its bytes be read as the next response on the
        // connection. hyper frames the body it is given.
        if is_framing_header(&name) {
            continue;
        }
        let value = http::HeaderValue::from_bytes(&pair[1].0)
            .map_err(|_| OpError::type_error(format!("invalid value for header '{name}'")))?;
        map.append(name, value);
    }
    Ok(response)
}

/// Hop-by-hop and framing headers (RFC 9110 7.6.1, 8.6; RFC 9112 6): set by the HTTP layer,
/// never copied from a script's Headers.
pub fn is_framing_header(name: &http::HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "content-length"
            | "keep-alive"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
    )
}

fn take_responder(scope: &v8::Isolate, rid: u32) -> OpResult<Responder> {
    state(scope)
        .borrow_mut()
        .responders
        .remove(&rid)
        .ok_or_else(|| OpError::type_error(format!("request {rid} was already answered")))
}

op! {
    /// Answers request `rid` with a complete body (or none).
    fn op_respond(
        scope,
        rid: u32,
        status: u16,
        status_text: String,
        headers: Vec<ByteString>,
        body: Option<BodyInit>,
    ) -> OpResult<()> {
        let body = match body {
            None => ResponseBody::empty(),
            Some(BodyInit::Text(text)) => ResponseBody::Full(Some(Bytes::from(text))),
            Some(BodyInit::Bytes(bytes)) => ResponseBody::Full(Some(Bytes::from(bytes.0))),
        };
        let response = build_response(status, status_text, headers, body)?;
        let responder = take_responder(scope, rid)?;
        // The client may have gone away meanwhile; there is nobody left to tell.
        let _ = responder.send(response);
        Ok(())
    }
}

op! {
    /// Answers request `rid` with a body JS will write chunk by chunk; returns the sink's id.
    fn op_respond_stream(
        scope,
        rid: u32,
        status: u16,
        status_text: String,
        headers: Vec<ByteString>,
    ) -> OpResult<u32> {
        let (sender, receiver) = mpsc::channel(SINK_CAPACITY);
        let body = ResponseBody::Stream { receiver, ended: false };
        let response = build_response(status, status_text, headers, body)?;
        let responder = take_responder(scope, rid)?;
        let _ = responder.send(response);
        let state = state(scope);
        let mut state = state.borrow_mut();
        let sink = state.next_rid();
        state.body_sinks.insert(sink, sender);
        Ok(sink)
    }
}

fn sink(scope: &v8::Isolate, rid: u32) -> OpResult<BodySink> {
    state(scope)
        .borrow()
        .body_sinks
        .get(&rid)
        .cloned()
        .ok_or_else(|| OpError::type_error(format!("response body {rid} is closed")))
}

op! {
    /// Queues a chunk of a streamed response; the promise waits while the queue is full and
    /// rejects once the client has gone.
    fn op_body_write(scope, rid: u32, chunk: ByteBuf) -> OpResult<v8::Local<'s, v8::Promise>> {
        let sink = sink(scope, rid)?;
        Ok(spawn_op(scope, async move {
            sink.send(Ok(Some(Bytes::from(chunk.0))))
                .await
                .map(|()| OpValue::Undefined)
                .map_err(|_| OpError::type_error("the client closed the connection"))
        }))
    }
}

op! {
    /// Ends a streamed response normally.
    fn op_body_close(scope, rid: u32) -> OpResult<()> {
        let Some(sink) = state(scope).borrow_mut().body_sinks.remove(&rid) else {
            return Ok(());
        };
        // The queue may be full (a slow client): the end marker waits its turn.
        tokio::task::spawn_local(async move {
            let _ = sink.send(Ok(None)).await;
        });
        Ok(())
    }
}

op! {
    /// Ends a streamed response with an error: the client sees the body cut short.
    fn op_body_abort(scope, rid: u32, reason: String) -> OpResult<()> {
        let Some(sink) = state(scope).borrow_mut().body_sinks.remove(&rid) else {
            return Ok(());
        };
        tokio::task::spawn_local(async move {
            let _ = sink.send(Err(BodyAborted(reason))).await;
        });
        Ok(())
    }
}

op! {
    /// Reads the next chunk of request body `rid`: a Uint8Array, or null at its end.
    fn op_body_read(scope, rid: u32) -> OpResult<v8::Local<'s, v8::Promise>> {
        let state = state(scope);
        let source = state
            .borrow()
            .body_sources
            .get(&rid)
            .map(|entry| entry.source.clone())
            .ok_or_else(|| OpError::type_error(format!("request body {rid} is closed")))?;
        Ok(spawn_op(scope, read_chunk(state, rid, source)))
    }
}

async fn read_chunk(
    state: Rc<RefCell<crate::state::WorkerState>>,
    rid: u32,
    source: BodySource,
) -> Result<OpValue, OpError> {
    let mut body = source.lock().await;
    loop {
        match body.frame().await {
            None => {
                state.borrow_mut().body_sources.remove(&rid);
                return Ok(OpValue::Null);
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) if !data.is_empty() => return Ok(OpValue::Bytes(data)),
                // Empty data frames and trailers carry nothing for the body stream.
                _ => continue,
            },
            Some(Err(error)) => {
                state.borrow_mut().body_sources.remove(&rid);
                return Err(OpError::type_error(format!(
                    "error reading the request body: {error}"
                )));
            }
        }
    }
}

op! {
    /// Drops body `rid` (the stream was cancelled, or nobody read an upload by the time the
    /// answer was out): JS can no longer read it. What is left of an upload is drained; a
    /// fetch() response's is dropped, which closes its connection.
    fn op_body_discard(scope, rid: u32) -> OpResult<()> {
        let entry = state(scope).borrow_mut().body_sources.remove(&rid);
        if let Some(BodyEntry { source, upload: true }) = entry {
            tokio::task::spawn_local(drain_unread(source));
        }
        Ok(())
    }
}

/// How much of an unread upload is read and thrown away, and for how long, before the
/// connection is closed instead.
const DRAIN_LIMIT: usize = 16 << 20;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads and drops the rest of a request body nobody will read. A connection closed while
/// the client is still sending is reset, and the reset can reach the client before the
/// answer it was sent: draining lets the client read it (and keeps the connection for the
/// next request). Past [`DRAIN_LIMIT`] bytes or [`DRAIN_TIME`] the body is dropped, and hyper
/// closes the connection, so an endless upload cannot hold it.
async fn drain_unread(source: BodySource) {
    let drain = async {
        let mut body = source.lock().await;
        let mut drained = 0;
        while let Some(Ok(frame)) = body.frame().await {
            drained += frame.data_ref().map_or(0, Bytes::len);
            if drained > DRAIN_LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
}
