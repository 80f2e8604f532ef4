// perf-lab app: hello world on Bun.serve. Listens on $HOST:$PORT.
Bun.serve({
  hostname: process.env.HOST || '127.0.0.1',
  port: Number(process.env.PORT),
  fetch() {
    return new Response('Hello, world!');
  },
});
