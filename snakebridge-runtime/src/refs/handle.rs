//! [`Ref`], the handle Rust holds for a Python object.

use std::fmt;
use std::sync::Arc;

use pyo3::prelude::*;

use super::type_names::TypeNames;
use super::{registry, RefId};
use crate::backend::worker::Slot;
use crate::error::{Error, RefGone, Result};
use crate::session::{self, SessionId};

/// A handle to a Python object owned by a session.
///
/// Cheap to clone and `Send`: the object itself stays in the registry. It is released when
/// the last handle minted by snakebridge is dropped, on [`release_ref`](crate::release_ref),
/// when its session is released, or by the TTL and LRU limits. Using a ref in a session that
/// does not own it is [`Error::SessionMismatch`]; using one whose object is gone is
/// [`Error::RefNotFound`].
///
/// A ref read back from the wire format does not own the object: dropping it releases nothing.
#[derive(Clone)]
pub struct Ref(pub(crate) Arc<RefInner>);

pub(crate) struct RefInner {
    pub(crate) id: RefId,
    pub(crate) session: SessionId,
    pub(crate) names: Arc<TypeNames>,
    owned: bool,
    /// The worker slot whose process holds the object, for a ref made by the worker backend.
    pub(crate) remote: Option<Arc<Slot>>,
}

impl Drop for RefInner {
    fn drop(&mut self) {
        match (&self.remote, self.owned) {
            (Some(slot), true) => slot.queue_release(&self.session, self.id),
            (None, true) => {
                registry().release(&self.session, self.id, RefGone::Released);
            }
            (_, false) => {}
        }
    }
}

impl Ref {
    /// Registers `obj` in `session` and returns the owning handle.
    pub(crate) fn register(obj: &Bound<'_, PyAny>, session: SessionId) -> Ref {
        let names = TypeNames::of(&obj.get_type());
        let id = registry().insert(&session, obj.clone().unbind());
        Ref(Arc::new(RefInner { id, session, names, owned: true, remote: None }))
    }

    /// The owning handle of an object that lives in a worker (read from its reply).
    pub(crate) fn remote(borrowed: &Ref, slot: Arc<Slot>) -> Ref {
        let b = &borrowed.0;
        Ref(Arc::new(RefInner {
            id: b.id,
            session: b.session.clone(),
            names: b.names.clone(),
            owned: true,
            remote: Some(slot),
        }))
    }

    /// The worker id in the ref id: the worker that made it (0 for an in-process ref).
    pub(crate) fn worker_id(&self) -> u32 {
        (self.0.id.0 >> 96) as u32
    }

    /// A handle that does not own the object (read back from the wire).
    pub(crate) fn borrowed(
        id: RefId,
        session: SessionId,
        type_name: Option<String>,
        python_module: Option<String>,
        library: Option<String>,
    ) -> Ref {
        let names = Arc::new(TypeNames {
            type_name: type_name.unwrap_or_else(|| "object".into()).into(),
            python_module: python_module.map(Into::into),
            library: library.map(Into::into),
        });
        Ref(Arc::new(RefInner { id, session, names, owned: false, remote: None }))
    }

    /// The ref id, `ref_` and 32 hex digits.
    pub fn id(&self) -> String {
        self.0.id.to_string()
    }

    /// The id of the session that owns the object.
    pub fn session_id(&self) -> &str {
        &self.0.session
    }

    /// The Python type's qualified name (`"PosixPath"`).
    pub fn type_name(&self) -> &str {
        &self.0.names.type_name
    }

    /// The module that defines the object's type (`"pathlib"`).
    pub fn python_module(&self) -> Option<&str> {
        self.0.names.python_module.as_deref()
    }

    /// The top-level package of [`Ref::python_module`] (`"numpy"` for `numpy.ndarray`).
    pub fn library(&self) -> Option<&str> {
        self.0.names.library.as_deref()
    }

    /// Whether the object is still alive in the registry.
    pub fn is_alive(&self) -> bool {
        match &self.0.remote {
            Some(slot) => slot.holds(self),
            None => registry().contains(&self.0.session, self.0.id),
        }
    }

    /// The Python object, checked against the session the current call runs in.
    #[inline]
    pub fn bind<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        if let Err(current) = session::check_effective(&self.0.session) {
            return Err(self.mismatch(&current));
        }
        if self.0.remote.is_some() {
            // A worker's object has no host object: it stands in as a marker that converts back.
            return crate::backend::worker::marker(py, self);
        }
        registry().get(py, &self.0.session, self.0.id)
    }
}

impl Ref {
    #[cold]
    fn mismatch(&self, current: &crate::session::SessionId) -> Error {
        Error::SessionMismatch {
            ref_id: self.id(),
            expected_session: self.0.session.to_string(),
            actual_session: current.to_string(),
        }
    }
}

impl PartialEq for Ref {
    fn eq(&self, other: &Ref) -> bool {
        self.0.id == other.0.id && self.0.session == other.0.session
    }
}

impl Eq for Ref {}

impl std::hash::Hash for Ref {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl Ref {
    /// The handle's own description, which never calls Python.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.python_module() {
            Some(m) if m != "builtins" => {
                write!(f, "<Ref {m}.{} {} in {}>", self.type_name(), self.0.id, self.0.session)
            }
            _ => write!(f, "<Ref {} {} in {}>", self.type_name(), self.0.id, self.0.session),
        }
    }
}

/// The handle: `<Ref pathlib.PosixPath ref_… in auto_…>`. It never calls Python (safe in
/// panics, logs, `Drop` and under any lock) and shows the same in every session; the type
/// names are those read when the ref was made. Use [`Ref::repr`] for `repr(obj)` (checked
/// against the current session like any use of the object).
impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f)
    }
}
