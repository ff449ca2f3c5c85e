//! `SNAKEBRIDGE_REF_MAX` and `SNAKEBRIDGE_REF_TTL_SECONDS` are read from the environment.
//! (Its own test binary: the limits are read once, when the registry starts.)

use std::time::Duration;

use snakebridge::{call, method, Error, RefGone};

#[test]
fn limits_come_from_the_environment() {
    std::env::set_var("SNAKEBRIDGE_REF_MAX", "2");
    std::env::set_var("SNAKEBRIDGE_REF_TTL_SECONDS", "1");
    let limits = snakebridge::RegistryLimits::from_env();
    assert_eq!(limits.max_refs, 2);
    assert_eq!(limits.ttl, Some(Duration::from_secs(1)));

    let a = call("builtins", "object", ()).unwrap();
    let b = call("builtins", "object", ()).unwrap();
    let c = call("builtins", "object", ()).unwrap();
    let reason = |v: &snakebridge::Value| match method(v.as_ref().unwrap(), "__repr__", ()) {
        Err(Error::RefNotFound { reason, .. }) => Some(reason),
        Ok(_) => None,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(reason(&a), Some(RefGone::Evicted));
    assert_eq!(reason(&c), None);
    std::thread::sleep(Duration::from_millis(1300));
    assert_eq!(reason(&b), Some(RefGone::Expired));
}
