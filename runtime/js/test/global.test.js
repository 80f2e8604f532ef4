"use strict";
// The global scope: property attributes of interfaces, namespaces and operations, `self`,
// and that nothing internal leaks.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const desc = (name) => {
  const d = rt.run(`Object.getOwnPropertyDescriptor(globalThis, ${JSON.stringify(name)})`);
  return [d.writable, d.enumerable, d.configurable];
};

test("interfaces and namespaces: writable, configurable, not enumerable", () => {
  for (const name of ["Event", "EventTarget", "Headers", "Request", "Response",
    "ReadableStream", "TextEncoder", "DOMException", "FetchEvent", "AbortController",
    "console"]) {
    assert.deepEqual(desc(name), [true, false, true], name);
  }
});

test("operations are enumerable, as WebIDL puts them on a [Global] object", () => {
  for (const name of ["setTimeout", "clearTimeout", "setInterval", "clearInterval",
    "queueMicrotask", "reportError", "structuredClone"]) {
    assert.deepEqual(desc(name), [true, true, true], name);
  }
});

test("self is a replaceable accessor", () => {
  const r = loadRuntime();
  assert.equal(r.run("self === globalThis"), true);
  r.run("self = 5");
  assert.equal(r.run("self"), 5);
});

test("prototypes look like WebIDL interfaces", () => {
  const out = rt.run(`[
    Object.getOwnPropertyDescriptor(Headers.prototype, "append").enumerable,
    Object.getOwnPropertyDescriptor(Response.prototype, "status").enumerable,
    Object.getOwnPropertyDescriptor(Response.prototype, "text").enumerable,
    Object.prototype.toString.call(new Response()),
    Object.getPrototypeOf(FetchEvent.prototype) === ExtendableEvent.prototype,
    typeof globalThis.ops, typeof globalThis.internals,
  ]`);
  assert.deepEqual([...out], [true, true, true, "[object Response]", true,
    "undefined", "undefined"]);
});

test("every built-in file evaluates to an (ops, internals) function", () => {
  // loadRuntime() throws otherwise; this names the contract in the test list.
  assert.equal(typeof rt.internals.dispatchFetch, "function");
  for (const hook of ["fireTimer", "dispatchUnhandledRejection", "dispatchRejectionHandled",
    "setModuleHandler", "reportException", "inspect"]) {
    assert.equal(typeof rt.internals[hook], "function", hook);
  }
});

test("members of the global check their receiver, and accept undefined", () => {
  const r = loadRuntime();
  const out = r.run(`
    const other = Object.create(globalThis);
    const throwsTypeError = (f) => {
      try { f(); return false; } catch (e) { return e instanceof TypeError; }
    };
    [
      throwsTypeError(() => other.setTimeout(() => {}, 1)),
      throwsTypeError(() => Object.getOwnPropertyDescriptor(globalThis, "self").get.call({})),
      throwsTypeError(
        () => Object.getOwnPropertyDescriptor(globalThis, "onerror").set.call({}, null)),
      Object.getOwnPropertyDescriptor(globalThis, "self").get.call(undefined) === globalThis,
      btoa.call(null, "a"),
      setTimeout.name, setTimeout.length, "prototype" in setTimeout,
    ]`);
  assert.deepEqual([...out], [true, true, true, true, "YQ==", "setTimeout", 1, false]);
});

test("onerror gets (message, filename, lineno, colno, error) and true cancels", () => {
  const r = loadRuntime();
  const out = r.run(`
    let args;
    self.onerror = function (...a) { args = a; return true; };
    const error = new TypeError("boom");
    const event = new ErrorEvent("error", {
      message: "m", filename: "f.js", lineno: 3, colno: 4, error, cancelable: true });
    const notCanceled = dispatchEvent(event);
    [args.length, args[0], args[1], args[2], args[3], args[4] === error, notCanceled]`);
  assert.deepEqual([...out], [5, "m", "f.js", 3, 4, true, false]);
});

test("service-worker members answer as a server's only, always-active worker", async () => {
  const r = loadRuntime();
  const out = await r.run(`(async () => [
    await skipWaiting(),
    await clients.claim(),
    (await clients.matchAll()).length,
    Object.isFrozen(await clients.matchAll()),
    await clients.get("x"),
    await clients.openWindow("/").catch((e) => e.name),
    registration.scope,
    registration.active === serviceWorker,
    serviceWorker.state,
    await registration.unregister(),
    clients === clients && registration === registration,
  ])()`);
  assert.deepEqual([...out], [undefined, undefined, 0, true, undefined,
    "InvalidAccessError", "null", true, "activated", false, true]);
});

test("the corrected WebAssembly.Global value setter: name, length, required argument", () => {
  const r = loadRuntime();
  const source = `(() => {
    const global = new WebAssembly.Global({ value: "i32", mutable: true }, 7);
    const { set } = Object.getOwnPropertyDescriptor(WebAssembly.Global.prototype, "value");
    let threw = null;
    try { set.call(global); } catch (e) { threw = e.constructor.name; }
    set.call(global, 9, "stray");
    return [threw, global.value, set.name, set.length];
  })()`;
  r.internals.correctWebAssembly();
  assert.deepEqual([...r.run(source)], ["TypeError", 9, "set value", 1]);
});
