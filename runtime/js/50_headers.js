"use strict";
// Headers: a header list with a guard, as Request and Response carry it. Names are stored
// lowercased. This is a server runtime: the "request" and "response" guards do not filter
// forbidden header names (Host, Cookie, Set-Cookie, ...), which only protect browser users.
// https://fetch.spec.whatwg.org/#headers-class
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { kPlatformBrand } = internals.infra;
  const { configureInterface, illegalInvocation } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  // https://fetch.spec.whatwg.org/#header-name (an RFC 9110 token)
  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  // https://fetch.spec.whatwg.org/#header-value
  const invalidValueRe = /[\0\r\n]/;
  // https://fetch.spec.whatwg.org/#concept-header-value-normalize
  const httpWhitespaceRe = /^[\t\n\r ]+|[\t\n\r ]+$/g;

  function isHeaderName(name) {
    return P.RegExpPrototypeExec(tokenRe, name) !== null;
  }

  function normalizeValue(value) {
    return P.StringPrototypeReplace(value, httpWhitespaceRe, "");
  }

  function isHeaderValue(value) {
    return P.RegExpPrototypeExec(invalidValueRe, value) === null;
  }

  // ===== header list =====
  // A header list is an array of [lowercase name, value] pairs.
  // https://fetch.spec.whatwg.org/#concept-header-list

  // https://fetch.spec.whatwg.org/#concept-header-list-contains
  function listContains(list, name) {
    for (const entry of list) if (entry[0] === name) return true;
    return false;
  }

  // https://fetch.spec.whatwg.org/#concept-header-list-get
  function listGet(list, name) {
    let value = null;
    for (const entry of list) {
      if (entry[0] !== name) continue;
      value = value === null ? entry[1] : `${value}, ${entry[1]}`;
    }
    return value;
  }

  // https://fetch.spec.whatwg.org/#concept-header-list-delete
  function listDelete(list, name) {
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i][0] === name) P.ArrayPrototypeSplice(list, i, 1);
    }
  }

  // https://fetch.spec.whatwg.org/#concept-header-list-set
  function listSet(list, name, value) {
    let found = false;
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] !== name) continue;
      if (!found) {
        list[i][1] = value;
        found = true;
      } else {
        P.ArrayPrototypeSplice(list, i, 1);
        i--;
      }
    }
    if (!found) P.ArrayPrototypePush(list, [name, value]);
  }

  // https://fetch.spec.whatwg.org/#concept-header-list-sort-and-combine
  function sortAndCombine(list) {
    // 1-2.
    const names = [];
    for (const entry of list) {
      if (!P.ArrayPrototypeIncludes(names, entry[0])) P.ArrayPrototypePush(names, entry[0]);
    }
    P.ArrayPrototypeSort(names, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // 3.
    const headers = [];
    for (const name of names) {
      if (name === "set-cookie") {
        for (const entry of list) {
          if (entry[0] === name) P.ArrayPrototypePush(headers, [name, entry[1]]);
        }
      } else {
        P.ArrayPrototypePush(headers, [name, listGet(list, name)]);
      }
    }
    // 4.
    return headers;
  }

  // ===== Headers =====

  const kCreate = P.Symbol("create");
  const headerPair = webidl.createSequenceConverter(converters.ByteString);
  const headersInitRecord = webidl.createRecordConverter(converters.ByteString,
    converters.ByteString);

  // (sequence<sequence<ByteString>> or record<ByteString, ByteString>)
  // https://webidl.spec.whatwg.org/#es-union
  function convertHeadersInit(init, prefix, context) {
    if (isObject(init)) {
      const method = init[P.SymbolIterator];
      if (method !== undefined && method !== null) {
        return webidl.sequenceFromIterable(init, method, headerPair, prefix, context);
      }
      return headersInitRecord(init, prefix, context);
    }
    throw new P.TypeError(`${prefix}: ${context} is not of type ` +
      "'(sequence<sequence<ByteString>> or record<ByteString, ByteString>)'.");
  }

  let headerSlots;

  class Headers {
    #list = [];
    // "immutable", "request", "response" or "none".
    #guard = "none";
    // The sort-and-combine result, kept until the list changes.
    #sorted = null;

    // https://fetch.spec.whatwg.org/#dom-headers
    constructor(init = undefined) {
      this[kPlatformBrand] = "Headers";
      const prefix = "Failed to construct 'Headers'";
      // 2.
      if (init !== undefined) {
        fillHeaders(this, convertHeadersInit(init, prefix, "Argument 1"), prefix);
      }
    }

    // https://fetch.spec.whatwg.org/#dom-headers-append
    append(name, value) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'append' on 'Headers'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      name = converters.ByteString(name, prefix, "Argument 1");
      value = converters.ByteString(value, prefix, "Argument 2");
      appendHeader(this, name, value, prefix);
    }

    // https://fetch.spec.whatwg.org/#dom-headers-delete
    delete(name) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'delete' on 'Headers'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.ByteString(name, prefix, "Argument 1");
      // 1.
      validate(this, name, "", prefix);
      const key = P.StringPrototypeToLowerCase(name);
      // 4.
      if (!listContains(this.#list, key)) return;
      // 5.
      listDelete(this.#list, key);
      this.#sorted = null;
    }

    // https://fetch.spec.whatwg.org/#dom-headers-get
    get(name) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'get' on 'Headers'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.ByteString(name, prefix, "Argument 1");
      // 1.
      if (!isHeaderName(name)) throw invalidName(prefix, name);
      // 2.
      return listGet(this.#list, P.StringPrototypeToLowerCase(name));
    }

    // https://fetch.spec.whatwg.org/#dom-headers-getsetcookie
    getSetCookie() {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const values = [];
      for (const entry of this.#list) {
        if (entry[0] === "set-cookie") P.ArrayPrototypePush(values, entry[1]);
      }
      return values;
    }

    // https://fetch.spec.whatwg.org/#dom-headers-has
    has(name) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'has' on 'Headers'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.ByteString(name, prefix, "Argument 1");
      // 1.
      if (!isHeaderName(name)) throw invalidName(prefix, name);
      // 2.
      return listContains(this.#list, P.StringPrototypeToLowerCase(name));
    }

    // https://fetch.spec.whatwg.org/#dom-headers-set
    set(name, value) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'set' on 'Headers'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      name = converters.ByteString(name, prefix, "Argument 1");
      value = converters.ByteString(value, prefix, "Argument 2");
      // 1.
      value = normalizeValue(value);
      // 2.
      validate(this, name, value, prefix);
      // 5.
      listSet(this.#list, P.StringPrototypeToLowerCase(name), value);
      this.#sorted = null;
    }

    // https://webidl.spec.whatwg.org/#es-forEach
    forEach(callback, thisArg = undefined) {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      const prefix = "Failed to execute 'forEach' on 'Headers'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      callback = converters.Function(callback, prefix, "Argument 1");
      // The pairs are looked up again after every call, as the callback may change them.
      for (let i = 0; i < this.#pairs().length; i++) {
        const pair = this.#pairs()[i];
        P.ReflectApply(callback, thisArg, [pair[1], pair[0], this]);
      }
    }

    // https://webidl.spec.whatwg.org/#es-iterable-entries
    entries() {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      return headersIterator(this, "key+value");
    }

    keys() {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      return headersIterator(this, "key");
    }

    values() {
      if (!(isObject(this) && #list in this)) illegalInvocation();
      return headersIterator(this, "value");
    }

    // The value pairs to iterate over. https://fetch.spec.whatwg.org/#headers-class
    #pairs() {
      if (this.#sorted === null) this.#sorted = sortAndCombine(this.#list);
      return this.#sorted;
    }

    static {
      headerSlots = {
        isHeaders: (v) => isObject(v) && #list in v,
        list: (h) => h.#list,
        guard: (h) => h.#guard,
        setGuard(h, guard) {
          h.#guard = guard;
        },
        changed(h) {
          h.#sorted = null;
        },
        pairs: (h) => h.#pairs(),
        create(list, guard) {
          const headers = new Headers();
          headers.#list = list;
          headers.#guard = guard;
          return headers;
        },
      };
    }
  }

  P.ObjectDefineProperty(Headers.prototype, P.SymbolIterator, {
    value: Headers.prototype.entries,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  configureInterface(Headers);

  function invalidName(prefix, name) {
    return new P.TypeError(`${prefix}: Invalid header name: '${name}'`);
  }

  // https://fetch.spec.whatwg.org/#headers-validate
  function validate(headers, name, value, prefix) {
    // 1.
    if (!isHeaderName(name)) throw invalidName(prefix, name);
    if (!isHeaderValue(value)) {
      throw new P.TypeError(`${prefix}: Invalid value for header '${name}'`);
    }
    // 2.
    if (headerSlots.guard(headers) === "immutable") {
      throw new P.TypeError(`${prefix}: Headers are immutable`);
    }
    // 3-4. Forbidden request-header and response-header names are not filtered; see the note
    // at the top of this file.
    return true;
  }

  // https://fetch.spec.whatwg.org/#concept-headers-append
  function appendHeader(headers, name, value, prefix) {
    // 1.
    value = normalizeValue(value);
    // 2.
    validate(headers, name, value, prefix);
    // 4.
    P.ArrayPrototypePush(headerSlots.list(headers),
      [P.StringPrototypeToLowerCase(name), value]);
    headerSlots.changed(headers);
  }

  // https://fetch.spec.whatwg.org/#concept-headers-fill
  function fillHeaders(headers, object, prefix) {
    // 1.
    if (P.ArrayIsArray(object)) {
      for (const header of object) {
        if (header.length !== 2) {
          throw new P.TypeError(
            `${prefix}: Each header must be a [name, value] pair; got ${header.length} items`);
        }
        appendHeader(headers, header[0], header[1], prefix);
      }
      return;
    }
    // 2.
    for (const key of P.ObjectKeys(object)) appendHeader(headers, key, object[key], prefix);
  }

  const headersIterator = infra.definePairIterator("Headers", (h) => headerSlots.pairs(h));

  internals.setCustomInspect(Headers, (headers) => {
    const shown = {};
    for (const { 0: name, 1: value } of headerSlots.pairs(headers)) {
      if (name === "set-cookie" && shown[name] !== undefined) {
        shown[name] = P.ArrayIsArray(shown[name]) ? [...shown[name], value] : [shown[name], value];
      } else {
        shown[name] = value;
      }
    }
    return shown;
  });

  internals.Headers = Headers;
  internals.headers = {
    isHeaders: headerSlots.isHeaders,
    list: headerSlots.list,
    guard: headerSlots.guard,
    setGuard: headerSlots.setGuard,
    // A Headers object owning `list`, an array of [lowercase name, value].
    create: headerSlots.create,
    convertInit: convertHeadersInit,
    fill: fillHeaders,
    listGet,
    listContains,
    listSet,
    isHeaderName,
    isHeaderValue,
    normalizeValue,
    // A Headers object from [name0, value0, ...] as the runtime hands headers over.
    fromFlat(flat, guard) {
      const list = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        P.ArrayPrototypePush(list, [flat[i], flat[i + 1]]);
      }
      return headerSlots.create(list, guard);
    },
    // [name0, value0, name1, value1, ...] in list order, the shape the response ops take.
    flatten(headers) {
      const flat = [];
      for (const entry of headerSlots.list(headers)) {
        P.ArrayPrototypePush(flat, entry[0], entry[1]);
      }
      return flat;
    },
  };
});
