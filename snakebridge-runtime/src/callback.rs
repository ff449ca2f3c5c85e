//! [`Callback`]: a Rust closure passed to Python as a callable.

use std::any::type_name;
use std::ffi::CString;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Weak};

use pyo3::exceptions::{PyRecursionError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{ffi, Borrowed};

use crate::error::{py_err, Error, Result};
use crate::raise::{error_to_pyerr, panic_to_pyerr};
use crate::value::{FromPython, ToPython, Value};

type Invoke = dyn for<'a, 'py> Fn(CallbackArgs<'a, 'py>) -> Result<Bound<'py, PyAny>> + Send + Sync;

/// The positional arguments of one call from Python to a [`Callback`], borrowed from the
/// caller's frame (Python passes them as an array, so no tuple is built per call).
#[derive(Clone, Copy)]
pub struct CallbackArgs<'a, 'py> {
    py: Python<'py>,
    items: &'a [*mut ffi::PyObject],
}

impl<'a, 'py> CallbackArgs<'a, 'py> {
    /// The interpreter the call runs in.
    pub fn py(&self) -> Python<'py> {
        self.py
    }

    /// How many positional arguments Python passed.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether Python passed none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The argument at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<Borrowed<'a, 'py, PyAny>> {
        // SAFETY: CPython keeps every argument of the call alive until the call returns, and
        // `'a` does not outlive the call.
        self.items.get(index).map(|&p| unsafe { Borrowed::from_ptr(self.py, p) })
    }

    /// The arguments in order.
    pub fn iter(&self) -> impl Iterator<Item = Borrowed<'a, 'py, PyAny>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

struct Shared {
    name: String,
    /// `None` for a variadic callback.
    arity: Option<usize>,
    invoke: Box<Invoke>,
}

/// A Rust closure that Python can call: pass it as an argument like any other value.
///
/// Arguments convert from Python with [`FromPython`] and the return value goes back with
/// [`ToPython`]; a closure may also return `Result<T>`, whose error Python sees as an
/// exception (the original one for a Python error). Then, in Python:
///
/// - a wrong number of arguments, or any keyword argument, raises `TypeError`, as does an
///   argument that does not convert;
/// - a panic in the closure raises [`RustPanic`](crate::RustPanic) (a `RuntimeError`), so
///   the Python code in between can clean up, and the Rust caller gets it back as an
///   [`Error::Python`](crate::Error::Python) — never an abort;
/// - a call after this `Callback` was dropped raises `RuntimeError` saying so: Python may
///   keep the callable (in a list, in another thread) longer than Rust keeps the closure.
///
/// The closure must be `Send + Sync + 'static` because any Python thread may call it. It
/// runs with the interpreter attached: snakebridge calls inside it work; long pure-Rust work
/// holds up other Python threads for that time.
///
/// ```no_run
/// use snakebridge_runtime::{args, call_as, Callback};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let by_length = Callback::new(|s: String| s.len());
/// let sorted: Vec<String> = call_as("builtins", "sorted", args!(vec!["ccc", "a", "bb"], key = &by_length))?;
/// assert_eq!(sorted, ["a", "bb", "ccc"]);
/// # Ok(()) }
/// ```
pub struct Callback {
    shared: Arc<Shared>,
    /// The builtin function Python calls (bound to a [`RustCallback`]).
    object: PyOnceLock<Py<PyAny>>,
}

impl Callback {
    /// Wraps a closure taking 0 to 6 typed arguments.
    pub fn new<F: IntoCallback<S>, S>(f: F) -> Self {
        Self::named(short_type_name::<F>(), f)
    }

    /// [`Callback::new`] with the name Python shows in its `repr` and in error messages.
    pub fn named<F: IntoCallback<S>, S>(name: impl Into<String>, f: F) -> Self {
        Self::build(name.into(), Some(F::ARITY), Box::new(move |args| f.invoke(args)))
    }

