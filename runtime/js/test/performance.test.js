"use strict";
// High Resolution Time, the Performance Timeline and User Timing, against a fake clock:
// op_now and op_time_origin read variables the tests set, and the runtime's task queue is the
// list of armed timers, which a test runs by hand.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime, settle } = require("./harness.js");

function setup() {
  const clock = { now: 1000, origin: 1_700_000_000_000 };
  const armed = [];
  const rt = loadRuntime({
    op_now: () => clock.now,
    op_time_origin: () => clock.origin,
    op_timer_start(id) {
      armed.push(id);
    },
    op_timer_cancel() {},
  });
  // Runs the tasks queued so far, each followed by its microtasks.
  async function runTasks() {
    while (armed.length > 0) {
      rt.internals.fireTimer(armed.shift());
      await settle(2);
    }
  }
  return { rt, clock, armed, runTasks, run: rt.run };
}

test("the interfaces have WebIDL shapes", () => {
  const { run } = setup();
  const shape = run(`[
    Performance.length, PerformanceEntry.length, PerformanceMark.length,
    PerformanceMeasure.length, PerformanceObserver.length, PerformanceObserverEntryList.length,
    Object.getPrototypeOf(Performance.prototype) === EventTarget.prototype,
    Object.getPrototypeOf(PerformanceMark.prototype) === PerformanceEntry.prototype,
    Object.prototype.toString.call(performance),
    Object.prototype.toString.call(performance.mark("x")),
    Performance.prototype.mark.length, Performance.prototype.measure.length,
    Performance.prototype.clearMarks.length, Performance.prototype.getEntriesByName.length,
    Object.getOwnPropertyDescriptor(Performance.prototype, "mark").enumerable,
    Object.getOwnPropertyDescriptor(PerformanceEntry.prototype, "startTime").enumerable,
  ]`);
  assert.deepEqual([...shape], [0, 0, 1, 0, 1, 0, true, true, "[object Performance]",
    "[object PerformanceMark]", 1, 1, 0, 1, true, true]);
  for (const name of ["Performance", "PerformanceEntry", "PerformanceMeasure",
    "PerformanceObserverEntryList"]) {
    assert.throws(() => run(`new ${name}()`), { name: "TypeError" }, name);
  }
  assert.throws(() => run("PerformanceObserver()"), { name: "TypeError" });
  assert.throws(() => run("new PerformanceObserver(5)"), { name: "TypeError" });
});

test("operations and attributes check their receiver", () => {
  const { run } = setup();
  for (const code of [
    "Performance.prototype.now.call({})",
    "Performance.prototype.mark.call(undefined, 'x')",
    "Object.getOwnPropertyDescriptor(Performance.prototype, 'timeOrigin').get.call({})",
    "Object.getOwnPropertyDescriptor(PerformanceEntry.prototype, 'name').get.call({})",
    "Object.getOwnPropertyDescriptor(PerformanceMark.prototype, 'detail')" +
      ".get.call(performance.measure('m'))",
    "PerformanceObserver.prototype.observe.call({}, { type: 'mark' })",
  ]) {
    assert.throws(() => run(code), { name: "TypeError" }, code);
  }
});

test("performance is a [Replaceable] attribute of WorkerGlobalScope", () => {
  const { run } = setup();
  const desc = run("Object.getOwnPropertyDescriptor(WorkerGlobalScope.prototype, 'performance')");
  assert.equal(desc.get.name, "get performance");
  assert.equal(desc.set.name, "set performance");
  assert.equal(desc.enumerable, true);
  assert.equal(run("desc => desc.get.call(undefined) === performance")(desc), true);
  assert.throws(() => run("WorkerGlobalScope.prototype.performance"), { name: "TypeError" });
  run("performance = 5");
  assert.equal(run("performance"), 5);
});

test("now() is coarsened to 5 µs and never goes back", () => {
  const { run, clock } = setup();
  clock.now = 12.3456789;
  assert.equal(run("performance.now()"), 12.345);
  clock.now = 12.3449;
  assert.equal(run("performance.now()"), 12.345, "a clock that steps back is held");
  clock.now = 20.0031;
  assert.equal(run("performance.now()"), 20);
  assert.equal(run("performance.timeOrigin"), clock.origin);
  assert.deepEqual({ ...run("performance.toJSON()") }, { timeOrigin: clock.origin });
  assert.equal(run("new Event('x').timeStamp"), 20, "events use the same clock");
});

