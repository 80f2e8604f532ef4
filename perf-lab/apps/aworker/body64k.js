// perf-lab app: a 64 KiB body, built once at start-up, Service Worker syntax.
const body = 'x'.repeat(65536);
addEventListener('fetch', (e) => e.respondWith(new Response(body)));
