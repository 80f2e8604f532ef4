//! Ops behind `TextEncoder` and `TextDecoder`: the codecs of the Encoding Standard, from
//! encoding_rs, which implements exactly that standard.
//!
//! Inputs are read in place from the caller's buffer (V8 copies only the small typed arrays
//! it keeps on its heap) and `encodeInto` writes straight into its destination. A streaming
//! decode keeps one `encoding_rs::Decoder` per `TextDecoder` in [`StreamDecoders`], under an
//! id the JS chooses: it exists from the `decode()` that starts a stream to the one that
//! ends it, or until the `TextDecoder` is collected (40_encoding.js says how, and what a
//! snapshot does to a stream in progress).

use std::borrow::Cow;
use std::collections::HashMap;

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding};

use crate::bindings::{ByteBuf, OpError, OpResult};
use crate::op;
use crate::state::state;

/// Every encoding of https://encoding.spec.whatwg.org/#names-and-labels. JS refers to an
/// encoding by its index here; index 0 is UTF-8.
static ENCODINGS: [&Encoding; 40] = [
    &encoding_rs::UTF_8_INIT,
    &encoding_rs::IBM866_INIT,
    &encoding_rs::ISO_8859_2_INIT,
    &encoding_rs::ISO_8859_3_INIT,
    &encoding_rs::ISO_8859_4_INIT,
    &encoding_rs::ISO_8859_5_INIT,
    &encoding_rs::ISO_8859_6_INIT,
    &encoding_rs::ISO_8859_7_INIT,
    &encoding_rs::ISO_8859_8_INIT,
    &encoding_rs::ISO_8859_8_I_INIT,
    &encoding_rs::ISO_8859_10_INIT,
    &encoding_rs::ISO_8859_13_INIT,
    &encoding_rs::ISO_8859_14_INIT,
    &encoding_rs::ISO_8859_15_INIT,
    &encoding_rs::ISO_8859_16_INIT,
    &encoding_rs::KOI8_R_INIT,
    &encoding_rs::KOI8_U_INIT,
    &encoding_rs::MACINTOSH_INIT,
    &encoding_rs::WINDOWS_874_INIT,
    &encoding_rs::WINDOWS_1250_INIT,
    &encoding_rs::WINDOWS_1251_INIT,
    &encoding_rs::WINDOWS_1252_INIT,
    &encoding_rs::WINDOWS_1253_INIT,
    &encoding_rs::WINDOWS_1254_INIT,
    &encoding_rs::WINDOWS_1255_INIT,
    &encoding_rs::WINDOWS_1256_INIT,
    &encoding_rs::WINDOWS_1257_INIT,
    &encoding_rs::WINDOWS_1258_INIT,
    &encoding_rs::X_MAC_CYRILLIC_INIT,
    &encoding_rs::GBK_INIT,
    &encoding_rs::GB18030_INIT,
    &encoding_rs::BIG5_INIT,
    &encoding_rs::EUC_JP_INIT,
    &encoding_rs::ISO_2022_JP_INIT,
    &encoding_rs::SHIFT_JIS_INIT,
    &encoding_rs::EUC_KR_INIT,
    &encoding_rs::REPLACEMENT_INIT,
    &encoding_rs::UTF_16BE_INIT,
    &encoding_rs::UTF_16LE_INIT,
    &encoding_rs::X_USER_DEFINED_INIT,
];

fn encoding_at(index: u32) -> OpResult<&'static Encoding> {
    ENCODINGS
        .get(index as usize)
        .copied()
        .ok_or_else(|| OpError::range_error(format!("no encoding {index}")))
}

/// https://encoding.spec.whatwg.org/#concept-encoding-get: the index of the encoding a label
/// names, or `None`. encoding_rs trims ASCII whitespace and compares ASCII case-insensitively.
fn encoding_for_label(label: &str) -> Option<u32> {
    let encoding = Encoding::for_label(label.as_bytes())?;
    ENCODINGS
        .iter()
        .position(|known| std::ptr::eq(*known, encoding))
        .map(|index| index as u32)
}