test("after a restore the clock continues, and the origin moves back by as much", () => {
  const { rt, run, clock } = setup();
  clock.now = 5000;
  run("globalThis.t0 = performance.now(); performance.mark('before')");
  // The runtime resumes with a fresh origin, 60 s later on the wall clock.
  clock.now = 0.5;
  clock.origin += 65_000;
  rt.internals.resume();
  const [t1, origin] = run("[performance.now(), performance.timeOrigin]");
  assert.equal(t1, 5000.5);
  assert.equal(origin, clock.origin - 5000);
  assert.equal(origin + t1, clock.origin + clock.now, "timeOrigin + now() is the wall clock");
  assert.equal(run("performance.measure('since', 'before').duration"), 0.5);
  // Resuming twice (a clone of a restored seed) keeps going.
  clock.now = 0.25;
  rt.internals.resume();
  assert.equal(run("performance.now()"), 5000.75);
});

test("mark() records an entry and returns it", () => {
  const { run, clock } = setup();
  clock.now = 42;
  const mark = run("globalThis.m = performance.mark('a'); m");
  assert.deepEqual([...run("[m.name, m.entryType, m.startTime, m.duration, m.detail]")],
    ["a", "mark", 42, 0, null]);
  assert.equal(run("performance.getEntriesByName('a')[0] === m"), true);
  const json = run("m.toJSON()");
  assert.deepEqual(Object.keys(json), ["id", "name", "entryType", "startTime", "duration",
    "navigationId"]);
  assert.equal(json.navigationId, null);
  assert.ok(Number.isInteger(mark.id) && mark.id > 100);
  assert.ok(run("performance.mark('b').id") > mark.id, "ids grow");

  assert.equal(run("performance.mark('c', { startTime: 7.5 }).startTime"), 7.5);
  assert.equal(run("new PerformanceMark('d').startTime"), 42);
  assert.equal(run("performance.getEntriesByName('d').length"), 0,
    "a constructed mark is not queued");
  for (const code of ["performance.mark('x', { startTime: -1 })",
    "performance.mark('x', { startTime: NaN })", "performance.mark('x', 5)",
    "performance.mark('x', 'str')", "performance.mark()", "new PerformanceMark()"]) {
    assert.throws(() => run(code), { name: "TypeError" }, code);
  }
});

test("detail is structured-cloned", () => {
  const { run } = setup();
  const out = run(`
    const detail = { n: 1, list: [1, 2], when: new Date(5), map: new Map([[1, "a"]]),
      bytes: new Uint8Array([1, 2]) };
    detail.self = detail;
    const m = performance.mark("d", { detail });
    detail.n = 2;
    [m.detail !== detail, m.detail.n, m.detail.self === m.detail, m.detail.list.length,
      m.detail.when.getTime(), m.detail.map.get(1), m.detail.bytes[1], m.detail === m.detail,
      performance.measure("e", { start: 0, detail: "text" }).detail]`);
  assert.deepEqual([...out], [true, 1, true, 2, 5, "a", 2, true, "text"]);
  for (const value of ["Symbol()", "() => {}", "{ f() {} }", "new WeakMap()"]) {
    assert.throws(() => run(`performance.mark("bad", { detail: ${value} })`),
      (e) => e.name === "DataCloneError" && e.code === 25, value);
  }
  assert.equal(run("performance.getEntriesByName('bad').length"), 0);
});

