"use strict";
// FormData, the multipart/form-data encoding and parser, urlencoded bodies, MIME types, and the
// Blob/FormData/URLSearchParams bodies of Request and Response.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const run = async (source) => JSON.parse(JSON.stringify(await rt.run(source)));

test("entries: append, get, getAll, has, set, delete", async () => {
  assert.deepEqual(await run(`(() => {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("b", 2);
    fd.append("a", "3");
    fd.append("\\ud800", "x\\udc00");
    const out = [fd.get("a"), fd.getAll("a"), fd.has("b"), fd.has("c"), fd.get("c"),
      fd.get("\\ufffd")];
    fd.set("a", "4");
    out.push([...fd]);
    fd.delete("a");
    fd.set("z", "5");
    out.push([...fd.keys()], [...fd.values()]);
    return out;
  })()`), ["1", ["1", "3"], true, false, null, "x\ufffd",
    [["a", "4"], ["b", "2"], ["\ufffd", "x\ufffd"]], ["b", "\ufffd", "z"],
    ["2", "x\ufffd", "5"]]);
});

test("Blob values become Files named blob or after the filename", async () => {
  assert.deepEqual(await run(`(() => {
    const fd = new FormData();
    const file = new File(["f"], "orig.txt", { type: "a/b", lastModified: 9 });
    fd.append("blob", new Blob(["xy"], { type: "text/plain" }));
    fd.append("named", new Blob(["z"]), "n.bin");
    fd.append("file", file);
    fd.append("renamed", file, "new.txt");
    const b = fd.get("blob");
    const r = fd.get("renamed");
    return [b instanceof File, b.name, b.type, b.size, Math.abs(b.lastModified - Date.now()) < 1000,
      fd.get("named").name, fd.get("file") === file, r === file, r.name, r.type,
      r.lastModified, fd.get("blob") === b];
  })()`), [true, "blob", "text/plain", 2, true, "n.bin", true, false, "new.txt", "a/b", 9,
    true]);
});

test("overloads and arguments", () => {
  assert.equal(rt.run("const f1 = new FormData(); f1.append('k', undefined); f1.get('k')"),
    "undefined");
  assert.throws(() => rt.run("new FormData().append('k', 'v', 'name')"),
    /Argument 2 is not of type 'Blob'/);
  assert.throws(() => rt.run("new FormData().set('k')"), /2 arguments required/);
  assert.throws(() => rt.run("new FormData(null)"), { name: "TypeError" });
  assert.throws(() => rt.run("new FormData({})"), { name: "TypeError" });
  assert.throws(() => rt.run("new FormData(undefined, {})"), { name: "TypeError" });
  assert.equal(rt.run("FormData.length"), 0);
  assert.throws(() => rt.run("FormData.prototype.get.call({}, 'a')"), /Illegal invocation/);
});

test("iteration and forEach see the live list", async () => {
  assert.deepEqual(await run(`(() => {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("b", "2");
    const seen = [];
    for (const [k] of fd) {
      seen.push(k);
      if (k === "a") fd.append("c", "3");
    }
    const each = [];
    fd.forEach(function (v, k, o) { each.push([k, v, o === fd, this.t]); }, { t: 1 });
    return [seen, each, Object.prototype.toString.call(fd.entries()),
      fd[Symbol.iterator] === fd.entries];
  })()`), [["a", "b", "c"], [["a", "1", true, 1], ["b", "2", true, 1], ["c", "3", true, 1]],
    "[object FormData Iterator]", true]);
});

test("multipart/form-data: the encoding, escapes and newlines", async () => {
  const text = await rt.run(`(async () => {
    const fd = new FormData();
    fd.append('a"b\\nc', "x\\ny\\r\\nz\\r");
    fd.append("f", new File(["1\\n2"], 'q"\\r.txt', { type: "text/x" }));
    fd.append("g", new Blob([]));
    const r = new Response(fd);
    const type = r.headers.get("content-type");
    const boundary = type.slice("multipart/form-data; boundary=".length);
    return [type.startsWith("multipart/form-data; boundary="), boundary,
      (await r.text()).split(boundary).join("B")];
  })()`);
  assert.equal(text[0], true);
  assert.match(text[1], /^[-0-9A-Za-z]{27,70}$/);
  assert.equal(text[2], [
    "--B",
    'Content-Disposition: form-data; name="a%22b%0D%0Ac"',
    "",
    "x\r\ny\r\nz\r\n",
    "--B",
    'Content-Disposition: form-data; name="f"; filename="q%22%0D.txt"',
    "Content-Type: text/x",
    "",
    "1\n2",
    "--B",
    'Content-Disposition: form-data; name="g"; filename="blob"',
    "Content-Type: application/octet-stream",
    "",
    "",
    "--B--",
    "",
  ].join("\r\n"));
});

