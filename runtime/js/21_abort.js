"use strict";
// AbortController and AbortSignal, including the dependent signals that Request.signal and
// AbortSignal.any() need. https://dom.spec.whatwg.org/#aborting-ongoing-activities
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, illegalConstructor, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;
  const { EventTarget, Event, DOMException } = internals;

  const kCreate = P.Symbol("create");
  const SafeWeakRef = WeakRef;
  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  let signalSlots;

  class AbortSignal extends EventTarget {
    #s;

    constructor(token = undefined) {
      if (token !== kCreate) illegalConstructor();
      super();
      // The collections are made on first use: most signals never get any.
      this.#s = {
        aborted: false,
        reason: undefined,
        algorithms: null,
        dependent: false,
        sourceSignals: null,
        // WeakRefs, so that a long-lived signal does not keep every dependent alive; dead
        // ones are swept as the list grows (see `addDependent`). Each dependent is added once:
        // createDependentSignal links a source at most once per dependent.
        dependentSignals: null,
        liveDependents: 0,
      };
    }

    // https://dom.spec.whatwg.org/#dom-abortsignal-abort
    static abort(reason = undefined) {
      const signal = createSignal();
      signal.#s.aborted = true;
      signal.#s.reason = reason === undefined ? defaultReason() : reason;
      return signal;
    }

    // https://dom.spec.whatwg.org/#dom-abortsignal-timeout
    static timeout(milliseconds) {
      const prefix = "Failed to execute 'timeout' on 'AbortSignal'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      const ms = webidl.converters["unsigned long long"](milliseconds, prefix, "Argument 1",
        { enforceRange: true });
      // 1.
      const signal = createSignal();
      // 3.
      internals.timers.startInternal(() => {
        signalAbort(signal, new DOMException("The operation timed out.", "TimeoutError"));
      }, ms);
      // 4.
      return signal;
    }

    // https://dom.spec.whatwg.org/#dom-abortsignal-any
    static any(signals) {
      const prefix = "Failed to execute 'any' on 'AbortSignal'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      return createDependentSignal(signalSequence(signals, prefix, "Argument 1"));
    }

    get aborted() {
      if (!isAbortSignal(this)) illegalInvocation();
      return this.#s.aborted;
    }

    get reason() {
      if (!isAbortSignal(this)) illegalInvocation();
      return this.#s.reason;
    }

    // https://dom.spec.whatwg.org/#dom-abortsignal-throwifaborted
    throwIfAborted() {
      if (!isAbortSignal(this)) illegalInvocation();
      if (this.#s.aborted) throw this.#s.reason;
    }

    static {
      signalSlots = (signal) => signal.#s;
    }
  }

  const signalSequence = webidl.createSequenceConverter(
    webidl.createInterfaceConverter("AbortSignal", isAbortSignal));

  function isAbortSignal(value) {
    try {
      signalSlots(value);
      return true;
    } catch {
      return false;
    }
  }

  function defaultReason() {
    return new DOMException("signal is aborted without reason", "AbortError");
  }

  function createSignal() {
    return new AbortSignal(kCreate);
  }

  internals.event.defineEventHandler(AbortSignal.prototype, "abort");
  configureInterface(AbortSignal);

  // https://dom.spec.whatwg.org/#abortsignal-signal-abort
  function signalAbort(signal, reason) {
    const s = signalSlots(signal);
    // 1.
    if (s.aborted) return;
    // 2.
    s.aborted = true;
    s.reason = reason === undefined ? defaultReason() : reason;
    // 3-4.
    const dependentsToAbort = [];
    const refs = s.dependentSignals ?? [];
    for (let i = 0; i < refs.length; i++) {
      const dependent = P.WeakRefPrototypeDeref(refs[i]);
      if (dependent === undefined) continue;
      const d = signalSlots(dependent);
      if (!d.aborted) {
        d.aborted = true;
        d.reason = s.reason;
        P.ArrayPrototypePush(dependentsToAbort, dependent);
      }
    }
    // 5.
    runAbortSteps(signal);
    // 6.
    for (let i = 0; i < dependentsToAbort.length; i++) runAbortSteps(dependentsToAbort[i]);
  }

  // https://dom.spec.whatwg.org/#run-the-abort-steps
  function runAbortSteps(signal) {
    const s = signalSlots(signal);
    // 1-2.
    if (s.algorithms !== null) {
      const algorithms = [];
      P.SetPrototypeForEach(s.algorithms,
        (algorithm) => P.ArrayPrototypePush(algorithms, algorithm));
      s.algorithms = null;
      for (let i = 0; i < algorithms.length; i++) {
        internals.callAndReport(algorithms[i], undefined, []);
      }
    }
    // 3.
    const event = new Event("abort");
    internals.event.setTrusted(event);
    internals.event.dispatch(signal, event);
  }

  // https://dom.spec.whatwg.org/#create-a-dependent-abort-signal
  function createDependentSignal(signals) {
    // 1.
    const result = createSignal();
    const r = signalSlots(result);
    // 2.
    for (const signal of signals) {
      const s = signalSlots(signal);
      if (s.aborted) {
        r.aborted = true;
        r.reason = s.reason;
        return result;
      }
    }
    // 3.
    r.dependent = true;
    r.sourceSignals = [];
    // 4.
    const link = (source) => {
      if (P.ArrayPrototypeIncludes(r.sourceSignals, source)) return;
      P.ArrayPrototypePush(r.sourceSignals, source);
      addDependent(signalSlots(source), result);
    };
    for (const signal of signals) {
      const s = signalSlots(signal);
      if (!s.dependent) {
        link(signal);
      } else {
        for (const source of s.sourceSignals) link(source);
      }
    }
    // 5.
    return result;
  }

  // Adds a dependent to a source signal's list. A server may derive a signal from one
  // long-lived source per request: when the list has doubled since its last sweep, the refs
  // of collected dependents are dropped, so it stays proportional to the live ones.
  function addDependent(s, dependent) {
    s.dependentSignals ??= [];
    const refs = s.dependentSignals;
    P.ArrayPrototypePush(refs, new SafeWeakRef(dependent));
    if (refs.length > 2 * s.liveDependents + 16) {
      let kept = 0;
      for (let i = 0; i < refs.length; i++) {
        if (P.WeakRefPrototypeDeref(refs[i]) !== undefined) refs[kept++] = refs[i];
      }
      refs.length = kept;
      s.liveDependents = kept;
    }
  }

  let controllerSignal;

  // https://dom.spec.whatwg.org/#interface-abortcontroller
  class AbortController {
    #signal = createSignal();

    constructor() {
      this[kPlatformBrand] = "AbortController";
    }

    get signal() {
      if (!(isObject(this) && #signal in this)) illegalInvocation();
      return this.#signal;
    }

    // https://dom.spec.whatwg.org/#dom-abortcontroller-abort
    abort(reason = undefined) {
      if (!(isObject(this) && #signal in this)) illegalInvocation();
      signalAbort(this.#signal, reason);
    }

    static {
      controllerSignal = (controller) => controller.#signal;
    }
  }

  configureInterface(AbortController);

  internals.AbortSignal = AbortSignal;
  internals.AbortController = AbortController;
  internals.abort = {
    isAbortSignal,
    isAborted: (signal) => signalSlots(signal).aborted,
    reason: (signal) => signalSlots(signal).reason,
    // https://dom.spec.whatwg.org/#abortsignal-add
    addAlgorithm(signal, algorithm) {
      const s = signalSlots(signal);
      if (s.aborted) return;
      s.algorithms ??= new P.Set();
      P.SetPrototypeAdd(s.algorithms, algorithm);
    },
    // https://dom.spec.whatwg.org/#abortsignal-remove
    removeAlgorithm(signal, algorithm) {
      const { algorithms } = signalSlots(signal);
      if (algorithms !== null) P.SetPrototypeDelete(algorithms, algorithm);
    },
    createSignal,
    createDependentSignal,
    signalAbort,
    controllerSignal,
  };
});
