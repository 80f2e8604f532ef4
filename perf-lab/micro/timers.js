// Timers and microtasks: the cost per callback of many scheduled at once. Every runtime runs
// all n callbacks of a batch before the batch's promise settles.
//
// Node clamps setTimeout(cb, 0) to 1 ms, so a batch waits at least 1 ms there; the batch is
// sized to about BATCH_MS, which spreads that millisecond over its n timers but still adds to
// node's figure. perf-lab's report says so next to the numbers.

// n callbacks, each counting down; the last resolves the batch.
function countdown(n, schedule) {
  return new Promise((resolve) => {
    let left = n;
    const done = () => {
      if (--left === 0) resolve(n);
    };
    for (let i = 0; i < n; i++) schedule(done);
  });
}

benchAsync("setTimeout(cb, 0), n at once", (n) => countdown(n, (cb) => setTimeout(cb, 0)));
benchAsync("queueMicrotask, n at once", (n) => countdown(n, queueMicrotask));
