//! The Encoding Standard through `aworker run`: the buffers WebIDL refuses (resizable ones,
//! for arguments without [AllowResizable]), refused before anything else happens.

use aworker_tests::{fixture, run_aworker};

#[test]
fn resizable_buffers_are_refused_and_fixed_ones_taken() {
    let output = run_aworker(&["run", fixture("encoding.js").to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let refused = "TypeError: Failed to execute 'decode' on 'TextDecoder': The provided buffer \
                   must not be resizable.";
    let expected = [
        "decode fixed: \"hi\"".to_string(),
        format!("decode resizable: {refused}"),
        format!("decode view of resizable: {refused}"),
        format!("decode stream resizable: {refused}"),
        "encodeInto resizable: TypeError: Failed to execute 'encodeInto' on 'TextEncoder': The \
         provided Uint8Array value must not be resizable."
            .to_string(),
        r#"encodeInto fixed: {"read":2,"written":2}"#.to_string(),
        format!("refused before options: {refused} []"),
        r#"BOM after a refusal: "h""#.to_string(),
        r#"held bytes after a refusal: "€""#.to_string(),
        format!("decode detached resizable: {refused}"),
        "encodeInto detached resizable: TypeError: Failed to execute 'encodeInto' on \
         'TextEncoder': The provided Uint8Array value must not be resizable."
            .to_string(),
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected, "{stdout}");
}