/// What a decoder keeps between the `decode()` calls of one stream.
pub struct StreamDecoder {
    decoder: Decoder,
    /// Input after a fatal error: the spec leaves it in the I/O queue for the next call.
    unread: Vec<u8>,
}

/// The decoders of streams in progress, by the id their `TextDecoder` chose.
#[derive(Default)]
pub struct StreamDecoders(HashMap<u32, StreamDecoder>);

/// How a decoder treats errors: https://encoding.spec.whatwg.org/#error-mode
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorMode {
    Replacement,
    Fatal,
}

/// Why a decode stopped early.
#[derive(Debug, PartialEq, Eq)]
enum DecodeError {
    /// A malformed sequence in fatal mode, after `read` bytes of the input.
    Malformed { read: usize },
    /// The output would not fit in memory.
    TooLong,
}

impl DecodeError {
    fn into_op_error(self, encoding: &'static Encoding) -> OpError {
        match self {
            Self::Malformed { .. } => OpError::type_error(format!(
                "The encoded data was not valid for encoding {}",
                encoding.name().to_ascii_lowercase()
            )),
            Self::TooLong => OpError::range_error("The decoded string would be too long"),
        }
    }
}

fn new_decoder(encoding: &'static Encoding, ignore_bom: bool) -> Decoder {
    // Only a BOM of the decoder's own encoding is removed: a TextDecoder never sniffs.
    match ignore_bom {
        true => encoding.new_decoder_without_bom_handling(),
        false => encoding.new_decoder_with_bom_removal(),
    }
}

/// Decoded text. UTF-8 stays UTF-8 (valid input to a whole decode is even passed on in
/// place); the other decoders write UTF-16, which V8 takes as is (and stores as Latin-1 when
/// it fits), the cheapest way from their output to a V8 string.
#[derive(Debug, PartialEq, Eq)]
enum Text<'a> {
    Utf8(Cow<'a, str>),
    Utf16(Vec<u16>),
}

impl Text<'_> {
    fn to_v8<'s>(&self, scope: &mut v8::PinScope<'s, '_>) -> OpResult<v8::Local<'s, v8::Value>> {
        let string = match self {
            Self::Utf8(text) => {
                v8::String::new_from_utf8(scope, text.as_bytes(), v8::NewStringType::Normal)
            }
            Self::Utf16(units) => {
                v8::String::new_from_two_byte(scope, units, v8::NewStringType::Normal)
            }
        };
        // V8 refuses strings past its length limit.
        string
            .map(Into::into)
            .ok_or_else(|| OpError::range_error("The decoded string would be too long"))
    }

    #[cfg(test)]
    fn into_string(self) -> String {
        match self {
            Self::Utf8(text) => text.into_owned(),
            Self::Utf16(units) => String::from_utf16(&units).unwrap(),
        }
    }
}

/// Runs `decoder` over `src` (`last` flushes it) and returns the text.
fn decode_with(
    decoder: &mut Decoder,
    src: &[u8],
    last: bool,
    mode: ErrorMode,
) -> Result<Text<'static>, DecodeError> {
    // The output has room for the worst case, so each call below consumes all of `src`.
    if decoder.encoding() == encoding_rs::UTF_8 {
        let capacity = match mode {
            ErrorMode::Replacement => decoder.max_utf8_buffer_length(src.len()),
            ErrorMode::Fatal => decoder.max_utf8_buffer_length_without_replacement(src.len()),
        };
        let mut text = String::with_capacity(capacity.ok_or(DecodeError::TooLong)?);
        match mode {
            ErrorMode::Replacement => {
                let (result, read, _) = decoder.decode_to_string(src, &mut text, last);
                debug_assert!(result == CoderResult::InputEmpty && read == src.len());
            }
            ErrorMode::Fatal => {
                match decoder.decode_to_string_without_replacement(src, &mut text, last) {
                    (DecoderResult::Malformed(..), read) => {
                        return Err(DecodeError::Malformed { read })
                    }
                    (DecoderResult::InputEmpty, _) => {}
                    (DecoderResult::OutputFull, _) => unreachable!("the worst case was reserved"),
                }
            }
        }
        return Ok(Text::Utf8(text.into()));
    }

    let capacity = decoder
        .max_utf16_buffer_length(src.len())
        .ok_or(DecodeError::TooLong)?;
    let mut units = vec![0; capacity];
    let written = match mode {
        ErrorMode::Replacement => {
            let (result, read, written, _) = decoder.decode_to_utf16(src, &mut units, last);
            debug_assert!(result == CoderResult::InputEmpty && read == src.len());
            written
        }
        ErrorMode::Fatal => {
            match decoder.decode_to_utf16_without_replacement(src, &mut units, last) {
                (DecoderResult::Malformed(..), read, _) => {
                    return Err(DecodeError::Malformed { read })
                }
                (DecoderResult::InputEmpty, _, written) => written,
                (DecoderResult::OutputFull, ..) => unreachable!("the worst case was reserved"),
            }
        }
    };
    units.truncate(written);
    Ok(Text::Utf16(units))
}

