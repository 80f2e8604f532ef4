"use strict";
// MIME types: the MIME Sniffing Standard's parser and serializer, and the Fetch Standard's
// "extract a MIME type" from a header list, which Blob-producing and FormData-parsing bodies
// need (https://mimesniff.spec.whatwg.org/#mime-type-representation). Nothing here is public.
((ops, internals) => {
  const P = internals.primordials;

  // https://fetch.spec.whatwg.org/#http-whitespace
  const isHTTPWhitespace = (c) => c === "\t" || c === "\n" || c === "\r" || c === " ";
  // https://fetch.spec.whatwg.org/#http-tab-or-space
  const isHTTPTabOrSpace = (c) => c === "\t" || c === " ";
  // https://mimesniff.spec.whatwg.org/#http-token-code-point
  const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  // https://mimesniff.spec.whatwg.org/#http-quoted-string-token-code-point
  const quotedStringTokenRe = /^[\t\x20-\x7e\x80-\xff]*$/;

  const isToken = (s) => P.RegExpPrototypeExec(tokenRe, s) !== null;

  // Removes the code points that `test` accepts from the start (when `start`) and the end.
  function strip(s, test, start = true) {
    let from = 0;
    let to = s.length;
    if (start) while (from < to && test(s[from])) from++;
    while (to > from && test(s[to - 1])) to--;
    return from === 0 && to === s.length ? s : P.StringPrototypeSlice(s, from, to);
  }

  // Collects code points from position.i up to (not including) the first that `stop` accepts.
  // https://infra.spec.whatwg.org/#collect-a-sequence-of-code-points
  function collectUntil(input, position, stop) {
    const start = position.i;
    while (position.i < input.length && !stop(input[position.i])) position.i++;
    return P.StringPrototypeSlice(input, start, position.i);
  }

  // https://fetch.spec.whatwg.org/#collect-an-http-quoted-string
  function collectQuotedString(input, position, extractValue) {
    // 1-4.
    const positionStart = position.i;
    let value = "";
    position.i++;
    // 5.
    for (;;) {
      value += collectUntil(input, position, (c) => c === "\"" || c === "\\");
      if (position.i >= input.length) break;
      const quoteOrBackslash = input[position.i];
      position.i++;
      if (quoteOrBackslash === "\\") {
        if (position.i >= input.length) {
          value += "\\";
          break;
        }
        value += input[position.i];
        position.i++;
      } else {
        break;
      }
    }
    // 6-7.
    if (extractValue) return value;
    return P.StringPrototypeSlice(input, positionStart, position.i);
  }

  // A MIME type record is { type, subtype, parameters: Map }, type and subtype lowercase.
  // https://mimesniff.spec.whatwg.org/#parse-a-mime-type
  // Returns null for failure.
  function parse(input) {
    // 1-2.
    input = strip(input, isHTTPWhitespace);
    const position = { i: 0 };
    // 3-6.
    const type = collectUntil(input, position, (c) => c === "/");
    if (type === "" || !isToken(type)) return null;
    if (position.i >= input.length) return null;
    position.i++;
    // 7-9.
    let subtype = collectUntil(input, position, (c) => c === ";");
    subtype = strip(subtype, isHTTPWhitespace, false);
    if (subtype === "" || !isToken(subtype)) return null;
    // 10.
    const mimeType = {
      type: P.StringPrototypeToLowerCase(type),
      subtype: P.StringPrototypeToLowerCase(subtype),
      parameters: new P.Map(),
    };
    // 11.
    while (position.i < input.length) {
      // 11.1-2.
      position.i++;
      collectUntil(input, position, (c) => !isHTTPWhitespace(c));
      // 11.3-4.
      let name = collectUntil(input, position, (c) => c === ";" || c === "=");
      name = P.StringPrototypeToLowerCase(name);
      // 11.5.
      if (position.i < input.length) {
        if (input[position.i] === ";") continue;
        position.i++;
      }
      // 11.6.
      if (position.i >= input.length) break;
      // 11.7-9.
      let value;
      if (input[position.i] === "\"") {
        value = collectQuotedString(input, position, true);
        collectUntil(input, position, (c) => c === ";");
      } else {
        value = collectUntil(input, position, (c) => c === ";");
        value = strip(value, isHTTPWhitespace, false);
        if (value === "") continue;
      }
      // 11.10.
      if (name !== "" && isToken(name) &&
        P.RegExpPrototypeExec(quotedStringTokenRe, value) !== null &&
        !P.MapPrototypeHas(mimeType.parameters, name)) {
        P.MapPrototypeSet(mimeType.parameters, name, value);
      }
    }
    // 12.
    return mimeType;
  }

  // https://mimesniff.spec.whatwg.org/#mime-type-essence
  const essence = (mimeType) => `${mimeType.type}/${mimeType.subtype}`;

  // https://mimesniff.spec.whatwg.org/#serialize-a-mime-type
  function serialize(mimeType) {
    // 1-2.
    let serialization = essence(mimeType);
    // 3.
    P.MapPrototypeForEach(mimeType.parameters, (value, name) => {
      serialization += `;${name}=`;
      if (value === "" || !isToken(value)) {
        serialization += `"${P.StringPrototypeReplace(value, /["\\]/g, "\\$&")}"`;
      } else {
        serialization += value;
      }
    });
    return serialization;
  }

  // https://fetch.spec.whatwg.org/#header-value-get-decode-and-split
  // `value` is a header value (a ByteString, so already "isomorphic decoded").
  function decodeAndSplit(value) {
    // 1-4.
    const position = { i: 0 };
    const values = [];
    let temporaryValue = "";
    // 5.
    for (;;) {
      temporaryValue += collectUntil(value, position, (c) => c === "\"" || c === ",");
      if (position.i < value.length && value[position.i] === "\"") {
        temporaryValue += collectQuotedString(value, position, false);
        if (position.i < value.length) continue;
      }
      P.ArrayPrototypePush(values, strip(temporaryValue, isHTTPTabOrSpace));
      temporaryValue = "";
      if (position.i >= value.length) return values;
      position.i++;
    }
  }

  // https://fetch.spec.whatwg.org/#concept-header-extract-mime-type
  // `contentType` is the combined `Content-Type` header value, or null. Returns a MIME type
  // record or null for failure.
  function extract(contentType) {
    // 1-5.
    let charset = null;
    let currentEssence = null;
    let mimeType = null;
    if (contentType === null) return null;
    // 6.
    for (const value of decodeAndSplit(contentType)) {
      const temporaryMimeType = parse(value);
      if (temporaryMimeType === null || essence(temporaryMimeType) === "*/*") continue;
      mimeType = temporaryMimeType;
      const mimeEssence = essence(mimeType);
      if (mimeEssence !== currentEssence) {
        charset = P.MapPrototypeGet(mimeType.parameters, "charset") ?? null;
        currentEssence = mimeEssence;
      } else if (!P.MapPrototypeHas(mimeType.parameters, "charset") && charset !== null) {
        P.MapPrototypeSet(mimeType.parameters, "charset", charset);
      }
    }
    // 7-8.
    return mimeType;
  }

  internals.mimeType = { parse, serialize, essence, extract, isHTTPWhitespace };
});
