"use strict";
// The Body mixin shared by Request and Response, and body extraction. A body made from a
// string or bytes keeps that source and only builds its ReadableStream when someone asks for
// `.body`, so that the common case answers a request without any stream machinery.
// https://fetch.spec.whatwg.org/#body-mixin
((ops, internals) => {
  const P = internals.primordials;
  const infra = internals.infra;
  const streams = internals.streams;

  // A body record: { stream, source, used }.
  // - stream: a ReadableStream, or null while the body is still only its source;
  // - source: a string or Uint8Array (never handed out without a copy), or null for a body
  //   that is only a stream;
  // - used: set when the body was consumed or given away without its stream being built.
  // https://fetch.spec.whatwg.org/#concept-body

  function bodyFromSource(source) {
    return { stream: null, source, used: false };
  }

  function bodyFromStream(stream) {
    return { stream, source: null, used: false };
  }

  // A body streamed from the runtime (an incoming request's, a fetch() response's): each pull
  // reads one chunk with op_body_read. A high-water mark of 0 reads only when JS reads.
  function bodyFromRid(rid) {
    const { stream } = streams.create({
      pull: (controller) =>
        P.PromisePrototypeThen(ops.op_body_read(rid), (chunk) => {
          if (chunk === null) streams.close(controller);
          else streams.enqueue(controller, chunk);
        }),
      cancel: () => {
        ops.op_body_discard(rid);
        return P.PromiseResolve(undefined);
      },
      highWaterMark: 0,
    });
    return bodyFromStream(stream);
  }

  // https://fetch.spec.whatwg.org/#concept-bodyinit-extract
  // `object` is already a BodyInit: a ReadableStream, Blob, BufferSource, FormData,
  // URLSearchParams or string. Returns { body, type } where type is the Content-Type to use,
  // or null. A Blob's bytes become the source as they are (they never change); a FormData is
  // serialized now, which is what reading its stream would give.
  function extractBody(object, prefix) {
    // 6-7. (the source for each type)
    if (typeof object === "string") {
      return { body: bodyFromSource(object), type: "text/plain;charset=UTF-8" };
    }
    if (internals.blob.isBlob(object)) {
      const type = internals.blob.type(object);
      return { body: bodyFromSource(internals.blob.bytes(object)), type: type || null };
    }
    if (infra.isArrayBuffer(object) || P.ArrayBufferIsView(object)) {
      return { body: bodyFromSource(infra.copyBufferSource(object)), type: null };
    }
    if (internals.formData.isFormData(object)) {
      const boundary = internals.formData.newBoundary();
      const bytes = internals.formData.serializeMultipart(internals.formData.entries(object),
        boundary);
      return { body: bodyFromSource(bytes), type: `multipart/form-data; boundary=${boundary}` };
    }
    if (internals.url.isURLSearchParams(object)) {
      return {
        body: bodyFromSource(internals.url.serializeSearchParams(object)),
        type: "application/x-www-form-urlencoded;charset=UTF-8",
      };
    }
    // ReadableStream: 1.4. A stream that was read or is locked cannot become a body.
    if (streams.isDisturbed(object) || streams.isLocked(object)) {
      throw new P.TypeError(`${prefix}: The body stream is already read or locked`);
    }
    return { body: bodyFromStream(object), type: null };
  }

  // Converts a value to a BodyInit.
  // (ReadableStream or Blob or BufferSource or FormData or URLSearchParams or USVString)
  function convertBodyInit(value, prefix, context) {
    if (typeof value === "object" && value !== null) {
      if (streams.isReadableStream(value)) return value;
      if (internals.blob.isBlob(value)) return value;
      if (infra.isArrayBuffer(value) || P.ArrayBufferIsView(value)) return value;
      if (internals.formData.isFormData(value)) return value;
      if (internals.url.isURLSearchParams(value)) return value;
    }
    return internals.webidl.converters.USVString(value, prefix, context);
  }

  function sourceBytes(source) {
    return typeof source === "string" ? internals.encoding.encode(source) : source;
  }

  // The body's stream, built from its source on first use.
  function bodyStream(body) {
    if (body.stream === null) {
      body.stream = streams.streamFromBytes(
        body.used ? new P.Uint8Array(0) : P.TypedArrayPrototypeSlice(sourceBytes(body.source)));
      if (body.used) streams.cancel(body.stream, undefined);
    }
    return body.stream;
  }

  // https://fetch.spec.whatwg.org/#body-unusable
  function isUnusable(body) {
    if (body === null) return false;
    if (body.used) return true;
    return body.stream !== null &&
      (streams.isDisturbed(body.stream) || streams.isLocked(body.stream));
  }

  // The source of a body whose stream nobody touched, marking the body used; or null when the
  // body has to be read as a stream. For answering requests without a stream.
  function takeSource(body) {
    if (body.source === null || body.used) return null;
    if (body.stream !== null &&
      (streams.isDisturbed(body.stream) || streams.isLocked(body.stream))) {
      return null;
    }
    body.used = true;
    return body.source;
  }

  // https://fetch.spec.whatwg.org/#concept-body-clone
  function cloneBody(body) {
    if (body.stream === null) return bodyFromSource(body.source);
    // 1-3.
    const [out1, out2] = streams.tee(body.stream);
    body.stream = out1;
    return { stream: out2, source: body.source, used: false };
  }

  // Gives the body away (to a new Request made from this one), leaving the old owner with a
  // used body. https://fetch.spec.whatwg.org/#dom-request (step 44)
  function transferBody(body) {
    const taken = { stream: body.stream, source: body.source, used: false };
    body.used = true;
    return taken;
  }

  // https://fetch.spec.whatwg.org/#concept-body-consume-body
  // Resolves with a string (a string source) or a Uint8Array the caller may keep.
  function consume(body, prefix) {
    // 1.
    if (isUnusable(body)) {
      return P.PromiseReject(
        new P.TypeError(`${prefix}: Body is unusable: Body has already been read`));
    }
    // 4.
    if (body === null) return P.PromiseResolve(new P.Uint8Array(0));
    if (body.stream === null) {
      body.used = true;
      const source = body.source;
      const data = typeof source === "string" ? source : P.TypedArrayPrototypeSlice(source);
      return P.PromiseResolve(data);
    }
    // 5.
    return streams.readAllBytes(body.stream);
  }

  // https://encoding.spec.whatwg.org/#utf-8-decode
  function utf8Decode(data) {
    if (typeof data === "string") {
      return data[0] === "\uFEFF" ? P.StringPrototypeSlice(data, 1) : data;
    }
    return internals.encoding.decode(data);
  }

  function toBytes(data) {
    return typeof data === "string" ? internals.encoding.encode(data) : data;
  }

  // https://fetch.spec.whatwg.org/#concept-body-mime-type: a MIME type record or null.
  function mimeType(headers) {
    const headersImpl = internals.headers;
    return internals.mimeType.extract(headersImpl.listGet(headersImpl.list(headers),
      "content-type"));
  }

  // The formData() steps once the body is read: `data` is a string or bytes.
  // https://fetch.spec.whatwg.org/#dom-body-formdata
  function packageFormData(data, headers, prefix) {
    const mime = internals.mimeType;
    // 1.
    const type = mimeType(headers);
    // 2.
    if (type !== null) {
      const essence = mime.essence(type);
      if (essence === "multipart/form-data") {
        const boundary = P.MapPrototypeGet(type.parameters, "boundary");
        const entries = boundary === undefined
          ? null
          : internals.formData.parseMultipart(toBytes(data), boundary);
        if (entries === null) {
          throw new P.TypeError(`${prefix}: Could not parse the body as multipart/form-data`);
        }
        return internals.formData.create(entries);
      }
      if (essence === "application/x-www-form-urlencoded") {
        return internals.formData.create(internals.url.parseUrlencoded(data));
      }
    }
    // 3.
    throw new P.TypeError(`${prefix}: The body's Content-Type is neither multipart/form-data ` +
      "nor application/x-www-form-urlencoded");
  }

  // Defines body, bodyUsed, arrayBuffer(), blob(), bytes(), formData(), json() and text() on
  // `Class.prototype`. `getBody(object)` returns the body record or null, and throws for
  // foreign objects; `getHeaders(object)` returns its Headers.
  function installBodyMixin(Class, getBody, getHeaders) {
    const name = Class.name;
    const prefix = (method) => `Failed to execute '${method}' on '${name}'`;
    const members = {
      // https://fetch.spec.whatwg.org/#dom-body-body
      get body() {
        const body = getBody(this);
        return body === null ? null : bodyStream(body);
      },
      // https://fetch.spec.whatwg.org/#dom-body-bodyused
      get bodyUsed() {
        const body = getBody(this);
        if (body === null) return false;
        return body.used || (body.stream !== null && streams.isDisturbed(body.stream));
      },
      // https://fetch.spec.whatwg.org/#dom-body-arraybuffer
      async arrayBuffer() {
        const data = await consume(getBody(this), prefix("arrayBuffer"));
        const bytes = toBytes(data);
        return P.ArrayBufferPrototypeSlice(P.TypedArrayPrototypeGetBuffer(bytes),
          P.TypedArrayPrototypeGetByteOffset(bytes),
          P.TypedArrayPrototypeGetByteOffset(bytes) + P.TypedArrayPrototypeGetByteLength(bytes));
      },
      // https://fetch.spec.whatwg.org/#dom-body-blob
      async blob() {
        const bytes = toBytes(await consume(getBody(this), prefix("blob")));
        const type = mimeType(getHeaders(this));
        return internals.blob.create(bytes,
          type === null ? "" : internals.mimeType.serialize(type));
      },
      // https://fetch.spec.whatwg.org/#dom-body-bytes
      async bytes() {
        return toBytes(await consume(getBody(this), prefix("bytes")));
      },
      // https://fetch.spec.whatwg.org/#dom-body-formdata
      async formData() {
        const data = await consume(getBody(this), prefix("formData"));
        return packageFormData(data, getHeaders(this), prefix("formData"));
      },
      // https://fetch.spec.whatwg.org/#dom-body-json
      async json() {
        return P.JSONParse(utf8Decode(await consume(getBody(this), prefix("json"))));
      },
      // https://fetch.spec.whatwg.org/#dom-body-text
      async text() {
        return utf8Decode(await consume(getBody(this), prefix("text")));
      },
    };
    for (const key of P.ObjectKeys(members)) {
      const desc = P.ObjectGetOwnPropertyDescriptor(members, key);
      desc.enumerable = false;
      P.ObjectDefineProperty(Class.prototype, key, desc);
    }
  }

  internals.body = {
    fromSource: bodyFromSource,
    fromStream: bodyFromStream,
    fromRid: bodyFromRid,
    consume,
    extract: extractBody,
    convertBodyInit,
    stream: bodyStream,
    isUnusable,
    takeSource,
    clone: cloneBody,
    transfer: transferBody,
    installBodyMixin,
  };
});
