//! Ops behind `URL` and `URLSearchParams`: the URL Standard's parser and setters from Ada
//! (`ada-url`), and the application/x-www-form-urlencoded parser.
//!
//! Ada tracks the current URL Standard, where the `url` crate (2.5.9, the newest) diverges on
//! file: hosts, Windows drive letters, `///` forms and opaque paths with trailing spaces. On
//! WPT's url/ (2108 subtests, 73 of which need structuredClone or FormData) the `url` crate
//! passed 1968, Ada 2025, and Ada with the Punycode check below 2035: all the rest.
//!
//! A URL crosses the boundary once per parse or setter as its serialization plus Ada's
//! component offsets; JS slices the getters out of the serialization itself, so reading a
//! component never calls an op. A serialized URL is always ASCII, so Ada's byte offsets are
//! also UTF-16 indices.

use ada_url::{HostType, SchemeType, Url};

use crate::bindings::{ByteBuf, OpError, OpResult, ToV8};
use crate::op;

/// A parsed URL for JS: `[href, protocolEnd, usernameEnd, hostStart, hostEnd, port,
/// pathnameStart, searchStart, hashStart]`, with -1 for an omitted port, query or fragment.
/// The offsets are Ada's `url_components`.
pub struct Parsed(Url);

impl<'s> ToV8<'s> for Parsed {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let parts = self.0.components();
        let href = match v8::String::new(scope, self.0.href()) {
            Some(string) => string.into(),
            None => return v8::null(scope).into(),
        };
        let omitted = |offset: Option<u32>| offset.map_or(-1, i64::from);
        let offsets = [
            i64::from(parts.protocol_end),
            i64::from(parts.username_end),
            i64::from(parts.host_start),
            i64::from(parts.host_end),
            omitted(parts.port),
            omitted(parts.pathname_start),
            omitted(parts.search_start),
            omitted(parts.hash_start),
        ];
        let mut items: Vec<v8::Local<v8::Value>> = Vec::with_capacity(9);
        items.push(href);
        for offset in offsets {
            // Offsets are below 2^32 (Ada's limit), so they fit a double exactly.
            items.push(v8::Number::new(scope, offset as f64).into());
        }
        v8::Array::new_with_elements(scope, &items).into()
    }
}

/// The serialization of `input` parsed as an absolute URL, or None if it does not parse.
pub fn href(input: &str) -> Option<String> {
    parse(input, None).map(|url| url.href().to_owned())
}

fn parse(href: &str, base: Option<&str>) -> Option<Url> {
    // A base URL that fails the host check below fails the whole parse, as it would alone.
    if let Some(base) = base.filter(|base| has_punycode_label(base)) {
        parse(base, None)?;
    }
    Url::parse(href, base).ok().filter(host_is_valid)
}

fn has_punycode_label(text: &str) -> bool {
    text.as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"xn--"))
}

/// Ada 4.0.0 accepts `xn--` labels that are not valid Punycode (`xn--`, `xn--pokxncvks`),
/// which the URL Standard's domain to ASCII rejects (UTS #46 ToASCII decodes and validates
/// them; WPT's urltestdata.json has such cases). Hosts with such a label are rare, so only
/// they get a second look, by the idna crate that the `url` crate uses for the same step.
/// https://url.spec.whatwg.org/#concept-domain-to-ascii
fn host_is_valid(url: &Url) -> bool {
    if url.scheme_type() == SchemeType::NotSpecial || url.host_type() != HostType::Domain {
        return true;
    }
    let host = url.hostname();
    !has_punycode_label(host)
        || idna::domain_to_ascii_cow(host.as_bytes(), idna::AsciiDenyList::URL).is_ok()
}

/// A list of strings for JS.
pub struct Strings(pub Vec<String>);

impl<'s> ToV8<'s> for Strings {
    fn to_v8(self, scope: &mut v8::PinScope<'s, '_>) -> v8::Local<'s, v8::Value> {
        let items: Vec<v8::Local<v8::Value>> = self
            .0
            .iter()
            .map(|item| match v8::String::new(scope, item) {
                Some(string) => string.into(),
                None => v8::undefined(scope).into(),
            })
            .collect();
        v8::Array::new_with_elements(scope, &items).into()
    }
}

/// The setters `op_url_set` runs, by the index JS passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setter {
    Href,
    Protocol,
    Username,
    Password,
    Host,
    Hostname,
    Port,
    Pathname,
    Search,
    Hash,
}

impl Setter {
    fn from_index(index: u32) -> Option<Self> {
        Some(match index {
            0 => Self::Href,
            1 => Self::Protocol,
            2 => Self::Username,
            3 => Self::Password,
            4 => Self::Host,
            5 => Self::Hostname,
            6 => Self::Port,
            7 => Self::Pathname,
            8 => Self::Search,
            9 => Self::Hash,
            _ => return None,
        })
    }

    /// Runs the setter; false when the URL refused the value (and is unchanged).
    fn run(self, url: &mut Url, value: &str) -> bool {
        // Ada's `None` clears a component; the URL API always sets one.
        let result = match self {
            Self::Href => url.set_href(value),
            Self::Protocol => url.set_protocol(value),
            Self::Username => url.set_username(Some(value)),
            Self::Password => url.set_password(Some(value)),
            Self::Host => url.set_host(Some(value)),
            Self::Hostname => url.set_hostname(Some(value)),
            Self::Port => url.set_port(Some(value)),
            Self::Pathname => url.set_pathname(Some(value)),
            Self::Search => {
                url.set_search(Some(value));
                Ok(())
            }
            Self::Hash => {
                url.set_hash(Some(value));
                Ok(())
            }
        };
        result.is_ok()
    }
}

