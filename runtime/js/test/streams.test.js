"use strict";
// ReadableStream: underlying source, controller, reader, async iteration, tee.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime, settle } = require("./harness.js");

test("start enqueues, reader reads, close ends", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const s = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
    const r = s.getReader();
    const out = [s.locked];
    out.push(await r.read(), await r.read(), await r.read(), await r.read());
    await r.closed;
    r.releaseLock();
    out.push(s.locked);
    return out;
  })()`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), [true,
    { value: "a", done: false }, { value: "b", done: false }, { done: true }, { done: true },
    false]);
});

test("pull is called on demand up to the high-water mark", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const log = [];
    let n = 0;
    const s = new ReadableStream({
      pull(c) {
        log.push("pull:" + c.desiredSize);
        n++;
        if (n <= 3) c.enqueue(n); else c.close();
      },
    });
    await null; await null; await null;
    log.push("before read");
    const values = [];
    for await (const v of s) values.push(v);
    return { log, values };
  })()`);
  assert.deepEqual([...out.values], [1, 2, 3]);
  // The default high-water mark of 1 pulls one chunk ahead before anyone reads.
  assert.deepEqual([...out.log.slice(0, 2)], ["pull:1", "before read"]);
});

test("desiredSize, error, and errors reaching the reader", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    let ctrl;
    const s = new ReadableStream({ start(c) { ctrl = c; } }, { highWaterMark: 2 });
    const sizes = [ctrl.desiredSize];
    ctrl.enqueue(1);
    sizes.push(ctrl.desiredSize);
    ctrl.error(new TypeError("boom"));
    sizes.push(ctrl.desiredSize);
    const r = s.getReader();
    let message;
    try { await r.read(); } catch (e) { message = e.message; }
    let closed;
    try { await r.closed; } catch (e) { closed = e.message; }
    let enqueue;
    try { ctrl.enqueue(2); } catch (e) { enqueue = e.name; }
    return [sizes, message, closed, enqueue];
  })()`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), [[2, 1, null], "boom", "boom", "TypeError"]);
});

test("cancel reaches the source; locked streams cannot be cancelled", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const log = [];
    const s = new ReadableStream({ cancel(reason) { log.push("cancel:" + reason); } });
    const r = s.getReader();
    let locked;
    try { await s.cancel(); } catch (e) { locked = e.name; }
    let second;
    try { s.getReader(); } catch (e) { second = e.name; }
    await r.cancel("why");
    log.push(JSON.stringify(await r.read()));
    return [locked, second, log];
  })()`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)),
    ["TypeError", "TypeError", ["cancel:why", '{"done":true}']]);
});

test("breaking out of for await cancels the stream unless preventCancel", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const log = [];
    const make = () => new ReadableStream({
      pull(c) { c.enqueue(1); },
      cancel() { log.push("cancel"); },
    });
    const a = make();
    for await (const v of a) break;
    const b = make();
    for await (const v of b.values({ preventCancel: true })) break;
    return [log, a.locked, b.locked];
  })()`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), [["cancel"], false, false]);
});

test("releaseLock rejects pending reads", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const r = new ReadableStream().getReader();
    const pending = r.read();
    r.releaseLock();
    try { await pending; } catch (e) { return e.name; }
  })()`);
  assert.equal(out, "TypeError");
});

test("tee gives both branches every chunk", async () => {
  const rt = loadRuntime();
  const out = await rt.run(`(async () => {
    const s = new ReadableStream({ start(c) { c.enqueue("x"); c.enqueue("y"); c.close(); } });
    const [a, b] = s.tee();
    const all = async (st) => { const o = []; for await (const v of st) o.push(v); return o; };
    return [await all(a), await all(b)];
  })()`);
  assert.deepEqual(JSON.parse(JSON.stringify(out)), [["x", "y"], ["x", "y"]]);
});

test("strategy validation and unsupported features", () => {
  const rt = loadRuntime();
  assert.throws(() => rt.run("new ReadableStream({}, { highWaterMark: -1 })"),
    { name: "RangeError" });
  assert.throws(() => rt.run("new ReadableStream({ type: 'bytes' })"), { name: "RangeError" });
  assert.throws(() => rt.run("new ReadableStream({ type: 'other' })"), { name: "TypeError" });
  assert.throws(() => rt.run("new ReadableStream().getReader({ mode: 'byob' })"),
    { name: "TypeError" });
  assert.throws(() => rt.run("new ReadableStreamDefaultController()"), { name: "TypeError" });
});

test("an exception in start errors the stream; a size function is used", async () => {
  const rt = loadRuntime();
  assert.throws(() => rt.run("new ReadableStream({ start() { throw new Error('s'); } })"),
    { message: "s" });
  const size = rt.run(`
    let c;
    new ReadableStream({ start(x) { c = x; } }, { highWaterMark: 10, size: (ch) => ch.length });
    c.enqueue("abcd");
    c.desiredSize;
  `);
  assert.equal(size, 6);
  await settle();
});
