"use strict";
// Blob, File and FileReader (https://w3c.github.io/FileAPI/). A Blob's bytes are a Uint8Array
// that no script ever sees: every way out (arrayBuffer(), bytes(), stream(), a body) copies,
// so the bytes are immutable and a slice is a view over its parent's memory, not a copy.
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const { configureInterface, illegalInvocation, kPlatformBrand } = infra;
  const webidl = internals.webidl;
  const { converters } = webidl;
  const streams = internals.streams;

  const kCreate = P.Symbol("create");
  const isObject = (v) => (typeof v === "object" && v !== null) || typeof v === "function";
  const emptyBytes = new P.Uint8Array(0);

  // The size of the chunks stream() hands out.
  const kChunkSize = 65536;

  // (BufferSource or Blob or USVString), https://webidl.spec.whatwg.org/#es-union
  function convertBlobPart(V, prefix, context) {
    if (isObject(V)) {
      if (blobSlots.isBlob(V)) return V;
      if (infra.isArrayBuffer(V) || P.ArrayBufferIsView(V)) return V;
    }
    return converters.USVString(V, prefix, context);
  }
  const toBlobParts = webidl.createSequenceConverter(convertBlobPart);

  const toEndingType = webidl.createEnumConverter("EndingType", ["transparent", "native"]);
  const blobPropertyBag = webidl.createDictionaryConverter("BlobPropertyBag", [
    { key: "type", converter: converters.DOMString, defaultValue: "" },
    { key: "endings", converter: toEndingType, defaultValue: "transparent" },
  ]);
  const filePropertyBag = webidl.createDictionaryConverter("FilePropertyBag", [
    { key: "lastModified", converter: converters["long long"] },
  ], blobPropertyBag);

  // The Blob constructor's and slice()'s treatment of a type: only printable ASCII is kept,
  // lowercased. https://w3c.github.io/FileAPI/#constructorBlob (step 3)
  const nonPrintableRe = /[^\x20-\x7e]/;
  function normalizeType(type) {
    if (P.RegExpPrototypeExec(nonPrintableRe, type) !== null) return "";
    return P.StringPrototypeToLowerCase(type);
  }

  // https://w3c.github.io/FileAPI/#convert-line-endings-to-native: native is "\n" here.
  const lineEndingRe = /\r\n?/g;

  // https://w3c.github.io/FileAPI/#process-blob-parts
  function processBlobParts(parts, endings) {
    // A lone Blob keeps its bytes as they are: they cannot change.
    if (parts.length === 1 && blobSlots.isBlob(parts[0])) return blobSlots.bytes(parts[0]);
    // 1-2.
    const chunks = [];
    for (const element of parts) {
      if (typeof element === "string") {
        const s = endings === "native"
          ? P.StringPrototypeReplace(element, lineEndingRe, "\n")
          : element;
        P.ArrayPrototypePush(chunks, internals.encoding.encode(s));
      } else if (blobSlots.isBlob(element)) {
        P.ArrayPrototypePush(chunks, blobSlots.bytes(element));
      } else {
        // A view is enough: concatBytes copies.
        P.ArrayPrototypePush(chunks, infra.viewBytes(element));
      }
    }
    // 3.
    return infra.concatBytes(chunks);
  }

  // A fresh copy of `bytes` from `start` to `end`, in its own ArrayBuffer.
  function copyRange(bytes, start, end) {
    return P.TypedArrayPrototypeSlice(bytes, start, end);
  }

  let blobSlots;

  class Blob {
    #bytes = emptyBytes;
    #type = "";

    // https://w3c.github.io/FileAPI/#constructorBlob
    constructor(blobParts = undefined, options = undefined) {
      this[kPlatformBrand] = "Blob";
      if (blobParts === kCreate) return;
      const prefix = "Failed to construct 'Blob'";
      const parts = blobParts === undefined
        ? []
        : toBlobParts(blobParts, prefix, "Argument 1");
      const bag = blobPropertyBag(options, prefix, "Argument 2");
      // 1-2.
      this.#bytes = processBlobParts(parts, bag.endings);
      // 3.
      this.#type = normalizeType(bag.type);
    }

    // https://w3c.github.io/FileAPI/#dfn-size
    get size() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return P.TypedArrayPrototypeGetLength(this.#bytes);
    }

    // https://w3c.github.io/FileAPI/#dfn-type
    get type() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return this.#type;
    }

    // https://w3c.github.io/FileAPI/#dfn-slice
    slice(start = undefined, end = undefined, contentType = undefined) {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      const prefix = "Failed to execute 'slice' on 'Blob'";
      const clamp = { clamp: true };
      if (start !== undefined) {
        start = converters["long long"](start, prefix, "Argument 1", clamp);
      }
      if (end !== undefined) end = converters["long long"](end, prefix, "Argument 2", clamp);
      if (contentType !== undefined) {
        contentType = converters.DOMString(contentType, prefix, "Argument 3");
      }
      return sliceBlob(this, start, end, contentType);
    }

    // https://w3c.github.io/FileAPI/#dom-blob-stream
    stream() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return blobStream(this.#bytes);
    }

    // https://w3c.github.io/FileAPI/#dom-blob-text
    async text() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return internals.encoding.decode(this.#bytes);
    }

    // https://w3c.github.io/FileAPI/#dom-blob-arraybuffer
    async arrayBuffer() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return P.TypedArrayPrototypeGetBuffer(copyRange(this.#bytes));
    }

    // https://w3c.github.io/FileAPI/#dom-blob-bytes
    async bytes() {
      if (!(isObject(this) && #bytes in this)) illegalInvocation();
      return copyRange(this.#bytes);
    }

    static {
      blobSlots = {
        isBlob: (v) => isObject(v) && #bytes in v,
        bytes: (blob) => blob.#bytes,
        type: (blob) => blob.#type,
        set(blob, bytes, type) {
          blob.#bytes = bytes;
          blob.#type = type;
        },
      };
    }
  }
  configureInterface(Blob);

  // https://w3c.github.io/FileAPI/#slice-blob
  function sliceBlob(blob, start, end, contentType) {
    const bytes = blobSlots.bytes(blob);
    // 1.
    const originalSize = P.TypedArrayPrototypeGetLength(bytes);
    // 2-3.
    let relativeStart = 0;
    if (start !== undefined) {
      relativeStart = start < 0
        ? P.MathMax(originalSize + start, 0)
        : P.MathMin(start, originalSize);
    }
    // 4-5.
    let relativeEnd = originalSize;
    if (end !== undefined) {
      relativeEnd = end < 0 ? P.MathMax(originalSize + end, 0) : P.MathMin(end, originalSize);
    }
    // 6-7.
    const relativeContentType = contentType === undefined ? "" : normalizeType(contentType);
    // 8-12.
    const span = P.MathMax(relativeEnd - relativeStart, 0);
    return createBlob(subarray(bytes, relativeStart, span), relativeContentType);
  }

  // A view of `length` bytes of `bytes` from `start`, over the same memory.
  function subarray(bytes, start, length) {
    return new P.Uint8Array(P.TypedArrayPrototypeGetBuffer(bytes),
      P.TypedArrayPrototypeGetByteOffset(bytes) + start, length);
  }

  // https://w3c.github.io/FileAPI/#blob-get-stream: a stream of copies of the bytes, one
  // chunk per read.
  // TODO(conform): the spec's stream is a byte stream (BYOB readers); 41_streams.js has only
  // default controllers so far.
  function blobStream(bytes) {
    const length = P.TypedArrayPrototypeGetLength(bytes);
    let offset = 0;
    const { stream } = streams.create({
      pull(controller) {
        if (offset >= length) {
          streams.close(controller);
        } else {
          const end = P.MathMin(offset + kChunkSize, length);
          streams.enqueue(controller, copyRange(bytes, offset, end));
          offset = end;
          if (offset >= length) streams.close(controller);
        }
        return P.PromiseResolve(undefined);
      },
      highWaterMark: 0,
    });
    return stream;
  }

  function createBlob(bytes, type) {
    const blob = new Blob(kCreate);
    blobSlots.set(blob, bytes, type);
    return blob;
  }

  let fileSlots;

  class File extends Blob {
    #name = "";
    #lastModified = 0;

    // https://w3c.github.io/FileAPI/#file-constructor
    constructor(fileBits, fileName, options = undefined) {
      super(kCreate);
      this[kPlatformBrand] = "File";
      if (fileBits === kCreate) return;
      const prefix = "Failed to construct 'File'";
      webidl.requiredArguments(arguments.length, 2, prefix);
      const parts = toBlobParts(fileBits, prefix, "Argument 1");
      fileName = converters.USVString(fileName, prefix, "Argument 2");
      const bag = filePropertyBag(options, prefix, "Argument 3");
      // 1, 3.1.
      blobSlots.set(this, processBlobParts(parts, bag.endings), normalizeType(bag.type));
      // 2.
      this.#name = fileName;
      // 3.2.
      this.#lastModified = bag.lastModified ?? P.DateNow();
    }

    // https://w3c.github.io/FileAPI/#dfn-name
    get name() {
      if (!(isObject(this) && #name in this)) illegalInvocation();
      return this.#name;
    }

    // https://w3c.github.io/FileAPI/#dfn-lastModified
    get lastModified() {
      if (!(isObject(this) && #name in this)) illegalInvocation();
      return this.#lastModified;
    }

    static {
      fileSlots = {
        isFile: (v) => isObject(v) && #name in v,
        name: (file) => file.#name,
        lastModified: (file) => file.#lastModified,
        set(file, name, lastModified) {
          file.#name = name;
          file.#lastModified = lastModified;
        },
      };
    }
  }
  configureInterface(File);

  // A File of `bytes` (which nobody may change afterwards); lastModified defaults to now.
  function createFile(bytes, name, type, lastModified = P.DateNow()) {
    const file = new File(kCreate);
    blobSlots.set(file, bytes, type);
    fileSlots.set(file, name, lastModified);
    return file;
  }

  // ===== FileReader =====

  // The result of reading: https://w3c.github.io/FileAPI/#blob-package-data
  function packageData(bytes, type, mimeType, encodingName) {
    switch (type) {
      case "DataURL": {
        // https://w3c.github.io/FileAPI/#dfn-readAsDataURL: base64, the Blob's type or
        // application/octet-stream.
        const mediaType = mimeType === "" ? "application/octet-stream" : mimeType;
        const base64 = internals.base64.btoa(infra.isomorphicDecode(bytes));
        return `data:${mediaType};base64,${base64}`;
      }
      case "Text": {
        // 1-4. The encoding argument, else the type's charset, else UTF-8.
        let encoding = null;
        if (encodingName !== undefined) encoding = internals.encoding.getEncoding(encodingName);
        if (encoding === null && mimeType !== "") {
          const parsed = internals.mimeType.parse(mimeType);
          const charset = parsed === null
            ? undefined
            : P.MapPrototypeGet(parsed.parameters, "charset");
          if (charset !== undefined) encoding = internals.encoding.getEncoding(charset);
        }
        // 5.
        const index = encoding === null ? 0 : encoding[0];
        return internals.encoding.decodeWithFallback(index, bytes);
      }
      case "ArrayBuffer":
        return P.TypedArrayPrototypeGetBuffer(copyRange(bytes));
      default:
        return infra.isomorphicDecode(bytes);
    }
  }

  const eventImpl = internals.event;

  // https://w3c.github.io/FileAPI/#fire-a-progress-event
  function fireProgressEvent(reader, type) {
    const event = new internals.ProgressEvent(type);
    eventImpl.setTrusted(event);
    eventImpl.dispatch(reader, event);
  }

  let readArguments;

  class FileReader extends internals.EventTarget {
    // "empty", "loading" or "done".
    #state = "empty";
    #result = null;
    #error = null;
    // Counts reads and aborts: a queued task of an older read finds a newer number and does
    // nothing, which is how abort() removes them.
    #generation = 0;

    // https://w3c.github.io/FileAPI/#filereaderConstrctr
    constructor() {
      super();
      this[kPlatformBrand] = "FileReader";
    }

    // https://w3c.github.io/FileAPI/#readAsArrayBuffer
    readAsArrayBuffer(blob) {
      this.#read(readArguments(this, arguments, "readAsArrayBuffer"), "ArrayBuffer");
    }

    // https://w3c.github.io/FileAPI/#readAsBinaryString
    readAsBinaryString(blob) {
      this.#read(readArguments(this, arguments, "readAsBinaryString"), "BinaryString");
    }

    // https://w3c.github.io/FileAPI/#readAsDataText
    readAsText(blob, encoding = undefined) {
      blob = readArguments(this, arguments, "readAsText");
      if (encoding !== undefined) {
        encoding = converters.DOMString(encoding,
          "Failed to execute 'readAsText' on 'FileReader'", "Argument 2");
      }
      this.#read(blob, "Text", encoding);
    }

    // https://w3c.github.io/FileAPI/#readAsDataURL
    readAsDataURL(blob) {
      this.#read(readArguments(this, arguments, "readAsDataURL"), "DataURL");
    }

    // https://w3c.github.io/FileAPI/#dfn-abort
    abort() {
      if (!(isObject(this) && #state in this)) illegalInvocation();
      // 1.
      if (this.#state === "empty" || this.#state === "done") {
        this.#result = null;
        return;
      }
      // 2.
      this.#state = "done";
      this.#result = null;
      // 3-4.
      this.#generation++;
      // 5-6.
      fireProgressEvent(this, "abort");
      if (this.#state !== "loading") fireProgressEvent(this, "loadend");
    }

    static {
      // The receiver check and the Blob argument of the read methods.
      readArguments = (reader, args, method) => {
        if (!(isObject(reader) && #state in reader)) illegalInvocation();
        const prefix = `Failed to execute '${method}' on 'FileReader'`;
        webidl.requiredArguments(args.length, 1, prefix);
        return toBlob(args[0], prefix, "Argument 1");
      };
    }

    get readyState() {
      if (!(isObject(this) && #state in this)) illegalInvocation();
      return this.#state === "empty" ? 0 : this.#state === "loading" ? 1 : 2;
    }

    get result() {
      if (!(isObject(this) && #state in this)) illegalInvocation();
      return this.#result;
    }

    get error() {
      if (!(isObject(this) && #state in this)) illegalInvocation();
      return this.#error;
    }

    // https://w3c.github.io/FileAPI/#readOperation
    // The bytes are read at once (a Blob's are in memory and never change); the events still
    // come in tasks of their own, loadstart, then progress (unless the Blob is empty), then the
    // result with load and loadend.
    #read(blob, type, encodingName = undefined) {
      // 1.
      if (this.#state === "loading") {
        throw new internals.DOMException("Failed to read: the object is already busy reading " +
          "Blobs.", "InvalidStateError");
      }
      // 2-4.
      this.#state = "loading";
      this.#result = null;
      this.#error = null;
      const generation = ++this.#generation;
      const bytes = blobSlots.bytes(blob);
      const mimeType = blobSlots.type(blob);
      const queueTask = (step) => internals.timers.startInternal(() => {
        if (this.#generation === generation) step();
      }, 0);
      // The last steps: the result, load, then loadend. loadend comes in a task after load's
      // rather than in the same one: between two listeners called from JS no microtask runs,
      // and scripts awaiting load expect to run before loadend, as they would in a browser. A
      // read started by a load listener (the state is "loading" again) drops the task.
      const finish = () => {
        this.#state = "done";
        this.#result = packageData(bytes, type, mimeType, encodingName);
        fireProgressEvent(this, "load");
        queueTask(() => {
          if (this.#state !== "loading") fireProgressEvent(this, "loadend");
        });
      };
      // The first chunk's loadstart, and a progress event for the bytes.
      queueTask(() => {
        fireProgressEvent(this, "loadstart");
        if (P.TypedArrayPrototypeGetLength(bytes) === 0) {
          queueTask(finish);
        } else {
          queueTask(() => {
            fireProgressEvent(this, "progress");
            queueTask(finish);
          });
        }
      });
    }
  }
  infra.defineConstants(FileReader, { EMPTY: 0, LOADING: 1, DONE: 2 });
  for (const type of ["loadstart", "progress", "load", "abort", "error", "loadend"]) {
    eventImpl.defineEventHandler(FileReader.prototype, type);
  }
  configureInterface(FileReader);

  const toBlob = webidl.createInterfaceConverter("Blob", (v) => blobSlots.isBlob(v));

  // [Serializable]: https://w3c.github.io/FileAPI/#blob-section, #file-section. The bytes are
  // copied to a buffer of their own: a slice's view would take its parent's whole buffer along.
  infra.defineSerializable("Blob", {
    serialize: (blob) => ({ bytes: copyRange(blobSlots.bytes(blob)), type: blobSlots.type(blob) }),
    create: () => new Blob(kCreate),
    deserialize(blob, data) {
      blobSlots.set(blob, data.bytes, data.type);
    },
  });
  infra.defineSerializable("File", {
    serialize: (file) => ({
      bytes: copyRange(blobSlots.bytes(file)),
      type: blobSlots.type(file),
      name: fileSlots.name(file),
      lastModified: fileSlots.lastModified(file),
    }),
    create: () => new File(kCreate),
    deserialize(file, data) {
      blobSlots.set(file, data.bytes, data.type);
      fileSlots.set(file, data.name, data.lastModified);
    },
  });

  internals.Blob = Blob;
  internals.File = File;
  internals.FileReader = FileReader;
  internals.blob = {
    isBlob: blobSlots.isBlob,
    isFile: fileSlots.isFile,
    // The Blob's bytes, shared: the caller must never change them nor hand them out.
    bytes: blobSlots.bytes,
    type: blobSlots.type,
    name: fileSlots.name,
    lastModified: fileSlots.lastModified,
    // A Blob of `bytes`, which nobody may change afterwards; `type` as it is.
    create: createBlob,
    createFile,
  };
});
