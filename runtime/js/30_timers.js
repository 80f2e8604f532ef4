"use strict";
// setTimeout/setInterval and queueMicrotask. The runtime owns the clock: op_timer_start arms a
// one-shot timer and the runtime calls internals.fireTimer(id) as its own task when it expires.
// Intervals re-arm from JavaScript after each run.
// https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
((ops, internals) => {
  const P = internals.primordials;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const MAX_TIMER_ID = 2 ** 31 - 1;

  // The map of active timers: id → { callback, args, timeout, repeat, nestingLevel }.
  // `callback` is a function or a string of code.
  const activeTimers = new P.Map();
  let nextId = 1;
  // The timer nesting level of the task being run: 0 outside timer tasks.
  let currentNestingLevel = 0;

  function allocateId() {
    // Ids are positive; on wrap-around skip ids still in use.
    for (;;) {
      const id = nextId;
      nextId = nextId >= MAX_TIMER_ID ? 1 : nextId + 1;
      if (!P.MapPrototypeHas(activeTimers, id)) return id;
    }
  }

  const FIRST_INTERNAL_ID = 2 ** 31;
  const MAX_INTERNAL_ID = 2 ** 32 - 1;
  let nextInternalId = FIRST_INTERNAL_ID;

  function allocateInternalId() {
    for (;;) {
      const id = nextInternalId;
      nextInternalId = nextInternalId >= MAX_INTERNAL_ID ? FIRST_INTERNAL_ID : nextInternalId + 1;
      if (!P.MapPrototypeHas(activeTimers, id)) return id;
    }
  }

  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timer-initialisation-steps
  function initializeTimer(handler, timeout, args, repeat, previousId) {
    // 2-3.
    const id = previousId ?? allocateId();
    // 4-5.
    if (timeout < 0) timeout = 0;
    // 6-7.
    const nestingLevel = currentNestingLevel;
    // 8.
    if (nestingLevel > 5 && timeout < 4) timeout = 4;

    // 9-10. The task's timer nesting level is one more than the current one.
    P.MapPrototypeSet(activeTimers, id, {
      handler,
      args,
      timeout,
      repeat,
      nestingLevel: nestingLevel + 1,
    });
    // 11-14. The runtime runs the task; timers with equal or shorter timeouts that started
    // earlier run first.
    ops.op_timer_start(id, timeout);
    return id;
  }

  // Called by the runtime when the timer `id` expires, as its own task.
  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timer-initialisation-steps
  function fireTimer(id) {
    // 10.1. A cleared timer never runs.
    const timer = P.MapPrototypeGet(activeTimers, id);
    if (timer === undefined) return;
    // 10.4. A one-shot timer is removed before its callback runs.
    if (!timer.repeat) P.MapPrototypeDelete(activeTimers, id);

    const outerNestingLevel = currentNestingLevel;
    currentNestingLevel = timer.nestingLevel;
    try {
      // 10.3.
      if (typeof timer.handler === "function") {
        internals.callAndReport(timer.handler, P.globalThis, timer.args);
      } else if (typeof P.indirectEval === "function") {
        internals.callAndReport(P.indirectEval, undefined, [timer.handler]);
      } else {
        internals.reportException(
          new P.TypeError("setTimeout() with a string of code is not allowed"));
      }
      // 10.5. An interval re-arms unless its callback cleared it.
      if (timer.repeat && P.MapPrototypeGet(activeTimers, id) === timer) {
        initializeTimer(timer.handler, timer.timeout, timer.args, true, id);
      }
    } finally {
      currentNestingLevel = outerNestingLevel;
    }
  }

  function convertHandler(handler, prefix) {
    // TimerHandler is (Function or TrustedScript or DOMString).
    if (typeof handler === "function") return handler;
    return converters.DOMString(handler, prefix, "Argument 1");
  }

  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#dom-settimeout
  function setTimeout(handler, timeout = 0, ...args) {
    const prefix = "Failed to execute 'setTimeout'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    handler = convertHandler(handler, prefix);
    timeout = converters.long(timeout, prefix, "Argument 2");
    return initializeTimer(handler, timeout, args, false, undefined);
  }

  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#dom-setinterval
  function setInterval(handler, timeout = 0, ...args) {
    const prefix = "Failed to execute 'setInterval'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    handler = convertHandler(handler, prefix);
    timeout = converters.long(timeout, prefix, "Argument 2");
    return initializeTimer(handler, timeout, args, true, undefined);
  }

  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#dom-cleartimeout
  function clearTimeout(id = 0) {
    id = converters.long(id, "Failed to execute 'clearTimeout'", "Argument 1");
    if (P.MapPrototypeDelete(activeTimers, id)) ops.op_timer_cancel(id);
  }

  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#dom-clearinterval
  function clearInterval(id = 0) {
    id = converters.long(id, "Failed to execute 'clearInterval'", "Argument 1");
    if (P.MapPrototypeDelete(activeTimers, id)) ops.op_timer_cancel(id);
  }

  const resolved = P.PromiseResolve(undefined);

  // A resolved promise's reaction is exactly one microtask, which is all an embedder-provided
  // queueMicrotask would do.
  // https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#dom-queuemicrotask
  function queueMicrotask(callback) {
    const prefix = "Failed to execute 'queueMicrotask'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    callback = converters.VoidFunction(callback, prefix, "Argument 1");
    P.PromisePrototypeThen(resolved, () => {
      internals.callAndReport(callback, undefined, []);
    });
  }

  // The timers still armed, as [kind, handler, timeout] (the runtime names them when they
  // keep a snapshot or fork from being taken).
  // (No iterator: a script's Map iterator must not run from the freeze checks.)
  function pending() {
    const list = [];
    P.MapPrototypeForEach(activeTimers, (timer) => {
      const kind = timer.repeat ? "setInterval" : "setTimeout";
      P.ArrayPrototypePush(list, [kind, timer.handler, timer.timeout]);
    });
    return list;
  }

  internals.fireTimer = fireTimer;
  internals.timers = {
    pending,
    setTimeout,
    setInterval,
    clearTimeout,
    clearInterval,
    queueMicrotask,
    // A timer for the runtime's own use (AbortSignal.timeout, the PerformanceObserver task):
    // no argument conversion and no nesting clamp. Its id is at or above 2^31, out of reach of
    // clearTimeout() (whose argument is a long), so a script cannot cancel it by guessing.
    startInternal(callback, timeout) {
      const id = allocateInternalId();
      P.MapPrototypeSet(activeTimers, id, {
        handler: callback, args: [], timeout, repeat: false, nestingLevel: 1,
      });
      ops.op_timer_start(id, timeout);
      return id;
    },
  };
});
