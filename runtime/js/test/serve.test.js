"use strict";
// internals.dispatchFetch end to end with fake ops: service-worker style listeners, module
// style handlers, the fallback answers, and streamed responses.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime, settle } = require("./harness.js");

function serve(setup, { method = "GET", url = "http://localhost:8000/path?q=1",
  headers = ["accept", "*/*"], body = null, overrides = {} } = {}) {
  const rt = loadRuntime(overrides);
  setup(rt);
  let bodyRid = null;
  if (body !== null) {
    bodyRid = 7;
    rt.addBody(bodyRid, body);
  }
  rt.internals.dispatchFetch(1, method, url, headers, bodyRid);
  return rt;
}

test("service worker style: respondWith", async () => {
  const rt = serve((rt) => rt.run(`
    addEventListener("fetch", (event) => {
      event.respondWith(new Response(
        event.request.method + " " + event.request.url + " " +
        event.request.headers.get("accept") + " " + event.clientId + "|",
        { headers: { "x-b": "2", "set-cookie": "a=1" } }));
      event.respondWith(new Response("second"));
    });
  `));
  await settle();
  assert.deepEqual(rt.responses, [{
    rid: 1, status: 200, statusText: "",
    headers: ["x-b", "2", "set-cookie", "a=1", "content-type", "text/plain;charset=UTF-8"],
    body: "GET http://localhost:8000/path?q=1 */* |",
  }]);
  // The second respondWith() threw InvalidStateError, reported as an uncaught exception.
  assert.match(rt.printed[0].text, /^Uncaught InvalidStateError: .*already been responded/);
});

let rtRef;

test("respondWith with a promise; later listeners do not run", async () => {
  const rt = serve((rt) => (rtRef = rt).run(`
    globalThis.ran = [];
    addEventListener("fetch", (e) => {
      ran.push(1);
      e.respondWith(new Promise((resolve) => setTimeout(() => resolve(new Response("late")))));
    });
    addEventListener("fetch", () => ran.push(2));
  `), { overrides: { op_timer_start: (id) => setImmediate(() => rtRef.internals.fireTimer(id)) } });
  await settle();
  assert.deepEqual([...rt.run("ran")], [1]);
  assert.equal(rt.responses[0].body, "late");
});

test("module style: default export fetch(request, env, ctx)", async () => {
  const rt = serve((rt) => {
    rt.internals.setModuleHandler(rt.run(`({
      async fetch(request, env, ctx) {
        ctx.waitUntil(Promise.resolve());
        ctx.passThroughOnException();
        return Response.json({ frozen: Object.isFrozen(env), body: await request.text() });
      },
    })`));
    // A listener is ignored when a module handler exists.
    rt.run("addEventListener('fetch', (e) => e.respondWith(new Response('listener')))");
  }, { method: "POST", body: ["he", "llo"] });
  await settle();
  assert.equal(rt.responses.length, 1);
  assert.equal(rt.responses[0].body, '{"frozen":true,"body":"hello"}');
  assert.deepEqual(rt.responses[0].headers, ["content-type", "application/json"]);
});

test("setModuleHandler validates its argument", () => {
  const rt = loadRuntime();
  assert.throws(() => rt.internals.setModuleHandler({}),
    { message: "default export must be an object with a fetch() method" });
  assert.throws(() => rt.internals.setModuleHandler(undefined), { name: "TypeError" });
});

test("no handler: 503", async () => {
  const rt = serve(() => {});
  await settle();
  assert.deepEqual(rt.responses, [{
    rid: 1, status: 503, statusText: "Service Unavailable",
    headers: ["content-type", "text/plain;charset=UTF-8"], body: "no fetch handler registered",
  }]);
});

test("listeners without respondWith: 404 and a debug log", async () => {
  const rt = serve((rt) => rt.run(`addEventListener("fetch", () => {});`));
  await settle();
  assert.equal(rt.responses[0].status, 404);
  assert.equal(rt.responses[0].body, null);
  assert.ok(rt.logs.some((l) => l.level === "debug" && /respondWith/.test(l.message)));
});

test("a listener that throws before respondWith: reported, later listeners run, 500", async () => {
  const rt = serve((rt) => rt.run(`
    addEventListener("fetch", () => { throw new Error("listener failed"); });
    addEventListener("fetch", () => { globalThis.second = true; });
  `));
  await settle();
  assert.equal(rt.run("second"), true);
  assert.equal(rt.responses[0].status, 500);
  assert.match(rt.printed[0].text, /^Uncaught Error: listener failed/);
  assert.ok(rt.logs.some((l) => l.level === "error" && /threw before/.test(l.message)));
});

