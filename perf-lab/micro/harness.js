// The micro-benchmark harness: perf-lab's `micro` scenario puts this file in front of each
// suite in this folder (`url.js`, `encoding.js`, ...) and runs the result as one script in
// every runtime (`aworker run`, `deno run`, `node`, `bun`), so the suites may use Web APIs
// only. Deno runs the file as an ES module: suites must be valid in strict mode too, and their
// top-level declarations are not properties of the global object.
//
// A suite registers its cases at top level:
//
//   bench(name, fn)       `fn()` does one operation and returns a value (kept, so the engine
//                         cannot drop the work).
//   benchAsync(name, fn)  `fn(n)` starts n operations and returns a promise that settles when
//                         all n are done (e.g. n timers scheduled at once, resolving in the
//                         last callback).
//
// Cases run one after another in registration order, sync and async alike, once the script's
// top level has finished (a promise chain started from a microtask): a case never overlaps the
// next, and state a suite changes after registering a case is already changed when the case
// runs. For each case the harness calibrates a batch (a loop of `fn()` calls, or one `fn(n)`)
// to take about BATCH_MS (after one untimed warm-up call; a batch must be that slow twice),
// runs ROUNDS batches and prints one line:
//
//   bench <TAB> name <TAB> median ns per operation <TAB> ns per operation of every round,
//   comma-separated
//
// Before the first case it prints `plan <TAB> name <TAB> name ...` (every registered case), and
// for a case that throws or rejects `fail <TAB> name <TAB> message`; the other cases still run,
// and at the end the harness throws, so the script exits with an error. perf-lab parses those
// three kinds of line; anything else a suite prints is ignored. Names are non-empty, unique and
// hold no tab or line break.
//
// perf-lab's `--quick` run puts `const BENCH_QUICK = true;` in front of everything: fewer,
// shorter rounds. Without it the harness runs unchanged in every runtime.

const benchQuick = typeof BENCH_QUICK !== "undefined" && BENCH_QUICK === true;
const ROUNDS = benchQuick ? 3 : 11;
const BATCH_MS = benchQuick ? 5 : 10;
// No batch grows past this many operations, whatever the clock says.
const BATCH_MAX = 1 << 30;

let benchSink;
const benchCases = [];

function bench(name, fn) {
  benchRegister(name, fn, false);
}

function benchAsync(name, fn) {
  benchRegister(name, fn, true);
}

function benchRegister(name, fn, isAsync) {
  if (typeof name !== "string" || name === "" || /[\t\r\n]/.test(name)) {
    throw new TypeError(`bench: a case name must be a non-empty line without tabs: ${name}`);
  }
  if (typeof fn !== "function") throw new TypeError(`bench: case ${name} has no function`);
  if (benchCases.some((c) => c.name === name)) {
    throw new TypeError(`bench: case ${name} is registered twice`);
  }
  benchCases.push({ name, fn, isAsync });
  if (benchCases.length === 1) queueMicrotask(benchRunAll);
}

// The next batch size after a batch of `batch` operations took `elapsed` ms.
function benchNextBatch(batch, elapsed) {
  const grown = elapsed <= 0 ? batch * 10 : batch * Math.min(10, (BATCH_MS * 1.2) / elapsed);
  return Math.min(BATCH_MAX, Math.ceil(grown));
}

function benchSyncBatch(fn, batch) {
  const start = performance.now();
  for (let i = 0; i < batch; i++) benchSink = fn();
  return performance.now() - start;
}

async function benchAsyncBatch(fn, batch) {
  const start = performance.now();
  const done = fn(batch);
  if (done === null || typeof done !== "object" || typeof done.then !== "function") {
    throw new TypeError("benchAsync: fn(n) must return a promise");
  }
  benchSink = await done;
  return performance.now() - start;
}

// The ns per operation of every round; `runBatch(batch)` returns the ms a batch took.
async function benchMeasure(runBatch) {
  // A first call compiles and fills caches; timed, it could end the calibration at once.
  await runBatch(1);
  let batch = 1;
  for (;;) {
    let elapsed = await runBatch(batch);
    if (elapsed >= BATCH_MS) {
      // One slow batch may be the machine rather than the work: settle only if it repeats.
      elapsed = Math.min(elapsed, await runBatch(batch));
      if (elapsed >= BATCH_MS) break;
    }
    if (batch >= BATCH_MAX) break;
    batch = benchNextBatch(batch, elapsed);
  }
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push(((await runBatch(batch)) * 1e6) / batch);
  }
  return rounds;
}

async function benchRunAll() {
  console.log(["plan", ...benchCases.map((c) => c.name)].join("\t"));
  const failed = [];
  for (const { name, fn, isAsync } of benchCases) {
    try {
      const rounds = isAsync
        ? await benchMeasure((batch) => benchAsyncBatch(fn, batch))
        : await benchMeasure((batch) => benchSyncBatch(fn, batch));
      const sorted = [...rounds].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const all = rounds.map((ns) => ns.toFixed(1)).join(",");
      console.log(`bench\t${name}\t${median.toFixed(1)}\t${all}`);
    } catch (error) {
      failed.push(name);
      console.log(`fail\t${name}\t${String(error).replace(/\s+/g, " ")}`);
      console.error(`bench: case ${name} failed:`, error);
    }
  }
  if (failed.length > 0) throw new Error(`bench: ${failed.length} case(s) failed`);
}
