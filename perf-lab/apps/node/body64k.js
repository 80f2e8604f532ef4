// perf-lab app: a 64 KiB body, built once at start-up, on node:http.
const http = require('node:http');

const body = 'x'.repeat(65536);
http
  .createServer((req, res) => res.end(body))
  .listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
