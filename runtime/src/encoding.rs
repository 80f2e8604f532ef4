//! Ops behind `TextEncoder` and `TextDecoder` for UTF-8.
//!
//! TODO(conform): every WHATWG encoding and streaming decode come with the encoding issue
//! (encoding_rs); the body mixin only needs UTF-8 now.

use crate::bindings::{ByteBuf, OpError, OpResult};
use crate::op;

const BOM: &[u8] = b"\xEF\xBB\xBF";

op! {
    /// UTF-8 of a string; lone surrogates were already replaced by U+FFFD on conversion.
    fn op_encoding_encode_utf8(scope, text: String) -> OpResult<ByteBuf> {
        Ok(ByteBuf(text.into_bytes()))
    }
}

op! {
    /// https://encoding.spec.whatwg.org/#utf-8-decode, whole input at once.
    fn op_encoding_decode_utf8(scope, bytes: ByteBuf, fatal: bool, ignore_bom: bool)
        -> OpResult<String>
    {
        decode_utf8(&bytes.0, fatal, ignore_bom)
    }
}

fn decode_utf8(bytes: &[u8], fatal: bool, ignore_bom: bool) -> OpResult<String> {
    let bytes = match bytes.strip_prefix(BOM) {
        Some(rest) if !ignore_bom => rest,
        _ => bytes,
    };
    if fatal {
        return std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| OpError::type_error("The encoded data was not valid for encoding utf-8"));
    }
    // Rust replaces maximal subparts of ill-formed sequences, as the Encoding Standard does.
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_unless_ignored() {
        assert_eq!(decode_utf8(b"\xEF\xBB\xBFhi", false, false).unwrap(), "hi");
        assert_eq!(
            decode_utf8(b"\xEF\xBB\xBFhi", false, true).unwrap(),
            "\u{FEFF}hi"
        );
    }

    #[test]
    fn invalid_bytes_are_replaced_per_maximal_subpart_or_refused_when_fatal() {
        assert_eq!(
            decode_utf8(b"a\xF0\x9F\x92b", false, false).unwrap(),
            "a\u{FFFD}b"
        );
        assert_eq!(
            decode_utf8(b"\xC0\x80", false, false).unwrap(),
            "\u{FFFD}\u{FFFD}"
        );
        assert!(decode_utf8(b"a\xFF", true, false).is_err());
    }
}
