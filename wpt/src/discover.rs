//! Finds the WPT files that apply to a worker runtime and expands them into tests.
//!
//! The rules follow WPT's manifest: `*.any.js` files whose `global=` includes a worker kind
//! (or that have none: the default is window and dedicated worker), and `*.worker.js` files;
//! nothing in a `resources/`, `support/` or `tools/` folder, in the top-level `common/`, or at
//! the root. Each `variant=` is its own test.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::meta::{Meta, Timeout};

/// How WPT wraps a script test into a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `x.any.js`: the harness, `META: script=` files and the test, imported by a generated
    /// worker script.
    Any,
    /// `x.worker.js`: the file is itself the worker script, importing the harness itself.
    Worker,
}

/// One test: a file in one variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The test's id as wpt.fyi reports it, e.g. `/url/a.any.worker.html?x`: the page a
    /// browser loads, which starts the worker.
    pub id: String,
    /// The file, relative to the WPT root with `/` separators, e.g. `url/a.any.js`.
    pub file: String,
    /// `""`, `?query` or `#fragment`.
    pub variant: String,
    /// The path (and variant) of the worker script a browser would run, which becomes the
    /// worker's `location`: `/url/a.any.worker.js?x` for `.any.js` (the script WPT's server
    /// generates for `a.any.worker.html`), the file itself for `.worker.js`.
    pub worker_path: String,
    pub kind: FileKind,
    /// `META: script=` values, resolved later against the worker's URL.
    pub scripts: Vec<String>,
    pub timeout: Timeout,
    pub title: Option<String>,
}

impl TestCase {
    /// The top-level WPT folder the test is in (its expectations file).
    pub fn top_dir(&self) -> &str {
        self.file.split('/').next().unwrap_or_default()
    }

    /// The expectation key inside the top folder's file: the rest of the path plus variant.
    pub fn key_in_top_dir(&self) -> String {
        let rest = self
            .file
            .split_once('/')
            .map_or(self.file.as_str(), |(_, rest)| rest);
        format!("{rest}{}", self.variant)
    }
}

/// Every test under `root` whose file path starts with one of `filters` (all without
/// filters), in path order.
pub fn discover(root: &Path, filters: &[String]) -> Result<Vec<TestCase>> {
    let mut files = Vec::new();
    walk(root, "", &mut files)?;
    files.sort();

    let mut tests = Vec::new();
    for rel in files {
        if !filters.is_empty() && !filters.iter().any(|f| matches_path(&rel, f)) {
            continue;
        }
        let path = root.join(&rel);
        let bytes = fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let source = String::from_utf8_lossy(&bytes);
        tests.extend(
            tests_of(&rel, &source)
                .into_iter()
                .filter(|t| filters.is_empty() || filters.iter().any(|f| matches_filter(t, f))),
        );
    }
    Ok(tests)
}

/// A filter is a path prefix (`url/`, `fetch/api/basic/request-head.any.js`), with or
/// without a leading `/`; a test id (`/url/a.any.worker.html?x`) also works, and selects
/// only its variant when it names one.
fn matches_filter(test: &TestCase, filter: &str) -> bool {
    let variant = filter.find(['?', '#']).map(|at| &filter[at..]);
    matches_path(&test.file, filter) && variant.is_none_or(|v| v == test.variant)
}

fn matches_path(rel: &str, filter: &str) -> bool {
    let filter = filter.trim_start_matches('/');
    let filter = filter.split(['?', '#']).next().unwrap_or_default();
    let filter = filter
        .strip_suffix(".any.worker.html")
        .map(|stem| format!("{stem}.any.js"))
        .or_else(|| {
            filter
                .strip_suffix(".worker.html")
                .map(|stem| format!("{stem}.worker.js"))
        })
        .unwrap_or_else(|| filter.to_string());
    rel.starts_with(&filter)
}

fn walk(root: &Path, rel_dir: &str, out: &mut Vec<String>) -> Result<()> {
    let dir = root.join(rel_dir);
    let entries = fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = if rel_dir.is_empty() {
            name.clone()
        } else {
            format!("{rel_dir}/{name}")
        };
        if entry.file_type()?.is_dir() {
            if !is_non_test_dir(&rel) {
                walk(root, &rel, out)?;
            }
        } else if !rel_dir.is_empty() && file_kind(&name).is_some() {
            out.push(rel);
        }
    }
    Ok(())
}

/// Folders WPT's manifest never takes tests from.
fn is_non_test_dir(rel: &str) -> bool {
    rel == "common"
        || rel == "tools"
        || rel
            .split('/')
            .any(|part| matches!(part, "resources" | "support" | "tools"))
}

/// `any` or `worker` among the flags WPT reads between a file's stem and its `.js`
/// (`a.https.any.js` is a `.any.js` test).
pub fn file_kind(name: &str) -> Option<FileKind> {
    let stem = name.strip_suffix(".js")?;
    let flags: Vec<&str> = stem.split('.').skip(1).collect();
    if flags.contains(&"any") {
        Some(FileKind::Any)
    } else if flags.contains(&"worker") {
        Some(FileKind::Worker)
    } else {
        None
    }
}

