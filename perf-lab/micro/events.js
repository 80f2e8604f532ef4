// Events: EventTarget dispatch, creating events, and AbortController/AbortSignal, the DOM
// pieces every fetch handler and stream touches.

{
  const target = new EventTarget();
  let calls = 0;
  target.addEventListener("ping", () => {
    calls++;
  });
  const event = new Event("ping");
  // An event may be dispatched again once its dispatch has finished.
  bench("dispatchEvent, 1 listener", () => target.dispatchEvent(event) && calls);
  bench("new Event + dispatchEvent, 1 listener", () => target.dispatchEvent(new Event("ping")));
}

{
  const target = new EventTarget();
  let calls = 0;
  for (let i = 0; i < 10; i++) {
    // Ten distinct listeners: the same function twice would be added once.
    target.addEventListener("ping", () => {
      calls += i;
    });
  }
  const event = new Event("ping");
  bench("dispatchEvent, 10 listeners", () => target.dispatchEvent(event) && calls);
}

{
  let aborts = 0;
  const onAbort = () => {
    aborts++;
  };
  bench("new AbortController + abort(), 1 abort listener", () => {
    const controller = new AbortController();
    controller.signal.addEventListener("abort", onAbort);
    controller.abort();
    return aborts;
  });
}

{
  // Fresh sources each time, as with a request's signal and its own timeout: long-lived sources
  // would instead measure how each runtime keeps (or leaks) the dependents they collect. The
  // first case is the cost of the sources alone.
  bench("2 × new AbortController", () => [new AbortController(), new AbortController()]);
  bench("AbortSignal.any over 2 new signals", () => {
    const a = new AbortController();
    const b = new AbortController();
    return AbortSignal.any([a.signal, b.signal]);
  });
}
