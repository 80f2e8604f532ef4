"use strict";
// DOMException: the error class of Web APIs, with its legacy numeric codes.
// https://webidl.spec.whatwg.org/#idl-DOMException
((ops, internals) => {
  const P = internals.primordials;
  const {
    configureInterface, defineConstants, defineSerializable, illegalInvocation, kPlatformBrand,
  } = internals.infra;
  const { converters } = internals.webidl;

  // https://webidl.spec.whatwg.org/#dfn-error-names-table
  const legacyCodes = {
    IndexSizeError: 1,
    HierarchyRequestError: 3,
    WrongDocumentError: 4,
    InvalidCharacterError: 5,
    NoModificationAllowedError: 7,
    NotFoundError: 8,
    NotSupportedError: 9,
    InUseAttributeError: 10,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidModificationError: 13,
    NamespaceError: 14,
    InvalidAccessError: 15,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    URLMismatchError: 21,
    QuotaExceededError: 22,
    TimeoutError: 23,
    InvalidNodeTypeError: 24,
    DataCloneError: 25,
  };

  // Set while structuredClone() makes an instance to deserialize into: it takes the stack of
  // the original instead of capturing one.
  let deserializing = false;

  class DOMException {
    #name;
    #message;

    // https://webidl.spec.whatwg.org/#dom-domexception-domexception
    constructor(message = "", name = "Error") {
      const prefix = "Failed to construct 'DOMException'";
      this.#message = converters.DOMString(message, prefix, "Argument 1");
      this.#name = converters.DOMString(name, prefix, "Argument 2");
      this[kPlatformBrand] = "DOMException";
      // A `stack` like native errors have, headed by "<name>: <message>".
      if (!deserializing) P.ErrorCaptureStackTrace?.(this, DOMException);
    }

    get name() {
      if (!(#name in this)) illegalInvocation();
      return this.#name;
    }

    get message() {
      if (!(#message in this)) illegalInvocation();
      return this.#message;
    }

    get code() {
      if (!(#name in this)) illegalInvocation();
      return legacyCodes[this.#name] ?? 0;
    }

    static {
      internals.isDOMException = (value) =>
        typeof value === "object" && value !== null && #name in value;

      // DOMException is [Serializable]: https://webidl.spec.whatwg.org/#idl-DOMException
      // The stack goes along too, as V8 does for native errors.
      defineSerializable("DOMException", {
        serialize(value) {
          const stack = value.stack;
          return [value.#name, value.#message, typeof stack === "string" ? stack : undefined];
        },
        create() {
          deserializing = true;
          try {
            return new DOMException();
          } finally {
            deserializing = false;
          }
        },
        deserialize(value, data) {
          value.#name = data[0];
          value.#message = data[1];
          if (data[2] !== undefined) {
            P.ObjectDefineProperty(value, "stack", {
              value: data[2],
              writable: true,
              enumerable: false,
              configurable: true,
            });
          }
        },
      });
    }
  }

  // DOMException.prototype inherits from Error.prototype.
  // https://webidl.spec.whatwg.org/#es-DOMException-specialness
  P.ObjectSetPrototypeOf(DOMException.prototype, P.Error.prototype);
  configureInterface(DOMException);

  defineConstants(DOMException, {
    INDEX_SIZE_ERR: 1,
    DOMSTRING_SIZE_ERR: 2,
    HIERARCHY_REQUEST_ERR: 3,
    WRONG_DOCUMENT_ERR: 4,
    INVALID_CHARACTER_ERR: 5,
    NO_DATA_ALLOWED_ERR: 6,
    NO_MODIFICATION_ALLOWED_ERR: 7,
    NOT_FOUND_ERR: 8,
    NOT_SUPPORTED_ERR: 9,
    INUSE_ATTRIBUTE_ERR: 10,
    INVALID_STATE_ERR: 11,
    SYNTAX_ERR: 12,
    INVALID_MODIFICATION_ERR: 13,
    NAMESPACE_ERR: 14,
    INVALID_ACCESS_ERR: 15,
    VALIDATION_ERR: 16,
    TYPE_MISMATCH_ERR: 17,
    SECURITY_ERR: 18,
    NETWORK_ERR: 19,
    ABORT_ERR: 20,
    URL_MISMATCH_ERR: 21,
    QUOTA_EXCEEDED_ERR: 22,
    TIMEOUT_ERR: 23,
    INVALID_NODE_TYPE_ERR: 24,
    DATA_CLONE_ERR: 25,
  });

  internals.DOMException = DOMException;
});
