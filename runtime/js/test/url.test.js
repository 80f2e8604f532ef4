"use strict";
// URL and URLSearchParams glue: the getters sliced from Ada's offsets, origins, the
// application/x-www-form-urlencoded serializer, the URL <-> searchParams link and the WebIDL
// surface. The URL ops are node's WHATWG URL behind the offsets Ada reports (harness.js).
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const COMPONENTS = ["href", "origin", "protocol", "username", "password", "host", "hostname",
  "port", "pathname", "search", "hash"];

test("getters slice the serialization at Ada's offsets", () => {
  // Exactly what Ada returns for this URL (see runtime/src/url.rs).
  const r = loadRuntime({
    op_url_parse: () => ["https://user:pw@example.com:8080/a%20b?x#y", 6, 12, 15, 27, 8080, 32,
      38, 40],
  });
  const parts = r.run(`const u = new URL("x"); [${COMPONENTS.map((c) => `u.${c}`)}]`);
  assert.deepEqual([...parts], ["https://user:pw@example.com:8080/a%20b?x#y",
    "https://example.com:8080", "https:", "user", "pw", "example.com:8080", "example.com",
    "8080", "/a%20b", "?x", "#y"]);
});

test("getters agree with the URL Standard on varied URLs", () => {
  const urls = [
    "https://example.com/", "http://a:b@h:81/p?q#f", "http://user@h/", "http://:pw@h/",
    "file:///C:/x", "file://host/share", "mailto:someone@example.com", "non-spec:/.//p",
    "sc://h?", "sc://h#", "http://h/?#", "blob:https://a.com:99/x", "data:text/plain,hi",
    "ws://[::1]:90/", "wss://example.com:443/", "foo://h:99/x", "javascript:alert(1)",
    "https://example.com/caf%C3%A9?%E2%82%AC#%F0%9F%98%80",
  ];
  for (const href of urls) {
    const expected = new URL(href);
    const actual = rt.run(`(() => {
      const v = new URL(${JSON.stringify(href)});
      return [${COMPONENTS.map((c) => `v.${c}`)}];
    })()`);
    assert.deepEqual([...actual], COMPONENTS.map((c) => expected[c]), href);
  }
});

test("origins: tuple for special schemes, blob: from its path, opaque otherwise", () => {
  const origin = (href) => rt.run(`new URL(${JSON.stringify(href)}).origin`);
  assert.equal(origin("blob:https://a.com:99/x"), "https://a.com:99");
  assert.equal(origin("blob:data:text/plain,x"), "null");
  assert.equal(origin("blob:ftp://a.com/x"), "null");
  assert.equal(origin("file:///etc/hosts"), "null");
  assert.equal(origin("ws://example.com:80/"), "ws://example.com");
  assert.equal(origin("sc://example.com/"), "null");
});

test("the form serializer percent-encodes exactly the urlencoded set, space as '+'", () => {
  let ascii = "";
  for (let c = 0; c < 128; c++) ascii += String.fromCharCode(c);
  const samples = [ascii, "café ß €", "😀 x", "a\uD800b", "\uDC00", "=&+%", ""];
  for (const value of samples) {
    const expected = new URLSearchParams([[value, value]]).toString();
    const actual = rt.run(`new URLSearchParams([[${JSON.stringify(value)},
      ${JSON.stringify(value)}]]).toString()`);
    assert.equal(actual, expected, JSON.stringify(value));
  }
});

test("the urlencoded parser, with and without the op", () => {
  let calls = 0;
  const r = loadRuntime({
    op_url_search_params_parse(query) {
      calls++;
      return [...new URLSearchParams(`&${query}`)].flat();
    },
  });
  const samples = ["a=b&&c=d=e&+x+=+y+&=&a", "&&", "=", "k", "é=ü+ü&😀", "a=%41&b=%zz",
    "%F0%9F%98%80=1+%2B+1"];
  for (const query of samples) {
    const actual = r.run(`[...new URLSearchParams(${JSON.stringify(query)})]`);
    assert.deepEqual(JSON.parse(JSON.stringify(actual)), [...new URLSearchParams(query)], query);
  }
  // Only the queries with a "%" needed the op.
  assert.equal(calls, 2);
});

