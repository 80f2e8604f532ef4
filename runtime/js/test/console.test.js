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
  ["console.log(new ArrayBuffer(4))", "ArrayBuffer { byteLength: 4 }"],
  ["console.log(new Number(3), new String('ab'), new Boolean(false))",
    "[Number: 3] [String: 'ab'] [Boolean: false]"],
  ["console.log({ get x() { return 1; }, set y(v) {} })", "{ x: [Getter], y: [Setter] }"],
  ["console.log({ [Symbol('k')]: 1 })", "{ [Symbol(k)]: 1 }"],
  ["console.log({ e: new Error('x') }.e.message)", "x"],
  ["{ const e = new Error('boom'); e.stack = 'Error: boom\\n    at f (a.js:1:1)';" +
    " console.log(e); }", "Error: boom\n    at f (a.js:1:1)"],
  ["console.log(new WeakMap())", "WeakMap { <items unknown> }"],
  ["console.log('%s is %d years and %i days, %f', 'Al', 42.5, 3.9, '1.5')",
    "Al is 42.5 years and 3 days, 1.5"],
  ["console.log('%o and %O', { a: 1 }, [1])", "{ a: 1 } and [ 1 ]"],
  ["console.log('%cstyled%% text', 'color: red')", "styled% text"],
  ["console.log('%s', 5n, 'rest', 1)", "5n rest 1"],
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

test("promises", () => {
  // Node's async_hooks add symbol keys to promises, so only the head is compared here.
  assert.match(logged("console.log(new Promise(() => {}))"), /^Promise \{\s+<unknown>/);
});

test("long arrays are cut after 100 items", () => {
  const out = logged("console.log(Array.from({ length: 120 }, (_, i) => i))");
  assert.match(out, /^\[\n {2}0, {2}1, {2}2,/);
  assert.match(out, /\n {2}\.\.\. 20 more items\n\]$/);
  assert.ok(!out.includes(" 100"));
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
