"use strict";
// structuredClone()'s JS side: WebIDL conversion, the transfer list's checks, and the steps
// of platform objects the serializer hands back. The serializer itself is native (V8's); a
// fake op records what it was given. End-to-end checks: tests/fixtures/structured_clone.js.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

function withFakeOp() {
  const calls = [];
  const rt = loadRuntime({
    op_structured_clone(...args) {
      calls.push(args);
      return "cloned";
    },
  });
  return { rt, calls };
}

function dataCloneError(rt, code) {
  const e = rt.run(`(() => { try { ${code}; } catch (e) { return e; } })()`);
  assert.ok(rt.internals.isDOMException(e), `${code}: threw ${e}`);
  assert.equal(e.name, "DataCloneError");
  return e.message;
}

test("a WebIDL operation: name, length, required argument, options dictionary", () => {
  const { rt, calls } = withFakeOp();
  assert.deepEqual([...rt.run("[structuredClone.name, structuredClone.length]")],
    ["structuredClone", 1]);
  assert.throws(() => rt.run("structuredClone()"), /1 argument required/);
  assert.throws(() => rt.run("structuredClone(1, 5)"), /StructuredSerializeOptions/);
  assert.throws(() => rt.run("structuredClone(1, { transfer: [1] })"), /TypeError|object/);
  assert.equal(rt.run("structuredClone(1, null)"), "cloned");
  assert.equal(calls.at(-1)[0], 1);
  assert.deepEqual([...calls.at(-1)[1]], []);
  assert.equal(calls.at(-1)[2], rt.internals.platformBrand);
});

test("the transfer list holds distinct ArrayBuffers, or nothing is cloned", () => {
  const { rt, calls } = withFakeOp();
  rt.run("globalThis.ab = new ArrayBuffer(4)");
  assert.match(dataCloneError(rt, "structuredClone(1, { transfer: [ab, ab] })"), /duplicate/);
  assert.match(dataCloneError(rt, "structuredClone(1, { transfer: [new Uint8Array(ab)] })"),
    /index 0 does not have a transferable type/);
  assert.match(dataCloneError(rt, "structuredClone(1, { transfer: [ab, {}] })"),
    /index 1 does not have a transferable type/);
  assert.equal(calls.length, 0);
  rt.run("structuredClone(ab, { transfer: new Set([ab]) })");
  assert.equal(calls[0][1][0], rt.run("ab"));
});

test("platform objects: DataCloneError unless serializable; DOMException round-trips", () => {
  const { rt, calls } = withFakeOp();
  rt.run("structuredClone(0)");
  const [, , , writeHost, readHosts] = calls[0];

  const url = rt.run("new URL('https://example.com/')");
  assert.throws(() => writeHost(url), (e) => {
    assert.equal(e.name, "DataCloneError");
    assert.equal(e.message, "URL object could not be cloned.");
    return true;
  });
  const event = rt.run("new CustomEvent('x')");
  assert.throws(() => writeHost(event), /CustomEvent object could not be cloned/);

  const original = rt.run("new DOMException('gone', 'NotFoundError')");
  const [shell, data] = writeHost(original);
  assert.notEqual(shell, original);
  readHosts([shell], [data]);
  assert.equal(shell.name, "NotFoundError");
  assert.equal(shell.message, "gone");
  assert.equal(shell.code, 8);
  assert.equal(shell.stack, original.stack);
});