    /// Wraps a closure that takes any number of positional arguments, as [`Value`]s.
    pub fn variadic<R: CallbackReturn>(
        name: impl Into<String>,
        f: impl Fn(Vec<Value>) -> R + Send + Sync + 'static,
    ) -> Self {
        Self::build(
            name.into(),
            None,
            Box::new(move |args| {
                let values = args.iter().map(|a| Value::from_python(&a)).collect::<Result<Vec<_>>>()?;
                f(values).into_python(args.py())
            }),
        )
    }

    fn build(name: String, arity: Option<usize>, invoke: Box<Invoke>) -> Self {
        Callback { shared: Arc::new(Shared { name, arity, invoke }), object: PyOnceLock::new() }
    }

    /// The name Python shows for it.
    pub fn name(&self) -> &str {
        &self.shared.name
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback").field("name", &self.shared.name).field("arity", &self.shared.arity).finish()
    }
}

impl ToPython for Callback {
    /// The same Python callable each time.
    fn to_python<'py>(&self, py: Python<'py>) -> Result<Bound<'py, PyAny>> {
        let obj = self.object.get_or_try_init(py, || {
            let shared = &self.shared;
            let callback = RustCallback { shared: Arc::downgrade(shared), def: MethodDef::new(&shared.name) };
            let callback = Bound::new(py, callback).map_err(|e| py_err(py, e))?;
            let def = std::ptr::from_ref(&callback.get().def.def).cast_mut();
            // SAFETY: `def` lives inside `callback`, which the new function holds as its
            // `__self__` for as long as the function lives.
            let function = unsafe { ffi::PyCFunction_NewEx(def, callback.as_ptr(), std::ptr::null_mut()) };
            // SAFETY: a new reference, or null with the exception set.
            unsafe { Bound::from_owned_ptr_or_err(py, function) }.map(Bound::unbind).map_err(|e| py_err(py, e))
        })?;
        Ok(obj.bind(py).clone())
    }
}

/// The Python side of a [`Callback`]: holds the closure weakly, so that dropping the
/// `Callback` in Rust frees it even while Python still holds the callable.
///
/// Python calls it through a builtin function bound to it (`METH_FASTCALL`, the convention
/// of a `#[pyfunction]`), so a call passes its arguments as an array instead of a new tuple.
#[pyclass(name = "RustCallback", module = "snakebridge", frozen)]
struct RustCallback {
    shared: Weak<Shared>,
    /// Also its name, for messages once the closure is gone.
    def: MethodDef,
}

/// The definition of the builtin function that calls a [`RustCallback`], kept in it.
struct MethodDef {
    def: ffi::PyMethodDef,
    name: CString,
}

// SAFETY: the definition is written before Python sees it and never changed; its pointers are
// into `name` and a static string.
unsafe impl Send for MethodDef {}
// SAFETY: as above: shared only for reading.
unsafe impl Sync for MethodDef {}

impl MethodDef {
    fn new(name: &str) -> MethodDef {
        let name = CString::new(name.replace('\0', "")).unwrap_or_default();
        let def = ffi::PyMethodDef {
            ml_name: name.as_ptr(),
            ml_meth: ffi::PyMethodDefPointer { PyCFunctionFastWithKeywords: call_callback },
            ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: c"A Rust closure, passed to Python by snakebridge.".as_ptr(),
        };
        MethodDef { def, name }
    }
}

/// What CPython calls: `slf` is the [`RustCallback`], `args` its `nargsf` positional
/// arguments, `kwnames` the names of any keyword arguments that follow them.
unsafe extern "C" fn call_callback(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a builtin function with the interpreter attached.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `slf` is the function's `__self__`, a `RustCallback` (see `to_python`).
    let callback = unsafe { Borrowed::from_ptr(py, slf) };
    // SAFETY: `nargsf` counts the `args` array (the offset flag masked off), which is valid for
    // the call; `kwnames` is null or a tuple of the keyword names that follow the positionals.
    let (items, keywords) = unsafe {
        let n = ffi::PyVectorcall_NARGS(nargsf as usize) as usize;
        let keywords = if kwnames.is_null() { 0 } else { ffi::PyTuple_GET_SIZE(kwnames) as usize };
        (if n == 0 { &[][..] } else { std::slice::from_raw_parts(args, n) }, keywords)
    };
    // Nothing may unwind out of an `extern "C"` function: `call` catches the closure's panics
    // with its name; this catches any other.
    let result = catch_unwind(AssertUnwindSafe(|| match callback.cast::<RustCallback>() {
        Ok(callback) => callback.get().call(CallbackArgs { py, items }, keywords),
        Err(e) => Err(e.into()),
    }))
    .unwrap_or_else(|payload| Err(panic_to_pyerr("a Rust callback", payload.as_ref())));
    match result {
        Ok(value) => value.into_ptr(),
        Err(e) => {
            e.restore(py);
            std::ptr::null_mut()
        }
    }
}

