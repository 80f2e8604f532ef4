"use strict";
// URLPattern (https://urlpattern.spec.whatwg.org/). The `urlpattern` crate parses a pattern
// into one JavaScript RegExp per component (runtime/src/urlpattern.rs, one op call); matching
// runs those RegExps here, so test() and exec() on a string call no op at all. A pattern keeps
// only JS values, so it survives a snapshot.
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalInvocation, kPlatformBrand } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  // The components, in the order the ops use.
  const COMPONENTS = [
    "protocol", "username", "password", "hostname", "port", "pathname", "search", "hash",
  ];

  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");

  const initMembers = P.ArrayPrototypeMap([...COMPONENTS, "baseURL"],
    (key) => ({ key, converter: converters.USVString }));
  const toInit = webidl.createDictionaryConverter("URLPatternInit", initMembers);
  const toOptions = webidl.createDictionaryConverter("URLPatternOptions", [
    { key: "ignoreCase", converter: converters.boolean, defaultValue: false },
  ]);

  // (USVString or URLPatternInit): undefined, null and objects are dictionaries.
  // https://webidl.spec.whatwg.org/#es-union
  function toInput(V, prefix, context) {
    if (V === undefined || V === null || isObject(V)) return toInit(V, prefix, context);
    return converters.USVString(V, prefix, context);
  }

  // The init as the ops take it: its nine members in a fixed order, undefined if absent.
  const initParts = (init) => [
    init.protocol, init.username, init.password, init.hostname, init.port, init.pathname,
    init.search, init.hash, init.baseURL,
  ];

  // A converted URLPatternInit as a JS object again, for `inputs` (members sorted, as a
  // dictionary converts to JS): https://webidl.spec.whatwg.org/#js-dictionary
  function initToObject(init) {
    const object = {};
    for (const key of P.ObjectKeys(init)) object[key] = init[key];
    return object;
  }

  // https://urlpattern.spec.whatwg.org/#urlpattern
  class URLPattern {
    // Per component: [patternString, regExp, groupNames], in COMPONENTS order.
    #components;
    #hasRegExpGroups;

    // https://urlpattern.spec.whatwg.org/#dom-urlpattern-urlpattern (both overloads)
    constructor(input = undefined, baseURL = undefined, options = undefined) {
      this[kPlatformBrand] = "URLPattern";
      const prefix = "Failed to construct 'URLPattern'";
      // Overload resolution: a second argument that is not a dictionary is the base URL.
      // https://webidl.spec.whatwg.org/#es-overloads
      const argc = arguments.length;
      let base = null;
      if (argc >= 3 || (argc === 2 && baseURL !== null && baseURL !== undefined &&
          !isObject(baseURL))) {
        input = toInput(input, prefix, "Argument 1");
        base = converters.USVString(baseURL, prefix, "Argument 2");
        options = toOptions(options, prefix, "Argument 3");
      } else {
        input = toInput(input, prefix, "Argument 1");
        options = toOptions(baseURL, prefix, "Argument 2");
      }

      // https://urlpattern.spec.whatwg.org/#urlpattern-initialize
      let compiled;
      if (typeof input === "string") {
        compiled = ops.op_urlpattern_parse(input, base, options.ignoreCase);
      } else {
        if (base !== null) {
          throw new P.TypeError(
            `${prefix}: a base URL is only allowed with a pattern string, not with an init.`);
        }
        compiled = ops.op_urlpattern_parse(initParts(input), null, options.ignoreCase);
      }
      this.#hasRegExpGroups = compiled[0];
      const components = [];
      for (let i = 0; i < 8; i++) {
        P.ArrayPrototypePush(components,
          [compiled[1 + i * 3], compiled[2 + i * 3], compiled[3 + i * 3]]);
      }
      this.#components = components;
    }

    // https://urlpattern.spec.whatwg.org/#dom-urlpattern-test
    test(input = undefined, baseURL = undefined) {
      URLPattern.#check(this);
      const prefix = "Failed to execute 'test' on 'URLPattern'";
      return this.#match(input, baseURL, arguments.length >= 2, prefix) !== null;
    }

    // https://urlpattern.spec.whatwg.org/#dom-urlpattern-exec
    exec(input = undefined, baseURL = undefined) {
      URLPattern.#check(this);
      const prefix = "Failed to execute 'exec' on 'URLPattern'";
      return this.#match(input, baseURL, arguments.length >= 2, prefix);
    }

    get protocol() {
      return URLPattern.#pattern(this, 0);
    }

    get username() {
      return URLPattern.#pattern(this, 1);
    }

    get password() {
      return URLPattern.#pattern(this, 2);
    }

    get hostname() {
      return URLPattern.#pattern(this, 3);
    }

    get port() {
      return URLPattern.#pattern(this, 4);
    }

    get pathname() {
      return URLPattern.#pattern(this, 5);
    }

    get search() {
      return URLPattern.#pattern(this, 6);
    }

    get hash() {
      return URLPattern.#pattern(this, 7);
    }

    // https://urlpattern.spec.whatwg.org/#dom-urlpattern-hasregexpgroups
    get hasRegExpGroups() {
      URLPattern.#check(this);
      return this.#hasRegExpGroups;
    }

    // Static, so that a foreign receiver reaches the check (see 42_url.js).
    static #check(v) {
      if (!(isObject(v) && #components in v)) illegalInvocation();
    }

    static #pattern(pattern, index) {
      URLPattern.#check(pattern);
      return pattern.#components[index][0];
    }

    // https://urlpattern.spec.whatwg.org/#url-pattern-match
    #match(input, baseURL, hasBaseURL, prefix) {
      input = toInput(input, prefix, "Argument 1");
      // An explicit undefined is the optional argument left out.
      hasBaseURL = hasBaseURL && baseURL !== undefined;
      if (hasBaseURL) baseURL = converters.USVString(baseURL, prefix, "Argument 2");

      // 1-5. The components of the input, each a string.
      let values;
      let inputs;
      if (typeof input === "string") {
        inputs = hasBaseURL ? [input, baseURL] : [input];
        values = internals.url.recordComponents(input, hasBaseURL ? baseURL : undefined);
      } else {
        if (hasBaseURL) {
          throw new P.TypeError(
            `${prefix}: a base URL is only allowed with a URL string, not with an init.`);
        }
        inputs = [initToObject(input)];
        values = ops.op_urlpattern_process_init(initParts(input));
      }
      if (values === null) return null;

      // 6-13. Every component's regular expression must match its value.
      const matches = [];
      for (let i = 0; i < 8; i++) {
        const match = P.RegExpPrototypeExec(this.#components[i][1], values[i]);
        if (match === null) return null;
        P.ArrayPrototypePush(matches, match);
      }

      // 14-23. The result, its members in the sorted order of a converted dictionary.
      const result = {};
      const componentResults = {};
      for (let i = 0; i < 8; i++) {
        componentResults[COMPONENTS[i]] = componentResult(this.#components[i][2], values[i],
          matches[i]);
      }
      result.hash = componentResults.hash;
      result.hostname = componentResults.hostname;
      result.inputs = inputs;
      result.password = componentResults.password;
      result.pathname = componentResults.pathname;
      result.port = componentResults.port;
      result.protocol = componentResults.protocol;
      result.search = componentResults.search;
      result.username = componentResults.username;
      return result;
    }
  }

  // https://urlpattern.spec.whatwg.org/#create-a-component-match-result
  function componentResult(names, input, match) {
    const groups = {};
    for (let i = 0; i < names.length; i++) groups[names[i]] = match[i + 1];
    return { groups, input };
  }

  configureInterface(URLPattern);

  internals.URLPattern = URLPattern;
});
