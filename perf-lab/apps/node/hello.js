// perf-lab app: hello world on node:http. Listens on $HOST:$PORT.
const http = require('node:http');

http
  .createServer((req, res) => res.end('Hello, world!'))
  .listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
