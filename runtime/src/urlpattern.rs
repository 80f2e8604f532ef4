//! Ops behind `URLPattern` (https://urlpattern.spec.whatwg.org/): the `urlpattern` crate
//! parses patterns and canonicalizes their parts; JavaScript's own RegExp engine compiles and
//! runs the regular expressions, as the standard requires.
//!
//! The crate is generic over a regexp engine ([`urlpattern::regexp::RegExp`]) whose methods
//! take no V8 scope, so the op that builds a pattern lends its scope to [`V8RegExp`] for the
//! duration of the call (see [`lend_scope`]). The compiled `RegExp` objects go back to JS,
//! which matches with them: a `URLPattern` keeps no native state, so it survives snapshots.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;

use urlpattern::regexp::RegExp;
use urlpattern::{RegexSyntax, UrlPattern, UrlPatternInit, UrlPatternOptions};

use crate::bindings::{FromV8, OpError, OpResult, ToV8};
use crate::op;
use crate::url::Strings;

thread_local! {
    /// The scope of the op that is building a pattern, while it runs; null otherwise.
    static LENT_SCOPE: Cell<*mut c_void> = const { Cell::new(ptr::null_mut()) };
    /// V8's message for the last regular expression that did not compile.
    static REGEXP_ERROR: Cell<Option<String>> = const { Cell::new(None) };
}

/// Restores the previously lent scope, also when the crate panics.
struct LentScope(*mut c_void);

impl Drop for LentScope {
    fn drop(&mut self) {
        LENT_SCOPE.set(self.0);
    }
}

/// Runs `f` with `scope` available to [`with_lent_scope`]. `f` must not use `scope` itself.
fn lend_scope<T>(scope: &mut v8::PinScope<'_, '_>, f: impl FnOnce() -> T) -> T {
    let pointer: *mut v8::PinScope<'_, '_> = scope;
    let _restore = LentScope(LENT_SCOPE.replace(pointer.cast()));
    f()
}

/// Runs `f` in a handle scope nested in the lent scope; `None` outside [`lend_scope`].
fn with_lent_scope<T>(f: impl FnOnce(&mut v8::PinScope<'_, '_>) -> T) -> Option<T> {
    let pointer = LENT_SCOPE.get();
    if pointer.is_null() {
        return None;
    }
    // SAFETY: the pointer was made from a live `&mut PinScope` by `lend_scope`, which is still
    // on the stack below us (the guard resets it before returning), on this thread, and whose
    // caller does not touch that scope until `lend_scope` returns. The nested handle scope keeps
    // every handle made here from outliving this call.
    let outer = unsafe { &mut *pointer.cast::<v8::PinScope<'_, '_>>() };
    v8::scope!(let scope, outer);
    Some(f(scope))
}

/// A JavaScript regular expression, compiled by V8.
pub struct V8RegExp {
    source: String,
    flags: v8::RegExpCreationFlags,
    regexp: v8::Global<v8::RegExp>,
}

/// The crate asks for "u" or "ui"; the standard compiles with "v" (Unicode sets) instead.
/// https://urlpattern.spec.whatwg.org/#compile-a-component
fn flags_for(crate_flags: &str) -> v8::RegExpCreationFlags {
    let mut flags = v8::RegExpCreationFlags::UNICODE_SETS;
    if crate_flags.contains('i') {
        flags |= v8::RegExpCreationFlags::IGNORE_CASE;
    }
    flags
}

fn compile<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    source: &str,
    flags: v8::RegExpCreationFlags,
) -> Option<v8::Local<'s, v8::RegExp>> {
    v8::tc_scope!(let scope, scope);
    let pattern = v8::String::new(scope, source)?;
    let regexp = v8::RegExp::new(scope, pattern, flags);
    // A syntax error is caught by the TryCatch scope; its message goes into the TypeError.
    if regexp.is_none() {
        let message = scope.exception().map(|e| e.to_rust_string_lossy(scope));
        REGEXP_ERROR.set(message);
    }
    regexp.map(|regexp| v8::Local::new(scope, regexp))
}

impl RegExp for V8RegExp {
    fn syntax() -> RegexSyntax {
        RegexSyntax::EcmaScript
    }

