"use strict";
// performance: the time origin and now().
// https://w3c.github.io/hr-time/#the-performance-attribute
// The origin comes from the runtime on every read, so a restored snapshot or a forked clone
// sees its own. TODO(conform): marks, measures and PerformanceObserver come with the Web
// platform core issue.
((ops, internals) => {
  const P = internals.primordials;
  const { configureInterface, illegalConstructor, illegalInvocation } = internals.infra;

  const kCreate = P.Symbol("create");

  // https://w3c.github.io/hr-time/#sec-performance
  class Performance extends internals.EventTarget {
    constructor(token) {
      if (token !== kCreate) illegalConstructor();
      super();
    }

    // https://w3c.github.io/hr-time/#dom-performance-now
    now() {
      if (this !== performance) illegalInvocation();
      return ops.op_now();
    }

    // https://w3c.github.io/hr-time/#dom-performance-timeorigin
    get timeOrigin() {
      if (this !== performance) illegalInvocation();
      return ops.op_time_origin();
    }

    toJSON() {
      if (this !== performance) illegalInvocation();
      return { timeOrigin: this.timeOrigin };
    }
  }
  configureInterface(Performance);
  const performance = new Performance(kCreate);

  internals.Performance = Performance;
  internals.performance = performance;
});
