//! ES module graphs loaded from local files.
//!
//! A graph is read and compiled completely before it is instantiated, so V8's synchronous
//! resolve callback only looks modules up in the [`ModuleMap`]. Only relative (`./`, `../`,
//! `/`) and `file:` specifiers resolve: a worker has no package manager and no network
//! imports, and a bare specifier gets an error that says so.

use std::cell::RefCell;
use std::collections::HashMap;
use std::num::NonZeroI32;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use url::Url;

use crate::error::StartupError;

/// Every module of the isolate, by URL and by V8 identity hash (to find a referrer's URL).
#[derive(Default)]
pub struct ModuleMap {
    by_url: HashMap<Url, v8::Global<v8::Module>>,
    by_hash: HashMap<NonZeroI32, Vec<(v8::Global<v8::Module>, Url)>>,
}

pub type SharedModuleMap = Rc<RefCell<ModuleMap>>;

impl ModuleMap {
    fn insert(
        &mut self,
        scope: &mut v8::PinScope<'_, '_>,
        url: Url,
        module: v8::Local<v8::Module>,
    ) {
        let global = v8::Global::new(scope, module);
        self.by_hash
            .entry(module.get_identity_hash())
            .or_default()
            .push((global.clone(), url.clone()));
        self.by_url.insert(url, global);
    }

    fn url_of(&self, module: v8::Local<v8::Module>) -> Option<&Url> {
        let candidates = self.by_hash.get(&module.get_identity_hash())?;
        candidates
            .iter()
            .find(|(global, _)| *global == module)
            .map(|(_, url)| url)
    }
}

/// Converts a path on disk into the module URL that names it in stacks and `import.meta.url`.
pub fn path_to_url(path: &Path) -> Result<Url, StartupError> {
    // Canonical, so `a/../b` and symlinks do not reach URLs (or the confinement check).
    let absolute = std::fs::canonicalize(path).map_err(|source| StartupError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Url::from_file_path(&absolute).map_err(|()| StartupError::Resolve {
        specifier: path.display().to_string(),
        referrer: None,
        reason: "not a valid file path".into(),
    })
}

/// The path shown to users for a module URL: the file path for `file:` URLs.
pub fn display_name(url: &str) -> String {
    Url::parse(url)
        .ok()
        .filter(|url| url.scheme() == "file")
        .and_then(|url| url.to_file_path().ok())
        .map(|path| relative_to_cwd(&path).display().to_string())
        .unwrap_or_else(|| url.to_string())
}

fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Resolves `specifier` as imported by the module at `referrer`.
pub fn resolve(specifier: &str, referrer: &Url) -> Result<Url, StartupError> {
    let error = |reason: &str| StartupError::Resolve {
        specifier: specifier.to_string(),
        referrer: Some(referrer.to_string()),
        reason: reason.to_string(),
    };
    let relative = ["./", "../", "/"]
        .iter()
        .any(|prefix| specifier.starts_with(prefix));
    let url = if relative {
        referrer
            .join(specifier)
            .map_err(|e| error(&e.to_string()))?
    } else {
        match Url::parse(specifier) {
            Ok(url) => url,
            Err(_) => {
                return Err(error(
                    "bare specifiers are not supported: import a file with a path starting \
                     with ./, ../ or /",
                ))
            }
        }
    };
    if url.scheme() != "file" {
        return Err(error(&format!(
            "'{}:' imports are not supported: a worker imports local files only",
            url.scheme()
        )));
    }
    Ok(url)
}

/// Reads, compiles and registers the graph rooted at `url`, depth first.
///
/// `main_source` is the already-read source of the root (it was read to detect its kind).
pub fn load_graph<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    modules: &SharedModuleMap,
    url: &Url,
    main_source: Option<String>,
) -> Result<v8::Local<'s, v8::Module>, StartupError> {
    if let Some(existing) = modules.borrow().by_url.get(url) {
        return Ok(v8::Local::new(scope, existing));
    }
    let source = match main_source {
        Some(source) => source,
        None => {
            let root = crate::state::state(scope).borrow().script_root.clone();
            read_module_source(url, root.as_deref())?
        }
    };
    let module = compile_module(scope, url, &source)?;
    modules.borrow_mut().insert(scope, url.clone(), module);

    let requests = module.get_module_requests();
    for index in 0..requests.length() {
        let Some(request) = requests.get(scope, index) else {
            continue;
        };
        let Ok(request) = v8::Local::<v8::ModuleRequest>::try_from(request) else {
            continue;
        };
        let specifier = request.get_specifier().to_rust_string_lossy(scope);
        let child = resolve(&specifier, url)?;
        load_graph(scope, modules, &child, None)?;
    }
    Ok(module)
}

fn read_module_source(url: &Url, root: Option<&Path>) -> Result<String, StartupError> {
    let refused = |reason: String| StartupError::Resolve {
        specifier: url.to_string(),
        referrer: None,
        reason,
    };
    let path = url
        .to_file_path()
        .map_err(|()| refused("not a file URL".into()))?;
    if let Some(root) = root {
        confine(&path, root).map_err(refused)?;
    }
    std::fs::read_to_string(&path).map_err(|source| StartupError::Read { path, source })
}

