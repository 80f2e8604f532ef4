// perf-lab app: a 64 KiB body, built once at start-up, on Bun.serve.
const body = 'x'.repeat(65536);

Bun.serve({
  hostname: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT),
  fetch() {
    return new Response(body);
  },
});
