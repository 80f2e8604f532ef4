//! WarmFork: `aworker serve --workers N`, a supervisor, a seed and its clones.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aworker_tests::{fixture, Server};

/// The pids of the supervisor's children (the seed first: it is the oldest).
fn children(supervisor: u32) -> Vec<u32> {
    let path = format!("/proc/{supervisor}/task/{supervisor}/children");
    let mut pids: Vec<u32> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|pid| pid.parse().ok())
        .collect();
    pids.sort_unstable();
    pids
}

/// Waits until the supervisor has `count` children (the seed and count - 1 clones).
fn wait_for_children(supervisor: u32, count: usize) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pids = children(supervisor);
        if pids.len() == count || Instant::now() > deadline {
            return pids;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn fresh_client() -> reqwest::Client {
    // One connection per request, so the kernel's accept queue spreads them.
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

fn serving_pids(stderr: &str) -> Vec<u32> {
    stderr
        .lines()
        .filter_map(|line| line.rsplit_once(" pid=")?.1.trim().parse().ok())
        .collect()
}

#[tokio::test]
async fn clones_serve_and_spread_the_load() {
    let server = Server::start(&fixture("warmfork/app.js"), &["--workers", "3"]);
    assert_eq!(
        wait_for_children(server.pid(), 4).len(),
        4,
        "a seed and three clones"
    );
    let client = fresh_client();
    for _ in 0..60 {
        let response = client.get(server.url("/")).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    assert!(server.wait_for_stderr("pid="));
    let pids = serving_pids(&server.stderr());
    let distinct: HashSet<_> = pids.iter().collect();
    // Sequential requests on fresh connections go to whichever clone accepts first; each of
    // the three must have taken some (a shared queue, not one clone taking all).
    assert_eq!(distinct.len(), 3, "served by {distinct:?}");
    for pid in &distinct {
        let share = pids.iter().filter(|p| p == pid).count();
        assert!(share >= 3, "clone {pid} served {share} of {}", pids.len());
    }
}

#[tokio::test]
async fn a_hundred_clones_never_share_randomness_or_a_time_origin() {
    let collector = Server::start(&fixture("warmfork/collector.js"), &[]);
    let location = collector.url("/");
    let started = Instant::now();
    let server = Server::start(
        &fixture("warmfork/app.js"),
        &["--workers", "100", "--location", &location],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let reports = loop {
        let reports: Vec<serde_json::Value> = reqwest::get(collector.url("/reports"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if reports.len() >= 100 || Instant::now() > deadline {
            break reports;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        reports.len(),
        100,
        "server:\n{}\ncollector:\n{}",
        server.stderr(),
        collector.stderr()
    );
    drop(server);

    let seed = &reports[0]["seed"];
    let mut randoms = HashSet::new();
    let mut uuids = HashSet::new();
    let mut origins = HashSet::new();
    for report in &reports {
        assert_eq!(&report["seed"], seed, "every clone comes from one seed");
        for random in report["random"].as_array().unwrap() {
            assert_ne!(random, &seed["random"]);
            assert!(
                randoms.insert(random.to_string()),
                "repeated Math.random {random}"
            );
        }
        assert_ne!(report["uuid"], seed["uuid"]);
        assert!(uuids.insert(report["uuid"].to_string()), "repeated UUID");
        let origin = report["timeOrigin"].as_f64().unwrap();
        assert!(origin > seed["timeOrigin"].as_f64().unwrap());
        origins.insert(origin.to_bits());
    }
    assert_eq!(randoms.len(), 200);
    // Clones forked in the same millisecond may share a ms-rounded origin; most do not.
    assert!(
        origins.len() > 50,
        "{} distinct time origins",
        origins.len()
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn the_seed_has_one_thread_at_the_fork_point() {
    let server = Server::start(&fixture("warmfork/app.js"), &["--workers", "1"]);
    let pids = wait_for_children(server.pid(), 2);
    assert_eq!(pids.len(), 2);
    assert_eq!(aworker_tests::thread_count(pids[0]), 1, "the seed");
    assert_eq!(aworker_tests::thread_count(pids[1]), 1, "the clone");
}

#[tokio::test]
async fn scaling_from_zero_starts_a_clone_for_the_first_request() {
    let server = Server::start(
        &fixture("warmfork/app.js"),
        &[
            "--workers",
            "2",
            "--min-workers",
            "0",
            "--worker-idle-timeout",
            "0.5",
        ],
    );
    assert_eq!(
        wait_for_children(server.pid(), 1).len(),
        1,
        "only the seed at first"
    );
    let response = fresh_client().get(server.url("/")).send().await.unwrap();
    assert_eq!(response.text().await.unwrap(), r#"{"served":1}"#);
    assert!(children(server.pid()).len() >= 2);
    // Idle above the minimum (zero), the clone retires again.
    assert_eq!(
        wait_for_children(server.pid(), 1).len(),
        1,
        "the idle clone retired"
    );
}

#[tokio::test]
async fn a_killed_clone_is_replaced_and_other_requests_do_not_fail() {
    let server = Server::start(&fixture("warmfork/app.js"), &["--workers", "3"]);
    let pids = wait_for_children(server.pid(), 4);
    let victim = pids[2];

    let client = fresh_client();
    let load = (0..4).map(|_| {
        let client = client.clone();
        let url = server.url("/");
        tokio::spawn(async move {
            let mut failures = 0;
            for _ in 0..50 {
                match client.get(&url).send().await {
                    Ok(response) if response.status() == 200 => {}
                    _ => failures += 1,
                }
            }
            failures
        })
    });
    let load: Vec<_> = load.collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    // SAFETY: signalling a child process of the server under test.
    unsafe { libc::kill(victim as i32, libc::SIGKILL) };
    let mut failures = 0;
    for task in load {
        failures += task.await.unwrap();
    }
    // At most the requests the killed clone had in flight (one per client task) fail.
    assert!(failures <= 4, "{failures} failed requests");
    let after = wait_for_children(server.pid(), 4);
    assert_eq!(after.len(), 4, "the clone was replaced: {after:?}");
    assert!(!after.contains(&victim));
}

#[tokio::test]
async fn sigterm_lets_in_flight_requests_finish_then_exits_0() {
    let mut server = Server::start(&fixture("warmfork/app.js"), &["--workers", "2"]);
    wait_for_children(server.pid(), 3);
    let slow = tokio::spawn(fresh_client().get(server.url("/slow")).send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    // SAFETY: signalling the server under test.
    unsafe { libc::kill(server.pid() as i32, libc::SIGTERM) };
    let response = slow.await.unwrap().unwrap();
    assert_eq!(response.text().await.unwrap(), "slow done");
    assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
}

#[tokio::test]
async fn clones_die_with_a_killed_supervisor() {
    let server = Server::start(&fixture("warmfork/app.js"), &["--workers", "2"]);
    let pids = wait_for_children(server.pid(), 3);
    assert_eq!(pids.len(), 3, "a seed and two clones to watch");
    // SAFETY: signalling the server under test.
    unsafe { libc::kill(server.pid() as i32, libc::SIGKILL) };
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids
        .iter()
        .any(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
    {
        assert!(
            Instant::now() < deadline,
            "children outlived the supervisor"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends GET `path` until it answers 200 or `timeout` passes; whether it did.
async fn eventually_ok(server: &Server, path: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(response) = fresh_client().get(server.url(path)).send().await {
            if response.status() == 200 {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_runaway_request_gets_503_and_its_clone_is_replaced() {
    let server = Server::start(
        &fixture("warmfork/limits.js"),
        &["--workers", "1", "--cpu-limit-ms", "200"],
    );
    let before = wait_for_children(server.pid(), 2);
    let started = Instant::now();
    let response = fresh_client()
        .get(server.url("/spin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(response.text().await.unwrap().contains("--cpu-limit-ms"));
    assert!(eventually_ok(&server, "/", Duration::from_secs(10)).await);
    let after = wait_for_children(server.pid(), 2);
    assert_ne!(before[1], after[1], "the clone was replaced");
    assert!(
        server.wait_for_stderr("exited with status 3; replacing it"),
        "{}",
        server.stderr()
    );
}

#[tokio::test]
async fn a_clone_near_its_heap_limit_answers_503_and_is_replaced() {
    let server = Server::start(
        &fixture("warmfork/limits.js"),
        &["--workers", "1", "--max-heap-mb", "64"],
    );
    wait_for_children(server.pid(), 2);
    let response = fresh_client().get(server.url("/hog")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.text().await.unwrap().contains("--max-heap-mb"));
    assert!(eventually_ok(&server, "/", Duration::from_secs(10)).await);
}

#[tokio::test]
async fn a_clone_above_its_rss_limit_is_replaced() {
    let server = Server::start(
        &fixture("warmfork/limits.js"),
        &["--workers", "1", "--max-rss-mb", "150"],
    );
    let before = wait_for_children(server.pid(), 2);
    let response = fresh_client()
        .get(server.url("/grow"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        server.wait_for_stderr("above --max-rss-mb 150; replacing it"),
        "{}",
        server.stderr()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let after = children(server.pid());
        if after.len() == 2 && after[1] != before[1] {
            break;
        }
        assert!(Instant::now() < deadline, "not replaced: {after:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(eventually_ok(&server, "/", Duration::from_secs(5)).await);
}

/// The code a seed moved into huge pages is resident in every clone but shared by all: a limit
/// above a clone's own memory (~16 MiB) and below that plus the code (~30 MiB more) must not
/// replace a clone that does nothing.
#[tokio::test]
async fn the_shared_code_does_not_count_against_the_rss_limit() {
    let server = Server::start(
        &fixture("warmfork/limits.js"),
        &["--workers", "1", "--max-rss-mb", "32"],
    );
    let before = wait_for_children(server.pid(), 2);
    assert!(eventually_ok(&server, "/", Duration::from_secs(5)).await);
    // The supervisor checks every 100 ms.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(children(server.pid()), before, "{}", server.stderr());
    assert!(
        !server.stderr().contains("replacing it"),
        "{}",
        server.stderr()
    );
}

/// The CPU time (user + system) a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

#[test]
fn a_queued_connection_no_clone_can_take_does_not_make_the_supervisor_spin() {
    let server = Server::start(
        &fixture("warmfork/dies_young.js"),
        &["--workers", "1", "--min-workers", "0"],
    );
    // A connection that waits in the accept queue: every clone dies before accepting it.
    let mut stream = std::net::TcpStream::connect(
        server
            .url("/")
            .trim_start_matches("http://")
            .trim_end_matches('/'),
    )
    .unwrap();
    std::io::Write::write_all(&mut stream, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let before = cpu_time(server.pid());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_time(server.pid()) - before;
    // Waiting out the clone backoff costs next to nothing; a loop woken by the readable
    // listener at every pass would use most of a core.
    assert!(
        used < Duration::from_millis(500),
        "the supervisor used {used:?} of CPU in 2 s"
    );
    assert!(
        server.wait_for_stderr("replacing it"),
        "{}",
        server.stderr()
    );
}
