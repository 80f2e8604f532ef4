"use strict";
// Corrections to V8's WebAssembly JS API where it departs from the spec's WebIDL. V8 installs
// WebAssembly into each new context (it is never part of a snapshot), so the runtime calls
// `internals.correctWebAssembly()` on every context it creates.
// https://webassembly.github.io/spec/js-api/
((ops, internals) => {
  const P = internals.primordials;

  // WebIDL gives an attribute setter a required argument: called with none, it throws a
  // TypeError (https://webidl.spec.whatwg.org/#dfn-attribute-setter, step 4.3). V8 152's
  // WebAssembly.Global value setter stores `undefined` instead.
  function correctGlobalValueSetter(Global) {
    const desc = P.ObjectGetOwnPropertyDescriptor(Global.prototype, "value");
    if (desc === undefined || typeof desc.set !== "function") return;
    const setValue = desc.set;
    const accessors = {
      set value(value) {
        if (arguments.length === 0) {
          throw new P.TypeError("Failed to set the 'value' property on 'WebAssembly.Global': " +
            "1 argument required, but only 0 present.");
        }
        P.ReflectApply(setValue, this, [value]);
      },
    };
    desc.set = P.ObjectGetOwnPropertyDescriptor(accessors, "value").set;
    P.ObjectDefineProperty(Global.prototype, "value", desc);
  }

  internals.correctWebAssembly = () => {
    // While a snapshot is being built a guard (a Proxy) stands in for the namespace; it has
    // no getOwnPropertyDescriptor trap, so the lookup of `Global` below finds nothing there.
    const namespace = P.ObjectGetOwnPropertyDescriptor(P.globalThis, "WebAssembly")?.value;
    if (typeof namespace !== "object" || namespace === null) return;
    const Global = P.ObjectGetOwnPropertyDescriptor(namespace, "Global")?.value;
    if (typeof Global === "function") correctGlobalValueSetter(Global);
  };
});
