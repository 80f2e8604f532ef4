// The report adapter, loaded right after testharness.js: prints one line per harness event,
// `@@wpt@@ ` then JSON, for aworker-wpt to parse. A line per subtest as it finishes means a
// test that later hangs or crashes still leaves the results it had.
"use strict";

(() => {
  const MARKER = "@@wpt@@ ";
  // Taken now: tests may replace console.log or JSON.stringify later.
  const log = console.log.bind(console);
  const stringify = JSON.stringify;
  const harnessTimeout = self.timeout;

  // testharness.js's status codes, by index.
  const SUBTEST_STATUS = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
  const HARNESS_STATUS = ["OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"];

  // Lone surrogates (some URL tests have them in their names) become U+FFFD: the runner reads
  // the lines as UTF-8 JSON, which cannot carry them.
  const wellFormed = (s) => (typeof s.toWellFormed === "function" ? s.toWellFormed() : s);
  const text = (value) =>
    (value === undefined || value === null ? null : wellFormed(String(value)));
  const subtest = (test) => ({
    name: wellFormed(String(test.name)),
    status: SUBTEST_STATUS[test.status] ?? "FAIL",
    message: text(test.message),
  });
  const emit = (event) => log(MARKER + stringify(event));

  // The prelude's stand-in has served its purpose: testharness.js chose its environment.
  const standIn = self.DedicatedWorkerGlobalScope?.[Symbol.for("aworker-wpt.stand-in")];
  if (standIn) {
    delete self.DedicatedWorkerGlobalScope;
    if (standIn.original) {
      Object.defineProperty(self, "DedicatedWorkerGlobalScope", standIn.original);
    }
  }

  // In a worker testharness.js has no timeout of its own (the page around it has one): time
  // the tests out at the test's timeout, so that unfinished subtests are reported as TIMEOUT.
  // The runner kills the process a little later if even that does not end it.
  const timer = setTimeout(() => harnessTimeout(), __TIMEOUT_MS__);

  add_result_callback((test) => emit({ type: "result", ...subtest(test) }));
  add_completion_callback((tests, status) => {
    clearTimeout(timer);
    emit({
      type: "complete",
      status: HARNESS_STATUS[status.status] ?? "ERROR",
      message: text(status.message),
      tests: tests.map(subtest),
    });
  });
})();
