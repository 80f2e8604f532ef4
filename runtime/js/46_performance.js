"use strict";
// High Resolution Time and the Performance Timeline: the clock behind performance.now() (also
// Event.timeStamp), the Performance interface, PerformanceEntry, the performance entry buffer
// map and PerformanceObserver. User Timing (47_user_timing.js) adds marks and measures.
// https://w3c.github.io/hr-time/ https://w3c.github.io/performance-timeline/
//
// The clock. The runtime measures from its time origin (op_now); a restored snapshot or a
// forked clone gets a fresh origin from the runtime, so its op_now starts again near 0. To keep
// now() monotonic across that (a timestamp taken before the freeze stays comparable with later
// ones, and marks kept in the snapshot stay in order), the first value after resuming continues
// from the latest value handed out before: the reported time origin moves back by as much, so
// timeOrigin + now() still tracks the wall clock and every clone still has an origin of its own.
// Timestamps are coarsened to 5 µs, the resolution hr-time allows a cross-origin isolated
// context (100 µs otherwise): a worker process runs one operator's code, and fetch() hands it
// every response body in full, so a timing side channel could reveal nothing it cannot read.
//
// Memory. The registry has no limit for "mark" and "measure" buffers (browsers keep every
// mark); a server that marks on every request and never clears would grow without bound. Each
// buffer keeps at most MAX_BUFFER_SIZE entries; later entries still reach observers but not the
// buffer, and count as dropped (PerformanceObserver reports droppedEntriesCount), as the spec
// does for types with a finite buffer. A runtime warning is logged the first time.
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, illegalConstructor, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const kCreate = P.Symbol("create");
  const MathRandom = P.globalThis.Math.random;

  // ===== the clock =====

  // Timestamps are multiples of 1 / RESOLUTION ms (5 µs).
  const RESOLUTION = 200;
  // Added to the runtime's clock after resuming frozen state; see the header.
  let resumeOffset = 0;
  // The latest timestamp handed out (a floor for every later one).
  let latest = 0;

  // https://w3c.github.io/hr-time/#dfn-current-high-resolution-time
  function currentHighResolutionTime() {
    const time = P.MathFloor((ops.op_now() + resumeOffset) * RESOLUTION) / RESOLUTION;
    if (time > latest) latest = time;
    return latest;
  }

  // https://w3c.github.io/hr-time/#dfn-get-time-origin-timestamp
  function timeOriginTimestamp() {
    return P.MathFloor((ops.op_time_origin() - resumeOffset) * RESOLUTION) / RESOLUTION;
  }

  internals.onResume(() => {
    resumeOffset = latest;
  });

  // ===== PerformanceEntry =====

  // https://w3c.github.io/performance-timeline/#dfn-last-performance-entry-id: starts at a
  // random value and grows by small random steps, so that ids do not count entries.
  let lastEntryId = 0;

  // https://w3c.github.io/performance-timeline/#dfn-generate-an-id
  function generateId() {
    if (lastEntryId === 0) lastEntryId = 100 + P.MathFloor(MathRandom() * 9901);
    lastEntryId += 1 + P.MathFloor(MathRandom() * 10);
    return lastEntryId;
  }

  // Accessors to the private state of entries, for the algorithms below and User Timing.
  let entrySlots;

  // https://w3c.github.io/performance-timeline/#the-performanceentry-interface
  class PerformanceEntry {
    #id;
    #name;
    #entryType;
    #startTime;
    #duration;

    // Only subclasses made by the runtime reach the fields: `token` keeps scripts out.
    // https://w3c.github.io/performance-timeline/#dfn-initialize-a-performanceentry
    constructor(token = undefined, name, entryType, startTime, duration) {
      if (token !== kCreate) illegalConstructor();
      this[kPlatformBrand] = "PerformanceEntry";
      // Every entry gets its id when made rather than when queued: an id is never unset.
      this.#id = generateId();
      this.#name = name;
      this.#entryType = entryType;
      this.#startTime = startTime;
      this.#duration = duration;
    }

    get id() {
      if (!isEntry(this)) illegalInvocation();
      return this.#id;
    }

    get name() {
      if (!isEntry(this)) illegalInvocation();
      return this.#name;
    }

    get entryType() {
      if (!isEntry(this)) illegalInvocation();
      return this.#entryType;
    }

    get startTime() {
      if (!isEntry(this)) illegalInvocation();
      return this.#startTime;
    }

    get duration() {
      if (!isEntry(this)) illegalInvocation();
      return this.#duration;
    }

    // A worker has no associated document, so no navigation.
    // https://w3c.github.io/performance-timeline/#queue-a-performanceentry (step 6)
    get navigationId() {
      if (!isEntry(this)) illegalInvocation();
      return null;
    }

    // https://webidl.spec.whatwg.org/#default-tojson-steps: the attributes of JSON types
    // (a subclass's `any detail` is not one).
    toJSON() {
      if (!isEntry(this)) illegalInvocation();
      return {
        id: this.#id,
        name: this.#name,
        entryType: this.#entryType,
        startTime: this.#startTime,
        duration: this.#duration,
        navigationId: null,
      };
    }

    static {
      entrySlots = {
        is: (value) => typeof value === "object" && value !== null && #name in value,
        name: (entry) => entry.#name,
        entryType: (entry) => entry.#entryType,
        startTime: (entry) => entry.#startTime,
      };
    }
  }
  configureInterface(PerformanceEntry);
  const isEntry = entrySlots.is;

  // ===== the performance entry buffer map =====

  // The most entries a buffer keeps; see the header.
  const MAX_BUFFER_SIZE = 10000;

  // https://w3c.github.io/performance-timeline/#dfn-performance-entry-buffer-map, keyed by the
  // supported entry types (https://w3c.github.io/timing-entrytypes-registry/#registry).
  const entryTypes = ["mark", "measure"];
  const bufferMap = new P.Map();
  for (const entryType of entryTypes) {
    P.MapPrototypeSet(bufferMap, entryType, {
      buffer: [],
      maxBufferSize: MAX_BUFFER_SIZE,
      availableFromTimeline: true,
      droppedEntriesCount: 0,
      warned: false,
    });
  }

  // https://w3c.github.io/performance-timeline/#dfn-frozen-array-of-supported-entry-types
  const supportedEntryTypes = P.ObjectFreeze(P.ArrayPrototypeSort([...entryTypes]));

  // https://w3c.github.io/performance-timeline/#dfn-determine-if-a-performance-entry-buffer-is-full
  function isBufferFull(tuple, entryType) {
    // 1-2.
    if (tuple.buffer.length < tuple.maxBufferSize) return false;
    // 3.
    tuple.droppedEntriesCount++;
    if (!tuple.warned) {
      tuple.warned = true;
      ops.op_log("warn", `the performance entry buffer for "${entryType}" holds ` +
        `${tuple.maxBufferSize} entries: later ones are dropped from the timeline (observers ` +
        `still see them); clear entries you have read with performance.clear${
          entryType === "mark" ? "Marks" : "Measures"}()`);
    }
    // 4.
    return true;
  }

  const byStartTime = (a, b) => entrySlots.startTime(a) - entrySlots.startTime(b);

  // https://w3c.github.io/performance-timeline/#dfn-filter-buffer-by-name-and-type
  function filterBuffer(buffer, name, type) {
    const result = [];
    for (let i = 0; i < buffer.length; i++) {
      const entry = buffer[i];
      if (type !== null && type !== entrySlots.entryType(entry)) continue;
      if (name !== null && name !== entrySlots.name(entry)) continue;
      P.ArrayPrototypePush(result, entry);
    }
    // The sort is stable: entries with equal start times stay in the order they were queued.
    return P.ArrayPrototypeSort(result, byStartTime);
  }

  // https://w3c.github.io/performance-timeline/#dfn-filter-buffer-map-by-name-and-type
  function filterBufferMap(name, type) {
    let result = [];
    for (const entryType of type !== null ? [type] : entryTypes) {
      const tuple = P.MapPrototypeGet(bufferMap, entryType);
      if (tuple === undefined || !tuple.availableFromTimeline) continue;
      result = [...result, ...filterBuffer(tuple.buffer, name, type)];
    }
    return P.ArrayPrototypeSort(result, byStartTime);
  }

  // Removes the entries of `entryType` (named `name` unless it is null) from their buffer.
  function clearBuffer(entryType, name) {
    const tuple = P.MapPrototypeGet(bufferMap, entryType);
    if (name === null) {
      tuple.buffer = [];
    } else {
      tuple.buffer = P.ArrayPrototypeFilter(tuple.buffer, (e) => entrySlots.name(e) !== name);
    }
  }

  // The startTime of the latest entry of `entryType` named `name` in its buffer, or undefined.
  function latestStartTime(entryType, name) {
    const { buffer } = P.MapPrototypeGet(bufferMap, entryType);
    for (let i = buffer.length - 1; i >= 0; i--) {
      if (entrySlots.name(buffer[i]) === name) return entrySlots.startTime(buffer[i]);
    }
    return undefined;
  }

  // ===== PerformanceObserver =====

  // The list of registered performance observer objects, as { observer, options } with a list
  // of PerformanceObserverInit as options.
  // https://w3c.github.io/performance-timeline/#dfn-list-of-registered-performance-observer-objects
  let registeredObservers = [];
  // https://w3c.github.io/performance-timeline/#dfn-performance-observer-task-queued-flag
  let observerTaskQueued = false;

  function findRegistered(observer) {
    return P.ArrayPrototypeFind(registeredObservers, (r) => r.observer === observer);
  }

  let isEntryList;

  // https://w3c.github.io/performance-timeline/#dom-performanceobserverentrylist
  class PerformanceObserverEntryList {
    #entryList;

    constructor(token = undefined, entryList) {
      if (token !== kCreate) illegalConstructor();
      this[kPlatformBrand] = "PerformanceObserverEntryList";
      this.#entryList = entryList;
    }

    getEntries() {
      if (!isEntryList(this)) illegalInvocation();
      return filterBuffer(this.#entryList, null, null);
    }

    getEntriesByType(type) {
      if (!isEntryList(this)) illegalInvocation();
      const prefix = "Failed to execute 'getEntriesByType' on 'PerformanceObserverEntryList'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      type = converters.DOMString(type, prefix, "Argument 1");
      return filterBuffer(this.#entryList, null, type);
    }

    getEntriesByName(name, type = undefined) {
      if (!isEntryList(this)) illegalInvocation();
      const prefix = "Failed to execute 'getEntriesByName' on 'PerformanceObserverEntryList'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.DOMString(name, prefix, "Argument 1");
      type = type === undefined ? null : converters.DOMString(type, prefix, "Argument 2");
      return filterBuffer(this.#entryList, name, type);
    }

    static {
      isEntryList = (value) => typeof value === "object" && value !== null && #entryList in value;
    }
  }
  configureInterface(PerformanceObserverEntryList);

  const observerInit = webidl.createDictionaryConverter("PerformanceObserverInit", [
    { key: "entryTypes", converter: webidl.createSequenceConverter(converters.DOMString) },
    { key: "type", converter: converters.DOMString },
    { key: "buffered", converter: converters.boolean },
  ]);

  let isObserver;
  let deliver;
  let notify;

  // https://w3c.github.io/performance-timeline/#the-performanceobserver-interface
  class PerformanceObserver {
    #callback;
    // https://w3c.github.io/performance-timeline/#dfn-observer-buffer
    #buffer = [];
    // https://w3c.github.io/performance-timeline/#dfn-observer-type
    #type = "undefined";
    // https://w3c.github.io/performance-timeline/#dfn-requires-dropped-entries
    #requiresDroppedEntries = false;

    constructor(callback) {
      this[kPlatformBrand] = "PerformanceObserver";
      const prefix = "Failed to construct 'PerformanceObserver'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      this.#callback = converters.Function(callback, prefix, "Argument 1");
    }

    // https://w3c.github.io/performance-timeline/#observe-method
    observe(options = undefined) {
      if (!isObserver(this)) illegalInvocation();
      const prefix = "Failed to execute 'observe' on 'PerformanceObserver'";
      options = observerInit(options, prefix, "Argument 1");
      const hasEntryTypes = options.entryTypes !== undefined;
      const hasType = options.type !== undefined;
      // 2.
      if (!hasEntryTypes && !hasType) {
        throw new P.TypeError(`${prefix}: An observe() call must include either entryTypes ` +
          "or type.");
      }
      // 3. The spec also throws for entryTypes with buffered; Blink and WebKit ignore buffered
      // there, and Gecko follows them for web compatibility (w3c/performance-timeline#215,
      // the tentative WPT test buffered-flag-with-entryTypes-observer), and so do we.
      if (hasEntryTypes && hasType) {
        throw new P.TypeError(`${prefix}: An observe() call must not include both entryTypes ` +
          "and type.");
      }
      // 4.
      if (this.#type === "undefined") this.#type = hasEntryTypes ? "multiple" : "single";
      if ((this.#type === "single" && hasEntryTypes) || (this.#type === "multiple" && hasType)) {
        throw new internals.DOMException(`${prefix}: This observer has already been used ` +
          `with ${hasType ? "entryTypes" : "type"}; it cannot change to the other.`,
          "InvalidModificationError");
      }
      // 5.
      this.#requiresDroppedEntries = true;
      const registered = findRegistered(this);

      // 6.
      if (this.#type === "multiple") {
        // 6.1-6.3. Unsupported types are ignored.
        const entryTypes = P.ArrayPrototypeFilter(options.entryTypes,
          (type) => P.ArrayPrototypeIncludes(supportedEntryTypes, type));
        if (entryTypes.length === 0) return;
        const init = { entryTypes };
        // 6.4-6.5.
        if (registered !== undefined) {
          registered.options = [init];
        } else {
          P.ArrayPrototypePush(registeredObservers, { observer: this, options: [init] });
        }
        return;
      }

      // 7.2.
      if (!P.ArrayPrototypeIncludes(supportedEntryTypes, options.type)) return;
      const init = { type: options.type, buffered: options.buffered === true };
      // 7.3-7.4.
      if (registered !== undefined) {
        const index = P.ArrayPrototypeFindIndex(registered.options,
          (item) => item.type === init.type);
        if (index !== -1) {
          registered.options[index] = init;
        } else {
          P.ArrayPrototypePush(registered.options, init);
        }
      } else {
        P.ArrayPrototypePush(registeredObservers, { observer: this, options: [init] });
      }
      // 7.5. ("should add entry" is true for every entry of the supported types.)
      if (init.buffered) {
        const tuple = P.MapPrototypeGet(bufferMap, init.type);
        for (let i = 0; i < tuple.buffer.length; i++) {
          P.ArrayPrototypePush(this.#buffer, tuple.buffer[i]);
        }
        queueObserverTask();
      }
    }

    // https://w3c.github.io/performance-timeline/#disconnect-method
    disconnect() {
      if (!isObserver(this)) illegalInvocation();
      registeredObservers = P.ArrayPrototypeFilter(registeredObservers,
        (r) => r.observer !== this);
      this.#buffer = [];
    }

    // https://w3c.github.io/performance-timeline/#takerecords-method
    takeRecords() {
      if (!isObserver(this)) illegalInvocation();
      const records = this.#buffer;
      this.#buffer = [];
      return records;
    }

    // https://w3c.github.io/performance-timeline/#supportedentrytypes-attribute
    static get supportedEntryTypes() {
      return supportedEntryTypes;
    }

    static {
      isObserver = (value) => typeof value === "object" && value !== null && #callback in value;
      deliver = (observer, entry) => P.ArrayPrototypePush(observer.#buffer, entry);
      notify = (registered) => PerformanceObserver.#notify(registered);
    }

    // The steps of the observer task for one registered observer.
    // https://w3c.github.io/performance-timeline/#dfn-queue-the-performanceobserver-task (3.3)
    static #notify(registered) {
      const po = registered.observer;
      // 3.3.2-3.3.4. (The spec's "return" here means moving on to the next observer.)
      const entries = po.#buffer;
      if (entries.length === 0) return;
      po.#buffer = [];
      // 3.3.5.
      const list = new PerformanceObserverEntryList(kCreate, entries);
      // 3.3.6-3.3.7.
      let droppedEntriesCount = null;
      if (po.#requiresDroppedEntries) {
        droppedEntriesCount = 0;
        for (const item of registered.options) {
          const types = item.entryTypes ?? [item.type];
          for (const type of types) {
            droppedEntriesCount += P.MapPrototypeGet(bufferMap, type).droppedEntriesCount;
          }
        }
        po.#requiresDroppedEntries = false;
      }
      // 3.3.8-3.3.9.
      const callbackOptions = droppedEntriesCount === null ? {} : { droppedEntriesCount };
      internals.callAndReport(po.#callback, po, [list, po, callbackOptions]);
    }
  }
  configureInterface(PerformanceObserver);

  // https://w3c.github.io/performance-timeline/#dfn-queue-the-performanceobserver-task
  function queueObserverTask() {
    // 1-2.
    if (observerTaskQueued) return;
    observerTaskQueued = true;
    // 3. A task of its own, as a zero-delay runtime timer: observers run after the current
    // task and its microtasks, never in the middle of them.
    internals.timers.startInternal(() => {
      // 3.1-3.2.
      observerTaskQueued = false;
      const notifyList = P.ArrayPrototypeSlice(registeredObservers);
      // 3.3.
      for (const registered of notifyList) notify(registered);
    }, 0);
  }

  // https://w3c.github.io/performance-timeline/#dfn-queue-a-performanceentry
  function queueEntry(entry) {
    // 1-6. Ids are given when entries are made; a worker has no navigation id.
    const entryType = entrySlots.entryType(entry);
    // 7-8. ("should add entry" is true for every entry of the supported types.)
    for (let i = 0; i < registeredObservers.length; i++) {
      const { observer, options } = registeredObservers[i];
      const interested = P.ArrayPrototypeSome(options, (item) =>
        item.type === entryType ||
        (item.entryTypes !== undefined && P.ArrayPrototypeIncludes(item.entryTypes, entryType)));
      if (interested) deliver(observer, entry);
    }
    // 9-11.
    const tuple = P.MapPrototypeGet(bufferMap, entryType);
    if (!isBufferFull(tuple, entryType)) P.ArrayPrototypePush(tuple.buffer, entry);
    // 12. The observer task is only worth queueing when something observes.
    if (registeredObservers.length > 0) queueObserverTask();
  }

  // ===== Performance =====

  // https://w3c.github.io/hr-time/#sec-performance
  class Performance extends internals.EventTarget {
    constructor(token = undefined) {
      if (token !== kCreate) illegalConstructor();
      super();
    }

    // https://w3c.github.io/hr-time/#now-method
    now() {
      if (this !== performance) illegalInvocation();
      return currentHighResolutionTime();
    }

    // https://w3c.github.io/hr-time/#timeorigin-attribute
    get timeOrigin() {
      if (this !== performance) illegalInvocation();
      return timeOriginTimestamp();
    }

    // https://w3c.github.io/hr-time/#tojson-method (the default toJSON steps)
    toJSON() {
      if (this !== performance) illegalInvocation();
      return { timeOrigin: timeOriginTimestamp() };
    }

    // https://w3c.github.io/performance-timeline/#getentries-method
    getEntries() {
      if (this !== performance) illegalInvocation();
      return filterBufferMap(null, null);
    }

    // https://w3c.github.io/performance-timeline/#getentriesbytype-method
    getEntriesByType(type) {
      if (this !== performance) illegalInvocation();
      const prefix = "Failed to execute 'getEntriesByType' on 'Performance'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      type = converters.DOMString(type, prefix, "Argument 1");
      return filterBufferMap(null, type);
    }

    // https://w3c.github.io/performance-timeline/#getentriesbyname-method
    getEntriesByName(name, type = undefined) {
      if (this !== performance) illegalInvocation();
      const prefix = "Failed to execute 'getEntriesByName' on 'Performance'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      name = converters.DOMString(name, prefix, "Argument 1");
      type = type === undefined ? null : converters.DOMString(type, prefix, "Argument 2");
      return filterBufferMap(name, type);
    }
  }
  configureInterface(Performance);
  const performance = new Performance(kCreate);

  const showEntry = (entry) => ({
    name: entry.name,
    entryType: entry.entryType,
    startTime: entry.startTime,
    duration: entry.duration,
  });
  internals.setCustomInspect(PerformanceEntry, showEntry);
  internals.setCustomInspect(Performance, (p) => ({ timeOrigin: p.timeOrigin }));

  internals.Performance = Performance;
  internals.PerformanceEntry = PerformanceEntry;
  internals.PerformanceObserver = PerformanceObserver;
  internals.PerformanceObserverEntryList = PerformanceObserverEntryList;
  internals.performance = performance;
  internals.currentHighResolutionTime = currentHighResolutionTime;
  // For User Timing.
  internals.performanceTimeline = {
    kCreate,
    isEntry,
    queueEntry,
    clearBuffer,
    latestStartTime,
    showEntry,
  };
});
