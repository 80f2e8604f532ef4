"use strict";
// Response: what handlers return. https://fetch.spec.whatwg.org/#response-class
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalInvocation, kPlatformBrand } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const headersImpl = internals.headers;
  const bodyImpl = internals.body;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const kCreate = P.Symbol("create");

  // https://fetch.spec.whatwg.org/#null-body-status
  const nullBodyStatuses = [101, 103, 204, 205, 304];
  // https://fetch.spec.whatwg.org/#redirect-status
  const redirectStatuses = [301, 302, 303, 307, 308];
  // https://httpwg.org/specs/rfc9112.html#status.line (reason-phrase)
  const reasonPhraseRe = /^[\t\x20-\x7e\x80-\xff]*$/;

  const responseInit = webidl.createDictionaryConverter("ResponseInit", [
    { key: "headers", converter: headersImpl.convertInit },
    { key: "status", converter: converters["unsigned short"], defaultValue: 200 },
    { key: "statusText", converter: converters.ByteString, defaultValue: "" },
  ]);

  let responseSlots;

  class Response {
    // "basic", "cors", "default", "error", "opaque" or "opaqueredirect".
    #type = "default";
    #status = 200;
    #statusText = "";
    #urlList = [];
    #headers;
    #body = null;

    // https://fetch.spec.whatwg.org/#dom-response
    constructor(body = null, init = undefined) {
      this[kPlatformBrand] = "Response";
      if (body === kCreate) return;
      const prefix = "Failed to construct 'Response'";
      if (body !== null) body = bodyImpl.convertBodyInit(body, prefix, "Argument 1");
      init = responseInit(init, prefix, "Argument 2");
      // 2.
      this.#headers = headersImpl.create([], "response");
      // 3-4.
      const bodyWithType = body === null ? null : bodyImpl.extract(body, prefix);
      // 5.
      initializeResponse(this, init, bodyWithType, prefix);
    }

    // https://fetch.spec.whatwg.org/#dom-response-error
    static error() {
      const response = createResponse("error", 0, "", headersImpl.create([], "immutable"));
      return response;
    }

    // https://fetch.spec.whatwg.org/#dom-response-redirect
    static redirect(url, status = 302) {
      const prefix = "Failed to execute 'redirect' on 'Response'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      url = converters.USVString(url, prefix, "Argument 1");
      status = converters["unsigned short"](status, prefix, "Argument 2");
      // 1-2.
      const parsed = internals.request.parseURL(url);
      if (parsed === null) throw new P.TypeError(`${prefix}: Invalid URL: '${url}'`);
      // 3.
      if (!P.ArrayPrototypeIncludes(redirectStatuses, status)) {
        throw new P.RangeError(`${prefix}: Invalid status code ${status}`);
      }
      // 4-7.
      const headers = headersImpl.create([["location", parsed.href]], "immutable");
      return createResponse("default", status, "", headers);
    }

    // https://fetch.spec.whatwg.org/#dom-response-json
    static json(data, init = undefined) {
      const prefix = "Failed to execute 'json' on 'Response'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      init = responseInit(init, prefix, "Argument 2");
      // 1. https://infra.spec.whatwg.org/#serialize-a-javascript-value-to-json-bytes
      const text = P.JSONStringify(data);
      if (text === undefined) {
        throw new P.TypeError(`${prefix}: The data is not JSON serializable`);
      }
      // 2-3.
      const body = { body: bodyImpl.fromSource(text), type: "application/json" };
      const response = createResponse("default", 200, "", headersImpl.create([], "response"));
      initializeResponse(response, init, body, prefix);
      return response;
    }

    get type() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#type;
    }

    // https://fetch.spec.whatwg.org/#dom-response-url
    get url() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#urlList.length === 0 ? "" : this.#urlList[this.#urlList.length - 1];
    }

    get redirected() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#urlList.length > 1;
    }

    get status() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#status;
    }

    // https://fetch.spec.whatwg.org/#dom-response-ok
    get ok() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#status >= 200 && this.#status <= 299;
    }

    get statusText() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#statusText;
    }

    get headers() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      return this.#headers;
    }

    // https://fetch.spec.whatwg.org/#dom-response-clone
    clone() {
      if (!(isObject(this) && #type in this)) illegalInvocation();
      // 1.
      if (bodyImpl.isUnusable(this.#body)) {
        throw new P.TypeError(
          "Failed to execute 'clone' on 'Response': Response body is already used");
      }
      // 2-3.
      const list = P.ArrayPrototypeMap(headersImpl.list(this.#headers), (e) => [e[0], e[1]]);
      const clone = createResponse(this.#type, this.#status, this.#statusText,
        headersImpl.create(list, headersImpl.guard(this.#headers)));
      clone.#urlList = P.ArrayPrototypeSlice(this.#urlList);
      clone.#body = this.#body === null ? null : bodyImpl.clone(this.#body);
      return clone;
    }

    static {
      responseSlots = {
        isResponse: (v) => isObject(v) && #type in v,
        create(type, status, statusText, headers) {
          const response = new Response(kCreate);
          response.#type = type;
          response.#status = status;
          response.#statusText = statusText;
          response.#headers = headers;
          return response;
        },
        // https://fetch.spec.whatwg.org/#initialize-a-response
        initialize(response, init, bodyWithType, prefix) {
          // 1.
          if (init.status < 200 || init.status > 599) {
            throw new P.RangeError(`${prefix}: The status provided (${init.status}) is ` +
              "outside the range [200, 599].");
          }
          // 2.
          if (P.RegExpPrototypeExec(reasonPhraseRe, init.statusText) === null) {
            throw new P.TypeError(`${prefix}: Invalid statusText '${init.statusText}'`);
          }
          // 3-4.
          response.#status = init.status;
          response.#statusText = init.statusText;
          // 5.
          if (init.headers !== undefined) {
            headersImpl.fill(response.#headers, init.headers, prefix);
          }
          // 6.
          if (bodyWithType !== null) {
            if (P.ArrayPrototypeIncludes(nullBodyStatuses, response.#status)) {
              throw new P.TypeError(
                `${prefix}: Response with null body status cannot have body`);
            }
            response.#body = bodyWithType.body;
            const list = headersImpl.list(response.#headers);
            if (bodyWithType.type !== null && !headersImpl.listContains(list, "content-type")) {
              P.ArrayPrototypePush(list, ["content-type", bodyWithType.type]);
            }
          }
        },
        parts: (response) => ({
          type: response.#type,
          status: response.#status,
          statusText: response.#statusText,
          headers: response.#headers,
          body: response.#body,
        }),
        body: (response) => response.#body,
        headers: (response) => response.#headers,
        // A response from the network, for fetch(): https://fetch.spec.whatwg.org/#concept-response
        fromNetwork({ status, statusText, headers, body, urlList }) {
          const response = new Response(kCreate);
          response.#type = "basic";
          response.#status = status;
          response.#statusText = statusText;
          response.#headers = headers;
          response.#body = body;
          response.#urlList = urlList;
          return response;
        },
      };
    }
  }

  const createResponse = responseSlots.create;
  const initializeResponse = responseSlots.initialize;

  bodyImpl.installBodyMixin(Response, (response) => {
    if (!responseSlots.isResponse(response)) illegalInvocation();
    return responseSlots.body(response);
  }, (response) => responseSlots.headers(response));
  configureInterface(Response);

  internals.setCustomInspect(Response, (response) => {
    const parts = responseSlots.parts(response);
    return {
      status: parts.status,
      statusText: parts.statusText,
      headers: parts.headers,
      body: parts.body === null ? null : response.body,
      bodyUsed: response.bodyUsed,
      ok: response.ok,
      redirected: response.redirected,
      type: parts.type,
      url: response.url,
    };
  });

  internals.Response = Response;
  internals.response = {
    isResponse: responseSlots.isResponse,
    // { type, status, statusText, headers: Headers, body: body record|null }
    parts: responseSlots.parts,
    fromNetwork: responseSlots.fromNetwork,
  };
});
