//! Ops behind timers and the clock: `setTimeout`/`setInterval` arm one-shot timers by id,
//! and the event loop calls back into JS (`internals.fireTimer`) when one is due.
//!
//! Timer ids are chosen by JS; clamping (the HTML nesting level) is JS's job too, so this
//! side only keeps deadlines in order.

use std::time::Duration;

use crate::bindings::OpResult;
use crate::op;
use crate::state::state;

op! {
    /// Arms (or re-arms) timer `id` to fire after `delay_ms` milliseconds.
    fn op_timer_start(scope, id: u32, delay_ms: f64) -> OpResult<()> {
        // WebIDL has already clamped the delay to a long; negative or NaN means zero.
        let delay = if delay_ms.is_finite() && delay_ms > 0.0 { delay_ms } else { 0.0 };
        state(scope).borrow_mut().timers.start(id, Duration::from_secs_f64(delay / 1000.0));
        Ok(())
    }
}

op! {
    fn op_timer_cancel(scope, id: u32) -> OpResult<()> {
        state(scope).borrow_mut().timers.cancel(id);
        Ok(())
    }
}

op! {
    /// Milliseconds since the time origin, for `performance.now()`.
    fn op_now(scope) -> OpResult<f64> {
        let origin = state(scope).borrow().time_origin;
        Ok(origin.instant.elapsed().as_secs_f64() * 1000.0)
    }
}

op! {
    /// The time origin in milliseconds since the Unix epoch, for `performance.timeOrigin`.
    fn op_time_origin(scope) -> OpResult<f64> {
        Ok(state(scope).borrow().time_origin.unix_ms)
    }
}
