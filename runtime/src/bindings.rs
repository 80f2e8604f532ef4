//! The typed binding layer between Rust ops and JavaScript.
//!
//! An op is a plain Rust function with typed arguments; the [`op!`] macro wraps it in a V8
//! function callback that converts each argument with [`FromV8`], converts the result with
//! [`ToV8`] and turns an [`OpError`] into a JS exception of the right class. Every callback is
//! listed once in [`OPS`], which is both what the bootstrap installs on the `ops` object and
//! the external-references table a startup snapshot needs: a callback missing from it could
//! not be restored from a snapshot, so there is no other way to register one.

use std::borrow::Cow;

use v8::MapFnTo;

/// An error an op reports to JavaScript, with the JS class it is thrown as.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    Type(Cow<'static, str>),
    #[error("{0}")]
    Range(Cow<'static, str>),
    #[error("{0}")]
    Error(Cow<'static, str>),
}

impl OpError {
    pub fn type_error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Type(message.into())
    }

    pub fn range_error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Range(message.into())
    }

    pub fn error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::Error(message.into())
    }

    fn message(&self) -> &str {
        match self {
            Self::Type(m) | Self::Range(m) | Self::Error(m) => m,
        }
    }

    /// Prefixes the message with the op and argument it concerns, as argument conversion
    /// errors would otherwise not say where they came from.
    fn in_argument(self, op: &str, index: usize) -> Self {
        let message = format!("{op}: argument {}: {}", index + 1, self.message());
        match self {
            Self::Type(_) => Self::Type(message.into()),
            Self::Range(_) => Self::Range(message.into()),
            Self::Error(_) => Self::Error(message.into()),
        }
    }

    pub fn to_exception<'s>(&self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let message =
            v8::String::new(scope, self.message()).unwrap_or_else(|| v8::String::empty(scope));
        match self {
            Self::Type(_) => v8::Exception::type_error(scope, message),
            Self::Range(_) => v8::Exception::range_error(scope, message),
            Self::Error(_) => v8::Exception::error(scope, message),
        }
    }

    pub fn throw(&self, scope: &mut v8::PinScope<'_, '_>) {
        let exception = self.to_exception(scope);
        scope.throw_exception(exception);
    }

    /// Used by [`op!`] to attach the failing argument to a conversion error.
    #[doc(hidden)]
    pub fn throw_for_argument(self, scope: &mut v8::PinScope<'_, '_>, op: &str, index: usize) {
        self.in_argument(op, index).throw(scope);
    }
}

pub type OpResult<T> = Result<T, OpError>;

/// Converts a JS value into an op argument.
pub trait FromV8<'s>: Sized {
    fn from_v8(scope: &mut v8::PinScope<'s, '_>, value: v8::Local<'s, v8::Value>)
        -> OpResult<Self>;
}

/// Converts an op's result into a JS value.
pub trait ToV8<'s> {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value>;
}

impl<'s> FromV8<'s> for v8::Local<'s, v8::Value> {
    fn from_v8(_: &mut v8::PinScope<'s, '_>, value: v8::Local<'s, v8::Value>) -> OpResult<Self> {
        Ok(value)
    }
}

impl<'s> FromV8<'s> for bool {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        Ok(value.boolean_value(scope))
    }
}

impl<'s> FromV8<'s> for f64 {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        match value.is_number() {
            true => value
                .number_value(scope)
                .ok_or_else(|| OpError::type_error("expected a number")),
            false => Err(OpError::type_error("expected a number")),
        }
    }
}

impl<'s> FromV8<'s> for u32 {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        let number = f64::from_v8(scope, value)?;
        if number.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&number) {
            return Err(OpError::range_error(format!(
                "{number} is not an unsigned 32-bit integer"
            )));
        }
        Ok(number as u32)
    }
}

impl<'s> FromV8<'s> for u16 {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        let number = u32::from_v8(scope, value)?;
        u16::try_from(number).map_err(|_| {
            OpError::range_error(format!("{number} is out of range for a 16-bit integer"))
        })
    }
}

/// Strings are converted as USVStrings: lone surrogates become U+FFFD.
impl<'s> FromV8<'s> for String {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        if !value.is_string() {
            return Err(OpError::type_error("expected a string"));
        }
        Ok(value.to_rust_string_lossy(scope))
    }
}

impl<'s, T: FromV8<'s>> FromV8<'s> for Option<T> {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        if value.is_null_or_undefined() {
            Ok(None)
        } else {
            T::from_v8(scope, value).map(Some)
        }
    }
}

