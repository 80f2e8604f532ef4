"use strict";
// ReadableStream with its default controller and default reader, following the Streams spec's
// abstract operations so that byte streams, BYOB readers, piping and writable streams can be
// added beside them later. Internal state lives in per-object slot records; the abstract
// operations below work on those records, the classes are thin brand-checked wrappers.
// https://streams.spec.whatwg.org/#rs
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { kPlatformBrand } = internals.infra;
  const { configureInterface, illegalConstructor, illegalInvocation } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;

  const kCreate = P.Symbol("create");
  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";

  const resolvedPromise = (value) => P.PromiseResolve(value);
  const rejectedPromise = (reason) => P.PromiseReject(reason);
  const then = (promise, onFulfilled, onRejected) =>
    P.PromisePrototypeThen(promise, onFulfilled, onRejected);

  // A promise with its resolving functions, as the spec's "a new promise" with internal state.
  function newDeferred() {
    const deferred = infra.newPromiseCapability();
    deferred.settled = false;
    return deferred;
  }

  function resolveDeferred(deferred, value) {
    deferred.settled = true;
    deferred.resolve(value);
  }

  function rejectDeferred(deferred, reason) {
    deferred.settled = true;
    deferred.reject(reason);
  }

  // https://webidl.spec.whatwg.org/#invoke-a-callback-function (promise-returning form)
  function promiseCall(fn, thisArg, args) {
    try {
      return resolvedPromise(P.ReflectApply(fn, thisArg, args));
    } catch (error) {
      return rejectedPromise(error);
    }
  }

  // The iterator result objects handed to users come from this realm's Object.prototype.
  const iterResult = (value, done) => ({ value, done });

  let streamSlots;
  let readerSlots;
  let controllerSlots;

  // ===== ReadableStream =====

  const underlyingSourceConverter = webidl.createDictionaryConverter("UnderlyingSource", [
    {
      key: "autoAllocateChunkSize",
      converter: (v, p, c) => converters["unsigned long long"](v, p, c, { enforceRange: true }),
    },
    { key: "cancel", converter: converters.Function },
    { key: "pull", converter: converters.Function },
    { key: "start", converter: converters.Function },
    {
      key: "type",
      converter: webidl.createEnumConverter("ReadableStreamType", ["bytes"]),
    },
  ]);

  const queuingStrategyConverter = webidl.createDictionaryConverter("QueuingStrategy", [
    { key: "highWaterMark", converter: converters["unrestricted double"] },
    { key: "size", converter: converters.Function },
  ]);

  const getReaderOptions = webidl.createDictionaryConverter("ReadableStreamGetReaderOptions", [
    {
      key: "mode",
      converter: webidl.createEnumConverter("ReadableStreamReaderMode", ["byob"]),
    },
  ]);

  const iteratorOptions = webidl.createDictionaryConverter(
    "ReadableStreamIteratorOptions", [
      { key: "preventCancel", converter: converters.boolean, defaultValue: false },
    ]);

  class ReadableStream {
    #s;

    // https://streams.spec.whatwg.org/#rs-constructor
    constructor(underlyingSource = undefined, strategy = undefined) {
      this[kPlatformBrand] = "ReadableStream";
      // https://streams.spec.whatwg.org/#initialize-readable-stream
      this.#s = {
        self: this,
        state: "readable",
        reader: undefined,
        storedError: undefined,
        disturbed: false,
        controller: undefined,
      };
      if (underlyingSource === kCreate) return;

      const prefix = "Failed to construct 'ReadableStream'";
      // 1.
      if (underlyingSource === null) {
        throw new P.TypeError(`${prefix}: Argument 1 is not an object.`);
      }
      // 2.
      const source = underlyingSourceConverter(underlyingSource, prefix, "Argument 1");
      const strategyDict = queuingStrategyConverter(strategy, prefix, "Argument 2");
      // 4.
      if (source.type === "bytes") {
        // TODO(conform): readable byte streams (ReadableByteStreamController) come with the
        // full Streams implementation.
        throw new P.RangeError(`${prefix}: Readable byte streams are not supported yet.`);
      }
      // 5.
      const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
      const highWaterMark = extractHighWaterMark(strategyDict, 1, prefix);
      setUpControllerFromSource(this.#s, underlyingSource, source, highWaterMark,
        sizeAlgorithm);
    }

    // https://streams.spec.whatwg.org/#rs-locked
    get locked() {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      return isLocked(this.#s);
    }

    // https://streams.spec.whatwg.org/#rs-cancel
    cancel(reason = undefined) {
      if (!(isObject(this) && #s in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      // 1.
      if (isLocked(this.#s)) {
        return rejectedPromise(new P.TypeError(
          "Failed to execute 'cancel' on 'ReadableStream': Cannot cancel a locked stream"));
      }
      // 2.
      return streamCancel(this.#s, reason);
    }

    // https://streams.spec.whatwg.org/#rs-get-reader
    getReader(options = undefined) {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      const prefix = "Failed to execute 'getReader' on 'ReadableStream'";
      const { mode } = getReaderOptions(options, prefix, "Argument 1");
      // 1.
      if (mode === undefined) return acquireDefaultReader(this.#s, prefix).self;
      // 3. A BYOB reader needs a byte stream, and none of our streams is one.
      throw new P.TypeError(`${prefix}: Cannot use a BYOB reader with a non-byte stream`);
    }

    // https://streams.spec.whatwg.org/#rs-tee
    tee() {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      const [a, b] = defaultTee(this.#s);
      return [a.self, b.self];
    }

    // https://streams.spec.whatwg.org/#rs-asynciterator
    values(options = undefined) {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      const prefix = "Failed to execute 'values' on 'ReadableStream'";
      const { preventCancel } = iteratorOptions(options, prefix, "Argument 1");
      const reader = acquireDefaultReader(this.#s, prefix);
      return new ReadableStreamAsyncIterator(kCreate, reader, preventCancel);
    }

    // TODO(conform): pipeTo(), pipeThrough() and ReadableStream.from() arrive with
    // WritableStream and TransformStream.

    static {
      streamSlots = (stream) => stream.#s;
    }
  }

  // [Symbol.asyncIterator] is the same function object as values().
  // https://webidl.spec.whatwg.org/#es-asynchronous-iterable
  P.ObjectDefineProperty(ReadableStream.prototype, P.SymbolAsyncIterator, {
    value: ReadableStream.prototype.values,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  configureInterface(ReadableStream);

  function isReadableStream(value) {
    try {
      streamSlots(value);
      return true;
    } catch {
      return false;
    }
  }

  // https://streams.spec.whatwg.org/#make-size-algorithm-from-size-function
  function extractSizeAlgorithm(strategy) {
    const size = strategy.size;
    if (size === undefined) return () => 1;
    return (chunk) => P.ReflectApply(size, undefined, [chunk]);
  }

  // https://streams.spec.whatwg.org/#validate-and-normalize-high-water-mark
  function extractHighWaterMark(strategy, defaultHWM, prefix) {
    // 1.
    if (strategy.highWaterMark === undefined) return defaultHWM;
    // 2-3.
    const hwm = strategy.highWaterMark;
    if (P.NumberIsNaN(hwm) || hwm < 0) {
      throw new P.RangeError(`${prefix}: Invalid highWaterMark ${hwm}`);
    }
    // 4.
    return hwm;
  }

  // https://streams.spec.whatwg.org/#is-readable-stream-locked
  function isLocked(stream) {
    return stream.reader !== undefined;
  }

  // https://streams.spec.whatwg.org/#create-readable-stream
  function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm,
    highWaterMark = 1, sizeAlgorithm = () => 1) {
    // 3-4.
    const stream = streamSlots(new ReadableStream(kCreate));
    // 5.
    const controller = controllerSlots(new ReadableStreamDefaultController(kCreate));
    // 6.
    setUpDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
      cancelAlgorithm, highWaterMark, sizeAlgorithm);
    // 7.
    return stream;
  }

  // https://streams.spec.whatwg.org/#readable-stream-cancel
  function streamCancel(stream, reason) {
    // 1.
    stream.disturbed = true;
    // 2.
    if (stream.state === "closed") return resolvedPromise(undefined);
    // 3.
    if (stream.state === "errored") return rejectedPromise(stream.storedError);
    // 4.
    streamClose(stream);
    // 7.
    const sourceCancelPromise = controllerCancelSteps(stream.controller, reason);
    // 8.
    return then(sourceCancelPromise, () => undefined);
  }

  // https://streams.spec.whatwg.org/#readable-stream-close
  function streamClose(stream) {
    // 2.
    stream.state = "closed";
    // 3-4.
    const reader = stream.reader;
    if (reader === undefined) return;
    // 5.
    resolveDeferred(reader.closed, undefined);
    // 6.
    const requests = reader.readRequests;
    reader.readRequests = [];
    for (const request of requests) request.closeSteps();
  }

  // https://streams.spec.whatwg.org/#readable-stream-error
  function streamError(stream, e) {
    // 2-3.
    stream.state = "errored";
    stream.storedError = e;
    // 4-5.
    const reader = stream.reader;
    if (reader === undefined) return;
    // 6-7.
    rejectDeferred(reader.closed, e);
    infra.markPromiseHandled(reader.closed.promise);
    // 8.
    readerErrorReadRequests(reader, e);
  }

  // https://streams.spec.whatwg.org/#readable-stream-add-read-request
  function addReadRequest(stream, readRequest) {
    P.ArrayPrototypePush(stream.reader.readRequests, readRequest);
  }

  // https://streams.spec.whatwg.org/#readable-stream-fulfill-read-request
  function fulfillReadRequest(stream, chunk, done) {
    const reader = stream.reader;
    const readRequest = P.ArrayPrototypeShift(reader.readRequests);
    if (done) readRequest.closeSteps();
    else readRequest.chunkSteps(chunk);
  }

  // https://streams.spec.whatwg.org/#readable-stream-get-num-read-requests
  function numReadRequests(stream) {
    return stream.reader.readRequests.length;
  }

  // ===== ReadableStreamDefaultReader =====

  class ReadableStreamDefaultReader {
    #s;

    // https://streams.spec.whatwg.org/#default-reader-constructor
    constructor(stream) {
      this[kPlatformBrand] = "ReadableStreamDefaultReader";
      this.#s = { self: this, stream: undefined, closed: undefined, readRequests: [] };
      if (stream === kCreate) return;
      const prefix = "Failed to construct 'ReadableStreamDefaultReader'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      if (!isReadableStream(stream)) {
        throw new P.TypeError(`${prefix}: Argument 1 is not of type 'ReadableStream'.`);
      }
      setUpDefaultReader(this.#s, streamSlots(stream), prefix);
    }

    // https://streams.spec.whatwg.org/#generic-reader-closed
    get closed() {
      if (!(isObject(this) && #s in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      return this.#s.closed.promise;
    }

    // https://streams.spec.whatwg.org/#generic-reader-cancel
    cancel(reason = undefined) {
      if (!(isObject(this) && #s in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      // 1.
      if (this.#s.stream === undefined) {
        return rejectedPromise(new P.TypeError("The reader is not attached to a stream"));
      }
      // 2.
      return streamCancel(this.#s.stream, reason);
    }

    // https://streams.spec.whatwg.org/#default-reader-read
    read() {
      if (!(isObject(this) && #s in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      return readerReadPromise(this.#s);
    }

    // https://streams.spec.whatwg.org/#default-reader-release-lock
    releaseLock() {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      // 1.
      if (this.#s.stream === undefined) return;
      // 2.
      defaultReaderRelease(this.#s);
    }

    static {
      readerSlots = (reader) => reader.#s;
    }
  }

  configureInterface(ReadableStreamDefaultReader);

  // https://streams.spec.whatwg.org/#acquire-readable-stream-reader
  function acquireDefaultReader(stream, prefix = undefined) {
    const reader = readerSlots(new ReadableStreamDefaultReader(kCreate));
    setUpDefaultReader(reader, stream, prefix);
    return reader;
  }

  // https://streams.spec.whatwg.org/#set-up-readable-stream-default-reader
  function setUpDefaultReader(reader, stream, prefix) {
    // 1.
    if (isLocked(stream)) {
      const head = prefix ? `${prefix}: ` : "";
      throw new P.TypeError(`${head}ReadableStream is locked to a reader`);
    }
    // 2. https://streams.spec.whatwg.org/#readable-stream-reader-generic-initialize
    reader.stream = stream;
    stream.reader = reader;
    reader.closed = newDeferred();
    if (stream.state === "closed") {
      resolveDeferred(reader.closed, undefined);
    } else if (stream.state === "errored") {
      rejectDeferred(reader.closed, stream.storedError);
      infra.markPromiseHandled(reader.closed.promise);
    }
    // 3.
    reader.readRequests = [];
  }

  // The body of read(): a promise for { value, done }.
  function readerReadPromise(reader) {
    // 1.
    if (reader.stream === undefined) {
      return rejectedPromise(new P.TypeError("The reader is not attached to a stream"));
    }
    // 2-3.
    const { promise, resolve, reject } = infra.newPromiseCapability();
    readerRead(reader, {
      chunkSteps: (chunk) => resolve(iterResult(chunk, false)),
      closeSteps: () => resolve(iterResult(undefined, true)),
      errorSteps: (e) => reject(e),
    });
    // 4.
    return promise;
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-reader-read
  function readerRead(reader, readRequest) {
    const stream = reader.stream;
    // 2.
    stream.disturbed = true;
    // 3-5.
    if (stream.state === "closed") readRequest.closeSteps();
    else if (stream.state === "errored") readRequest.errorSteps(stream.storedError);
    else controllerPullSteps(stream.controller, readRequest);
  }

  // https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaultreaderrelease
  function defaultReaderRelease(reader) {
    // 1. https://streams.spec.whatwg.org/#readable-stream-reader-generic-release
    const stream = reader.stream;
    const released = new P.TypeError("The reader was released");
    if (stream.state === "readable") {
      rejectDeferred(reader.closed, released);
    } else {
      reader.closed = newDeferred();
      rejectDeferred(reader.closed, released);
    }
    infra.markPromiseHandled(reader.closed.promise);
    stream.reader = undefined;
    reader.stream = undefined;
    // 2-3.
    readerErrorReadRequests(reader, new P.TypeError("The reader was released"));
  }

  // https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaultreadererrorreadrequests
  function readerErrorReadRequests(reader, e) {
    const requests = reader.readRequests;
    reader.readRequests = [];
    for (const request of requests) request.errorSteps(e);
  }

  // ===== ReadableStreamDefaultController =====

  class ReadableStreamDefaultController {
    #s;

    constructor(token = undefined) {
      this[kPlatformBrand] = "ReadableStreamDefaultController";
      if (token !== kCreate) illegalConstructor();
      this.#s = {
        self: this,
        stream: undefined,
        queue: [],
        queueTotalSize: 0,
        started: false,
        closeRequested: false,
        pullAgain: false,
        pulling: false,
        strategySizeAlgorithm: undefined,
        strategyHWM: 0,
        pullAlgorithm: undefined,
        cancelAlgorithm: undefined,
      };
    }

    // https://streams.spec.whatwg.org/#rs-default-controller-desired-size
    get desiredSize() {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      return controllerDesiredSize(this.#s);
    }

    // https://streams.spec.whatwg.org/#rs-default-controller-close
    close() {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      // 1.
      if (!canCloseOrEnqueue(this.#s)) {
        throw new P.TypeError("Failed to execute 'close' on 'ReadableStreamDefaultController': " +
          "The stream is not in a state that permits close");
      }
      // 2.
      controllerClose(this.#s);
    }

    // https://streams.spec.whatwg.org/#rs-default-controller-enqueue
    enqueue(chunk = undefined) {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      // 1.
      if (!canCloseOrEnqueue(this.#s)) {
        throw new P.TypeError(
          "Failed to execute 'enqueue' on 'ReadableStreamDefaultController': " +
          "The stream is not in a state that permits enqueue");
      }
      // 2.
      controllerEnqueue(this.#s, chunk);
    }

    // https://streams.spec.whatwg.org/#rs-default-controller-error
    error(e = undefined) {
      if (!(isObject(this) && #s in this)) illegalInvocation();
      controllerError(this.#s, e);
    }

    static {
      controllerSlots = (controller) => controller.#s;
    }
  }

  configureInterface(ReadableStreamDefaultController);

  // https://streams.spec.whatwg.org/#set-up-readable-stream-default-controller-from-underlying-source
  function setUpControllerFromSource(stream, sourceObject, source, highWaterMark,
    sizeAlgorithm) {
    // 1.
    const controller = controllerSlots(new ReadableStreamDefaultController(kCreate));
    const self = controller.self;
    // 2-4.
    let startAlgorithm = () => undefined;
    let pullAlgorithm = () => resolvedPromise(undefined);
    let cancelAlgorithm = () => resolvedPromise(undefined);
    // 5.
    if (source.start !== undefined) {
      startAlgorithm = () => P.ReflectApply(source.start, sourceObject, [self]);
    }
    // 6.
    if (source.pull !== undefined) {
      pullAlgorithm = () => promiseCall(source.pull, sourceObject, [self]);
    }
    // 7.
    if (source.cancel !== undefined) {
      cancelAlgorithm = (reason) => promiseCall(source.cancel, sourceObject, [reason]);
    }
    // 8.
    setUpDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
      cancelAlgorithm, highWaterMark, sizeAlgorithm);
  }

  // https://streams.spec.whatwg.org/#set-up-readable-stream-default-controller
  function setUpDefaultController(stream, controller, startAlgorithm, pullAlgorithm,
    cancelAlgorithm, highWaterMark, sizeAlgorithm) {
    // 2.
    controller.stream = stream;
    // 3-5.
    resetQueue(controller);
    controller.strategySizeAlgorithm = sizeAlgorithm;
    controller.strategyHWM = highWaterMark;
    // 7-8.
    controller.pullAlgorithm = pullAlgorithm;
    controller.cancelAlgorithm = cancelAlgorithm;
    // 9.
    stream.controller = controller;
    // 10-11.
    const startResult = startAlgorithm();
    const startPromise = resolvedPromise(startResult);
    // 12-13.
    then(startPromise, () => {
      controller.started = true;
      controllerCallPullIfNeeded(controller);
    }, (r) => {
      controllerError(controller, r);
    });
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-call-pull-if-needed
  function controllerCallPullIfNeeded(controller) {
    // 1-2.
    if (!controllerShouldCallPull(controller)) return;
    // 3.
    if (controller.pulling) {
      controller.pullAgain = true;
      return;
    }
    // 5-6.
    controller.pulling = true;
    const pullPromise = controller.pullAlgorithm();
    // 7-8.
    then(pullPromise, () => {
      controller.pulling = false;
      if (controller.pullAgain) {
        controller.pullAgain = false;
        controllerCallPullIfNeeded(controller);
      }
    }, (e) => {
      controllerError(controller, e);
    });
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-should-call-pull
  function controllerShouldCallPull(controller) {
    const stream = controller.stream;
    // 2-3.
    if (!canCloseOrEnqueue(controller)) return false;
    if (!controller.started) return false;
    // 4.
    if (isLocked(stream) && numReadRequests(stream) > 0) return true;
    // 5-8.
    return controllerDesiredSize(controller) > 0;
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-clear-algorithms
  function controllerClearAlgorithms(controller) {
    controller.pullAlgorithm = undefined;
    controller.cancelAlgorithm = undefined;
    controller.strategySizeAlgorithm = undefined;
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-close
  function controllerClose(controller) {
    // 1.
    if (!canCloseOrEnqueue(controller)) return;
    // 3.
    controller.closeRequested = true;
    // 4.
    if (controller.queue.length === 0) {
      controllerClearAlgorithms(controller);
      streamClose(controller.stream);
    }
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-enqueue
  function controllerEnqueue(controller, chunk) {
    const stream = controller.stream;
    // 1.
    if (!canCloseOrEnqueue(controller)) return;
    // 3.
    if (isLocked(stream) && numReadRequests(stream) > 0) {
      fulfillReadRequest(stream, chunk, false);
    } else {
      // 4.
      let chunkSize;
      try {
        chunkSize = controller.strategySizeAlgorithm(chunk);
      } catch (error) {
        controllerError(controller, error);
        throw error;
      }
      try {
        enqueueValueWithSize(controller, chunk, chunkSize);
      } catch (error) {
        controllerError(controller, error);
        throw error;
      }
    }
    // 5.
    controllerCallPullIfNeeded(controller);
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-error
  function controllerError(controller, e) {
    const stream = controller.stream;
    // 2.
    if (stream.state !== "readable") return;
    // 3-5.
    resetQueue(controller);
    controllerClearAlgorithms(controller);
    streamError(stream, e);
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-get-desired-size
  function controllerDesiredSize(controller) {
    const state = controller.stream.state;
    if (state === "errored") return null;
    if (state === "closed") return 0;
    return controller.strategyHWM - controller.queueTotalSize;
  }

  // https://streams.spec.whatwg.org/#readable-stream-default-controller-can-close-or-enqueue
  function canCloseOrEnqueue(controller) {
    return !controller.closeRequested && controller.stream.state === "readable";
  }

  // https://streams.spec.whatwg.org/#rs-default-controller-private-cancel
  function controllerCancelSteps(controller, reason) {
    // 1.
    resetQueue(controller);
    // 2.
    const result = controller.cancelAlgorithm(reason);
    // 3.
    controllerClearAlgorithms(controller);
    return result;
  }

  // https://streams.spec.whatwg.org/#rs-default-controller-private-pull
  function controllerPullSteps(controller, readRequest) {
    const stream = controller.stream;
    // 2.
    if (controller.queue.length > 0) {
      const chunk = dequeueValue(controller);
      if (controller.closeRequested && controller.queue.length === 0) {
        controllerClearAlgorithms(controller);
        streamClose(stream);
      } else {
        controllerCallPullIfNeeded(controller);
      }
      readRequest.chunkSteps(chunk);
      return;
    }
    // 3.
    addReadRequest(stream, readRequest);
    controllerCallPullIfNeeded(controller);
  }

  // ===== queue with sizes =====
  // https://streams.spec.whatwg.org/#queue-with-sizes

  function resetQueue(container) {
    container.queue = [];
    container.queueTotalSize = 0;
  }

  function enqueueValueWithSize(container, value, size) {
    // 2.
    if (typeof size !== "number" || P.NumberIsNaN(size) || size < 0) {
      throw new P.RangeError("The chunk size must be a non-negative number");
    }
    // 3.
    if (size === Infinity) throw new P.RangeError("The chunk size must be finite");
    // 4-5.
    P.ArrayPrototypePush(container.queue, { value, size });
    container.queueTotalSize += size;
  }

  function dequeueValue(container) {
    const pair = P.ArrayPrototypeShift(container.queue);
    container.queueTotalSize -= pair.size;
    if (container.queueTotalSize < 0) container.queueTotalSize = 0;
    return pair.value;
  }

  // ===== tee =====

  // https://streams.spec.whatwg.org/#abstract-opdef-readablestreamdefaulttee
  // (cloneForBranch2 is false: both branches see the same chunk objects)
  function defaultTee(stream) {
    // 3.
    const reader = acquireDefaultReader(stream);
    // 4-10.
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelPromise = infra.newPromiseCapability();

    // 13.
    const pullAlgorithm = () => {
      // 1.
      if (reading) {
        readAgain = true;
        return resolvedPromise(undefined);
      }
      // 2.
      reading = true;
      // 3.
      readerRead(reader, {
        chunkSteps: (chunk) => {
          // Queued as a microtask so that a read error can still be seen.
          then(resolvedPromise(undefined), () => {
            readAgain = false;
            if (!canceled1) controllerEnqueue(branch1.controller, chunk);
            if (!canceled2) controllerEnqueue(branch2.controller, chunk);
            reading = false;
            if (readAgain) pullAlgorithm();
          });
        },
        closeSteps: () => {
          reading = false;
          if (!canceled1) controllerClose(branch1.controller);
          if (!canceled2) controllerClose(branch2.controller);
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        errorSteps: () => {
          reading = false;
        },
      });
      // 5.
      return resolvedPromise(undefined);
    };

    // 14-15.
    const cancelAlgorithm = (branch) => (reason) => {
      if (branch === 1) {
        canceled1 = true;
        reason1 = reason;
      } else {
        canceled2 = true;
        reason2 = reason;
      }
      if (canceled1 && canceled2) {
        const result = streamCancel(stream, [reason1, reason2]);
        cancelPromise.resolve(result);
      }
      return cancelPromise.promise;
    };

    // 16-18.
    const startAlgorithm = () => undefined;
    branch1 = createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm(1));
    branch2 = createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm(2));

    // 19.
    then(reader.closed.promise, undefined, (r) => {
      controllerError(branch1.controller, r);
      controllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });

    // 20.
    return [branch1, branch2];
  }

  // ===== async iteration =====

  // https://webidl.spec.whatwg.org/#es-asynchronous-iterator-prototype-object
  class ReadableStreamAsyncIterator {
    #reader;
    #preventCancel;
    #ongoing = null;
    #finished = false;

    constructor(token, reader, preventCancel) {
      this[kPlatformBrand] = "ReadableStreamAsyncIterator";
      if (token !== kCreate) illegalConstructor();
      this.#reader = reader;
      this.#preventCancel = preventCancel;
    }

    next() {
      if (!(isObject(this) && #reader in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      const nextSteps = () => {
        if (this.#finished) return resolvedPromise(iterResult(undefined, true));
        return this.#nextIterationResult();
      };
      // Calls are queued behind the one in flight.
      this.#ongoing = this.#ongoing === null
        ? nextSteps()
        : then(this.#ongoing, nextSteps, nextSteps);
      return this.#ongoing;
    }

    // https://streams.spec.whatwg.org/#rs-asynciterator-prototype-next
    #nextIterationResult() {
      const reader = this.#reader;
      // 2-4.
      const { promise, resolve, reject } = infra.newPromiseCapability();
      readerRead(reader, {
        chunkSteps: (chunk) => resolve(iterResult(chunk, false)),
        closeSteps: () => {
          defaultReaderRelease(reader);
          this.#finished = true;
          resolve(iterResult(undefined, true));
        },
        errorSteps: (e) => {
          defaultReaderRelease(reader);
          this.#finished = true;
          reject(e);
        },
      });
      // 5.
      return promise;
    }

    // https://streams.spec.whatwg.org/#rs-asynciterator-prototype-return
    return(value = undefined) {
      if (!(isObject(this) && #reader in this)) {
        return rejectedPromise(new P.TypeError("Illegal invocation"));
      }
      const returnSteps = () => {
        if (this.#finished) return resolvedPromise(iterResult(value, true));
        this.#finished = true;
        const reader = this.#reader;
        if (reader.stream === undefined) return resolvedPromise(iterResult(value, true));
        let result;
        if (!this.#preventCancel) {
          result = streamCancel(reader.stream, value);
          defaultReaderRelease(reader);
        } else {
          defaultReaderRelease(reader);
          result = resolvedPromise(undefined);
        }
        return then(result, () => iterResult(value, true));
      };
      this.#ongoing = this.#ongoing === null
        ? returnSteps()
        : then(this.#ongoing, returnSteps, returnSteps);
      return this.#ongoing;
    }
  }

  P.ObjectSetPrototypeOf(ReadableStreamAsyncIterator.prototype, infra.AsyncIteratorPrototype);
  configureInterface(ReadableStreamAsyncIterator, "ReadableStream AsyncIterator");

  // ===== helpers for other built-ins =====

  // A closed stream holding one chunk of bytes that are already in memory.
  function streamFromBytes(bytes) {
    const noop = () => resolvedPromise(undefined);
    const stream = createReadableStream(() => undefined, noop, noop, 0);
    controllerEnqueue(stream.controller, bytes);
    controllerClose(stream.controller);
    return stream.self;
  }

  // https://fetch.spec.whatwg.org/#concept-read-all-bytes-from-readablestream
  // Resolves with all bytes of a stream of Uint8Array chunks; the reader stays locked.
  function readAllBytes(streamObject) {
    const reader = acquireDefaultReader(streamSlots(streamObject));
    const chunks = [];
    const { promise, resolve, reject } = infra.newPromiseCapability();
    const step = () => {
      readerRead(reader, {
        chunkSteps: (chunk) => {
          if (!infra.isUint8Array(chunk)) {
            const error = new P.TypeError("Body stream chunks must be Uint8Array objects");
            reject(error);
            streamCancel(reader.stream, error);
            return;
          }
          P.ArrayPrototypePush(chunks, chunk);
          // Loop through a microtask, not recursion, so that long streams do not grow the stack.
          then(resolvedPromise(undefined), step);
        },
        closeSteps: () => resolve(infra.concatBytes(chunks)),
        errorSteps: (e) => reject(e),
      });
    };
    step();
    return promise;
  }

  internals.ReadableStream = ReadableStream;
  internals.ReadableStreamDefaultReader = ReadableStreamDefaultReader;
  internals.ReadableStreamDefaultController = ReadableStreamDefaultController;
  internals.streams = {
    isReadableStream,
    isLocked: (stream) => isLocked(streamSlots(stream)),
    isDisturbed: (stream) => streamSlots(stream).disturbed,
    isErrored: (stream) => streamSlots(stream).state === "errored",
    // Creates a stream from internal algorithms; `start`, `pull` and `cancel` receive the
    // controller's public object. Returns { stream, controller }.
    create({ start, pull, cancel, highWaterMark = 1, size = () => 1 }) {
      let controller;
      const stream = createReadableStream(
        () => start?.(controller),
        () => (pull === undefined ? resolvedPromise(undefined) : pull(controller)),
        (reason) => (cancel === undefined ? resolvedPromise(undefined) : cancel(reason)),
        highWaterMark, size);
      controller = stream.controller.self;
      return { stream: stream.self, controller };
    },
    enqueue: (controller, chunk) => controllerEnqueue(controllerSlots(controller), chunk),
    close: (controller) => controllerClose(controllerSlots(controller)),
    error: (controller, e) => controllerError(controllerSlots(controller), e),
    desiredSize: (controller) => controllerDesiredSize(controllerSlots(controller)),
    cancel: (stream, reason) => streamCancel(streamSlots(stream), reason),
    tee(stream) {
      const [a, b] = defaultTee(streamSlots(stream));
      return [a.self, b.self];
    },
    // A reader for internal consumers, with read() that user patches cannot reach.
    acquireReader: (stream) => acquireDefaultReader(streamSlots(stream)).self,
    read: (reader) => readerReadPromise(readerSlots(reader)),
    releaseReader(reader) {
      const r = readerSlots(reader);
      if (r.stream !== undefined) defaultReaderRelease(r);
    },
    cancelReader(reader, reason) {
      const r = readerSlots(reader);
      if (r.stream === undefined) return resolvedPromise(undefined);
      return streamCancel(r.stream, reason);
    },
    readAllBytes,
    streamFromBytes,
  };
});
