"use strict";
// FormData (https://xhr.spec.whatwg.org/#interface-formdata) and the multipart/form-data
// format it travels in: HTML's encoding algorithm for bodies made from a FormData, and the
// parser behind Body's formData(). A worker has no forms, so there is no form element to
// construct from.
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { configureInterface, illegalInvocation, kPlatformBrand } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const blobImpl = internals.blob;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const toBlob = webidl.createInterfaceConverter("Blob", blobImpl.isBlob);

  // https://xhr.spec.whatwg.org/#create-an-entry
  // `value` is a scalar value string or a Blob; `filename` a scalar value string or undefined.
  function createEntry(name, value, filename) {
    // 1-2. (The WebIDL conversions made name and a string value scalar value strings.)
    if (typeof value === "string") return [name, value];
    // 3.1.
    if (!blobImpl.isFile(value)) {
      value = blobImpl.createFile(blobImpl.bytes(value), "blob", blobImpl.type(value));
    }
    // 3.2.
    if (filename !== undefined) {
      value = blobImpl.createFile(blobImpl.bytes(value), filename, blobImpl.type(value),
        blobImpl.lastModified(value));
    }
    // 4.
    return [name, value];
  }

  // The arguments of append() and set(): (USVString name, USVString value) or
  // (USVString name, Blob blobValue, optional USVString filename), chosen as WebIDL's overload
  // resolution does. https://webidl.spec.whatwg.org/#es-overloads
  function entryFromArguments(args, prefix) {
    webidl.requiredArguments(args.length, 2, prefix);
    const name = converters.USVString(args[0], prefix, "Argument 1");
    if (args.length === 2 && !blobImpl.isBlob(args[1])) {
      return createEntry(name, converters.USVString(args[1], prefix, "Argument 2"), undefined);
    }
    const value = toBlob(args[1], prefix, "Argument 2");
    const filename = args[2] === undefined
      ? undefined
      : converters.USVString(args[2], prefix, "Argument 3");
    return createEntry(name, value, filename);
  }

  let formDataSlots;

  class FormData {
    // The entry list: [name, value] pairs, value a string or a File.
    // https://xhr.spec.whatwg.org/#concept-formdata-entry-list
    #entries = [];

    // https://xhr.spec.whatwg.org/#dom-formdata
    constructor(form = undefined, submitter = null) {
      this[kPlatformBrand] = "FormData";
      const prefix = "Failed to construct 'FormData'";
      // No HTMLFormElement or HTMLElement exists in a worker, so only their absence converts.
      if (form !== undefined) {
        throw new P.TypeError(`${prefix}: parameter 1 is not of type 'HTMLFormElement'.`);
      }
      if (submitter !== undefined && submitter !== null) {
        throw new P.TypeError(`${prefix}: parameter 2 is not of type 'HTMLElement'.`);
      }
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-append
    append(name, value) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const entry = entryFromArguments(arguments, "Failed to execute 'append' on 'FormData'");
      P.ArrayPrototypePush(this.#entries, entry);
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-delete
    delete(name) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const prefix = "Failed to execute 'delete' on 'FormData'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      // In place: iterators read the list by index.
      const entries = this.#entries;
      for (let i = entries.length - 1; i >= 0; i--) {
        if (entries[i][0] === name) P.ArrayPrototypeSplice(entries, i, 1);
      }
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-get
    get(name) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const prefix = "Failed to execute 'get' on 'FormData'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      const entry = P.ArrayPrototypeFind(this.#entries, (e) => e[0] === name);
      return entry === undefined ? null : entry[1];
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-getall
    getAll(name) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const prefix = "Failed to execute 'getAll' on 'FormData'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      const values = [];
      for (const entry of this.#entries) {
        if (entry[0] === name) P.ArrayPrototypePush(values, entry[1]);
      }
      return values;
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-has
    has(name) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const prefix = "Failed to execute 'has' on 'FormData'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      return P.ArrayPrototypeSome(this.#entries, (e) => e[0] === name);
    }

    // https://xhr.spec.whatwg.org/#dom-formdata-set
    set(name, value) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const entry = entryFromArguments(arguments, "Failed to execute 'set' on 'FormData'");
      // Replaces the first entry of that name and removes the others, or appends.
      const entries = this.#entries;
      const index = P.ArrayPrototypeFindIndex(entries, (e) => e[0] === entry[0]);
      if (index === -1) {
        P.ArrayPrototypePush(entries, entry);
        return;
      }
      entries[index] = entry;
      for (let i = entries.length - 1; i > index; i--) {
        if (entries[i][0] === entry[0]) P.ArrayPrototypeSplice(entries, i, 1);
      }
    }

    // https://webidl.spec.whatwg.org/#es-iterable-entries
    entries() {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      return formDataIterator(this, "key+value");
    }

    keys() {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      return formDataIterator(this, "key");
    }

    values() {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      return formDataIterator(this, "value");
    }

    // https://webidl.spec.whatwg.org/#es-forEach
    forEach(callback, thisArg = undefined) {
      if (!(isObject(this) && #entries in this)) illegalInvocation();
      const prefix = "Failed to execute 'forEach' on 'FormData'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      callback = converters.Function(callback, prefix, "Argument 1");
      // The list is read again after every call, as the callback may change it.
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        P.ReflectApply(callback, thisArg, [entry[1], entry[0], this]);
      }
    }

    static {
      formDataSlots = {
        isFormData: (v) => isObject(v) && #entries in v,
        entries: (formData) => formData.#entries,
        create(entries) {
          const formData = new FormData();
          formData.#entries = entries;
          return formData;
        },
      };
    }
  }

  P.ObjectDefineProperty(FormData.prototype, P.SymbolIterator, {
    value: FormData.prototype.entries,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  configureInterface(FormData);

  const formDataIterator = infra.definePairIterator("FormData", formDataSlots.entries);

  // Shown as its entries, a name given more than once with the list of its values.
  internals.setCustomInspect(FormData, (formData) => {
    const shown = {};
    for (const { 0: name, 1: value } of formDataSlots.entries(formData)) {
      const seen = P.ObjectPrototypeHasOwnProperty(shown, name);
      let shownValue = value;
      if (seen) {
        const before = shown[name];
        shownValue = P.ArrayIsArray(before) ? [...before, value] : [before, value];
      }
      P.ObjectDefineProperty(shown, name, {
        value: shownValue,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return shown;
  });

  // ===== multipart/form-data =====

  // https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart/form-data-boundary-string
  function newBoundary() {
    const bytes = new P.Uint8Array(16);
    ops.op_random_fill(bytes);
    let hex = "";
    for (let i = 0; i < 16; i++) {
      hex += P.StringPrototypePadStart(P.NumberPrototypeToString(bytes[i], 16), 2, "0");
    }
    return `----aworker-formdata-${hex}`;
  }

  const newlineRe = /\r\n?|\n/g;
  const normalizeNewlines = (s) => P.StringPrototypeReplace(s, newlineRe, "\r\n");
  const dispositionEscapes = { "\n": "%0A", "\r": "%0D", "\"": "%22" };
  const escapeRe = /[\n\r"]/g;
  const escapeDisposition = (s) =>
    P.StringPrototypeReplace(s, escapeRe, (c) => dispositionEscapes[c]);

  // https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#multipart/form-data-encoding-algorithm
  // with UTF-8 as the encoding. Returns the bytes.
  function serializeMultipart(entries, boundary) {
    const chunks = [];
    let text = "";
    for (const entry of entries) {
      // 1.1-1.2. Names have their newlines normalized; string values too; files keep theirs.
      const name = escapeDisposition(normalizeNewlines(entry[0]));
      const value = entry[1];
      text += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
      if (typeof value === "string") {
        text += `\r\n\r\n${normalizeNewlines(value)}\r\n`;
        continue;
      }
      const type = blobImpl.type(value) || "application/octet-stream";
      text += `; filename="${escapeDisposition(blobImpl.name(value))}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`;
      P.ArrayPrototypePush(chunks, internals.encoding.encode(text));
      P.ArrayPrototypePush(chunks, blobImpl.bytes(value));
      text = "\r\n";
    }
    text += `--${boundary}--\r\n`;
    P.ArrayPrototypePush(chunks, internals.encoding.encode(text));
    return infra.concatBytes(chunks);
  }

  // The parser behind Body's formData(). https://fetch.spec.whatwg.org/#dom-body-formdata
  // defers to RFC 7578; this follows the parser proposed for HTML
  // (https://andreubotella.github.io/multipart-form-data/), which browsers agree with: no
  // preamble, a Content-Disposition of exactly `form-data; name="..."` (then optionally
  // `; filename="..."`) in every part, CRLF line ends. `bytes` is a Uint8Array the caller
  // gives up (files keep views of it); `boundary` the MIME type's parameter. Returns the entry
  // list, or null for failure.
  function parseMultipart(bytes, boundary) {
    const dashBoundary = isomorphicEncode(`--${boundary}`);
    const delimiter = isomorphicEncode(`\r\n--${boundary}`);
    const entries = [];
    if (!startsWith(bytes, 0, dashBoundary)) return null;
    let position = P.TypedArrayPrototypeGetLength(dashBoundary);
    for (;;) {
      // "--" after a boundary ends the body (an epilogue may follow); CRLF starts a part.
      if (bytes[position] === 0x2d && bytes[position + 1] === 0x2d) return entries;
      if (bytes[position] !== 0x0d || bytes[position + 1] !== 0x0a) return null;
      const headers = parseMultipartHeaders(bytes, position + 2);
      if (headers === null) return null;
      // The part's body runs up to the next CRLF "--" boundary.
      const end = indexOfBytes(bytes, delimiter, headers.position);
      if (end === -1) return null;
      const body = new P.Uint8Array(P.TypedArrayPrototypeGetBuffer(bytes),
        P.TypedArrayPrototypeGetByteOffset(bytes) + headers.position, end - headers.position);
      position = end + P.TypedArrayPrototypeGetLength(delimiter);
      let value;
      if (headers.filename !== null) {
        // RFC 7578 section 4.4: text/plain is the default type.
        value = blobImpl.createFile(body, headers.filename, headers.contentType ?? "text/plain");
      } else {
        value = internals.encoding.decodeWithoutBOM(body);
      }
      P.ArrayPrototypePush(entries, [headers.name, value]);
    }
  }

  // A part's header lines up to the empty line. Returns { name, filename, contentType,
  // position } (position after the empty line), or null for failure (malformed lines, no
  // Content-Disposition).
  function parseMultipartHeaders(bytes, position) {
    const length = P.TypedArrayPrototypeGetLength(bytes);
    let name = null;
    let filename = null;
    let contentType = null;
    for (;;) {
      if (bytes[position] === 0x0d && bytes[position + 1] === 0x0a) {
        if (name === null) return null;
        return { name, filename, contentType, position: position + 2 };
      }
      // The header name, a token, up to ":"; then tabs and spaces; then the value, up to CRLF.
      const nameStart = position;
      while (position < length && bytes[position] !== 0x0a && bytes[position] !== 0x0d &&
        bytes[position] !== 0x3a) {
        position++;
      }
      const headerName = infra.isomorphicDecode(bytes, nameStart, position);
      if (!internals.headers.isHeaderName(headerName)) return null;
      if (bytes[position] !== 0x3a) return null;
      position++;
      while (bytes[position] === 0x09 || bytes[position] === 0x20) position++;
      const valueStart = position;
      while (position < length && bytes[position] !== 0x0a && bytes[position] !== 0x0d) {
        position++;
      }
      const valueEnd = position;
      if (bytes[position] !== 0x0d || bytes[position + 1] !== 0x0a) return null;
      position += 2;
      switch (P.StringPrototypeToLowerCase(headerName)) {
        case "content-disposition": {
          const parsed = parseContentDisposition(bytes, valueStart, valueEnd);
          if (parsed === null) return null;
          name = parsed.name;
          filename = parsed.filename;
          break;
        }
        case "content-type":
          contentType = infra.isomorphicDecode(bytes, valueStart, valueEnd);
          break;
        default:
          break;
      }
    }
  }

  const formDataNamePrefix = isomorphicEncode("form-data; name=\"");
  const filenamePrefix = isomorphicEncode("; filename=\"");

  // A Content-Disposition value in bytes[start..end): { name, filename (or null) } or null.
  function parseContentDisposition(bytes, start, end) {
    if (!startsWith(bytes, start, formDataNamePrefix, end)) return null;
    const name = parseQuotedName(bytes, start + formDataNamePrefix.length, end);
    if (name === null) return null;
    let filename = null;
    if (startsWith(bytes, name.position, filenamePrefix, end)) {
      const parsed = parseQuotedName(bytes, name.position + filenamePrefix.length, end);
      if (parsed === null) return null;
      filename = parsed.value;
    }
    return { name: name.value, filename };
  }

  // The bytes from `position` (after an opening quote) up to the closing quote, with the
  // escapes of the encoding algorithm (%0A, %0D, %22) undone, decoded as UTF-8. Returns
  // { value, position } (after the closing quote), or null when the quote is not closed.
  function parseQuotedName(bytes, position, end) {
    const out = [];
    while (position < end && bytes[position] !== 0x22) {
      let byte = bytes[position];
      if (byte === 0x25 && position + 2 < end) {
        const escape = infra.isomorphicDecode(bytes, position + 1, position + 3);
        const decoded = escape === "0A" ? 0x0a : escape === "0D" ? 0x0d : escape === "22"
          ? 0x22 : -1;
        if (decoded !== -1) {
          byte = decoded;
          position += 2;
        }
      }
      P.ArrayPrototypePush(out, byte);
      position++;
    }
    if (position >= end) return null;
    const value = internals.encoding.decodeWithoutBOM(new P.Uint8Array(out));
    return { value, position: position + 1 };
  }

  // ===== bytes =====

  // https://infra.spec.whatwg.org/#isomorphic-encode (code points below U+0100 only)
  function isomorphicEncode(s) {
    const out = new P.Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = P.StringPrototypeCharCodeAt(s, i);
    return out;
  }

  // Whether bytes[position..] starts with `prefix`, within `end`.
  function startsWith(bytes, position, prefix, end = P.TypedArrayPrototypeGetLength(bytes)) {
    const n = P.TypedArrayPrototypeGetLength(prefix);
    if (position + n > end) return false;
    for (let i = 0; i < n; i++) if (bytes[position + i] !== prefix[i]) return false;
    return true;
  }

  // The index of the first `needle` in `bytes` from `from`, or -1.
  function indexOfBytes(bytes, needle, from) {
    const first = needle[0];
    const last = P.TypedArrayPrototypeGetLength(bytes) - P.TypedArrayPrototypeGetLength(needle);
    for (let i = from; i <= last; i++) {
      i = P.TypedArrayPrototypeIndexOf(bytes, first, i);
      if (i === -1 || i > last) return -1;
      if (startsWith(bytes, i, needle)) return i;
    }
    return -1;
  }

  internals.FormData = FormData;
  internals.formData = {
    isFormData: formDataSlots.isFormData,
    entries: formDataSlots.entries,
    // A FormData owning `entries`, a list of [scalar value string, string or File].
    create: formDataSlots.create,
    newBoundary,
    serializeMultipart,
    parseMultipart,
  };
});
