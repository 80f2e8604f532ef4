"use strict";
// console and inspect(): a table of inputs (JavaScript source evaluated in the runtime's
// context) and the exact text they print.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();

function logged(source) {
  rt.printed.length = 0;
  rt.run(source);
  return rt.printed.map((p) => p.text).join("\n");
}

const cases = [
  ["console.log('plain', 'strings')", "plain strings"],
  ["console.log(1, -0, 1n, true, null, undefined)", "1 -0 1n true null undefined"],
  ["console.log(Symbol('s'))", "Symbol(s)"],
  ["console.log(['a', \"it's\"])", "[ 'a', \"it's\" ]"],
  ["console.log('a\\nb')", "a\nb"],
  ["console.log(['a\\nb'])", "[ 'a\\nb' ]"],
  ["console.log(function foo() {})", "[Function: foo]"],
  ["console.log(() => {})", "[Function (anonymous)]"],
  ["console.log(async function af() {})", "[AsyncFunction: af]"],
  ["console.log(class X {})", "[class X]"],
  ["console.log(class Y extends Array {})", "[class Y extends Array]"],
  ["console.log([1, 2, 3])", "[ 1, 2, 3 ]"],
  ["console.log([])", "[]"],
  ["console.log([, 1])", "[ <1 empty item>, 1 ]"],
  ["console.log({})", "{}"],
  ["console.log({ a: 1, 'b-c': 'x' })", "{ a: 1, 'b-c': 'x' }"],
  ["class Foo { constructor() { this.x = 1; } }; console.log(new Foo())", "Foo { x: 1 }"],
  ["console.log(Object.create(null))", "[Object: null prototype] {}"],
  ["console.log({ a: { b: { c: { d: 1 } } } })", "{ a: { b: { c: [Object] } } }"],
  ["console.log([[[[1]]]])", "[ [ [ [Array] ] ] ]"],
  ["{ const o = { a: 1 }; o.self = o; console.log(o); }",
    "<ref *1> { a: 1, self: [Circular *1] }"],
  ["console.log(new Map([['a', 1]]))", "Map(1) { 'a' => 1 }"],
  ["console.log(new Set([1, 2]))", "Set(2) { 1, 2 }"],
  ["console.log(new Map())", "Map(0) {}"],
  ["console.log(new Date(0))", "1970-01-01T00:00:00.000Z"],
  ["console.log(/ab+c/gi)", "/ab+c/gi"],
  ["console.log(new Uint8Array([1, 2, 3]))", "Uint8Array(3) [ 1, 2, 3 ]"],
  ["console.log(new ArrayBuffer(4))",
    "ArrayBuffer { [Uint8Contents]: <00 00 00 00>, byteLength: 4 }"],
  ["console.log(new Uint8Array([1, 255]).buffer)",
    "ArrayBuffer { [Uint8Contents]: <01 ff>, byteLength: 2 }"],
  ["console.log(new BigInt64Array([1n]))", "BigInt64Array(1) [ 1n ]"],
  ["console.log(new SharedArrayBuffer(1))",
    "SharedArrayBuffer { [Uint8Contents]: <00>, byteLength: 1 }"],
  ["(function () { console.log(arguments); })(1, 'a')", "[Arguments] [ 1, 'a' ]"],
  ["console.log(new Set(['a']), new WeakSet())", "Set(1) { 'a' } WeakSet { <items unknown> }"],
  ["console.log(Object(Symbol('q')), Object(2n))", "[Symbol: Symbol(q)] [BigInt: 2n]"],
  ["console.log(new Date(NaN))", "Invalid Date"],
  ["console.log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])",
    "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]"],
  ["console.log({ 'a b': 1, [Symbol.iterator]: 2, 3: 4 })",
    "{ '3': 4, 'a b': 1, [Symbol(Symbol.iterator)]: 2 }"],
  ["class Tagged { get [Symbol.toStringTag]() { return 'T'; } }; console.log(new Tagged())",
    "Tagged [T] {}"],
  ["console.log({ f() {}, g: class {} })", "{ f: [Function: f], g: [class g] }"],
  ["console.log(new Number(3), new String('ab'), new Boolean(false))",
    "[Number: 3] [String: 'ab'] [Boolean: false]"],
  ["console.log({ get x() { return 1; }, set y(v) {} })", "{ x: [Getter], y: [Setter] }"],
  ["console.log({ [Symbol('k')]: 1 })", "{ [Symbol(k)]: 1 }"],
  ["console.log({ e: new Error('x') }.e.message)", "x"],
  ["{ const e = new Error('boom'); e.stack = 'Error: boom\\n    at f (a.js:1:1)';" +
    " console.log(e); }", "Error: boom\n    at f (a.js:1:1)"],
  ["console.log(new WeakMap())", "WeakMap { <items unknown> }"],
  ["console.log('%s is %d years and %i days, %f', 'Al', 42.5, 3.9, '1.5')",
    "Al is 42 years and 3 days, 1.5"],
  // https://console.spec.whatwg.org/#formatter: %d and %i are parseInt(current, 10), %f is
  // parseFloat(current), a Symbol is NaN.
  ["console.log('%d|%i|%f', Symbol('s'), Symbol('s'), Symbol('s'))", "NaN|NaN|NaN"],
  ["console.log('%d|%i|%f', 5n, 12n, 3n)", "5|12|3"],
  ["console.log('%d|%f|%d', '12px', '1.5e3x', {})", "12|1500|NaN"],
  ["console.log('%d', [7.9])", "7"],
  ["console.log('%s|%s|%s', { a: 1 }, { toString() { return 'T'; } }, -0)", "{ a: 1 }|T|-0"],
  ["console.log('%s and %s', 'one')", "one and %s"],
  ["console.log('%x %s', 1, 2)", "%x 1 2"],
  ["console.log('100%%', 1)", "100% 1"],
  ["console.log('100%%')", "100%%"],
  ["console.log('%s', 'a', { b: 1 }, 'c')", "a { b: 1 } c"],
  ["console.log('%o and %O', { a: 1 }, [1])", "{ a: 1 } and [ 1 ]"],
  ["console.log('%cstyled%% text', 'color: red')", "styled% text"],
  ["console.log('%s', 5n, 'rest', 1)", "5n rest 1"],
  ["console.log('%o', { a: { b: { c: { d: { e: {} } } } } })",
    "{ a: { b: { c: { d: { e: {} } } } } }"],
  ["console.log('%O', { a: { b: { c: { d: {} } } } })", "{ a: { b: { c: [Object] } } }"],
  ["console.log('%d', 'x')", "NaN"],
  ["console.log('no args %s')", "no args %s"],
  ["console.log('%s')", "%s"],
  ["console.log({ aaaaaaaaaaaaaaa: 'aaaaaaaaaaaaaaaaaaaaaa', " +
    "bbbbbbbbbbbbbbbbbbbb: 'bbbbbbbbbbbbbbbbbbbbbbbbb', c: [1, 2] })",
  "{\n  aaaaaaaaaaaaaaa: 'aaaaaaaaaaaaaaaaaaaaaa',\n" +
    "  bbbbbbbbbbbbbbbbbbbb: 'bbbbbbbbbbbbbbbbbbbbbbbbb',\n  c: [ 1, 2 ]\n}"],
  ["console.log(new Headers([['b', '2'], ['a', '1']]))", "Headers { a: '1', b: '2' }"],
  ["console.log(Array.from({ length: 101 }, () => 0).length)", "101"],
];

