"use strict";
// The global scope: installs the public interfaces and functions on globalThis with WebIDL
// property attributes, makes the global object a ServiceWorkerGlobalScope (and so an
// EventTarget), and defines the promise-rejection hooks the runtime calls. Loaded last.
// https://w3c.github.io/ServiceWorker/#serviceworkerglobalscope-interface
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalConstructor } = internals.infra;
  const webidl = internals.webidl;
  const eventImpl = internals.event;
  const globalObject = P.globalThis;

  // https://html.spec.whatwg.org/multipage/workers.html#workerglobalscope
  class WorkerGlobalScope extends internals.EventTarget {
    constructor() {
      illegalConstructor();
    }
  }
  configureInterface(WorkerGlobalScope);

  class ServiceWorkerGlobalScope extends WorkerGlobalScope {
    constructor() {
      illegalConstructor();
    }
  }
  configureInterface(ServiceWorkerGlobalScope);

  // https://html.spec.whatwg.org/multipage/webappapis.html#dom-reporterror
  function reportError(e) {
    webidl.requiredArguments(arguments.length, 1, "Failed to execute 'reportError'");
    internals.reportException(e);
  }

  // Interface objects and namespaces: writable, configurable, not enumerable.
  // https://webidl.spec.whatwg.org/#es-interfaces
  const interfaces = {
    AbortController: internals.AbortController,
    AbortSignal: internals.AbortSignal,
    Crypto: internals.Crypto,
    CustomEvent: internals.CustomEvent,
    DOMException: internals.DOMException,
    ErrorEvent: internals.ErrorEvent,
    Event: internals.Event,
    EventTarget: internals.EventTarget,
    ExtendableEvent: internals.ExtendableEvent,
    FetchEvent: internals.FetchEvent,
    Headers: internals.Headers,
    Performance: internals.Performance,
    PromiseRejectionEvent: internals.PromiseRejectionEvent,
    ReadableStream: internals.ReadableStream,
    ReadableStreamDefaultController: internals.ReadableStreamDefaultController,
    ReadableStreamDefaultReader: internals.ReadableStreamDefaultReader,
    Request: internals.Request,
    Response: internals.Response,
    ServiceWorkerGlobalScope,
    TextDecoder: internals.TextDecoder,
    TextEncoder: internals.TextEncoder,
    URL: internals.URL,
    URLPattern: internals.URLPattern,
    URLSearchParams: internals.URLSearchParams,
    WorkerGlobalScope,
    WorkerLocation: internals.WorkerLocation,
    WorkerNavigator: internals.WorkerNavigator,
    // https://console.spec.whatwg.org/#console-namespace
    console: internals.console,
  };
  for (const name of P.ObjectKeys(interfaces)) {
    P.ObjectDefineProperty(globalObject, name, {
      value: interfaces[name],
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }

  // Operations of a [Global] interface live on the global object itself and, like all
  // WebIDL operations, are enumerable. https://webidl.spec.whatwg.org/#es-operations
  const operations = {
    atob: internals.base64.atob,
    btoa: internals.base64.btoa,
    clearInterval: internals.timers.clearInterval,
    clearTimeout: internals.timers.clearTimeout,
    fetch: internals.fetch,
    importScripts: internals.importScripts,
    queueMicrotask: internals.timers.queueMicrotask,
    reportError,
    setInterval: internals.timers.setInterval,
    setTimeout: internals.timers.setTimeout,
  };
  for (const name of P.ObjectKeys(operations)) {
    P.ObjectDefineProperty(globalObject, name, {
      value: operations[name],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  // Attributes of a [Global] interface are accessors on the global object itself.
  // https://html.spec.whatwg.org/multipage/workers.html#workerglobalscope
  const attributes = {
    location: () => internals.getLocation(),
    navigator: () => internals.navigator,
    crypto: () => internals.crypto,
    performance: () => internals.performance,
    // https://html.spec.whatwg.org/multipage/webappapis.html#dom-issecurecontext: a worker's
    // code comes from its operator, not the network.
    isSecureContext: () => true,
  };
  for (const name of P.ObjectKeys(attributes)) {
    P.ObjectDefineProperty(globalObject, name, {
      get: attributes[name],
      enumerable: true,
      configurable: true,
    });
  }

  // [Replaceable] readonly attribute USVString origin;
  // https://html.spec.whatwg.org/multipage/webappapis.html#dom-origin
  P.ObjectDefineProperty(globalObject, "origin", {
    get() {
      const location = internals.getLocation();
      return location === undefined ? "null" : location.origin;
    },
    set(value) {
      P.ObjectDefineProperty(globalObject, "origin", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
    enumerable: true,
    configurable: true,
  });

  // [Replaceable] readonly attribute WorkerGlobalScope self;
  // https://html.spec.whatwg.org/multipage/workers.html#dom-workerglobalscope-self
  P.ObjectDefineProperty(globalObject, "self", {
    get() {
      return globalObject;
    },
    set(value) {
      P.ObjectDefineProperty(globalObject, "self", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
    enumerable: true,
    configurable: true,
  });

  // The global object is a ServiceWorkerGlobalScope: addEventListener() and friends come
  // from EventTarget.prototype, which keeps the global's listeners internally.
  P.ObjectSetPrototypeOf(globalObject, ServiceWorkerGlobalScope.prototype);

  // TODO(conform): `onerror` needs the special OnErrorEventHandler signature
  // (message, source, lineno, colno, error); it is missing until then.
  for (const type of ["fetch", "install", "activate", "unhandledrejection", "rejectionhandled"]) {
    eventImpl.defineEventHandler(globalObject, type, globalObject);
  }

  // While a snapshot is being built V8 leaves WebAssembly out of the context (compiled wasm
  // cannot be serialized), so scripts would only see a bare ReferenceError. The runtime turns
  // this guard on for the build and off before the heap is written.
  // Feature detection (`typeof WebAssembly`) still works; any use throws the reason.
  const wasmUnavailable = () => {
    throw new P.TypeError("WebAssembly is not available while a snapshot is being built: " +
      "instantiate modules in a \"deserialize\" listener instead");
  };
  const wasmGuard = new P.Proxy({}, {
    get: wasmUnavailable,
    set: wasmUnavailable,
    has: wasmUnavailable,
    ownKeys: wasmUnavailable,
    getPrototypeOf: wasmUnavailable,
  });
  internals.setSnapshotBuilding = (building) => {
    const existing = P.ObjectGetOwnPropertyDescriptor(globalObject, "WebAssembly");
    if (building && existing === undefined) {
      P.ObjectDefineProperty(globalObject, "WebAssembly", {
        value: wasmGuard,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    } else if (!building && existing?.value === wasmGuard) {
      P.ReflectDeleteProperty(globalObject, "WebAssembly");
    }
  };

  // Called by the runtime when a promise was rejected with no handler by the end of a task.
  // Returns true if a listener canceled the event, in which case nothing is logged.
  // https://html.spec.whatwg.org/multipage/webappapis.html#unhandled-promise-rejections
  internals.dispatchUnhandledRejection = (promise, reason) => {
    const event = new internals.PromiseRejectionEvent("unhandledrejection", {
      cancelable: true,
      promise,
      reason,
    });
    eventImpl.setTrusted(event);
    return !eventImpl.dispatch(globalObject, event);
  };

  // Called by the runtime when a promise reported as unhandled gets a handler later.
  internals.dispatchRejectionHandled = (promise, reason) => {
    const event = new internals.PromiseRejectionEvent("rejectionhandled", {
      promise,
      reason,
    });
    eventImpl.setTrusted(event);
    eventImpl.dispatch(globalObject, event);
  };
});
