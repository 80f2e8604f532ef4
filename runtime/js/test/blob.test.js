"use strict";
// Blob and File: construction from parts, types, slicing over shared bytes, the readers, and
// their serialization steps.
const test = require("node:test");
const assert = require("node:assert/strict");
const { loadRuntime } = require("./harness.js");

const rt = loadRuntime();
const run = async (source) => JSON.parse(JSON.stringify(await rt.run(source)));

test("parts: strings as UTF-8, buffers and views copied, blobs; endings", async () => {
  assert.deepEqual(await run(`(async () => {
    const view = new Uint8Array([65, 66, 67, 68]);
    const blob = new Blob(["é", view.subarray(1, 3), new Blob(["x"]), view.buffer,
      new DataView(view.buffer, 3)]);
    view[0] = 0;
    return [blob.size, [...await blob.bytes()]];
  })()`), [10, [0xc3, 0xa9, 66, 67, 120, 65, 66, 67, 68, 68]]);
  assert.deepEqual(await run(`Promise.all([
    new Blob(["a\\r\\nb\\rc\\n"], { endings: "native" }).text(),
    new Blob(["a\\r\\nb\\rc\\n"]).text(),
  ])`), ["a\nb\nc\n", "a\r\nb\rc\n"]);
  assert.throws(() => rt.run("new Blob('abc')"), { name: "TypeError" });
  assert.throws(() => rt.run("new Blob([], { endings: 'crlf' })"), { name: "TypeError" });
  assert.throws(() => rt.run("Blob()"), { name: "TypeError" });
});

test("type: printable ASCII lowercased, anything else empty", async () => {
  assert.deepEqual(await run(`[
    new Blob([], { type: "Text/HTML;Charset=UTF-8" }).type,
    new Blob([], { type: " image/gif " }).type,
    new Blob([], { type: "text/\\u00e9" }).type,
    new Blob([], { type: "a\\tb" }).type,
    new Blob().type,
  ]`), ["text/html;charset=utf-8", " image/gif ", "", "", ""]);
});

test("slice: negative and clamped indices, content type, a Blob even of a File", async () => {
  assert.deepEqual(await run(`(async () => {
    const blob = new File(["0123456789"], "f", { type: "text/plain" });
    const texts = await Promise.all([
      blob.slice(-3).text(), blob.slice(2, -2).text(), blob.slice(8, 2).text(),
      blob.slice(-100, 100).text(), blob.slice(2 ** 70).text(), blob.slice(1, 4).slice(1).text(),
    ]);
    const s = blob.slice(0, 1, "X/Y");
    return [texts, s.type, blob.slice().type, s instanceof File, s instanceof Blob];
  })()`), [["789", "234567", "", "0123456789", "", "23"], "x/y", "", false, true]);
});

test("readers hand out copies; stream() reads in chunks", async () => {
  assert.deepEqual(await run(`(async () => {
    const blob = new Blob(["abc"]);
    const bytes = await blob.bytes();
    bytes[0] = 0;
    new Uint8Array(await blob.arrayBuffer())[1] = 0;
    const big = new Uint8Array(150000).map((_, i) => i % 251);
    const sizes = [];
    let same = true;
    let offset = 0;
    for await (const chunk of new Blob([big]).stream()) {
      sizes.push(chunk.length);
      for (const byte of chunk) same &&= byte === big[offset++];
    }
    return [await blob.text(), sizes, same, offset];
  })()`), ["abc", [65536, 65536, 18928], true, 150000]);
  assert.deepEqual(await run(`(async () => {
    const chunks = [];
    for await (const chunk of new Blob().stream()) chunks.push(chunk);
    return chunks.length;
  })()`), 0);
});

test("text() decodes UTF-8 with replacement and drops a BOM", async () => {
  assert.equal(await rt.run("new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff])]).text()"),
    "a\ufffd");
});

test("File: name, lastModified, required arguments", async () => {
  assert.deepEqual(await run(`(() => {
    const before = Date.now();
    const f = new File(["ab"], "a/b.txt", { type: "TEXT/plain" });
    return [f.name, f.type, f.size, f.lastModified >= before, f.lastModified <= Date.now(),
      new File([], "x", { lastModified: 42 }).lastModified, File.length, Blob.length,
      String(f), f instanceof Blob];
  })()`), ["a/b.txt", "text/plain", 2, true, true, 42, 2, 0, "[object File]", true]);
  assert.throws(() => rt.run("new File([])"), /2 arguments required/);
});

test("brand checks: attributes throw, promise operations reject", async () => {
  assert.throws(() => rt.run("Object.getOwnPropertyDescriptor(Blob.prototype, 'size').get" +
    ".call({})"), { name: "TypeError" });
  assert.throws(() => rt.run("Object.getOwnPropertyDescriptor(File.prototype, 'name').get" +
    ".call(new Blob())"), { name: "TypeError" });
  await assert.rejects(rt.run("Blob.prototype.text.call({})"), { name: "TypeError" });
});

