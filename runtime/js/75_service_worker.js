"use strict";
// The Service Worker members that browser scripts call, in a server's terms: the worker is
// installed and active from the start, it controls no clients (nothing is a window here),
// and its registration's scope is its origin.
// https://w3c.github.io/ServiceWorker/
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, illegalConstructor, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;

  const kCreate = P.Symbol("create");

  // The scope is the origin's root URL; without --location the origin is opaque, and its
  // serialization is "null", as `self.origin` gives.
  function scopeURL() {
    const location = internals.getLocation();
    return location === undefined ? "null" : new internals.URL("/", location.href).href;
  }

  // https://w3c.github.io/ServiceWorker/#serviceworker-interface
  class ServiceWorker extends internals.EventTarget {
    constructor(token) {
      if (token !== kCreate) illegalConstructor();
      super();
    }

    get scriptURL() {
      if (this !== serviceWorker) illegalInvocation();
      return internals.getLocation()?.href ?? "";
    }

    // The worker runs from its start: "activated" is the only state anyone can observe.
    get state() {
      if (this !== serviceWorker) illegalInvocation();
      return "activated";
    }

    // There is no client to receive a message.
    postMessage(message) {
      if (this !== serviceWorker) illegalInvocation();
      webidl.requiredArguments(arguments.length, 1,
        "Failed to execute 'postMessage' on 'ServiceWorker'");
      throw new internals.DOMException(
        "A server worker has no clients to post messages to", "NotSupportedError");
    }
  }
  configureInterface(ServiceWorker);
  internals.event.defineEventHandler(ServiceWorker.prototype, "statechange");
  internals.event.defineEventHandler(ServiceWorker.prototype, "error");

  // https://w3c.github.io/ServiceWorker/#serviceworkerregistration-interface
  class ServiceWorkerRegistration extends internals.EventTarget {
    constructor(token) {
      if (token !== kCreate) illegalConstructor();
      super();
    }

    get installing() {
      if (this !== registration) illegalInvocation();
      return null;
    }

    get waiting() {
      if (this !== registration) illegalInvocation();
      return null;
    }

    get active() {
      if (this !== registration) illegalInvocation();
      return serviceWorker;
    }

    get scope() {
      if (this !== registration) illegalInvocation();
      return scopeURL();
    }

    get updateViaCache() {
      if (this !== registration) illegalInvocation();
      return "imports";
    }

    // The operator deploys new code, not the worker: there is never an update to find.
    update() {
      if (this !== registration) return P.PromiseReject(illegalInvocationError());
      return P.PromiseResolve(this);
    }

    // A server's worker stays registered for the life of the process.
    unregister() {
      if (this !== registration) return P.PromiseReject(illegalInvocationError());
      return P.PromiseResolve(false);
    }
  }
  configureInterface(ServiceWorkerRegistration);
  internals.event.defineEventHandler(ServiceWorkerRegistration.prototype, "updatefound");

  // https://w3c.github.io/ServiceWorker/#clients-interface
  class Clients {
    constructor(token) {
      if (token !== kCreate) illegalConstructor();
      this[kPlatformBrand] = "Clients";
    }

    get(id) {
      if (this !== clients) return P.PromiseReject(illegalInvocationError());
      try {
        webidl.requiredArguments(arguments.length, 1, "Failed to execute 'get' on 'Clients'");
        webidl.converters.DOMString(id, "Failed to execute 'get' on 'Clients'", "Argument 1");
      } catch (error) {
        return P.PromiseReject(error);
      }
      return P.PromiseResolve(undefined);
    }

    matchAll(options = undefined) {
      if (this !== clients) return P.PromiseReject(illegalInvocationError());
      if (options !== undefined && options !== null && typeof options !== "object") {
        return P.PromiseReject(new P.TypeError(
          "Failed to execute 'matchAll' on 'Clients': The provided value is not of type " +
          "'ClientQueryOptions'"));
      }
      return P.PromiseResolve(P.ObjectFreeze([]));
    }

    // Nothing can be shown to a user: the spec's answer when a window may not be opened.
    openWindow(url) {
      if (this !== clients) return P.PromiseReject(illegalInvocationError());
      return P.PromiseReject(new internals.DOMException(
        "A server worker cannot open windows", "InvalidAccessError"));
    }

    claim() {
      if (this !== clients) return P.PromiseReject(illegalInvocationError());
      return P.PromiseResolve(undefined);
    }
  }
  configureInterface(Clients);

  // What illegalInvocation() throws, for operations that return a promise and so reject.
  const illegalInvocationError = () => new P.TypeError("Illegal invocation");

  // https://w3c.github.io/ServiceWorker/#service-worker-global-scope-skipwaiting
  function skipWaiting() {
    return P.PromiseResolve(undefined);
  }

  const serviceWorker = new ServiceWorker(kCreate);
  const registration = new ServiceWorkerRegistration(kCreate);
  const clients = new Clients(kCreate);

  internals.serviceWorker = {
    Clients,
    ServiceWorker,
    ServiceWorkerRegistration,
    clients,
    registration,
    serviceWorker,
    skipWaiting,
  };
});
