"use strict";
// What makes the global scope a worker's: WorkerLocation, WorkerNavigator and
// importScripts(). https://html.spec.whatwg.org/multipage/workers.html
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, illegalConstructor, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;

  const kCreate = P.Symbol("create");
  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");

  // https://html.spec.whatwg.org/multipage/workers.html#worker-locations
  class WorkerLocation {
    #url;

    constructor(token, url) {
      this[kPlatformBrand] = "WorkerLocation";
      if (token !== kCreate) illegalConstructor();
      this.#url = url;
    }

    #get(name) {
      if (!(isObject(this) && #url in this)) illegalInvocation();
      return this.#url[name];
    }

    get href() {
      return this.#get("href");
    }

    get origin() {
      return this.#get("origin");
    }

    get protocol() {
      return this.#get("protocol");
    }

    get host() {
      return this.#get("host");
    }

    get hostname() {
      return this.#get("hostname");
    }

    get port() {
      return this.#get("port");
    }

    get pathname() {
      return this.#get("pathname");
    }

    get search() {
      return this.#get("search");
    }

    get hash() {
      return this.#get("hash");
    }

    toString() {
      return this.#get("href");
    }
  }
  configureInterface(WorkerLocation);

  // https://html.spec.whatwg.org/multipage/workers.html#the-workernavigator-object
  class WorkerNavigator {
    constructor(token) {
      this[kPlatformBrand] = "WorkerNavigator";
      if (token !== kCreate) illegalConstructor();
    }

    // NavigatorID: fixed values that old browser-sniffing code expects.
    // https://html.spec.whatwg.org/multipage/system-state.html#navigatorid
    get appCodeName() {
      return "Mozilla";
    }

    get appName() {
      return "Netscape";
    }

    // The spec derives it from a "Mozilla/5.0 (...)" user agent, which this runtime's is not.
    get appVersion() {
      return "5.0 (aworker)";
    }

    // The empty string rather than the host's OS and CPU: nothing of the host leaks.
    get platform() {
      return "";
    }

    get product() {
      return "Gecko";
    }

    get userAgent() {
      return ops.op_user_agent();
    }

    // One thread runs every worker of a process.
    get hardwareConcurrency() {
      return 1;
    }

    get language() {
      return "en-US";
    }

    get languages() {
      return ["en-US"];
    }

    get onLine() {
      return true;
    }
  }
  configureInterface(WorkerNavigator);

  // The location comes from the runtime (`--location`), read on first use so that nothing
  // of one process is baked into a snapshot. Without one, `location` is undefined and
  // relative URLs do not resolve, as in Deno.
  let location = null;
  function getLocation() {
    if (location === null) {
      const href = ops.op_location();
      location = href === null ? undefined : new WorkerLocation(kCreate, new internals.URL(href));
    }
    return location;
  }
  internals.getLocation = getLocation;
  // A restored snapshot or a clone reads its own --location again.
  internals.onResume(() => {
    location = null;
  });
  internals.navigator = new WorkerNavigator(kCreate);

  // https://html.spec.whatwg.org/multipage/workers.html#dom-workerglobalscope-importscripts
  function importScripts(...urls) {
    const prefix = "Failed to execute 'importScripts' on 'WorkerGlobalScope'";
    const specifiers = P.ArrayPrototypeMap(urls, (url, i) =>
      webidl.converters.USVString(url, prefix, `Argument ${i + 1}`));
    ops.op_import_scripts(specifiers);
  }

  internals.WorkerLocation = WorkerLocation;
  internals.WorkerNavigator = WorkerNavigator;
  internals.importScripts = importScripts;
});
