// The micro-benchmark harness: perf-lab's `micro` scenario puts this file in front of each
// suite in this folder (`url.js`, `encoding.js`, ...) and runs the result as one classic
// script in every runtime (`aworker run`, `deno run`, `node`, `bun`), so the suites may use
// Web APIs only.
//
// A suite calls `bench(name, fn)` once per case. `fn` does one operation and returns a value
// (kept, so the engine cannot drop the work). The harness calibrates a batch to take about
// 10 ms, runs ROUNDS batches and prints one line per case:
//
//   bench <TAB> name <TAB> median ns per operation <TAB> ns per operation of every round, comma-separated
//
// perf-lab parses those lines; anything else a suite prints is ignored.

const ROUNDS = 7;
const BATCH_MS = 10;

let benchSink;

function bench(name, fn) {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) benchSink = fn();
    const elapsed = performance.now() - start;
    if (elapsed >= BATCH_MS || batch >= 1 << 30) break;
    batch = elapsed <= 0 ? batch * 10 : Math.ceil(batch * Math.min(10, (BATCH_MS * 1.2) / elapsed));
  }
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) benchSink = fn();
    rounds.push(((performance.now() - start) * 1e6) / batch);
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`bench\t${name}\t${median.toFixed(1)}\t${rounds.map((ns) => ns.toFixed(1)).join(",")}`);
}