test("measure() takes every argument form of the spec", () => {
  const { run, clock } = setup();
  clock.now = 10;
  run("performance.mark('a')");
  clock.now = 30;
  run("performance.mark('b')");
  clock.now = 50;
  const cases = {
    "performance.measure('m')": [0, 50],
    "performance.measure('m', undefined)": [0, 50],
    "performance.measure('m', null, 'b')": [0, 30],
    "performance.measure('m', 'a')": [10, 40],
    "performance.measure('m', 'a', 'b')": [10, 20],
    "performance.measure('m', 'b', 'a')": [30, -20],
    "performance.measure('m', 'a', undefined)": [10, 40],
    "performance.measure('m', {})": [0, 50],
    "performance.measure('m', {}, 'a')": [0, 10],
    "performance.measure('m', { other: 1 }, 'a')": [0, 10],
    "performance.measure('m', { start: 'a' })": [10, 40],
    "performance.measure('m', { start: 5 })": [5, 45],
    "performance.measure('m', { end: 'b' })": [0, 30],
    "performance.measure('m', { start: 5, end: 'a' })": [5, 5],
    "performance.measure('m', { start: 'a', duration: 3 })": [10, 3],
    "performance.measure('m', { duration: 3, end: 'b' })": [27, 3],
    "performance.measure('m', { start: 'a', detail: null })": [10, 40],
  };
  for (const [code, expected] of Object.entries(cases)) {
    assert.deepEqual([...run(`(m => [m.startTime, m.duration])(${code})`)], expected, code);
  }
  assert.equal(run("performance.measure('m', { start: 'a', detail: null }).detail"), null);
  assert.equal(run("performance.getEntriesByType('measure').length"),
    Object.keys(cases).length + 1);

  const syntax = ["performance.measure('m', 'nope')", "performance.measure('m', 'a', 'nope')",
    "performance.measure('m', { start: 'nope' })", "performance.measure('m', 12)"];
  for (const code of syntax) {
    assert.throws(() => run(code), (e) => e.name === "SyntaxError" && e.code === 12, code);
  }
  const type = ["performance.measure('m', { start: 1 }, 'b')",
    "performance.measure('m', { detail: 1 })", "performance.measure('m', { duration: 1 })",
    "performance.measure('m', { start: 1, duration: 1, end: 3 })",
    "performance.measure('m', { start: -1 })", "performance.measure('m', { end: -1 })",
    "performance.measure('m', { start: 1, duration: -1 })",
    "performance.measure('m', 'navigationStart')", "performance.measure('m', {}, 'fetchStart')",
    "performance.measure('m', { start: NaN })", "performance.measure()"];
  for (const code of type) assert.throws(() => run(code), { name: "TypeError" }, code);
  // Marks may carry PerformanceTiming names; only measuring from them is refused.
  run("performance.mark('navigationStart')");
  assert.throws(() => run("performance.measure('m', 'navigationStart')"), { name: "TypeError" });
});

test("getEntries* sort by startTime and clear* remove by name", () => {
  const { run, clock } = setup();
  clock.now = 20;
  run("performance.mark('late')");
  run("performance.mark('early', { startTime: 5 })");
  run("performance.measure('whole')");
  run("performance.mark('early', { startTime: 8 })");
  const names = (code) => [...run(`${code}.map(e => e.name + ':' + e.startTime)`)];
  assert.deepEqual(names("performance.getEntries()"),
    ["whole:0", "early:5", "early:8", "late:20"]);
  assert.deepEqual(names("performance.getEntriesByType('mark')"),
    ["early:5", "early:8", "late:20"]);
  assert.deepEqual(names("performance.getEntriesByType('Mark')"), []);
  assert.deepEqual(names("performance.getEntriesByName('early', 'mark')"),
    ["early:5", "early:8"]);
  assert.deepEqual(names("performance.getEntriesByName('early', 'measure')"), []);
  assert.equal(run("performance.getEntries() !== performance.getEntries()"), true);
  assert.equal(run("performance.measure('x', 'early').startTime"), 8, "the latest mark wins");

  run("performance.clearMarks('early')");
  assert.deepEqual(names("performance.getEntriesByType('mark')"), ["late:20"]);
  run("performance.clearMarks(); performance.clearMeasures('whole')");
  assert.deepEqual(names("performance.getEntries()"), ["x:8"]);
  run("performance.clearMeasures()");
  assert.equal(run("performance.getEntries().length"), 0);
});

test("observers are called in a task of their own, with the entries and the observer", async () => {
  const { run, runTasks, armed, clock } = setup();
  clock.now = 10;
  run(`globalThis.calls = [];
    globalThis.po = new PerformanceObserver(function (list, observer, options) {
      calls.push({ self: this === po, observer: observer === po, options,
        names: list.getEntries().map(e => e.name),
        marks: list.getEntriesByType("mark").length,
        byName: list.getEntriesByName("b", "mark").length,
        isList: list instanceof PerformanceObserverEntryList });
    });
    po.observe({ entryTypes: ["mark", "measure", "unknown"] });
    performance.mark("a");
    performance.mark("b", { startTime: 20 });
    performance.measure("c", "a");`);
  await settle();
  assert.equal(run("calls.length"), 0, "not called synchronously or from a microtask");
  assert.equal(armed.length, 1, "one task for all three entries");
  await runTasks();
  const [first] = run("calls");
  assert.deepEqual({ ...first, names: [...first.names], options: { ...first.options } }, {
    self: true, observer: true, options: { droppedEntriesCount: 0 }, names: ["a", "c", "b"],
    marks: 2, byName: 1, isList: true,
  });
  run("performance.mark('d')");
  await runTasks();
  assert.deepEqual({ ...run("calls[1].options") }, {}, "the dropped count comes only once");

  run("po.disconnect(); performance.mark('e')");
  await runTasks();
  assert.equal(run("calls.length"), 2);
});

