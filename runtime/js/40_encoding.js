"use strict";
// TextEncoder and TextDecoder, UTF-8 only for now. The codec itself is native
// (op_encoding_encode_utf8/op_encoding_decode_utf8); streaming decode keeps an incomplete
// trailing sequence in JavaScript until the next call.
// https://encoding.spec.whatwg.org/
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { kPlatformBrand } = internals.infra;
  const { configureInterface, illegalInvocation } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  // https://encoding.spec.whatwg.org/#names-and-labels (UTF-8 row)
  const utf8Labels = [
    "unicode-1-1-utf-8",
    "unicode11utf8",
    "unicode20utf8",
    "utf-8",
    "utf8",
    "x-unicode20utf8",
  ];

  const asciiWhitespace = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

  // https://encoding.spec.whatwg.org/#concept-encoding-get
  function getEncoding(label) {
    // 1.
    const name = P.StringPrototypeToLowerCase(
      P.StringPrototypeReplace(label, asciiWhitespace, ""));
    // 2.
    if (P.ArrayPrototypeIncludes(utf8Labels, name)) return "utf-8";
    return null;
  }

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
      input = converters.USVString(input, "Failed to execute 'encode' on 'TextEncoder'",
        "Argument 1");
      return ops.op_encoding_encode_utf8(input);
    }

    // https://encoding.spec.whatwg.org/#dom-textencoder-encodeinto
    encodeInto(source, destination) {
      if (!(isObject(this) && #brand in this)) illegalInvocation();
      const prefix = "Failed to execute 'encodeInto' on 'TextEncoder'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      source = converters.USVString(source, prefix, "Argument 1");
      if (!infra.isUint8Array(destination)) {
        throw new P.TypeError(`${prefix}: Argument 2 is not of type 'Uint8Array'.`);
      }
      const capacity = P.TypedArrayPrototypeGetLength(destination);
      let read = 0;
      let written = 0;
      // Code points are written whole; a USVString has no lone surrogates.
      while (read < source.length) {
        const cp = P.StringPrototypeCodePointAt(source, read);
        const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + size > capacity) break;
        if (size === 1) {
          destination[written] = cp;
        } else if (size === 2) {
          destination[written] = 0xc0 | (cp >> 6);
          destination[written + 1] = 0x80 | (cp & 0x3f);
        } else if (size === 3) {
          destination[written] = 0xe0 | (cp >> 12);
          destination[written + 1] = 0x80 | ((cp >> 6) & 0x3f);
          destination[written + 2] = 0x80 | (cp & 0x3f);
        } else {
          destination[written] = 0xf0 | (cp >> 18);
          destination[written + 1] = 0x80 | ((cp >> 12) & 0x3f);
          destination[written + 2] = 0x80 | ((cp >> 6) & 0x3f);
          destination[written + 3] = 0x80 | (cp & 0x3f);
        }
        written += size;
        read += cp > 0xffff ? 2 : 1;
      }
      return { read, written };
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

  // How many bytes at the end of `bytes` start a UTF-8 sequence that is not complete yet.
  function incompleteTail(bytes) {
    const length = bytes.length;
    for (let back = 1; back <= 3 && back <= length; back++) {
      const byte = bytes[length - back];
      if ((byte & 0xc0) === 0x80) continue;
      let need = 1;
      if (byte >= 0xc2 && byte <= 0xdf) need = 2;
      else if (byte >= 0xe0 && byte <= 0xef) need = 3;
      else if (byte >= 0xf0 && byte <= 0xf4) need = 4;
      return need > back ? back : 0;
    }
    return 0;
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    // Bytes held back from the previous streaming decode() call.
    #pending = null;
    // Whether output has started, after which a BOM is content.
    #bomSeen = false;

    // https://encoding.spec.whatwg.org/#dom-textdecoder
    constructor(label = "utf-8", options = undefined) {
      this[kPlatformBrand] = "TextDecoder";
      const prefix = "Failed to construct 'TextDecoder'";
      label = converters.DOMString(label, prefix, "Argument 1");
      const dict = textDecoderOptions(options, prefix, "Argument 2");
      // 1.
      const encoding = getEncoding(label);
      // 2.
      if (encoding === null) {
        // TODO(conform): legacy single-byte encodings and UTF-16 are not supported yet; they
        // throw as unknown labels do.
        throw new P.RangeError(
          `${prefix}: The encoding label provided ('${label}') is invalid or unsupported.`);
      }
      // 4-5.
      this.#fatal = dict.fatal;
      this.#ignoreBOM = dict.ignoreBOM;
    }

    get encoding() {
      if (!(isObject(this) && #fatal in this)) illegalInvocation();
      return "utf-8";
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
      let bytes;
      if (input === undefined) {
        bytes = new P.Uint8Array(0);
      } else if (infra.isArrayBuffer(input) || P.ArrayBufferIsView(input)) {
        bytes = infra.viewBytes(input);
      } else {
        throw new P.TypeError(
          `${prefix}: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.`);
      }
      const { stream } = textDecodeOptions(options, prefix, "Argument 2");

      if (this.#pending !== null) {
        bytes = infra.concatBytes([this.#pending, bytes]);
        this.#pending = null;
      }
      if (stream) {
        const tail = incompleteTail(bytes);
        if (tail > 0) {
          this.#pending = P.TypedArrayPrototypeSlice(bytes, bytes.length - tail);
          bytes = new P.Uint8Array(P.TypedArrayPrototypeGetBuffer(bytes),
            P.TypedArrayPrototypeGetByteOffset(bytes), bytes.length - tail);
        }
      }

      // The BOM is only stripped at the start of a stream.
      const keepBOM = this.#ignoreBOM || this.#bomSeen;
      let text;
      try {
        text = ops.op_encoding_decode_utf8(bytes, this.#fatal, keepBOM);
      } catch (error) {
        this.#pending = null;
        this.#bomSeen = false;
        throw error;
      }
      if (stream) {
        if (bytes.length > 0) this.#bomSeen = true;
      } else {
        this.#bomSeen = false;
      }
      return text;
    }
  }

  configureInterface(TextDecoder);

  internals.TextEncoder = TextEncoder;
  internals.TextDecoder = TextDecoder;
  internals.encoding = {
    encode: (string) => ops.op_encoding_encode_utf8(string),
    // https://encoding.spec.whatwg.org/#utf-8-decode (strips a BOM, replaces errors)
    decode: (bytes) => ops.op_encoding_decode_utf8(bytes, false, false),
  };
});
