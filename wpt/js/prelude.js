// Runs before testharness.js, so that it picks the environment WPT's worker tests expect.
//
// aworker's global is a ServiceWorkerGlobalScope. testharness.js would then wait for an
// `install` event or a client's message before it reports anything, and neither comes. It
// checks for a dedicated worker first, so we make that check succeed, as WPT's own
// `x.any.worker.js` wrapper runs in a dedicated worker. The stand-in is not a real interface:
// the report adapter removes it once testharness.js has chosen.
"use strict";

Object.defineProperty(self, "DedicatedWorkerGlobalScope", {
  value: {
    [Symbol.hasInstance]: (object) => object === self,
    // What to put back: the global's own property, if it had one.
    [Symbol.for("aworker-wpt.stand-in")]: {
      original: Object.getOwnPropertyDescriptor(self, "DedicatedWorkerGlobalScope"),
    },
  },
  writable: true,
  configurable: true,
});

// The dedicated-worker environment posts every event to the worker's parent with
// `self.postMessage()`. There is no parent here: the report adapter prints the events instead.
if (typeof self.postMessage !== "function") {
  self.postMessage = () => {};
}
