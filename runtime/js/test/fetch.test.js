"use strict";
// Request, Response and the body mixin.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const run = async (source) => JSON.parse(JSON.stringify(await rt.run(source)));

test("Request basics", async () => {
  assert.deepEqual(await run(`(async () => {
    const r = new Request("HTTPS://Example.COM?q=1", {
      method: "post", headers: { "X-A": "1" }, body: "hi",
    });
    return [r.url, r.method, r.headers.get("x-a"), r.headers.get("content-type"),
      r.bodyUsed, await r.text(), r.bodyUsed, r.redirect, r.signal.aborted];
  })()`), ["https://example.com/?q=1", "POST", "1", "text/plain;charset=UTF-8", false, "hi",
    true, "follow", false]);
});

test("Request errors", () => {
  const cases = [
    ["new Request('/relative')", "TypeError"],
    ["new Request('http://u:p@host/')", "TypeError"],
    ["new Request('http://x/', { method: 'CONNECT' })", "TypeError"],
    ["new Request('http://x/', { method: 'bad method' })", "TypeError"],
    ["new Request('http://x/', { body: 'x' })", "TypeError"],
    ["new Request('http://x/', { method: 'HEAD', body: 'x' })", "TypeError"],
    ["new Request('http://x/', { redirect: 'nope' })", "TypeError"],
    ["new Request()", "TypeError"],
  ];
  for (const [source, name] of cases) assert.throws(() => rt.run(source), { name }, source);
  assert.equal(rt.run("new Request('http://x/', { method: 'patch' }).method"), "patch");
  assert.equal(rt.run("new Request('http://x/', { method: 'delete' }).method"), "DELETE");
});

test("Request from Request takes over the body", async () => {
  assert.deepEqual(await run(`(async () => {
    const a = new Request("http://x/", { method: "PUT", body: "data" });
    const b = new Request(a, { headers: { y: "2" } });
    const c = b.clone();
    return [a.bodyUsed, b.method, b.headers.get("content-type"), await b.text(),
      await c.text()];
  })()`), [true, "PUT", null, "data", "data"]);
});

test("Response basics", async () => {
  assert.deepEqual(await run(`(async () => {
    const r = new Response("body", { status: 201, statusText: "Made", headers: { a: "1" } });
    return [r.status, r.ok, r.statusText, r.type, r.url, r.redirected, r.headers.get("a"),
      r.headers.get("content-type"), await r.text(), r.bodyUsed];
  })()`), [201, true, "Made", "default", "", false, "1", "text/plain;charset=UTF-8", "body",
    true]);
});

test("Response errors and statics", async () => {
  assert.throws(() => rt.run("new Response('', { status: 600 })"), { name: "RangeError" });
  assert.throws(() => rt.run("new Response('', { status: 199 })"),
    { name: "RangeError", message: /outside the range \[200, 599\]/ });
  assert.throws(() => rt.run("new Response('x', { status: 204 })"), { name: "TypeError" });
  assert.throws(() => rt.run("new Response('', { statusText: 'a\\nb' })"), { name: "TypeError" });
  assert.throws(() => rt.run("Response.redirect('http://x/', 200)"), { name: "RangeError" });
  assert.throws(() => rt.run("Response.json(undefined)"), { name: "TypeError" });
  assert.deepEqual(await run(`(async () => {
    const e = Response.error();
    const r = Response.redirect("http://x", 301);
    const j = Response.json({ a: 1 }, { status: 202 });
    let immutable;
    try { r.headers.set("a", "b"); } catch (err) { immutable = err.name; }
    return [e.type, e.status, r.status, r.headers.get("location"), immutable,
      j.status, j.headers.get("content-type"), await j.json(), new Response(null).body];
  })()`), ["error", 0, 301, "http://x/", "TypeError", 202, "application/json", { a: 1 }, null]);
});

test("bodies: bytes, arrayBuffer, streams, used bodies, clone", async () => {
  assert.deepEqual(await run(`(async () => {
    const out = [];
    const bytes = new Uint8Array([104, 105]);
    const r1 = new Response(bytes);
    bytes[0] = 0;
    out.push(await r1.text());
    const ab = await new Response("abc").arrayBuffer();
    out.push(ab.byteLength, Object.prototype.toString.call(ab));
    const u8 = await new Response(new Uint8Array([1, 2]).buffer).bytes();
    out.push([...u8]);
    const stream = new ReadableStream({
      start(c) {
        const enc = new TextEncoder();
        c.enqueue(enc.encode("s1"));
        c.enqueue(enc.encode("s2"));
        c.close();
      },
    });
    const r2 = new Response(stream);
    const r3 = r2.clone();
    out.push(await r2.text(), await r3.text());
    try { await r2.text(); } catch (e) { out.push(e.name); }
    try { r2.clone(); } catch (e) { out.push(e.name); }
    const r4 = new Response("lazy");
    const reader = r4.body.getReader();
    out.push(new TextDecoder().decode((await reader.read()).value), r4.bodyUsed);
    const bad = new Response(new ReadableStream({ start(c) { c.enqueue("str"); c.close(); } }));
    try { await bad.text(); } catch (e) { out.push(e.name); }
    try { new Response(stream); } catch (e) { out.push("locked:" + e.name); }
    return out;
  })()`), ["hi", 3, "[object ArrayBuffer]", [1, 2], "s1s2", "s1s2", "TypeError", "TypeError",
    "lazy", true, "TypeError", "locked:TypeError"]);
});

test("objects that are not BodyInit are stringified", async () => {
  assert.equal(await rt.run("new Response({}).text()"), "[object Object]");
});