test("a URL and its searchParams stay in sync both ways", () => {
  const out = rt.run(`
    const url = new URL("https://example.com/p?a=1&b=2#h");
    const params = url.searchParams;
    const seen = [params === url.searchParams];
    params.append("c", "x y");
    seen.push(url.href);
    url.search = "?z=9";
    seen.push(params.get("z"), params.has("a"));
    params.delete("z");
    seen.push(url.href, url.search);
    url.href = "https://example.com/?k=v";
    seen.push(params.get("k"), params.size);
    seen;
  `);
  assert.deepEqual([...out], [true, "https://example.com/p?a=1&b=2&c=x+y#h", "9", false,
    "https://example.com/p#h", "", "v", 1]);
});

test("sort is stable and compares UTF-16 code units", () => {
  const out = rt.run(`
    const p = new URLSearchParams("b=1&\\uFFFD=2&a=3&\\u{1F600}=4&b=0&a=5");
    p.sort();
    [...p.keys()].join(",") + "|" + p.getAll("a").join(",") + "|" + p.getAll("b").join(",");
  `);
  assert.equal(out, "a,a,b,b,\u{1F600},\uFFFD|3,5|1,0");
});

test("constructor forms and two-argument has/delete", () => {
  const out = rt.run(`[
    new URLSearchParams("?a=1").toString(),
    new URLSearchParams("??a=1").toString(),
    new URLSearchParams([["x", "1"], ["x", "2"]]).getAll("x").join(),
    new URLSearchParams({ k: "v", n: 1 }).toString(),
    new URLSearchParams("a=1&a=2").has("a", "2"),
    (() => {
      const p = new URLSearchParams("a=1&a=2&a=1");
      p.delete("a", "1");
      return p.toString();
    })(),
  ]`);
  assert.deepEqual([...out], ["a=1", "%3Fa=1", "1,2", "k=v&n=1", true, "a=2"]);
  assert.throws(() => rt.run(`new URLSearchParams([["a", "b", "c"]])`), { name: "TypeError" });
  assert.throws(() => rt.run(`new URLSearchParams([["a"]])`), { name: "TypeError" });
});

test("setters: href throws on failure, the others leave the URL as it was", () => {
  const out = rt.run(`
    const u = new URL("https://example.com/");
    let error;
    try { u.href = "not a url"; } catch (e) { error = e.constructor.name; }
    u.port = "99999";
    u.protocol = "mailto";
    [error, u.href];
  `);
  assert.deepEqual([...out], ["TypeError", "https://example.com/"]);
});

test("the WebIDL surface", () => {
  const out = rt.run(`[
    URL.length, URL.parse.length, URL.canParse.length, URLSearchParams.length,
    URL.prototype.toString.name, Object.prototype.toString.call(new URL("a:b")),
    Object.prototype.toString.call(new URLSearchParams()), URL.parse("nope"),
    URL.parse("/x", "https://example.com").href, URL.canParse("/x"),
    JSON.stringify({ u: new URL("https://example.com") }),
  ]`);
  assert.deepEqual([...out], [1, 1, 1, 0, "toString", "[object URL]",
    "[object URLSearchParams]", null, "https://example.com/x", false,
    '{"u":"https://example.com/"}']);
  const getter = rt.run(`Object.getOwnPropertyDescriptor(URL.prototype, "pathname").get`);
  assert.throws(() => getter.call({}), { message: "Illegal invocation" });
  assert.throws(() => rt.run(`URLSearchParams.prototype.get.call(new URL("a:b"), "x")`),
    { message: "Illegal invocation" });
});