impl RustCallback {
    fn name(&self) -> &str {
        // Made from a `&str` with its NULs removed, so it is UTF-8.
        self.def.name.to_str().unwrap_or("callback")
    }

    fn call<'py>(&self, args: CallbackArgs<'_, 'py>, keywords: usize) -> PyResult<Bound<'py, PyAny>> {
        let py = args.py();
        let Some(shared) = self.shared.upgrade() else {
            return Err(PyRuntimeError::new_err(format!(
                "the Rust callback `{}` was called after its `snakebridge::Callback` was dropped; keep the Callback alive for as long as Python may call it",
                self.name()
            )));
        };
        if keywords > 0 {
            return Err(PyTypeError::new_err(format!("{}() takes no keyword arguments", self.name())));
        }
        if let Some(n) = shared.arity.filter(|&n| n != args.len()) {
            return Err(PyTypeError::new_err(format!(
                "{}() takes {n} positional argument{} but {} {} given",
                self.name(),
                if n == 1 { "" } else { "s" },
                args.len(),
                if args.len() == 1 { "was" } else { "were" }
            )));
        }
        let _depth = Depth::enter(|| self.name())?;
        match catch_unwind(AssertUnwindSafe(|| (shared.invoke)(args))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(error_to_pyerr(py, &e)),
            Err(payload) => Err(panic_to_pyerr(&format!("the Rust callback `{}`", self.name()), payload.as_ref())),
        }
    }
}

#[pymethods]
impl RustCallback {
    fn __repr__(&self) -> String {
        let state = if self.shared.strong_count() == 0 { " (dropped)" } else { "" };
        format!("<RustCallback {}{state}>", self.name())
    }
}

/// How deeply callbacks may nest on one thread (Python → Rust → Python → Rust …), whatever
/// `sys.setrecursionlimit` says: past it, or with less than [`STACK_RESERVE`] of the thread's
/// stack left, the callback raises `RecursionError` instead of overflowing the Rust stack
/// (which aborts the process).
pub(crate) const MAX_CALLBACK_DEPTH: u32 = 2_000;
/// Stack kept free below the innermost callback for the Rust and Python frames it runs.
const STACK_RESERVE: usize = 256 * 1024;

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One level of callback nesting on this thread.
struct Depth;