/// Decodes all of `bytes` as one stream, with a UTF-8 fast path for valid input.
fn decode_whole<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    mode: ErrorMode,
    ignore_bom: bool,
) -> Result<Text<'a>, DecodeError> {
    if std::ptr::eq(encoding, encoding_rs::UTF_8) {
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if !ignore_bom => rest,
            _ => bytes,
        };
        let valid = Encoding::utf8_valid_up_to(bytes);
        if valid == bytes.len() {
            // SAFETY: encoding_rs just checked that all of `bytes` is UTF-8.
            return Ok(Text::Utf8(
                unsafe { std::str::from_utf8_unchecked(bytes) }.into(),
            ));
        }
        if mode == ErrorMode::Fatal {
            return Err(DecodeError::Malformed { read: valid });
        }
    }
    let mut decoder = new_decoder(encoding, ignore_bom);
    decode_with(&mut decoder, bytes, true, mode)
}

/// Runs `f` over the bytes of a BufferSource (an ArrayBuffer, a SharedArrayBuffer or a view
/// of either) without copying them; a detached buffer has no bytes.
fn with_buffer_source<'s, R>(
    value: v8::Local<'s, v8::Value>,
    f: impl FnOnce(&[u8]) -> R,
) -> OpResult<R> {
    if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(value) {
        let mut storage = [0u8; v8::TYPED_ARRAY_MAX_SIZE_IN_HEAP];
        return Ok(f(view.get_contents(&mut storage)));
    }
    let (data, length) = if let Ok(buffer) = v8::Local::<v8::ArrayBuffer>::try_from(value) {
        (buffer.data(), buffer.byte_length())
    } else if let Ok(buffer) = v8::Local::<v8::SharedArrayBuffer>::try_from(value) {
        // The store stays alive while the buffer does, which outlives this call.
        (buffer.get_backing_store().data(), buffer.byte_length())
    } else {
        return Err(OpError::type_error(
            "expected an ArrayBuffer, a SharedArrayBuffer or an ArrayBufferView",
        ));
    };
    Ok(match data {
        // SAFETY: the buffer is alive for this call and `length` bytes long; JS cannot run
        // (and detach or shrink it) until the op returns. Another agent could write to a
        // SharedArrayBuffer meanwhile, but this runtime has no other agents.
        Some(data) if length > 0 => {
            f(unsafe { std::slice::from_raw_parts(data.as_ptr().cast::<u8>(), length) })
        }
        _ => f(&[]),
    })
}

op! {
    /// https://encoding.spec.whatwg.org/#concept-encoding-get → `[index, name]` or `null`;
    /// the name is lowercase, as the `encoding` attributes give it.
    fn op_encoding_for_label(scope, label: String) -> OpResult<v8::Local<'s, v8::Value>> {
        let Some(index) = encoding_for_label(&label) else {
            return Ok(v8::null(scope).into());
        };
        let name = ENCODINGS[index as usize].name().to_ascii_lowercase();
        let elements = [
            v8::Integer::new_from_unsigned(scope, index).into(),
            Text::Utf8(name.into()).to_v8(scope)?,
        ];
        Ok(v8::Array::new_with_elements(scope, &elements).into())
    }
}

