"use strict";
// URL and URLSearchParams (https://url.spec.whatwg.org/#api). Parsing, setters and the
// application/x-www-form-urlencoded codec are the `url` crate's, through ops; this file is
// the WebIDL surface and the link between a URL and its searchParams.
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalInvocation, kPlatformBrand } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  // Indices into the component list op_url_parse and op_url_set return.
  const HREF = 0;
  const ORIGIN = 1;
  const PROTOCOL = 2;
  const USERNAME = 3;
  const PASSWORD = 4;
  const HOST = 5;
  const HOSTNAME = 6;
  const PORT = 7;
  const PATHNAME = 8;
  const SEARCH = 9;
  const HASH = 10;

  const kCreate = P.Symbol("create");
  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");

  let searchParamsSlots;
  let urlSlots;
  const toPair = webidl.createSequenceConverter(converters.USVString);
  const toRecord = webidl.createRecordConverter(converters.USVString, converters.USVString);

  // https://url.spec.whatwg.org/#url-class
  class URL {
    #components;
    #searchParams = null;

    constructor(url, base = undefined) {
      this[kPlatformBrand] = "URL";
      // The private path of URL.parse(): components already parsed.
      if (url === kCreate) {
        this.#components = base;
        return;
      }
      const prefix = "Failed to construct 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      // https://url.spec.whatwg.org/#api-url-parser
      const components = ops.op_url_parse(url, base);
      if (components === null) {
        throw new P.TypeError(`${prefix}: Invalid URL '${url}'`);
      }
      this.#components = components;
    }

    // https://url.spec.whatwg.org/#dom-url-parse
    static parse(url, base = undefined) {
      const prefix = "Failed to execute 'parse' on 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      const components = ops.op_url_parse(url, base);
      return components === null ? null : new URL(kCreate, components);
    }

    // https://url.spec.whatwg.org/#dom-url-canparse
    static canParse(url, base = undefined) {
      const prefix = "Failed to execute 'canParse' on 'URL'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      if (base !== undefined) base = converters.USVString(base, prefix, "Argument 2");
      return ops.op_url_parse(url, base) !== null;
    }

    get href() {
      return this.#get(HREF);
    }

    set href(value) {
      value = converters.USVString(value, "Failed to set the 'href' property on 'URL'");
      // The setter throws on failure, unlike the others.
      this.#set(HREF, value);
      if (this.#searchParams !== null) {
        searchParamsSlots.reset(this.#searchParams, this.#components[SEARCH]);
      }
    }

    get origin() {
      return this.#get(ORIGIN);
    }

    get protocol() {
      return this.#get(PROTOCOL);
    }

    set protocol(value) {
      this.#set(PROTOCOL, converters.USVString(value));
    }

    get username() {
      return this.#get(USERNAME);
    }

    set username(value) {
      this.#set(USERNAME, converters.USVString(value));
    }

    get password() {
      return this.#get(PASSWORD);
    }

    set password(value) {
      this.#set(PASSWORD, converters.USVString(value));
    }

    get host() {
      return this.#get(HOST);
    }

    set host(value) {
      this.#set(HOST, converters.USVString(value));
    }

    get hostname() {
      return this.#get(HOSTNAME);
    }

    set hostname(value) {
      this.#set(HOSTNAME, converters.USVString(value));
    }

    get port() {
      return this.#get(PORT);
    }

    set port(value) {
      this.#set(PORT, converters.USVString(value));
    }

    get pathname() {
      return this.#get(PATHNAME);
    }

    set pathname(value) {
      this.#set(PATHNAME, converters.USVString(value));
    }

    get search() {
      return this.#get(SEARCH);
    }

    // https://url.spec.whatwg.org/#dom-url-search
    set search(value) {
      this.#set(SEARCH, converters.USVString(value));
      if (this.#searchParams !== null) {
        searchParamsSlots.reset(this.#searchParams, this.#components[SEARCH]);
      }
    }

    // https://url.spec.whatwg.org/#dom-url-searchparams ([SameObject])
    get searchParams() {
      this.#check();
      if (this.#searchParams === null) {
        this.#searchParams = searchParamsSlots.create(this.#components[SEARCH], this);
      }
      return this.#searchParams;
    }

    get hash() {
      return this.#get(HASH);
    }

    set hash(value) {
      this.#set(HASH, converters.USVString(value));
    }

    toJSON() {
      return this.#get(HREF);
    }

    toString() {
      return this.#get(HREF);
    }

    #check() {
      if (!(isObject(this) && #components in this)) illegalInvocation();
    }

    #get(index) {
      this.#check();
      return this.#components[index];
    }

    #set(index, value) {
      this.#check();
      this.#components = ops.op_url_set(this.#components[HREF], index, value);
    }

    static {
      urlSlots = {
        isURL: (v) => isObject(v) && #components in v,
        // The URL's query changed through its URLSearchParams:
        // https://url.spec.whatwg.org/#concept-urlsearchparams-update
        setQuery(url, serialized) {
          url.#components = ops.op_url_set(url.#components[HREF], SEARCH, serialized);
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
      this.#check();
      return this.#list.length;
    }

    append(name, value) {
      this.#check();
      const prefix = "Failed to execute 'append' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      value = converters.USVString(value, prefix, "Argument 2");
      P.ArrayPrototypePush(this.#list, [name, value]);
      this.#update();
    }

    delete(name, value = undefined) {
      this.#check();
      const prefix = "Failed to execute 'delete' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      if (value !== undefined) value = converters.USVString(value, prefix, "Argument 2");
      this.#list = P.ArrayPrototypeFilter(this.#list, (pair) =>
        !(pair[0] === name && (value === undefined || pair[1] === value)));
      this.#update();
    }

    get(name) {
      this.#check();
      const prefix = "Failed to execute 'get' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      const pair = P.ArrayPrototypeFind(this.#list, (entry) => entry[0] === name);
      return pair === undefined ? null : pair[1];
    }

    getAll(name) {
      this.#check();
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
      this.#check();
      const prefix = "Failed to execute 'has' on 'URLSearchParams'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.USVString(name, prefix, "Argument 1");
      if (value !== undefined) value = converters.USVString(value, prefix, "Argument 2");
      return P.ArrayPrototypeSome(this.#list, (pair) =>
        pair[0] === name && (value === undefined || pair[1] === value));
    }

    // https://url.spec.whatwg.org/#dom-urlsearchparams-set
    set(name, value) {
      this.#check();
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
      this.#check();
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
      this.#check();
      return serializePairs(this.#list);
    }

    entries() {
      this.#check();
      return searchParamsIterator(this, "key+value");
    }

    keys() {
      this.#check();
      return searchParamsIterator(this, "key");
    }

    values() {
      this.#check();
      return searchParamsIterator(this, "value");
    }

    // https://webidl.spec.whatwg.org/#es-forEach
    forEach(callback, thisArg = undefined) {
      this.#check();
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

    #check() {
      if (!(isObject(this) && #list in this)) illegalInvocation();
    }

    // https://url.spec.whatwg.org/#concept-urlsearchparams-update
    #update() {
      if (this.#url === null) return;
      urlSlots.setQuery(this.#url, serializePairs(this.#list));
    }

    static {
      searchParamsSlots = {
        list: (params) => params.#list,
        create(query, url) {
          const params = new URLSearchParams();
          params.#list = parsePairs(P.StringPrototypeSlice(query, 1));
          params.#url = url;
          return params;
        },
        reset(params, query) {
          params.#list = parsePairs(P.StringPrototypeSlice(query, 1));
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

  function parsePairs(query) {
    const flat = ops.op_url_search_params_parse(query);
    const list = [];
    for (let i = 0; i < flat.length; i += 2) P.ArrayPrototypePush(list, [flat[i], flat[i + 1]]);
    return list;
  }

  function serializePairs(list) {
    const flat = [];
    for (const pair of list) P.ArrayPrototypePush(flat, pair[0], pair[1]);
    return ops.op_url_search_params_serialize(flat);
  }

  const searchParamsIterator = internals.infra.definePairIterator("URLSearchParams",
    (params) => searchParamsSlots.list(params));

  internals.URL = URL;
  internals.URLSearchParams = URLSearchParams;
  internals.url = { isURL: (v) => urlSlots.isURL(v) };
});