/// The tests of one file (none if it does not run in a worker).
pub fn tests_of(rel: &str, source: &str) -> Vec<TestCase> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let Some(kind) = file_kind(name) else {
        return Vec::new();
    };
    let meta = Meta::parse(source);
    if kind == FileKind::Any && !meta.runs_in_a_worker() {
        return Vec::new();
    }

    let stem = rel.strip_suffix(".js").unwrap_or(rel);
    let (page, worker_script) = match kind {
        FileKind::Any => {
            let scope = worker_scope_name(&meta);
            (
                format!("/{stem}.{scope}.html"),
                format!("/{stem}.{scope}.js"),
            )
        }
        FileKind::Worker => (format!("/{stem}.html"), format!("/{rel}")),
    };
    meta.variants_or_plain()
        .into_iter()
        .map(|variant| TestCase {
            id: format!("{page}{variant}"),
            file: rel.to_string(),
            worker_path: format!("{worker_script}{variant}"),
            variant,
            kind,
            scripts: meta.scripts.clone(),
            timeout: meta.timeout,
            title: meta.title.clone(),
        })
        .collect()
}

/// The worker kind whose wrapper names the test: the dedicated worker where the file runs in
/// one (`x.any.worker.html`), else a service or shared worker. Files only for a shadow realm
/// or a JS shell are named as dedicated-worker tests too: that is how we run them.
fn worker_scope_name(meta: &Meta) -> &'static str {
    let Some(globals) = &meta.globals else {
        return "worker";
    };
    let has = |kind: &str| {
        globals
            .iter()
            .any(|g| g == kind || g.strip_suffix("-module") == Some(kind))
    };
    if has("worker") || has("dedicatedworker") {
        "worker"
    } else if has("serviceworker") {
        "serviceworker"
    } else if has("sharedworker") {
        "sharedworker"
    } else {
        "worker"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decide_the_kind() {
        assert_eq!(file_kind("a.any.js"), Some(FileKind::Any));
        assert_eq!(file_kind("a.https.any.js"), Some(FileKind::Any));
        assert_eq!(file_kind("a.worker.js"), Some(FileKind::Worker));
        assert_eq!(file_kind("a.window.js"), None);
        assert_eq!(file_kind("any.js"), None, "a stem is not a flag");
        assert_eq!(file_kind("worker.js"), None);
        assert_eq!(file_kind("a.any.html"), None);
    }

    #[test]
    fn non_test_folders_are_skipped() {
        assert!(is_non_test_dir("common"));
        assert!(is_non_test_dir("fetch/api/resources"));
        assert!(is_non_test_dir("a/support/b"));
        assert!(
            !is_non_test_dir("fetch/common"),
            "only the top-level common/ is excluded"
        );
        assert!(!is_non_test_dir("url"));
    }

    #[test]
    fn an_any_file_becomes_one_dedicated_worker_test_per_variant() {
        let src = "// META: global=window,worker\n// META: variant=?a\n// META: variant=#b\n";
        let tests = tests_of("url/x.any.js", src);
        let ids: Vec<_> = tests.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["/url/x.any.worker.html?a", "/url/x.any.worker.html#b"]
        );
        assert_eq!(tests[0].worker_path, "/url/x.any.worker.js?a");
        assert_eq!(tests[1].key_in_top_dir(), "x.any.js#b");
        assert_eq!(tests[1].top_dir(), "url");
    }

    #[test]
    fn window_only_files_do_not_apply() {
        assert!(tests_of("dom/x.any.js", "// META: global=window\n").is_empty());
        assert!(tests_of("dom/x.window.js", "").is_empty());
    }

    #[test]
    fn service_worker_only_files_keep_their_wrapper_name() {
        let tests = tests_of("a/b/x.https.any.js", "// META: global=serviceworker\n");
        assert_eq!(tests[0].id, "/a/b/x.https.any.serviceworker.html");
        assert_eq!(tests[0].worker_path, "/a/b/x.https.any.serviceworker.js");
        assert_eq!(tests[0].key_in_top_dir(), "b/x.https.any.js");
    }

    #[test]
    fn a_worker_file_is_its_own_worker_script() {
        let tests = tests_of(
            "hr-time/x.worker.js",
            "importScripts('/resources/testharness.js');",
        );
        assert_eq!(tests[0].id, "/hr-time/x.worker.html");
        assert_eq!(tests[0].worker_path, "/hr-time/x.worker.js");
        assert_eq!(tests[0].kind, FileKind::Worker);
    }

    #[test]
    fn filters_are_path_prefixes_or_test_ids() {
        assert!(matches_path("url/a.any.js", "url/"));
        assert!(matches_path("url/a.any.js", "/url"));
        assert!(matches_path("url/a.any.js", "/url/a.any.worker.html?x"));
        assert!(matches_path(
            "hr-time/b.worker.js",
            "/hr-time/b.worker.html"
        ));
        assert!(!matches_path("urlpattern/a.any.js", "url/"));

        let tests = tests_of("url/a.any.js", "// META: variant=?x\n// META: variant=?y\n");
        assert!(!matches_filter(&tests[0], "/url/a.any.worker.html?y"));
        assert!(matches_filter(&tests[1], "/url/a.any.worker.html?y"));
        assert!(matches_filter(&tests[0], "url/a.any.js"));
    }
}
