//! The op behind `structuredClone()`: V8's value serializer and deserializer, back to back.
//!
//! https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone
//! https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializewithtransfer
//! https://html.spec.whatwg.org/multipage/structured-data.html#structureddeserializewithtransfer
//!
//! V8 writes and reads what ECMAScript defines (primitives and their wrappers, Date, RegExp,
//! ArrayBuffer and its views, Map, Set, arrays, plain objects, errors) and refuses the rest.
//! The runtime adds platform objects. Its Web API classes are plain JS classes, so their
//! instances carry their interface name under a V8 private symbol (`js/00_infra.js`), and the
//! delegates treat every object that has it as a host object. JS decides what a host object
//! becomes (`js/03_structured_clone.js`): it throws `DataCloneError` for interfaces that are
//! not serializable, and otherwise returns an empty object of the interface, made while JS may
//! still run (V8 forbids JS while it deserializes), with the object's data. The data is
//! written by the same serializer, so references into the rest of the value are kept, and is
//! handed back to JS once the whole value has been read.
//!
//! Nothing outlives the call: the bytes, the handles the delegates keep and the backing
//! stores of transferred buffers are dropped when it returns.

use std::cell::RefCell;

use v8::{ValueDeserializerHelper, ValueSerializerHelper};

use crate::bindings::{OpError, OpResult};
use crate::op;

/// What the JS side gives for one call, and what the delegates collect for it.
struct CloneCall<'s> {
    /// The private symbol platform objects carry.
    brand: v8::Local<'s, v8::Private>,
    /// `(object) => [shell, data]`: the serialization steps of a host object.
    write_host: v8::Global<v8::Function>,
    /// `(message) => DOMException`: a "DataCloneError" to throw.
    data_clone_error: v8::Global<v8::Function>,
    /// The empty objects of host objects, by the id written for them.
    shells: RefCell<Vec<v8::Global<v8::Object>>>,
    /// The data of host objects as read back, by id.
    data: RefCell<Vec<Option<v8::Global<v8::Value>>>>,
    /// `WebAssembly.Module` objects, by the transfer id written for them.
    modules: RefCell<Vec<v8::Global<v8::WasmModuleObject>>>,
}

impl CloneCall<'_> {
    fn throw_data_clone_error(&self, scope: &mut v8::PinScope<'_, '_>, message: &str) {
        if let Some(message) = v8::String::new(scope, message) {
            self.throw_data_clone_error_string(scope, message);
        }
    }

    fn throw_data_clone_error_string(
        &self,
        scope: &mut v8::PinScope<'_, '_>,
        message: v8::Local<'_, v8::String>,
    ) {
        let hook = v8::Local::new(scope, &self.data_clone_error);
        let undefined = v8::undefined(scope).into();
        // When the hook itself throws, its exception is the one pending.
        if let Some(error) = hook.call(scope, undefined, &[message.into()]) {
            scope.throw_exception(error);
        }
    }
}

/// Throws an internal error: the delegates must leave an exception whenever they fail, or
/// V8 would go on with a half-written or half-read value.
fn throw_internal(scope: &mut v8::PinScope<'_, '_>, message: &str) {
    OpError::error(format!("structuredClone: {message}")).throw(scope);
}

struct Serializer<'c, 's> {
    clone: &'c CloneCall<'s>,
}

