//! A minimal blocking HTTP/1.1 client for loopback: readiness polling, the cold-start probe and
//! the sequential requests of the memory scenario.
//!
//! It is deliberately small (std only, no async runtime) so that the harness adds as little as
//! possible to what it measures. It understands `Content-Length` and chunked bodies, which is
//! all that the servers under test send.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How a response body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Length(usize),
    Chunked,
    UntilClose,
}

/// A parsed status line and the headers perf-lab needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    /// Bytes up to and including the blank line after the headers.
    pub len: usize,
    pub body: BodyKind,
}

/// One response: its status and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Parses a response head from the start of `buf`; `Ok(None)` until the blank line arrived.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&buf[..end]).context("response head is not UTF-8")?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();

    let mut words = status_line.split(' ');
    let (Some(version), Some(code)) = (words.next(), words.next()) else {
        bail!("bad status line {status_line:?}");
    };
    if !version.starts_with("HTTP/1.") {
        bail!("not an HTTP/1 response: {status_line:?}");
    }
    let status = code
        .parse()
        .with_context(|| format!("bad status line {status_line:?}"))?;

    let mut body = BodyKind::UntilClose;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let n = value
                .parse()
                .with_context(|| format!("bad content-length {value:?}"))?;
            body = BodyKind::Length(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            body = BodyKind::Chunked;
            break;
        }
    }
    Ok(Some(Head {
        status,
        len: end + 4,
        body,
    }))
}

/// Decodes a complete chunked body from the start of `buf`: `Ok(Some((body, consumed)))`, or
/// `Ok(None)` while more bytes are needed. Trailers are skipped.
pub fn decode_chunked(buf: &[u8]) -> Result<Option<(Vec<u8>, usize)>> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let Some(line_end) = find_crlf(&buf[pos..]) else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&buf[pos..pos + line_end]).context("bad chunk size")?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .with_context(|| format!("bad chunk size {size_text:?}"))?;
        pos += line_end + 2;

        if size == 0 {
            // Trailer lines, then an empty line.
            loop {
                let Some(end) = find_crlf(&buf[pos..]) else {
                    return Ok(None);
                };
                pos += end + 2;
                if end == 0 {
                    return Ok(Some((body, pos)));
                }
            }
        }
        if buf.len() < pos + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&buf[pos..pos + size]);
        pos += size + 2;
    }
}

fn find_crlf(buf: &[u8]) -> Option<usize> {
    buf.windows(2).position(|w| w == b"\r\n")
}

/// Reads one response from `stream`, keeping bytes past it in `buf` (there should be none).
fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Response> {
    let mut chunk = [0u8; 16 * 1024];
    let mut eof = false;
    let mut read_more = |stream: &mut TcpStream, buf: &mut Vec<u8>, eof: &mut bool| {
        let n = stream.read(&mut chunk)?;
        *eof = n == 0;
        buf.extend_from_slice(&chunk[..n]);
        Ok::<_, std::io::Error>(())
    };

    let head = loop {
        if let Some(head) = parse_head(buf)? {
            break head;
        }
        if eof {
            bail!("connection closed before a complete response head");
        }
        read_more(stream, buf, &mut eof)?;
    };

    loop {
        let rest = &buf[head.len..];
        let done = match head.body {
            BodyKind::Length(n) if rest.len() >= n => Some((rest[..n].to_vec(), head.len + n)),
            BodyKind::Chunked => decode_chunked(rest)?.map(|(b, used)| (b, head.len + used)),
            BodyKind::UntilClose if eof => Some((rest.to_vec(), buf.len())),
            _ => None,
        };
        if let Some((body, used)) = done {
            buf.drain(..used);
            return Ok(Response {
                status: head.status,
                body,
            });
        }
        if eof {
            bail!("connection closed in the middle of a response body");
        }
        read_more(stream, buf, &mut eof)?;
    }
}

fn request(path: &str, close: bool) -> String {
    let connection = if close { "close" } else { "keep-alive" };
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n\r\n")
}