    fn parse(pattern: &str, flags: &str, _force_eval: bool) -> Result<Self, ()> {
        let flags = flags_for(flags);
        let regexp = with_lent_scope(|scope| {
            compile(scope, pattern, flags).map(|regexp| v8::Global::new(scope, regexp))
        });
        match regexp.flatten() {
            Some(regexp) => Ok(Self {
                source: pattern.to_owned(),
                flags,
                regexp,
            }),
            None => Err(()),
        }
    }

    fn matches<'a>(&self, text: &'a str) -> Option<Vec<Option<&'a str>>> {
        with_lent_scope(|scope| {
            // The captures are wanted as slices of `text`, so this run asks for their indices
            // ("d"); the crate only matches while it builds a pattern (protocol checks).
            let flags = self.flags | v8::RegExpCreationFlags::HAS_INDICES;
            let regexp = compile(scope, &self.source, flags)?;
            let subject = v8::String::new(scope, text)?;
            v8::tc_scope!(let scope, scope);
            let result: v8::Local<v8::Value> = regexp.exec(scope, subject)?.into();
            if result.is_null_or_undefined() {
                return None;
            }
            let result = result.to_object(scope)?;
            let key = v8::String::new(scope, "indices")?;
            let indices = result.get(scope, key.into())?;
            let indices = v8::Local::<v8::Array>::try_from(indices).ok()?;
            let mut captures = Vec::new();
            for group in 1..indices.length() {
                let pair = indices.get_index(scope, group)?;
                let Ok(pair) = v8::Local::<v8::Array>::try_from(pair) else {
                    captures.push(None);
                    continue;
                };
                let start = pair.get_index(scope, 0)?.uint32_value(scope)?;
                let end = pair.get_index(scope, 1)?.uint32_value(scope)?;
                captures.push(Some(
                    &text[byte_offset(text, start)?..byte_offset(text, end)?],
                ));
            }
            Some(captures)
        })
        .flatten()
    }

    fn pattern_string(&self) -> &str {
        &self.source
    }
}

/// The byte offset in `text` of a UTF-16 index, if it falls on a character boundary.
fn byte_offset(text: &str, utf16_index: u32) -> Option<usize> {
    let mut units = 0;
    for (offset, c) in text.char_indices() {
        if units == utf16_index as usize {
            return Some(offset);
        }
        units += c.len_utf16();
    }
    (units == utf16_index as usize).then_some(text.len())
}

/// The `URLPatternInit` members as JS passes them: protocol, username, password, hostname,
/// port, pathname, search, hash and baseURL, each a string or undefined.
pub struct InitParts(Vec<Option<String>>);

impl<'s> FromV8<'s> for InitParts {
    fn from_v8(
        scope: &mut v8::PinScope<'s, '_>,
        value: v8::Local<'s, v8::Value>,
    ) -> OpResult<Self> {
        let parts = Vec::<Option<String>>::from_v8(scope, value)?;
        if parts.len() != 9 {
            return Err(OpError::type_error(
                "expected the nine URLPatternInit members",
            ));
        }
        Ok(Self(parts))
    }
}

impl InitParts {
    /// The init with its base URL parsed; a base URL that does not parse is an error.
    fn into_init(self) -> Result<UrlPatternInit, String> {
        let mut parts = self.0.into_iter();
        let mut next = || parts.next().flatten();
        Ok(UrlPatternInit {
            protocol: next(),
            username: next(),
            password: next(),
            hostname: next(),
            port: next(),
            pathname: next(),
            search: next(),
            hash: next(),
            base_url: next().map(|base| base_url(&base)).transpose()?,
        })
    }
}

/// A compiled pattern for JS: `[hasRegExpGroups, then for each component (protocol, username,
/// password, hostname, port, pathname, search, hash) its pattern string, its RegExp and its
/// group names]`.
pub struct Compiled(UrlPattern<V8RegExp>);

