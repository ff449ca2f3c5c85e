//! [`StreamRef`]: a Python iterator or generator as a lazy Rust [`Iterator`], and the
//! callback form [`stream`].

use std::fmt;
use std::marker::PhantomData;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyIterator;

use crate::call::{call_as, CachedFunction, CallOptions, IntoArgs};
use crate::error::{py_err, Error, Result};
use crate::refs::Ref;
use crate::session::effective_session_id;
use crate::supervise::{enter, Door, Target};
use crate::value::{FromPython, Value};

/// The largest number of items pulled from Python per interpreter attach, by default.
pub const DEFAULT_MAX_BATCH: usize = 1024;

/// A Python iterator held in the current session, read lazily as a Rust [`Iterator`].
///
/// Each item is `Ok(T)` or the error of that step: a Python exception raised by the iterator
/// comes out once and ends the stream; an item that does not convert to `T` is an `Err` and
/// the stream goes on. Not reaching the iterator at all (its ref was released, or the stream is
/// read in another session) is also an error that ends the stream. An infinite iterator works
/// with `.take(n)`.
///
/// Items are pulled in batches, so that one attach to the interpreter serves many items: the
/// first refill pulls one item, each next one twice as many, up to [`DEFAULT_MAX_BATCH`]. A
/// consumer that stops early may therefore leave up to that many items pulled but unseen; use
/// [`StreamRef::batch_size`]`(1)` when the Python side must not run ahead (a generator with
/// side effects that the Rust side waits for).
///
/// ```no_run
/// use snakebridge_runtime::{call_as, StreamRef};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let counter: StreamRef<i64> = call_as("itertools", "count", (10,))?;
/// let first: Vec<i64> = counter.take(3).collect::<Result<_, _>>()?;
/// assert_eq!(first, [10, 11, 12]);
/// # Ok(()) }
/// ```
pub struct StreamRef<T = Value> {
    iter: Ref,
    /// The rest of the last batch (a batch is only pulled once the last is read).
    buffer: Batch<T>,
    done: bool,
    next_batch: usize,
    max_batch: usize,
    /// The whole-stream limit (`stream_timeout`), for streams started with [`iterate`].
    deadline: Option<crate::timeout::StreamDeadline>,
    /// The options each refill runs under: the session the stream was started in, and no
    /// unary limit when the whole-stream deadline governs.
    options: Option<CallOptions>,
    _item: PhantomData<fn() -> T>,
}

impl<T: FromPython> StreamRef<T> {
    /// Iterates over the Python object behind `target`: `iter(target)`.
    ///
    /// A ref to an iterator or generator continues where it is; one to an iterable (a list,
    /// a file) starts a fresh iteration. [`Error::NotIterable`] when Python cannot iterate it.
    pub fn from_ref(target: &Ref) -> Result<Self> {
        if target.0.remote.is_some() {
            return call_as("builtins", "iter", (target,)).map(Self::over);
        }
        let module = target.python_module().unwrap_or_default();
        enter(Target::new(Door::Stream, module, "__iter__"), None, |py| Self::from_python(&target.bind(py)?))
    }

    /// Calls the cached `f(*args, **kwargs)` and iterates over what it returns: [`iterate`]
    /// for a callable looked up once (generated `*_stream` functions use it).
    pub fn call(f: &CachedFunction, args: impl IntoArgs) -> Result<Self> {
        let (module, function) = f.target();
        let deadline = CallOptions::with_effective(args.options(), |o| {
            crate::timeout::StreamDeadline::start(module, function, o)
        })?;
        let session = args.options().and_then(|o| o.session.clone());
        let stream: StreamRef<T> = f.call(args)?;
        Ok(stream.governed(deadline, session))
    }

    /// Sets the whole-stream deadline and the session the stream was started in, which every
    /// refill runs in: a stream made with a per-call session is read in it.
    fn governed(mut self, deadline: Option<crate::timeout::StreamDeadline>, session: Option<crate::Session>) -> Self {
        if deadline.is_some() || session.is_some() {
            let mut options = CallOptions { session, ..CallOptions::default() };
            if deadline.is_some() {
                options.timeout = Some(crate::CallTimeout::Never);
            }
            self.options = Some(options);
        }
        self.deadline = deadline;
        self
    }

    fn over(iter: Ref) -> Self {
        StreamRef {
            iter,
            buffer: Batch::default(),
            done: false,
            next_batch: 1,
            max_batch: DEFAULT_MAX_BATCH,
            deadline: None,
            options: None,
            _item: PhantomData,
        }
    }

    /// Sets the most items pulled from Python at a time (at least 1). `1` makes each
    /// [`next`](Iterator::next) pull exactly one item, as a Python `for` loop does.
    #[must_use]
    pub fn batch_size(mut self, max: usize) -> Self {
        self.max_batch = max.max(1);
        self.next_batch = self.next_batch.min(self.max_batch);
        self
    }

