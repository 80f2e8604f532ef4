"use strict";
// User Timing: performance.mark()/measure()/clearMarks()/clearMeasures() (a partial interface
// of Performance), PerformanceMark and PerformanceMeasure, over the timeline of
// 46_performance.js. https://w3c.github.io/user-timing/
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalConstructor, illegalInvocation } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const timeline = internals.performanceTimeline;
  const { kCreate } = timeline;
  const performance = internals.performance;

  // ===== detail: structured clone =====

  // TODO(conform): a stand-in for StructuredSerialize + StructuredDeserialize until the
  // runtime has structuredClone() over V8's serializer (another branch); `detail` then goes
  // through internals.structuredClone. It copies primitives, plain objects, arrays, Date,
  // RegExp, Map, Set, boxed primitives, Error, ArrayBuffer and views, keeping shared and
  // cyclic references; it throws DataCloneError for symbols, functions, WeakMap, WeakSet and
  // Promise. Unlike the real algorithm it copies other objects with private state (platform
  // objects) as plain objects, and ignores resizable buffers and SharedArrayBuffer semantics.
  const toStringTag = (value) => P.StringPrototypeSlice(P.ObjectPrototypeToString(value), 8, -1);
  const uncurry = P.uncurryThis;
  // Constructors captured now: scripts may replace the globals later.
  const { Array: ArrayCtor, Date: DateCtor, RegExp: RegExpCtor } = P.globalThis;
  const typedArrays = {};
  for (const name of ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
    "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array",
    "BigInt64Array", "BigUint64Array"]) {
    if (P.globalThis[name] !== undefined) typedArrays[name] = P.globalThis[name];
  }
  const DateGetTime = uncurry(Date.prototype.getTime);
  const RegExpSource = uncurry(P.ObjectGetOwnPropertyDescriptor(RegExp.prototype, "source").get);
  const RegExpFlags = uncurry(P.ObjectGetOwnPropertyDescriptor(RegExp.prototype, "flags").get);
  const MapForEach = uncurry(Map.prototype.forEach);
  const SetForEach = uncurry(Set.prototype.forEach);
  const MapSize = uncurry(P.ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get);
  const SetSize = uncurry(P.ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get);
  // Object(primitive) makes the box of a primitive.
  const ObjectBox = Object;
  const boxValueOf = [
    uncurry(Boolean.prototype.valueOf),
    uncurry(Number.prototype.valueOf),
    uncurry(String.prototype.valueOf),
    uncurry(BigInt.prototype.valueOf),
  ];
  const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError,
    URIError };

  const succeeds = (fn, value) => {
    try {
      fn(value);
      return true;
    } catch {
      return false;
    }
  };

  function dataCloneError(value, prefix) {
    let what;
    if (typeof value === "symbol") {
      what = P.SymbolPrototypeToString(value);
    } else if (typeof value === "function") {
      what = `function ${value.name || "(anonymous)"}`;
    } else {
      what = `#<${toStringTag(value)}>`;
    }
    return new internals.DOMException(`${prefix}: ${what} could not be cloned.`,
      "DataCloneError");
  }

  function cloneFallback(value, prefix, memory = new P.Map()) {
    if (typeof value === "symbol" || typeof value === "function") {
      throw dataCloneError(value, prefix);
    }
    if (typeof value !== "object" || value === null) return value;
    if (P.MapPrototypeHas(memory, value)) return P.MapPrototypeGet(memory, value);
    const remember = (copy) => {
      P.MapPrototypeSet(memory, value, copy);
      return copy;
    };

    for (const valueOf of boxValueOf) {
      if (succeeds(valueOf, value)) return remember(ObjectBox(valueOf(value)));
    }
    if (succeeds(DateGetTime, value)) return remember(new DateCtor(DateGetTime(value)));
    if (succeeds(RegExpSource, value)) {
      return remember(new RegExpCtor(RegExpSource(value), RegExpFlags(value)));
    }
    if (internals.infra.isArrayBuffer(value)) {
      return remember(P.ArrayBufferPrototypeSlice(value, 0));
    }
    if (P.ArrayBufferIsView(value)) {
      const buffer = cloneFallback(internals.infra.isDataView(value)
        ? P.DataViewPrototypeGetBuffer(value)
        : P.TypedArrayPrototypeGetBuffer(value), prefix, memory);
      if (internals.infra.isDataView(value)) {
        return remember(new P.DataView(buffer, P.DataViewPrototypeGetByteOffset(value),
          P.DataViewPrototypeGetByteLength(value)));
      }
      const Type = typedArrays[internals.infra.typedArrayName(value)];
      return remember(new Type(buffer, P.TypedArrayPrototypeGetByteOffset(value),
        P.TypedArrayPrototypeGetLength(value)));
    }
    if (succeeds(MapSize, value)) {
      const copy = remember(new P.Map());
      MapForEach(value, (v, k) => {
        P.MapPrototypeSet(copy, cloneFallback(k, prefix, memory),
          cloneFallback(v, prefix, memory));
      });
      return copy;
    }
    if (succeeds(SetSize, value)) {
      const copy = remember(new P.Set());
      SetForEach(value, (v) => P.SetPrototypeAdd(copy, cloneFallback(v, prefix, memory)));
      return copy;
    }
    const tag = toStringTag(value);
    if (tag === "WeakMap" || tag === "WeakSet" || tag === "Promise") {
      throw dataCloneError(value, prefix);
    }
    if (tag === "Error") {
      const name = value.name;
      const Type = P.ObjectPrototypeHasOwnProperty(errorTypes, name) ? errorTypes[name] : Error;
      const copy = remember(new Type(P.String(value.message)));
      P.ObjectDefineProperty(copy, "stack", {
        value: value.stack === undefined ? undefined : P.String(value.stack),
        writable: true,
        enumerable: false,
        configurable: true,
      });
      return copy;
    }

    const copy = remember(P.ArrayIsArray(value) ? new ArrayCtor(value.length) : {});
    for (const key of P.ObjectKeys(value)) copy[key] = cloneFallback(value[key], prefix, memory);
    return copy;
  }

  const cloneDetail = (value, prefix) =>
    (internals.structuredClone ?? cloneFallback)(value, prefix);

  // ===== PerformanceMark, PerformanceMeasure =====

  const markOptions = webidl.createDictionaryConverter("PerformanceMarkOptions", [
    { key: "detail", converter: converters.any },
    { key: "startTime", converter: converters.double },
  ]);

  let isMark;
  let isMeasure;
  const markPrefix = "Failed to execute 'mark' on 'Performance'";

  // https://w3c.github.io/user-timing/#the-performancemark-interface
  class PerformanceMark extends internals.PerformanceEntry {
    #detail;

    // https://w3c.github.io/user-timing/#the-performancemark-constructor
    // performance.mark() passes its converted arguments with kCreate as `fromMark`.
    constructor(markName, markOptionsDict = undefined, fromMark = undefined) {
      let prefix = markPrefix;
      let options = markOptionsDict;
      if (fromMark !== kCreate) {
        prefix = "Failed to construct 'PerformanceMark'";
        webidl.requiredArguments(arguments.length, 1, prefix);
        markName = converters.DOMString(markName, prefix, "Argument 1");
        options = markOptions(markOptionsDict, prefix, "Argument 2");
      }
      // 1. Only a Window checks the PerformanceTiming names.
      // 5.
      let startTime;
      if (options.startTime !== undefined) {
        if (options.startTime < 0) {
          throw new P.TypeError(`${prefix}: '${markName}' cannot have a negative start time.`);
        }
        startTime = options.startTime;
      } else {
        startTime = internals.currentHighResolutionTime();
      }
      // 7-8. An absent detail is null too.
      const detail = options.detail === undefined || options.detail === null
        ? null
        : cloneDetail(options.detail, prefix);
      // 2-4, 6.
      super(kCreate, markName, "mark", startTime, 0);
      this.#detail = detail;
    }

    get detail() {
      if (!isMark(this)) illegalInvocation();
      return this.#detail;
    }

    static {
      isMark = (value) => typeof value === "object" && value !== null && #detail in value;
    }
  }
  configureInterface(PerformanceMark);

  // https://w3c.github.io/user-timing/#the-performancemeasure-interface
  class PerformanceMeasure extends internals.PerformanceEntry {
    #detail;

    constructor(token = undefined, name, startTime, duration, detail) {
      if (token !== kCreate) illegalConstructor();
      super(kCreate, name, "measure", startTime, duration);
      this.#detail = detail;
    }

    get detail() {
      if (!isMeasure(this)) illegalInvocation();
      return this.#detail;
    }

    static {
      isMeasure = (value) => typeof value === "object" && value !== null && #detail in value;
    }
  }
  configureInterface(PerformanceMeasure);

  const showWithDetail = (entry) => ({ ...timeline.showEntry(entry), detail: entry.detail });
  internals.setCustomInspect(PerformanceMark, showWithDetail);
  internals.setCustomInspect(PerformanceMeasure, showWithDetail);

  // ===== the Performance partial interface =====

  // The read-only attributes of PerformanceTiming (Navigation Timing level 1).
  // https://w3c.github.io/navigation-timing/#the-performancetiming-interface
  const timingAttributes = new P.Set([
    "navigationStart", "unloadEventStart", "unloadEventEnd", "redirectStart", "redirectEnd",
    "fetchStart", "domainLookupStart", "domainLookupEnd", "connectStart", "connectEnd",
    "secureConnectionStart", "requestStart", "responseStart", "responseEnd", "domLoading",
    "domInteractive", "domContentLoadedEventStart", "domContentLoadedEventEnd", "domComplete",
    "loadEventStart", "loadEventEnd",
  ]);

  // (DOMString or DOMHighResTimeStamp): a Number is the timestamp, anything else a string.
  // https://webidl.spec.whatwg.org/#js-union
  const markOrTime = (V, prefix, context) => typeof V === "number"
    ? converters.double(V, prefix, context)
    : converters.DOMString(V, prefix, context);

  const measureOptions = webidl.createDictionaryConverter("PerformanceMeasureOptions", [
    { key: "detail", converter: converters.any },
    { key: "start", converter: markOrTime },
    { key: "duration", converter: converters.double },
    { key: "end", converter: markOrTime },
  ]);

  // https://w3c.github.io/user-timing/#convert-a-mark-to-a-timestamp
  function markToTimestamp(mark, prefix) {
    if (typeof mark === "string") {
      // 1. https://w3c.github.io/user-timing/#convert-a-name-to-a-timestamp (step 1): only a
      // Window has PerformanceTiming.
      if (P.SetPrototypeHas(timingAttributes, mark)) {
        throw new P.TypeError(`${prefix}: '${mark}' is a PerformanceTiming attribute, which ` +
          "only a Window has.");
      }
      // 2.
      const startTime = timeline.latestStartTime("mark", mark);
      if (startTime === undefined) {
        throw new internals.DOMException(`${prefix}: The mark '${mark}' does not exist.`,
          "SyntaxError");
      }
      return startTime;
    }
    // 3.
    if (mark < 0) throw new P.TypeError(`${prefix}: '${mark}' is a negative timestamp.`);
    return mark;
  }

  const operations = {
    // https://w3c.github.io/user-timing/#mark-method
    mark(markName, markOptionsDict = undefined) {
      if (this !== performance) illegalInvocation();
      const prefix = markPrefix;
      webidl.requiredArguments(arguments.length, 1, prefix);
      markName = converters.DOMString(markName, prefix, "Argument 1");
      const options = markOptions(markOptionsDict, prefix, "Argument 2");
      // 1.
      const entry = new PerformanceMark(markName, options, kCreate);
      // 2-3.
      timeline.queueEntry(entry);
      // 4.
      return entry;
    },

    // https://w3c.github.io/user-timing/#clearmarks-method
    clearMarks(markName = undefined) {
      if (this !== performance) illegalInvocation();
      const prefix = "Failed to execute 'clearMarks' on 'Performance'";
      const name = markName === undefined
        ? null
        : converters.DOMString(markName, prefix, "Argument 1");
      timeline.clearBuffer("mark", name);
    },

    // https://w3c.github.io/user-timing/#measure-method
    measure(measureName, startOrMeasureOptions = undefined, endMark = undefined) {
      if (this !== performance) illegalInvocation();
      const prefix = "Failed to execute 'measure' on 'Performance'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      measureName = converters.DOMString(measureName, prefix, "Argument 1");
      // (DOMString or PerformanceMeasureOptions): null, undefined and objects are the
      // dictionary. https://webidl.spec.whatwg.org/#js-union
      let options = null;
      let startMark = null;
      if (startOrMeasureOptions === undefined || startOrMeasureOptions === null ||
          typeof startOrMeasureOptions === "object" ||
          typeof startOrMeasureOptions === "function") {
        options = measureOptions(startOrMeasureOptions, prefix, "Argument 2");
      } else {
        startMark = converters.DOMString(startOrMeasureOptions, prefix, "Argument 2");
      }
      if (endMark !== undefined) endMark = converters.DOMString(endMark, prefix, "Argument 3");
      const has = (key) => options !== null && options[key] !== undefined;

      // 1.
      if (has("start") || has("end") || has("duration") || has("detail")) {
        if (endMark !== undefined) {
          throw new P.TypeError(`${prefix}: An end mark cannot be given with a non-empty ` +
            "PerformanceMeasureOptions.");
        }
        if (!has("start") && !has("end")) {
          throw new P.TypeError(`${prefix}: A non-empty PerformanceMeasureOptions must have ` +
            "a start or an end.");
        }
        if (has("start") && has("duration") && has("end")) {
          throw new P.TypeError(`${prefix}: A PerformanceMeasureOptions cannot have a start, ` +
            "a duration and an end.");
        }
      }

      // 2.
      let endTime;
      if (endMark !== undefined) {
        endTime = markToTimestamp(endMark, prefix);
      } else if (has("end")) {
        endTime = markToTimestamp(options.end, prefix);
      } else if (has("start") && has("duration")) {
        endTime = markToTimestamp(options.start, prefix) +
          markToTimestamp(options.duration, prefix);
      } else {
        endTime = internals.currentHighResolutionTime();
      }

      // 3.
      let startTime;
      if (has("start")) {
        startTime = markToTimestamp(options.start, prefix);
      } else if (has("duration") && has("end")) {
        startTime = markToTimestamp(options.end, prefix) -
          markToTimestamp(options.duration, prefix);
      } else if (startMark !== null) {
        startTime = markToTimestamp(startMark, prefix);
      } else {
        startTime = 0;
      }

      // 9.
      const detail = has("detail") ? cloneDetail(options.detail, prefix) : null;
      // 4-8.
      const entry = new PerformanceMeasure(kCreate, measureName, startTime, endTime - startTime,
        detail);
      // 10-12.
      timeline.queueEntry(entry);
      return entry;
    },

    // https://w3c.github.io/user-timing/#clearmeasures-method
    clearMeasures(measureName = undefined) {
      if (this !== performance) illegalInvocation();
      const prefix = "Failed to execute 'clearMeasures' on 'Performance'";
      const name = measureName === undefined
        ? null
        : converters.DOMString(measureName, prefix, "Argument 1");
      timeline.clearBuffer("measure", name);
    },
  };

  // Operations of the partial interface join those of Performance.prototype.
  // https://webidl.spec.whatwg.org/#es-operations
  for (const name of P.ObjectKeys(operations)) {
    P.ObjectDefineProperty(internals.Performance.prototype, name, {
      value: operations[name],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  internals.PerformanceMark = PerformanceMark;
  internals.PerformanceMeasure = PerformanceMeasure;
});
