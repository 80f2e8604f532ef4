// Streams both ways: the response is produced chunk by chunk, and POST bodies are echoed
// back upper-cased as they arrive.
addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method === "POST") {
    const upper = new ReadableStream({
      async start(controller) {
        const decoder = new TextDecoder();
        for await (const chunk of request.body) {
          controller.enqueue(new TextEncoder().encode(decoder.decode(chunk).toUpperCase()));
        }
        controller.close();
      },
    });
    event.respondWith(new Response(upper));
    return;
  }
  let n = 0;
  const ticks = new ReadableStream({
    pull(controller) {
      return new Promise((resolve) => setTimeout(resolve, 10)).then(() => {
        controller.enqueue(new TextEncoder().encode(`tick ${++n}\n`));
        if (n === 5) controller.close();
      });
    },
  });
  event.respondWith(new Response(ticks, { headers: { "content-type": "text/plain" } }));
});