test("rejected respondWith promise or non-Response: 500 with a log line", async () => {
  const rejected = serve((rt) => rt.run(
    "addEventListener('fetch', (e) => e.respondWith(Promise.reject(new Error('nope'))))"));
  const wrong = serve((rt) => rt.run(
    "addEventListener('fetch', (e) => e.respondWith({ status: 200 }))"));
  await settle();
  assert.equal(rejected.responses[0].status, 500);
  assert.match(rejected.logs.find((l) => l.level === "error").message, /rejected.*Error: nope/s);
  assert.equal(wrong.responses[0].status, 500);
  assert.match(wrong.logs.find((l) => l.level === "error").message,
    /respondWith\(\) was given a non-Response: \{ status: 200 \}/);
});

test("module handler that throws or rejects: 500", async () => {
  const thrown = serve((rt) => rt.internals.setModuleHandler(
    rt.run("({ fetch() { throw new Error('sync'); } })")));
  const rejected = serve((rt) => rt.internals.setModuleHandler(
    rt.run("({ async fetch() { throw new Error('async'); } })")));
  await settle();
  for (const rt of [thrown, rejected]) {
    assert.equal(rt.responses.length, 1);
    assert.equal(rt.responses[0].status, 500);
    assert.equal(rt.logs.filter((l) => l.level === "error").length, 1);
  }
});

test("streamed response: writes each chunk, then closes", async () => {
  const rt = serve((rt) => rt.run(`
    addEventListener("fetch", (e) => {
      let n = 0;
      e.respondWith(new Response(new ReadableStream({
        pull(c) {
          n++;
          if (n <= 3) c.enqueue(new TextEncoder().encode("chunk" + n));
          else c.close();
        },
      }), { status: 206, headers: { "content-type": "text/plain" } }));
    });
  `));
  await settle();
  const [response] = rt.responses;
  assert.equal(response.stream, true);
  assert.equal(response.status, 206);
  assert.deepEqual(response.headers, ["content-type", "text/plain"]);
  assert.deepEqual(response.chunks, ["chunk1", "chunk2", "chunk3"]);
  assert.equal(response.closed, true);
  assert.equal(response.aborted, null);
});

test("streamed response that errors is aborted", async () => {
  const rt = serve((rt) => rt.run(`
    addEventListener("fetch", (e) => {
      e.respondWith(new Response(new ReadableStream({
        start(c) { c.enqueue(new Uint8Array([104])); },
        pull(c) { c.error(new Error("midway")); },
      })));
    });
  `));
  await settle();
  const [response] = rt.responses;
  assert.deepEqual(response.chunks, ["h"]);
  assert.equal(response.closed, false);
  assert.equal(typeof response.aborted, "string");
  assert.ok(rt.logs.some((l) => l.level === "error" && /midway/.test(l.message)));
});

test("client gone: the body stream is cancelled", async () => {
  const rt = loadRuntime();
  rt.run(`
    globalThis.cancelled = null;
    addEventListener("fetch", (e) => {
      e.respondWith(new Response(new ReadableStream({
        pull(c) { c.enqueue(new Uint8Array([1])); },
        cancel(reason) { cancelled = reason.message; },
      })));
    });
  `);
  const realStart = rt.ops.op_respond_stream;
  rt.ops.op_respond_stream = (...args) => {
    const sink = realStart(...args);
    rt.sinks.get(sink).failWrites = true;
    return sink;
  };
  rt.internals.dispatchFetch(1, "GET", "http://x/", [], null);
  await settle();
  assert.equal(rt.run("cancelled"), "client disconnected");
  assert.equal(rt.responses[0].closed, false);
});

test("request body: streamed from op_body_read, discarded on cancel", async () => {
  const rt = serve((rt) => rt.run(`
    addEventListener("fetch", (e) => e.respondWith((async () => {
      const chunks = [];
      for await (const chunk of e.request.body) chunks.push(new TextDecoder().decode(chunk));
      return new Response(chunks.join("|"));
    })()));
  `), { method: "POST", body: ["a", "b", "c"] });
  await settle();
  assert.equal(rt.responses[0].body, "a|b|c");

  const rt2 = loadRuntime();
  const source = rt2.addBody(9, ["x", "y"]);
  rt2.run(`addEventListener("fetch", (e) => e.respondWith((async () => {
    await e.request.body.cancel();
    return new Response("ok");
  })()));`);
  rt2.internals.dispatchFetch(2, "POST", "http://x/", [], 9);
  await settle();
  assert.equal(source.discarded, true);
  assert.equal(rt2.responses[0].body, "ok");
});