/// A sequence given as a JS array.
impl<'s, T: FromV8<'s>> FromV8<'s> for Vec<T> {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        let array = v8::Local::<v8::Array>::try_from(value)
            .map_err(|_| OpError::type_error("expected an array"))?;
        let mut items = Vec::with_capacity(array.length() as usize);
        for index in 0..array.length() {
            let item = array
                .get_index(scope, index)
                .ok_or_else(|| OpError::type_error("array element could not be read"))?;
            items.push(T::from_v8(scope, item)?);
        }
        Ok(items)
    }
}

/// Bytes copied out of an ArrayBuffer or an ArrayBufferView.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByteBuf(pub Vec<u8>);

impl<'s> FromV8<'s> for ByteBuf {
    fn from_v8(_: &mut v8::PinScope<'s, '_>, value: v8::Local<'s, v8::Value>) -> OpResult<Self> {
        if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(value) {
            let mut bytes = vec![0; view.byte_length()];
            view.copy_contents(&mut bytes);
            return Ok(Self(bytes));
        }
        if let Ok(buffer) = v8::Local::<v8::ArrayBuffer>::try_from(value) {
            let length = buffer.byte_length();
            let bytes = match buffer.data() {
                // SAFETY: the buffer is alive for this call and `length` bytes long; JS cannot
                // run (and detach or resize it) while we copy.
                Some(data) if length > 0 => unsafe {
                    std::slice::from_raw_parts(data.as_ptr().cast::<u8>(), length).to_vec()
                },
                _ => Vec::new(),
            };
            return Ok(Self(bytes));
        }
        Err(OpError::type_error(
            "expected an ArrayBuffer or ArrayBufferView",
        ))
    }
}

/// A fresh `Uint8Array` that owns the bytes.
impl<'s> ToV8<'s> for ByteBuf {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let length = self.0.len();
        let store = v8::ArrayBuffer::new_backing_store_from_vec(self.0).make_shared();
        let buffer = v8::ArrayBuffer::with_backing_store(scope, &store);
        match v8::Uint8Array::new(scope, buffer, 0, length) {
            Some(array) => array.into(),
            None => v8::undefined(scope).into(),
        }
    }
}

impl<'s> ToV8<'s> for () {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        v8::undefined(scope).into()
    }
}

impl<'s> ToV8<'s> for bool {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        v8::Boolean::new(scope, self).into()
    }
}

impl<'s> ToV8<'s> for f64 {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        v8::Number::new(scope, self).into()
    }
}

impl<'s> ToV8<'s> for u32 {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        v8::Integer::new_from_unsigned(scope, self).into()
    }
}

impl<'s> ToV8<'s> for String {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        match v8::String::new(scope, &self) {
            Some(string) => string.into(),
            None => v8::undefined(scope).into(),
        }
    }
}

impl<'s, T: ToV8<'s>> ToV8<'s> for Option<T> {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        match self {
            Some(value) => value.to_v8(scope),
            None => v8::null(scope).into(),
        }
    }
}

impl<'s, T> ToV8<'s> for v8::Local<'s, T>
where
    v8::Local<'s, T>: Into<v8::Local<'s, v8::Value>>,
{
    fn to_v8(self, _: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        self.into()
    }
}

