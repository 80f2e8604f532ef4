"use strict";
// Request: method, URL, headers, body and signal of an HTTP request, as handlers receive it
// and as user code builds it. https://fetch.spec.whatwg.org/#request-class
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalInvocation, kPlatformBrand } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const headersImpl = internals.headers;
  const bodyImpl = internals.body;
  const abort = internals.abort;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  // ===== URLs =====

  // Parses `input` against the worker's location (the API base URL), with the URL Standard's
  // parser. Returns null for an invalid URL.
  // https://fetch.spec.whatwg.org/#dom-request (step 5.1),
  // https://url.spec.whatwg.org/#concept-url-parser
  function parseURL(input) {
    const location = internals.getLocation();
    const base = location === undefined ? undefined : location.href;
    return internals.url.parse(input, base);
  }

  // ===== methods =====

  const normalizedMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
  const forbiddenMethods = ["CONNECT", "TRACE", "TRACK"];

  // https://fetch.spec.whatwg.org/#concept-method-normalize
  function normalizeMethod(method) {
    const upper = P.StringPrototypeToUpperCase(method);
    return P.ArrayPrototypeIncludes(normalizedMethods, upper) ? upper : method;
  }

  // ===== Request =====

  const requestInit = webidl.createDictionaryConverter("RequestInit", [
    {
      key: "body",
      converter: (v, prefix, context) =>
        (v === null ? null : bodyImpl.convertBodyInit(v, prefix, context)),
    },
    { key: "duplex", converter: webidl.createEnumConverter("RequestDuplex", ["half"]) },
    { key: "headers", converter: headersImpl.convertInit },
    { key: "method", converter: converters.ByteString },
    {
      key: "redirect",
      converter: webidl.createEnumConverter("RequestRedirect", ["follow", "error", "manual"]),
    },
    {
      key: "signal",
      converter: webidl.createNullableConverter(
        webidl.createInterfaceConverter("AbortSignal", abort.isAbortSignal)),
    },
  ]);

  const kCreate = P.Symbol("create");
  let requestSlots;

  class Request {
    #method = "GET";
    #url = "";
    #redirect = "follow";
    #headers;
    #body = null;
    #signal;

    // https://fetch.spec.whatwg.org/#dom-request
    constructor(input, init = undefined) {
      this[kPlatformBrand] = "Request";
      if (input === kCreate) return;
      const prefix = "Failed to construct 'Request'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const inputIsRequest = requestSlots.isRequest(input);
      if (!inputIsRequest) input = converters.USVString(input, prefix, "Argument 1");
      init = requestInit(init, prefix, "Argument 2");
      const initIsEmpty = P.ObjectKeys(init).length === 0;

      let headerList;
      let signal = null;
      let inputBody = null;
      if (!inputIsRequest) {
        // 5.
        const parsed = parseURL(input);
        if (parsed === null) throw new P.TypeError(`${prefix}: Invalid URL: '${input}'`);
        if (parsed.hasCredentials) {
          throw new P.TypeError(
            `${prefix}: Request cannot be constructed from a URL that includes credentials: ` +
            `'${input}'`);
        }
        this.#url = parsed.href;
        headerList = [];
      } else {
        // 6.
        this.#url = input.#url;
        this.#method = input.#method;
        this.#redirect = input.#redirect;
        headerList = P.ArrayPrototypeMap(headersImpl.list(input.#headers), (e) => [e[0], e[1]]);
        signal = input.#signal;
        inputBody = input.#body;
      }

      // 23.
      if (init.method !== undefined) {
        const method = init.method;
        if (!headersImpl.isHeaderName(method)) {
          throw new P.TypeError(`${prefix}: '${method}' is not a valid HTTP method.`);
        }
        if (P.ArrayPrototypeIncludes(forbiddenMethods, P.StringPrototypeToUpperCase(method))) {
          throw new P.TypeError(`${prefix}: '${method}' HTTP method is unsupported.`);
        }
        this.#method = normalizeMethod(method);
      }
      // 22.
      if (init.redirect !== undefined) this.#redirect = init.redirect;
      // 28.
      if (init.signal !== undefined) signal = init.signal;

      // 31-32.
      this.#signal = abort.createDependentSignal(signal === null ? [] : [signal]);

      // 33.
      this.#headers = headersImpl.create(headerList, "request");
      // 36.
      if (!initIsEmpty && init.headers !== undefined) {
        headerList.length = 0;
        headersImpl.fill(this.#headers, init.headers, prefix);
      }

      // 38.
      const initHasBody = init.body !== undefined && init.body !== null;
      if ((initHasBody || inputBody !== null) &&
        (this.#method === "GET" || this.#method === "HEAD")) {
        throw new P.TypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
      }
      // 39-40.
      let initBody = null;
      if (initHasBody) {
        const { body, type } = bodyImpl.extract(init.body, prefix);
        initBody = body;
        if (type !== null && !headersImpl.listContains(headerList, "content-type")) {
          P.ArrayPrototypePush(headerList, ["content-type", type]);
        }
      }
      // 42. TODO(conform): the spec requires `duplex: "half"` with a stream body; like other
      // server runtimes we accept its absence.
      // 43-45.
      let finalBody = initBody;
      if (initBody === null && inputBody !== null) {
        if (bodyImpl.isUnusable(inputBody)) {
          throw new P.TypeError(`${prefix}: Cannot construct a Request with a Request ` +
            "object that has already been used.");
        }
        finalBody = bodyImpl.transfer(inputBody);
      }
      this.#body = finalBody;
    }

    get method() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#method;
    }

    get url() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#url;
    }

    get headers() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#headers;
    }

    get redirect() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#redirect;
    }

    get signal() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#signal;
    }

    // https://fetch.spec.whatwg.org/#dom-request-clone
    clone() {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      // 1.
      if (bodyImpl.isUnusable(this.#body)) {
        throw new P.TypeError(
          "Failed to execute 'clone' on 'Request': Request body is already used");
      }
      // 2-5.
      const list = P.ArrayPrototypeMap(headersImpl.list(this.#headers), (e) => [e[0], e[1]]);
      return createRequest({
        method: this.#method,
        url: this.#url,
        redirect: this.#redirect,
        headers: headersImpl.create(list, headersImpl.guard(this.#headers)),
        body: this.#body === null ? null : bodyImpl.clone(this.#body),
        signal: abort.createDependentSignal([this.#signal]),
      });
    }

    static {
      requestSlots = {
        isRequest: (v) => isObject(v) && #url in v,
        body: (r) => r.#body,
        headers: (r) => r.#headers,
        create(fields) {
          const request = new Request(kCreate);
          request.#method = fields.method;
          request.#url = fields.url;
          request.#redirect = fields.redirect ?? "follow";
          request.#headers = fields.headers;
          request.#body = fields.body;
          request.#signal = fields.signal ?? abort.createSignal();
          return request;
        },
      };
    }
  }

  const createRequest = requestSlots.create;

  bodyImpl.installBodyMixin(Request, (request) => {
    if (!requestSlots.isRequest(request)) illegalInvocation();
    return requestSlots.body(request);
  }, (request) => requestSlots.headers(request));
  configureInterface(Request);

  internals.setCustomInspect(Request, (request) => ({
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: requestSlots.body(request) === null ? null : request.body,
    bodyUsed: request.bodyUsed,
    redirect: request.redirect,
  }));

  internals.Request = Request;
  internals.request = {
    isRequest: requestSlots.isRequest,
    // Builds a Request from parts: { method, url, headers: Headers, body: body record|null,
    // signal?, redirect? }. No validation: the caller vouches for them.
    create: createRequest,
    body: requestSlots.body,
    parseURL,
  };
});
