"use strict";
// The console namespace and `inspect`, the value formatter it prints with. Output follows the
// shape users know from browsers, Deno and Node (`{ a: 1 }`, `Map(1) { 'a' => 1 }`), but the
// code is ours. Printing goes through op_console_print; nothing is buffered in JS.
// https://console.spec.whatwg.org/
((ops, internals) => {
  const P = internals.primordials;
  const { isArrayBuffer, isDataView, typedArrayName } = internals.infra;

  const LEVEL_DEBUG = 0;
  const LEVEL_LOG = 1;
  const LEVEL_WARN = 2;
  const LEVEL_ERROR = 3;

  const BREAK_LENGTH = 72;
  const MAX_ARRAY_ITEMS = 100;
  const DEFAULT_DEPTH = 2;

  const { uncurryThis } = P;
  const MapPrototypeGetSize = uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get);
  const SetPrototypeGetSize = uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get);
  const MapPrototypeEntries = uncurryThis(Map.prototype.entries);
  const SetPrototypeValues = uncurryThis(Set.prototype.values);
  const RegExpPrototypeGetSource = uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(RegExp.prototype, "source").get);
  const WeakMapPrototypeHas = uncurryThis(WeakMap.prototype.has);
  const WeakSetPrototypeHas = uncurryThis(WeakSet.prototype.has);
  const ErrorPrototypeToString = uncurryThis(Error.prototype.toString);
  const boxedValueOf = [
    ["Number", uncurryThis(Number.prototype.valueOf)],
    ["String", uncurryThis(String.prototype.valueOf)],
    ["Boolean", uncurryThis(Boolean.prototype.valueOf)],
    ["BigInt", uncurryThis(BigInt.prototype.valueOf)],
    ["Symbol", uncurryThis(Symbol.prototype.valueOf)],
  ];

  // Built-in interfaces keep their state in private fields, which a generic formatter cannot
  // see; they register a function returning a plain object to show instead.
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

  function succeeds(fn, value) {
    try {
      fn(value);
      return true;
    } catch {
      return false;
    }
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
    const desc = P.ObjectGetOwnPropertyDescriptor(value, key);
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
    for (const v of SetPrototypeValues(value)) {
      P.ArrayPrototypePush(output, formatNested(ctx, v, recurseTimes));
    }
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    for (const { 0: k, 1: v } of MapPrototypeEntries(value)) {
      const key = formatNested(ctx, k, recurseTimes);
      P.ArrayPrototypePush(output, `${key} => ${formatNested(ctx, v, recurseTimes)}`);
    }
    return output;
  }

  function formatFunctionBase(value, constructor, tag) {
    let source = "";
    try {
      source = P.FunctionPrototypeToString(value);
    } catch {
      // Revoked proxies and the like.
    }
    const name = typeof value.name === "string" ? value.name : "";
    if (P.StringPrototypeStartsWith(source, "class") && source[source.length - 1] === "}") {
      let base = `[class ${name || "(anonymous)"}`;
      const parent = P.ObjectGetPrototypeOf(value);
      if (parent !== null && typeof parent.name === "string" && parent.name !== "") {
        base += ` extends ${parent.name}`;
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

  function formatError(ctx, err) {
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
    if (ctx.indentLvl === 0) return stack;
    const indentation = P.StringPrototypeRepeat(" ", ctx.indentLvl);
    return P.ArrayPrototypeJoin(P.StringPrototypeSplit(stack, "\n"), `\n${indentation}`);
  }

  // Errors of any realm: those carry [[ErrorData]], which Object.prototype.toString reports.
  function isError(value) {
    return P.ObjectPrototypeIsPrototypeOf(P.Error.prototype, value) ||
      P.ObjectPrototypeToString(value) === "[object Error]";
  }

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

  function formatValue(ctx, value, recurseTimes) {
    if (typeof value !== "object" && typeof value !== "function") {
      return formatPrimitive(value);
    }
    if (value === null) return "null";

    if (P.ArrayPrototypeIncludes(ctx.seen, value)) {
      let index = P.MapPrototypeGet(ctx.circular, value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        P.MapPrototypeSet(ctx.circular, value, index);
      }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes);
  }

  function formatRaw(ctx, value, recurseTimes) {
    const constructor = getConstructorName(value);
    const tag = getTag(value, constructor);
    let keys;
    let base = "";
    let braces;
    let formatter = () => [];
    let arrayLike = false;
    let depthName = constructor ?? "Object";

    const custom = findCustomInspect(value);
    if (custom !== undefined) {
      if (recurseTimes > ctx.depth) return `[${depthName}]`;
      return `${constructor} ${formatValue(ctx, custom(value), recurseTimes)}`;
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
    } else if (succeeds(SetPrototypeGetSize, value)) {
      keys = getKeys(value, false);
      const prefix = getPrefix(constructor, tag, "Set", `(${SetPrototypeGetSize(value)})`);
      braces = [`${prefix}{`, "}"];
      if (SetPrototypeGetSize(value) === 0 && keys.length === 0) return `${braces[0]}}`;
      arrayLike = true;
      formatter = formatSet;
    } else if (succeeds(MapPrototypeGetSize, value)) {
      keys = getKeys(value, false);
      const prefix = getPrefix(constructor, tag, "Map", `(${MapPrototypeGetSize(value)})`);
      braces = [`${prefix}{`, "}"];
      if (MapPrototypeGetSize(value) === 0 && keys.length === 0) return `${braces[0]}}`;
      formatter = formatMap;
    } else if (typedArrayName(value) !== undefined) {
      keys = getKeys(value, true);
      const name = typedArrayName(value);
      const length = P.TypedArrayPrototypeGetLength(value);
      const prefix = getPrefix(constructor, name === constructor ? "" : tag, name,
        `(${length})`);
      braces = [`${prefix}[`, "]"];
      if (length === 0 && keys.length === 0) return `${braces[0]}]`;
      arrayLike = true;
      formatter = formatTypedArray;
    } else {
      keys = getKeys(value, false);
      braces = ["{", "}"];
      const boxed = boxedPrimitive(value);
      if (typeof value === "function") {
        base = formatFunctionBase(value, constructor, tag);
        if (keys.length === 0) return base;
      } else if (succeeds(RegExpPrototypeGetSource, value) &&
        value !== RegExp.prototype) {
        base = P.RegExpPrototypeToString(value);
        if (keys.length === 0) return base;
      } else if (succeeds(P.DatePrototypeGetTime, value)) {
        const time = P.DatePrototypeGetTime(value);
        base = P.NumberIsNaN(time) ? "Invalid Date" : P.DatePrototypeToISOString(value);
        if (keys.length === 0) return base;
      } else if (isError(value)) {
        keys = P.ArrayPrototypeSlice(keys);
        base = formatError(ctx, value);
        if (keys.length === 0) return base;
      } else if (boxed !== undefined) {
        keys = getKeys(value, true);
        base = boxed;
        if (keys.length === 0) return base;
      } else if (isArrayBuffer(value)) {
        braces[0] = `${getPrefix(constructor, tag, "ArrayBuffer")}{`;
        formatter = () => [`byteLength: ${P.ArrayBufferPrototypeGetByteLength(value)}`];
      } else if (isDataView(value)) {
        braces[0] = `${getPrefix(constructor, tag, "DataView")}{`;
        formatter = (c, v, r) => [
          `byteLength: ${P.DataViewPrototypeGetByteLength(v)}`,
          `byteOffset: ${P.DataViewPrototypeGetByteOffset(v)}`,
          `buffer: ${formatNested(c, P.DataViewPrototypeGetBuffer(v), r)}`,
        ];
      } else if (P.ObjectPrototypeIsPrototypeOf(P.Promise.prototype, value)) {
        braces[0] = `${getPrefix(constructor, tag, "Promise")}{`;
        // TODO(conform): show <pending>, the value or <rejected> once an op exposes V8's
        // promise state; JavaScript cannot read it without side effects.
        formatter = () => ["<unknown>"];
      } else if (succeeds((v) => WeakMapPrototypeHas(v, value), value)) {
        braces[0] = `${getPrefix(constructor, tag, "WeakMap")}{`;
        formatter = () => ["<items unknown>"];
      } else if (succeeds((v) => WeakSetPrototypeHas(v, value), value)) {
        braces[0] = `${getPrefix(constructor, tag, "WeakSet")}{`;
        formatter = () => ["<items unknown>"];
      } else {
        if (constructor !== "Object" || tag !== "") {
          braces[0] = `${getPrefix(constructor, tag, "Object")}{`;
        }
        if (keys.length === 0) return `${braces[0]}}`;
      }
    }

    if (recurseTimes > ctx.depth) return `[${depthName}]`;

    P.ArrayPrototypePush(ctx.seen, value);
    const output = formatter(ctx, value, recurseTimes);
    for (const key of keys) {
      P.ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, key));
    }
    ctx.seen.length -= 1;

    const index = P.MapPrototypeGet(ctx.circular, value);
    if (index !== undefined) {
      const ref = `<ref *${index}> `;
      if (base === "") braces[0] = ref + braces[0];
      else base = ref + base;
    }
    return reduceToSingleString(ctx, output, base, braces, arrayLike);
  }

  // Packs many short entries of an array or set into aligned rows.
  function groupEntries(ctx, output) {
    let entries = output;
    let tail = [];
    const last = output[output.length - 1];
    if (P.StringPrototypeStartsWith(last, "... ")) {
      entries = P.ArrayPrototypeSlice(output, 0, -1);
      tail = [last];
    }
    let width = 0;
    for (const entry of entries) {
      if (entry.length > 16 || P.StringPrototypeIncludes(entry, "\n")) return output;
      width = P.MathMax(width, entry.length);
    }
    const available = BREAK_LENGTH - ctx.indentLvl - 2;
    const columns = P.MathMin(P.MathMax(P.MathFloor(available / (width + 2)), 1), 16);
    if (columns <= 1) return output;
    const rows = [];
    for (let i = 0; i < entries.length; i += columns) {
      let row = "";
      const end = P.MathMin(i + columns, entries.length);
      for (let j = i; j < end; j++) {
        const sep = j === end - 1 ? "" : ", ";
        const cell = entries[j] + sep;
        row += j === end - 1 ? cell : cell + P.StringPrototypeRepeat(" ", width + 2 - cell.length);
      }
      P.ArrayPrototypePush(rows, row);
    }
    return [...rows, ...tail];
  }

  function reduceToSingleString(ctx, output, base, braces, arrayLike) {
    const head = base === "" ? braces[0] : `${base} ${braces[0]}`;
    if (output.length === 0) return `${head}}`;
    const single = `${head} ${P.ArrayPrototypeJoin(output, ", ")} ${braces[1]}`;
    if (ctx.indentLvl + single.length <= BREAK_LENGTH && !P.StringPrototypeIncludes(single, "\n")) {
      return single;
    }
    const lines = arrayLike && output.length > 6 ? groupEntries(ctx, output) : output;
    const indentation = `\n${P.StringPrototypeRepeat(" ", ctx.indentLvl)}`;
    const body = P.ArrayPrototypeJoin(lines, `,${indentation}  `);
    return `${head}${indentation}  ${body}${indentation}${braces[1]}`;
  }

  // Formats any value for display. Strings come back quoted; console.log prints top-level
  // strings raw itself.
  function inspect(value, options = undefined) {
    const ctx = {
      depth: options?.depth ?? DEFAULT_DEPTH,
      indentLvl: options?.indentLvl ?? 0,
      seen: [],
      circular: new P.Map(),
    };
    return formatValue(ctx, value, 0);
  }

  // ===== format specifiers =====

  function toNumberOrNaN(value, parse) {
    if (typeof value === "symbol") return "NaN";
    if (typeof value === "bigint") return `${value}n`;
    try {
      return formatNumber(parse(value));
    } catch {
      return "NaN";
    }
  }

  function formatSpecifier(spec, arg) {
    switch (spec) {
      case "s":
        if (typeof arg === "string") return arg;
        if (typeof arg === "object" && arg !== null) return inspect(arg, { depth: 0 });
        if (typeof arg === "function") return inspect(arg, { depth: 0 });
        return formatPrimitive(arg);
      case "d":
        return toNumberOrNaN(arg, (v) => +v);
      case "i":
        return toNumberOrNaN(arg, (v) => parseInt(v, 10));
      case "f":
        return toNumberOrNaN(arg, (v) => parseFloat(v));
      case "o":
      case "O":
        return inspect(arg);
      case "c":
        return "";
      default:
        return undefined;
    }
  }

  // Joins console arguments the way browsers do: a first string argument may carry format
  // specifiers; other strings print raw, other values through inspect().
  // https://console.spec.whatwg.org/#formatter
  function formatArgs(args) {
    const parts = [];
    let next = 0;
    if (typeof args[0] === "string") {
      const fmt = args[0];
      next = 1;
      if (args.length === 1) {
        P.ArrayPrototypePush(parts, fmt);
      } else {
        let text = "";
        let last = 0;
        for (let i = 0; i < fmt.length - 1; i++) {
          if (fmt[i] !== "%") continue;
          const spec = fmt[i + 1];
          let rep;
          if (spec === "%") {
            rep = "%";
          } else if (next < args.length) {
            rep = formatSpecifier(spec, args[next]);
            if (rep !== undefined) next++;
          }
          if (rep === undefined) continue;
          text += P.StringPrototypeSlice(fmt, last, i) + rep;
          last = i + 2;
          i++;
        }
        P.ArrayPrototypePush(parts, text + P.StringPrototypeSlice(fmt, last));
      }
    }
    for (let i = next; i < args.length; i++) {
      const arg = args[i];
      P.ArrayPrototypePush(parts, typeof arg === "string" ? arg : inspect(arg));
    }
    return P.ArrayPrototypeJoin(parts, " ");
  }

  // ===== console =====

  let groupIndent = "";
  const counts = new P.Map();
  const timers = new P.Map();

  function print(level, text) {
    if (groupIndent !== "") {
      const lines = P.StringPrototypeSplit(text, "\n");
      text = groupIndent + P.ArrayPrototypeJoin(lines, `\n${groupIndent}`);
    }
    ops.op_console_print(level, text);
  }

  function label(value) {
    return value === undefined ? "default" : P.String(value);
  }

  function elapsed(start) {
    const ms = ops.op_now() - start;
    return `${ms.toFixed(3)}ms`;
  }

  function stackFrames(skip) {
    const holder = {};
    P.ErrorCaptureStackTrace?.(holder, skip);
    const stack = typeof holder.stack === "string" ? holder.stack : "";
    const newline = P.StringPrototypeIndexOf(stack, "\n");
    return newline === -1 ? "" : P.StringPrototypeSlice(stack, newline + 1);
  }

  // Renders rows of cells as a box-drawn table.
  function renderTable(header, rows) {
    const widths = P.ArrayPrototypeMap(header, (h) => h.length + 2);
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        widths[i] = P.MathMax(widths[i], row[i].length + 2);
      }
    }
    const line = (l, m, r) =>
      l + P.ArrayPrototypeJoin(P.ArrayPrototypeMap(widths,
        (w) => P.StringPrototypeRepeat("─", w)), m) + r;
    const cells = (row) =>
      `│${P.ArrayPrototypeJoin(P.ArrayPrototypeMap(widths, (w, i) => {
        const cell = row[i] ?? "";
        return ` ${cell}${P.StringPrototypeRepeat(" ", w - cell.length - 1)}`;
      }), "│")}│`;
    const out = [line("┌", "┬", "┐"), cells(header), line("├", "┼", "┤")];
    for (const row of rows) P.ArrayPrototypePush(out, cells(row));
    P.ArrayPrototypePush(out, line("└", "┴", "┘"));
    return P.ArrayPrototypeJoin(out, "\n");
  }

  function formatTable(data, properties) {
    const indexKey = "(index)";
    const valuesKey = "Values";
    const columns = [];
    let hasValues = false;
    const records = [];
    for (const key of P.ObjectKeys(data)) {
      const item = data[key];
      const record = { key, cells: new P.Map(), value: undefined, hasValue: false };
      if (typeof item === "object" && item !== null) {
        for (const column of properties ?? P.ObjectKeys(item)) {
          if (!P.ArrayPrototypeIncludes(columns, column)) P.ArrayPrototypePush(columns, column);
          if (P.ObjectPrototypeHasOwnProperty(item, column)) {
            P.MapPrototypeSet(record.cells, column, inspect(item[column], { depth: 0 }));
          }
        }
      } else {
        record.value = inspect(item, { depth: 0 });
        record.hasValue = true;
        hasValues = true;
      }
      P.ArrayPrototypePush(records, record);
    }
    const header = [indexKey, ...columns];
    if (hasValues) P.ArrayPrototypePush(header, valuesKey);
    const rows = P.ArrayPrototypeMap(records, (record) => {
      const row = [record.key];
      for (const column of columns) {
        P.ArrayPrototypePush(row, P.MapPrototypeGet(record.cells, column) ?? "");
      }
      if (hasValues) P.ArrayPrototypePush(row, record.hasValue ? record.value : "");
      return row;
    });
    return renderTable(header, rows);
  }

  // https://console.spec.whatwg.org/#console-namespace
  const console = {
    log(...data) {
      print(LEVEL_LOG, formatArgs(data));
    },
    info(...data) {
      print(LEVEL_LOG, formatArgs(data));
    },
    debug(...data) {
      print(LEVEL_DEBUG, formatArgs(data));
    },
    warn(...data) {
      print(LEVEL_WARN, formatArgs(data));
    },
    error(...data) {
      print(LEVEL_ERROR, formatArgs(data));
    },
    trace(...data) {
      const head = data.length === 0 ? "Trace" : `Trace: ${formatArgs(data)}`;
      print(LEVEL_ERROR, `${head}\n${stackFrames(console.trace)}`);
    },
    // https://console.spec.whatwg.org/#assert
    assert(condition = false, ...data) {
      // 1.
      if (condition) return;
      // 2-4.
      const message = "Assertion failed";
      if (data.length === 0) data = [message];
      else if (typeof data[0] !== "string") data = [message, ...data];
      else data[0] = `${message}: ${data[0]}`;
      // 5.
      print(LEVEL_ERROR, formatArgs(data));
    },
    dir(item = undefined, options = undefined) {
      print(LEVEL_LOG, inspect(item, { depth: options?.depth }));
    },
    dirxml(...data) {
      print(LEVEL_LOG, formatArgs(data));
    },
    table(tabularData = undefined, properties = undefined) {
      if (typeof tabularData !== "object" || tabularData === null) {
        print(LEVEL_LOG, formatArgs([tabularData]));
        return;
      }
      const columns = P.ArrayIsArray(properties) ? properties : undefined;
      print(LEVEL_LOG, formatTable(tabularData, columns));
    },
    clear() {
      // Output goes to a log stream, which cannot be cleared.
    },
    // https://console.spec.whatwg.org/#count
    count(name = undefined) {
      const key = label(name);
      const count = (P.MapPrototypeGet(counts, key) ?? 0) + 1;
      P.MapPrototypeSet(counts, key, count);
      print(LEVEL_LOG, `${key}: ${count}`);
    },
    countReset(name = undefined) {
      const key = label(name);
      if (!P.MapPrototypeHas(counts, key)) {
        print(LEVEL_WARN, `Count for '${key}' does not exist`);
        return;
      }
      P.MapPrototypeSet(counts, key, 0);
    },
    // https://console.spec.whatwg.org/#group
    group(...data) {
      if (data.length > 0) print(LEVEL_LOG, formatArgs(data));
      groupIndent += "  ";
    },
    groupCollapsed(...data) {
      if (data.length > 0) print(LEVEL_LOG, formatArgs(data));
      groupIndent += "  ";
    },
    groupEnd() {
      groupIndent = P.StringPrototypeSlice(groupIndent, 2);
    },
    // https://console.spec.whatwg.org/#time
    time(name = undefined) {
      const key = label(name);
      if (P.MapPrototypeHas(timers, key)) {
        print(LEVEL_WARN, `Timer '${key}' already exists`);
        return;
      }
      P.MapPrototypeSet(timers, key, ops.op_now());
    },
    timeLog(name = undefined, ...data) {
      const key = label(name);
      const start = P.MapPrototypeGet(timers, key);
      if (start === undefined) {
        print(LEVEL_WARN, `Timer '${key}' does not exist`);
        return;
      }
      const extra = data.length > 0 ? ` ${formatArgs(data)}` : "";
      print(LEVEL_LOG, `${key}: ${elapsed(start)}${extra}`);
    },
    timeEnd(name = undefined) {
      const key = label(name);
      const start = P.MapPrototypeGet(timers, key);
      if (start === undefined) {
        print(LEVEL_WARN, `Timer '${key}' does not exist`);
        return;
      }
      P.MapPrototypeDelete(timers, key);
      print(LEVEL_LOG, `${key}: ${elapsed(start)}`);
    },
  };
  P.ObjectDefineProperty(console, P.SymbolToStringTag, {
    value: "console",
    writable: false,
    enumerable: false,
    configurable: true,
  });

  // Browsers give the console namespace an empty object of its own as [[Prototype]], whose
  // [[Prototype]] is %Object.prototype%; WPT's console-is-a-namespace checks that chain.
  P.ObjectSetPrototypeOf(console, P.ObjectCreate(P.ObjectPrototype));
  internals.console = console;
  internals.inspect = inspect;
  internals.formatArgs = formatArgs;
  internals.setCustomInspect = setCustomInspect;
});
