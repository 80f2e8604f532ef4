// perf-lab app: a 64 KiB body, built once at start-up, for `deno serve`.
const body = 'x'.repeat(65536);

export default {
  fetch() {
    return new Response(body);
  },
};
