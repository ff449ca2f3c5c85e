//! [`TestDouble`]: a backend that unit tests script, so that code calling Python can be
//! tested without running any Python.

use std::sync::Arc;

use parking_lot::Mutex;

use super::Request;
use crate::error::{Error, Result};
use crate::value::Value;

/// One call the double received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedCall {
    /// The door: `"call"`, `"get"`, `"method"`, `"attr"`, `"set_attr"`, `"call_ref"`.
    pub door: &'static str,
    /// The module, or the type name of the target ref for a method or attribute.
    pub target: String,
    /// The function, attribute or method name (`"__call__"` for `call_ref`).
    pub name: String,
    /// Positional arguments (the value, for `set_attr`).
    pub args: Vec<Value>,
    /// Keyword arguments.
    pub kwargs: Vec<(String, Value)>,
    /// The session the call ran in.
    pub session: String,
}

type Answer = Arc<dyn Fn(&RecordedCall) -> Result<Value> + Send + Sync>;

#[derive(Default)]
struct Inner {
    /// `(target, name, answer)`; the latest matching rule wins, `"*"` matches any name.
    rules: Mutex<Vec<(String, String, Answer)>>,
    calls: Mutex<Vec<RecordedCall>>,
}

/// A scripted backend for unit tests: records every call, answers from its script, and
/// fails with [`Error::NotScripted`] for anything unscripted.
///
/// ```
/// use snakebridge_runtime::backend::{Backend, TestDouble};
/// use snakebridge_runtime::{call_as, with_session, Session};
/// # fn main() -> snakebridge_runtime::Result<()> {
/// let double = TestDouble::new();
/// double.returns("math", "sqrt", 4.0);
/// let session = Session::builder().backend(Backend::Double(double.clone())).build();
/// let root: f64 = with_session(&session, || call_as("math", "sqrt", (16,)))?;
/// assert_eq!(root, 4.0);
/// assert_eq!(double.calls()[0].name, "sqrt");
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct TestDouble(Arc<Inner>);

impl TestDouble {
    /// An empty script.
    pub fn new() -> Self {
        TestDouble::default()
    }

    /// Answers calls of `target.name` (a module and function, or a type name and method;
    /// `"*"` as the name matches every name of `target`) with `answer`.
    pub fn on(
        &self,
        target: &str,
        name: &str,
        answer: impl Fn(&RecordedCall) -> Result<Value> + Send + Sync + 'static,
    ) -> &Self {
        self.0.rules.lock().push((target.to_owned(), name.to_owned(), Arc::new(answer)));
        self
    }

    /// Answers calls of `target.name` with `value`.
    pub fn returns(&self, target: &str, name: &str, value: impl Into<Value>) -> &Self {
        let value = value.into();
        self.on(target, name, move |_| Ok(value.clone()))
    }

    /// Fails calls of `target.name` with the Python exception `class` (a builtin class name,
    /// `"ValueError"`) and `message`, as if Python had raised it.
    pub fn raises(&self, target: &str, name: &str, class: &str, message: &str) -> &Self {
        let (class, message) = (class.to_owned(), message.to_owned());
        self.on(target, name, move |_| {
            let bases = vec![class.clone(), "Exception".into(), "BaseException".into(), "object".into()];
            crate::interpreter::with_gil(|py| {
                Err(crate::PythonError::remote(
                    py,
                    class.clone(),
                    "builtins".into(),
                    bases.clone(),
                    message.clone(),
                    None,
                )
                .into())
            })
        })
    }

    /// Every call received so far, oldest first.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.0.calls.lock().clone()
    }

    /// The calls of `target.name` received so far.
    pub fn calls_to(&self, target: &str, name: &str) -> Vec<RecordedCall> {
        self.0.calls.lock().iter().filter(|c| c.target == target && c.name == name).cloned().collect()
    }

    /// Forgets the recorded calls (the script stays).
    pub fn clear_calls(&self) {
        self.0.calls.lock().clear();
    }

    pub(crate) fn answer(&self, request: &Request<'_>) -> Result<Value> {
        let (target, name) = request.names();
        let (args, kwargs) = match request {
            Request::Call { args, .. } | Request::Method { args, .. } | Request::CallRef { args, .. } => {
                (args.positional.clone(), args.keywords.clone())
            }
            Request::SetAttr { value, .. } => (vec![value.clone()], Vec::new()),
            _ => (Vec::new(), Vec::new()),
        };
        let call = RecordedCall {
            door: request.door(),
            target: target.to_owned(),
            name: name.to_owned(),
            args,
            kwargs,
            session: crate::current_session(),
        };
        self.0.calls.lock().push(call.clone());
        let rule = self
            .0
            .rules
            .lock()
            .iter()
            .rev()
            .find(|(t, n, _)| *t == call.target && (*n == call.name || n == "*"))
            .map(|(_, _, a)| a.clone());
        match rule {
            // Outside the lock: an answer may call back into snakebridge.
            Some(answer) => answer(&call),
            None => Err(Error::NotScripted { door: call.door, target: format!("{}.{}", call.target, call.name) }),
        }
    }
}

impl std::fmt::Debug for TestDouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDouble").field("calls", &self.0.calls.lock().len()).finish()
    }
}
