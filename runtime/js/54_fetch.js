"use strict";
// fetch(): https://fetch.spec.whatwg.org/#fetch-method, over the runtime's HTTP client.
// TODO(conform): this is the minimal client the WPT harness needs (http: URLs, buffered
// request bodies, redirects); CORS, abort, data:/blob: URLs and streamed uploads come with
// the fetch issue.
((ops, internals) => {
  const P = internals.primordials;
  const headersImpl = internals.headers;
  const bodyImpl = internals.body;

  function fetch(input, init = undefined) {
    // 1-2. Errors of constructing the request reject the returned promise.
    let request;
    try {
      webidl.requiredArguments(arguments.length, 1, "Failed to execute 'fetch'");
      request = new internals.Request(input, init);
    } catch (error) {
      return P.PromiseReject(error);
    }
    const method = request.method;
    const url = request.url;
    const redirect = request.redirect;
    const headers = headersImpl.flatten(request.headers);
    const body = internals.request.body(request);
    const bytes = body === null
      ? P.PromiseResolve(null)
      : bodyImpl.consume(body, "Failed to execute 'fetch'");
    return P.PromisePrototypeThen(bytes, (data) =>
      P.PromisePrototypeThen(ops.op_fetch(method, url, headers, data, redirect), (head) => {
        const { 0: status, 1: statusText, 2: flat, 3: bodyRid, 4: finalUrl, 5: redirected } =
          head;
        return internals.response.fromNetwork({
          status,
          statusText,
          headers: headersImpl.fromFlat(flat, "immutable"),
          body: bodyRid === null ? null : bodyImpl.fromRid(bodyRid),
          urlList: redirected ? [url, finalUrl] : [finalUrl],
        });
      }));
  }

  const webidl = internals.webidl;
  internals.fetch = fetch;
});
