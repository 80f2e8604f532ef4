"use strict";
// TextEncoder and TextDecoder over the UTF-8 ops.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const run = (source) => JSON.parse(JSON.stringify(rt.run(`{${source}}`)));

test("encode and encodeInto", () => {
  assert.deepEqual(run("[...new TextEncoder().encode('h€\\ud800')]"),
    [0x68, 0xe2, 0x82, 0xac, 0xef, 0xbf, 0xbd]);
  assert.deepEqual(run(`
    const dest = new Uint8Array(5);
    const r = new TextEncoder().encodeInto("a€😀", dest);
    [r, [...dest]];
  `), [{ read: 2, written: 4 }, [0x61, 0xe2, 0x82, 0xac, 0]]);
  assert.equal(rt.run("new TextEncoder().encoding"), "utf-8");
});

test("decode, BOM handling, fatal, labels", () => {
  assert.equal(rt.run("new TextDecoder().decode(new Uint8Array([0xef,0xbb,0xbf,0x61]))"), "a");
  assert.equal(rt.run(
    "new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef,0xbb,0xbf]))"),
  "\ufeff");
  assert.equal(rt.run("new TextDecoder(' UTF8 ').encoding"), "utf-8");
  assert.equal(rt.run("new TextDecoder().decode(new Uint8Array([0xff]))"), "\ufffd");
  assert.throws(() => rt.run("new TextDecoder('utf-8', { fatal: true })" +
    ".decode(new Uint8Array([0xff]))"), { name: "TypeError" });
  assert.throws(() => rt.run("new TextDecoder('nope')"), { name: "RangeError" });
  assert.equal(rt.run("new TextDecoder().decode(new Uint16Array([0x6968]).buffer)"), "hi");
  assert.equal(rt.run("new TextDecoder().decode()"), "");
});

test("streaming decode keeps split sequences", () => {
  assert.equal(rt.run(`{
    const d = new TextDecoder();
    const bytes = new TextEncoder().encode("\\ufeffa€😀b");
    let out = "";
    for (const b of bytes) out += d.decode(new Uint8Array([b]), { stream: true });
    out + d.decode();
  }`), "a€😀b");
});
