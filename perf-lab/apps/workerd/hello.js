// perf-lab app: hello world, Service Worker syntax.
addEventListener('fetch', (e) => e.respondWith(new Response('Hello, world!')));
