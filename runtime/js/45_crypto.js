"use strict";
// Randomness: Math.random, crypto.getRandomValues() and crypto.randomUUID().
//
// A restored snapshot or a forked clone must never repeat another process's random numbers.
// crypto draws from the operating system on every call, so it is fresh by construction;
// Math.random is the runtime's own generator (V8's keeps its state in the heap, which a
// snapshot or fork copies), reseeded from the system whenever a process resumes frozen state.
// TODO(conform): crypto.subtle comes with the WebCrypto issue.
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, illegalConstructor, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const webidl = internals.webidl;

  // ===== Math.random: xoshiro128** (https://prng.di.unimi.it/xoshiro128starstar.c) =====

  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let seeded = false;

  function seed() {
    const bytes = ops.op_random_seed();
    const words = new P.Uint32Array(P.TypedArrayPrototypeGetBuffer(bytes), 0, 4);
    s0 = words[0] | 0;
    s1 = words[1] | 0;
    s2 = words[2] | 0;
    s3 = words[3] | 0;
    // The all-zero state is the generator's one fixed point.
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    seeded = true;
  }

  const rotl = (x, k) => (x << k) | (x >>> (32 - k));

  function next() {
    const result = P.MathImul(rotl(P.MathImul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result >>> 0;
  }

  // https://tc39.es/ecma262/#sec-math.random: 53 random bits, uniform in [0, 1).
  const random = {
    random() {
      if (!seeded) seed();
      const high = next() >>> 5;
      const low = next() >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    },
  }.random;
  P.ObjectDefineProperty(P.globalThis.Math, "random", {
    value: random,
    writable: true,
    enumerable: false,
    configurable: true,
  });

  // ===== crypto =====

  const kCreate = P.Symbol("create");
  const integerArrays = [
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
  ];

  // https://w3c.github.io/webcrypto/#crypto-interface
  class Crypto {
    constructor(token) {
      this[kPlatformBrand] = "Crypto";
      if (token !== kCreate) illegalConstructor();
    }

    // https://w3c.github.io/webcrypto/#Crypto-method-getRandomValues
    getRandomValues(array) {
      if (this !== crypto) illegalInvocation();
      const prefix = "Failed to execute 'getRandomValues' on 'Crypto'";
      webidl.requiredArguments(arguments.length, 1, prefix);
      // 1.
      const name = internals.infra.typedArrayName(array);
      if (!P.ArrayPrototypeIncludes(integerArrays, name)) {
        throw new internals.DOMException(
          `${prefix}: The provided ArrayBufferView is not an integer array type.`,
          "TypeMismatchError");
      }
      // 2.
      const view = internals.infra.viewBytes(array);
      if (view.length > 65536) {
        throw new internals.DOMException(
          `${prefix}: The ArrayBufferView's byte length (${view.length}) exceeds the number ` +
          "of bytes of entropy available via this API (65536).", "QuotaExceededError");
      }
      // 3-4.
      ops.op_random_fill(view);
      return array;
    }

    // https://w3c.github.io/webcrypto/#Crypto-method-randomUUID: a version 4 UUID.
    randomUUID() {
      if (this !== crypto) illegalInvocation();
      const bytes = new P.Uint8Array(16);
      ops.op_random_fill(bytes);
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      let hex = "";
      for (let i = 0; i < 16; i++) {
        hex += (bytes[i] < 16 ? "0" : "") + P.NumberPrototypeToString(bytes[i], 16);
        if (i === 3 || i === 5 || i === 7 || i === 9) hex += "-";
      }
      return hex;
    }
  }
  configureInterface(Crypto);
  const crypto = new Crypto(kCreate);

  // ===== resuming frozen state =====

  // Called by the runtime first thing after a snapshot is restored or a clone is forked.
  const resumeHooks = [() => {
    seeded = false;
  }];
  internals.onResume = (hook) => P.ArrayPrototypePush(resumeHooks, hook);
  // (An index loop: a script's array iterator must not run from here.)
  internals.resume = () => {
    for (let i = 0; i < resumeHooks.length; i++) resumeHooks[i]();
  };

  internals.Crypto = Crypto;
  internals.crypto = crypto;
});
