"use strict";
// `inspect()`, the value formatter behind the console and the runtime's error messages. Output
// follows the shape users know from Deno, Node and browsers (`{ a: 1 }`, `Map(1) { 'a' => 1 }`,
// `Promise { <pending> }`), but the code is ours. It never runs user code it can avoid: getters
// are shown as `[Getter]`, proxies are shown through their target without running traps, and a
// promise's state comes from an op (`op_console_value_details`).
((ops, internals) => {
  const P = internals.primordials;
  const { isInterfacePrototype, typedArrayName, unforgeableGetters } = internals.infra;

  // Entries of an object fit on one line when their widths (plus separators and a little
  // slack) fit in this many columns.
  const BREAK_LENGTH = 80;
  const MAX_ARRAY_ITEMS = 100;
  const MAX_BUFFER_BYTES = 50;
  const DEFAULT_DEPTH = 2;

  const { uncurryThis } = P;
  const MapPrototypeGetSize = uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get);
  const SetPrototypeGetSize = uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get);
  const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
  const ErrorPrototypeToString = uncurryThis(Error.prototype.toString);
  const StringPrototypePadStart = uncurryThis(String.prototype.padStart);
  const StringPrototypePadEnd = uncurryThis(String.prototype.padEnd);
  const { sqrt: MathSqrt, round: MathRound } = Math;
  const ArrayPrototypeUnshift = uncurryThis(Array.prototype.unshift);
  // SharedArrayBuffer is not there while the built-ins are snapshotted, so its getter is
  // looked up on first use, from the object's own prototype chain.
  function sharedByteLength(value) {
    for (let o = P.ObjectGetPrototypeOf(value); o !== null; o = P.ObjectGetPrototypeOf(o)) {
      const getter = P.ObjectGetOwnPropertyDescriptor(o, "byteLength")?.get;
      if (getter !== undefined) return P.ReflectApply(getter, value, []);
    }
    return 0;
  }

  function isSharedArrayBuffer(value) {
    return ops.op_console_value_details(value) === "sharedarraybuffer";
  }
  const FunctionPrototype = Function.prototype;
  const boxedValueOf = [
    ["Number", uncurryThis(Number.prototype.valueOf)],
    ["String", uncurryThis(String.prototype.valueOf)],
    ["Boolean", uncurryThis(Boolean.prototype.valueOf)],
    ["BigInt", uncurryThis(BigInt.prototype.valueOf)],
    ["Symbol", uncurryThis(Symbol.prototype.valueOf)],
  ];

  // ===== the inspect hook of built-in interfaces =====

  // Platform objects (Headers, Request, URL, Event, ...) keep their state in private slots,
  // which a generic formatter cannot see. An interface registers a function that returns a
  // plain object (or any value) to show in its place, prefixed with the class name:
  //
  //   internals.setCustomInspect(URL, (url) => ({ href: url.href, origin: url.origin }));
  //
  // The function receives the instance (already brand-checked by the prototype chain) and must
  // not throw for a genuine instance; an exception falls back to the generic formatting.
  const customInspectors = new P.WeakMap();

  function setCustomInspect(Class, fn) {
    P.WeakMapPrototypeSet(customInspectors, Class.prototype, fn);
  }

  function findCustomInspect(value) {
    for (let o = value; o !== null; o = P.ObjectGetPrototypeOf(o)) {
      const fn = P.WeakMapPrototypeGet(customInspectors, o);
      if (fn !== undefined) return fn;
    }
    return undefined;
  }

  // ===== primitives =====

  const escapes = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    "\v": "\\v",
    "\\": "\\\\",
  };

  // Quotes a string with single quotes, or with double quotes or backticks when that avoids
  // escaping, and escapes control characters.
  function quote(str) {
    let q = "'";
    if (P.StringPrototypeIncludes(str, "'")) {
      if (!P.StringPrototypeIncludes(str, '"')) q = '"';
      else if (!P.StringPrototypeIncludes(str, "`") && !P.StringPrototypeIncludes(str, "${")) {
        q = "`";
      }
    }
    let out = "";
    let last = 0;
    for (let i = 0; i < str.length; i++) {
      const c = P.StringPrototypeCharCodeAt(str, i);
      const ch = str[i];
      let rep;
      if (ch === q || ch === "\\") rep = `\\${ch}`;
      else if (escapes[ch] !== undefined) rep = escapes[ch];
      else if (c < 0x20 || c === 0x7f) rep = `\\x${c < 16 ? "0" : ""}${c.toString(16)}`;
      else continue;
      out += P.StringPrototypeSlice(str, last, i) + rep;
      last = i + 1;
    }
    return q + out + P.StringPrototypeSlice(str, last) + q;
  }

  function formatNumber(n) {
    return P.ObjectIs(n, -0) ? "-0" : `${n}`;
  }

  function formatPrimitive(value) {
    switch (typeof value) {
      case "string":
        return quote(value);
      case "number":
        return formatNumber(value);
      case "bigint":
        return `${value}n`;
      case "symbol":
        return P.SymbolPrototypeToString(value);
      default:
        // undefined, boolean
        return `${value}`;
    }
  }

  // ===== objects =====

  function getConstructorName(obj) {
    for (let o = obj; o !== null; o = P.ObjectGetPrototypeOf(o)) {
      const desc = P.ObjectGetOwnPropertyDescriptor(o, "constructor");
      if (desc !== undefined && typeof desc.value === "function" && desc.value.name !== "") {
        return desc.value.name;
      }
    }
    return null;
  }

  function getTag(value, constructor) {
    let tag;
    try {
      tag = value[P.SymbolToStringTag];
    } catch {
      return "";
    }
    if (typeof tag !== "string" || tag === "" || tag === constructor) return "";
    return tag;
  }

  // "Foo ", "Map(2) ", "Foo [Tag] ", "[Object: null prototype] ".
  function getPrefix(constructor, tag, fallback, size = "") {
    if (constructor === null) {
      const tagPart = tag !== "" && tag !== fallback ? ` [${tag}]` : "";
      return `[${fallback}${size}: null prototype]${tagPart} `;
    }
    if (tag !== "") return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  const identifierRe = /^[a-zA-Z_$][a-zA-Z_$0-9]*$/;
  const indexRe = /^(?:0|[1-9][0-9]*)$/;

  function isIndexKey(key) {
    return typeof key === "string" && P.RegExpPrototypeExec(indexRe, key) !== null &&
      +key < 4294967295;
  }

  // Own enumerable keys, strings then symbols; optionally without array indices. Object.keys
  // lists integer keys first, so the indices of a huge array are skipped without a test each.
  // TODO(perf): Object.keys still builds every index string; a native non-index key list
  // would make logging a ten-million-element array instant.
  function getKeys(value, skipIndices) {
    const names = P.ObjectKeys(value);
    let start = 0;
    if (skipIndices) {
      start = names.length;
      while (start > 0 && !isIndexKey(names[start - 1])) start--;
    }
    const keys = start === 0 ? names : P.ArrayPrototypeSlice(names, start);
    for (const symbol of P.ObjectGetOwnPropertySymbols(value)) {
      if (P.ObjectPrototypePropertyIsEnumerable(value, symbol)) P.ArrayPrototypePush(keys, symbol);
    }
    return keys;
  }

  function formatKey(key) {
    if (typeof key === "symbol") return `[${P.SymbolPrototypeToString(key)}]`;
    if (P.RegExpPrototypeExec(identifierRe, key) !== null) return key;
    return quote(key);
  }

  function formatNested(ctx, value, recurseTimes) {
    ctx.indentLvl += 2;
    const str = formatValue(ctx, value, recurseTimes + 1);
    ctx.indentLvl -= 2;
    return str;
  }

  function formatProperty(ctx, value, recurseTimes, key, isArrayIndex = false) {
    let desc;
    try {
      desc = P.ObjectGetOwnPropertyDescriptor(value, key);
    } catch {
      // A module namespace's binding before its module ran.
      return `${formatKey(key)}: <uninitialized>`;
    }
    let str;
    if (desc === undefined) {
      str = formatNested(ctx, value[key], recurseTimes);
    } else if (P.ObjectPrototypeHasOwnProperty(desc, "value")) {
      str = formatNested(ctx, desc.value, recurseTimes);
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
    } else {
      str = desc.set !== undefined ? "[Setter]" : "undefined";
    }
    if (isArrayIndex) return str;
    return `${formatKey(key)}: ${str}`;
  }

  function moreItems(n) {
    return `... ${n} more item${n === 1 ? "" : "s"}`;
  }

  function formatArray(ctx, value, recurseTimes) {
    const output = [];
    const length = value.length;
    let i = 0;
    while (i < length && output.length < MAX_ARRAY_ITEMS) {
      if (!P.ObjectPrototypeHasOwnProperty(value, i)) {
        let holes = 0;
        while (i < length && !P.ObjectPrototypeHasOwnProperty(value, i)) {
          holes++;
          i++;
        }
        P.ArrayPrototypePush(output, `<${holes} empty item${holes === 1 ? "" : "s"}>`);
        continue;
      }
      P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, `${i}`, true));
      i++;
    }
    if (i < length) P.ArrayPrototypePush(output, moreItems(length - i));
    return output;
  }

  function formatTypedArray(ctx, value) {
    const length = P.TypedArrayPrototypeGetLength(value);
    const max = P.MathMin(length, MAX_ARRAY_ITEMS);
    const output = [];
    for (let i = 0; i < max; i++) P.ArrayPrototypePush(output, formatPrimitive(value[i]));
    if (length > max) P.ArrayPrototypePush(output, moreItems(length - max));
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    const size = SetPrototypeGetSize(value);
    for (const v of P.SetPrototypeValues(value)) {
      if (output.length === MAX_ARRAY_ITEMS) break;
      P.ArrayPrototypePush(output, formatNested(ctx, v, recurseTimes));
    }
    if (size > output.length) P.ArrayPrototypePush(output, moreItems(size - output.length));
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    const size = MapPrototypeGetSize(value);
    for (const { 0: k, 1: v } of MapPrototypeEntries(value)) {
      if (output.length === MAX_ARRAY_ITEMS) break;
      const key = formatNested(ctx, k, recurseTimes);
      P.ArrayPrototypePush(output, `${key} => ${formatNested(ctx, v, recurseTimes)}`);
    }
    if (size > output.length) P.ArrayPrototypePush(output, moreItems(size - output.length));
    return output;
  }

  // The entries an iterator has left (from the op), as values or as [key, value] pairs.
  function formatIteratorEntries(ctx, entries, pairs, recurseTimes) {
    const output = [];
    const step = pairs ? 2 : 1;
    const count = entries.length / step;
    for (let i = 0; i < entries.length && output.length < MAX_ARRAY_ITEMS; i += step) {
      const entry = pairs ? [entries[i], entries[i + 1]] : entries[i];
      P.ArrayPrototypePush(output, formatNested(ctx, entry, recurseTimes));
    }
    if (count > output.length) P.ArrayPrototypePush(output, moreItems(count - output.length));
    return output;
  }

  // `[Uint8Contents]: <00 ff ...>, byteLength: N`; a detached buffer has no contents.
  function formatArrayBuffer(ctx, value) {
    const length = isSharedArrayBuffer(value)
      ? sharedByteLength(value)
      : P.ArrayBufferPrototypeGetByteLength(value);
    let bytes;
    try {
      bytes = new P.Uint8Array(value, 0, P.MathMin(length, MAX_BUFFER_BYTES));
    } catch {
      return ["(detached)", `byteLength: ${length}`];
    }
    let hex = "";
    for (let i = 0; i < bytes.length; i++) {
      hex += `${i === 0 ? "" : " "}${StringPrototypePadStart(bytes[i].toString(16), 2, "0")}`;
    }
    if (length > bytes.length) hex += ` ... ${length - bytes.length} more bytes`;
    return [`[Uint8Contents]: <${hex}>`, `byteLength: ${length}`];
  }

  function formatFunctionBase(value, constructor) {
    let source = "";
    try {
      source = P.FunctionPrototypeToString(value);
    } catch {
      // Revoked proxies and the like.
    }
    const nameDesc = P.ObjectGetOwnPropertyDescriptor(value, "name");
    const name = typeof nameDesc?.value === "string" ? nameDesc.value : "";
    if (P.StringPrototypeStartsWith(source, "class") && source[source.length - 1] === "}") {
      let base = `[class ${name || "(anonymous)"}`;
      const parent = P.ObjectGetPrototypeOf(value);
      if (parent !== null && parent !== FunctionPrototype) {
        const parentName = P.ObjectGetOwnPropertyDescriptor(parent, "name")?.value;
        if (typeof parentName === "string" && parentName !== "") base += ` extends ${parentName}`;
      }
      return `${base}]`;
    }
    let type = "Function";
    try {
      const ownTag = value[P.SymbolToStringTag];
      if (typeof ownTag === "string" && ownTag !== "") type = ownTag;
    } catch {
      // Keep "Function".
    }
    let base = `[${type}${name === "" ? " (anonymous)" : `: ${name}`}]`;
    if (constructor === null) base += " [null prototype]";
    return base;
  }

  // A frame of the runtime's own JS; users cannot act on it, so shown stacks leave it out.
  function isBuiltinFrame(line) {
    return P.StringPrototypeStartsWith(line, "    at ") &&
      (P.StringPrototypeIncludes(line, "(aworker:js/") ||
        P.StringPrototypeStartsWith(line, "    at aworker:js/"));
  }

  // The stack of an error without the built-ins' frames, indented to where it is shown.
  function formatErrorStack(ctx, err) {
    let stack;
    try {
      stack = err.stack;
    } catch {
      // Fall through to name and message.
    }
    if (typeof stack !== "string" || stack === "") {
      try {
        stack = ErrorPrototypeToString(err);
      } catch {
        stack = "Error";
      }
    }
    const lines = P.ArrayPrototypeFilter(P.StringPrototypeSplit(stack, "\n"),
      (line) => !isBuiltinFrame(line));
    const indentation = `\n${P.StringPrototypeRepeat(" ", ctx.indentLvl)}`;
    return P.ArrayPrototypeJoin(lines, indentation);
  }

  const boxedKinds = { number: true, string: true, boolean: true, bigint: true, symbol: true };

  function boxedPrimitive(value) {
    for (const { 0: type, 1: valueOf } of boxedValueOf) {
      let primitive;
      try {
        primitive = valueOf(value);
      } catch {
        continue;
      }
      return `[${type}: ${formatPrimitive(primitive)}]`;
    }
    return undefined;
  }

  // An own data property that Object.keys() does not list (an error's `cause` and `errors`).
  function hiddenOwnValue(value, key) {
    const desc = P.ObjectGetOwnPropertyDescriptor(value, key);
    if (desc === undefined || desc.enumerable || !P.ObjectPrototypeHasOwnProperty(desc, "value")) {
      return { found: false };
    }
    return { found: true, value: desc.value };
  }

  // The attributes of a platform object (an instance of a built-in interface without an
  // inspector of its own) as [name, value] pairs, base interface first, or undefined for
  // other objects. Built-in getters have no side effects; one that throws is left out.
  function platformAttributes(value) {
    if (isInterfacePrototype(value)) return undefined;
    const chain = [];
    for (let o = P.ObjectGetPrototypeOf(value); o !== null; o = P.ObjectGetPrototypeOf(o)) {
      if (isInterfacePrototype(o)) P.ArrayPrototypePush(chain, o);
    }
    if (chain.length === 0) return undefined;
    // Own accessors (such as Event's unforgeable isTrusted) first, then the most derived
    // interface: a getter shadows those further up. Shown the other way round.
    ArrayPrototypeUnshift(chain, value);
    const groups = [];
    const seen = [];
    for (const holder of chain) {
      const group = [];
      for (const key of P.ObjectKeys(holder)) {
        const desc = P.ObjectGetOwnPropertyDescriptor(holder, key);
        if (desc.get === undefined || P.ArrayPrototypeIncludes(seen, key)) continue;
        if (holder === value && !P.WeakSetPrototypeHas(unforgeableGetters, desc.get)) continue;
        P.ArrayPrototypePush(seen, key);
        try {
          P.ArrayPrototypePush(group, [key, P.ReflectApply(desc.get, value, [])]);
        } catch {
          // Not an instance after all (an object made with Object.create(Event.prototype)).
        }
      }
      ArrayPrototypeUnshift(groups, group);
    }
    const attributes = [];
    for (const group of groups) {
      for (const attribute of group) P.ArrayPrototypePush(attributes, attribute);
    }
    return { attributes, own: seen };
  }

  function formatValue(ctx, value, recurseTimes) {
    if (typeof value !== "object" && typeof value !== "function") {
      return formatPrimitive(value);
    }
    if (value === null) return "null";

    // A Proxy is shown as its target: reading it through the proxy would run its traps.
    let details = ops.op_console_value_details(value);
    while (details !== undefined && details[0] === "proxy") {
      value = details[1];
      if (value === null) return "<Revoked Proxy>";
      details = ops.op_console_value_details(value);
    }

    if (P.ArrayPrototypeIncludes(ctx.seen, value)) {
      let index = P.MapPrototypeGet(ctx.circular, value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        P.MapPrototypeSet(ctx.circular, value, index);
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes, details);
  }

  // `details` is what op_console_value_details said of `value`: a kind, or for a promise
  // ["promise", state, result].
  function formatRaw(ctx, value, recurseTimes, details) {
    const kind = typeof details === "string" ? details : details?.[0];
    const constructor = getConstructorName(value);
    const tag = getTag(value, constructor);
    let keys;
    let base = "";
    let braces;
    let formatter = () => [];
    let arrayLike = false;
    let depthName = constructor ?? "Object";
    let extra = [];

    const custom = findCustomInspect(value);
    if (custom !== undefined) {
      if (recurseTimes > ctx.depth) return `[${depthName}]`;
      let shown;
      try {
        shown = custom(value);
      } catch {
        shown = undefined;
      }
      if (shown !== undefined) return `${constructor} ${formatValue(ctx, shown, recurseTimes)}`;
    }

    if (P.ArrayIsArray(value)) {
      keys = getKeys(value, true);
      const prefix = constructor !== "Array" || tag !== ""
        ? getPrefix(constructor, tag, "Array", `(${value.length})`)
        : "";
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      depthName = "Array";
      arrayLike = true;
      formatter = formatArray;
    } else if (kind === "set") {
      keys = getKeys(value, false);
      const prefix = getPrefix(constructor, tag, "Set", `(${SetPrototypeGetSize(value)})`);
      braces = [`${prefix}{`, "}"];
      if (SetPrototypeGetSize(value) === 0 && keys.length === 0) return `${braces[0]}}`;
      arrayLike = true;
      formatter = formatSet;
    } else if (kind === "map") {
      keys = getKeys(value, false);
      const prefix = getPrefix(constructor, tag, "Map", `(${MapPrototypeGetSize(value)})`);
      braces = [`${prefix}{`, "}"];
      if (MapPrototypeGetSize(value) === 0 && keys.length === 0) return `${braces[0]}}`;
      formatter = formatMap;
    } else if (kind === "typedarray") {
      keys = getKeys(value, true);
      const name = typedArrayName(value);
      const length = P.TypedArrayPrototypeGetLength(value);
      const prefix = getPrefix(constructor, name === constructor ? "" : tag, name,
        `(${length})`);
      braces = [`${prefix}[`, "]"];
      if (length === 0 && keys.length === 0) return `${braces[0]}]`;
      arrayLike = true;
      formatter = formatTypedArray;
    } else if (kind === "arguments") {
      keys = getKeys(value, true);
      braces = ["[Arguments] [", "]"];
      if (value.length === 0 && keys.length === 0) return "[Arguments] []";
      arrayLike = true;
      formatter = formatArray;
    } else {
      keys = getKeys(value, false);
      braces = ["{", "}"];
      const boxed = boxedKinds[kind] ? boxedPrimitive(value) : undefined;
      if (typeof value === "function") {
        base = formatFunctionBase(value, constructor);
        if (keys.length === 0) return base;
      } else if (kind === "regexp") {
        base = P.RegExpPrototypeToString(value);
        if (keys.length === 0) return base;
      } else if (kind === "date") {
        const time = P.DatePrototypeGetTime(value);
        base = P.NumberIsNaN(time) ? "Invalid Date" : P.DatePrototypeToISOString(value);
        if (keys.length === 0) return base;
      } else if (kind === "error" || P.ObjectPrototypeIsPrototypeOf(P.Error.prototype, value)) {
        base = formatErrorStack(ctx, value);
        // A `name` or `message` set after construction already shows in the stack.
        keys = P.ArrayPrototypeFilter(keys, (key) => {
          if (key !== "name" && key !== "message") return true;
          const desc = P.ObjectGetOwnPropertyDescriptor(value, key);
          return typeof desc.value !== "string" || !P.StringPrototypeIncludes(base, desc.value);
        });
        // `cause` and AggregateError's `errors` are own but not enumerable.
        const cause = hiddenOwnValue(value, "cause");
        if (cause.found) P.ArrayPrototypePush(extra, ["[cause]", cause.value]);
        const errors = hiddenOwnValue(value, "errors");
        if (errors.found && P.ArrayIsArray(errors.value)) {
          P.ArrayPrototypePush(extra, ["[errors]", errors.value]);
        }
        if (keys.length === 0 && extra.length === 0) return base;
      } else if (boxed !== undefined) {
        keys = getKeys(value, true);
        base = boxed;
        if (keys.length === 0) return base;
      } else if (kind === "arraybuffer") {
        braces[0] = `${getPrefix(constructor, tag, "ArrayBuffer")}{`;
        formatter = formatArrayBuffer;
      } else if (kind === "sharedarraybuffer") {
        braces[0] = `${getPrefix(constructor, tag, "SharedArrayBuffer")}{`;
        formatter = formatArrayBuffer;
      } else if (kind === "module") {
        braces[0] = "[Module: null prototype] {";
      } else if (kind === "dataview") {
        braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
        formatter = (c, v, r) => [
          `byteLength: ${P.DataViewPrototypeGetByteLength(v)}`,
          `byteOffset: ${P.DataViewPrototypeGetByteOffset(v)}`,
          `buffer: ${formatNested(c, P.DataViewPrototypeGetBuffer(v), r)}`,
        ];
      } else if (kind === "promise") {
        braces[0] = `${getPrefix(constructor, tag, "Promise")}{`;
        formatter = (c, v, r) => {
          if (details[1] === "pending") return ["<pending>"];
          const result = formatNested(c, details[2], r);
          return [details[1] === "rejected" ? `<rejected> ${result}` : result];
        };
      } else if (kind === "mapiterator" || kind === "setiterator") {
        // https://tc39.es/ecma262/#sec-%mapiteratorprototype%-@@tostringtag
        const pairs = details[2];
        const name = `${kind === "mapiterator" ? "Map" : "Set"} ${pairs ? "Entries" : "Iterator"}`;
        braces[0] = `[${name}] {`;
        arrayLike = true;
        formatter = (c, v, r) => formatIteratorEntries(c, details[1], pairs, r);
      } else if (kind === "weakmap") {
        braces[0] = `${getPrefix(constructor, tag, "WeakMap")}{`;
        formatter = () => ["<items unknown>"];
      } else if (kind === "weakset") {
        braces[0] = `${getPrefix(constructor, tag, "WeakSet")}{`;
        formatter = () => ["<items unknown>"];
      } else {
        if (constructor !== "Object" || tag !== "") {
          braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
        }
        const platform = platformAttributes(value);
        if (platform !== undefined) {
          keys = P.ArrayPrototypeFilter(keys, (k) => !P.ArrayPrototypeIncludes(platform.own, k));
          extra = platform.attributes;
          formatter = () => [];
        }
        if (keys.length === 0 && extra.length === 0) return `${braces[0]}}`;
      }
    }

    if (recurseTimes > ctx.depth) return `[${depthName}]`;

    P.ArrayPrototypePush(ctx.seen, value);
    const output = formatter(ctx, value, recurseTimes);
    for (const key of keys) {
      P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, key));
    }
    for (const { 0: name, 1: shown } of extra) {
      const key = name[0] === "[" ? name : formatKey(name);
      P.ArrayPrototypePush(output, `${key}: ${formatNested(ctx, shown, recurseTimes)}`);
    }
    ctx.seen.length -= 1;

    const index = P.MapPrototypeGet(ctx.circular, value);
    if (index !== undefined) {
      const ref = `<ref *${index}> `;
      if (base === "") braces[0] = ref + braces[0];
      else base = ref + base;
    }
    return reduceToSingleString(ctx, value, output, base, braces, arrayLike);
  }

  // Lays many short entries of an array or set out in aligned columns, numbers flush right,
  // with about as many columns as rows (wider entries, fewer columns). The result is `output`
  // itself when columns would not help.
  function groupEntries(ctx, value, output) {
    let count = output.length;
    const hasTail = P.StringPrototypeStartsWith(output[count - 1], "... ");
    if (hasTail) count--;
    let total = 0;
    let widest = 0;
    for (let i = 0; i < count; i++) {
      const len = output[i].length;
      if (P.StringPrototypeIncludes(output[i], "\n")) return output;
      total += len + 2;
      widest = P.MathMax(widest, len);
    }
    const cell = widest + 2;
    if (cell * 3 + ctx.indentLvl >= BREAK_LENGTH || (total / cell <= 5 && widest > 6)) {
      return output;
    }
    // Entries much shorter than the widest one allow more columns than the widest suggests.
    const bias = P.MathMax(cell - 3 - MathSqrt(cell - total / output.length), 1);
    const columns = P.MathMin(
      MathRound(MathSqrt(2.5 * bias * count) / bias),
      P.MathFloor((BREAK_LENGTH - ctx.indentLvl) / cell),
      12,
    );
    if (columns <= 1) return output;

    const widths = [];
    for (let c = 0; c < columns; c++) {
      let w = 0;
      for (let i = c; i < count; i += columns) w = P.MathMax(w, output[i].length);
      P.ArrayPrototypePush(widths, w + 2);
    }
    let numeric = value !== undefined;
    for (let i = 0; numeric && i < count; i++) {
      numeric = typeof value[i] === "number" || typeof value[i] === "bigint";
    }
    const rows = [];
    for (let i = 0; i < count; i += columns) {
      const end = P.MathMin(i + columns, count);
      let row = "";
      for (let j = i; j < end; j++) {
        const last = j === end - 1;
        const entry = last ? output[j] : `${output[j]}, `;
        const width = last ? widths[j - i] - 2 : widths[j - i];
        if (numeric) row += StringPrototypePadStart(entry, width, " ");
        else row += last ? entry : StringPrototypePadEnd(entry, width, " ");
      }
      P.ArrayPrototypePush(rows, row);
    }
    if (hasTail) P.ArrayPrototypePush(rows, output[output.length - 1]);
    return rows;
  }

  function reduceToSingleString(ctx, value, output, base, braces, arrayLike) {
    const head = base === "" ? braces[0] : `${base} ${braces[0]}`;
    if (output.length === 0) return `${head}${braces[1]}`;
    let lines = output;
    if (arrayLike && output.length > 6) {
      lines = groupEntries(ctx, P.ArrayIsArray(value) ? value : undefined, output);
    }
    // One line when the entries (and what leads them) fit; grouped rows never join.
    if (lines === output) {
      let width = output.length + ctx.indentLvl + braces[0].length + base.length + 10;
      let multiline = P.StringPrototypeIncludes(base, "\n");
      for (const entry of output) {
        width += entry.length;
        if (P.StringPrototypeIncludes(entry, "\n")) multiline = true;
      }
      if (!multiline && width + output.length <= BREAK_LENGTH) {
        return `${head} ${P.ArrayPrototypeJoin(output, ", ")} ${braces[1]}`;
      }
    }
    const indentation = `\n${P.StringPrototypeRepeat(" ", ctx.indentLvl)}`;
    const body = P.ArrayPrototypeJoin(lines, `,${indentation}  `);
    return `${head}${indentation}  ${body}${indentation}${braces[1]}`;
  }

  // Formats any value for display. Strings come back quoted; console.log prints top-level
  // strings raw itself. `depth` is how many levels of nesting are shown (null: all).
  function inspect(value, options = undefined) {
    const depth = options?.depth;
    const ctx = {
      depth: depth === null ? Infinity : (depth ?? DEFAULT_DEPTH),
      indentLvl: options?.indentLvl ?? 0,
      seen: [],
      circular: new P.Map(),
    };
    return formatValue(ctx, value, 0);
  }

  internals.inspect = inspect;
  internals.inspectPrimitive = formatPrimitive;
  internals.isBuiltinFrame = isBuiltinFrame;
  internals.setCustomInspect = setCustomInspect;
});