test("[Serializable]: the serialization steps copy the bytes out of a shared buffer", async () => {
  const calls = [];
  const cloneRt = loadRuntime({
    op_structured_clone(...args) {
      calls.push(args);
      return undefined;
    },
  });
  cloneRt.run("structuredClone(0)");
  const [, , , writeHost, readHosts] = calls[0];
  const slice = cloneRt.run("new Blob(['0123456789']).slice(2, 5, 'a/b')");
  const [blobShell, blobData] = writeHost(slice);
  assert.equal(blobData.bytes.buffer.byteLength, 3);
  const file = cloneRt.run("new File(['xy'], 'n.txt', { type: 'c/d', lastModified: 7 })");
  const [fileShell, fileData] = writeHost(file);
  readHosts([blobShell, fileShell], [blobData, fileData]);
  assert.deepEqual([blobShell.size, blobShell.type, await blobShell.text()], [3, "a/b", "234"]);
  assert.deepEqual([fileShell.name, fileShell.lastModified, fileShell.type, await fileShell.text(),
    cloneRt.run("File").prototype === Object.getPrototypeOf(fileShell)],
  ["n.txt", 7, "c/d", "xy", true]);
});

// Fires the runtime's pending timers (the reader's tasks) in the order they were armed.
function drainTasks(runtime) {
  for (let i = 0; i < 100 && runtime.timers.size > 0; i++) {
    const [id] = runtime.timers.keys();
    runtime.timers.delete(id);
    runtime.internals.fireTimer(id);
  }
}

test("FileReader: results, events in tasks of their own, readyState", () => {
  const readerRt = loadRuntime();
  readerRt.run(`
    globalThis.log = [];
    globalThis.watch = (reader, label) => {
      for (const type of ["loadstart", "progress", "load", "abort", "error", "loadend"]) {
        reader.addEventListener(type, (e) => {
          const r = reader.result;
          log.push([label, type, reader.readyState, e instanceof ProgressEvent, e.bubbles,
            e.cancelable, r === null || typeof r === "string" ? r : [...new Uint8Array(r)]]);
        });
      }
    };
    const a = new FileReader();
    watch(a, "url");
    a.readAsDataURL(new Blob(["hi"], { type: "text/plain" }));
    log.push(["url", "sync", a.readyState]);
    const b = new FileReader();
    watch(b, "empty");
    b.readAsArrayBuffer(new Blob());
  `);
  drainTasks(readerRt);
  assert.deepEqual(JSON.parse(JSON.stringify(readerRt.run("log"))), [
    ["url", "sync", 1],
    ["url", "loadstart", 1, true, false, false, null],
    ["empty", "loadstart", 1, true, false, false, null],
    ["url", "progress", 1, true, false, false, null],
    ["empty", "load", 2, true, false, false, []],
    ["url", "load", 2, true, false, false, "data:text/plain;base64,aGk="],
    ["empty", "loadend", 2, true, false, false, []],
    ["url", "loadend", 2, true, false, false, "data:text/plain;base64,aGk="],
  ]);
});

test("FileReader: the encoding of readAsText, binary strings, data URLs", () => {
  const readerRt = loadRuntime();
  readerRt.run(`
    globalThis.results = [];
    const read = (method, parts, options, ...args) => {
      const reader = new FileReader();
      reader.onload = () => results.push(reader.result);
      reader[method](new Blob(parts.map((p) => typeof p === "string" ? p : new Uint8Array(p)),
        options), ...args);
    };
    read("readAsText", [[0xfe, 0xff, 0, 0x68]], {}, "utf-8");
    read("readAsText", [[0, 0x68]], { type: "text/plain;charset=utf-16be" });
    read("readAsText", [[0x68, 0]], { type: "text/plain;charset=utf-16be" }, "utf-16le");
    read("readAsText", [[0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xff]], {}, "bogus");
    read("readAsBinaryString", [[0xff, 0x41, 0]], {});
    read("readAsDataURL", [[0xff]], {});
  `);
  drainTasks(readerRt);
  assert.deepEqual([...readerRt.run("results")],
    ["h", "h", "h", "\u00e9\ufffd", "\u00ffA\u0000", "data:application/octet-stream;base64,/w=="]);
});

test("FileReader: abort() and reading twice", () => {
  const readerRt = loadRuntime();
  readerRt.run(`
    globalThis.log = [];
    const reader = new FileReader();
    for (const type of ["loadstart", "progress", "load", "abort", "loadend"]) {
      reader.addEventListener(type, () => log.push(type + reader.readyState));
    }
    reader.abort();
    log.push("idle" + reader.readyState);
    reader.readAsText(new Blob(["x"]));
    try {
      reader.readAsText(new Blob(["y"]));
    } catch (e) {
      log.push(e.name);
    }
    reader.abort();
    log.push(String(reader.result));
    reader.onloadstart = () => {
      reader.onloadstart = null;
      reader.abort();
      reader.readAsText(new Blob(["z"]));
    };
    reader.readAsText(new Blob(["w"]));
  `);
  drainTasks(readerRt);
  assert.deepEqual([...readerRt.run("log")], ["idle0", "InvalidStateError", "abort2",
    "loadend2", "null", "loadstart1", "abort2", "loadend2", "loadstart1", "progress1", "load2",
    "loadend2"]);
  assert.equal(readerRt.run("reader.result"), "z");
  assert.throws(() => readerRt.run("new FileReader().readAsText('x')"), { name: "TypeError" });
  assert.throws(() => readerRt.run("FileReader.prototype.readAsText.call({}, new Blob())"),
    /Illegal invocation/);
  assert.deepEqual([...readerRt.run("[FileReader.EMPTY, FileReader.LOADING, FileReader.DONE]")],
    [0, 1, 2]);
});