test("observe() with type stacks, buffered replays, takeRecords() empties", async () => {
  const { run, runTasks } = setup();
  run(`performance.mark("old");
    globalThis.seen = [];
    globalThis.po = new PerformanceObserver((list) => {
      seen.push(...list.getEntries().map(e => e.name));
    });
    po.observe({ type: "mark", buffered: true });
    po.observe({ type: "measure" });
    performance.measure("new");`);
  await runTasks();
  assert.deepEqual([...run("seen")], ["new", "old"]);

  run("performance.mark('taken')");
  assert.deepEqual([...run("po.takeRecords().map(e => e.name)")], ["taken"]);
  await runTasks();
  assert.equal(run("seen.length"), 2, "taken records are not delivered again");

  assert.throws(() => run("po.observe({ entryTypes: ['mark'] })"),
    (e) => e.name === "InvalidModificationError");
  assert.throws(() => run("po.observe({})"), { name: "TypeError" });
  assert.throws(() => run("po.observe({ type: 'mark', entryTypes: ['mark'] })"),
    { name: "TypeError" });
  assert.throws(() => run("new PerformanceObserver(() => {}).observe({ entryTypes: 'mark' })"),
    { name: "TypeError" });
  // buffered is ignored with entryTypes, as browsers do (w3c/performance-timeline#215).
  run("new PerformanceObserver(() => { seen.push('unexpected') })" +
    ".observe({ entryTypes: ['mark'], buffered: true })");
  await runTasks();
  assert.equal(run("seen.length"), 2);

  const types = run("PerformanceObserver.supportedEntryTypes");
  assert.deepEqual([...types], ["mark", "measure"]);
  assert.equal(Object.isFrozen(types), true);
  assert.equal(run("PerformanceObserver.supportedEntryTypes === PerformanceObserver" +
    ".supportedEntryTypes"), true);
});

test("a script cannot cancel the observer task with clearTimeout()", async () => {
  const { run, runTasks, armed } = setup();
  run(`globalThis.called = 0;
    new PerformanceObserver(() => { called++; }).observe({ type: "mark" });
    performance.mark("x");`);
  assert.equal(armed.length, 1);
  assert.ok(armed[0] >= 2 ** 31, "a runtime timer id");
  run(`clearTimeout(${armed[0]}); for (let id = 0; id < 1000; id++) clearTimeout(id);`);
  await runTasks();
  assert.equal(run("called"), 1);
});

test("an observer that throws is reported and the others still run", async () => {
  const { rt, run, runTasks } = setup();
  run(`globalThis.ran = false;
    new PerformanceObserver(() => { throw new Error("observer failed"); })
      .observe({ type: "mark" });
    new PerformanceObserver(() => { ran = true; }).observe({ type: "mark" });
    performance.mark("x");`);
  await runTasks();
  assert.equal(run("ran"), true);
  assert.ok(rt.printed.some((p) => p.level === 3 && p.text.includes("observer failed")));
});

test("a full buffer drops entries, counts them and warns once", async () => {
  const { rt, run, runTasks } = setup();
  run(`for (let i = 0; i < 10000; i++) performance.mark("fill");
    globalThis.got = [];
    new PerformanceObserver((list, _, options) => {
      got.push([list.getEntries().length, options.droppedEntriesCount]);
    }).observe({ type: "mark" });
    performance.mark("over1");
    performance.mark("over2");`);
  await runTasks();
  assert.equal(run("performance.getEntriesByType('mark').length"), 10000);
  assert.equal(run("performance.getEntriesByName('over1').length"), 0);
  assert.deepEqual([...run("got[0]")], [2, 2], "observers still see dropped entries");
  const warnings = rt.logs.filter((l) => l.level === "warn");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /"mark" holds 10000 entries.*clearMarks\(\)/);

  run("performance.clearMarks('fill'); performance.mark('room')");
  assert.equal(run("performance.getEntriesByType('mark').length"), 1);
});
