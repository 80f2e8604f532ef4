"use strict";
// Infrastructure shared by the built-in JavaScript: intrinsics captured before any user code
// runs (so that patching `Promise.prototype.then` or `Map.prototype.get` cannot break the
// runtime), and small helpers for defining WebIDL-shaped interfaces. Nothing here is public.
((ops, internals) => {
  const { bind, call } = Function.prototype;
  const uncurryThis = bind.bind(call);

  const getter = (proto, name) =>
    uncurryThis(Object.getOwnPropertyDescriptor(proto, name).get);

  const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);

  // Intrinsics, named after their path the way the ECMAScript spec writes them.
  const primordials = {
    uncurryThis,
    ArrayBuffer,
    ArrayBufferIsView: ArrayBuffer.isView,
    ArrayBufferPrototypeGetByteLength: getter(ArrayBuffer.prototype, "byteLength"),
    ArrayBufferPrototypeGetResizable: getter(ArrayBuffer.prototype, "resizable"),
    ArrayBufferPrototypeSlice: uncurryThis(ArrayBuffer.prototype.slice),
    ArrayIsArray: Array.isArray,
    ArrayPrototypeFilter: uncurryThis(Array.prototype.filter),
    ArrayPrototypeFind: uncurryThis(Array.prototype.find),
    ArrayPrototypeFindIndex: uncurryThis(Array.prototype.findIndex),
    ArrayPrototypeIncludes: uncurryThis(Array.prototype.includes),
    ArrayPrototypeIndexOf: uncurryThis(Array.prototype.indexOf),
    ArrayPrototypeJoin: uncurryThis(Array.prototype.join),
    ArrayPrototypeMap: uncurryThis(Array.prototype.map),
    ArrayPrototypePush: uncurryThis(Array.prototype.push),
    ArrayPrototypeShift: uncurryThis(Array.prototype.shift),
    ArrayPrototypeSlice: uncurryThis(Array.prototype.slice),
    ArrayPrototypeSome: uncurryThis(Array.prototype.some),
    ArrayPrototypeSort: uncurryThis(Array.prototype.sort),
    ArrayPrototypeSplice: uncurryThis(Array.prototype.splice),
    DataView,
    DataViewPrototypeGetBuffer: getter(DataView.prototype, "buffer"),
    DataViewPrototypeGetByteLength: getter(DataView.prototype, "byteLength"),
    DataViewPrototypeGetByteOffset: getter(DataView.prototype, "byteOffset"),
    DateNow: Date.now,
    DatePrototypeGetTime: uncurryThis(Date.prototype.getTime),
    DatePrototypeToISOString: uncurryThis(Date.prototype.toISOString),
    Error,
    ErrorCaptureStackTrace: Error.captureStackTrace,
    FunctionPrototypeToString: uncurryThis(Function.prototype.toString),
    JSONParse: JSON.parse,
    JSONStringify: JSON.stringify,
    Map,
    MapPrototypeDelete: uncurryThis(Map.prototype.delete),
    MapPrototypeForEach: uncurryThis(Map.prototype.forEach),
    MapPrototypeGet: uncurryThis(Map.prototype.get),
    MapPrototypeHas: uncurryThis(Map.prototype.has),
    MapPrototypeSet: uncurryThis(Map.prototype.set),
    MathFloor: Math.floor,
    MathImul: Math.imul,
    MathMax: Math.max,
    MathMin: Math.min,
    MathTrunc: Math.trunc,
    NumberIsFinite: Number.isFinite,
    NumberIsNaN: Number.isNaN,
    NumberPrototypeToString: uncurryThis(Number.prototype.toString),
    ObjectCreate: Object.create,
    ObjectDefineProperty: Object.defineProperty,
    ObjectDefineProperties: Object.defineProperties,
    ObjectFreeze: Object.freeze,
    ObjectGetOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
    ObjectGetOwnPropertyNames: Object.getOwnPropertyNames,
    ObjectGetOwnPropertySymbols: Object.getOwnPropertySymbols,
    ObjectGetPrototypeOf: Object.getPrototypeOf,
    ObjectIs: Object.is,
    ObjectKeys: Object.keys,
    ObjectPrototypeHasOwnProperty: uncurryThis(Object.prototype.hasOwnProperty),
    ObjectPrototypeIsPrototypeOf: uncurryThis(Object.prototype.isPrototypeOf),
    ObjectPrototypePropertyIsEnumerable: uncurryThis(Object.prototype.propertyIsEnumerable),
    ObjectPrototypeToString: uncurryThis(Object.prototype.toString),
    ObjectPrototype: Object.prototype,
    ObjectSetPrototypeOf: Object.setPrototypeOf,
    Promise,
    PromiseAll: Promise.all.bind(Promise),
    PromisePrototypeThen: uncurryThis(Promise.prototype.then),
    PromiseReject: Promise.reject.bind(Promise),
    PromiseResolve: Promise.resolve.bind(Promise),
    RangeError,
    Proxy,
    ReflectApply: Reflect.apply,
    ReflectDeleteProperty: Reflect.deleteProperty,
    ReflectOwnKeys: Reflect.ownKeys,
    RegExpPrototypeExec: uncurryThis(RegExp.prototype.exec),
    RegExpPrototypeToString: uncurryThis(RegExp.prototype.toString),
    Set,
    SetPrototypeAdd: uncurryThis(Set.prototype.add),
    SetPrototypeDelete: uncurryThis(Set.prototype.delete),
    SetPrototypeHas: uncurryThis(Set.prototype.has),
    SetPrototypeValues: uncurryThis(Set.prototype.values),
    SetPrototypeForEach: uncurryThis(Set.prototype.forEach),
    String,
    StringPrototypeCharCodeAt: uncurryThis(String.prototype.charCodeAt),
    StringPrototypeCodePointAt: uncurryThis(String.prototype.codePointAt),
    StringPrototypeTrim: uncurryThis(String.prototype.trim),
    StringPrototypeEndsWith: uncurryThis(String.prototype.endsWith),
    StringFromCharCode: String.fromCharCode,
    StringPrototypeIncludes: uncurryThis(String.prototype.includes),
    StringPrototypeIndexOf: uncurryThis(String.prototype.indexOf),
    StringPrototypePadStart: uncurryThis(String.prototype.padStart),
    StringPrototypeRepeat: uncurryThis(String.prototype.repeat),
    StringPrototypeReplace: uncurryThis(String.prototype.replace),
    StringPrototypeSlice: uncurryThis(String.prototype.slice),
    StringPrototypeSplit: uncurryThis(String.prototype.split),
    StringPrototypeStartsWith: uncurryThis(String.prototype.startsWith),
    StringPrototypeToLowerCase: uncurryThis(String.prototype.toLowerCase),
    StringPrototypeToUpperCase: uncurryThis(String.prototype.toUpperCase),
    StringPrototypeToWellFormed: uncurryThis(String.prototype.toWellFormed),
    Symbol,
    SymbolAsyncIterator: Symbol.asyncIterator,
    SymbolIterator: Symbol.iterator,
    SymbolToStringTag: Symbol.toStringTag,
    SymbolPrototypeToString: uncurryThis(Symbol.prototype.toString),
    TypeError,
    TypedArrayPrototypeGetBuffer: getter(TypedArrayPrototype, "buffer"),
    TypedArrayPrototypeGetByteLength: getter(TypedArrayPrototype, "byteLength"),
    TypedArrayPrototypeGetByteOffset: getter(TypedArrayPrototype, "byteOffset"),
    TypedArrayPrototypeGetLength: getter(TypedArrayPrototype, "length"),
    TypedArrayPrototypeIndexOf: uncurryThis(TypedArrayPrototype.indexOf),
    TypedArrayPrototypeGetSymbolToStringTag: getter(TypedArrayPrototype, Symbol.toStringTag),
    TypedArrayPrototypeSet: uncurryThis(TypedArrayPrototype.set),
    TypedArrayPrototypeSlice: uncurryThis(TypedArrayPrototype.slice),
    Uint8Array,
    Uint32Array,
    WeakMap,
    WeakMapPrototypeGet: uncurryThis(WeakMap.prototype.get),
    WeakMapPrototypeSet: uncurryThis(WeakMap.prototype.set),
    WeakSet,
    WeakRefPrototypeDeref: uncurryThis(WeakRef.prototype.deref),
    WeakSetPrototypeAdd: uncurryThis(WeakSet.prototype.add),
    WeakSetPrototypeHas: uncurryThis(WeakSet.prototype.has),
    globalThis,
    // Indirect eval, for string handlers of setTimeout(); absent if code generation from
    // strings is disallowed by the embedder.
    indirectEval: globalThis.eval,
  };
  const P = primordials;

  // Every platform object (an instance of a Web API interface) carries its interface's name
  // under this key, set by the interface's constructor. It is a V8 private symbol made by the
  // runtime: no script, proxy or enumeration can see the property, and structuredClone() finds
  // platform objects by it (non-serializable ones throw a DataCloneError instead of being
  // cloned as plain objects).
  const kPlatformBrand = internals.platformBrand;

  // The [Serializable] interfaces, by the name their instances carry: each has
  //   serialize(value) -> data    its serialization steps; `data` is cloned in turn
  //   create() -> object          a new, empty instance to deserialize into
  //   deserialize(object, data)   its deserialization steps, once the whole value is read
  // https://html.spec.whatwg.org/multipage/structured-data.html#serializable-objects
  const serializableInterfaces = new P.Map();
  function defineSerializable(name, steps) {
    P.MapPrototypeSet(serializableInterfaces, name, steps);
  }

  // A detached iterator prototype so that built-in iterators do not depend on user patches.
  const IteratorPrototype = P.ObjectGetPrototypeOf(
    P.ObjectGetPrototypeOf([][Symbol.iterator]()),
  );
  const AsyncIteratorPrototype = P.ObjectGetPrototypeOf(
    P.ObjectGetPrototypeOf(async function* () {}).prototype,
  );

  function illegalConstructor() {
    throw new P.TypeError("Illegal constructor");
  }

  function illegalInvocation() {
    throw new P.TypeError("Illegal invocation");
  }

  // The prototypes of built-in interfaces, so that inspect() can show a platform object by
  // its attributes (their getters have no side effects).
  const interfacePrototypes = new P.WeakSet();

  function isInterfacePrototype(value) {
    return P.WeakSetPrototypeHas(interfacePrototypes, value);
  }

  // The getters of [LegacyUnforgeable] attributes, which live on each instance: the only own
  // accessors inspect() may call (a script's own getters may have side effects).
  const unforgeableGetters = new P.WeakSet();

  // Makes a class look like a WebIDL interface: operations and attributes, on the prototype and
  // static ones, are enumerable (class syntax makes them non-enumerable), and the prototype
  // carries Symbol.toStringTag. https://webidl.spec.whatwg.org/#interface-prototype-object
  function configureInterface(Class, name = Class.name) {
    const proto = Class.prototype;
    P.WeakSetPrototypeAdd(interfacePrototypes, proto);
    for (const key of P.ReflectOwnKeys(proto)) {
      if (key === "constructor") continue;
      const desc = P.ObjectGetOwnPropertyDescriptor(proto, key);
      if (desc.enumerable) continue;
      if (typeof key === "symbol") continue;
      desc.enumerable = true;
      P.ObjectDefineProperty(proto, key, desc);
    }
    for (const key of P.ReflectOwnKeys(Class)) {
      if (typeof key === "symbol" || key === "length" || key === "name" || key === "prototype") {
        continue;
      }
      const desc = P.ObjectGetOwnPropertyDescriptor(Class, key);
      if (desc.enumerable || !desc.configurable) continue;
      desc.enumerable = true;
      P.ObjectDefineProperty(Class, key, desc);
    }
    P.ObjectDefineProperty(proto, P.SymbolToStringTag, {
      value: name,
      writable: false,
      enumerable: false,
      configurable: true,
    });
  }

  // Defines WebIDL constants on both the interface object and its prototype.
  // https://webidl.spec.whatwg.org/#es-constants
  function defineConstants(Class, constants) {
    for (const key of P.ObjectKeys(constants)) {
      const desc = {
        value: constants[key],
        writable: false,
        enumerable: true,
        configurable: false,
      };
      P.ObjectDefineProperty(Class, key, desc);
      P.ObjectDefineProperty(Class.prototype, key, desc);
    }
  }

  function newPromiseCapability() {
    let resolve;
    let reject;
    const promise = new P.Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  const noop = () => {};

  // Marks a promise as handled so that its rejection is not reported as unhandled.
  function markPromiseHandled(promise) {
    P.PromisePrototypeThen(promise, undefined, noop);
  }

  // Realm-independent brand checks (`instanceof` fails across realms and can be spoofed).
  function typedArrayName(value) {
    return P.TypedArrayPrototypeGetSymbolToStringTag(value);
  }

  function isUint8Array(value) {
    return typedArrayName(value) === "Uint8Array";
  }

  function isDataView(value) {
    if (!P.ArrayBufferIsView(value) || typedArrayName(value) !== undefined) return false;
    return true;
  }

  function isArrayBuffer(value) {
    if (typeof value !== "object" || value === null) return false;
    try {
      P.ArrayBufferPrototypeGetByteLength(value);
      return true;
    } catch {
      return false;
    }
  }

  // Returns a fresh Uint8Array holding a copy of the bytes of a BufferSource.
  // https://webidl.spec.whatwg.org/#dfn-get-buffer-source-copy
  function copyBufferSource(source) {
    if (isArrayBuffer(source)) {
      return new P.Uint8Array(P.ArrayBufferPrototypeSlice(source, 0));
    }
    return new P.Uint8Array(viewBytes(source));
  }

  // A Uint8Array over the same memory as an ArrayBufferView or ArrayBuffer (no copy).
  function viewBytes(source) {
    if (isArrayBuffer(source)) return new P.Uint8Array(source);
    if (isDataView(source)) {
      return new P.Uint8Array(
        P.DataViewPrototypeGetBuffer(source),
        P.DataViewPrototypeGetByteOffset(source),
        P.DataViewPrototypeGetByteLength(source),
      );
    }
    return new P.Uint8Array(
      P.TypedArrayPrototypeGetBuffer(source),
      P.TypedArrayPrototypeGetByteOffset(source),
      P.TypedArrayPrototypeGetByteLength(source),
    );
  }

  // Concatenates a list of Uint8Arrays into one.
  function concatBytes(chunks) {
    let length = 0;
    for (const chunk of chunks) length += P.TypedArrayPrototypeGetByteLength(chunk);
    const out = new P.Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      P.TypedArrayPrototypeSet(out, chunk, offset);
      offset += P.TypedArrayPrototypeGetByteLength(chunk);
    }
    return out;
  }

  // The iterator of a pair-iterable interface (https://webidl.spec.whatwg.org/#es-iterators):
  // returns `(target, kind) => iterator`, where kind is "key", "value" or "key+value" and
  // `getPairs(target)` is re-read on every next(), as WebIDL requires.
  function definePairIterator(name, getPairs) {
    const kCreate = P.Symbol("create");
    class PairIterator {
      #target;
      #kind;
      #index = 0;

      constructor(token, target, kind) {
        if (token !== kCreate) illegalConstructor();
        this[kPlatformBrand] = `${name} Iterator`;
        this.#target = target;
        this.#kind = kind;
      }

      next() {
        if (typeof this !== "object" || this === null || !(#target in this)) illegalInvocation();
        const pairs = getPairs(this.#target);
        if (this.#index >= pairs.length) return { value: undefined, done: true };
        const pair = pairs[this.#index++];
        if (this.#kind === "key") return { value: pair[0], done: false };
        if (this.#kind === "value") return { value: pair[1], done: false };
        return { value: [pair[0], pair[1]], done: false };
      }
    }
    P.ObjectSetPrototypeOf(PairIterator.prototype, IteratorPrototype);
    configureInterface(PairIterator, `${name} Iterator`);
    return (target, kind) => new PairIterator(kCreate, target, kind);
  }

  // https://infra.spec.whatwg.org/#isomorphic-decode of bytes[start..end): each byte as the
  // code unit of the same value, a few thousand at a time.
  function isomorphicDecode(bytes, start = 0, end = P.TypedArrayPrototypeGetLength(bytes)) {
    let s = "";
    for (let i = start; i < end; i += 8192) {
      const chunk = new P.Uint8Array(P.TypedArrayPrototypeGetBuffer(bytes),
        P.TypedArrayPrototypeGetByteOffset(bytes) + i, P.MathMin(8192, end - i));
      s += P.ReflectApply(P.StringFromCharCode, undefined, chunk);
    }
    return s;
  }

  internals.primordials = primordials;
  internals.infra = {
    kPlatformBrand,
    serializableInterfaces,
    defineSerializable,
    IteratorPrototype,
    AsyncIteratorPrototype,
    illegalConstructor,
    illegalInvocation,
    configureInterface,
    isInterfacePrototype,
    unforgeableGetters,
    defineConstants,
    definePairIterator,
    newPromiseCapability,
    markPromiseHandled,
    noop,
    typedArrayName,
    isUint8Array,
    isDataView,
    isArrayBuffer,
    copyBufferSource,
    viewBytes,
    concatBytes,
    isomorphicDecode,
  };
});
