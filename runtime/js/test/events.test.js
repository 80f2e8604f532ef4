"use strict";
// Event, EventTarget, AbortSignal and the global scope as an EventTarget.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

test("dispatch order: capture first, then insertion order; once; removal", () => {
  const rt = loadRuntime();
  const order = rt.run(`
    const t = new EventTarget();
    const order = [];
    t.addEventListener("x", () => order.push("bubble1"));
    t.addEventListener("x", () => order.push("capture"), { capture: true });
    t.addEventListener("x", () => order.push("once"), { once: true });
    const removed = () => order.push("removed");
    t.addEventListener("x", removed);
    t.removeEventListener("x", removed);
    const dup = () => order.push("dup");
    t.addEventListener("x", dup);
    t.addEventListener("x", dup);
    t.addEventListener("x", { handleEvent(e) { order.push("object:" + (this !== t)); } });
    t.dispatchEvent(new Event("x"));
    t.dispatchEvent(new Event("x"));
    order;
  `);
  assert.deepEqual([...order], [
    "capture", "bubble1", "once", "dup", "object:true",
    "capture", "bubble1", "dup", "object:true",
  ]);
});

test("event state during and after dispatch", () => {
  const rt = loadRuntime();
  const seen = rt.run(`
    const t = new EventTarget();
    const seen = {};
    t.addEventListener("x", function (e) {
      seen.thisIsTarget = this === t;
      seen.target = e.target === t;
      seen.current = e.currentTarget === t;
      seen.phase = e.eventPhase;
      seen.path = e.composedPath().length;
      e.preventDefault();
    });
    const e = new Event("x", { cancelable: true });
    seen.result = t.dispatchEvent(e);
    seen.after = [e.eventPhase, e.currentTarget, e.defaultPrevented, e.isTrusted];
    seen;
  `);
  assert.equal(seen.thisIsTarget, true);
  assert.equal(seen.target, true);
  assert.equal(seen.current, true);
  assert.equal(seen.phase, 2);
  assert.equal(seen.path, 1);
  assert.equal(seen.result, false);
  assert.deepEqual([...seen.after], [0, null, true, false]);
});

test("passive listeners cannot cancel; stopImmediatePropagation stops", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const t = new EventTarget();
    const out = [];
    t.addEventListener("x", (e) => { e.preventDefault(); out.push(e.defaultPrevented); },
      { passive: true });
    t.addEventListener("x", (e) => { e.stopImmediatePropagation(); out.push("stop"); });
    t.addEventListener("x", () => out.push("never"));
    out.push(t.dispatchEvent(new Event("x", { cancelable: true })));
    out;
  `);
  assert.deepEqual([...out], [false, "stop", true]);
});

test("a throwing listener is reported and the others still run", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const out = [];
    addEventListener("error", (e) => { out.push(e.message); e.preventDefault(); });
    const t = new EventTarget();
    t.addEventListener("x", () => { throw new TypeError("bad"); });
    t.addEventListener("x", () => out.push("second"));
    t.dispatchEvent(new Event("x"));
    out;
  `);
  assert.deepEqual([...out], ["Uncaught TypeError: bad", "second"]);
  assert.equal(rt.printed.length, 0);
});

test("an unhandled error is printed to stderr", () => {
  const rt = loadRuntime();
  rt.run("const t = new EventTarget(); t.addEventListener('x', () => { throw 42; });" +
    "t.dispatchEvent(new Event('x'));");
  assert.deepEqual(rt.printed, [{ level: 3, text: "Uncaught 42" }]);
});