impl v8::ValueSerializerImpl for Serializer<'_, '_> {
    fn throw_data_clone_error<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        message: v8::Local<'s, v8::String>,
    ) {
        self.clone.throw_data_clone_error_string(scope, message);
    }

    fn has_custom_host_object(&self, _: &v8::Isolate) -> bool {
        true
    }

    // Asked for every ordinary object and error V8 meets: keep it cheap.
    fn is_host_object<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        object: v8::Local<'s, v8::Object>,
    ) -> Option<bool> {
        let brand = v8::Local::new(scope, self.clone.brand);
        object.has_private(scope, brand)
    }

    fn write_host_object<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        object: v8::Local<'s, v8::Object>,
        serializer: &dyn ValueSerializerHelper,
    ) -> Option<bool> {
        let hook = v8::Local::new(scope, &self.clone.write_host);
        let undefined = v8::undefined(scope).into();
        let result = hook.call(scope, undefined, &[object.into()])?;
        let pair = v8::Local::<v8::Array>::try_from(result).ok();
        let parts = pair.and_then(|pair| {
            let shell = pair.get_index(scope, 0)?;
            let data = pair.get_index(scope, 1)?;
            Some((v8::Local::<v8::Object>::try_from(shell).ok()?, data))
        });
        let Some((shell, data)) = parts else {
            throw_internal(
                scope,
                "a host object's steps returned no [object, data] pair",
            );
            return None;
        };

        let mut shells = self.clone.shells.borrow_mut();
        let id = u32::try_from(shells.len()).ok()?;
        shells.push(v8::Global::new(scope, shell));
        drop(shells);
        serializer.write_uint32(id);
        let context = scope.get_current_context();
        serializer.write_value(context, data)
    }

    // https://html.spec.whatwg.org/multipage/structured-data.html#structuredserializeinternal
    // step 13.2.1: the worker is not cross-origin isolated (no COOP/COEP headers serve it).
    fn get_shared_array_buffer_id<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        _: v8::Local<'s, v8::SharedArrayBuffer>,
    ) -> Option<u32> {
        self.clone.throw_data_clone_error(
            scope,
            "SharedArrayBuffer could not be cloned: the worker is not cross-origin isolated.",
        );
        None
    }

    // Step 14: a module is cloned within the agent cluster; its compiled code is shared.
    fn get_wasm_module_transfer_id(
        &self,
        scope: &mut v8::PinScope<'_, '_>,
        module: v8::Local<v8::WasmModuleObject>,
    ) -> Option<u32> {
        let mut modules = self.clone.modules.borrow_mut();
        let id = u32::try_from(modules.len()).ok()?;
        modules.push(v8::Global::new(scope, module));
        Some(id)
    }
}

// V8 runs no JS while it deserializes (it would abort): these only read and make objects.
struct Deserializer<'c, 's> {
    clone: &'c CloneCall<'s>,
}

impl v8::ValueDeserializerImpl for Deserializer<'_, '_> {
    fn read_host_object<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        deserializer: &dyn ValueDeserializerHelper,
    ) -> Option<v8::Local<'s, v8::Object>> {
        let mut id = 0;
        let shell = match deserializer.read_uint32(&mut id) {
            true => self.clone.shells.borrow().get(id as usize).cloned(),
            false => None,
        };
        let Some(shell) = shell else {
            throw_internal(scope, "a host object has no object to read into");
            return None;
        };
        let context = scope.get_current_context();
        let data = deserializer.read_value(context)?;
        let mut all = self.clone.data.borrow_mut();
        if all.len() <= id as usize {
            all.resize(id as usize + 1, None);
        }
        all[id as usize] = Some(v8::Global::new(scope, data));
        Some(v8::Local::new(scope, shell))
    }

    fn get_shared_array_buffer_from_id<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        _: u32,
    ) -> Option<v8::Local<'s, v8::SharedArrayBuffer>> {
        throw_internal(scope, "a SharedArrayBuffer was never written");
        None
    }

    fn get_wasm_module_from_id<'s>(
        &self,
        scope: &mut v8::PinScope<'s, '_>,
        id: u32,
    ) -> Option<v8::Local<'s, v8::WasmModuleObject>> {
        let module = self.clone.modules.borrow().get(id as usize).cloned();
        let Some(module) = module else {
            throw_internal(scope, "a WebAssembly.Module was never written");
            return None;
        };
        let compiled = v8::Local::new(scope, module).get_compiled_module();
        v8::WasmModuleObject::from_compiled_module(scope, &compiled)
    }
}

fn cast<'s, T>(value: v8::Local<'s, v8::Value>, what: &'static str) -> OpResult<v8::Local<'s, T>>
where
    v8::Local<'s, T>: TryFrom<v8::Local<'s, v8::Value>>,
{
    v8::Local::<T>::try_from(value).map_err(|_| OpError::type_error(what))
}

