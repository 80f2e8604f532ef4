"use strict";
// TextEncoder and TextDecoder over the encoding ops (faked with node's codecs).
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

test("labels name every encoding, lowercase; replacement and unknown labels throw", () => {
  assert.equal(rt.run("new TextDecoder('latin1').encoding"), "windows-1252");
  assert.equal(rt.run("new TextDecoder(' Shift_JIS\\n').encoding"), "shift_jis");
  assert.equal(rt.run("new TextDecoder('utf-16').encoding"), "utf-16le");
  assert.throws(() => rt.run("new TextDecoder('replacement')"), { name: "RangeError" });
  assert.throws(() => rt.run("new TextDecoder('iso-2022-kr')"), { name: "RangeError" });
  assert.equal(rt.run(
    "new TextDecoder('shift_jis').decode(new Uint8Array([0x82, 0xa0, 0x41]))"), "あA");
});

test("a stream keeps one native decoder from its first chunk to its flush", () => {
  const calls = [];
  const local = loadRuntime({
    op_encoding_decode_stream(id, encoding, bytes, flags) {
      calls.push([id, flags]);
      return "";
    },
    op_encoding_decode() {
      calls.push("whole");
      return "";
    },
  });
  local.run(`{
    const d = new TextDecoder("utf-16be", { fatal: true });
    d.decode(new Uint8Array([0]), { stream: true });
    d.decode(new Uint8Array([0]), { stream: true });
    d.decode();
    d.decode(new Uint8Array([0]));
    new TextDecoder().decode(new Uint8Array([0]), { stream: true });
  }`);
  // fatal 1, continue 4, stream 8; the id is kept for the decoder's life.
  assert.deepEqual(calls, [[1, 9], [1, 13], [1, 5], "whole", [2, 8]]);
});

test("a fatal error mid-stream still leaves the stream in progress", () => {
  assert.equal(rt.run(`{
    const d = new TextDecoder("utf-8", { fatal: true });
    let threw = false;
    try { d.decode(new Uint8Array([0xff]), { stream: true }); } catch { threw = true; }
    threw + d.decode(new Uint8Array([0x61]));
  }`), "truea");
  assert.equal(rt.decoders.size, 0);
});

test("inputs: SharedArrayBuffer, views of it, detached buffers, and wrong types", () => {
  assert.equal(rt.run(`{
    const sab = new SharedArrayBuffer(2);
    new Uint8Array(sab).set([0x68, 0x69]);
    const d = new TextDecoder();
    d.decode(sab) + d.decode(new DataView(sab, 1));
  }`), "hii");
  const decodeBoth = rt.run(`(buffer, view) =>
    new TextDecoder().decode(view) + new TextDecoder().decode(buffer)`);
  const buffer = rt.run("new Uint8Array([0x61]).buffer");
  const view = new rt.U8(buffer);
  assert.equal(decodeBoth(buffer, view), "aa");
  structuredClone(buffer, { transfer: [buffer] });
  assert.equal(decodeBoth(buffer, view), "");
  assert.throws(() => rt.run("new TextDecoder().decode(null)"), { name: "TypeError" });
  assert.throws(() => rt.run("new TextDecoder().decode([0x61])"), { name: "TypeError" });
});

test("encodeInto counts code units read and bytes written", () => {
  assert.deepEqual(run(`
    const dest = new Uint8Array(new SharedArrayBuffer(4));
    const r = new TextEncoder().encodeInto("\\ud800a😀", dest);
    [r, [...dest]];
  `), [{ read: 2, written: 4 }, [0xef, 0xbf, 0xbd, 0x61]]);
  assert.throws(() => rt.run("new TextEncoder().encodeInto('a', new Uint16Array(1))"),
    { name: "TypeError" });
  assert.throws(() => rt.run("new TextEncoder().encodeInto('a')"), { name: "TypeError" });
});

test("interface shape: lengths, brand checks, toStringTag", () => {
  assert.deepEqual(run(`[
    TextDecoder.length, TextDecoder.prototype.decode.length, TextEncoder.length,
    TextEncoder.prototype.encode.length, TextEncoder.prototype.encodeInto.length,
    Object.prototype.toString.call(new TextDecoder()),
    Object.prototype.toString.call(new TextEncoder()),
  ]`), [0, 0, 0, 0, 2, "[object TextDecoder]", "[object TextEncoder]"]);
  assert.throws(() => rt.run(
    "Object.getOwnPropertyDescriptor(TextDecoder.prototype, 'encoding').get.call({})"),
  { name: "TypeError" });
  assert.throws(() => rt.run("TextDecoder.prototype.decode.call(new TextEncoder())"),
    { name: "TypeError" });
  assert.throws(() => rt.run("TextEncoder.prototype.encode.call(new TextDecoder())"),
    { name: "TypeError" });
});
