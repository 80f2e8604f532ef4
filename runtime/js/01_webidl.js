"use strict";
// Minimal WebIDL: the conversions from JavaScript values to IDL types that the built-in
// interfaces need, and argument-count checks, with browser-like error messages.
// https://webidl.spec.whatwg.org/#es-type-mapping
((ops, internals) => {
  const P = internals.primordials;

  // Error messages read "<prefix>: <context> <problem>", e.g. "Failed to execute 'append' on
  // 'Headers': Argument 1 is not a valid ByteString."
  function makeException(ErrorType, message, prefix, context) {
    const head = prefix ? `${prefix}: ` : "";
    const what = context ? `${context} ` : "";
    return new ErrorType(`${head}${what}${message}`);
  }

  function requiredArguments(length, required, prefix) {
    if (length < required) {
      const noun = required === 1 ? "argument" : "arguments";
      throw new P.TypeError(
        `${prefix}: ${required} ${noun} required, but only ${length} present.`,
      );
    }
  }

  const converters = {};

  converters.any = (V) => V;

  // https://webidl.spec.whatwg.org/#js-boolean
  converters.boolean = (V) => !!V;

  // https://webidl.spec.whatwg.org/#js-DOMString
  converters.DOMString = (V, prefix, context, opts = {}) => {
    if (typeof V === "string") return V;
    // 1.
    if (V === null && opts.treatNullAsEmptyString) return "";
    // 2.
    if (typeof V === "symbol") {
      throw makeException(P.TypeError, "is a symbol, which cannot be converted to a string.",
        prefix, context);
    }
    // 3.
    return P.String(V);
  };

  // https://webidl.spec.whatwg.org/#js-ByteString
  const notByte = /[^\x00-\xFF]/;
  converters.ByteString = (V, prefix, context, opts) => {
    // 1.
    const x = converters.DOMString(V, prefix, context, opts);
    // 2.
    if (P.RegExpPrototypeExec(notByte, x) !== null) {
      throw makeException(P.TypeError, "is not a valid ByteString.", prefix, context);
    }
    return x;
  };

  // https://webidl.spec.whatwg.org/#js-USVString
  converters.USVString = (V, prefix, context, opts) => {
    const x = converters.DOMString(V, prefix, context, opts);
    return P.StringPrototypeToWellFormed(x);
  };

  // https://webidl.spec.whatwg.org/#js-object
  converters.object = (V, prefix, context) => {
    if (V === null || (typeof V !== "object" && typeof V !== "function")) {
      throw makeException(P.TypeError, "is not an object.", prefix, context);
    }
    return V;
  };

  // Round half to even. https://webidl.spec.whatwg.org/#abstract-opdef-converttoint
  function roundTiesToEven(x) {
    const floor = P.MathFloor(x);
    const diff = x - floor;
    if (diff < 0.5) return floor;
    if (diff > 0.5) return floor + 1;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  // https://webidl.spec.whatwg.org/#abstract-opdef-converttoint
  function convertToInt(V, bitLength, signed, prefix, context, opts = {}) {
    // 1-3.
    let lowerBound;
    let upperBound;
    if (bitLength === 64) {
      upperBound = 2 ** 53 - 1;
      lowerBound = signed ? -(2 ** 53) + 1 : 0;
    } else if (!signed) {
      lowerBound = 0;
      upperBound = 2 ** bitLength - 1;
    } else {
      lowerBound = -(2 ** (bitLength - 1));
      upperBound = 2 ** (bitLength - 1) - 1;
    }

    // 4-5.
    if (typeof V === "symbol" || typeof V === "bigint") {
      throw makeException(P.TypeError, "cannot be converted to a number.", prefix, context);
    }
    let x = +V;
    if (x === 0) x = 0;

    // 6.
    if (opts.enforceRange) {
      if (!P.NumberIsFinite(x)) {
        throw makeException(P.TypeError, "is not a finite number.", prefix, context);
      }
      x = P.MathTrunc(x);
      if (x < lowerBound || x > upperBound) {
        throw makeException(P.TypeError,
          `is outside the accepted range of ${lowerBound} to ${upperBound}.`, prefix, context);
      }
      return x === 0 ? 0 : x;
    }

    // 7.
    if (!P.NumberIsNaN(x) && opts.clamp) {
      x = P.MathMin(P.MathMax(x, lowerBound), upperBound);
      x = roundTiesToEven(x);
      return x === 0 ? 0 : x;
    }

    // 8.
    if (!P.NumberIsFinite(x)) return 0;

    // 9-10.
    x = P.MathTrunc(x);
    const modulus = 2 ** bitLength;
    x %= modulus;
    if (x < 0) x += modulus;

    // 11.
    if (signed && x >= 2 ** (bitLength - 1)) return x - modulus;
    return x === 0 ? 0 : x;
  }

  converters.byte = (V, prefix, context, opts) =>
    convertToInt(V, 8, true, prefix, context, opts);
  converters.octet = (V, prefix, context, opts) =>
    convertToInt(V, 8, false, prefix, context, opts);
  converters.short = (V, prefix, context, opts) =>
    convertToInt(V, 16, true, prefix, context, opts);
  converters["unsigned short"] = (V, prefix, context, opts) =>
    convertToInt(V, 16, false, prefix, context, opts);
  converters.long = (V, prefix, context, opts) =>
    convertToInt(V, 32, true, prefix, context, opts);
  converters["unsigned long"] = (V, prefix, context, opts) =>
    convertToInt(V, 32, false, prefix, context, opts);
  converters["long long"] = (V, prefix, context, opts) =>
    convertToInt(V, 64, true, prefix, context, opts);
  converters["unsigned long long"] = (V, prefix, context, opts) =>
    convertToInt(V, 64, false, prefix, context, opts);

  // https://webidl.spec.whatwg.org/#js-unrestricted-double
  converters["unrestricted double"] = (V, prefix, context) => {
    if (typeof V === "symbol" || typeof V === "bigint") {
      throw makeException(P.TypeError, "cannot be converted to a number.", prefix, context);
    }
    return +V;
  };

  // https://webidl.spec.whatwg.org/#js-double
  converters.double = (V, prefix, context) => {
    const x = converters["unrestricted double"](V, prefix, context);
    if (!P.NumberIsFinite(x)) {
      throw makeException(P.TypeError, "is not a finite floating-point value.", prefix,
        context);
    }
    return x;
  };

  // https://webidl.spec.whatwg.org/#js-callback-function
  converters.Function = (V, prefix, context) => {
    if (typeof V !== "function") {
      throw makeException(P.TypeError, "is not a function.", prefix, context);
    }
    return V;
  };
  converters.VoidFunction = converters.Function;

  // https://webidl.spec.whatwg.org/#js-enumeration
  function createEnumConverter(name, values) {
    const allowed = new P.Set(values);
    return (V, prefix, context) => {
      const S = converters.DOMString(V, prefix, context);
      if (!P.SetPrototypeHas(allowed, S)) {
        throw makeException(P.TypeError,
          `The provided value '${S}' is not a valid enum value of type ${name}.`, prefix);
      }
      return S;
    };
  }

  // https://webidl.spec.whatwg.org/#js-nullable-type
  function createNullableConverter(converter) {
    return (V, prefix, context, opts) => {
      if (V === null || V === undefined) return null;
      return converter(V, prefix, context, opts);
    };
  }

  // https://webidl.spec.whatwg.org/#js-sequence
  function createSequenceConverter(converter) {
    return (V, prefix, context, opts) => {
      if (typeof V !== "object" || V === null) {
        throw makeException(P.TypeError, "can not be converted to sequence.", prefix, context);
      }
      const method = V[P.SymbolIterator];
      if (typeof method !== "function") {
        throw makeException(P.TypeError, "can not be converted to sequence.", prefix, context);
      }
      return sequenceFromIterable(V, method, converter, prefix, context, opts);
    };
  }

  // https://webidl.spec.whatwg.org/#create-sequence-from-iterable
  function sequenceFromIterable(V, method, converter, prefix, context, opts) {
    const iterator = P.ReflectApply(method, V, []);
    if (typeof iterator !== "object" || iterator === null) {
      throw makeException(P.TypeError, "has an invalid iterator.", prefix, context);
    }
    const next = iterator.next;
    const out = [];
    for (let i = 0; ; i++) {
      const result = P.ReflectApply(next, iterator, []);
      if (typeof result !== "object" || result === null) {
        throw makeException(P.TypeError, "has an iterator returning a non-object.", prefix,
          context);
      }
      if (result.done) return out;
      const item = converter(result.value, prefix, `${context}, index ${i}`, opts);
      P.ArrayPrototypePush(out, item);
    }
  }

  // https://webidl.spec.whatwg.org/#js-record
  function createRecordConverter(keyConverter, valueConverter) {
    return (O, prefix, context) => {
      // 1.
      if (typeof O !== "object" && typeof O !== "function" || O === null) {
        throw makeException(P.TypeError, "can not be converted to a record.", prefix, context);
      }
      // 2-4.
      const result = P.ObjectCreate(null);
      for (const key of P.ReflectOwnKeys(O)) {
        if (typeof key === "symbol") continue;
        const desc = P.ObjectGetOwnPropertyDescriptor(O, key);
        if (desc === undefined || !desc.enumerable) continue;
        const typedKey = keyConverter(key, prefix, context);
        const typedValue = valueConverter(O[key], prefix, context);
        result[typedKey] = typedValue;
      }
      return result;
    };
  }

  // https://webidl.spec.whatwg.org/#js-dictionary
  // `members` is a list of { key, converter, defaultValue?, required? }; members of an
  // inherited dictionary come from `parent`, another converter made by this function.
  function createDictionaryConverter(name, members, parent = undefined) {
    const own = P.ArrayPrototypeSort(P.ArrayPrototypeSlice(members),
      (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const all = parent ? [...parent.members, ...own] : own;

    const hasDefault = P.ArrayPrototypeMap(all,
      (member) => P.ObjectPrototypeHasOwnProperty(member, "defaultValue"));
    const convert = (V, prefix, context = "Argument") => {
      // 1.
      if (V !== undefined && V !== null && typeof V !== "object" && typeof V !== "function") {
        throw makeException(P.TypeError, `can not be converted to '${name}'.`, prefix,
          context);
      }
      const absent = V === undefined || V === null;
      // 2-4.
      const result = P.ObjectCreate(null);
      for (let i = 0; i < all.length; i++) {
        const member = all[i];
        const value = absent ? undefined : V[member.key];
        if (value !== undefined) {
          const memberContext = `${context}: '${member.key}' of '${name}'`;
          result[member.key] = member.converter(value, prefix, memberContext);
        } else if (member.required) {
          throw makeException(P.TypeError,
            `Failed to read the '${member.key}' property from '${name}': ` +
            "Required member is undefined.", prefix);
        } else if (hasDefault[i]) {
          result[member.key] = member.defaultValue;
        }
      }
      return result;
    };
    convert.members = all;
    return convert;
  }

  // A converter for an interface type, given a realm-independent brand check.
  // https://webidl.spec.whatwg.org/#js-interface
  function createInterfaceConverter(name, isInstance) {
    return (V, prefix, context) => {
      if (!isInstance(V)) {
        throw makeException(P.TypeError, `is not of type '${name}'.`, prefix, context);
      }
      return V;
    };
  }

  internals.webidl = {
    converters,
    makeException,
    requiredArguments,
    convertToInt,
    createEnumConverter,
    createNullableConverter,
    createSequenceConverter,
    sequenceFromIterable,
    createRecordConverter,
    createDictionaryConverter,
    createInterfaceConverter,
  };
});
