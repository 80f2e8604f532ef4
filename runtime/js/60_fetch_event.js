"use strict";
// Serving: ExtendableEvent and FetchEvent, and the glue the runtime calls for each incoming
// HTTP request (internals.dispatchFetch). A request reaches either the module handler
// (`export default { fetch }`) or the global scope's "fetch" listeners, and its Response goes
// back through op_respond, or op_respond_stream plus op_body_write for a stream body.
// https://w3c.github.io/ServiceWorker/#fetchevent-interface
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { configureInterface, illegalInvocation } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const { Event, DOMException } = internals;
  const eventImpl = internals.event;
  const streams = internals.streams;
  const headersImpl = internals.headers;
  const bodyImpl = internals.body;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const globalObject = P.globalThis;
  const then = (promise, onFulfilled, onRejected) =>
    P.PromisePrototypeThen(promise, onFulfilled, onRejected);

  function describe(error) {
    return internals.inspect(error);
  }

  // ===== waitUntil =====

  // Promises passed to waitUntil() that have not settled yet, across all events.
  const pendingLifetimePromises = new P.Set();

  // `logged` is false for respondWith()'s promise, whose rejection the response reports.
  function trackLifetimePromise(promise, logged = true) {
    const tracked = then(promise, () => {}, (error) => {
      if (logged) ops.op_log("error", `a waitUntil() promise rejected: ${describe(error)}`);
    });
    P.SetPrototypeAdd(pendingLifetimePromises, tracked);
    then(tracked, () => P.SetPrototypeDelete(pendingLifetimePromises, tracked));
  }

  // ===== ExtendableEvent =====

  const extendableEventInit = webidl.createDictionaryConverter("ExtendableEventInit", [],
    eventImpl.eventInit);

  let extendableSlots;

  // https://w3c.github.io/ServiceWorker/#extendableevent-interface
  class ExtendableEvent extends Event {
    #pendingPromises = 0;
    #lifetimePromises = [];

    constructor(type, eventInitDict = undefined) {
      const prefix = `Failed to construct '${new.target?.name ?? "ExtendableEvent"}'`;
      webidl.requiredArguments(arguments.length, 1, prefix);
      super(type, extendableEventInit(eventInitDict, prefix, "Argument 2"));
    }

    // https://w3c.github.io/ServiceWorker/#dom-extendableevent-waituntil
    waitUntil(f) {
      if (!(isObject(this) && #pendingPromises in this)) illegalInvocation();
      const prefix = "Failed to execute 'waitUntil' on 'ExtendableEvent'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const promise = P.PromiseResolve(f);
      // 1.
      if (!this.isTrusted) {
        throw new DOMException(`${prefix}: The event is not trusted.`, "InvalidStateError");
      }
      // 2.
      if (!extendableSlots.isActive(this)) {
        throw new DOMException(
          `${prefix}: The event handler is already finished and no extend lifetime ` +
          "promises are outstanding.", "InvalidStateError");
      }
      // 3.
      extendableSlots.addLifetimePromise(this, promise);
    }

    static {
      extendableSlots = {
        lifetimePromises: (event) => event.#lifetimePromises,
        // https://w3c.github.io/ServiceWorker/#extendableevent-active
        isActive: (event) => event.#pendingPromises > 0 || eventImpl.isDispatching(event),
        // https://w3c.github.io/ServiceWorker/#extendableevent-add-lifetime-promise
        addLifetimePromise(event, promise, logged = true) {
          // 1.
          P.ArrayPrototypePush(event.#lifetimePromises, promise);
          // 2.
          event.#pendingPromises++;
          trackLifetimePromise(promise, logged);
          // 3.
          const settled = () => {
            P.PromisePrototypeThen(P.PromiseResolve(undefined), () => {
              event.#pendingPromises--;
            });
          };
          then(promise, settled, settled);
        },
      };
    }
  }

  configureInterface(ExtendableEvent);

  // ===== FetchEvent =====

  const fetchEventInit = webidl.createDictionaryConverter("FetchEventInit", [
    {
      key: "request",
      converter: webidl.createInterfaceConverter("Request", internals.request.isRequest),
      required: true,
    },
    { key: "preloadResponse", converter: (v) => P.PromiseResolve(v) },
    { key: "clientId", converter: converters.DOMString, defaultValue: "" },
    { key: "resultingClientId", converter: converters.DOMString, defaultValue: "" },
    { key: "replacesClientId", converter: converters.DOMString, defaultValue: "" },
    { key: "handled", converter: (v) => P.PromiseResolve(v) },
  ], extendableEventInit);

  let fetchSlots;

  class FetchEvent extends ExtendableEvent {
    #request;
    #preloadResponse;
    #clientId;
    #resultingClientId;
    #replacesClientId;
    #handled;
    #respondWithEntered = false;
    // The promise given to respondWith(), as a promise of this realm.
    #response = null;

    // https://w3c.github.io/ServiceWorker/#fetchevent-interface
    constructor(type, eventInitDict) {
      const prefix = "Failed to construct 'FetchEvent'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      const init = fetchEventInit(eventInitDict, prefix, "Argument 2");
      super(type, init);
      this.#request = init.request;
      this.#preloadResponse = init.preloadResponse ?? P.PromiseResolve(undefined);
      this.#clientId = init.clientId;
      this.#resultingClientId = init.resultingClientId;
      this.#replacesClientId = init.replacesClientId;
      this.#handled = init.handled ?? infra.newPromiseCapability().promise;
    }

    get request() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#request;
    }

    get preloadResponse() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#preloadResponse;
    }

    get clientId() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#clientId;
    }

    get resultingClientId() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#resultingClientId;
    }

    get replacesClientId() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#replacesClientId;
    }

    get handled() {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      return this.#handled;
    }

    // https://w3c.github.io/ServiceWorker/#fetch-event-respondwith
    respondWith(r) {
      if (!(isObject(this) && #request in this)) illegalInvocation();
      const prefix = "Failed to execute 'respondWith' on 'FetchEvent'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const promise = P.PromiseResolve(r);
      // 2.
      if (!eventImpl.isDispatching(this)) {
        throw new DOMException(`${prefix}: The event handler is already finished.`,
          "InvalidStateError");
      }
      // 3.
      if (this.#respondWithEntered) {
        throw new DOMException(`${prefix}: The event has already been responded to.`,
          "InvalidStateError");
      }
      // 4. Its rejection is reported with the failed response, not again as a lifetime one.
      extendableSlots.addLifetimePromise(this, promise, false);
      // 5.
      eventImpl.stopImmediate(this);
      // 6-7.
      this.#respondWithEntered = true;
      this.#response = promise;
    }

    static {
      fetchSlots = {
        respondWithEntered: (event) => event.#respondWithEntered,
        response: (event) => event.#response,
      };
    }
  }

  configureInterface(FetchEvent);

  // ===== serving =====

  // `export default { fetch }` of the worker's main module, or null.
  let moduleHandler = null;
  const env = P.ObjectFreeze({});

  function setModuleHandler(object) {
    if (!isObject(object) || typeof object.fetch !== "function") {
      throw new P.TypeError("default export must be an object with a fetch() method");
    }
    moduleHandler = object;
  }

  // The state of one request being answered.
  class Exchange {
    constructor(rid, method, url) {
      this.rid = rid;
      this.method = method;
      this.url = url;
      this.request = null;
      this.responded = false;
    }

    // Answers with a complete body; at most once.
    respond(status, statusText, headers, body) {
      if (this.responded) return;
      this.responded = true;
      try {
        ops.op_respond(this.rid, status, statusText, headers, body);
      } catch (error) {
        ops.op_log("error", `failed to send the response to ${this.describe()}: ` +
          describe(error));
      }
      this.finish();
    }

    // The answer is out: a request body nobody is reading is cancelled, so the runtime drops
    // the upload (and hyper closes or drains the connection) instead of holding it for the
    // life of the process. A handler still reading it (locked) keeps it.
    finish() {
      const body = this.request === null ? null : internals.request.body(this.request);
      if (body === null || body.stream === null || streams.isLocked(body.stream)) return;
      infra.markPromiseHandled(streams.cancel(body.stream, undefined));
    }

    fail(message, error) {
      const detail = error === undefined ? "" : `: ${describe(error)}`;
      ops.op_log("error", `${message} (${this.describe()})${detail}`);
      this.respond(500, "Internal Server Error",
        ["content-type", "text/plain;charset=UTF-8"], "Internal Server Error");
    }

    describe() {
      return `${this.method} ${this.url}`;
    }
  }

  function buildRequest(method, url, flatHeaders, bodyRid) {
    return internals.request.create({
      method,
      url,
      // https://w3c.github.io/ServiceWorker/#handle-fetch: the request's headers are immutable.
      headers: headersImpl.fromFlat(flatHeaders, "immutable"),
      body: bodyRid === null || bodyRid === undefined ? null : bodyImpl.fromRid(bodyRid),
      // TODO(soon): abort this signal when the client goes away, once an op reports it.
      signal: internals.abort.createSignal(),
    });
  }

  // Called by the runtime for every incoming request; never throws.
  function dispatchFetch(rid, method, url, flatHeaders, bodyRid) {
    const exchange = new Exchange(rid, method, url);
    try {
      const request = buildRequest(method, url, flatHeaders, bodyRid);
      exchange.request = request;
      if (moduleHandler !== null) {
        callModuleHandler(exchange, request);
      } else if (eventImpl.hasListeners(globalObject, "fetch")) {
        dispatchFetchEvent(exchange, request);
      } else {
        exchange.respond(503, "Service Unavailable",
          ["content-type", "text/plain;charset=UTF-8"], "no fetch handler registered");
      }
    } catch (error) {
      exchange.fail("failed to handle the request", error);
    }
  }

  function callModuleHandler(exchange, request) {
    const ctx = {
      waitUntil(promise) {
        trackLifetimePromise(P.PromiseResolve(promise));
      },
      passThroughOnException() {},
    };
    let result;
    try {
      result = P.ReflectApply(moduleHandler.fetch, moduleHandler, [request, env, ctx]);
    } catch (error) {
      exchange.fail("uncaught exception in fetch() handler", error);
      return;
    }
    then(P.PromiseResolve(result), (response) => {
      if (!internals.response.isResponse(response)) {
        exchange.fail(`fetch() handler returned a non-Response: ${describe(response)}`);
        return;
      }
      sendResponse(exchange, response);
    }, (error) => {
      exchange.fail("fetch() handler rejected", error);
    });
  }

  // The trusted FetchEvent for `request`, and the capability of its `handled` promise.
  function newFetchEvent(request) {
    const handled = infra.newPromiseCapability();
    infra.markPromiseHandled(handled.promise);
    // No prototype: the script's getters on Object.prototype do not see the conversion.
    const event = new FetchEvent("fetch", {
      __proto__: null,
      cancelable: true,
      request,
      clientId: "",
      resultingClientId: "",
      handled: handled.promise,
    });
    eventImpl.setTrusted(event);
    return { event, handled };
  }

  // https://w3c.github.io/ServiceWorker/#handle-fetch (the parts a server needs)
  function dispatchFetchEvent(exchange, request) {
    const { event, handled } = newFetchEvent(request);
    // Listeners that throw are reported as uncaught exceptions; dispatch goes on.
    const reportedBefore = eventImpl.reportedExceptions();
    eventImpl.dispatch(globalObject, event);

    // A browser would fall back to the network; a server has none, and a handler that
    // crashed is a server error (as in workerd), not a deliberate 404.
    if (!fetchSlots.respondWithEntered(event) &&
        eventImpl.reportedExceptions() !== reportedBefore) {
      exchange.fail("a fetch listener threw before calling respondWith()");
      handled.resolve(undefined);
      return;
    }
    if (!fetchSlots.respondWithEntered(event)) {
      ops.op_log("debug",
        `no fetch listener called respondWith() for ${exchange.describe()}; answering 404`);
      exchange.respond(404, "Not Found", [], null);
      handled.resolve(undefined);
      return;
    }
    then(fetchSlots.response(event), (response) => {
      if (!internals.response.isResponse(response)) {
        const error = new P.TypeError(
          `respondWith() was given a non-Response: ${describe(response)}`);
        handled.reject(new DOMException(error.message, "NetworkError"));
        exchange.fail(error.message);
        return;
      }
      handled.resolve(undefined);
      sendResponse(exchange, response);
    }, (error) => {
      handled.reject(new DOMException("The respondWith() promise rejected.", "NetworkError"));
      exchange.fail("the promise given to respondWith() rejected", error);
    });
  }

  function sendResponse(exchange, response) {
    const { type, status, statusText, headers, body } = internals.response.parts(response);
    if (type === "error") {
      exchange.fail("the handler answered with Response.error()");
      return;
    }
    const flat = headersImpl.flatten(headers);
    if (body === null) {
      exchange.respond(status, statusText, flat, null);
      return;
    }
    const source = bodyImpl.takeSource(body);
    if (source !== null) {
      exchange.respond(status, statusText, flat, source);
      return;
    }
    if (bodyImpl.isUnusable(body)) {
      exchange.fail("the Response body was already used");
      return;
    }
    then(pumpStream(exchange, status, statusText, flat, bodyImpl.stream(body)), undefined,
      (error) => {
        ops.op_log("error", `failed to stream the response to ${exchange.describe()}: ` +
          describe(error));
      });
  }

  // Streams a response body to the client chunk by chunk, waiting for each write.
  async function pumpStream(exchange, status, statusText, flat, stream) {
    try {
      await pumpStreamInner(exchange, status, statusText, flat, stream);
    } finally {
      exchange.finish();
    }
  }

  async function pumpStreamInner(exchange, status, statusText, flat, stream) {
    const reader = streams.acquireReader(stream);
    let sink;
    try {
      sink = ops.op_respond_stream(exchange.rid, status, statusText, flat);
      exchange.responded = true;
    } catch (error) {
      exchange.responded = true;
      ops.op_log("error", `failed to start the response to ${exchange.describe()}: ` +
        describe(error));
      infra.markPromiseHandled(streams.cancelReader(reader, error));
      return;
    }

    for (;;) {
      let result;
      try {
        result = await streams.read(reader);
      } catch (error) {
        ops.op_log("error",
          `the response body stream errored (${exchange.describe()}): ${describe(error)}`);
        ops.op_body_abort(sink, "the response body stream errored");
        return;
      }
      if (result.done) break;
      const chunk = result.value;
      if (!infra.isUint8Array(chunk)) {
        const error = new P.TypeError(
          `response body chunks must be Uint8Array, got ${describe(chunk)}`);
        ops.op_log("error", `${error.message} (${exchange.describe()})`);
        ops.op_body_abort(sink, error.message);
        infra.markPromiseHandled(streams.cancelReader(reader, error));
        return;
      }
      if (P.TypedArrayPrototypeGetByteLength(chunk) === 0) continue;
      try {
        await ops.op_body_write(sink, chunk);
      } catch (error) {
        // The client went away: stop producing.
        ops.op_log("debug", `client went away during ${exchange.describe()}: ` +
          describe(error));
        infra.markPromiseHandled(streams.cancelReader(reader, error));
        return;
      }
    }
    ops.op_body_close(sink);
  }

  // Waits for every lifetime promise of `event`, also those added while waiting
  // (https://w3c.github.io/ServiceWorker/#wait-for-all); rejects with the first rejection.
  function waitForLifetimePromises(event, from = 0) {
    const list = extendableSlots.lifetimePromises(event);
    if (from === list.length) return P.PromiseResolve(undefined);
    const batch = P.ArrayPrototypeSlice(list, from);
    return then(P.PromiseAll(batch), () => waitForLifetimePromises(event, list.length));
  }

  // A lifecycle event of the worker ("install", "activate", "serialize", "deserialize"),
  // dispatched by the runtime. The promise settles when the listeners are done: it rejects
  // if one threw or a waitUntil() promise rejected.
  function dispatchLifecycleEvent(type) {
    const event = new ExtendableEvent(type);
    eventImpl.setTrusted(event);
    const reportedBefore = eventImpl.reportedExceptions();
    eventImpl.dispatch(globalObject, event);
    if (eventImpl.reportedExceptions() !== reportedBefore) {
      return P.PromiseReject(new P.Error(`a "${type}" listener threw (see above)`));
    }
    return waitForLifetimePromises(event);
  }

  // Runs the built-ins' part of answering a request once, without the script: a seed calls
  // it before it forks, so that clones find that code compiled and its feedback allocated in
  // the memory they share. The event is made, not dispatched; nothing is sent. Dictionaries
  // have no prototype and no public member is read. The built-ins still iterate arrays,
  // resolve promises and push onto arrays through the JS intrinsics, so if the script changed
  // any of those, nothing runs. Returns null, or the change that stopped it.
  internals.warmUpRequestPath = () => {
    const change = internals.intrinsicsChange();
    if (change !== null) return change;
    const request = buildRequest("GET", "http://localhost/",
      ["host", "localhost", "user-agent", "aworker", "accept", "*/*"], null);
    newFetchEvent(request).handled.resolve(undefined);
    const response = new internals.Response("warm-up", {
      __proto__: null,
      headers: { __proto__: null, "content-type": "text/plain" },
    });
    const { headers, body } = internals.response.parts(response);
    headersImpl.flatten(headers);
    bodyImpl.takeSource(body);
    return null;
  };

  internals.ExtendableEvent = ExtendableEvent;
  internals.dispatchLifecycleEvent = dispatchLifecycleEvent;
  internals.hasLifecycleListeners = (type) => eventImpl.hasListeners(globalObject, type);
  internals.FetchEvent = FetchEvent;
  internals.dispatchFetch = dispatchFetch;
  internals.setModuleHandler = setModuleHandler;
  // Resolves once every waitUntil() promise pending now has settled (for graceful shutdown).
  internals.waitUntilSettled = () => P.PromiseAll([...pendingLifetimePromises]);
});
