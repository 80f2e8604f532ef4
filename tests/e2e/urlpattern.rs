//! URLPattern through `aworker run`: constructor forms, matching with JavaScript's RegExp
//! engine, results, errors, and patterns surviving a user snapshot.

use aworker_tests::{fixture, run_aworker};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn url_patterns_parse_match_and_fail_as_the_standard_says() {
    let output = run_aworker(&["run", fixture("urlpattern.js").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let expected = [
        r#"books getters: ["*","*","/books/:id","*"]"#,
        "books match: true",
        r#"books groups: {"id":"123"}"#,
        "books no id: false",
        "books two segments: false",
        "books regexp groups: false",
        r#"posts groups: {"year":"2024","slug":"hello"}"#,
        "posts short year: null",
        "posts regexp groups: true",
        // Lookahead and "v"-flag set subtraction: only a JavaScript engine takes these.
        "lookahead: [true,false]",
        "v flag set subtraction: [true,false]",
        r#"api getters: ["https","example.com","","/api/*"]"#,
        r#"api wildcard: {"0":"v1/users"}"#,
        "api other scheme: false",
        r#"docs groups: [{"sub":"en"},{}]"#,
        "docs page undefined: true",
        r#"either getters: ["(https?)","/a/b"]"#,
        "either match: [true,false]",
        "subdomains: [true,true,false]",
        "case: [true,false]",
        concat!(
            r#"init input: [[{"baseURL":"https://example.com/x","pathname":"/books/7"}],"#,
            r#""https","example.com"]"#
        ),
        r#"string and base inputs: ["/books/9","https://example.com"]"#,
        "unparsable input: null",
        concat!(
            r#"result keys: ["hash","hostname","inputs","password","pathname","port","#,
            r#""protocol","search","username"]"#
        ),
        r#"component result keys: ["groups","input"]"#,
        r#"default port: """#,
        r#"encoded path: ["/caf%C3%A9",true]"#,
        r#"unclosed group: "TypeError""#,
        r#"bad regexp: "TypeError""#,
        r#"regexp only V8 refuses: "TypeError""#,
        r#"relative without base: "TypeError""#,
        r#"init with base: "TypeError""#,
        r#"match init with base: "TypeError""#,
        r#"bad base: "TypeError""#,
        r#"interface: [0,0,0,"[object URLPattern]"]"#,
        r#"brand check: ["TypeError","TypeError"]"#,
    ];
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, expected);
}

#[test]
fn url_objects_work_after_a_snapshot() {
    let dir = std::env::temp_dir().join(format!("aworker-e2e-url-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("url.snap");
    let script = fixture("snapshot/url_objects.js");
    let output = run_aworker(&[
        "snapshot",
        "build",
        script.to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = run_aworker(&["run", "--snapshot", snap.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "https://shop.example/items/42?color=red&size=L#top\n{\"id\":\"42\"}\n"
    );
}
