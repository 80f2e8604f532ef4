// perf-lab app: hello world on node:http, started from a user-land start-up snapshot.
//
// Built once with `node --snapshot-blob hello.blob --build-snapshot snapshot-entry.js`. The
// server starts in the deserialized main function, since no socket can be open while the
// snapshot is taken. node:http is loaded there too: Node 20 cannot load it into a user
// snapshot (its module init fails in the snapshot builder).
const v8 = require('node:v8');

v8.startupSnapshot.setDeserializeMainFunction(() => {
  const http = require('node:http');

  http
    .createServer((req, res) => res.end('Hello, world!'))
    .listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
});
