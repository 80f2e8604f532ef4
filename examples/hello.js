// Service Worker style: answer every request from a fetch event listener.
addEventListener("fetch", (event) => {
  const { method, url } = event.request;
  event.respondWith(new Response(`Hello from aworker! ${method} ${url}\n`, {
    headers: { "content-type": "text/plain;charset=UTF-8" },
  }));
});