test("multipart/form-data: what the parser accepts", async () => {
  const parse = (body, type = "multipart/form-data; boundary=X") => run(`(async () => {
    const fd = await new Response(${JSON.stringify(body)},
      { headers: { "content-type": ${JSON.stringify(type)} } }).formData();
    const out = [];
    for (const [k, v] of fd) {
      out.push(typeof v === "string" ? [k, v] : [k, v.name, v.type, await v.text()]);
    }
    return out;
  })()`);
  assert.deepEqual(await parse("--X\r\nContent-Disposition: form-data; name=\"a%0A%22\"\r\n\r\n" +
    "v\r\n--X\r\ncontent-disposition: form-data; name=\"f\"; filename=\"x%0D.bin\"\r\n" +
    "X-Other:  y\r\n\r\n\r\n--\r\n--X\r\nContent-Disposition: form-data; name=\"t\"; " +
    "filename=\"t\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--X--\r\nepilogue"),
  [["a\n\"", "v"], ["f", "x\r.bin", "text/plain", "\r\n--"], ["t", "t", "image/png", "PNG"]]);
  assert.deepEqual(await parse("--X--", 'multipart/form-data; boundary="X"'), []);
  assert.deepEqual(await parse("--X\r\nContent-Disposition: form-data; name=\"\uFEFFa\"\r\n" +
    "\r\n\uFEFFb\r\n--X--"), [["\uFEFFa", "\uFEFFb"]]);
  const failures = [
    ["preamble\r\n--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X--"],
    ["--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X-junk"],
    ["--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv"],
    ["--X\r\nContent-Type: text/plain\r\n\r\nv\r\n--X--"],
    ["--X\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--X--"],
    ["--X\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--X--"],
    ["--X\r\nBad Header: 1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X--"],
    ["--X\nContent-Disposition: form-data; name=\"a\"\n\nv\n--X--"],
    ["--X--", "multipart/form-data"],
    ["a=b", "text/plain"],
    ["a=b", "multipart/form-data-x; boundary=X"],
  ];
  for (const [body, type] of failures) {
    await assert.rejects(parse(body, type), { name: "TypeError" }, JSON.stringify(body));
  }
});

test("a FormData survives the trip through a body, files byte for byte", async () => {
  assert.deepEqual(await run(`(async () => {
    const fd = new FormData();
    fd.append("name\\u00e9", "v\\u{1f600}");
    fd.append("bin", new Blob([new Uint8Array([0, 13, 10, 45, 45, 255])], { type: "x/y" }), "b");
    const back = await new Request("http://x/", { method: "POST", body: fd }).formData();
    const file = back.get("bin");
    return [[...back.keys()], back.get("name\\u00e9"), file.name, file.type,
      [...await file.bytes()]];
  })()`), [["name\u00e9", "bin"], "v\u{1f600}", "b", "x/y", [0, 13, 10, 45, 45, 255]]);
});

test("application/x-www-form-urlencoded bodies, as strings and as bytes", async () => {
  const parse = (body) => run(`(async () => [...await new Response(${body}, {
      headers: { "Content-Type": "application/x-www-form-urlencoded;charset=windows-1252" },
    }).formData()])()`);
  assert.deepEqual(await parse(JSON.stringify("a=b+c&&=d&e&%zz=%41%C3%A9&\uFEFFf")),
    [["a", "b c"], ["", "d"], ["e", ""], ["%zz", "A\u00e9"], ["\uFEFFf", ""]]);
  // (Bytes that are not UTF-8 are parsed by the runtime's op: see runtime/src/url.rs.)
  assert.deepEqual(await parse("new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3d, 0x62])"),
    [["\uFEFFa", "b"]]);
});

test("extracting bodies: the Content-Type of Blob, FormData and URLSearchParams", async () => {
  assert.deepEqual(await run(`(async () => {
    const typeOf = (body) => new Request("http://x/", { method: "POST", body })
      .headers.get("content-type");
    const kept = new Request("http://x/", { method: "POST", body: new Blob([], { type: "a/b" }),
      headers: { "content-type": "c/d" } });
    return [typeOf(new Blob(["x"], { type: "A/B" })), typeOf(new Blob(["x"])),
      typeOf(new URLSearchParams("a=b c")), typeOf(new FormData()).split(";")[0],
      kept.headers.get("content-type"),
      await new Response(new URLSearchParams("a=b c&d=\\u00e9")).text(),
      await new Response(new Blob(["blob"])).text()];
  })()`), ["a/b", null, "application/x-www-form-urlencoded;charset=UTF-8",
    "multipart/form-data", "c/d", "a=b+c&d=%C3%A9", "blob"]);
});

test("blob(): the bytes and the body's MIME type", async () => {
  const blobType = (contentType) => run(`(async () => {
    const headers = ${JSON.stringify(contentType)} === null ? {} :
      { "content-type": ${JSON.stringify(contentType)} };
    const blob = await new Response("hi", { headers }).blob();
    return [blob.type, await blob.text()];
  })()`);
  assert.deepEqual(await blobType(null), ["text/plain;charset=UTF-8", "hi"]);
  assert.deepEqual(await blobType('Text/HTML; Charset="utf-8"; q="a\\"b"; x=;y'),
    ["text/html;charset=utf-8;q=\"a\\\"b\"", "hi"]);
  assert.deepEqual(await blobType("text/html;charset=gbk, text/html, */*"),
    ["text/html;charset=gbk", "hi"]);
  assert.deepEqual(await blobType("text/html;charset=gbk, text/plain"), ["text/plain", "hi"]);
  assert.deepEqual(await blobType("nonsense"), ["", "hi"]);
  assert.deepEqual(await blobType("a/b;c=\"d,e\""), ["a/b;c=\"d,e\"", "hi"]);
  await assert.rejects(rt.run(`(async () => {
    const r = new Response("x");
    await r.text();
    return r.blob();
  })()`), /Body is unusable/);
});

test("inspect() shows the entries, a repeated name with its list of values", () => {
  const fd = rt.run(`(() => {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("__proto__", "2");
    fd.append("a", new File(["x"], "n", { lastModified: 3 }));
    return fd;
  })()`);
  assert.equal(rt.internals.inspect(fd, {}).replace(/\s+/g, " "),
    "FormData { a: [ '1', File { size: 1, type: '', name: 'n', lastModified: 3 } ], " +
    "__proto__: '2' }");
});