/// Polls `addr` until a GET of `path` gets a complete response, or `timeout` passes, or
/// `check` fails (it is called between attempts, e.g. to see that the server is still alive).
///
/// Refused connections (nothing listening yet) are retried every 100 µs, so the time this
/// returns at is within that of the first moment the server could answer.
pub fn first_response(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
    check: &mut dyn FnMut() -> Result<()>,
) -> Result<Response> {
    let deadline = Instant::now() + timeout;
    let mut last_error = None;
    while Instant::now() < deadline {
        check()?;
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(mut stream) => {
                stream
                    .set_read_timeout(Some(deadline.saturating_duration_since(Instant::now())))?;
                stream.set_nodelay(true)?;
                let attempt = stream
                    .write_all(request(path, true).as_bytes())
                    .map_err(anyhow::Error::from)
                    .and_then(|()| read_response(&mut stream, &mut Vec::new()));
                match attempt {
                    Ok(response) => return Ok(response),
                    // Some servers accept before their handler is ready and drop the
                    // connection; try again.
                    Err(e) => last_error = Some(e),
                }
            }
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {}
            Err(e) => last_error = Some(e.into()),
        }
        thread::sleep(Duration::from_micros(100));
    }
    match last_error {
        Some(e) => Err(e.context(format!(
            "no response from http://{addr}{path} in {timeout:?}"
        ))),
        None => bail!("nothing listened on {addr} within {timeout:?}"),
    }
}

/// A keep-alive connection for sequential requests.
pub struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Result<Client> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .with_context(|| format!("cannot connect to {addr}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            buf: Vec::new(),
        })
    }

    pub fn get(&mut self, path: &str) -> Result<Response> {
        self.stream.write_all(request(path, false).as_bytes())?;
        read_response(&mut self.stream, &mut self.buf)
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    #[test]
    fn head_with_content_length() {
        let raw = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 13\r\n\r\nHello";
        let head = parse_head(raw).unwrap().unwrap();
        assert_eq!(head.status, 200);
        assert_eq!(head.body, BodyKind::Length(13));
        assert_eq!(&raw[head.len..], b"Hello");
    }

    #[test]
    fn incomplete_head_waits() {
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Le").unwrap(), None);
    }

    #[test]
    fn chunked_head_and_body() {
        let raw = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n";
        let head = parse_head(raw).unwrap().unwrap();
        assert_eq!((head.status, head.body), (404, BodyKind::Chunked));

        let body = b"5\r\nHello\r\n8;ext=1\r\n, world!\r\n0\r\nx-trailer: 1\r\n\r\nNEXT";
        let (decoded, used) = decode_chunked(body).unwrap().unwrap();
        assert_eq!(decoded, b"Hello, world!");
        assert_eq!(&body[used..], b"NEXT");
        assert_eq!(decode_chunked(&body[..10]).unwrap(), None);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(decode_chunked(b"zz\r\n").is_err());
    }

    #[test]
    fn keep_alive_client_reads_sequential_responses() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut b = [0u8; 1024];
            while seen.windows(4).filter(|w| w == b"\r\n\r\n").count() < 2 {
                let n = s.read(&mut b).unwrap();
                seen.extend_from_slice(&b[..n]);
            }
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                .unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .unwrap();
            s.write_all(b"3\r\nyo!\r\n0\r\n\r\n").unwrap();
        });

        let mut client = Client::connect(addr).unwrap();
        client
            .stream
            .write_all(request("/", false).as_bytes())
            .unwrap();
        let first = client.get("/").unwrap();
        let second = read_response(&mut client.stream, &mut client.buf).unwrap();
        assert_eq!(first.body, b"hi");
        assert_eq!(second.body, b"yo!");
        server.join().unwrap();
    }

    #[test]
    fn first_response_waits_for_a_listener() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let server = thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            let listener = TcpListener::bind(addr).unwrap();
            let (mut s, _) = listener.accept().unwrap();
            let mut b = [0u8; 1024];
            let _ = s.read(&mut b).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye")
                .unwrap();
        });
        let r = first_response(addr, "/", Duration::from_secs(5), &mut || Ok(())).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"bye"[..]));
        server.join().unwrap();
    }
}
