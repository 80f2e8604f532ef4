// perf-lab app: hello world for `deno serve` (host and port come from its flags).
export default {
  fetch() {
    return new Response('Hello, world!');
  },
};
