//! Ops behind randomness: `crypto.getRandomValues()`/`randomUUID()` and the seed of the
//! runtime's own `Math.random` generator.
//!
//! Both read the operating system's generator on every call (`getrandom`), never a
//! user-space one: a forked clone shares its parent's memory, so any state kept here would
//! repeat a sibling's numbers.

use crate::bindings::{ByteBuf, OpError, OpResult};
use crate::op;

fn fill(bytes: &mut [u8]) -> OpResult<()> {
    getrandom::fill(bytes)
        .map_err(|e| OpError::error(format!("the system random number generator failed: {e}")))
}

op! {
    /// 16 fresh random bytes to seed `Math.random`.
    fn op_random_seed(scope) -> OpResult<ByteBuf> {
        let mut seed = vec![0; 16];
        fill(&mut seed)?;
        Ok(ByteBuf(seed))
    }
}

op! {
    /// Fills an ArrayBufferView with random bytes, in place.
    fn op_random_fill(scope, view: v8::Local<'s, v8::Value>) -> OpResult<()> {
        let view = v8::Local::<v8::ArrayBufferView>::try_from(view)
            .map_err(|_| OpError::type_error("expected an ArrayBufferView"))?;
        let length = view.byte_length();
        if length == 0 {
            return Ok(());
        }
        // SAFETY: the view is alive for this call and spans `length` bytes of its buffer; no
        // JS runs (to detach or resize it) while we write.
        let bytes = unsafe { std::slice::from_raw_parts_mut(view.data().cast::<u8>(), length) };
        fill(bytes)
    }
}
