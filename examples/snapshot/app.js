// A worker built for snapshots: expensive start-up work is done once, at
// `aworker snapshot build`, and what cannot be frozen is set up again on restore.
//
//   aworker snapshot build examples/snapshot/app.js -o app.snap
//   aworker serve --snapshot app.snap

// Frozen into the snapshot: a table computed at build time.
const primes = [];
for (let n = 2; primes.length < 10000; n++) {
  if (primes.every((p) => p * p > n || n % p !== 0)) primes.push(n);
}

// WebAssembly cannot be snapshotted (compiled code is not serializable), so the module's bytes
// are kept and the instance is created again by every process that restores the snapshot.
const adderWasm = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f,
  0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);
let add = null;
let startedAt = Date.now();

addEventListener("deserialize", (event) => {
  // A restored process starts now, not when the snapshot was built.
  startedAt = Date.now();
  event.waitUntil(WebAssembly.instantiate(adderWasm).then(({ instance }) => {
    add = instance.exports.add;
  }));
});

addEventListener("fetch", (event) => {
  const n = Number(new URL(event.request.url).searchParams.get("n") ?? 1);
  event.respondWith(Response.json({
    prime: primes[n - 1] ?? null,
    sum: add === null ? null : add(n, 1000),
    uptimeMs: Date.now() - startedAt,
  }));
});
