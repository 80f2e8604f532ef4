//! The `// META:` header of a WPT script test.
//!
//! WPT reads `// META: key=value` lines from the top of a `.any.js` or `.worker.js` file and
//! stops at the first line that is not one; so do we. Unknown keys are kept out of the way
//! rather than rejected, since upstream adds keys over time.
//! https://web-platform-tests.org/writing-tests/testharness.html#tests-for-other-or-multiple-globals-any-js

use std::time::Duration;

/// How long a test may take before the runner times it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// 10 s, WPT's default.
    Normal,
    /// 60 s, for `// META: timeout=long`.
    Long,
}

impl Timeout {
    pub fn duration(self) -> Duration {
        match self {
            Timeout::Normal => Duration::from_secs(10),
            Timeout::Long => Duration::from_secs(60),
        }
    }
}

/// The parsed header of one script test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// `global=` values, split on commas; `None` without a `global=` line.
    pub globals: Option<Vec<String>>,
    /// `script=` values in order, as written (relative or absolute URLs).
    pub scripts: Vec<String>,
    /// `variant=` values in order (`?query`, `#fragment`, or empty for the plain test).
    pub variants: Vec<String>,
    pub timeout: Timeout,
    pub title: Option<String>,
}

impl Meta {
    /// Parses the header of `source`.
    pub fn parse(source: &str) -> Meta {
        let mut meta = Meta {
            globals: None,
            scripts: Vec::new(),
            variants: Vec::new(),
            timeout: Timeout::Normal,
            title: None,
        };
        for line in source.lines() {
            let Some((key, value)) = meta_line(line) else {
                break;
            };
            match key {
                "global" => {
                    let globals = meta.globals.get_or_insert_with(Vec::new);
                    globals.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|g| !g.is_empty())
                            .map(String::from),
                    );
                }
                "script" => meta.scripts.push(value.to_string()),
                "variant" => meta.variants.push(value.to_string()),
                "timeout" if value == "long" => meta.timeout = Timeout::Long,
                "title" => meta.title = Some(value.to_string()),
                _ => {}
            }
        }
        meta
    }

    /// Whether the test is meant to run in some kind of worker (or a JS shell), the globals
    /// this runner can stand in for. Without a `global=` line WPT runs a `.any.js` file in a
    /// window and a dedicated worker.
    pub fn runs_in_a_worker(&self) -> bool {
        match &self.globals {
            None => true,
            Some(globals) => globals.iter().any(|g| is_worker_global(g)),
        }
    }

    /// The variants to run: each `variant=` value, or the plain test without any.
    pub fn variants_or_plain(&self) -> Vec<String> {
        if self.variants.is_empty() {
            vec![String::new()]
        } else {
            self.variants.clone()
        }
    }
}

/// `worker` (all three kinds), each kind with or without `-module`, and `jsshell` (plain
/// JavaScript, which any global runs). `shadowrealm*` is not one: those tests assert what a
/// ShadowRealm's global lacks or allows (no `AbortSignal.timeout`, a mutable prototype chain),
/// which is the opposite of a worker's, and the runtime has no ShadowRealm.
fn is_worker_global(global: &str) -> bool {
    let base = global.strip_suffix("-module").unwrap_or(global);
    matches!(
        base,
        "worker" | "dedicatedworker" | "sharedworker" | "serviceworker" | "jsshell"
    )
}

/// `// META: key=value` with optional spaces after `//` and `META:`; `None` otherwise.
fn meta_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("//")?.trim_start();
    let rest = rest.strip_prefix("META:")?.trim_start();
    let (key, value) = rest.split_once('=')?;
    if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((key, value.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_until_the_first_other_line() {
        let meta = Meta::parse(
            "// META: global=window,worker\n\
             // META: script=/common/utils.js\n\
             //META: script=resources/helper.sub.js\n\
             // META: timeout=long\n\
             // META: title=Some title\n\
             // META: variant=?a=1\n\
             // META: variant=#frag\n\
             \n\
             // META: script=/not/read.js\n",
        );
        assert_eq!(meta.globals, Some(vec!["window".into(), "worker".into()]));
        assert_eq!(
            meta.scripts,
            vec!["/common/utils.js", "resources/helper.sub.js"]
        );
        assert_eq!(meta.variants, vec!["?a=1", "#frag"]);
        assert_eq!(meta.timeout, Timeout::Long);
        assert_eq!(meta.title.as_deref(), Some("Some title"));
    }

    #[test]
    fn a_plain_comment_ends_the_header() {
        let meta = Meta::parse("// Copyright\n// META: timeout=long\n");
        assert_eq!(meta.timeout, Timeout::Normal);
    }

    #[test]
    fn globals_decide_whether_a_worker_runs_the_test() {
        let runs = |src: &str| Meta::parse(src).runs_in_a_worker();
        assert!(
            runs("test(() => {});\n"),
            "no global= means window and dedicatedworker"
        );
        assert!(runs("// META: global=window,dedicatedworker\n"));
        assert!(runs("// META: global=serviceworker-module\n"));
        assert!(!runs("// META: global=shadowrealm-in-window\n"));
        assert!(!runs("// META: global=shadowrealm\n"));
        assert!(runs("// META: global=jsshell\n"));
        assert!(runs("// META: global=window\n// META: global=worker\n"));
        assert!(!runs("// META: global=window\n"));
    }

    #[test]
    fn without_variants_the_plain_test_runs() {
        assert_eq!(Meta::parse("").variants_or_plain(), vec![String::new()]);
        assert_eq!(
            Meta::parse("// META: variant=?x\n").variants_or_plain(),
            vec!["?x"]
        );
    }
}
