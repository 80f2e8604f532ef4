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
