"use strict";
// Whether the script has changed the JS intrinsics that the built-ins reach by ordinary
// property lookup (iterating arrays and maps, `then` and species lookups, pushes onto fresh
// arrays, RegExp methods).
//
// A seed runs part of the built-ins once before it forks (Worker::warm_up_for_clones). That
// must not run script code, and a script that replaced one of these could run there: the
// warm-up is skipped then. The runtime records the intrinsics when it creates a context for a
// seed or a snapshot build, before any script runs: V8 adds some only then (Symbol.dispose),
// so a record made with the built-ins' snapshot would never match. A user snapshot carries
// the record of its build; V8 re-creates a few intrinsics on restoring one
// (%IteratorPrototype% does not match then), so a seed restored from a snapshot skips that
// warm-up.
((ops, internals) => {
  const P = internals.primordials;

  const arrayIteratorPrototype = P.ObjectGetPrototypeOf([][Symbol.iterator]());
  const typedArray = P.ObjectGetPrototypeOf(Uint8Array);
  const named = [
    ["Object", Object], ["Object.prototype", Object.prototype],
    ["Function.prototype", Function.prototype], ["Array", Array],
    ["Array.prototype", Array.prototype], ["%ArrayIteratorPrototype%", arrayIteratorPrototype],
    ["%IteratorPrototype%", P.ObjectGetPrototypeOf(arrayIteratorPrototype)],
    ["Map.prototype", Map.prototype],
    ["%MapIteratorPrototype%", P.ObjectGetPrototypeOf(new Map()[Symbol.iterator]())],
    ["Set.prototype", Set.prototype],
    ["%SetIteratorPrototype%", P.ObjectGetPrototypeOf(new Set()[Symbol.iterator]())],
    ["Promise", Promise], ["Promise.prototype", Promise.prototype], ["RegExp", RegExp],
    ["RegExp.prototype", RegExp.prototype], ["String.prototype", String.prototype],
    ["%StringIteratorPrototype%", P.ObjectGetPrototypeOf(""[Symbol.iterator]())],
    ["Symbol", Symbol], ["ArrayBuffer", ArrayBuffer],
    ["ArrayBuffer.prototype", ArrayBuffer.prototype],
    ["%TypedArray%", typedArray], ["%TypedArray%.prototype", typedArray.prototype],
    ["Uint8Array", Uint8Array], ["Uint8Array.prototype", Uint8Array.prototype],
  ];
  // An own property's descriptor with no prototype: reading an absent field (`writable` of an
  // accessor) must not reach Object.prototype, where a script may have put a getter.
  function descriptor(object, key) {
    return P.ObjectSetPrototypeOf(P.ObjectGetOwnPropertyDescriptor(object, key), null);
  }

  function attributes(desc) {
    return (desc.writable ? 1 : 0) | (desc.enumerable ? 2 : 0) | (desc.configurable ? 4 : 0);
  }

  // Per intrinsic: its prototype, then per own property its key, value, getter, setter and
  // attributes. Made before any script runs, so pushing is safe here.
  let recorded = null;
  internals.recordIntrinsics = () => {
    recorded = [];
    for (let i = 0; i < named.length; i++) {
      const object = named[i][1];
      const entries = [P.ObjectGetPrototypeOf(object)];
      const keys = P.ReflectOwnKeys(object);
      for (let k = 0; k < keys.length; k++) {
        const desc = descriptor(object, keys[k]);
        P.ArrayPrototypePush(entries, keys[k], desc.value, desc.get, desc.set,
          attributes(desc));
      }
      recorded[i] = entries;
    }
  };

  // What the script changed first, as "Object.prototype" or "Array.prototype[key]"; null
  // when nothing. Compares without writing to any array: a script's setters on
  // Array.prototype or Object.prototype cannot run from here either.
  internals.intrinsicsChange = () => {
    if (recorded === null) return "(no record of the intrinsics was made)";
    for (let i = 0; i < named.length; i++) {
      // (No destructuring: that would go through the array iterator.)
      const name = named[i][0];
      const object = named[i][1];
      const entries = recorded[i];
      const keys = P.ReflectOwnKeys(object);
      if (entries.length !== 1 + keys.length * 5 ||
        !P.ObjectIs(P.ObjectGetPrototypeOf(object), entries[0])) {
        return name;
      }
      for (let k = 0; k < keys.length; k++) {
        const desc = descriptor(object, keys[k]);
        const at = 1 + k * 5;
        if (!P.ObjectIs(keys[k], entries[at]) || !P.ObjectIs(desc.value, entries[at + 1]) ||
          !P.ObjectIs(desc.get, entries[at + 2]) || !P.ObjectIs(desc.set, entries[at + 3]) ||
          attributes(desc) !== entries[at + 4]) {
          return `${name}[${P.String(keys[k])}]`;
        }
      }
    }
    return null;
  };
});