test("signal option removes the listener on abort", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const out = [];
    const t = new EventTarget();
    const c = new AbortController();
    t.addEventListener("x", () => out.push("x"), { signal: c.signal });
    t.dispatchEvent(new Event("x"));
    c.abort();
    t.dispatchEvent(new Event("x"));
    t.addEventListener("x", () => out.push("late"), { signal: c.signal });
    t.dispatchEvent(new Event("x"));
    out.push(c.signal.aborted, c.signal.reason.name);
    out;
  `);
  assert.deepEqual([...out], ["x", true, "AbortError"]);
});

test("AbortSignal: abort event, onabort, any(), throwIfAborted", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const out = [];
    const c = new AbortController();
    c.signal.onabort = (e) => out.push("onabort:" + e.type + ":" + e.isTrusted);
    c.signal.addEventListener("abort", () => out.push("listener"));
    const any = AbortSignal.any([c.signal, new AbortController().signal]);
    any.addEventListener("abort", () => out.push("any:" + any.reason));
    c.abort("why");
    try { c.signal.throwIfAborted(); } catch (e) { out.push("thrown:" + e); }
    out.push(AbortSignal.abort().aborted);
    let illegal; try { new AbortSignal(); } catch (e) { illegal = e.message; }
    out.push(illegal);
    out;
  `);
  assert.deepEqual([...out], [
    "onabort:abort:true", "listener", "any:why", "thrown:why", true, "Illegal constructor",
  ]);
});

test("event subclasses and conversions", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const ce = new CustomEvent("c", { detail: { a: 1 } });
    const ee = new ErrorEvent("error", { message: "m", lineno: 3, error: 1 });
    const p = Promise.resolve();
    const pe = new PromiseRejectionEvent("unhandledrejection", { promise: p, reason: 2 });
    const errors = [];
    try { new Event(); } catch (e) { errors.push(e.constructor.name + ": " + e.message); }
    try { new PromiseRejectionEvent("x", {}); } catch (e) { errors.push(e.constructor.name); }
    try { Event.prototype.type; } catch (e) { errors.push(e.message); }
    try { new EventTarget().addEventListener("x", 5); } catch (e) { errors.push(e.name); }
    [ce.detail.a, ee.message, ee.lineno, ee.colno, ee.error, pe.promise === p, pe.reason,
      Object.keys(Event.prototype).includes("type"), Event.AT_TARGET,
      Object.prototype.toString.call(ce), Object.getOwnPropertyDescriptor(ce, "isTrusted").get
        === Object.getOwnPropertyDescriptor(ee, "isTrusted").get, errors];
  `);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), [
    1, "m", 3, 0, 1, true, 2, true, 2, "[object CustomEvent]", true,
    ["TypeError: Failed to construct 'Event': 1 argument required, but only 0 present.",
      "TypeError", "Illegal invocation", "TypeError"],
  ]);
});

test("the global scope is an EventTarget", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const out = [];
    addEventListener("ping", function (e) { out.push(this === globalThis, e.target === self); });
    self.addEventListener("ping", () => out.push("self"));
    onfetch = () => {};
    out.push(dispatchEvent(new Event("ping")));
    out.push(globalThis instanceof EventTarget, typeof onfetch);
    out;
  `);
  assert.deepEqual([...out], [true, true, "self", true, true, "function"]);
});

test("unhandled rejection hook", () => {
  const rt = loadRuntime();
  const p = rt.run("Promise.resolve()");
  assert.equal(rt.internals.dispatchUnhandledRejection(p, 1), false);
  rt.run("addEventListener('unhandledrejection', (e) => { e.preventDefault();" +
    " globalThis.reason = e.reason; })");
  assert.equal(rt.internals.dispatchUnhandledRejection(p, 7), true);
  assert.equal(rt.run("reason"), 7);
});

test("DOMException", () => {
  const rt = loadRuntime();
  const out = rt.run(`
    const e = new DOMException("msg", "AbortError");
    [e.name, e.message, e.code, e instanceof Error, String(e), e.stack.split("\\n")[0],
      DOMException.INVALID_STATE_ERR, new DOMException().name];
  `);
  assert.deepEqual([...out],
    ["AbortError", "msg", 20, true, "AbortError: msg", "AbortError: msg", 11, "Error"]);
});
