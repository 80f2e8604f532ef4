"use strict";
// Loads the built-in JavaScript into a fresh V8 context exactly as the runtime does: each
// numbered file is a classic script whose completion value is `(ops, internals) => {}`, called
// in numeric order with the same `internals` object. The ops are fakes recording their calls.
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// AWORKER_JS_DIR points the tests at another copy of the files (e.g. a subset).
const jsDir = process.env.AWORKER_JS_DIR || path.join(__dirname, "..");

function builtinFiles() {
  return fs.readdirSync(jsDir)
    .filter((name) => /^\d\d_.*\.js$/.test(name))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : 1));
}

// Creates a context with the runtime loaded. `overrides` replaces individual fake ops.
function loadRuntime(overrides = {}) {
  // An ordinary global, as V8 gives the runtime: a contextified sandbox would pass accessors
  // on the global a receiver other than `globalThis`.
  const context = vm.createContext(vm.constants.DONT_CONTEXTIFY);
  const inContext = (code) => vm.runInContext(code, context);
  const U8 = inContext("Uint8Array");
  const CtxPromise = inContext("Promise");
  const CtxTypeError = inContext("TypeError");

  const printed = [];
  const logs = [];
  const timers = new Map();
  const responses = [];
  const sinks = new Map();
  let nextSink = 100;
  const encodingNames = ["utf-8"];
  const decoders = new Map();
  const fakeDecode = (decoder, bytes, stream) => {
    // A detached buffer (byteLength 0) has no bytes.
    let view = new Uint8Array(0);
    if (bytes.byteLength > 0) {
      view = ArrayBuffer.isView(bytes)
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : new Uint8Array(bytes);
    }
    try {
      return decoder.decode(view, { stream });
    } catch {
      throw new CtxTypeError(`The encoded data was not valid for encoding ${decoder.encoding}`);
    }
  };
  const bodies = new Map();

  // The URL ops stand in for Ada with node's own WHATWG URL: the serialization and the
  // offsets Ada would report for it (see runtime/src/url.rs).
  const urlParts = (url) => {
    const { href, protocol, username, password, hostname, port, search, hash } = url;
    const protocolEnd = protocol.length;
    const hasAuthority = href.startsWith("//", protocolEnd);
    const usernameEnd = hasAuthority ? protocolEnd + 2 + username.length : protocolEnd;
    const hostStart = password !== "" ? usernameEnd + 1 + password.length : usernameEnd;
    const credentials = username !== "" || password !== "";
    const hostEnd = hostStart + (credentials ? 1 : 0) + hostname.length;
    const hashStart = href.includes("#") ? href.length - (hash || "#").length : -1;
    const queryEnd = hashStart === -1 ? href.length : hashStart;
    const searchStart = href.slice(0, queryEnd).includes("?")
      ? queryEnd - (search || "?").length : -1;
    const pathnameStart = (searchStart === -1 ? queryEnd : searchStart) - url.pathname.length;
    return [href, protocolEnd, usernameEnd, hostStart, hostEnd, port === "" ? -1 : Number(port),
      pathnameStart, searchStart, hashStart];
  };
  const urlSetters = ["href", "protocol", "username", "password", "host", "hostname", "port",
    "pathname", "search", "hash"];

  // What op_console_value_details would learn from V8: node cannot read a proxy's target or a
  // promise's result, so tests register them (`makeProxy`, `promiseDetails`).
  const proxyTargets = new WeakMap();
  const promiseDetails = new WeakMap();
  const types = require("node:util").types;
  const kinds = [
    ["map", types.isMap], ["set", types.isSet], ["weakmap", types.isWeakMap],
    ["weakset", types.isWeakSet], ["date", types.isDate], ["regexp", types.isRegExp],
    ["error", types.isNativeError], ["typedarray", types.isTypedArray],
    ["arraybuffer", types.isArrayBuffer], ["sharedarraybuffer", types.isSharedArrayBuffer],
    ["dataview", types.isDataView], ["number", types.isNumberObject],
    ["string", types.isStringObject], ["boolean", types.isBooleanObject],
    ["bigint", types.isBigIntObject], ["symbol", types.isSymbolObject],
    ["arguments", types.isArgumentsObject], ["module", types.isModuleNamespaceObject],
    ["generator", types.isGeneratorObject],
  ];

  const ops = {
    // V8's serializer as node exposes it stands in for the runtime's (which also handles
    // platform objects and transfers); the copy belongs to node's realm, not the context's.
    op_structured_clone(value, buffers, brand, writeHost, readHosts, dataCloneError) {
      let bytes;
      try {
        bytes = require("node:v8").serialize(value);
      } catch (error) {
        throw dataCloneError(error.message);
      }
      return require("node:v8").deserialize(bytes);
    },
    op_location: () => null,
    op_console_is_terminal: () => false,
    op_console_value_details(value) {
      if (types.isProxy(value)) {
        if (!proxyTargets.has(value)) throw new Error("a test must create proxies by makeProxy");
        return ["proxy", proxyTargets.get(value)];
      }
      if (types.isPromise(value)) {
        return ["promise", ...(promiseDetails.get(value) ?? ["pending", undefined])];
      }
      if (types.isMapIterator(value) || types.isSetIterator(value)) {
        // Node has no way to preview what an iterator has left; the e2e tests show it.
        return [types.isMapIterator(value) ? "mapiterator" : "setiterator", [], false];
      }
      return kinds.find(([, is]) => is(value))?.[0];
    },
    op_random_seed: () => new U8(require("node:crypto").randomBytes(16)),
    op_random_fill(view) {
      require("node:crypto").randomFillSync(view);
    },
    op_user_agent: () => "aworker/test",
    op_import_scripts() {},
    op_fetch: () => CtxPromise.reject(new CtxTypeError("no network in unit tests")),
    op_url_parse(href, base) {
      try {
        return urlParts(new URL(href, base));
      } catch {
        return null;
      }
    },
    op_url_can_parse: (href, base) => URL.canParse(href, base),
    op_url_set(href, which, value) {
      const url = new URL(href);
      try {
        url[urlSetters[which]] = value;
      } catch {
        return null;
      }
      return urlParts(url);
    },
    op_url_search_params_parse(query) {
      // "&" keeps node from dropping a leading "?", which the real op parses as a name.
      return [...new URLSearchParams(`&${query}`)].flat();
    },
    op_url_urlencoded_parse_bytes(bytes) {
      // Node's parser takes strings only: exact for UTF-8 bodies.
      return [...new URLSearchParams(`&${Buffer.from(bytes).toString("utf8")}`)].flat();
    },
    op_console_print(level, text) {
      printed.push({ level, text });
    },
    op_report_uncaught(text) {
      printed.push({ level: 3, text });
    },
    op_log(level, message) {
      logs.push({ level, message });
    },
    op_timer_start(id, delay) {
      timers.set(id, delay);
    },
    op_timer_cancel(id) {
      timers.delete(id);
    },
    op_now() {
      return performance.now();
    },
    op_time_origin() {
      return performance.timeOrigin;
    },
    // The encoding ops stand in for encoding_rs with node's own TextDecoder (full ICU).
    op_encoding_for_label(label) {
      try {
        const name = new TextDecoder(label).encoding;
        if (!encodingNames.includes(name)) encodingNames.push(name);
        return [encodingNames.indexOf(name), name];
      } catch {
        return /^\s*replacement\s*$/i.test(label) ? [-1, "replacement"] : null;
      }
    },
    op_encoding_encode(string) {
      return new U8(Buffer.from(String(string).toWellFormed(), "utf8"));
    },
    op_encoding_encode_into(string, destination, counts) {
      const result = new TextEncoder().encodeInto(string, destination);
      counts[0] = result.read;
      counts[1] = result.written;
    },
    op_encoding_decode(encoding, bytes, fatal, ignoreBOM) {
      return fakeDecode(new TextDecoder(encodingNames[encoding], { fatal, ignoreBOM }), bytes,
        false);
    },
    op_encoding_decode_stream(id, encoding, bytes, flags) {
      const [fatal, ignoreBOM, resume, stream] = [1, 2, 4, 8].map((bit) => (flags & bit) !== 0);
      let decoder = decoders.get(id);
      if (!resume || !decoder) {
        decoder = new TextDecoder(encodingNames[encoding], { fatal, ignoreBOM });
        decoders.set(id, decoder);
      }
      try {
        return fakeDecode(decoder, bytes, stream);
      } finally {
        if (!stream) decoders.delete(id);
      }
    },
    op_encoding_is_shared_array_buffer(value) {
      return require("node:util").types.isSharedArrayBuffer(value);
    },
    op_encoding_is_growable(value) {
      return value.growable === true;
    },
    op_encoding_decoder_drop(id) {
      decoders.delete(id);
    },
    op_respond(rid, status, statusText, headers, body) {
      let text = body;
      if (body !== null && typeof body !== "string") {
        const view = ArrayBuffer.isView(body)
          ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
          : new Uint8Array(body);
        text = Buffer.from(view).toString("utf8");
      }
      responses.push({ rid, status, statusText, headers: [...headers], body: text });
    },
    op_respond_stream(rid, status, statusText, headers) {
      const sinkRid = nextSink++;
      const response = {
        rid, status, statusText, headers: [...headers], chunks: [], closed: false,
        aborted: null, stream: true,
      };
      responses.push(response);
      sinks.set(sinkRid, response);
      return sinkRid;
    },
    op_body_write(sinkRid, chunk) {
      const response = sinks.get(sinkRid);
      if (response.failWrites) {
        return CtxPromise.reject(new CtxTypeError("client disconnected"));
      }
      response.chunks.push(Buffer.from(chunk).toString("utf8"));
      return CtxPromise.resolve(undefined);
    },
    op_body_close(sinkRid) {
      sinks.get(sinkRid).closed = true;
    },
    op_body_abort(sinkRid, message) {
      sinks.get(sinkRid).aborted = message;
    },
    op_body_read(sourceRid) {
      const source = bodies.get(sourceRid);
      if (source.reading) throw new Error("concurrent read on one body source");
      source.reading = true;
      return new CtxPromise((resolve) => {
        setImmediate(() => {
          source.reading = false;
          const chunk = source.chunks.shift();
          resolve(chunk === undefined ? null : new U8(Buffer.from(chunk)));
        });
      });
    },
    op_body_discard(sourceRid) {
      bodies.get(sourceRid).discarded = true;
    },
    ...overrides,
  };

  const internals = inContext("({})");
  // The runtime makes this a V8 private symbol (bootstrap.rs); node has no way to. An
  // ordinary symbol whose assignments become non-enumerable own properties (through a setter
  // on Object.prototype) comes close: only getOwnPropertySymbols() still sees it.
  internals.platformBrand = inContext(`(() => {
    const brand = Symbol("platform object");
    Object.defineProperty(Object.prototype, brand, {
      get: undefined,
      set(value) {
        Object.defineProperty(this, brand, { value, writable: true, configurable: true });
      },
      configurable: true,
    });
    return brand;
  })()`);
  for (const name of builtinFiles()) {
    const source = fs.readFileSync(path.join(jsDir, name), "utf8");
    const init = vm.runInContext(source, context, { filename: name });
    if (typeof init !== "function") throw new Error(`${name} did not evaluate to a function`);
    init(ops, internals);
  }

  return {
    context,
    internals,
    ops,
    decoders,
    printed,
    logs,
    timers,
    responses,
    sinks,
    // Registers an incoming request body made of string chunks; returns its rid.
    addBody(rid, chunks) {
      bodies.set(rid, { chunks: [...chunks], reading: false, discarded: false });
      return bodies.get(rid);
    },
    run: inContext,
    U8,
    // A Proxy of the runtime's context that inspect() can see through.
    makeProxy(target, handler) {
      const proxy = new (inContext("Proxy"))(target, handler);
      proxyTargets.set(proxy, target);
      return proxy;
    },
    makeRevokedProxy() {
      const { proxy, revoke } = inContext("Proxy").revocable({}, {});
      revoke();
      proxyTargets.set(proxy, null);
      return proxy;
    },
    // Marks `promise` as settled for inspect(): ["fulfilled", value] or ["rejected", reason].
    promiseDetails,
  };
}

// Lets pending promise jobs and setImmediate callbacks (fake I/O) run.
async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

module.exports = { loadRuntime, settle, builtinFiles };
