// Module style: the default export's fetch() answers every request.
import { greet } from "./greet.js";

export default {
  async fetch(request) {
    const name = request.headers.get("x-name") ?? "world";
    return Response.json({ greeting: greet(name), method: request.method, url: request.url });
  },
};
