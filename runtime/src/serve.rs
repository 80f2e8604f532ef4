//! The HTTP server: hyper connections on the worker's thread, each request queued on the
//! worker's event loop as a FetchEvent task.
//!
//! Connections are plain tasks of the current-thread runtime; HTTP/1.1 (keep-alive, chunked
//! bodies both ways) and HTTP/2 with prior knowledge are told apart by the connection
//! preface. Nothing here blocks or starts a thread.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::{mpsc, oneshot};

use crate::fetch_event::{IncomingRequest, ResponseBody};
use crate::state::Task;
use crate::warmfork::slots::Slot;
use crate::warmfork::InFlight;

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("cannot listen on {addr}: address in use")]
    InUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Other {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Binds the listening socket (before the script runs, so a busy port fails fast).
pub fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, ListenError> {
    let listener = std::net::TcpListener::bind(addr).map_err(|source| match source.kind() {
        std::io::ErrorKind::AddrInUse => ListenError::InUse { addr },
        _ => ListenError::Other { addr, source },
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ListenError::Other { addr, source })?;
    Ok(listener)
}

/// Accepts connections until `shutdown` completes; each request becomes a [`Task::Fetch`]. A
/// WarmFork clone passes its shared-memory slot, where requests are counted.
///
/// After `shutdown`, nothing more is accepted and every open connection shuts down
/// gracefully: the requests it is serving finish, then HTTP/1 closes (no keep-alive) and
/// HTTP/2 sends GOAWAY. Returns when the last connection has closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    tasks: mpsc::UnboundedSender<Task>,
    slot: Option<&'static Slot>,
    shutdown: impl Future<Output = ()>,
) {
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(error) => {
            tracing::error!("cannot read the listening address: {error}");
            return;
        }
    };
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, or a connection reset before it was accepted:
                // keep serving the ones we have.
                tracing::warn!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let tasks = tasks.clone();
        let watcher = connections.watcher();
        tokio::task::spawn_local(async move {
            let service = service_fn(move |request| handle(request, tasks.clone(), local, slot));
            let builder = auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%peer, "connection ended with an error: {error}");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
}

async fn handle(
    request: http::Request<Incoming>,
    tasks: mpsc::UnboundedSender<Task>,
    local: SocketAddr,
    slot: Option<&'static Slot>,
) -> Result<http::Response<CountedBody>, Infallible> {
    let start = Instant::now();
    let in_flight = slot.map(InFlight::start);
    let url = request_url(&request, local);
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();

    let (responder, answer) = oneshot::channel();
    let incoming = IncomingRequest {
        method: parts.method,
        url,
        headers: parts.headers,
        body,
        responder,
    };
    let response = match tasks.send(Task::Fetch(incoming)) {
        Ok(()) => answer.await.unwrap_or_else(|_| {
            status_response(
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "the worker dropped the request",
            )
        }),
        Err(_) => status_response(
            http::StatusCode::SERVICE_UNAVAILABLE,
            "the worker has stopped",
        ),
    };

    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match slot {
        // Clones share stderr: say which one answered.
        Some(_) => {
            let pid = std::process::id();
            tracing::info!(
                target: "aworker::request",
                "{method} {path} {status} {ms:.1}ms pid={pid}"
            )
        }
        None => tracing::info!(target: "aworker::request", "{method} {path} {status} {ms:.1}ms"),
    }
    Ok(response.map(|inner| CountedBody {
        inner,
        _in_flight: in_flight,
    }))
}

/// A response body that keeps its request counted as in flight (a clone's slot) until hyper
/// is done with the body, not just with the head: a streaming clone is busy, and SIGTERM's
/// drain waits for the stream's end.
pub struct CountedBody {
    inner: ResponseBody,
    _in_flight: Option<InFlight>,
}

impl hyper::body::Body for CountedBody {
    type Data = bytes::Bytes;
    type Error = crate::fetch_event::BodyAborted;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<bytes::Bytes>, Self::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

fn status_response(status: http::StatusCode, text: &str) -> http::Response<ResponseBody> {
    let mut response = http::Response::new(ResponseBody::text(format!("{text}\n")));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    response
}

/// The URL a worker sees as `request.url`: the request target made absolute with the Host
/// header (or HTTP/2 authority), falling back to the listening address.
fn request_url<B>(request: &http::Request<B>, local: SocketAddr) -> String {
    let uri = request.uri();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map(|a| a.as_str().to_owned()).or_else(|| {
        let host = request.headers().get(http::header::HOST)?.to_str().ok()?;
        host.parse::<http::uri::Authority>()
            .ok()
            .map(|a| a.as_str().to_owned())
    });
    let authority = authority.unwrap_or_else(|| local.to_string());
    format!("http://{authority}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> SocketAddr {
        "127.0.0.1:8000".parse().unwrap()
    }

    #[test]
    fn url_uses_the_host_header() {
        let request = http::Request::get("/a?b=1")
            .header("host", "example.test:81")
            .body(())
            .unwrap();
        assert_eq!(
            request_url(&request, local()),
            "http://example.test:81/a?b=1"
        );
    }

    #[test]
    fn url_falls_back_to_the_listening_address_for_a_bad_host() {
        let request = http::Request::get("/x")
            .header("host", "bad host/")
            .body(())
            .unwrap();
        assert_eq!(request_url(&request, local()), "http://127.0.0.1:8000/x");
    }

    #[test]
    fn absolute_form_targets_keep_their_authority() {
        let request = http::Request::get("http://other.test/y").body(()).unwrap();
        assert_eq!(request_url(&request, local()), "http://other.test/y");
    }
}
