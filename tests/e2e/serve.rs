//! `aworker serve` over real HTTP: both script styles, streaming, concurrency, failures.

use std::time::Duration;

use aworker_tests::{example, fixture, thread_count, Server};
use futures::StreamExt;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test]
async fn service_worker_style_answers() {
    let server = Server::start(&example("hello.js"), &[]);
    let response = client().get(server.url("/x?y=1")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain;charset=UTF-8"
    );
    let body = response.text().await.unwrap();
    assert_eq!(
        body,
        format!("Hello from aworker! GET {}\n", server.url("/x?y=1"))
    );
}

#[tokio::test]
async fn module_style_answers_with_relative_imports() {
    let server = Server::start(&example("module/app.js"), &[]);
    let response = client()
        .post(server.url("/m"))
        .header("x-name", "tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["greeting"], "Hello, tests!");
    assert_eq!(body["method"], "POST");
}

#[tokio::test]
async fn request_method_url_headers_and_body_reach_js() {
    let server = Server::start(&fixture("echo.js"), &[]);
    let response = client()
        .put(server.url("/echo?q=1"))
        .header("x-test", "value")
        .body("payload")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["url"], server.url("/echo?q=1"));
    assert_eq!(body["header"], "value");
    assert_eq!(body["body"], "payload");

    let response = client().get(server.url("/")).send().await.unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["body"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_streamed_response_arrives_in_chunks() {
    let server = Server::start(&example("streaming.js"), &[]);
    let response = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let mut chunks = 0;
    let mut body = String::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        body.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        chunks += 1;
    }
    assert_eq!(body, "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n");
    assert!(chunks >= 2, "the body came in {chunks} chunk(s)");
}

#[tokio::test]
async fn a_streamed_request_body_is_read_as_it_arrives() {
    let server = Server::start(&example("streaming.js"), &[]);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(1);
    let body = reqwest::Body::wrap_stream(futures::stream::unfold(receiver, |mut r| async {
        r.recv().await.map(|item| (item, r))
    }));
    let request = client().post(server.url("/")).body(body).send();
    let writer = async move {
        for part in ["stream", "ing ", "works"] {
            sender.send(Ok(part.to_string())).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let (response, ()) = tokio::join!(request, writer);
    assert_eq!(response.unwrap().text().await.unwrap(), "STREAMING WORKS");
}

#[tokio::test]
async fn a_hundred_concurrent_requests_are_all_answered() {
    let server = Server::start(&fixture("echo.js"), &[]);
    let client = client();
    let requests = (0..100).map(|i| {
        let client = client.clone();
        let url = server.url(&format!("/n/{i}"));
        async move {
            let response = client.get(&url).send().await.unwrap();
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["url"], url.as_str());
        }
    });
    futures::future::join_all(requests).await;
}

#[tokio::test]
async fn a_listener_that_never_responds_gives_404() {
    let server = Server::start(&fixture("no_respond.js"), &[]);
    let response = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn no_fetch_handler_gives_503_saying_so() {
    let server = Server::start(&fixture("no_handler.js"), &[]);
    let response = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.text().await.unwrap().contains("no fetch handler"));
}

#[tokio::test]
async fn failing_handlers_give_500_for_their_request_only() {
    let mut server = Server::start(&fixture("errors.js"), &[]);
    for path in ["/throw", "/reject", "/not-a-response"] {
        let response = client().get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 500, "{path}");
        let ok = client().get(server.url("/ok")).send().await.unwrap();
        assert_eq!(ok.text().await.unwrap(), "ok", "after {path}");
    }
    assert!(
        server.wait_for_stderr("boom in handler"),
        "{}",
        server.stderr()
    );
    assert!(
        server.wait_for_stderr("rejected in handler"),
        "{}",
        server.stderr()
    );
    assert!(
        server.wait_for_stderr("non-Response"),
        "{}",
        server.stderr()
    );
    assert!(server.is_running());
}

#[tokio::test]
async fn a_module_handler_that_throws_gives_500() {
    let server = Server::start(&fixture("module_throws.mjs"), &[]);
    let response = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(
        server.wait_for_stderr("module handler failed"),
        "{}",
        server.stderr()
    );
}

#[tokio::test]
async fn unhandled_rejections_are_logged_unless_prevented_and_serving_goes_on() {
    let mut server = Server::start(&fixture("errors.js"), &[]);
    let response = client().get(server.url("/unhandled")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "still here");
    assert!(server.wait_for_stderr("Uncaught (in promise) RangeError: nobody handles this"));

    let response = client().get(server.url("/prevented")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "prevented");
    let ok = client().get(server.url("/ok")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        !server.stderr().contains("this one is prevented"),
        "{}",
        server.stderr()
    );
    assert!(server.is_running());
}

#[tokio::test]
async fn each_request_is_logged_on_one_line() {
    let server = Server::start(&fixture("echo.js"), &[]);
    client()
        .get(server.url("/logged?x=1"))
        .send()
        .await
        .unwrap();
    assert!(
        server.wait_for_stderr("GET /logged?x=1 200 "),
        "{}",
        server.stderr()
    );
}

#[tokio::test]
async fn the_server_has_one_thread_while_idle_between_requests() {
    let server = Server::start(&example("streaming.js"), &[]);
    for _ in 0..3 {
        let response = client().get(server.url("/")).send().await.unwrap();
        response.text().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(thread_count(server.pid()), 1);
}

#[tokio::test]
async fn a_malformed_request_does_not_stop_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut server = Server::start(&fixture("echo.js"), &[]);
    let address = server.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(b"GARBAGE\x00 / HTTP/9.9\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let ok = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(server.is_running());
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served() {
    let server = Server::start(&fixture("echo.js"), &[]);
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let response = client.get(server.url("/h2")).send().await.unwrap();
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["method"], "GET");
}

#[tokio::test]
async fn a_script_cannot_set_the_response_framing() {
    let server = Server::start(&fixture("framing.js"), &[]);
    let client = client();
    for _ in 0..2 {
        let response = client.get(server.url("/")).send().await.unwrap();
        assert!(response.headers().get("transfer-encoding").is_none());
        assert_eq!(response.headers()["content-length"], "5");
        assert_eq!(response.text().await.unwrap(), "hello");
    }
}

#[tokio::test]
async fn an_upload_the_handler_ignores_does_not_stall_the_connection() {
    let server = Server::start(&fixture("ignores_body.js"), &[]);
    let client = client();
    let upload = vec![b'x'; 4 << 20];
    let response = client
        .post(server.url("/"))
        .body(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "ignored");
    let response = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), "ignored");
}

