"use strict";
// DOM events: Event, EventTarget and the event subclasses the global scope dispatches
// (CustomEvent, ErrorEvent, PromiseRejectionEvent), plus "report an exception". There is no
// node tree, so an event's path is only its target: capture listeners run, then the others.
// https://dom.spec.whatwg.org/#events
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, defineConstants, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const NONE = 0;
  const CAPTURING_PHASE = 1;
  const AT_TARGET = 2;
  const BUBBLING_PHASE = 3;

  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  const eventInit = webidl.createDictionaryConverter("EventInit", [
    { key: "bubbles", converter: converters.boolean, defaultValue: false },
    { key: "cancelable", converter: converters.boolean, defaultValue: false },
    { key: "composed", converter: converters.boolean, defaultValue: false },
  ]);

  // [LegacyUnforgeable] makes isTrusted an own property of every event, sharing one getter
  // and one descriptor (null-prototype: Object.prototype cannot add a `set` or `value`).
  // https://dom.spec.whatwg.org/#dom-event-istrusted
  let isTrustedDescriptor;
  // Accessors to the private state of events, for the dispatch algorithm and other files.
  let eventState;

  class Event {
    #type = "";
    #bubbles = false;
    #cancelable = false;
    #composed = false;
    #target = null;
    #currentTarget = null;
    #eventPhase = NONE;
    #timeStamp;
    #isTrusted = false;
    #stopPropagation = false;
    #stopImmediatePropagation = false;
    #canceled = false;
    #inPassiveListener = false;
    #dispatching = false;

    // https://dom.spec.whatwg.org/#concept-event-constructor
    constructor(type, eventInitDict = undefined) {
      this[kPlatformBrand] = "Event";
      const prefix = new.target === Event
        ? "Failed to construct 'Event'"
        : `Failed to construct '${new.target?.name ?? "Event"}'`;
      webidl.requiredArguments(arguments.length, 1, prefix);
      type = converters.DOMString(type, prefix, "Argument 1");
      const init = eventInit(eventInitDict, prefix, "Argument 2");

      P.ObjectDefineProperty(this, "isTrusted", isTrustedDescriptor);
      // 3. (inner event creation steps)
      // The clock of performance.now() (46_performance.js; events are made only at run time).
      this.#timeStamp = internals.currentHighResolutionTime();
      this.#bubbles = init.bubbles;
      this.#cancelable = init.cancelable;
      this.#composed = init.composed;
      // 4.
      this.#type = type;
    }

    get type() {
      if (!(#type in this)) illegalInvocation();
      return this.#type;
    }

    get target() {
      if (!(#type in this)) illegalInvocation();
      return this.#target;
    }

    // https://dom.spec.whatwg.org/#dom-event-srcelement
    get srcElement() {
      if (!(#type in this)) illegalInvocation();
      return this.#target;
    }

    get currentTarget() {
      if (!(#type in this)) illegalInvocation();
      return this.#currentTarget;
    }

    // https://dom.spec.whatwg.org/#dom-event-composedpath
    composedPath() {
      if (!(#type in this)) illegalInvocation();
      return this.#currentTarget === null ? [] : [this.#currentTarget];
    }

    get eventPhase() {
      if (!(#type in this)) illegalInvocation();
      return this.#eventPhase;
    }

    stopPropagation() {
      if (!(#type in this)) illegalInvocation();
      this.#stopPropagation = true;
    }

    get cancelBubble() {
      if (!(#type in this)) illegalInvocation();
      return this.#stopPropagation;
    }

    set cancelBubble(value) {
      if (!(#type in this)) illegalInvocation();
      if (converters.boolean(value)) this.#stopPropagation = true;
    }

    stopImmediatePropagation() {
      if (!(#type in this)) illegalInvocation();
      this.#stopPropagation = true;
      this.#stopImmediatePropagation = true;
    }

    get bubbles() {
      if (!(#type in this)) illegalInvocation();
      return this.#bubbles;
    }

    get cancelable() {
      if (!(#type in this)) illegalInvocation();
      return this.#cancelable;
    }

    // https://dom.spec.whatwg.org/#dom-event-returnvalue
    get returnValue() {
      if (!(#type in this)) illegalInvocation();
      return !this.#canceled;
    }

    set returnValue(value) {
      if (!(#type in this)) illegalInvocation();
      if (!converters.boolean(value)) this.#setCanceled();
    }

    // https://dom.spec.whatwg.org/#dom-event-preventdefault
    preventDefault() {
      if (!(#type in this)) illegalInvocation();
      this.#setCanceled();
    }

    // https://dom.spec.whatwg.org/#set-the-canceled-flag
    #setCanceled() {
      if (this.#cancelable && !this.#inPassiveListener) this.#canceled = true;
    }

    get defaultPrevented() {
      if (!(#type in this)) illegalInvocation();
      return this.#canceled;
    }

    get composed() {
      if (!(#type in this)) illegalInvocation();
      return this.#composed;
    }

    get timeStamp() {
      if (!(#type in this)) illegalInvocation();
      return this.#timeStamp;
    }

    // https://dom.spec.whatwg.org/#dom-event-initevent
    initEvent(type, bubbles = false, cancelable = false) {
      if (!(#type in this)) illegalInvocation();
      const prefix = "Failed to execute 'initEvent' on 'Event'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      // 1.
      if (this.#dispatching) return;
      // 2. (initialize)
      this.#stopPropagation = false;
      this.#stopImmediatePropagation = false;
      this.#canceled = false;
      this.#isTrusted = false;
      this.#target = null;
      this.#type = converters.DOMString(type, prefix, "Argument 1");
      this.#bubbles = converters.boolean(bubbles);
      this.#cancelable = converters.boolean(cancelable);
    }

    static {
      const getter = {
        get isTrusted() {
          if (!(#type in this)) illegalInvocation();
          return this.#isTrusted;
        },
      };
      isTrustedDescriptor = P.ObjectFreeze({
        __proto__: null,
        get: P.ObjectGetOwnPropertyDescriptor(getter, "isTrusted").get,
        enumerable: true,
        configurable: false,
      });
      P.WeakSetPrototypeAdd(internals.infra.unforgeableGetters, isTrustedDescriptor.get);

      eventState = {
        isEvent: (v) => isObject(v) && #type in v,
        type: (e) => e.#type,
        isDispatching: (e) => e.#dispatching,
        setTrusted: (e) => {
          e.#isTrusted = true;
        },
        stopImmediate: (e) => {
          e.#stopPropagation = true;
          e.#stopImmediatePropagation = true;
        },
        canceled: (e) => e.#canceled,
        // https://dom.spec.whatwg.org/#concept-event-dispatch
        dispatch(target, event, reportedTarget) {
          // 1.
          event.#dispatching = true;
          event.#target = reportedTarget;
          // 5, 13. Capture listeners at the target, then 14. the others. The target is the
          // whole path, so the event phase stays AT_TARGET.
          if (!event.#stopPropagation) {
            event.#eventPhase = AT_TARGET;
            event.#currentTarget = reportedTarget;
            invokeListeners(target, event, true, reportedTarget);
          }
          if (!event.#stopPropagation) {
            event.#eventPhase = AT_TARGET;
            event.#currentTarget = reportedTarget;
            invokeListeners(target, event, false, reportedTarget);
          }
          // 15-18.
          event.#eventPhase = NONE;
          event.#currentTarget = null;
          event.#dispatching = false;
          event.#stopPropagation = false;
          event.#stopImmediatePropagation = false;
          // 20.
          return !event.#canceled;
        },
        setPassive: (e, passive) => {
          e.#inPassiveListener = passive;
        },
        stoppedImmediately: (e) => e.#stopImmediatePropagation,
      };
    }
  }

  configureInterface(Event);
  defineConstants(Event, { NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE });

  // ===== EventTarget =====

  const isAbortSignal = (v) => internals.abort?.isAbortSignal(v) ?? false;

  const eventListenerOptions = webidl.createDictionaryConverter("EventListenerOptions", [
    { key: "capture", converter: converters.boolean, defaultValue: false },
  ]);
  const addEventListenerOptions = webidl.createDictionaryConverter("AddEventListenerOptions", [
    { key: "once", converter: converters.boolean, defaultValue: false },
    { key: "passive", converter: converters.boolean },
    {
      key: "signal",
      converter: webidl.createInterfaceConverter("AbortSignal", isAbortSignal),
    },
  ], eventListenerOptions);

  // https://dom.spec.whatwg.org/#concept-flatten-options
  function flattenOptions(options, prefix) {
    if (isObject(options) || options === undefined || options === null) {
      return eventListenerOptions(options, prefix, "Argument 3").capture;
    }
    return converters.boolean(options);
  }

  // https://dom.spec.whatwg.org/#event-flatten-more
  function flattenMoreOptions(options, prefix) {
    if (!isObject(options) && options !== undefined && options !== null) {
      return { capture: converters.boolean(options), once: false, passive: false, signal: null };
    }
    const dict = addEventListenerOptions(options, prefix, "Argument 3");
    return {
      capture: dict.capture,
      once: dict.once,
      passive: dict.passive ?? false,
      signal: dict.signal ?? null,
    };
  }

  function convertCallback(callback, prefix) {
    if (callback === undefined || callback === null) return null;
    if (!isObject(callback)) {
      throw new P.TypeError(`${prefix}: parameter 2 is not of type 'Object'.`);
    }
    return callback;
  }

  // The global scope is an EventTarget but, being created by V8, cannot carry private fields;
  // its listeners live in this internal instance, and the methods of EventTarget.prototype
  // use it when `this` is the global object (or undefined, for a bare `addEventListener()`).
  let globalTarget;
  const globalObject = P.globalThis;

  let listenersOf;

  class EventTarget {
    // Event type → list of listeners { callback, capture, once, passive, signal, removed }.
    #listeners = new P.Map();

    constructor() {
      this[kPlatformBrand] = "EventTarget";
    }

    // https://dom.spec.whatwg.org/#dom-eventtarget-addeventlistener
    addEventListener(type, callback, options = undefined) {
      const self = this ?? globalObject;
      const prefix = "Failed to execute 'addEventListener' on 'EventTarget'";
      const listeners = listenersOf(self);
      webidl.requiredArguments(arguments.length, 2, prefix);
      type = converters.DOMString(type, prefix, "Argument 1");
      callback = convertCallback(callback, prefix);
      // 1.
      const flat = flattenMoreOptions(options, prefix);
      // 2. (add an event listener) https://dom.spec.whatwg.org/#add-an-event-listener
      addListener(listeners, type, callback, flat);
    }

    // https://dom.spec.whatwg.org/#dom-eventtarget-removeeventlistener
    removeEventListener(type, callback, options = undefined) {
      const self = this ?? globalObject;
      const prefix = "Failed to execute 'removeEventListener' on 'EventTarget'";
      const listeners = listenersOf(self);
      webidl.requiredArguments(arguments.length, 2, prefix);
      type = converters.DOMString(type, prefix, "Argument 1");
      callback = convertCallback(callback, prefix);
      // 1.
      const capture = flattenOptions(options, prefix);
      // 2.
      const list = P.MapPrototypeGet(listeners, type);
      if (list === undefined) return;
      for (const listener of list) {
        if (listener.callback === callback && listener.capture === capture) {
          removeListener(listeners, type, listener);
          return;
        }
      }
    }

    // https://dom.spec.whatwg.org/#dom-eventtarget-dispatchevent
    dispatchEvent(event) {
      const self = this ?? globalObject;
      const prefix = "Failed to execute 'dispatchEvent' on 'EventTarget'";
      listenersOf(self);
      webidl.requiredArguments(arguments.length, 1, prefix);
      if (!eventState.isEvent(event)) {
        throw new P.TypeError(`${prefix}: parameter 1 is not of type 'Event'.`);
      }
      // 1.
      if (eventState.isDispatching(event)) {
        throw new internals.DOMException(
          `${prefix}: The event is already being dispatched.`, "InvalidStateError");
      }
      // 2.
      // 3.
      return dispatch(self, event);
    }

    static {
      listenersOf = (self) => {
        if (isObject(self) && #listeners in self) return self.#listeners;
        if (self === globalObject) return globalTarget.#listeners;
        return illegalInvocation();
      };
    }
  }

  configureInterface(EventTarget);

  // https://dom.spec.whatwg.org/#add-an-event-listener
  function addListener(listeners, type, callback, options) {
    const { capture, once, passive, signal } = options;
    // 2.
    if (signal !== null && internals.abort.isAborted(signal)) return;
    // 3.
    if (callback === null) return;
    // 4.
    let list = P.MapPrototypeGet(listeners, type);
    if (list === undefined) {
      list = [];
      P.MapPrototypeSet(listeners, type, list);
    }
    for (const listener of list) {
      if (listener.callback === callback && listener.capture === capture) return;
    }
    const listener = { callback, capture, once, passive, signal, removed: false };
    P.ArrayPrototypePush(list, listener);
    // 5.
    if (signal !== null) {
      internals.abort.addAlgorithm(signal, () => removeListener(listeners, type, listener));
    }
  }

  // https://dom.spec.whatwg.org/#remove-an-event-listener
  function removeListener(listeners, type, listener) {
    listener.removed = true;
    const list = P.MapPrototypeGet(listeners, type);
    if (list === undefined) return;
    const index = P.ArrayPrototypeIndexOf(list, listener);
    if (index !== -1) P.ArrayPrototypeSplice(list, index, 1);
  }

  function dispatch(self, event) {
    const isGlobal = self === globalObject;
    return eventState.dispatch(isGlobal ? globalTarget : self, event, self);
  }

  // https://dom.spec.whatwg.org/#concept-event-listener-inner-invoke
  function invokeListeners(target, event, capturing, thisArg) {
    const listeners = listenersOf(target);
    const list = P.MapPrototypeGet(listeners, eventState.type(event));
    if (list === undefined) return;
    // 6. (invoke) A clone, so that listeners added during dispatch do not run.
    const clone = P.ArrayPrototypeSlice(list);
    // 2.
    for (const listener of clone) {
      if (listener.removed) continue;
      // 2.3-2.4.
      if (listener.capture !== capturing) continue;
      // 2.5.
      if (listener.once) removeListener(listeners, eventState.type(event), listener);
      // 2.8.
      if (listener.passive) eventState.setPassive(event, true);
      // 2.10.
      try {
        callUserListener(listener.callback, event, thisArg);
      } catch (error) {
        reportException(error);
      }
      // 2.11.
      eventState.setPassive(event, false);
      // 2.13.
      if (eventState.stoppedImmediately(event)) break;
    }
  }

  // https://webidl.spec.whatwg.org/#call-a-user-objects-operation
  function callUserListener(callback, event, thisArg) {
    if (typeof callback === "function") {
      P.ReflectApply(callback, thisArg, [event]);
      return;
    }
    const handleEvent = callback.handleEvent;
    if (typeof handleEvent !== "function") {
      throw new P.TypeError("The listener's 'handleEvent' property is not callable");
    }
    P.ReflectApply(handleEvent, callback, [event]);
  }

  globalTarget = new EventTarget();

  // An `on<type>` event handler attribute on an interface prototype.
  // https://html.spec.whatwg.org/multipage/webappapis.html#event-handler-attributes
  const handlerStore = new P.WeakMap();

  // `options.receiver` maps the accessor's `this` to the target (the global's own handlers
  // act on the global, and check `this`); `options.onError` gives the handler the
  // OnErrorEventHandler signature of a global's `onerror`.
  let errorEventArguments;

  function defineEventHandler(proto, type, options = {}) {
    const name = `on${type}`;
    const receiver = options.receiver ?? ((thisValue) => thisValue ?? globalObject);
    const slot = (target) => {
      let handlers = P.WeakMapPrototypeGet(handlerStore, target);
      if (handlers === undefined) {
        handlers = P.ObjectCreate(null);
        P.WeakMapPrototypeSet(handlerStore, target, handlers);
      }
      return handlers;
    };
    // Accessors named "get onx" and "set onx", as WebIDL's attributes are.
    const accessors = {
      get [name]() {
        const self = receiver(this);
        listenersOf(self);
        return slot(self)[name]?.handler ?? null;
      },
      set [name](value) {
        const self = receiver(this);
        const listeners = listenersOf(self);
        const handlers = slot(self);
        // [LegacyTreatNonObjectAsNull]
        const handler = isObject(value) ? value : null;
        if (handlers[name] === undefined) {
          if (handler === null) return;
          const entry = { handler };
          const callback = options.onError
            ? function (event) {
              callErrorEventHandler(entry.handler, this, event);
            }
            : function (event) {
              callEventHandler(entry.handler, this, event);
            };
          handlers[name] = entry;
          addListener(listeners, type, callback,
            { capture: false, once: false, passive: false, signal: null });
        } else {
          handlers[name].handler = handler;
        }
      },
    };
    const descriptor = P.ObjectGetOwnPropertyDescriptor(accessors, name);
    descriptor.enumerable = true;
    P.ObjectDefineProperty(proto, name, descriptor);
  }

  // https://html.spec.whatwg.org/multipage/webappapis.html#the-event-handler-processing-algorithm
  function callEventHandler(handler, thisArg, event) {
    if (typeof handler !== "function") return;
    const result = P.ReflectApply(handler, thisArg, [event]);
    if (result === false) event.preventDefault();
  }

  // The same algorithm for an OnErrorEventHandler given an ErrorEvent named "error": the
  // handler gets (message, filename, lineno, colno, error), and returning true cancels.
  function callErrorEventHandler(handler, thisArg, event) {
    const args = event.type === "error" ? errorEventArguments(event) : null;
    if (args === null) {
      callEventHandler(handler, thisArg, event);
      return;
    }
    if (typeof handler !== "function") return;
    const result = P.ReflectApply(handler, thisArg, args);
    if (result === true) event.preventDefault();
  }

  // ===== Event subclasses =====

  // https://dom.spec.whatwg.org/#interface-customevent
  const customEventInit = webidl.createDictionaryConverter("CustomEventInit", [
    { key: "detail", converter: converters.any, defaultValue: null },
  ], eventInit);

  class CustomEvent extends Event {
    #detail;

    constructor(type, eventInitDict = undefined) {
      const prefix = "Failed to construct 'CustomEvent'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const init = customEventInit(eventInitDict, prefix, "Argument 2");
      super(type, init);
      this.#detail = init.detail;
    }

    get detail() {
      if (!(#detail in this)) illegalInvocation();
      return this.#detail;
    }

    // https://dom.spec.whatwg.org/#dom-customevent-initcustomevent
    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      if (!(#detail in this)) illegalInvocation();
      if (eventState.isDispatching(this)) return;
      this.initEvent(type, bubbles, cancelable);
      this.#detail = detail;
    }
  }

  configureInterface(CustomEvent);

  // https://html.spec.whatwg.org/multipage/webappapis.html#errorevent
  const errorEventInit = webidl.createDictionaryConverter("ErrorEventInit", [
    { key: "message", converter: converters.DOMString, defaultValue: "" },
    { key: "filename", converter: converters.USVString, defaultValue: "" },
    { key: "lineno", converter: converters["unsigned long"], defaultValue: 0 },
    { key: "colno", converter: converters["unsigned long"], defaultValue: 0 },
    { key: "error", converter: converters.any, defaultValue: undefined },
  ], eventInit);

  class ErrorEvent extends Event {
    #message;
    #filename;
    #lineno;
    #colno;
    #error;

    constructor(type, eventInitDict = undefined) {
      const prefix = "Failed to construct 'ErrorEvent'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const init = errorEventInit(eventInitDict, prefix, "Argument 2");
      super(type, init);
      this.#message = init.message;
      this.#filename = init.filename;
      this.#lineno = init.lineno;
      this.#colno = init.colno;
      this.#error = init.error;
    }

    static {
      errorEventArguments = (event) => #message in event
        ? [event.#message, event.#filename, event.#lineno, event.#colno, event.#error]
        : null;
    }

    get message() {
      if (!(#message in this)) illegalInvocation();
      return this.#message;
    }

    get filename() {
      if (!(#message in this)) illegalInvocation();
      return this.#filename;
    }

    get lineno() {
      if (!(#message in this)) illegalInvocation();
      return this.#lineno;
    }

    get colno() {
      if (!(#message in this)) illegalInvocation();
      return this.#colno;
    }

    get error() {
      if (!(#message in this)) illegalInvocation();
      return this.#error;
    }
  }

  configureInterface(ErrorEvent);

  // https://html.spec.whatwg.org/multipage/webappapis.html#promiserejectionevent
  const promiseRejectionEventInit = webidl.createDictionaryConverter(
    "PromiseRejectionEventInit", [
      { key: "promise", converter: converters.object, required: true },
      { key: "reason", converter: converters.any },
    ], eventInit);

  class PromiseRejectionEvent extends Event {
    #promise;
    #reason;

    constructor(type, eventInitDict) {
      const prefix = "Failed to construct 'PromiseRejectionEvent'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      const init = promiseRejectionEventInit(eventInitDict, prefix, "Argument 2");
      super(type, init);
      this.#promise = init.promise;
      this.#reason = init.reason;
    }

    get promise() {
      if (!(#promise in this)) illegalInvocation();
      return this.#promise;
    }

    get reason() {
      if (!(#promise in this)) illegalInvocation();
      return this.#reason;
    }
  }

  configureInterface(PromiseRejectionEvent);

  // https://xhr.spec.whatwg.org/#interface-progressevent
  const progressEventInit = webidl.createDictionaryConverter("ProgressEventInit", [
    { key: "lengthComputable", converter: converters.boolean, defaultValue: false },
    { key: "loaded", converter: converters.double, defaultValue: 0 },
    { key: "total", converter: converters.double, defaultValue: 0 },
  ], eventInit);

  class ProgressEvent extends Event {
    #lengthComputable;
    #loaded;
    #total;

    constructor(type, eventInitDict = undefined) {
      const prefix = "Failed to construct 'ProgressEvent'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const init = progressEventInit(eventInitDict, prefix, "Argument 2");
      super(type, init);
      this.#lengthComputable = init.lengthComputable;
      this.#loaded = init.loaded;
      this.#total = init.total;
    }

    get lengthComputable() {
      if (!(#loaded in this)) illegalInvocation();
      return this.#lengthComputable;
    }

    get loaded() {
      if (!(#loaded in this)) illegalInvocation();
      return this.#loaded;
    }

    get total() {
      if (!(#loaded in this)) illegalInvocation();
      return this.#total;
    }
  }

  configureInterface(ProgressEvent);

  // ===== reporting exceptions =====

  // A frame of a V8 stack: "    at f (file:line:col)" or "    at file:line:col".
  const frameRe = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/;
  const noLocation = { filename: "", lineno: 0, colno: 0 };

  // The first frame of a V8 stack that is not the runtime's own (`aworker:js/...`).
  function stackLocation(stack) {
    if (typeof stack !== "string") return noLocation;
    const lines = P.StringPrototypeSplit(stack, "\n");
    for (let i = 1; i < lines.length; i++) {
      const match = P.RegExpPrototypeExec(frameRe, lines[i]);
      if (match !== null && !P.StringPrototypeStartsWith(match[1], "aworker:")) {
        return { filename: match[1], lineno: +match[2], colno: +match[3] };
      }
    }
    return noLocation;
  }

  // Where the error was thrown, from its V8 stack.
  function errorLocation(error) {
    try {
      return stackLocation(isObject(error) ? error.stack : undefined);
    } catch {
      // Ignore a throwing getter.
      return noLocation;
    }
  }

  // Where the script that called `fn` is: reportError() reports there, as browsers do.
  function callerLocation(fn) {
    const holder = {};
    P.ErrorCaptureStackTrace(holder, fn);
    return stackLocation(holder.stack);
  }

  function errorMessage(error) {
    if (isObject(error) && P.ObjectPrototypeIsPrototypeOf(P.Error.prototype, error)) {
      try {
        return `Uncaught ${error.name}: ${error.message}`;
      } catch {
        // Fall through.
      }
    }
    return `Uncaught ${internals.inspect(error, { depth: 0 })}`;
  }

  let reportingError = false;
  // How many exceptions were reported so far: lets a dispatcher tell whether a listener threw.
  let reportedExceptions = 0;

  // https://html.spec.whatwg.org/multipage/webappapis.html#report-an-exception
  function reportException(error, location = undefined) {
    reportedExceptions++;
    let notHandled = true;
    // An error thrown by an "error" listener must not recurse.
    if (!reportingError) {
      reportingError = true;
      try {
        const { filename, lineno, colno } = location ?? errorLocation(error);
        const event = new ErrorEvent("error", {
          cancelable: true,
          message: errorMessage(error),
          filename,
          lineno,
          colno,
          error,
        });
        eventState.setTrusted(event);
        notHandled = dispatch(globalObject, event);
      } finally {
        reportingError = false;
      }
    }
    if (notHandled) {
      ops.op_report_uncaught(`Uncaught ${internals.inspect(error)}`);
    }
  }

  // Runs a listener-like callback, reporting what it throws. Used by timers and microtasks.
  function callAndReport(fn, thisArg, args) {
    try {
      P.ReflectApply(fn, thisArg, args);
    } catch (error) {
      reportException(error);
    }
  }

  internals.Event = Event;
  internals.EventTarget = EventTarget;
  internals.CustomEvent = CustomEvent;
  internals.ErrorEvent = ErrorEvent;
  internals.PromiseRejectionEvent = PromiseRejectionEvent;
  internals.ProgressEvent = ProgressEvent;
  internals.reportException = reportException;
  internals.callerLocation = callerLocation;
  internals.callAndReport = callAndReport;
  internals.event = {
    reportedExceptions: () => reportedExceptions,
    isEvent: eventState.isEvent,
    isDispatching: eventState.isDispatching,
    setTrusted: eventState.setTrusted,
    stopImmediate: eventState.stopImmediate,
    canceled: eventState.canceled,
    // Dispatches on an EventTarget or the global object; returns false if canceled.
    dispatch,
    hasListeners(target, type) {
      const list = P.MapPrototypeGet(listenersOf(target), type);
      return list !== undefined && list.length > 0;
    },
    defineEventHandler,
    eventInit,
  };
});
