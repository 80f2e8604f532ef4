// URL, URLSearchParams and URLPattern micro-benchmarks; run behind harness.js (see there).
// Inputs vary a little per call (a counter in the path or query), so no runtime can serve a
// cached answer for a repeated string.

const absolute = [
  "https://user:pass@sub.example.com:8443/a/b/c/index.html?q=search&lang=en#section-2",
  "http://example.org/path/to/resource.json",
  "https://xn--nxasmq6b.example/%E2%82%AC/caf%C3%A9?x=1",
  "file:///home/user/documents/report.pdf",
];
const base = "https://example.com/docs/guide/intro.html?ref=nav";
const relative = ["../api/reference.html", "./images/logo.svg?v=3", "/about#team", "?page=2"];
const query = "utm_source=news&utm_medium=email&id=12345&q=caf%C3%A9+au+lait&empty=&flag";

let n = 0;

bench("url parse absolute", () => new URL(absolute[n++ & 3]).href);

bench("url parse relative to a base", () => new URL(relative[n++ & 3], base).pathname);

bench("url canParse", () => URL.canParse(absolute[n++ & 3]) && !URL.canParse("http://[::1"));

bench("url parse and read every component", () => {
  const url = new URL(absolute[n++ & 3]);
  return url.protocol + url.username + url.password + url.host + url.hostname + url.port +
    url.pathname + url.search + url.hash + url.origin;
});

const target = new URL("https://example.com/start");
bench("url href setter", () => {
  target.href = `https://example.com/items/${n++ & 1023}?sort=asc`;
  return target.pathname;
});

bench("url searchParams round trip", () => {
  const url = new URL(`https://example.com/search?q=term&page=${n++ & 63}`);
  url.searchParams.set("page", "1");
  url.searchParams.append("filter", "a b&c");
  return url.href;
});

bench("urlsearchparams parse and toString", () => {
  const params = new URLSearchParams(`${query}&n=${n++ & 255}`);
  return params.toString();
});

bench("urlsearchparams from a record, sort", () => {
  const params = new URLSearchParams({ zeta: "1", alpha: "2", mid: `${n++ & 7}`, beta: "ß" });
  params.sort();
  return params.toString();
});

if (typeof URLPattern === "function") {
  const pattern = new URLPattern({ pathname: "/books/:id(\\d+)/:slug" });
  bench("urlpattern construct", () => new URLPattern({ pathname: `/v${n++ & 7}/:id/*` }));
  bench("urlpattern test", () => pattern.test(`https://example.com/books/${n++ & 1023}/title`));
  bench("urlpattern exec", () => pattern.exec(`https://example.com/books/${n++ & 1023}/t`));
}
