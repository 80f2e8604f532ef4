//! Ops behind `URL` and `URLSearchParams`: the URL Standard's parser, setters and the
//! application/x-www-form-urlencoded codec, from the `url` crate.
//!
//! A URL crosses the boundary as its serialization; JS keeps the components these ops return
//! and re-parses only when a setter runs.

use url::{quirks, Url};

use crate::bindings::{OpError, OpResult};
use crate::op;

/// The components JS caches, in this order: href, origin, protocol, username, password,
/// host, hostname, port, pathname, search, hash.
fn components(url: &Url) -> Vec<String> {
    vec![
        quirks::href(url).to_owned(),
        quirks::origin(url),
        quirks::protocol(url).to_owned(),
        quirks::username(url).to_owned(),
        quirks::password(url).to_owned(),
        quirks::host(url).to_owned(),
        quirks::hostname(url).to_owned(),
        quirks::port(url).to_owned(),
        quirks::pathname(url).to_owned(),
        quirks::search(url).to_owned(),
        quirks::hash(url).to_owned(),
    ]
}

fn parse(href: &str, base: Option<&str>) -> Option<Url> {
    match base {
        Some(base) => Url::parse(base).ok()?.join(href).ok(),
        None => Url::parse(href).ok(),
    }
}

/// A StringArray of URL components for JS.
pub struct Strings(pub Vec<String>);

impl<'s> crate::bindings::ToV8<'s> for Strings {
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

op! {
    /// https://url.spec.whatwg.org/#concept-url-parser: the components, or null on failure.
    fn op_url_parse(scope, href: String, base: Option<String>) -> OpResult<Option<Strings>> {
        Ok(parse(&href, base.as_deref()).map(|url| Strings(components(&url))))
    }
}

op! {
    /// Runs the setter `which` (0 href, 2 protocol, 3 username, 4 password, 5 host,
    /// 6 hostname, 7 port, 8 pathname, 9 search, 10 hash) on `href`; returns the new
    /// components. A setter the URL refuses leaves it unchanged, except href, which throws.
    fn op_url_set(scope, href: String, which: u32, value: String) -> OpResult<Strings> {
        let mut url = Url::parse(&href).map_err(|e| OpError::type_error(e.to_string()))?;
        // The URL Standard's setters ignore failures: the URL stays as it was.
        match which {
            0 => quirks::set_href(&mut url, &value)
                .map_err(|_| OpError::type_error(format!("Invalid URL: '{value}'")))?,
            2 => quirks::set_protocol(&mut url, &value).unwrap_or(()),
            3 => quirks::set_username(&mut url, &value).unwrap_or(()),
            4 => quirks::set_password(&mut url, &value).unwrap_or(()),
            5 => quirks::set_host(&mut url, &value).unwrap_or(()),
            6 => quirks::set_hostname(&mut url, &value).unwrap_or(()),
            7 => quirks::set_port(&mut url, &value).unwrap_or(()),
            8 => quirks::set_pathname(&mut url, &value),
            9 => quirks::set_search(&mut url, &value),
            10 => quirks::set_hash(&mut url, &value),
            other => return Err(OpError::range_error(format!("no URL setter {other}"))),
        }
        Ok(Strings(components(&url)))
    }
}

op! {
    /// https://url.spec.whatwg.org/#concept-urlencoded-parser: a flat [name, value, ...] list.
    fn op_url_search_params_parse(scope, query: String) -> OpResult<Strings> {
        let pairs = url::form_urlencoded::parse(query.as_bytes());
        let flat = pairs.flat_map(|(name, value)| [name.into_owned(), value.into_owned()]);
        Ok(Strings(flat.collect()))
    }
}

op! {
    /// https://url.spec.whatwg.org/#concept-urlencoded-serializer of a flat list.
    fn op_url_search_params_serialize(scope, pairs: Vec<String>) -> OpResult<String> {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for pair in pairs.chunks(2) {
            serializer.append_pair(&pair[0], pair.get(1).map_or("", String::as_str));
        }
        Ok(serializer.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_follow_the_url_standard() {
        let url = parse("../a b?x#y", Some("http://user:pw@EXAMPLE.com:8080/p/q")).unwrap();
        let parts = components(&url);
        assert_eq!(parts[0], "http://user:pw@example.com:8080/a%20b?x#y");
        assert_eq!(parts[1], "http://example.com:8080");
        assert_eq!(
            &parts[2..],
            [
                "http:",
                "user",
                "pw",
                "example.com:8080",
                "example.com",
                "8080",
                "/a%20b",
                "?x",
                "#y"
            ]
        );
    }

    #[test]
    fn failures_are_none() {
        assert!(parse("not a url", None).is_none());
        assert!(parse("x", Some("also not a url")).is_none());
    }
}