#[tokio::test]
async fn a_response_stream_that_errors_is_not_delivered_as_complete() {
    let server = Server::start(&fixture("stream_error.js"), &[]);
    let response = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.bytes().await.is_err(),
        "the truncated body must fail to read"
    );
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let mut server = Server::start(&fixture("warmfork/app.js"), &[]);
    let slow = tokio::spawn(client().get(server.url("/slow")).send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // SAFETY: signalling the server under test.
    unsafe { libc::kill(server.pid() as i32, libc::SIGTERM) };
    let response = slow.await.unwrap().unwrap();
    assert_eq!(response.text().await.unwrap(), "slow done");
    assert_eq!(server.wait_exit(Duration::from_secs(5)), Some(0));
}

/// The status line of a plain HTTP/1.1 GET of `path`.
fn status_line(server: &Server, path: &str) -> String {
    use std::io::{BufRead, Write};
    let address = server
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(stream)
        .read_line(&mut line)
        .unwrap();
    line.trim_end().to_owned()
}

#[test]
fn a_custom_status_text_is_the_http1_reason_phrase() {
    let server = Server::start(&fixture("status_text.js"), &[]);
    assert_eq!(status_line(&server, "/custom"), "HTTP/1.1 200 Fine Thanks");
    assert_eq!(status_line(&server, "/"), "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn request_bodies_parse_as_form_data_and_form_data_goes_out_as_multipart() {
    let server = Server::start(&fixture("form_data.js"), &[]);
    let multipart: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n\
        value\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n\
        Content-Type: application/octet-stream\r\n\r\n\x00\r\n\xff\r\n--XyZ--\r\n";
    let response = client()
        .post(server.url("/"))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(multipart)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!([
            ["field", "value"],
            [
                "file",
                "f.bin",
                "application/octet-stream",
                [0, 13, 10, 255]
            ]
        ])
    );

    let response = client()
        .post(server.url("/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1&b=%C3%A9+x")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!([["a", "1"], ["b", "é x"]]));

    let response = client()
        .post(server.url("/"))
        .header("content-type", "text/plain")
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().starts_with("TypeError: "));

    let response = client().get(server.url("/")).send().await.unwrap();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap()
        .to_owned();
    let body = response.bytes().await.unwrap();
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"greeting\"\r\n\r\n\
         hello\r\nworld\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; \
         filename=\"a.bin\"\r\nContent-Type: x/y\r\n\r\n\0\u{ff}\r\n--{boundary}--\r\n"
    );
    let expected: Vec<u8> = expected
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    assert_eq!(body.as_ref(), expected.as_slice());
}
