"use strict";
// Headers per the Fetch spec: validation, normalisation, guards, sort-and-combine iteration.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
// Each snippet runs in its own block so that its declarations do not clash.
const run = (source) => JSON.parse(JSON.stringify(rt.run(`{${source}}`)));

test("append, get combines, names are case-insensitive", () => {
  assert.deepEqual(run(`
    const h = new Headers();
    h.append("Accept", "a");
    h.append("accept", "b");
    [h.get("ACCEPT"), h.has("accept"), h.get("missing"), h.has("missing")];
  `), ["a, b", true, null, false]);
});

test("values are normalised and validated", () => {
  assert.equal(rt.run("new Headers({ a: ' \\t x y \\r\\n' }).get('a')"), "x y");
  for (const bad of ["new Headers({ 'bad name': 'x' })", "new Headers({ a: 'x\\ny' })",
    "new Headers({ a: 'x\\0' })", "new Headers({ 'é': 'x' })", "new Headers({ a: '€' })",
    "new Headers([['a']])", "new Headers('a')", "new Headers(null)",
    "new Headers().get('a b')", "new Headers().append('a')"]) {
    assert.throws(() => rt.run(bad), { name: "TypeError" }, bad);
  }
});

test("set replaces the first entry and drops the rest; delete removes all", () => {
  assert.deepEqual(run(`
    const h = new Headers([["a", "1"], ["b", "2"], ["a", "3"]]);
    h.set("A", "4");
    const afterSet = [...h];
    h.delete("b");
    [afterSet, [...h]];
  `), [[["a", "4"], ["b", "2"]], [["a", "4"]]]);
});

test("iteration sorts, combines, and keeps set-cookie apart", () => {
  assert.deepEqual(run(`
    const h = new Headers();
    h.append("Set-Cookie", "a=1");
    h.append("x-b", "2");
    h.append("set-cookie", "b=2");
    h.append("X-A", "1");
    h.append("x-b", "3");
    [[...h], [...h.keys()], [...h.values()], h.getSetCookie(), h.get("set-cookie")];
  `), [
    [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-a", "1"], ["x-b", "2, 3"]],
    ["set-cookie", "set-cookie", "x-a", "x-b"],
    ["a=1", "b=2", "1", "2, 3"],
    ["a=1", "b=2"],
    "a=1, b=2",
  ]);
});

test("forEach sees changes made during iteration", () => {
  assert.deepEqual(run(`
    const h = new Headers({ a: "1", c: "3" });
    const seen = [];
    h.forEach((value, name, self) => {
      seen.push(name + "=" + value + ":" + (self === h));
      if (name === "a") h.append("b", "2");
    });
    seen;
  `), ["a=1:true", "b=2:true", "c=3:true"]);
});

test("iterator objects", () => {
  assert.deepEqual(run(`
    const it = new Headers({ a: "1" }).entries();
    [Object.prototype.toString.call(it), typeof it[Symbol.iterator], it.next(), it.next(),
      Headers.prototype[Symbol.iterator] === Headers.prototype.entries];
  `), ["[object Headers Iterator]", "function", { value: ["a", "1"], done: false },
    { done: true }, true]);
});

test("Headers from Headers, records and iterables", () => {
  assert.deepEqual(run(`
    const a = new Headers({ x: "1" });
    const b = new Headers(a);
    const c = new Headers(new Map([["y", "2"]]));
    [[...b], [...c]];
  `), [[["x", "1"]], [["y", "2"]]]);
});

test("immutable guard: request headers of a dispatched request", () => {
  const r = loadRuntime();
  r.internals.setModuleHandler({ fetch: () => {} });
  const h = r.internals.headers.create([["a", "1"]], "immutable");
  assert.throws(() => h.set("a", "2"), { name: "TypeError", message: /immutable/ });
  assert.throws(() => h.append("b", "2"), { name: "TypeError" });
  assert.throws(() => h.delete("a"), { name: "TypeError" });
  assert.equal(h.get("a"), "1");
});

test("forbidden names are accepted (server runtime)", () => {
  assert.deepEqual(run(`
    const r = new Request("http://x/", { headers: { host: "h", cookie: "c" } });
    const s = new Response(null, { headers: { "set-cookie": "s=1" } });
    [r.headers.get("host"), r.headers.get("cookie"), s.headers.getSetCookie()];
  `), ["h", "c", ["s=1"]]);
});

test("brand checks", () => {
  assert.throws(() => rt.run("Headers.prototype.get.call({}, 'a')"),
    { name: "TypeError", message: "Illegal invocation" });
});