impl<'s> ToV8<'s> for Compiled {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let pattern = self.0;
        let mut items: Vec<v8::Local<v8::Value>> = Vec::with_capacity(25);
        items.push(v8::Boolean::new(scope, pattern.has_regexp_groups()).into());
        let components = [
            pattern.protocol,
            pattern.username,
            pattern.password,
            pattern.hostname,
            pattern.port,
            pattern.pathname,
            pattern.search,
            pattern.hash,
        ];
        for component in components {
            items.push(component.pattern_string.to_v8(scope));
            items.push(match &component.regexp {
                Ok(regexp) => v8::Local::new(scope, &regexp.regexp).into(),
                Err(_) => v8::null(scope).into(),
            });
            let names: Vec<v8::Local<v8::Value>> = component
                .group_name_list
                .into_iter()
                .map(|name| name.to_v8(scope))
                .collect();
            items.push(v8::Array::new_with_elements(scope, &names).into());
        }
        v8::Array::new_with_elements(scope, &items).into()
    }
}

/// What the URLPattern constructor was given.
enum PatternInput {
    Constructor(String),
    Init(InitParts),
}

/// A base URL for the urlpattern crate, which takes the `url` crate's type. Ada, the parser
/// of `URL`, decides first (the two differ on some file: and Punycode inputs), so that
/// URLPattern and URL agree on which bases are valid and what they mean.
fn base_url(base: &str) -> Result<url::Url, String> {
    let href = crate::url::href(base).ok_or_else(|| format!("invalid base URL {base:?}"))?;
    url::Url::parse(&href).map_err(|error| format!("invalid base URL {base:?}: {error}"))
}

fn pattern_error(error: impl std::fmt::Display) -> OpError {
    OpError::type_error(format!("Failed to construct 'URLPattern': {error}"))
}

/// The crate's error; for a regexp that V8 refused, with V8's reason.
fn crate_error(error: urlpattern::Error) -> OpError {
    match (&error, REGEXP_ERROR.take()) {
        (urlpattern::Error::RegExp(()), Some(reason)) => pattern_error(reason),
        _ => pattern_error(error),
    }
}

op! {
    /// https://urlpattern.spec.whatwg.org/#urlpattern-initialize: `input` is a constructor
    /// string (then `base` is its base URL, or null) or an [`InitParts`] array. Throws a
    /// TypeError for an invalid pattern.
    fn op_urlpattern_parse(
        scope,
        input: v8::Local<'s, v8::Value>,
        base: Option<String>,
        ignore_case: bool,
    ) -> OpResult<Compiled> {
        let input = if input.is_string() {
            PatternInput::Constructor(input.to_rust_string_lossy(scope))
        } else {
            PatternInput::Init(InitParts::from_v8(scope, input)?)
        };
        let options = UrlPatternOptions { regex_syntax: RegexSyntax::EcmaScript, ignore_case };
        let pattern = lend_scope(scope, || {
            REGEXP_ERROR.set(None);
            let init = match input {
                PatternInput::Constructor(pattern) => {
                    let base = base.map(|base| base_url(&base)).transpose();
                    let base = base.map_err(pattern_error)?;
                    UrlPatternInit::parse_constructor_string::<V8RegExp>(&pattern, base)
                        .map_err(crate_error)?
                }
                PatternInput::Init(parts) => parts.into_init().map_err(pattern_error)?,
            };
            UrlPattern::<V8RegExp>::parse(init, options).map_err(crate_error)
        })?;
        Ok(Compiled(pattern))
    }
}

op! {
    /// https://urlpattern.spec.whatwg.org/#process-a-urlpatterninit for a match input of type
    /// "url": the eight components to match, or null when the input is not a valid URL.
    fn op_urlpattern_process_init(scope, parts: InitParts) -> OpResult<Option<Strings>> {
        let Ok(init) = parts.into_init() else {
            return Ok(None);
        };
        let input = urlpattern::UrlPatternMatchInput::Init(init);
        Ok(urlpattern::quirks::parse_match_input(input).map(|i| {
            Strings(vec![
                i.protocol, i.username, i.password, i.hostname, i.port, i.pathname, i.search,
                i.hash,
            ])
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_indices_map_to_byte_offsets() {
        assert_eq!(byte_offset("a€b", 0), Some(0));
        assert_eq!(byte_offset("a€b", 2), Some(4));
        assert_eq!(byte_offset("a€b", 3), Some(5));
        assert_eq!(byte_offset("😀x", 1), None);
        assert_eq!(byte_offset("😀x", 2), Some(4));
        assert_eq!(byte_offset("x", 5), None);
    }

    #[test]
    fn no_engine_outside_an_op() {
        assert!(V8RegExp::parse("a", "u", false).is_err());
    }
}
