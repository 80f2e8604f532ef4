"use strict";
// structuredClone(): V8's value serializer does the walk (op_structured_clone); this file holds
// the WebIDL glue, the transfer list's checks, and the steps for platform objects, which the
// serializer hands back here (see runtime/src/structured_clone.rs).
// https://html.spec.whatwg.org/multipage/structured-data.html
((ops, internals) => {
  const P = internals.primordials;
  const { isArrayBuffer, kPlatformBrand, serializableInterfaces } = internals.infra;
  const webidl = internals.webidl;

  function dataCloneError(message) {
    return new internals.DOMException(message, "DataCloneError");
  }

  // The most derived interface an object is an instance of, for messages: the nearest
  // Symbol.toStringTag that is a plain string on its prototype chain (no getter runs).
  function interfaceName(value) {
    for (let o = P.ObjectGetPrototypeOf(value); o !== null; o = P.ObjectGetPrototypeOf(o)) {
      const tag = P.ObjectGetOwnPropertyDescriptor(o, P.SymbolToStringTag)?.value;
      if (typeof tag === "string") return tag;
    }
    return value[kPlatformBrand];
  }

  // The serializer met a platform object: its serialization steps, or a DataCloneError.
  // Returns [a new empty object of its interface, the data to clone for it].
  // https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
  // step 26
  function writeHost(value) {
    const steps = P.MapPrototypeGet(serializableInterfaces, value[kPlatformBrand]);
    if (steps === undefined) {
      throw dataCloneError(`${interfaceName(value)} object could not be cloned.`);
    }
    const data = steps.serialize(value);
    return [steps.create(), data];
  }

  // The value has been read: the deserialization steps of its platform objects. Objects
  // nested in another's data come later in the list, so they go first.
  function readHosts(objects, data) {
    for (let i = objects.length - 1; i >= 0; i--) {
      const object = objects[i];
      P.MapPrototypeGet(serializableInterfaces, object[kPlatformBrand])
        .deserialize(object, data[i]);
    }
  }

  const toTransferList = webidl.createSequenceConverter(webidl.converters.object);

  // dictionary StructuredSerializeOptions { sequence<object> transfer = []; };
  const toOptions = webidl.createDictionaryConverter("StructuredSerializeOptions", [
    { key: "transfer", converter: toTransferList },
  ]);

  // https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
  function structuredClone(value, options = undefined) {
    const prefix = "Failed to execute 'structuredClone'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = toOptions(options, prefix, "Argument 2").transfer ?? [];

    // StructuredSerializeWithTransfer step 2. ArrayBuffer is the only transferable type here:
    // there is no MessagePort (nor transferable streams) in a worker runtime without
    // other agents to pass messages to.
    const buffers = [];
    for (let i = 0; i < transfer.length; i++) {
      const transferable = transfer[i];
      if (!isArrayBuffer(transferable)) {
        throw dataCloneError(`Value at index ${i} does not have a transferable type.`);
      }
      if (P.ArrayPrototypeIncludes(buffers, transferable)) {
        throw dataCloneError(`ArrayBuffer at index ${i} is a duplicate of an earlier ` +
          "ArrayBuffer. Source and target ArrayBuffers must be distinct.");
      }
      P.ArrayPrototypePush(buffers, transferable);
    }

    return ops.op_structured_clone(value, buffers, kPlatformBrand, writeHost, readHosts,
      dataCloneError);
  }

  internals.structuredClone = structuredClone;
});
