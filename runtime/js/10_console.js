"use strict";
// The console namespace: the Console Standard's Logger, Formatter and Printer over `inspect()`
// (05_inspect.js), with counting, timing, grouping and tables. Printing goes through
// op_console_print, one call per message; nothing is buffered in JS.
// https://console.spec.whatwg.org/
((ops, internals) => {
  const P = internals.primordials;
  const { converters, createSequenceConverter } = internals.webidl;
  const { inspect, inspectPrimitive, isBuiltinFrame } = internals;

  const LEVEL_DEBUG = 0;
  const LEVEL_LOG = 1;
  const LEVEL_WARN = 2;
  const LEVEL_ERROR = 3;

  const ANSI_RESET = "\x1b[0m";
  // Moves the cursor home and erases the screen below it.
  const ANSI_CLEAR = "\x1b[1;1H\x1b[0J";

  const ObjectPrototypeToStringFn = Object.prototype.toString;
  const builtinToStrings = [
    ObjectPrototypeToStringFn,
    Array.prototype.toString,
    Error.prototype.toString,
    Date.prototype.toString,
    Function.prototype.toString,
  ];
  const NumberParseInt = Number.parseInt;
  const NumberParseFloat = Number.parseFloat;
  const NumberPrototypeToFixed = P.uncurryThis(Number.prototype.toFixed);
  const toStringSequence = createSequenceConverter(converters.DOMString);
  const MapPrototypeEntries = P.uncurryThis(Map.prototype.entries);
  const MapPrototypeGetSize = P.uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get);
  const SetPrototypeGetSize = P.uncurryThis(
    P.ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get);

  function isMap(value) {
    try {
      MapPrototypeGetSize(value);
      return true;
    } catch {
      return false;
    }
  }

  function isSet(value) {
    try {
      SetPrototypeGetSize(value);
      return true;
    } catch {
      return false;
    }
  }

  // ===== %c =====

  const namedColors = {
    black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37,
    gray: 90, grey: 90,
  };

  // A CSS colour as the SGR parameters for the foreground (`base` 30) or background (40), or
  // "" for what a terminal cannot show.
  function ansiColor(value, base) {
    const named = namedColors[value];
    if (named !== undefined) return named === 90 ? `${base + 60}` : `${named - 30 + base}`;
    let rgb;
    const hex = P.RegExpPrototypeExec(/^#([0-9a-f]{3}|[0-9a-f]{6})$/, value);
    if (hex !== null) {
      let digits = hex[1];
      if (digits.length === 3) digits = digits[0] + digits[0] + digits[1] + digits[1] +
        digits[2] + digits[2];
      rgb = P.ArrayPrototypeMap([0, 2, 4],
        (i) => NumberParseInt(P.StringPrototypeSlice(digits, i, i + 2), 16));
    } else {
      const fn = P.RegExpPrototypeExec(/^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/, value);
      if (fn === null) return "";
      rgb = [+fn[1], +fn[2], +fn[3]];
    }
    return `${base + 8};2;${rgb[0]};${rgb[1]};${rgb[2]}`;
  }

  // The subset of CSS a terminal can render: colours, bold, italic, underline, strike-through.
  // https://console.spec.whatwg.org/#formatting-specifiers (%c)
  function cssToAnsi(css) {
    const codes = [];
    for (const declaration of P.StringPrototypeSplit(`${css}`, ";")) {
      const colon = P.StringPrototypeIndexOf(declaration, ":");
      if (colon === -1) continue;
      const name = P.StringPrototypeToLowerCase(
        P.StringPrototypeTrim(P.StringPrototypeSlice(declaration, 0, colon)));
      const value = P.StringPrototypeToLowerCase(
        P.StringPrototypeTrim(P.StringPrototypeSlice(declaration, colon + 1)));
      let code = "";
      if (name === "color") code = ansiColor(value, 30);
      else if (name === "background-color" || name === "background") code = ansiColor(value, 40);
      else if (name === "font-weight" && (value === "bold" || +value >= 600)) code = "1";
      else if (name === "font-style" && value === "italic") code = "3";
      else if (name === "text-decoration" || name === "text-decoration-line") {
        if (P.StringPrototypeIncludes(value, "underline")) code = "4";
        else if (P.StringPrototypeIncludes(value, "line-through")) code = "9";
      }
      if (code !== "") P.ArrayPrototypePush(codes, code);
    }
    return codes.length === 0 ? "" : `\x1b[${P.ArrayPrototypeJoin(codes, ";")}m`;
  }

  // ===== Formatter and Printer =====

  // Whether %s shows an object through its own toString() rather than inspect().
  function hasOwnToString(value) {
    let fn;
    try {
      fn = value.toString;
    } catch {
      return false;
    }
    return typeof fn === "function" && !P.ArrayPrototypeIncludes(builtinToStrings, fn);
  }

  // The replacement of one format specifier, or undefined for a character that is none.
  // https://console.spec.whatwg.org/#formatter
  function formatSpecifier(spec, current, style) {
    switch (spec) {
      case "s":
        // The standard says String(current); like browsers, objects without a toString() of
        // their own are shown by inspect() instead of as "[object Object]", and a BigInt
        // keeps its "n".
        if (typeof current === "string") return current;
        if (typeof current === "bigint") return `${current}n`;
        if (typeof current === "symbol") return P.SymbolPrototypeToString(current);
        if ((typeof current === "object" && current !== null) || typeof current === "function") {
          // Looking up a Proxy's toString would run its traps.
          const isProxy = ops.op_console_value_details(current)?.[0] === "proxy";
          return !isProxy && hasOwnToString(current)
            ? P.String(current)
            : inspect(current, { depth: 0 });
        }
        return inspectPrimitive(current);
      case "d":
      case "i":
        // A Symbol cannot be converted; anything else goes through parseInt(current, 10),
        // so 42.5 prints 42, 5n prints 5 and an object prints what its string parses to.
        if (typeof current === "symbol") return "NaN";
        return inspectPrimitive(NumberParseInt(current, 10));
      case "f":
        if (typeof current === "symbol") return "NaN";
        return inspectPrimitive(NumberParseFloat(current));
      case "o":
        return inspect(current, { depth: 4 });
      case "O":
        return inspect(current);
      case "c":
        style.used = true;
        if (!style.terminal) return "";
        return ANSI_RESET + cssToAnsi(current);
      default:
        return undefined;
    }
  }

  // Printer's rendering of arguments left after formatting: strings as they are, other
  // values through inspect().
  function printArgs(parts, args, from) {
    for (let i = from; i < args.length; i++) {
      const arg = args[i];
      P.ArrayPrototypePush(parts, typeof arg === "string" ? arg : inspect(arg));
    }
    return P.ArrayPrototypeJoin(parts, " ");
  }

  // Logger's formatting of `args` into one line of text. A first string argument is the
  // format; each specifier consumes the next argument, `%%` is a literal `%`, and arguments
  // left over are appended. Specifiers are replaced in one pass from left to right, so text
  // that a replacement brings in is not formatted again (as in browsers).
  // https://console.spec.whatwg.org/#logger
  function formatArgs(level, args) {
    if (args.length === 0) return "";
    const format = args[0];
    if (typeof format !== "string") return printArgs([], args, 0);
    // 1. A single argument is printed as it is.
    if (args.length === 1) return format;

    const style = { used: false, terminal: undefined };
    let text = "";
    let next = 1;
    let last = 0;
    for (let i = 0; i < format.length - 1; i++) {
      if (format[i] !== "%") continue;
      const spec = format[i + 1];
      let rep;
      if (spec === "%") {
        rep = "%";
      } else if (next < args.length) {
        if (spec === "c" && style.terminal === undefined) {
          style.terminal = ops.op_console_is_terminal(level);
        }
        rep = formatSpecifier(spec, args[next], style);
        if (rep !== undefined) next++;
      }
      if (rep === undefined) continue;
      text += P.StringPrototypeSlice(format, last, i) + rep;
      last = i + 2;
      i++;
    }
    text += P.StringPrototypeSlice(format, last);
    if (style.used && style.terminal) text += ANSI_RESET;
    return printArgs([text], args, next);
  }

  // ===== console state =====

  // https://console.spec.whatwg.org/#group-stack: each group indents by two spaces.
  let groupIndent = "";
  // https://console.spec.whatwg.org/#count-map and #timer-table.
  const countMap = new P.Map();
  const timerTable = new P.Map();

  // https://console.spec.whatwg.org/#printer: every line, including those of multi-line
  // values, is indented by the current group.
  function print(level, text) {
    if (groupIndent !== "") {
      const lines = P.StringPrototypeSplit(text, "\n");
      text = groupIndent + P.ArrayPrototypeJoin(lines, `\n${groupIndent}`);
    }
    ops.op_console_print(level, text);
  }

  function logger(level, args) {
    if (args.length === 0) return;
    print(level, formatArgs(level, args));
  }

  // A label is a WebIDL DOMString: toString() of objects runs (and its exception propagates),
  // a Symbol is a TypeError.
  function toLabel(value, method) {
    if (value === undefined) return "default";
    return converters.DOMString(value, `Failed to execute '${method}' on 'console'`,
      "Argument 1");
  }

  // Timers count in wall-clock milliseconds since the epoch rather than since the time origin:
  // a timer started before a snapshot (or a fork) then still measures from its start in the
  // restored process, whose time origin is new.
  function timerNow() {
    return ops.op_time_origin() + ops.op_now();
  }

  function elapsed(start) {
    return `${NumberPrototypeToFixed(timerNow() - start, 3)}ms`;
  }

  // The caller's stack without the first line ("Error") and without built-in frames.
  function callerStack(skip) {
    const holder = {};
    P.ErrorCaptureStackTrace?.(holder, skip);
    const stack = typeof holder.stack === "string" ? holder.stack : "";
    const lines = P.StringPrototypeSplit(stack, "\n");
    P.ArrayPrototypeShift(lines);
    return P.ArrayPrototypeJoin(P.ArrayPrototypeFilter(lines, (l) => !isBuiltinFrame(l)), "\n");
  }

  // ===== console.table =====

  function cellWidth(text) {
    let width = 0;
    for (const ch of text) {
      const c = P.StringPrototypeCodePointAt(ch, 0);
      // Wide East Asian ranges and emoji take two columns; combining marks none.
      if ((c >= 0x300 && c <= 0x36f) || c === 0x200b || c === 0xfe0f) continue;
      const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
        (c >= 0x20000 && c <= 0x3fffd);
      width += wide ? 2 : 1;
    }
    return width;
  }

  // Rows of cells as a box-drawn table, every cell padded to its column's width.
  function renderTable(header, rows) {
    const widths = P.ArrayPrototypeMap(header, (h) => cellWidth(h) + 2);
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        widths[i] = P.MathMax(widths[i], cellWidth(row[i]) + 2);
      }
    }
    const line = (l, m, r) =>
      l + P.ArrayPrototypeJoin(P.ArrayPrototypeMap(widths,
        (w) => P.StringPrototypeRepeat("─", w)), m) + r;
    const cells = (row) =>
      `│${P.ArrayPrototypeJoin(P.ArrayPrototypeMap(widths, (w, i) => {
        const cell = row[i] ?? "";
        return ` ${cell}${P.StringPrototypeRepeat(" ", w - cellWidth(cell) - 1)}`;
      }), "│")}│`;
    const out = [line("┌", "┬", "┐"), cells(header), line("├", "┼", "┤")];
    for (const row of rows) P.ArrayPrototypePush(out, cells(row));
    P.ArrayPrototypePush(out, line("└", "┴", "┘"));
    return P.ArrayPrototypeJoin(out, "\n");
  }

  function tableCell(value) {
    // Nested values show one level deep, all on one line.
    const text = inspect(value, { depth: 0 });
    return P.StringPrototypeIncludes(text, "\n")
      ? P.StringPrototypeReplace(text, /\n\s*/g, " ")
      : text;
  }

  // The rows of tabular data as [index, value] pairs: a Map's entries (with their key as an
  // extra column), a Set's values, or an object's own enumerable properties.
  function tableRows(data) {
    const rows = [];
    if (isMap(data)) {
      let i = 0;
      for (const { 0: key, 1: value } of MapPrototypeEntries(data)) {
        P.ArrayPrototypePush(rows, { index: `${i++}`, key: tableCell(key), value });
      }
      return { rows, indexHeader: "(iteration index)", keyColumn: true };
    }
    if (isSet(data)) {
      let i = 0;
      for (const value of P.SetPrototypeValues(data)) {
        P.ArrayPrototypePush(rows, { index: `${i++}`, value });
      }
      return { rows, indexHeader: "(iteration index)", keyColumn: false };
    }
    for (const key of P.ObjectKeys(data)) {
      P.ArrayPrototypePush(rows, { index: key, value: data[key] });
    }
    return { rows, indexHeader: "(index)", keyColumn: false };
  }

  // One column per property of the rows that are objects (or per entry of `properties`),
  // and a "Values" column for rows that are primitives.
  function formatTable(data, properties) {
    const { rows, indexHeader, keyColumn } = tableRows(data);
    const columns = properties === undefined ? [] : P.ArrayPrototypeSlice(properties);
    let hasValues = false;
    const records = P.ArrayPrototypeMap(rows, (row) => {
      const cells = new P.Map();
      const item = row.value;
      if ((typeof item === "object" && item !== null) || typeof item === "function") {
        for (const column of properties ?? P.ObjectKeys(item)) {
          if (!P.ArrayPrototypeIncludes(columns, column)) P.ArrayPrototypePush(columns, column);
          if (P.ObjectPrototypeHasOwnProperty(item, column)) {
            P.MapPrototypeSet(cells, column, tableCell(item[column]));
          }
        }
        return { row, cells, value: undefined };
      }
      hasValues = true;
      return { row, cells, value: tableCell(item) };
    });
    const header = [indexHeader];
    if (keyColumn) P.ArrayPrototypePush(header, "Key");
    for (const column of columns) P.ArrayPrototypePush(header, column);
    if (hasValues) P.ArrayPrototypePush(header, "Values");
    const body = P.ArrayPrototypeMap(records, ({ row, cells, value }) => {
      const out = [row.index];
      if (keyColumn) P.ArrayPrototypePush(out, row.key);
      for (const column of columns) {
        P.ArrayPrototypePush(out, P.MapPrototypeGet(cells, column) ?? "");
      }
      if (hasValues) P.ArrayPrototypePush(out, value ?? "");
      return out;
    });
    return renderTable(header, body);
  }

  // ===== the namespace =====

  // https://console.spec.whatwg.org/#console-namespace
  const console = {
    // https://console.spec.whatwg.org/#assert
    assert(condition = false, ...data) {
      // 1.
      if (condition) return;
      // 2.
      const message = "Assertion failed";
      // 3-4.
      if (data.length === 0) data = [message];
      else if (typeof data[0] !== "string") data = [message, ...data];
      else data[0] = `${message}: ${data[0]}`;
      // 5.
      logger(LEVEL_ERROR, data);
    },
    // https://console.spec.whatwg.org/#clear
    clear() {
      // 1.
      groupIndent = "";
      // 2. A log stream cannot be cleared; a terminal can.
      if (ops.op_console_is_terminal(LEVEL_LOG)) ops.op_console_print(LEVEL_LOG, ANSI_CLEAR);
    },
    debug(...data) {
      if (data.length === 1 && typeof data[0] === "string" && groupIndent === "") {
        ops.op_console_print(LEVEL_DEBUG, data[0]);
        return;
      }
      logger(LEVEL_DEBUG, data);
    },
    error(...data) {
      if (data.length === 1 && typeof data[0] === "string" && groupIndent === "") {
        ops.op_console_print(LEVEL_ERROR, data[0]);
        return;
      }
      logger(LEVEL_ERROR, data);
    },
    info(...data) {
      if (data.length === 1 && typeof data[0] === "string" && groupIndent === "") {
        ops.op_console_print(LEVEL_LOG, data[0]);
        return;
      }
      logger(LEVEL_LOG, data);
    },
    log(...data) {
      // The common case: one op call, no formatting.
      if (data.length === 1 && typeof data[0] === "string" && groupIndent === "") {
        ops.op_console_print(LEVEL_LOG, data[0]);
        return;
      }
      logger(LEVEL_LOG, data);
    },
    // https://console.spec.whatwg.org/#table
    table(tabularData = undefined, properties = undefined) {
      const columns = properties === undefined
        ? undefined
        : toStringSequence(properties, "Failed to execute 'table' on 'console'", "Argument 2");
      if (typeof tabularData !== "object" || tabularData === null) {
        logger(LEVEL_LOG, [tabularData]);
        return;
      }
      print(LEVEL_LOG, formatTable(tabularData, columns));
    },
    // https://console.spec.whatwg.org/#trace
    trace(...data) {
      const head = data.length === 0 ? "Trace" : `Trace: ${formatArgs(LEVEL_ERROR, data)}`;
      const stack = callerStack(console.trace);
      print(LEVEL_ERROR, stack === "" ? head : `${head}\n${stack}`);
    },
    warn(...data) {
      if (data.length === 1 && typeof data[0] === "string" && groupIndent === "") {
        ops.op_console_print(LEVEL_WARN, data[0]);
        return;
      }
      logger(LEVEL_WARN, data);
    },
    // https://console.spec.whatwg.org/#dir
    dir(item = undefined, options = undefined) {
      const depth = typeof options === "object" && options !== null ? options.depth : undefined;
      print(LEVEL_LOG, inspect(item, { depth }));
    },
    // https://console.spec.whatwg.org/#dirxml: without a DOM, each item is shown like log().
    dirxml(...data) {
      logger(LEVEL_LOG, data);
    },
    // https://console.spec.whatwg.org/#count
    count(label = undefined) {
      label = toLabel(label, "count");
      // 1-2.
      const count = (P.MapPrototypeGet(countMap, label) ?? 0) + 1;
      P.MapPrototypeSet(countMap, label, count);
      // 3-4.
      logger(LEVEL_LOG, [`${label}: ${count}`]);
    },
    // https://console.spec.whatwg.org/#countreset
    countReset(label = undefined) {
      label = toLabel(label, "countReset");
      // 1.
      if (P.MapPrototypeHas(countMap, label)) {
        P.MapPrototypeSet(countMap, label, 0);
        return;
      }
      // 2.
      logger(LEVEL_WARN, [`Count for '${label}' does not exist`]);
    },
    // https://console.spec.whatwg.org/#group
    group(...data) {
      if (data.length > 0) logger(LEVEL_LOG, data);
      groupIndent += "  ";
    },
    // https://console.spec.whatwg.org/#groupcollapsed: a stream cannot collapse, so the same.
    groupCollapsed(...data) {
      if (data.length > 0) logger(LEVEL_LOG, data);
      groupIndent += "  ";
    },
    // https://console.spec.whatwg.org/#groupend
    groupEnd() {
      groupIndent = P.StringPrototypeSlice(groupIndent, 2);
    },
    // https://console.spec.whatwg.org/#time
    time(label = undefined) {
      label = toLabel(label, "time");
      // 1.
      if (P.MapPrototypeHas(timerTable, label)) {
        logger(LEVEL_WARN, [`Timer '${label}' already exists`]);
        return;
      }
      // 2.
      P.MapPrototypeSet(timerTable, label, timerNow());
    },
    // https://console.spec.whatwg.org/#timelog
    timeLog(label = undefined, ...data) {
      label = toLabel(label, "timeLog");
      // 1.
      const start = P.MapPrototypeGet(timerTable, label);
      if (start === undefined) {
        logger(LEVEL_WARN, [`Timer '${label}' does not exist`]);
        return;
      }
      // 2-5. Printer, not Logger: the data is not a format.
      print(LEVEL_LOG, printArgs([`${label}: ${elapsed(start)}`], data, 0));
    },
    // https://console.spec.whatwg.org/#timeend
    timeEnd(label = undefined) {
      label = toLabel(label, "timeEnd");
      // 1.
      const start = P.MapPrototypeGet(timerTable, label);
      if (start === undefined) {
        logger(LEVEL_WARN, [`Timer '${label}' does not exist`]);
        return;
      }
      // 2-3.
      P.MapPrototypeDelete(timerTable, label);
      // 4-6.
      print(LEVEL_LOG, `${label}: ${elapsed(start)}`);
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
  internals.formatArgs = (args) => formatArgs(LEVEL_LOG, args);
});