/// The directory a worker's code may come from: the main script's, with symlinks resolved.
pub fn script_root(main: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(main)
        .ok()?
        .parent()
        .map(Path::to_path_buf)
}

/// Refuses a file outside `root`, the main script's directory: imports and importScripts()
/// load the worker's own code, never other files of the host. Checked on the path as given
/// (so nothing outside is even looked at), then with symlinks resolved.
pub fn confine(path: &Path, root: &Path) -> Result<(), String> {
    let outside = || {
        format!(
            "{} is outside the script's directory {}: a worker loads only its own files",
            path.display(),
            root.display()
        )
    };
    if !path.starts_with(root) {
        return Err(outside());
    }
    match std::fs::canonicalize(path) {
        Ok(real) if !real.starts_with(root) => Err(outside()),
        _ => Ok(()),
    }
}

fn compile_module<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    url: &Url,
    source: &str,
) -> Result<v8::Local<'s, v8::Module>, StartupError> {
    v8::tc_scope!(let scope, scope);
    let code = v8::String::new(scope, source).ok_or_else(|| StartupError::TooLarge {
        path: display_name(url.as_str()),
    })?;
    let origin = crate::worker::script_origin(scope, url.as_str(), true);
    let mut source = v8::script_compiler::Source::new(code, Some(&origin));
    match v8::script_compiler::compile_module(scope, &mut source) {
        Some(module) => Ok(module),
        None => Err(crate::error::syntax_error(scope)),
    }
}

/// Instantiates a loaded graph; every module of it is in the map already.
pub fn instantiate(
    scope: &mut v8::PinScope<'_, '_>,
    module: v8::Local<v8::Module>,
) -> Result<(), StartupError> {
    v8::tc_scope!(let scope, scope);
    if module.instantiate_module(scope, resolve_callback) == Some(true) {
        return Ok(());
    }
    Err(crate::error::uncaught(scope))
}

fn resolve_callback<'s>(
    context: v8::Local<'s, v8::Context>,
    specifier: v8::Local<'s, v8::String>,
    _import_attributes: v8::Local<'s, v8::FixedArray>,
    referrer: v8::Local<'s, v8::Module>,
) -> Option<v8::Local<'s, v8::Module>> {
    // SAFETY: V8 calls this with the context it instantiates in, which is entered.
    v8::callback_scope!(unsafe scope, context);
    let modules = scope.get_slot::<SharedModuleMap>()?.clone();
    let specifier = specifier.to_rust_string_lossy(scope);
    let modules = modules.borrow();
    let found = modules
        .url_of(referrer)
        .ok_or_else(|| format!("the module importing '{specifier}' is unknown"))
        .and_then(|referrer| resolve(&specifier, referrer).map_err(|e| e.to_string()))
        .and_then(|url| {
            modules
                .by_url
                .get(&url)
                .ok_or_else(|| format!("module '{url}' was not loaded"))
        });
    match found {
        Ok(global) => Some(v8::Local::new(scope, global)),
        Err(message) => {
            let message = v8::String::new(scope, &message)?;
            let exception = v8::Exception::type_error(scope, message);
            scope.throw_exception(exception);
            None
        }
    }
}

/// Sets `import.meta.url` (and `import.meta.resolve`'s absence is deliberate for now).
pub extern "C" fn import_meta_callback(
    context: v8::Local<v8::Context>,
    module: v8::Local<v8::Module>,
    meta: v8::Local<v8::Object>,
) {
    // SAFETY: V8 calls this while the module's context is entered.
    v8::callback_scope!(unsafe scope, context);
    let Some(modules) = scope.get_slot::<SharedModuleMap>().cloned() else {
        return;
    };
    let Some(url) = modules.borrow().url_of(module).map(Url::to_string) else {
        return;
    };
    let (Some(key), Some(value)) = (v8::String::new(scope, "url"), v8::String::new(scope, &url))
    else {
        return;
    };
    meta.create_data_property(scope, key.into(), value.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("file:///srv/app/main.js").unwrap()
    }

    #[test]
    fn relative_specifiers_resolve_against_the_referrer() {
        assert_eq!(
            resolve("./lib/a.js", &base()).unwrap().as_str(),
            "file:///srv/app/lib/a.js"
        );
        assert_eq!(
            resolve("../b.js", &base()).unwrap().as_str(),
            "file:///srv/b.js"
        );
        assert_eq!(resolve("/c.js", &base()).unwrap().as_str(), "file:///c.js");
    }

    #[test]
    fn files_outside_the_script_directory_are_refused() {
        let root = std::env::temp_dir();
        assert!(confine(&root.join("app/lib.js"), &root).is_ok());
        let error = confine(Path::new("/etc/hostname"), &root).unwrap_err();
        assert!(error.contains("outside the script's directory"), "{error}");
    }

    #[test]
    fn bare_and_remote_specifiers_are_refused_with_the_reason() {
        let bare = resolve("lodash", &base()).unwrap_err().to_string();
        assert!(bare.contains("bare specifiers are not supported"), "{bare}");
        let remote = resolve("https://example.com/x.js", &base())
            .unwrap_err()
            .to_string();
        assert!(
            remote.contains("'https:' imports are not supported"),
            "{remote}"
        );
    }
}