/// Defines an op: a V8 function callback named `$name` around a typed Rust body.
///
/// ```ignore
/// op! {
///     /// Docs.
///     fn op_area_verb(scope, id: u32, text: String) -> OpResult<()> { ... }
/// }
/// ```
/// The body sees `scope` as `&mut v8::PinScope<'s, '_>`; arguments are converted in order
/// and a conversion error names the op and the argument.
#[macro_export]
macro_rules! op {
    (
        $(#[$meta:meta])*
        fn $name:ident($scope:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    ) => {
        $(#[$meta])*
        pub fn $name<'s>(
            scope: &mut v8::PinScope<'s, '_>,
            #[allow(unused_variables)] args: v8::FunctionCallbackArguments<'s>,
            mut rv: v8::ReturnValue<'s, v8::Value>,
        ) {
            #[allow(unused_mut, clippy::needless_lifetimes)]
            fn body<'s>(
                #[allow(unused_variables)] $scope: &mut v8::PinScope<'s, '_>,
                $($arg: $ty),*
            ) -> $ret $body

            #[allow(unused_mut, unused_variables)]
            let mut index = 0;
            $(
                let value = args.get(index);
                let $arg = match <$ty as $crate::bindings::FromV8>::from_v8(scope, value) {
                    Ok(value) => value,
                    Err(error) => {
                        error.throw_for_argument(scope, stringify!($name), index as usize);
                        return;
                    }
                };
                #[allow(unused_assignments)]
                { index += 1; }
            )*
            match body(scope, $($arg),*) {
                Ok(value) => {
                    let value = $crate::bindings::ToV8::to_v8(value, scope);
                    rv.set(value);
                }
                Err(error) => error.throw(scope),
            }
        }
    };
}

/// The Rust signature every op has after [`op!`].
pub type OpFn = for<'s, 'i> fn(
    &mut v8::PinScope<'s, 'i>,
    v8::FunctionCallbackArguments<'s>,
    v8::ReturnValue<'s, v8::Value>,
);

/// One native function exposed to the built-in JS as `ops.<name>`.
pub struct OpDecl {
    pub name: &'static str,
    pub function: OpFn,
}

macro_rules! op_table {
    ($($path:path),* $(,)?) => {
        /// Every op, in one table. Its order is part of the startup snapshot (build.rs reads
        /// this list), so the ops object always maps `ops[name]` to the right index.
        pub static OPS: &[OpDecl] = &[$(OpDecl {
            name: {
                let path = stringify!($path);
                // `crate::area::op_name` -> `op_name`; const-evaluable, so done by hand.
                let bytes = path.as_bytes();
                let mut start = bytes.len();
                while start > 0 && bytes[start - 1] != b':' && bytes[start - 1] != b' ' {
                    start -= 1;
                }
                match std::str::from_utf8(bytes.split_at(start).1) {
                    Ok(name) => name,
                    Err(_) => panic!("op paths are ASCII"),
                }
            },
            function: $path,
        }),*];
    };
}

op_table![
    crate::console::op_console_print,
    crate::console::op_report_uncaught,
    crate::console::op_log,
    crate::console::op_console_is_terminal,
    crate::console::op_console_value_details,
    crate::timers::op_timer_start,
    crate::timers::op_timer_cancel,
    crate::timers::op_now,
    crate::timers::op_time_origin,
    crate::encoding::op_encoding_for_label,
    crate::encoding::op_encoding_encode,
    crate::encoding::op_encoding_encode_into,
    crate::encoding::op_encoding_decode,
    crate::encoding::op_encoding_decode_stream,
    crate::encoding::op_encoding_decoder_drop,
    crate::encoding::op_encoding_is_shared_array_buffer,
    crate::encoding::op_encoding_is_growable,
    crate::fetch_event::op_respond,
    crate::fetch_event::op_respond_stream,
    crate::fetch_event::op_body_write,
    crate::fetch_event::op_body_close,
    crate::fetch_event::op_body_abort,
    crate::fetch_event::op_body_read,
    crate::fetch_event::op_body_discard,
    crate::fetch::op_fetch,
    crate::crypto::op_random_seed,
    crate::crypto::op_random_fill,
    crate::global_scope::op_import_scripts,
    crate::global_scope::op_location,
    crate::global_scope::op_user_agent,
    crate::url::op_url_parse,
    crate::url::op_url_can_parse,
    crate::url::op_url_set,
    crate::url::op_url_search_params_parse,
    crate::url::op_url_urlencoded_parse_bytes,
    crate::structured_clone::op_structured_clone,
    crate::urlpattern::op_urlpattern_parse,
    crate::urlpattern::op_urlpattern_process_init,
];

/// The native callback behind every op: the op's index in [`OPS`] is the function's data.
fn op_dispatch<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    args: v8::FunctionCallbackArguments<'s>,
    rv: v8::ReturnValue<'s, v8::Value>,
) {
    let index = args.data().uint32_value(scope).unwrap_or(u32::MAX) as usize;
    match OPS.get(index) {
        Some(op) => (op.function)(scope, args, rv),
        None => OpError::error(format!("no op {index}")).throw(scope),
    }
}

/// The names of the ops, in table order.
pub fn op_names() -> Vec<&'static str> {
    OPS.iter().map(|op| op.name).collect()
}

/// The op dispatcher as a raw V8 callback.
pub fn dispatch_callback() -> v8::FunctionCallback {
    op_dispatch.map_fn_to()
}

/// The external references of every native callback, for isolates that may create or
/// restore a startup snapshot. Ops share one callback (see `bootstrap.rs`).
pub fn external_references() -> Vec<v8::ExternalReference> {
    vec![v8::ExternalReference {
        function: dispatch_callback(),
    }]
}