impl Depth {
    /// `name` is asked for only when the callback is refused.
    fn enter<'n>(name: impl FnOnce() -> &'n str) -> PyResult<Depth> {
        let depth = DEPTH.with(|d| d.get());
        let stack_low = stack::left().is_some_and(|left| left < STACK_RESERVE);
        if depth >= MAX_CALLBACK_DEPTH || stack_low {
            let why = if stack_low {
                "the thread's stack is nearly used up".to_owned()
            } else {
                format!("{depth} callbacks are nested")
            };
            return Err(PyRecursionError::new_err(format!(
                "maximum recursion depth exceeded in the Rust callback `{}`: {why}; recursion between Python and Rust callbacks must stay shallower (or run it on a thread with a bigger stack)",
                name()
            )));
        }
        DEPTH.with(|d| d.set(depth + 1));
        Ok(Depth)
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

mod stack {
    /// Bytes of stack left below this frame, where the platform says where the stack ends.
    #[cfg(target_os = "linux")]
    pub(super) fn left() -> Option<usize> {
        thread_local! {
            static LOW: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
        }
        let low = match LOW.with(|l| l.get()) {
            Some(low) => low,
            None => {
                let low = lowest_address()?;
                LOW.with(|l| l.set(Some(low)));
                low
            }
        };
        let here = 0u8;
        (std::ptr::addr_of!(here) as usize).checked_sub(low)
    }

    #[cfg(target_os = "linux")]
    fn lowest_address() -> Option<usize> {
        // SAFETY: pthread_getattr_np fills `attr` for the calling thread; it is destroyed after
        // the stack bounds are read from it.
        unsafe {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
                return None;
            }
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(attr.as_mut_ptr());
            ok.then_some(addr as usize)
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn left() -> Option<usize> {
        None
    }
}

/// What a callback closure may return: any [`ToPython`] value, or `Result` of one.
pub trait CallbackReturn {
    /// Converts the return value for Python.
    fn into_python(self, py: Python<'_>) -> Result<Bound<'_, PyAny>>;
}

impl<T: ToPython> CallbackReturn for T {
    fn into_python(self, py: Python<'_>) -> Result<Bound<'_, PyAny>> {
        self.to_python(py)
    }
}

impl<T: ToPython> CallbackReturn for Result<T> {
    fn into_python(self, py: Python<'_>) -> Result<Bound<'_, PyAny>> {
        self?.to_python(py)
    }
}

/// A closure that can become a [`Callback`]: `Fn(A, B, ..) -> R` with up to 6 arguments,
/// each [`FromPython`], and `R:` [`CallbackReturn`]. `S` is the closure's signature, which
/// only tells the arities apart.
pub trait IntoCallback<S>: Send + Sync + 'static {
    /// How many positional arguments it takes.
    const ARITY: usize;

    /// Converts the arguments, calls the closure, converts the result.
    fn invoke<'py>(&self, args: CallbackArgs<'_, 'py>) -> Result<Bound<'py, PyAny>>;
}

#[inline]
fn argument<A: FromPython>(args: CallbackArgs<'_, '_>, index: usize) -> Result<A> {
    let Some(item) = args.get(index) else {
        return Err(Error::Interpreter { message: format!("a Rust callback was passed no argument {}", index + 1) });
    };
    A::from_python(&item).map_err(|e| match e {
        Error::Conversion { expected, found, hint } => {
            Error::Conversion { expected: format!("{expected} as argument {}", index + 1), found, hint }
        }
        other => other,
    })
}

macro_rules! into_callback {
    ($n:literal $(; $A:ident $a:ident $i:tt)*) => {
        impl<F, R, $($A),*> IntoCallback<fn($($A),*) -> R> for F
        where
            F: Fn($($A),*) -> R + Send + Sync + 'static,
            R: CallbackReturn,
            $($A: FromPython,)*
        {
            const ARITY: usize = $n;

            #[allow(unused_variables)]
            fn invoke<'py>(&self, args: CallbackArgs<'_, 'py>) -> Result<Bound<'py, PyAny>> {
                $(let $a = argument::<$A>(args, $i)?;)*
                (self)($($a),*).into_python(args.py())
            }
        }
    };
}
into_callback!(0);
into_callback!(1; A a 0);
into_callback!(2; A a 0; B b 1);
into_callback!(3; A a 0; B b 1; C c 2);
into_callback!(4; A a 0; B b 1; C c 2; D d 3);
into_callback!(5; A a 0; B b 1; C c 2; D d 3; E e 4);
into_callback!(6; A a 0; B b 1; C c 2; D d 3; E e 4; G g 5);

/// `module::function::{{closure}}` is all a closure's type name says; keep the readable end.
fn short_type_name<F>() -> String {
    let full = type_name::<F>();
    let trimmed = full.trim_end_matches("::{{closure}}");
    let tail = trimmed.rsplit("::").next().unwrap_or(trimmed);
    if trimmed.len() < full.len() {
        format!("<closure in {tail}>")
    } else {
        tail.to_owned()
    }
}