    /// How many items are left, where Python can tell (`operator.length_hint`): the items
    /// already pulled plus the iterator's own hint. `None` for a generator or any iterator
    /// that gives no hint.
    pub fn len(&self) -> Result<Option<usize>> {
        let buffered = self.buffer.items.len();
        if self.done {
            return Ok(Some(buffered));
        }
        if self.iter.0.remote.is_some() {
            let hint: isize = self.remotely(|| call_as("operator", "length_hint", (&self.iter, -1)))?;
            return Ok(usize::try_from(hint).ok().map(|h| h + buffered));
        }
        let module = self.iter.python_module().unwrap_or_default();
        enter(Target::new(Door::Stream, module, "__length_hint__"), self.options.as_ref(), |py| {
            let it = self.iter.bind(py)?;
            static LENGTH_HINT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            let length_hint = LENGTH_HINT.import(py, "operator", "length_hint").map_err(|e| py_err(py, e))?;
            let hint: isize = length_hint.call1((it, -1)).and_then(|h| h.extract()).map_err(|e| py_err(py, e))?;
            Ok(usize::try_from(hint).ok().map(|h| h + buffered))
        })
    }

    /// Whether no item is left, where Python can tell (see [`StreamRef::len`]).
    pub fn is_empty(&self) -> Result<Option<bool>> {
        self.len().map(|n| n.map(|n| n == 0))
    }

    /// The ref to the Python iterator itself, to pass it back to Python.
    pub fn iterator(&self) -> &Ref {
        &self.iter
    }

    /// Whether the Python iterator has ended (all pulled items may not have been read yet).
    pub fn is_exhausted(&self) -> bool {
        self.done
    }

    fn refill(&mut self) {
        let want = self.next_batch;
        self.next_batch = (want * 2).min(self.max_batch);
        if self.iter.0.remote.is_some() {
            return self.refill_remote(want);
        }
        let mut buffer = BatchBuilder::with_capacity(want);
        let deadline = self.deadline.as_ref();
        let module = self.iter.python_module().unwrap_or_default();
        let outcome = enter(Target::new(Door::Stream, module, "__next__"), self.options.as_ref(), |py| {
            let obj = self.iter.bind(py)?;
            // Checked once at creation; an object whose type changed since is an error, not UB.
            let mut it = match obj.cast::<PyIterator>() {
                Ok(it) => it.clone(),
                Err(_) => return Err(Error::NotIterable { type_name: type_name(&obj) }),
            };
            let mut pull = || {
                for _ in 0..want {
                    match it.next() {
                        Some(Ok(item)) => buffer.push(T::from_python(&item)),
                        Some(Err(e)) => return Err(py_err(py, e)),
                        None => return Ok(true),
                    }
                }
                Ok(false)
            };
            match deadline {
                Some(d) => d.run(py, pull),
                None => pull(),
            }
        });
        match outcome {
            Ok(ended) => self.done = ended,
            Err(e) => {
                buffer.push(Err(e));
                self.done = true;
            }
        }
        self.buffer = buffer.finish();
    }
}

impl<T: FromPython> StreamRef<T> {
    /// Runs `f` in the stream's session, under the default unary limit per pull: a worker's
    /// iterator is read by calls, each of them limited like any call.
    fn remotely<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let options =
            CallOptions { session: self.options.as_ref().and_then(|o| o.session.clone()), ..Default::default() };
        options.run(f)
    }

    /// A refill from an iterator in a worker: `list(islice(it, want))` there, two calls a batch.
    /// A Python exception ends the stream (the items of its batch before it are lost).
    fn refill_remote(&mut self, want: usize) {
        let pulled = self.remotely(|| {
            let chunk = crate::call::call("itertools", "islice", (&self.iter, want))?;
            call_as::<Vec<Value>>("builtins", "list", (&chunk,))
        });
        match pulled {
            Ok(items) => {
                self.done = items.len() < want;
                let mut buffer = BatchBuilder::with_capacity(items.len());
                items.into_iter().for_each(|v| buffer.push(T::from_remote(v)));
                self.buffer = buffer.finish();
            }
            Err(e) => {
                let mut buffer = BatchBuilder::with_capacity(0);
                buffer.push(Err(e));
                self.buffer = buffer.finish();
                self.done = true;
            }
        }
    }
}

impl<T: FromPython> Iterator for StreamRef<T> {
    type Item = Result<T>;

    #[inline]
    fn next(&mut self) -> Option<Result<T>> {
        if let Some(item) = self.buffer.next() {
            return Some(item);
        }
        if self.done {
            return None;
        }
        self.refill();
        self.buffer.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        (buffered, self.done.then_some(buffered))
    }
}

impl<T: FromPython> std::iter::FusedIterator for StreamRef<T> {}