op! {
    /// UTF-8 of a string into a new `Uint8Array`; lone surrogates become U+FFFD.
    fn op_encoding_encode(scope, text: v8::Local<'s, v8::Value>) -> OpResult<ByteBuf> {
        let text = v8::Local::<v8::String>::try_from(text)
            .map_err(|_| OpError::type_error("expected a string"))?;
        let length = text.utf8_length(scope);
        let mut bytes = Vec::with_capacity(length);
        let written = text.write_utf8_uninit_v2(
            scope,
            bytes.spare_capacity_mut(),
            v8::WriteFlags::kReplaceInvalidUtf8,
            None,
        );
        // SAFETY: V8 initialised the first `written` bytes, at most the capacity it was given.
        unsafe { bytes.set_len(written.min(length)) };
        Ok(ByteBuf(bytes))
    }
}

op! {
    /// https://encoding.spec.whatwg.org/#dom-textencoder-encodeinto: writes the UTF-8 of
    /// `text` into `destination` (a Uint8Array, possibly over a SharedArrayBuffer) in whole
    /// code points, and stores the UTF-16 code units read and the bytes written in
    /// `result[0]` and `result[1]` (a Float64Array, to spare an object per call).
    fn op_encoding_encode_into(
        scope,
        text: v8::Local<'s, v8::Value>,
        destination: v8::Local<'s, v8::Value>,
        result: v8::Local<'s, v8::Value>,
    ) -> OpResult<()> {
        let text = v8::Local::<v8::String>::try_from(text)
            .map_err(|_| OpError::type_error("expected a string"))?;
        let destination = v8::Local::<v8::Uint8Array>::try_from(destination)
            .map_err(|_| OpError::type_error("expected a Uint8Array"))?;
        let result = v8::Local::<v8::Float64Array>::try_from(result)
            .ok()
            .filter(|result| result.byte_length() == 16)
            .ok_or_else(|| OpError::type_error("expected a Float64Array of 2"))?;

        let length = destination.byte_length();
        let data = destination.data().cast::<std::mem::MaybeUninit<u8>>();
        let mut read = 0;
        let written = if length == 0 || data.is_null() {
            0
        } else {
            // SAFETY: `data()` materialises the view's buffer, so the pointer is stable and
            // `length` bytes long; JS cannot run until the op returns.
            let target = unsafe { std::slice::from_raw_parts_mut(data, length) };
            text.write_utf8_uninit_v2(
                scope,
                target,
                v8::WriteFlags::kReplaceInvalidUtf8,
                Some(&mut read),
            )
        };

        let counts = [read as f64, written as f64];
        // SAFETY: the result array was checked to be 16 bytes long, and a Float64Array is
        // 8-byte aligned in its buffer.
        unsafe {
            let out = result.data().cast::<f64>();
            out.write(counts[0]);
            out.add(1).write(counts[1]);
        }
        Ok(())
    }
}

op! {
    /// https://encoding.spec.whatwg.org/#dom-textdecoder-decode for a decode that is a whole
    /// stream (no `stream: true` before or now): no state is kept.
    fn op_encoding_decode(
        scope,
        encoding: u32,
        input: v8::Local<'s, v8::Value>,
        fatal: bool,
        ignore_bom: bool,
    ) -> OpResult<v8::Local<'s, v8::Value>> {
        let encoding = encoding_at(encoding)?;
        let mode = if fatal { ErrorMode::Fatal } else { ErrorMode::Replacement };
        let text = with_buffer_source(input, |bytes| {
            decode_whole(encoding, bytes, mode, ignore_bom)
                .map_err(|error| error.into_op_error(encoding))?
                .to_v8(scope)
        })??;
        Ok(text)
    }
}

/// The `flags` of `op_encoding_decode_stream`.
const FATAL: u32 = 1;
const IGNORE_BOM: u32 = 2;
/// The previous call ended with `stream: true`: continue its decoder.
const CONTINUE: u32 = 4;
/// This call has `stream: true`: keep the decoder afterwards.
const STREAM: u32 = 8;