op! {
    /// StructuredSerializeWithTransfer, then StructuredDeserializeWithTransfer, in this realm.
    /// `transfer` holds distinct ArrayBuffers (JS checked the list's types). `brand` is the
    /// platform-object symbol; `write_host`, `read_hosts(shells, data)` and
    /// `data_clone_error(message)` are the JS steps. Returns the clone, or null with an
    /// exception pending.
    fn op_structured_clone(
        scope,
        value: v8::Local<'s, v8::Value>,
        transfer: Vec<v8::Local<'s, v8::Value>>,
        brand: v8::Local<'s, v8::Value>,
        write_host: v8::Local<'s, v8::Value>,
        read_hosts: v8::Local<'s, v8::Value>,
        data_clone_error: v8::Local<'s, v8::Value>,
    ) -> OpResult<Option<v8::Local<'s, v8::Value>>> {
        let brand = v8::Local::<v8::Data>::from(brand);
        let brand = v8::Local::<v8::Private>::try_from(brand)
            .map_err(|_| OpError::type_error("expected the platform-object symbol"))?;
        let write_host = cast::<v8::Function>(write_host, "expected a function")?;
        let read_hosts = cast::<v8::Function>(read_hosts, "expected a function")?;
        let data_clone_error = cast::<v8::Function>(data_clone_error, "expected a function")?;
        let mut buffers = Vec::with_capacity(transfer.len());
        for item in transfer {
            buffers.push(cast::<v8::ArrayBuffer>(item, "expected ArrayBuffers to transfer")?);
        }

        let clone = CloneCall {
            brand,
            write_host: v8::Global::new(scope, write_host),
            data_clone_error: v8::Global::new(scope, data_clone_error),
            shells: RefCell::default(),
            data: RefCell::default(),
            modules: RefCell::default(),
        };
        let context = scope.get_current_context();

        // StructuredSerializeWithTransfer.
        let serializer = v8::ValueSerializer::new(scope, Box::new(Serializer { clone: &clone }));
        serializer.write_header();
        for (id, buffer) in buffers.iter().enumerate() {
            serializer.transfer_array_buffer(id as u32, *buffer);
        }
        if serializer.write_value(context, value).is_none() {
            return Ok(None);
        }
        let bytes = serializer.release();
        drop(serializer);

        // Step 5: every buffer is checked before any is detached, so a failure leaves the
        // list as it was.
        for buffer in &buffers {
            if buffer.was_detached() {
                clone.throw_data_clone_error(
                    scope,
                    "An ArrayBuffer is detached and could not be transferred.",
                );
                return Ok(None);
            }
            if !buffer.is_detachable() {
                // DetachArrayBuffer throws a TypeError for a buffer with a detach key
                // (WebAssembly.Memory's).
                return Err(OpError::type_error(
                    "An ArrayBuffer is not detachable and could not be transferred.",
                ));
            }
        }
        let mut stores = Vec::with_capacity(buffers.len());
        for buffer in &buffers {
            stores.push(buffer.get_backing_store());
            if buffer.detach(None).is_none() {
                return Ok(None);
            }
        }

        // StructuredDeserializeWithTransfer.
        let deserializer =
            v8::ValueDeserializer::new(scope, Box::new(Deserializer { clone: &clone }), &bytes);
        if deserializer.read_header(context).is_none() {
            return Ok(None);
        }
        for (id, store) in stores.iter().enumerate() {
            let buffer = v8::ArrayBuffer::with_backing_store(scope, store);
            deserializer.transfer_array_buffer(id as u32, buffer);
        }
        let Some(result) = deserializer.read_value(context) else {
            return Ok(None);
        };
        drop(deserializer);

        // The deserialization steps of host objects, now that JS may run again.
        let shells = clone.shells.take();
        if !shells.is_empty() {
            let data = clone.data.take();
            let shells: Vec<v8::Local<v8::Value>> =
                shells.iter().map(|shell| v8::Local::new(scope, shell).into()).collect();
            let data: Vec<v8::Local<v8::Value>> = (0..shells.len())
                .map(|id| match data.get(id) {
                    Some(Some(value)) => v8::Local::new(scope, value),
                    _ => v8::undefined(scope).into(),
                })
                .collect();
            let shells = v8::Array::new_with_elements(scope, &shells);
            let data = v8::Array::new_with_elements(scope, &data);
            let undefined = v8::undefined(scope).into();
            if read_hosts.call(scope, undefined, &[shells.into(), data.into()]).is_none() {
                return Ok(None);
            }
        }
        Ok(Some(result))
    }
}
