"use strict";
// URL and URLSearchParams (https://url.spec.whatwg.org/#api). Parsing and the setters are
// Ada's (runtime/src/url.rs), one op call each; the getters, origin, the
// application/x-www-form-urlencoded serializer and the link between a URL and its
// searchParams are here.
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalInvocation, kPlatformBrand } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  // A parsed URL is the array op_url_parse and op_url_set return: its serialization, then
  // Ada's offsets into it (-1 for an omitted port, query or fragment). The getters slice the
  // serialization, so reading a component never calls an op.
  const HREF = 0;
  const PROTOCOL_END = 1; // index after the scheme's ":"
  const USERNAME_END = 2;
  const HOST_START = 3; // the "@" ending the credentials, if there are any
  const HOST_END = 4;
  const PORT = 5;
  const PATHNAME_START = 6;
  const SEARCH_START = 7; // the "?"
  const HASH_START = 8; // the "#"

  // The setter indices of op_url_set.
  const SET_HREF = 0;
  const SET_PROTOCOL = 1;
  const SET_USERNAME = 2;
  const SET_PASSWORD = 3;
  const SET_HOST = 4;
  const SET_HOSTNAME = 5;
  const SET_PORT = 6;
  const SET_PATHNAME = 7;
  const SET_SEARCH = 8;
  const SET_HASH = 9;

  const kCreate = P.Symbol("create");
  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");
  const slice = P.StringPrototypeSlice;

  // The component getters over a parsed URL `c`.
  // https://url.spec.whatwg.org/#urlutils-members
  const getProtocol = (c) => slice(c[HREF], 0, c[PROTOCOL_END]);

  function getUsername(c) {
    const start = c[PROTOCOL_END] + 2; // after "//"
    return start < c[USERNAME_END] ? slice(c[HREF], start, c[USERNAME_END]) : "";
  }

  function getPassword(c) {
    const end = c[HOST_START];
    return end > c[USERNAME_END] ? slice(c[HREF], c[USERNAME_END] + 1, end) : "";
  }

  function hostStart(c) {
    const start = c[HOST_START];
    return c[HOST_END] > start && c[HREF][start] === "@" ? start + 1 : start;
  }

  const getHostname = (c) => slice(c[HREF], hostStart(c), c[HOST_END]);

  function getHost(c) {
    const start = hostStart(c);
    // With an empty host, a "/." that keeps the path from reading as a host may follow.
    return start === c[HOST_END] ? "" : slice(c[HREF], start, c[PATHNAME_START]);
  }

  const getPort = (c) => (c[PORT] === -1 ? "" : `${c[PORT]}`);

  function getPathname(c) {
    let end = c[SEARCH_START];
    if (end === -1) end = c[HASH_START];
    return end === -1 ? slice(c[HREF], c[PATHNAME_START]) : slice(c[HREF], c[PATHNAME_START], end);
  }

  function getSearch(c) {
    const start = c[SEARCH_START];
    if (start === -1) return "";
    const end = c[HASH_START] === -1 ? c[HREF].length : c[HASH_START];
    return end - start <= 1 ? "" : slice(c[HREF], start, end);
  }

  function getHash(c) {
    const start = c[HASH_START];
    return start === -1 || c[HREF].length - start <= 1 ? "" : slice(c[HREF], start);
  }

  // https://url.spec.whatwg.org/#concept-url-origin, serialized
  // (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin).
  function getOrigin(c) {
    switch (getProtocol(c)) {
      case "ftp:":
      case "http:":
      case "https:":
      case "ws:":
      case "wss:":
        return `${getProtocol(c)}//${getHost(c)}`;
      case "blob:": {
        const inner = ops.op_url_parse(getPathname(c), undefined);
        if (inner === null) return "null";
        const scheme = getProtocol(inner);
        return scheme === "http:" || scheme === "https:" ? getOrigin(inner) : "null";
      }
      default:
        return "null";
    }
  }

  let searchParamsSlots;
  let urlSlots;
  const toPair = webidl.createSequenceConverter(converters.USVString);
  const toRecord = webidl.createRecordConverter(converters.USVString, converters.USVString);

  const setterPrefix = (name) => `Failed to set the '${name}' property on 'URL'`;

  // https://url.spec.whatwg.org/#url-class
  class URL {
    #c;
    #searchParams = null;

    constructor(url, base = undefined) {
      this[kPlatformBrand] = "URL";
      // The private path of URL.parse(): a URL already parsed.
      if (url === kCreate) {
        this.#c = base;
        return;
      }
      const prefix = "Failed to construct 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      // https://url.spec.whatwg.org/#api-url-parser
      const parsed = ops.op_url_parse(url, base);
      if (parsed === null) {
        const detail = base === undefined ? `'${url}'` : `'${url}' with base '${base}'`;
        throw new P.TypeError(`${prefix}: Invalid URL ${detail}`);
      }
      this.#c = parsed;
    }

    // https://url.spec.whatwg.org/#dom-url-parse
    static parse(url, base = undefined) {
      const prefix = "Failed to execute 'parse' on 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      const parsed = ops.op_url_parse(url, base);
      return parsed === null ? null : new URL(kCreate, parsed);
    }

    // https://url.spec.whatwg.org/#dom-url-canparse
    static canParse(url, base = undefined) {
      const prefix = "Failed to execute 'canParse' on 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      return ops.op_url_can_parse(url, base);
    }

    // https://url.spec.whatwg.org/#dom-url-href
    get href() {
      return URL.#parts(this)[HREF];
    }

    set href(value) {
      URL.#check(this);
      const prefix = setterPrefix("href");
      value = converters.USVString(value, prefix, "Value");
      // Unlike the others, this setter throws on failure.
      const parsed = ops.op_url_set(this.#c[HREF], SET_HREF, value);
      if (parsed === null) throw new P.TypeError(`${prefix}: Invalid URL '${value}'`);
      this.#c = parsed;
      if (this.#searchParams !== null) {
        searchParamsSlots.reset(this.#searchParams, this.#c);
      }
    }

    get origin() {
      return getOrigin(URL.#parts(this));
    }

    get protocol() {
      return getProtocol(URL.#parts(this));
    }

    set protocol(value) {
      URL.#assign(this, SET_PROTOCOL, "protocol", value);
    }

    get username() {
      return getUsername(URL.#parts(this));
    }

    set username(value) {
      URL.#assign(this, SET_USERNAME, "username", value);
    }

    get password() {
      return getPassword(URL.#parts(this));
    }

    set password(value) {
      URL.#assign(this, SET_PASSWORD, "password", value);
    }

    get host() {
      return getHost(URL.#parts(this));
    }

    set host(value) {
      URL.#assign(this, SET_HOST, "host", value);
    }

    get hostname() {
      return getHostname(URL.#parts(this));
    }

    set hostname(value) {
      URL.#assign(this, SET_HOSTNAME, "hostname", value);
    }

    get port() {
      return getPort(URL.#parts(this));
    }

    set port(value) {
      URL.#assign(this, SET_PORT, "port", value);
    }

    get pathname() {
      return getPathname(URL.#parts(this));
    }

    set pathname(value) {
      URL.#assign(this, SET_PATHNAME, "pathname", value);
    }

    get search() {
      return getSearch(URL.#parts(this));
    }

    // https://url.spec.whatwg.org/#dom-url-search: also replaces the searchParams' list.
    set search(value) {
      URL.#assign(this, SET_SEARCH, "search", value);
      if (this.#searchParams !== null) {
        searchParamsSlots.reset(this.#searchParams, this.#c);
      }
    }

    // https://url.spec.whatwg.org/#dom-url-searchparams ([SameObject])
    get searchParams() {
      URL.#check(this);
      if (this.#searchParams === null) {
        this.#searchParams = searchParamsSlots.create(this.#c, this);
      }
      return this.#searchParams;
    }

    get hash() {
      return getHash(URL.#parts(this));
    }

    set hash(value) {
      URL.#assign(this, SET_HASH, "hash", value);
    }

    // https://url.spec.whatwg.org/#dom-url-tojson
    toJSON() {
      return URL.#parts(this)[HREF];
    }

    // The stringifier: https://webidl.spec.whatwg.org/#es-stringifier
    toString() {
      return URL.#parts(this)[HREF];
    }

    // Brand checks are static: a private method called on a foreign object would throw
    // V8's own TypeError before the check could run.
    static #check(v) {
      if (!(isObject(v) && #c in v)) illegalInvocation();
    }

    static #parts(v) {
      URL.#check(v);
      return v.#c;
    }

    // The setters other than href: a value the URL refuses leaves it unchanged.
    static #assign(url, which, name, value) {
      URL.#check(url);
      value = converters.USVString(value, setterPrefix(name), "Value");
      // Null only if the runtime could not build the result: the URL stays as it was.
      url.#c = ops.op_url_set(url.#c[HREF], which, value) ?? url.#c;
    }

    static {
      urlSlots = {
        isURL: (v) => isObject(v) && #c in v,
        parts: (url) => url.#c,
        // https://url.spec.whatwg.org/#concept-urlsearchparams-update: the URL's query
        // becomes the serialized list (the empty string sets it to null, which the search
        // setter does for "").
        setQuery(url, serialized) {
          url.#c = ops.op_url_set(url.#c[HREF], SET_SEARCH, serialized) ?? url.#c;
        },
      };
    }
  }

  configureInterface(URL);

  // https://url.spec.whatwg.org/#interface-urlsearchparams
  class URLSearchParams {
    #list = [];
    #url = null;

    constructor(init = "") {
      this[kPlatformBrand] = "URLSearchParams";
      const prefix = "Failed to construct 'URLSearchParams'";
      // 1-3. (sequence<sequence<USVString>> or record<USVString, USVString> or USVString)
      if (isObject(init)) {
        const method = init[P.SymbolIterator];
        if (method !== undefined && method !== null) {
          if (typeof method !== "function") {
            throw new P.TypeError(`${prefix}: The object's Symbol.iterator is not callable.`);
          }
          for (const pair of webidl.sequenceFromIterable(init, method, (v) => v, prefix)) {
            const items = toPair(pair, prefix);
            if (items.length !== 2) {
              throw new P.TypeError(
                `${prefix}: Each query pair must be [name, value]; got ${items.length} items.`,
              );
            }
            P.ArrayPrototypePush(this.#list, [items[0], items[1]]);
          }
        } else {
          const record = toRecord(init, prefix);
          for (const key of P.ReflectOwnKeys(record)) {
            P.ArrayPrototypePush(this.#list, [key, record[key]]);
          }
        }
      } else {
        init = converters.USVString(init, prefix, "Argument 1");
        if (init[0] === "?") init = P.StringPrototypeSlice(init, 1);
        this.#list = parsePairs(init);
      }
    }

    // https://url.spec.whatwg.org/#dom-urlsearchparams-size
    get size() {
      URLSearchParams.#check(this);
      return this.#list.length;
    }

    append(name, value) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'append' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      value = converters.USVString(value, prefix, "Argument 2");
      P.ArrayPrototypePush(this.#list, [name, value]);
      this.#update();
    }

    delete(name, value = undefined) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'delete' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      if (value !== undefined) value = converters.USVString(value, prefix, "Argument 2");
      this.#list = P.ArrayPrototypeFilter(this.#list, (pair) =>
        !(pair[0] === name && (value === undefined || pair[1] === value)));
      this.#update();
    }

    get(name) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'get' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      const pair = P.ArrayPrototypeFind(this.#list, (entry) => entry[0] === name);
      return pair === undefined ? null : pair[1];
    }

    getAll(name) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'getAll' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      const values = [];
      for (const pair of this.#list) {
        if (pair[0] === name) P.ArrayPrototypePush(values, pair[1]);
      }
      return values;
    }

    has(name, value = undefined) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'has' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      if (value !== undefined) value = converters.USVString(value, prefix, "Argument 2");
      return P.ArrayPrototypeSome(this.#list, (pair) =>
        pair[0] === name && (value === undefined || pair[1] === value));
    }

    // https://url.spec.whatwg.org/#dom-urlsearchparams-set
    set(name, value) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'set' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      value = converters.USVString(value, prefix, "Argument 2");
      const index = P.ArrayPrototypeFindIndex(this.#list, (pair) => pair[0] === name);
      if (index === -1) {
        P.ArrayPrototypePush(this.#list, [name, value]);
      } else {
        this.#list[index][1] = value;
        let i = index + 1;
        while (i < this.#list.length) {
          if (this.#list[i][0] === name) {
            P.ArrayPrototypeSplice(this.#list, i, 1);
          } else {
            i++;
          }
        }
      }
      this.#update();
    }

    // https://url.spec.whatwg.org/#dom-urlsearchparams-sort: stable, by code units.
    sort() {
      URLSearchParams.#check(this);
      const indexed = P.ArrayPrototypeMap(this.#list, (pair, index) => [pair, index]);
      P.ArrayPrototypeSort(indexed, (a, b) => {
        if (a[0][0] < b[0][0]) return -1;
        if (a[0][0] > b[0][0]) return 1;
        return a[1] - b[1];
      });
      this.#list = P.ArrayPrototypeMap(indexed, (entry) => entry[0]);
      this.#update();
    }

    toString() {
      URLSearchParams.#check(this);
      return serializePairs(this.#list);
    }

    entries() {
      URLSearchParams.#check(this);
      return searchParamsIterator(this, "key+value");
    }

    keys() {
      URLSearchParams.#check(this);
      return searchParamsIterator(this, "key");
    }

    values() {
      URLSearchParams.#check(this);
      return searchParamsIterator(this, "value");
    }

    // https://webidl.spec.whatwg.org/#es-forEach
    forEach(callback, thisArg = undefined) {
      URLSearchParams.#check(this);
      const prefix = "Failed to execute 'forEach' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      if (typeof callback !== "function") {
        throw new P.TypeError(`${prefix}: The callback provided as parameter 1 is not a function.`);
      }
      for (let i = 0; i < this.#list.length; i++) {
        const pair = this.#list[i];
        P.ReflectApply(callback, thisArg, [pair[1], pair[0], this]);
      }
    }

    static #check(v) {
      if (!(isObject(v) && #list in v)) illegalInvocation();
    }

    // https://url.spec.whatwg.org/#concept-urlsearchparams-update
    #update() {
      if (this.#url === null) return;
      urlSlots.setQuery(this.#url, serializePairs(this.#list));
    }

    static {
      searchParamsSlots = {
        isURLSearchParams: (v) => #list in v,
        list: (params) => params.#list,
        create(c, url) {
          const params = new URLSearchParams();
          params.#list = parsePairs(P.StringPrototypeSlice(getSearch(c), 1));
          params.#url = url;
          return params;
        },
        reset(params, c) {
          params.#list = parsePairs(P.StringPrototypeSlice(getSearch(c), 1));
        },
      };
    }
  }

  P.ObjectDefineProperty(URLSearchParams.prototype, P.SymbolIterator, {
    value: URLSearchParams.prototype.entries,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  configureInterface(URLSearchParams);

  // https://url.spec.whatwg.org/#concept-urlencoded-parser
  function parsePairs(query) {
    const list = [];
    if (query === "") return list;
    // Without "%", percent-decoding a scalar value string and decoding the UTF-8 back gives the
    // same string: only "&", "=" and "+" matter, and no op is needed.
    if (!P.StringPrototypeIncludes(query, "%")) {
      let start = 0;
      while (start <= query.length) {
        let end = P.StringPrototypeIndexOf(query, "&", start);
        if (end === -1) end = query.length;
        if (end > start) {
          const eq = P.StringPrototypeIndexOf(query, "=", start);
          const split = eq === -1 || eq > end ? end : eq;
          const name = plusToSpace(P.StringPrototypeSlice(query, start, split));
          const value = split === end
            ? "" : plusToSpace(P.StringPrototypeSlice(query, split + 1, end));
          P.ArrayPrototypePush(list, [name, value]);
        }
        start = end + 1;
      }
      return list;
    }
    return pairsOf(ops.op_url_search_params_parse(query));
  }

  // The urlencoded parser over bytes (a body's), as Body's formData() needs it: bytes need
  // not be UTF-8, so they go to the runtime's parser as they are.
  // https://url.spec.whatwg.org/#concept-urlencoded-parser
  function parseBytes(bytes) {
    return pairsOf(ops.op_url_urlencoded_parse_bytes(bytes));
  }

  // [name, value] pairs from an op's flat [name, value, ...] list.
  function pairsOf(flat) {
    const list = [];
    for (let i = 0; i < flat.length; i += 2) P.ArrayPrototypePush(list, [flat[i], flat[i + 1]]);
    return list;
  }

  function plusToSpace(string) {
    let plus = P.StringPrototypeIndexOf(string, "+");
    if (plus === -1) return string;
    let out = "";
    let start = 0;
    while (plus !== -1) {
      out += `${P.StringPrototypeSlice(string, start, plus)} `;
      start = plus + 1;
      plus = P.StringPrototypeIndexOf(string, "+", start);
    }
    return out + P.StringPrototypeSlice(string, start);
  }

  // "%XX" for each byte, and which ASCII code points the application/x-www-form-urlencoded
  // percent-encode set leaves alone: alphanumerics and *-._
  // https://url.spec.whatwg.org/#application-x-www-form-urlencoded-percent-encode-set
  const percentEncoded = [];
  const formSafe = new P.Uint8Array(128);
  for (let byte = 0; byte < 256; byte++) {
    const hex = P.StringPrototypeToUpperCase(P.NumberPrototypeToString(byte, 16));
    P.ArrayPrototypePush(percentEncoded, byte < 16 ? `%0${hex}` : `%${hex}`);
  }
  for (const c of "*-._0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
    formSafe[P.StringPrototypeCharCodeAt(c, 0)] = 1;
  }

  // UTF-8 percent-encodes `string` (a scalar value string) with the form set, space as "+".
  // https://url.spec.whatwg.org/#concept-urlencoded-byte-serializer
  function formEncode(string) {
    let out = "";
    let start = 0; // of the pending run of code points that stay as they are
    const length = string.length;
    for (let i = 0; i < length; i++) {
      let c = P.StringPrototypeCharCodeAt(string, i);
      if (c < 0x80 && formSafe[c] === 1) continue;
      out += P.StringPrototypeSlice(string, start, i);
      if (c === 0x20) {
        out += "+";
      } else if (c < 0x80) {
        out += percentEncoded[c];
      } else if (c < 0x800) {
        out += percentEncoded[0xc0 | (c >> 6)] + percentEncoded[0x80 | (c & 0x3f)];
      } else if (c < 0xd800 || c > 0xdfff) {
        out += percentEncoded[0xe0 | (c >> 12)] + percentEncoded[0x80 | ((c >> 6) & 0x3f)] +
          percentEncoded[0x80 | (c & 0x3f)];
      } else {
        // A surrogate pair: USVString conversion left no lone surrogates.
        c = 0x10000 + ((c - 0xd800) << 10) + (P.StringPrototypeCharCodeAt(string, ++i) - 0xdc00);
        out += percentEncoded[0xf0 | (c >> 18)] + percentEncoded[0x80 | ((c >> 12) & 0x3f)] +
          percentEncoded[0x80 | ((c >> 6) & 0x3f)] + percentEncoded[0x80 | (c & 0x3f)];
      }
      start = i + 1;
    }
    return start === 0 ? string : out + P.StringPrototypeSlice(string, start);
  }

  // https://url.spec.whatwg.org/#concept-urlencoded-serializer
  function serializePairs(list) {
    let out = "";
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out += "&";
      out += `${formEncode(list[i][0])}=${formEncode(list[i][1])}`;
    }
    return out;
  }

  const searchParamsIterator = internals.infra.definePairIterator("URLSearchParams",
    (params) => searchParamsSlots.list(params));

  internals.URL = URL;
  internals.URLSearchParams = URLSearchParams;
  internals.url = {
    isURL: (v) => urlSlots.isURL(v),
    isURLSearchParams: (v) => isObject(v) && searchParamsSlots.isURLSearchParams(v),
    // The application/x-www-form-urlencoded serialization of a URLSearchParams' list.
    serializeSearchParams: (params) => serializePairs(searchParamsSlots.list(params)),
    // The urlencoded parser: a list of [name, value], from a scalar value string or bytes.
    parseUrlencoded: (input) =>
      (typeof input === "string" ? parsePairs(input) : parseBytes(input)),
    // For other built-ins: `input` parsed against `base` (a string or undefined), or null.
    parse(input, base) {
      const c = ops.op_url_parse(input, base);
      if (c === null) return null;
      return { href: c[HREF], hasCredentials: getUsername(c) !== "" || getPassword(c) !== "" };
    },
    // For URLPattern: the URL record's scheme, username, password, host, port, path, query
    // and fragment as strings ("" for null), or null if `input` does not parse.
    // https://urlpattern.spec.whatwg.org/#url-pattern-match (step 5)
    recordComponents(input, base) {
      const c = ops.op_url_parse(input, base);
      if (c === null) return null;
      return [
        slice(getProtocol(c), 0, -1), getUsername(c), getPassword(c), getHostname(c),
        getPort(c), getPathname(c), slice(getSearch(c), 1), slice(getHash(c), 1),
      ];
    },
  };
});