test("inspect table", () => {
  for (const [source, expected] of cases) {
    assert.equal(logged(source), expected, source);
  }
});

test("promises show their state without running code", () => {
  rt.context.pending = rt.run("new Promise(() => {})");
  assert.match(logged("console.log(pending)"), /^Promise \{\s+<pending>/);
  rt.context.done = rt.run("Promise.resolve()");
  rt.promiseDetails.set(rt.context.done, ["fulfilled", rt.run("({ a: 1 })")]);
  assert.match(logged("console.log(done)"), /^Promise \{\s+\{ a: 1 \}/);
  rt.context.failed = rt.run("Promise.resolve()");
  rt.promiseDetails.set(rt.context.failed, ["rejected", 42]);
  assert.match(logged("console.log(failed)"), /^Promise \{\s+<rejected> 42/);
});

test("proxies are shown through their target without running traps", () => {
  const target = rt.run("({ a: 1, b: [1] })");
  const traps = rt.run("new Proxy({}, { get() { throw new Error('trap ran'); } })");
  rt.context.proxy = rt.makeProxy(target, traps);
  assert.equal(logged("console.log(proxy, [proxy])"), "{ a: 1, b: [ 1 ] } [ { a: 1, b: [ 1 ] } ]");
  assert.equal(logged("console.log('%s', proxy)"), "{ a: 1, b: [Array] }");
  rt.context.fn = rt.makeProxy(rt.run("(function named() {})"), traps);
  assert.equal(logged("console.log(fn)"), "[Function: named]");
  rt.context.revoked = rt.makeRevokedProxy();
  assert.equal(logged("console.log(revoked)"), "<Revoked Proxy>");
});

test("errors: stack, cause, errors, own properties, built-in frames left out", () => {
  const out = logged(`{
    const inner = new TypeError('inner');
    inner.stack = 'TypeError: inner\\n    at h (file:///a.js:2:2)';
    const e = new Error('outer', { cause: inner });
    e.stack = 'Error: outer\\n    at f (file:///a.js:1:1)\\n' +
      '    at dispatch (aworker:js/20_event.js:3:4)\\n    at aworker:js/30_timers.js:1:1';
    e.code = 'E_X';
    console.log({ e });
  }`);
  assert.equal(out, [
    "{",
    "  e: Error: outer",
    "      at f (file:///a.js:1:1) {",
    "    code: 'E_X',",
    "    [cause]: TypeError: inner",
    "        at h (file:///a.js:2:2)",
    "  }",
    "}",
  ].join("\n"));
  const agg = logged(`{
    const e1 = new Error('e1');
    e1.stack = 'Error: e1\\n    at y (file:///a.js:4:4)';
    const agg = new AggregateError([e1, 'str'], 'agg');
    agg.stack = 'AggregateError: agg\\n    at x (file:///a.js:3:3)';
    console.error(agg);
  }`);
  assert.equal(agg, [
    "AggregateError: agg",
    "    at x (file:///a.js:3:3) {",
    "  [errors]: [",
    "    Error: e1",
    "        at y (file:///a.js:4:4),",
    "    'str'",
    "  ]",
    "}",
  ].join("\n"));
  assert.equal(logged("{ const e = new RangeError('r'); e.stack = undefined; console.log(e); }"),
    "RangeError: r");
  // A name set in a subclass's constructor shows in the stack, so not again as a property.
  assert.equal(logged(`{
    class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }
    const e = new MyError('m');
    e.stack = 'MyError: m\\n    at x (file:///a.js:1:1)';
    console.log(e);
  }`), "MyError: m\n    at x (file:///a.js:1:1)");
});

test("platform objects show their attributes", () => {
  assert.equal(logged("console.log(new TextEncoder())"), "TextEncoder { encoding: 'utf-8' }");
  assert.equal(logged("console.log(new AbortController())"), "AbortController {\n" +
    "  signal: AbortSignal { aborted: false, reason: undefined, onabort: null }\n}");
  assert.match(logged("console.log(new Event('x'))"),
    /^Event \{\n {2}type: 'x',\n {2}target: null,/);
  assert.match(logged("console.log(new URL('http://h/p'))"),
    /^URL \{\n {2}href: 'http:\/\/h\/p',\n {2}origin: 'http:\/\/h',/);
  assert.equal(logged("console.log(Object.create(TextEncoder.prototype))"), "TextEncoder {}");
});

test("inspecting a platform object runs no getter a script put on it", () => {
  const out = logged(`
    globalThis.calls = 0;
    const event = new Event("x");
    Object.defineProperty(event, "spy", { get() { calls++; return 1; }, enumerable: true });
    console.log(event);`);
  assert.match(out, /isTrusted: false/);
  assert.equal(rt.run("calls"), 0);
});

test("levels and streams", () => {
  rt.printed.length = 0;
  rt.run("console.debug('d'); console.info('i'); console.warn('w'); console.error('e');");
  assert.deepEqual(rt.printed.map((p) => p.level), [0, 1, 2, 3]);
});

test("group indentation applies to every line", () => {
  const out = logged("console.group('G'); console.log('a\\nb'); console.group();" +
    " console.log(1); console.groupEnd(); console.groupEnd(); console.log('c')");
  assert.equal(out, "G\n  a\n  b\n    1\nc");
});

test("count, countReset, assert, time", () => {
  assert.equal(logged("console.count(); console.count(); console.count('x')"),
    "default: 1\ndefault: 2\nx: 1");
  assert.equal(logged("console.countReset('nope')"), "Count for 'nope' does not exist");
  assert.equal(logged("console.assert(true, 'no'); console.assert(false, 'yes %d', 1)"),
    "Assertion failed: yes 1");
  assert.equal(logged("console.assert(false)"), "Assertion failed");
  assert.match(logged("console.time('t'); console.timeEnd('t')"), /^t: \d+\.\d{3}ms$/);
  assert.equal(logged("console.timeEnd('t')"), "Timer 't' does not exist");
});

test("trace prints a stack to stderr", () => {
  rt.printed.length = 0;
  rt.run("function here() { console.trace('msg', 1); } here();");
  assert.equal(rt.printed[0].level, 3);
  assert.match(rt.printed[0].text, /^Trace: msg 1\n {4}at here /);
});

test("table", () => {
  const out = logged("console.table([{ a: 1, b: 'x' }, { a: 2 }])");
  assert.equal(out, [
    "┌─────────┬───┬─────┐",
    "│ (index) │ a │ b   │",
    "├─────────┼───┼─────┤",
    "│ 0       │ 1 │ 'x' │",
    "│ 1       │ 2 │     │",
    "└─────────┴───┴─────┘",
  ].join("\n"));
  assert.equal(logged("console.table(5)"), "5");
});

test("methods work detached and console is a namespace", () => {
  assert.equal(logged("const { log } = console; log('detached')"), "detached");
  assert.equal(rt.run("Object.prototype.toString.call(console)"), "[object console]");
  const desc = rt.run("Object.getOwnPropertyDescriptor(globalThis, 'console')");
  assert.deepEqual([desc.writable, desc.enumerable, desc.configurable], [true, false, true]);
});

test("table: Map, Set, primitives and a column filter", () => {
  assert.equal(logged("console.table(new Map([['a', 1], ['b', { x: 2 }]]))"), [
    "┌───────────────────┬─────┬───┬────────┐",
    "│ (iteration index) │ Key │ x │ Values │",
    "├───────────────────┼─────┼───┼────────┤",
    "│ 0                 │ 'a' │   │ 1      │",
    "│ 1                 │ 'b' │ 2 │        │",
    "└───────────────────┴─────┴───┴────────┘",
  ].join("\n"));
  assert.equal(logged("console.table(new Set(['s']))"), [
    "┌───────────────────┬────────┐",
    "│ (iteration index) │ Values │",
    "├───────────────────┼────────┤",
    "│ 0                 │ 's'    │",
    "└───────────────────┴────────┘",
  ].join("\n"));
  assert.equal(logged("console.table([{ a: 1, b: 2 }, { a: 3, c: { d: 4 } }], ['a', 'z'])"), [
    "┌─────────┬───┬───┐",
    "│ (index) │ a │ z │",
    "├─────────┼───┼───┤",
    "│ 0       │ 1 │   │",
    "│ 1       │ 3 │   │",
    "└─────────┴───┴───┘",
  ].join("\n"));
  assert.equal(logged("console.table({ r: { c: { deep: { er: 1 } } } })"), [
    "┌─────────┬────────────────────┐",
    "│ (index) │ c                  │",
    "├─────────┼────────────────────┤",
    "│ r       │ { deep: [Object] } │",
    "└─────────┴────────────────────┘",
  ].join("\n"));
  assert.throws(() => rt.run("console.table([], 5)"), { name: "TypeError" });
});

test("labels are DOMStrings", () => {
  assert.equal(logged("console.count({ toString() { return 'obj'; } })"), "obj: 1");
  assert.throws(() => rt.run("console.count(Symbol('s'))"), { name: "TypeError" });
  assert.throws(() => rt.run("console.time({ toString() { throw new RangeError('x'); } })"),
    { name: "RangeError" });
  assert.equal(logged("console.count('r'); console.countReset('r'); console.count('r')"),
    "r: 1\nr: 1");
});

test("timeLog prints its data without formatting; duplicate timers warn", () => {
  rt.printed.length = 0;
  rt.run("console.time('w'); console.time('w'); console.timeLog('w', '%s', { a: 1 });" +
    " console.timeEnd('w'); console.timeLog('w')");
  const lines = rt.printed.map((p) => `${p.level} ${p.text}`);
  assert.equal(lines[0], "2 Timer 'w' already exists");
  assert.match(lines[1], /^1 w: \d+\.\d{3}ms %s \{ a: 1 \}$/);
  assert.match(lines[2], /^1 w: \d+\.\d{3}ms$/);
  assert.equal(lines[3], "2 Timer 'w' does not exist");
});

test("clear() empties the group stack; off a terminal it prints nothing", () => {
  assert.equal(logged("console.group('g'); console.group(); console.clear(); console.log('x')"),
    "g\nx");
});

test("trace leaves out the built-ins' frames", () => {
  const out = logged("function user() { console.trace('%d', 1); } user();");
  assert.match(out, /^Trace: 1\n {4}at user /);
  assert.ok(!out.includes("10_console.js"), out);
});

test("assert formats its message only when the condition is falsy", () => {
  assert.equal(logged("console.assert(1, 'x'); console.assert(0, { a: 1 }, 'b')"),
    "Assertion failed { a: 1 } b");
});

test("methods: own properties with WebIDL names and lengths", () => {
  const names = ["assert", "clear", "debug", "error", "info", "log", "table", "trace", "warn",
    "dir", "dirxml", "count", "countReset", "group", "groupCollapsed", "groupEnd", "time",
    "timeLog", "timeEnd"];
  for (const name of names) {
    const desc = rt.run(`Object.getOwnPropertyDescriptor(console, '${name}')`);
    assert.equal(typeof desc.value, "function", name);
    assert.deepEqual([desc.writable, desc.enumerable, desc.configurable], [true, true, true]);
    assert.equal(desc.value.name, name);
    assert.equal(desc.value.length, 0, name);
  }
  assert.equal(rt.run("console[Symbol.toStringTag]"), "console");
});

test("%c styles only a terminal", () => {
  const tty = loadRuntime({ op_console_is_terminal: () => true });
  tty.run("console.log('%cred%c plain', 'color: red; font-weight: bold', '')");
  assert.equal(tty.printed[0].text, "\x1b[0m\x1b[31;1mred\x1b[0m plain\x1b[0m");
  tty.run("console.log('%cx', 'color: #ff8000; background: blue')");
  assert.equal(tty.printed[1].text, "\x1b[0m\x1b[38;2;255;128;0;44mx\x1b[0m");
  tty.run("console.clear()");
  assert.equal(tty.printed[2].text, "\x1b[1;1H\x1b[0J");
});

test("a short string costs one op call and no inspection", () => {
  let calls = 0;
  const counted = loadRuntime({
    op_console_print() {
      calls++;
    },
    op_console_value_details() {
      throw new Error("inspected a plain string");
    },
  });
  counted.run("console.log('hello'); console.info('a'); console.error('b');");
  assert.equal(calls, 3);
});