test("request headers are immutable; waitUntil works only during dispatch", async () => {
  const rt = serve((rt) => rt.run(`
    globalThis.out = [];
    addEventListener("fetch", (e) => {
      try { e.request.headers.set("a", "b"); } catch (err) { out.push(err.name); }
      e.waitUntil(Promise.resolve());
      e.respondWith(new Response(""));
      setTimeout(() => {});
      Promise.resolve().then(() => Promise.resolve()).then(() => Promise.resolve()).then(() => {
        try { e.waitUntil(Promise.resolve()); } catch (err) { out.push(err.name); }
      });
    });
    try { new FetchEvent("fetch", { request: new Request("http://x/") }).waitUntil(1); }
    catch (err) { out.push("untrusted:" + err.name); }
  `));
  await settle();
  assert.deepEqual([...rt.run("out")], ["untrusted:InvalidStateError", "TypeError",
    "InvalidStateError"]);
});

test("dispatchFetch never throws, even with a broken op", async () => {
  const rt = loadRuntime({
    op_respond() {
      throw new Error("rid gone");
    },
  });
  rt.internals.dispatchFetch(1, "GET", "http://x/", [], null);
  await settle();
  assert.ok(rt.logs.some((l) => l.level === "error" && /rid gone/.test(l.message)));
});

test("the seed's warm-up runs no script code and sends nothing", async () => {
  const rt = loadRuntime();
  // Without a record of the intrinsics (made before any script runs) nothing is warmed up.
  assert.match(rt.internals.warmUpRequestPath(), /no record/);
  rt.internals.recordIntrinsics();
  rt.run(`
    globalThis.calls = [];
    addEventListener("fetch", () => calls.push("listener"));
    self.onfetch = () => calls.push("onfetch");
    // Getters a member read would call.
    for (const [name, member] of [["Request", "url"], ["Request", "headers"],
      ["FetchEvent", "request"], ["Headers", "get"]]) {
      Object.defineProperty(globalThis[name].prototype, member, {
        get() { calls.push(name + "." + member); },
        configurable: true,
      });
    }
  `);
  assert.equal(rt.internals.warmUpRequestPath(), null);
  await settle();
  assert.deepEqual([...rt.run("calls")], []);
  assert.deepEqual(rt.responses, []);
  assert.deepEqual(rt.printed, []);
  // A real request afterwards still reaches the script.
  rt.internals.dispatchFetch(1, "GET", "http://localhost/", [], null);
  await settle();
  assert.deepEqual([...rt.run("calls")], ["listener", "onfetch"]);
});

test("the warm-up does nothing once the script changed an intrinsic it goes through", () => {
  const patches = [
    // A dictionary member the conversion would look up on the prototype chain.
    `Object.defineProperty(Object.prototype, "bubbles", {
       get() { calls.push("Object.prototype.bubbles"); return false; }, configurable: true });`,
    `const next = Object.getPrototypeOf([][Symbol.iterator]()).next;
     Object.getPrototypeOf([][Symbol.iterator]()).next = function () {
       calls.push("array iterator"); return next.call(this); };`,
    `Object.defineProperty(Promise.prototype, "constructor", {
       get() { calls.push("Promise.prototype.constructor"); return Promise; },
       configurable: true });`,
    // (The setter counts elsewhere: pushing onto \`calls\` would call it again.)
    `Object.defineProperty(Object.prototype, "0", {
       set(v) { globalThis.indexSetter = (globalThis.indexSetter ?? 0) + 1;
         Object.defineProperty(this, "0", { value: v, writable: true, configurable: true }); },
       configurable: true });`,
    `const exec = RegExp.prototype.exec;
     RegExp.prototype.exec = function (s) {
       calls.push("RegExp exec");
       return exec.call(this, s);
     };`,
  ];
  for (const patch of patches) {
    const rt = loadRuntime();
    rt.internals.recordIntrinsics();
    rt.run(`globalThis.calls = Object.defineProperty([], "0", { value: "start",
      writable: true, configurable: true }); ${patch}`);
    assert.notEqual(rt.internals.intrinsicsChange(), null, patch);
    assert.equal(rt.internals.warmUpRequestPath(), rt.internals.intrinsicsChange(), patch);
    // Read as JSON: spreading the array would go through the patched iterator.
    assert.equal(rt.run("JSON.stringify(calls)"), '["start"]', patch);
    assert.equal(rt.run("globalThis.indexSetter"), undefined, patch);
  }
  // Adding a global or a method of one's own elsewhere changes nothing the warm-up reads.
  const rt = loadRuntime();
  rt.internals.recordIntrinsics();
  rt.run("globalThis.myHelper = () => {}; Date.prototype.myFormat = () => '';");
  assert.equal(rt.internals.intrinsicsChange(), null);
});
