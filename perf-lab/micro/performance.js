// High Resolution Time and User Timing: the clock, and the cost of recording marks and
// measures. Every mark case clears what it recorded, so the timeline stays small.

bench("performance.now()", () => performance.now());

bench("performance.mark() + clearMarks()", () => {
  const mark = performance.mark("bench-mark");
  performance.clearMarks("bench-mark");
  return mark;
});

performance.mark("bench-start");
performance.mark("bench-end");
bench("performance.measure() between two marks", () => {
  const measure = performance.measure("bench-measure", "bench-start", "bench-end");
  performance.clearMeasures("bench-measure");
  return measure;
});