impl StreamDecoders {
    /// One `decode()` of a stream; see `op_encoding_decode_stream`.
    fn decode(
        &mut self,
        id: u32,
        encoding: &'static Encoding,
        bytes: &[u8],
        flags: u32,
    ) -> Result<Text<'static>, DecodeError> {
        let ignore_bom = flags & IGNORE_BOM != 0;
        let mode = if flags & FATAL != 0 {
            ErrorMode::Fatal
        } else {
            ErrorMode::Replacement
        };
        let stream = flags & STREAM != 0;

        let mut entry = match self.0.remove(&id) {
            Some(entry) if flags & CONTINUE != 0 => entry,
            // A decoder that a user snapshot froze mid-stream lost its native state: carry on
            // from a fresh one, past the BOM (the stream had already started).
            None if flags & CONTINUE != 0 => StreamDecoder {
                decoder: encoding.new_decoder_without_bom_handling(),
                unread: Vec::new(),
            },
            _ => StreamDecoder {
                decoder: new_decoder(encoding, ignore_bom),
                unread: Vec::new(),
            },
        };

        let mut joined;
        let src = if entry.unread.is_empty() {
            bytes
        } else {
            joined = std::mem::take(&mut entry.unread);
            joined.extend_from_slice(bytes);
            &joined[..]
        };
        let result = decode_with(&mut entry.decoder, src, !stream, mode);
        if stream {
            if let Err(DecodeError::Malformed { read }) = result {
                entry.unread = src[read..].to_vec();
            }
            self.0.insert(id, entry);
        }
        result
    }

    /// Drops the decoder of `id`, if it still has one.
    pub fn remove(&mut self, id: u32) {
        self.0.remove(&id);
    }
}

op! {
    /// One `decode()` of a TextDecoder whose stream spans several calls: `flags` holds
    /// FATAL, IGNORE_BOM, CONTINUE (the previous call had `stream: true`) and STREAM (this
    /// one has). A call without STREAM flushes the decoder and drops it.
    fn op_encoding_decode_stream(
        scope,
        id: u32,
        encoding: u32,
        input: v8::Local<'s, v8::Value>,
        flags: u32,
    ) -> OpResult<v8::Local<'s, v8::Value>> {
        let encoding = encoding_at(encoding)?;
        let state = state(scope);
        let text = with_buffer_source(input, |bytes| {
            state.borrow_mut().decoders.decode(id, encoding, bytes, flags)
        })?
        .map_err(|error| error.into_op_error(encoding))?;
        text.to_v8(scope)
    }
}

