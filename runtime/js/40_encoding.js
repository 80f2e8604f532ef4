"use strict";
// TextEncoder and TextDecoder over encoding_rs (runtime/src/encoding.rs), every encoding of
// the Encoding Standard. https://encoding.spec.whatwg.org/
//
// A decode that is a whole stream (no `stream: true` before or in it) keeps no state. A
// streaming decode keeps a native decoder in the runtime under this TextDecoder's id from the
// call that starts the stream to the one that ends it; a FinalizationRegistry drops it when
// a TextDecoder is collected mid-stream. Rust state is not part of a user snapshot: a
// TextDecoder frozen mid-stream carries on after restore from a fresh decoder past the BOM
// (bytes of an incomplete sequence buffered at snapshot time, at most a few, are lost; so is
// the ISO-2022-JP mode). A WarmFork clone inherits the seed's decoders with its memory.
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { kPlatformBrand } = internals.infra;
  const { configureInterface, illegalInvocation } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  // Intrinsics only this file needs, captured before user code runs.
  const { Float64Array, FinalizationRegistry } = globalThis;
  const ArrayBufferPrototype = ArrayBuffer.prototype;
  const FinalizationRegistryPrototypeRegister =
    P.uncurryThis(FinalizationRegistry.prototype.register);

  // The index of UTF-8 in the runtime's table of encodings.
  const kUtf8 = 0;

  // https://encoding.spec.whatwg.org/#concept-encoding-get → [index, name] or null
  function getEncoding(label) {
    // The default label and its usual spellings skip the op.
    if (label === "utf-8" || label === "utf8" || label === "UTF-8") return [kUtf8, "utf-8"];
    return ops.op_encoding_for_label(label);
  }

  // encodeInto() results: [read, written], written by the op.
  const encodeIntoCounts = new Float64Array(2);

  class TextEncoder {
    #brand = true;

    constructor() {
      this[kPlatformBrand] = "TextEncoder";
    }

    get encoding() {
      if (!(isObject(this) && #brand in this)) illegalInvocation();
      return "utf-8";
    }

    // https://encoding.spec.whatwg.org/#dom-textencoder-encode
    encode(input = "") {
      if (!(isObject(this) && #brand in this)) illegalInvocation();
      // USVString: the op replaces lone surrogates while it encodes.
      input = converters.DOMString(input, "Failed to execute 'encode' on 'TextEncoder'",
        "Argument 1");
      return ops.op_encoding_encode(input);
    }

    // https://encoding.spec.whatwg.org/#dom-textencoder-encodeinto
    encodeInto(source, destination) {
      if (!(isObject(this) && #brand in this)) illegalInvocation();
      const prefix = "Failed to execute 'encodeInto' on 'TextEncoder'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      // USVString, as in encode(); a lone surrogate is one code unit read either way.
      source = converters.DOMString(source, prefix, "Argument 1");
      if (!infra.isUint8Array(destination)) {
        throw new P.TypeError(`${prefix}: Argument 2 is not of type 'Uint8Array'.`);
      }
      // [AllowShared] but not [AllowResizable].
      if (isResizable(destination)) {
        throw new P.TypeError(`${prefix}: The provided Uint8Array value must not be resizable.`);
      }
      ops.op_encoding_encode_into(source, destination, encodeIntoCounts);
      return { read: encodeIntoCounts[0], written: encodeIntoCounts[1] };
    }
  }

  configureInterface(TextEncoder);

  const textDecoderOptions = webidl.createDictionaryConverter("TextDecoderOptions", [
    { key: "fatal", converter: converters.boolean, defaultValue: false },
    { key: "ignoreBOM", converter: converters.boolean, defaultValue: false },
  ]);
  const textDecodeOptions = webidl.createDictionaryConverter("TextDecodeOptions", [
    { key: "stream", converter: converters.boolean, defaultValue: false },
  ]);

  // The flags of op_encoding_decode_stream.
  const kFatal = 1;
  const kIgnoreBOM = 2;
  const kContinue = 4;
  const kStream = 8;

  // Ids of TextDecoders that have streamed; the JS counter survives a snapshot, so ids
  // never repeat in a restored worker.
  let nextDecoderId = 1;
  const decoderRegistry = new FinalizationRegistry((id) => ops.op_encoding_decoder_drop(id));
  const emptyBytes = new P.Uint8Array(0);

  // An ArrayBuffer, a SharedArrayBuffer or a view of either. As in isResizable(), the
  // prototype picks the likely kind: no op call for an ArrayBuffer, no throw for a
  // SharedArrayBuffer.
  function isAllowSharedBufferSource(value) {
    if (P.ArrayBufferIsView(value)) return true;
    if (!isObject(value)) return false;
    if (P.ObjectGetPrototypeOf(value) === ArrayBufferPrototype && infra.isArrayBuffer(value)) {
      return true;
    }
    return ops.op_encoding_is_shared_array_buffer(value) || infra.isArrayBuffer(value);
  }

  // Whether a buffer source's buffer can change its length: a resizable ArrayBuffer (detached
  // or not) or a growable SharedArrayBuffer. WebIDL refuses those for an argument without
  // [AllowResizable]. https://webidl.spec.whatwg.org/#js-buffer-source-types
  function isResizable(source) {
    let buffer = source;
    if (P.ArrayBufferIsView(source)) {
      buffer = infra.isDataView(source)
        ? P.DataViewPrototypeGetBuffer(source)
        : P.TypedArrayPrototypeGetBuffer(source);
    }
    // The prototype only picks the likely kind (a script may change it); the getter and the
    // op check the brand. A SharedArrayBuffer goes to the op without a throw in between.
    if (P.ObjectGetPrototypeOf(buffer) === ArrayBufferPrototype) {
      try {
        return P.ArrayBufferPrototypeGetResizable(buffer);
      } catch {
        // A SharedArrayBuffer given ArrayBuffer's prototype.
      }
    }
    return ops.op_encoding_is_shared_array_buffer(buffer)
      ? ops.op_encoding_is_growable(buffer)
      : P.ArrayBufferPrototypeGetResizable(buffer);
  }

  class TextDecoder {
    // Index of the encoding in the runtime's table, and its name.
    #encoding;
    #name;
    #fatal;
    #ignoreBOM;
    // https://encoding.spec.whatwg.org/#textdecoder-do-not-flush-flag
    #doNotFlush = false;
    // The key of the native decoder of a stream, 0 until this decoder first streams.
    #id = 0;

    // https://encoding.spec.whatwg.org/#dom-textdecoder
    constructor(label = "utf-8", options = undefined) {
      this[kPlatformBrand] = "TextDecoder";
      const prefix = "Failed to construct 'TextDecoder'";
      label = converters.DOMString(label, prefix, "Argument 1");
      const dict = textDecoderOptions(options, prefix, "Argument 2");
      // 1.
      const encoding = getEncoding(label);
      // 2.
      if (encoding === null || encoding[1] === "replacement") {
        throw new P.RangeError(
          `${prefix}: The encoding label provided ('${label}') is invalid.`);
      }
      // 3-5.
      this.#encoding = encoding[0];
      this.#name = encoding[1];
      this.#fatal = dict.fatal;
      this.#ignoreBOM = dict.ignoreBOM;
    }

    get encoding() {
      if (!(isObject(this) && #fatal in this)) illegalInvocation();
      return this.#name;
    }

    get fatal() {
      if (!(isObject(this) && #fatal in this)) illegalInvocation();
      return this.#fatal;
    }

    get ignoreBOM() {
      if (!(isObject(this) && #fatal in this)) illegalInvocation();
      return this.#ignoreBOM;
    }

    // https://encoding.spec.whatwg.org/#dom-textdecoder-decode
    decode(input = undefined, options = undefined) {
      if (!(isObject(this) && #fatal in this)) illegalInvocation();
      const prefix = "Failed to execute 'decode' on 'TextDecoder'";
      // AllowSharedBufferSource, converted before the options; the op reads its bytes in
      // place (none when detached).
      if (input === undefined) {
        input = emptyBytes;
      } else if (!isAllowSharedBufferSource(input)) {
        throw new P.TypeError(`${prefix}: The provided value is not of type ` +
          "'(ArrayBuffer or ArrayBufferView or SharedArrayBuffer)'.");
      } else if (isResizable(input)) {
        throw new P.TypeError(`${prefix}: The provided buffer must not be resizable.`);
      }
      const { stream } = textDecodeOptions(options, prefix, "Argument 2");

      // 1. Without a stream in progress or starting, the whole input is the stream.
      if (!this.#doNotFlush && !stream) {
        return ops.op_encoding_decode(this.#encoding, input, this.#fatal, this.#ignoreBOM);
      }
      const flags = (this.#fatal ? kFatal : 0) | (this.#ignoreBOM ? kIgnoreBOM : 0) |
        (this.#doNotFlush ? kContinue : 0) | (stream ? kStream : 0);
      if (this.#id === 0) {
        this.#id = nextDecoderId;
        nextDecoderId = nextDecoderId >= 0xffffffff ? 1 : nextDecoderId + 1;
        FinalizationRegistryPrototypeRegister(decoderRegistry, this, this.#id);
      }
      // 2. (also when the decode throws)
      this.#doNotFlush = stream;
      // 3-5.
      return ops.op_encoding_decode_stream(this.#id, this.#encoding, input, flags);
    }
  }

  configureInterface(TextDecoder);

  internals.TextEncoder = TextEncoder;
  internals.TextDecoder = TextDecoder;
  internals.encoding = {
    encode: (string) => ops.op_encoding_encode(string),
    // https://encoding.spec.whatwg.org/#utf-8-decode (strips a BOM, replaces errors)
    decode: (bytes) => ops.op_encoding_decode(kUtf8, bytes, false, false),
    // https://encoding.spec.whatwg.org/#utf-8-decode-without-bom
    decodeWithoutBOM: (bytes) => ops.op_encoding_decode(kUtf8, bytes, false, true),
    // https://encoding.spec.whatwg.org/#concept-encoding-get: [index, name] or null
    getEncoding,
    // https://encoding.spec.whatwg.org/#decode: a BOM decides over the encoding `index`.
    decodeWithFallback(index, bytes) {
      const b0 = bytes[0];
      const b1 = bytes[1];
      if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) index = kUtf8;
      else if (b0 === 0xfe && b1 === 0xff) index = getEncoding("utf-16be")[0];
      else if (b0 === 0xff && b1 === 0xfe) index = getEncoding("utf-16le")[0];
      // The BOM, if any, is that of the encoding now, which drops it.
      return ops.op_encoding_decode(index, bytes, false, false);
    },
  };
});
