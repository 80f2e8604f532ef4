"use strict";
// The global scope: installs the public interfaces and functions on globalThis with WebIDL
// property attributes, makes the global object a ServiceWorkerGlobalScope (and so an
// EventTarget), and defines the promise-rejection hooks the runtime calls. Loaded last.
// https://w3c.github.io/ServiceWorker/#serviceworkerglobalscope-interface
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalConstructor, illegalInvocation } = internals.infra;
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
    internals.reportException(e, internals.callerLocation(reportError));
  }

  // Members of a [Global] interface act on the global object: `this` must be the global,
  // or undefined or null (a bare call), and anything else is a TypeError.
  // https://webidl.spec.whatwg.org/#dfn-attribute-getter (step 1.1.2)
  function globalReceiver(thisValue) {
    if (thisValue !== undefined && thisValue !== null && thisValue !== globalObject) {
      illegalInvocation();
    }
    return globalObject;
  }

  // An operation function for the global: `fn`'s name and length, the receiver check, then
  // `fn` itself. A method, so not a constructor, as WebIDL operations are not. Calls with up
  // to two arguments (nearly all) pass them on directly, with no array made per call.
  function globalOperation(name, fn) {
    const operation = {
      [name](a, b) {
        globalReceiver(this);
        switch (arguments.length) {
          case 0:
            return fn();
          case 1:
            return fn(a);
          case 2:
            return fn(a, b);
          default:
            return P.ReflectApply(fn, undefined, arguments);
        }
      },
    }[name];
    P.ObjectDefineProperty(operation, "length", { value: fn.length, configurable: true });
    return operation;
  }

  // A getter for the global: named `get <name>`, with the receiver check.
  function globalGetter(name, get) {
    const getter = {
      get [name]() {
        globalReceiver(this);
        return get();
      },
    };
    return P.ObjectGetOwnPropertyDescriptor(getter, name).get;
  }

  // [Replaceable] attributes: the setter checks the receiver and shadows the accessor with
  // a data property. https://webidl.spec.whatwg.org/#Replaceable
  function globalReplaceableSetter(name) {
    const setter = {
      set [name](value) {
        globalReceiver(this);
        P.ObjectDefineProperty(globalObject, name, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      },
    };
    return P.ObjectGetOwnPropertyDescriptor(setter, name).set;
  }

  const sw = internals.serviceWorker;

  // Interface objects and namespaces: writable, configurable, not enumerable.
  // https://webidl.spec.whatwg.org/#es-interfaces
  const interfaces = {
    AbortController: internals.AbortController,
    AbortSignal: internals.AbortSignal,
    Blob: internals.Blob,
    Clients: sw.Clients,
    Crypto: internals.Crypto,
    CustomEvent: internals.CustomEvent,
    DOMException: internals.DOMException,
    ErrorEvent: internals.ErrorEvent,
    Event: internals.Event,
    EventTarget: internals.EventTarget,
    ExtendableEvent: internals.ExtendableEvent,
    FetchEvent: internals.FetchEvent,
    File: internals.File,
    FileReader: internals.FileReader,
    FormData: internals.FormData,
    Headers: internals.Headers,
    Performance: internals.Performance,
    PerformanceEntry: internals.PerformanceEntry,
    PerformanceMark: internals.PerformanceMark,
    PerformanceMeasure: internals.PerformanceMeasure,
    PerformanceObserver: internals.PerformanceObserver,
    PerformanceObserverEntryList: internals.PerformanceObserverEntryList,
    ProgressEvent: internals.ProgressEvent,
    PromiseRejectionEvent: internals.PromiseRejectionEvent,
    ReadableStream: internals.ReadableStream,
    ReadableStreamDefaultController: internals.ReadableStreamDefaultController,
    ReadableStreamDefaultReader: internals.ReadableStreamDefaultReader,
    Request: internals.Request,
    Response: internals.Response,
    ServiceWorker: sw.ServiceWorker,
    ServiceWorkerGlobalScope,
    ServiceWorkerRegistration: sw.ServiceWorkerRegistration,
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
    skipWaiting: sw.skipWaiting,
    structuredClone: internals.structuredClone,
  };
  for (const name of P.ObjectKeys(operations)) {
    P.ObjectDefineProperty(globalObject, name, {
      value: globalOperation(name, operations[name]),
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
    // https://html.spec.whatwg.org/multipage/webappapis.html#dom-issecurecontext: a worker's
    // code comes from its operator, not the network.
    isSecureContext: () => true,
    // https://w3c.github.io/ServiceWorker/#serviceworkerglobalscope-interface
    clients: () => sw.clients,
    registration: () => sw.registration,
    serviceWorker: () => sw.serviceWorker,
    // https://html.spec.whatwg.org/multipage/webappapis.html#dom-crossoriginisolated: nothing
    // serves a worker with COOP/COEP, so SharedArrayBuffers cannot be cloned.
    crossOriginIsolated: () => false,
  };
  for (const name of P.ObjectKeys(attributes)) {
    P.ObjectDefineProperty(globalObject, name, {
      get: globalGetter(name, attributes[name]),
      enumerable: true,
      configurable: true,
    });
  }

  // [Replaceable] readonly attribute USVString origin;
  // https://html.spec.whatwg.org/multipage/webappapis.html#dom-origin
  // [Replaceable] readonly attribute WorkerGlobalScope self;
  // https://html.spec.whatwg.org/multipage/workers.html#dom-workerglobalscope-self
  const replaceable = {
    origin: () => internals.getLocation()?.origin ?? "null",
    self: () => globalObject,
  };
  for (const name of P.ObjectKeys(replaceable)) {
    P.ObjectDefineProperty(globalObject, name, {
      get: globalGetter(name, replaceable[name]),
      set: globalReplaceableSetter(name),
      enumerable: true,
      configurable: true,
    });
  }

  // [Replaceable] readonly attribute Performance performance, from the WindowOrWorkerGlobalScope
  // mixin. WorkerGlobalScope is not itself a [Global] interface, so its members belong on its
  // prototype object. https://w3c.github.io/hr-time/#the-performance-attribute
  // TODO(conform): the other members of WorkerGlobalScope and the mixin (location, navigator,
  // crypto, fetch, setTimeout, ...) are still own properties of the global object.
  const performanceAccessors = P.ObjectGetOwnPropertyDescriptor({
    get performance() {
      if (this !== undefined && this !== null && this !== globalObject) illegalInvocation();
      return internals.performance;
    },
    // https://webidl.spec.whatwg.org/#Replaceable
    set performance(value) {
      if (this !== undefined && this !== null && this !== globalObject) illegalInvocation();
      P.ObjectDefineProperty(globalObject, "performance", {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    },
  }, "performance");
  performanceAccessors.enumerable = true;
  P.ObjectDefineProperty(WorkerGlobalScope.prototype, "performance", performanceAccessors);

  // The global object is a ServiceWorkerGlobalScope: addEventListener() and friends come
  // from EventTarget.prototype, which keeps the global's listeners internally.
  P.ObjectSetPrototypeOf(globalObject, ServiceWorkerGlobalScope.prototype);

  // The event handlers of WorkerGlobalScope and ServiceWorkerGlobalScope. Some events never
  // fire here (no messages, no network changes), but scripts may still set their handlers.
  const handlerTypes = [
    "error", "languagechange", "offline", "online", "rejectionhandled", "unhandledrejection",
    "install", "activate", "fetch", "message", "messageerror",
  ];
  for (const type of handlerTypes) {
    eventImpl.defineEventHandler(globalObject, type, {
      receiver: globalReceiver,
      onError: type === "error",
    });
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