op! {
    /// https://url.spec.whatwg.org/#api-url-parser: the parsed URL, or null on failure.
    fn op_url_parse(scope, href: String, base: Option<String>) -> OpResult<Option<Parsed>> {
        Ok(parse(&href, base.as_deref()).map(Parsed))
    }
}

op! {
    /// https://url.spec.whatwg.org/#dom-url-canparse, without building the URL for JS. It
    /// goes through the same `parse` as `new URL()`, host check included, so the two agree.
    fn op_url_can_parse(scope, href: String, base: Option<String>) -> OpResult<bool> {
        Ok(parse(&href, base.as_deref()).is_some())
    }
}

op! {
    /// Runs setter `which` (0 href, 1 protocol, 2 username, 3 password, 4 host, 5 hostname,
    /// 6 port, 7 pathname, 8 search, 9 hash) on the URL serialized as `href` and returns it
    /// parsed again. The URL Standard's setters leave the URL as it was when they refuse a
    /// value, except href, whose failure is null here (JS throws).
    fn op_url_set(scope, href: String, which: u32, value: String) -> OpResult<Option<Parsed>> {
        let setter = Setter::from_index(which)
            .ok_or_else(|| OpError::range_error(format!("no URL setter {which}")))?;
        let mut url = parse(&href, None)
            .ok_or_else(|| OpError::type_error(format!("Invalid URL: '{href}'")))?;
        let refused = !setter.run(&mut url, &value);
        if setter == Setter::Href && (refused || !host_is_valid(&url)) {
            return Ok(None);
        }
        if !refused && !host_is_valid(&url) {
            // Ada took a host the standard refuses: back to the URL as it was.
            return Ok(parse(&href, None).map(Parsed));
        }
        Ok(Some(Parsed(url)))
    }
}

op! {
    /// https://url.spec.whatwg.org/#concept-urlencoded-parser: a flat [name, value, ...] list.
    fn op_url_search_params_parse(scope, query: String) -> OpResult<Strings> {
        Ok(urlencoded_parse(query.as_bytes()))
    }
}

op! {
    /// The same parser over bytes (a body's, for Body's formData()), which need not be UTF-8.
    fn op_url_urlencoded_parse_bytes(scope, bytes: ByteBuf) -> OpResult<Strings> {
        Ok(urlencoded_parse(&bytes.0))
    }
}

fn urlencoded_parse(input: &[u8]) -> Strings {
    let pairs = url::form_urlencoded::parse(input);
    let flat = pairs.flat_map(|(name, value)| [name.into_owned(), value.into_owned()]);
    Strings(flat.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_bytes_are_percent_decoded_before_utf8_decoding() {
        // Raw bytes that are not UTF-8 next to escapes; a BOM is kept.
        let Strings(pairs) = urlencoded_parse(&[0xc2, 0x25, 0x41, 0x39, 0x3d, 0xff, 0x2b]);
        assert_eq!(pairs, ["\u{a9}", "\u{fffd} "]);
        let Strings(pairs) = urlencoded_parse(&[0xef, 0xbb, 0xbf, 0x61, 0x3d, 0x62]);
        assert_eq!(pairs, ["\u{feff}a", "b"]);
    }

    #[test]
    fn offsets_delimit_the_components() {
        let url = parse("../a b?x#y", Some("http://user:pw@EXAMPLE.com:8080/p/q")).unwrap();
        assert_eq!(url.href(), "http://user:pw@example.com:8080/a%20b?x#y");
        let parts = url.components();
        let href = url.href();
        assert_eq!(&href[..parts.protocol_end as usize], "http:");
        assert_eq!(
            &href[parts.protocol_end as usize + 2..parts.username_end as usize],
            "user"
        );
        assert_eq!(
            &href[parts.host_start as usize + 1..parts.host_end as usize],
            "example.com"
        );
        assert_eq!(parts.port, Some(8080));
        assert_eq!(
            &href[parts.pathname_start.unwrap() as usize..][..6],
            "/a%20b"
        );
        assert_eq!(parts.search_start, Some(37));
        assert_eq!(parts.hash_start, Some(39));
    }

    #[test]
    fn follows_the_current_standard_where_the_url_crate_does_not() {
        let url = parse("C|/", Some("file://host/dir/file")).unwrap();
        assert_eq!(url.href(), "file://host/C:/");
        let url = parse("non-special:opaque  #hi", None).unwrap();
        assert_eq!(url.href(), "non-special:opaque %20#hi");
    }

    #[test]
    fn invalid_punycode_labels_fail() {
        assert!(parse("https://xn--/", None).is_none());
        assert!(parse("http://a.b.c.XN--pokxncvks", None).is_none());
        assert!(parse("/p", Some("http://xn--/")).is_none());
        assert!(parse("https://xn--nxasmq6b.com/", None).is_some());
        assert!(parse("foo://xn--/", None).is_some());
        let mut url = parse("https://example.com/", None).unwrap();
        assert!(Setter::Host.run(&mut url, "xn--") && !host_is_valid(&url));
    }

    #[test]
    fn failures_are_none() {
        assert!(parse("not a url", None).is_none());
        assert!(parse("x", Some("also not a url")).is_none());
    }

    #[test]
    fn refused_setters_keep_the_url() {
        let mut url = parse("https://example.com/", None).unwrap();
        assert!(!Setter::Port.run(&mut url, "99999"));
        assert!(!Setter::Href.run(&mut url, "not a url"));
        assert_eq!(url.href(), "https://example.com/");
        assert!(Setter::Search.run(&mut url, "a=b"));
        assert_eq!(url.href(), "https://example.com/?a=b");
    }
}