op! {
    /// Whether `value` is a SharedArrayBuffer: V8 adds that constructor to the global only
    /// after the built-ins' snapshot, so the JS cannot capture its brand check.
    fn op_encoding_is_shared_array_buffer(scope, value: v8::Local<'s, v8::Value>)
        -> OpResult<bool>
    {
        Ok(value.is_shared_array_buffer())
    }
}

op! {
    /// Whether `value` is a growable SharedArrayBuffer (the JS cannot hold that getter either,
    /// for the reason above; it asks ArrayBuffers itself).
    fn op_encoding_is_growable(scope, value: v8::Local<'s, v8::Value>) -> OpResult<bool> {
        Ok(v8::Local::<v8::SharedArrayBuffer>::try_from(value)
            .is_ok_and(|buffer| buffer.get_backing_store().is_resizable_by_user_javascript()))
    }
}

op! {
    /// Drops the decoder of a collected TextDecoder that was mid-stream.
    fn op_encoding_decoder_drop(scope, id: u32) -> OpResult<()> {
        state(scope).borrow_mut().decoders.remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(label: &str, bytes: &[u8], mode: ErrorMode, ignore_bom: bool) -> Option<String> {
        let encoding = ENCODINGS[encoding_for_label(label).unwrap() as usize];
        decode_whole(encoding, bytes, mode, ignore_bom)
            .ok()
            .map(Text::into_string)
    }

    #[test]
    fn labels_resolve_to_the_table_and_every_encoding_is_listed() {
        assert_eq!(encoding_for_label(" UTF8\n"), Some(0));
        assert_eq!(
            encoding_for_label("latin1").map(|i| ENCODINGS[i as usize].name()),
            Some("windows-1252")
        );
        assert_eq!(
            encoding_for_label("utf-16").map(|i| ENCODINGS[i as usize].name()),
            Some("UTF-16LE")
        );
        assert_eq!(encoding_for_label("nope"), None);
        let mut names: Vec<_> = ENCODINGS.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 40);
    }

    #[test]
    fn only_the_own_bom_is_stripped_unless_ignored() {
        let r = ErrorMode::Replacement;
        assert_eq!(whole("utf-8", b"\xEF\xBB\xBFhi", r, false).unwrap(), "hi");
        assert_eq!(
            whole("utf-8", b"\xEF\xBB\xBFhi", r, true).unwrap(),
            "\u{FEFF}hi"
        );
        assert_eq!(whole("utf-16le", b"\xFF\xFEh\0", r, false).unwrap(), "h");
        assert_eq!(
            whole("utf-16le", b"\xFF\xFEh\0", r, true).unwrap(),
            "\u{FEFF}h"
        );
        // No sniffing: a UTF-16 BOM in UTF-8 is just invalid bytes.
        assert_eq!(
            whole("utf-8", b"\xFF\xFEh", r, false).unwrap(),
            "\u{FFFD}\u{FFFD}h"
        );
    }

    #[test]
    fn errors_are_replaced_per_maximal_subpart_or_refused_when_fatal() {
        let r = ErrorMode::Replacement;
        assert_eq!(
            whole("utf-8", b"a\xF0\x9F\x92b", r, false).unwrap(),
            "a\u{FFFD}b"
        );
        assert_eq!(
            whole("utf-8", b"\xC0\x80", r, false).unwrap(),
            "\u{FFFD}\u{FFFD}"
        );
        assert_eq!(whole("utf-8", b"a\xFF", ErrorMode::Fatal, false), None);
        assert_eq!(
            whole("shift_jis", b"\x82\xA0", ErrorMode::Fatal, false).unwrap(),
            "あ"
        );
        assert_eq!(whole("shift_jis", b"\x82", ErrorMode::Fatal, false), None);
    }

    fn stream(decoders: &mut StreamDecoders, chunks: &[(&[u8], u32)]) -> Vec<Option<String>> {
        chunks
            .iter()
            .map(|(bytes, flags)| {
                decoders
                    .decode(1, encoding_rs::UTF_16BE, bytes, *flags)
                    .ok()
                    .map(Text::into_string)
            })
            .collect()
    }

    #[test]
    fn a_stream_keeps_partial_units_and_flushes_them_at_the_end() {
        let mut decoders = StreamDecoders::default();
        let out = stream(
            &mut decoders,
            &[(b"\xFE", STREAM), (b"\xFF\0", CONTINUE | STREAM)],
        );
        assert_eq!(out, [Some(String::new()), Some(String::new())]);
        assert_eq!(decoders.0.len(), 1);
        let out = stream(&mut decoders, &[(b"a", CONTINUE)]);
        assert_eq!(out, [Some("a".to_owned())]);
        assert!(decoders.0.is_empty(), "a flush drops the decoder");
        let out = stream(&mut decoders, &[(b"\0", STREAM), (b"", CONTINUE)]);
        assert_eq!(out, [Some(String::new()), Some("\u{FFFD}".to_owned())]);
    }

    #[test]
    fn a_fatal_error_mid_stream_keeps_the_rest_for_the_next_call() {
        let mut decoders = StreamDecoders::default();
        let fatal = FATAL | STREAM;
        // A lone low surrogate, then "b" in the same chunk.
        let out = stream(
            &mut decoders,
            &[(b"\xDC\x00\0b", fatal), (b"", CONTINUE | FATAL)],
        );
        assert_eq!(out, [None, Some("b".to_owned())]);
    }

    #[test]
    fn a_lost_decoder_continues_without_bom_handling() {
        let mut decoders = StreamDecoders::default();
        let out = stream(&mut decoders, &[(b"\xFE\xFF\0a", CONTINUE)]);
        assert_eq!(out, [Some("\u{FEFF}a".to_owned())]);
    }
}
