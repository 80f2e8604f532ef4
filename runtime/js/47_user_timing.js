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

  // `detail` is StructuredSerialize + StructuredDeserialize: structuredClone() without a
  // transfer list, so its DataCloneErrors are the mark's.
  const cloneDetail = (value) => internals.structuredClone(value);

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
        : cloneDetail(options.detail);
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
      const detail = has("detail") ? cloneDetail(options.detail) : null;
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
