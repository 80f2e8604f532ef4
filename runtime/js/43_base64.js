"use strict";
// atob() and btoa(): https://html.spec.whatwg.org/multipage/webappapis.html#atob
((ops, internals) => {
  const P = internals.primordials;
  const webidl = internals.webidl;

  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const values = new P.Uint8Array(128).fill(255);
  for (let i = 0; i < alphabet.length; i++) values[P.StringPrototypeCharCodeAt(alphabet, i)] = i;
  const asciiWhitespace = /[\t\n\f\r ]/g;

  function invalidCharacter(message) {
    return new internals.DOMException(message, "InvalidCharacterError");
  }

  // https://html.spec.whatwg.org/multipage/webappapis.html#dom-btoa
  function btoa(data) {
    const prefix = "Failed to execute 'btoa'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    data = webidl.converters.DOMString(data, prefix, "Argument 1");
    let out = "";
    for (let i = 0; i < data.length; i += 3) {
      const a = P.StringPrototypeCharCodeAt(data, i);
      const b = i + 1 < data.length ? P.StringPrototypeCharCodeAt(data, i + 1) : 0;
      const c = i + 2 < data.length ? P.StringPrototypeCharCodeAt(data, i + 2) : 0;
      if (a > 0xff || b > 0xff || c > 0xff) {
        throw invalidCharacter(`${prefix}: The string to be encoded contains characters ` +
          "outside of the Latin1 range.");
      }
      const bits = (a << 16) | (b << 8) | c;
      out += alphabet[(bits >> 18) & 63] + alphabet[(bits >> 12) & 63];
      out += i + 1 < data.length ? alphabet[(bits >> 6) & 63] : "=";
      out += i + 2 < data.length ? alphabet[bits & 63] : "=";
    }
    return out;
  }

  // https://html.spec.whatwg.org/multipage/webappapis.html#dom-atob, with the
  // https://infra.spec.whatwg.org/#forgiving-base64-decode steps numbered.
  function atob(data) {
    const prefix = "Failed to execute 'atob'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    data = webidl.converters.DOMString(data, prefix, "Argument 1");
    const failure = () =>
      invalidCharacter(`${prefix}: The string to be decoded is not correctly encoded.`);
    // 1.
    data = P.StringPrototypeReplace(data, asciiWhitespace, "");
    // 2.
    if (data.length % 4 === 0) {
      if (P.StringPrototypeEndsWith(data, "==")) data = P.StringPrototypeSlice(data, 0, -2);
      else if (P.StringPrototypeEndsWith(data, "=")) data = P.StringPrototypeSlice(data, 0, -1);
    }
    // 3.
    if (data.length % 4 === 1) throw failure();
    // 5-8.
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < data.length; i++) {
      const code = P.StringPrototypeCharCodeAt(data, i);
      // 4.
      const value = code < 128 ? values[code] : 255;
      if (value === 255) throw failure();
      buffer = (buffer << 6) | value;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += P.StringFromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  }

  internals.base64 = { atob, btoa };
});
