"use strict";
// Timers against a fake clock: op_timer_start records (id, delay) and the test plays the
// runtime, firing due timers in order with a microtask checkpoint after each.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime, settle } = require("./harness.js");

// A fake event loop: timers fire in order of due time, then of arming.
function fakeClock(overrides = {}) {
  let now = 0;
  let seq = 0;
  const armed = new Map();
  const delays = [];
  const rt = loadRuntime({
    op_timer_start(id, delay) {
      delays.push([id, delay]);
      armed.set(id, { due: now + delay, seq: seq++ });
    },
    op_timer_cancel(id) {
      armed.delete(id);
    },
    ...overrides,
  });
  return {
    rt,
    delays,
    armed,
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        let next = null;
        for (const [id, t] of armed) {
          if (t.due > until) continue;
          if (next === null || t.due < next[1].due ||
            (t.due === next[1].due && t.seq < next[1].seq)) next = [id, t];
        }
        if (next === null) break;
        armed.delete(next[0]);
        now = next[1].due;
        rt.internals.fireTimer(next[0]);
        await settle(1);
      }
      now = until;
    },
  };
}

test("timeouts fire in order of delay, with arguments and this", async () => {
  const clock = fakeClock();
  clock.rt.run(`
    globalThis.out = [];
    setTimeout(function (a, b) { out.push("20:" + a + b + (this === globalThis)); }, 20, 1, 2);
    setTimeout(() => out.push("10"), 10);
    setTimeout(() => out.push("0"));
    setTimeout(() => out.push("negative"), -5);
    queueMicrotask(() => out.push("micro"));
  `);
  await settle(1);
  await clock.advance(100);
  assert.deepEqual([...clock.rt.run("out")], ["micro", "0", "negative", "10", "20:12true"]);
  assert.deepEqual(clock.delays.map((d) => d[1]), [20, 10, 0, 0]);
});

test("ids are positive and shared; a cleared timer never fires", async () => {
  const clock = fakeClock();
  const ids = clock.rt.run(`
    globalThis.out = [];
    const a = setTimeout(() => out.push("a"), 5);
    const b = setInterval(() => out.push("b"), 5);
    const c = setTimeout(() => { out.push("c"); clearTimeout(d); }, 1);
    const d = setTimeout(() => out.push("d"), 1);
    clearTimeout(a);
    clearInterval(b);
    [a, b, c, d];
  `);
  assert.deepEqual([...ids], [1, 2, 3, 4]);
  // Even if the runtime fires a cleared id (a race with op_timer_cancel), nothing runs.
  clock.rt.internals.fireTimer(1);
  await clock.advance(50);
  assert.deepEqual([...clock.rt.run("out")], ["c"]);
});

test("intervals re-arm and the nesting level clamps to 4 ms", async () => {
  const clock = fakeClock();
  clock.rt.run(`
    globalThis.out = [];
    let n = 0;
    const id = setInterval(() => { if (++n === 8) clearInterval(id); out.push(n); }, 0);
  `);
  await clock.advance(100);
  assert.deepEqual([...clock.rt.run("out")], [1, 2, 3, 4, 5, 6, 7, 8]);
  // The first five runs have nesting levels 1..5; later re-arms are clamped to 4 ms.
  assert.deepEqual(clock.delays.map((d) => d[1]), [0, 0, 0, 0, 0, 0, 4, 4]);
});

test("nested setTimeout chains are clamped after five levels", async () => {
  const clock = fakeClock();
  clock.rt.run(`
    let depth = 0;
    function again() { if (++depth < 8) setTimeout(again, 0); }
    setTimeout(again, 0);
  `);
  await clock.advance(100);
  // Calls made from tasks of nesting level 6 and deeper are clamped.
  assert.deepEqual(clock.delays.map((d) => d[1]), [0, 0, 0, 0, 0, 0, 4, 4]);
});

test("exceptions in callbacks are reported", async () => {
  const clock = fakeClock();
  clock.rt.run(`
    globalThis.out = [];
    setTimeout(() => { throw new Error("t1"); }, 1);
    queueMicrotask(() => { throw new Error("m1"); });
    setTimeout(() => out.push("still running"), 2);
  `);
  await settle(1);
  await clock.advance(10);
  const errors = clock.rt.printed.filter((p) => p.level === 3).map((p) => p.text.split("\n")[0]);
  assert.deepEqual(errors, ["Uncaught Error: m1", "Uncaught Error: t1"]);
  assert.deepEqual([...clock.rt.run("out")], ["still running"]);
});

test("argument conversion", () => {
  const clock = fakeClock();
  assert.throws(() => clock.rt.run("setTimeout()"), { name: "TypeError" });
  assert.throws(() => clock.rt.run("queueMicrotask(1)"), { name: "TypeError" });
  clock.rt.run("setTimeout(() => {}, '7'); setTimeout(() => {}, 2 ** 32 + 3)");
  assert.deepEqual(clock.delays.map((d) => d[1]), [7, 3]);
});

test("string handlers are evaluated", async () => {
  const clock = fakeClock();
  clock.rt.run("setTimeout('globalThis.fromString = 1', 0)");
  await clock.advance(1);
  assert.equal(clock.rt.run("globalThis.fromString"), 1);
});

test("AbortSignal.timeout uses a timer", async () => {
  const clock = fakeClock();
  clock.rt.run("globalThis.sig = AbortSignal.timeout(30)");
  await clock.advance(29);
  assert.equal(clock.rt.run("sig.aborted"), false);
  await clock.advance(1);
  assert.equal(clock.rt.run("sig.reason.name"), "TimeoutError");
});
