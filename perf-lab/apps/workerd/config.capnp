# perf-lab: workerd configs for the hello world and 64 KiB apps, Service Worker syntax.
# perf-lab picks one by name (`workerd serve config.capnp hello`) and overrides the listen
# address with `--socket-addr http=127.0.0.1:PORT`.
using Workerd = import "/workerd/workerd.capnp";

const hello :Workerd.Config = (
  services = [(name = "main", worker = .helloWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const body64k :Workerd.Config = (
  services = [(name = "main", worker = .body64kWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const helloWorker :Workerd.Worker = (
  serviceWorkerScript = embed "hello.js",
  compatibilityDate = "2024-09-23",
);

const body64kWorker :Workerd.Worker = (
  serviceWorkerScript = embed "body64k.js",
  compatibilityDate = "2024-09-23",
);