impl<T: FromPython> FromPython for StreamRef<T> {
    /// `iter(obj)`, registered in the current session; [`Error::NotIterable`] when Python
    /// cannot iterate `obj`.
    fn from_python(obj: &Bound<'_, PyAny>) -> Result<Self> {
        let py = obj.py();
        match obj.try_iter() {
            Ok(it) => Ok(StreamRef::over(Ref::register(it.as_any(), effective_session_id()))),
            Err(e) if e.is_instance_of::<PyTypeError>(py) && !obj.hasattr("__iter__").unwrap_or(false) => {
                Err(Error::NotIterable { type_name: type_name(obj) })
            }
            Err(e) => Err(py_err(py, e)),
        }
    }

    /// A worker's object is iterated there; anything else as [`FromPython::from_python`].
    fn from_remote(value: Value) -> Result<Self> {
        match value {
            Value::Ref(r) if r.0.remote.is_some() => StreamRef::from_ref(&r),
            other => crate::value::via_host(other),
        }
    }
}

impl<T> fmt::Debug for StreamRef<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRef")
            .field("iter", &self.iter)
            .field("buffered", &self.buffer.len())
            .field("exhausted", &self.done)
            .finish()
    }
}

/// One pulled batch: its items, and the errors among them at their places. Kept apart, an
/// item moves as a `T`, not as a `Result` as large as [`Error`].
struct Batch<T> {
    items: std::vec::IntoIter<T>,
    /// `(place in the batch, error)`, the last place first.
    errors: Vec<(usize, Error)>,
    /// How many places of the batch were read.
    read: usize,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch { items: Vec::new().into_iter(), errors: Vec::new(), read: 0 }
    }
}

impl<T> Batch<T> {
    #[inline]
    fn next(&mut self) -> Option<Result<T>> {
        // Every place is an item or an error, so the next error is due when its place is.
        if self.errors.last().is_some_and(|(at, _)| *at == self.read) {
            self.read += 1;
            return self.errors.pop().map(|(_, e)| Err(e));
        }
        let item = self.items.next()?;
        self.read += 1;
        Some(Ok(item))
    }

    fn len(&self) -> usize {
        self.items.len() + self.errors.len()
    }
}

/// A batch as it is pulled.
struct BatchBuilder<T> {
    items: Vec<T>,
    errors: Vec<(usize, Error)>,
}

impl<T> BatchBuilder<T> {
    fn with_capacity(n: usize) -> Self {
        BatchBuilder { items: Vec::with_capacity(n), errors: Vec::new() }
    }

    #[inline]
    fn push(&mut self, item: Result<T>) {
        match item {
            Ok(item) => self.items.push(item),
            Err(e) => self.errors.push((self.items.len() + self.errors.len(), e)),
        }
    }

    fn finish(mut self) -> Batch<T> {
        self.errors.reverse();
        Batch { items: self.items.into_iter(), errors: self.errors, read: 0 }
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().qualname().map(|s| s.to_string()).unwrap_or_else(|_| "object".into())
}

/// Calls `module.function(*args, **kwargs)` and iterates over what it returns, lazily.
///
/// The same as `call_as::<StreamRef<T>>(..)`; generated `*_stream` functions return this.
///
/// The whole stream runs under the stream limit of its profile (`streaming`: 30 minutes; a
/// per-call `timeout`/`timeout_profile` applies to it too): past it, the generator is
/// interrupted and the stream yields [`Error::Timeout`] and ends.
pub fn iterate<T: FromPython>(module: &str, function: &str, args: impl IntoArgs) -> Result<StreamRef<T>> {
    let deadline =
        CallOptions::with_effective(args.options(), |o| crate::timeout::StreamDeadline::start(module, function, o))?;
    let session = args.options().and_then(|o| o.session.clone());
    let stream: StreamRef<T> = call_as(module, function, args)?;
    Ok(stream.governed(deadline, session))
}

/// Calls `module.function(*args, **kwargs)` and hands each item it yields to `each`, in
/// order; the callback form of [`iterate`] (the seed's `stream/5`).
///
/// Returns how many items were handed over. Stops at the first error: a Python exception
/// from the iterator, or an item that does not convert to `T`.
///
/// ```no_run
/// use snakebridge_runtime::{args, stream};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let mut total = 0;
/// stream("builtins", "range", args!(0, 10, 2), |n: i64| total += n)?;
/// assert_eq!(total, 20);
/// # Ok(()) }
/// ```
pub fn stream<T: FromPython>(
    module: &str,
    function: &str,
    args: impl IntoArgs,
    mut each: impl FnMut(T),
) -> Result<usize> {
    let mut count = 0;
    for item in iterate::<T>(module, function, args)? {
        each(item?);
        count += 1;
    }
    Ok(count)
}
