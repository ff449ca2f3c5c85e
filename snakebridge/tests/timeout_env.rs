//! Timeout configuration from the environment. Its own test binary (one test) because the
//! environment is read when the first call loads the configuration.

use std::time::{Duration, Instant};

use snakebridge::{call, Error, TimeoutConfig};

#[test]
fn environment_variables_configure_timeouts_and_bad_values_are_reported_on_every_call() {
    // A malformed variable: every call says what is wrong instead of running with a guess.
    std::env::set_var("SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS", "two minutes");
    for _ in 0..2 {
        match call("math", "sqrt", (4,)) {
            Err(Error::InvalidOption { option, message }) => {
                assert_eq!(option, "SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS");
                assert!(message.contains("`two minutes` is not a number of seconds"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    std::env::set_var("SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS", "0.2");
    std::env::set_var("SNAKEBRIDGE_LIBRARY_PROFILES", "transformers");
    assert!(TimeoutConfig::from_env().unwrap_err().to_string().contains("not `library=profile`"));
    std::env::set_var("SNAKEBRIDGE_LIBRARY_PROFILES", "time=fast, torch=batch_job");
    std::env::set_var("SNAKEBRIDGE_TIMEOUT_PROFILE", "ml_inference");
    // `fast` is not a profile: named in the error, with the ones that exist.
    let err = TimeoutConfig::from_env().unwrap_err().to_string();
    assert!(err.contains("no profile named `fast`") && err.contains("`batch_job`"), "{err}");

    // Good values, installed from the environment.
    std::env::set_var("SNAKEBRIDGE_LIBRARY_PROFILES", "time=default, torch=batch_job");
    std::env::set_var("SNAKEBRIDGE_DEFAULT_STREAM_TIMEOUT_SECONDS", "infinity");
    let cfg = TimeoutConfig::from_env().unwrap();
    assert_eq!(cfg.default_profile, "ml_inference");
    assert_eq!(cfg.profiles["default"].timeout, Some(Duration::from_millis(200)));
    assert_eq!(cfg.profiles["streaming"].stream_timeout, None);
    cfg.install().unwrap();

    // `time` is mapped to `default`, whose limit is now 0.2 s.
    let start = Instant::now();
    match call("time", "sleep", (10,)) {
        Err(Error::Timeout { profile, timeout, .. }) => {
            assert_eq!((profile.as_str(), timeout), ("default", Duration::from_millis(200)))
        }
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < Duration::from_millis(700), "took {:?}", start.elapsed());
    // Other libraries use the default profile, ml_inference (10 min).
    let (limit, profile) = snakebridge::timeout::call_timeout("numpy", None).unwrap();
    assert_eq!((limit, profile.as_str()), (Some(Duration::from_secs(600)), "ml_inference"));
    let (limit, _) = snakebridge::timeout::call_timeout("torch", None).unwrap();
    assert_eq!(limit, None);
    // SNAKEBRIDGE_DEFAULT_STREAM_TIMEOUT_SECONDS=infinity lifted the stream limit.
    assert_eq!(snakebridge::timeout::stream_timeout("numpy", None).unwrap(), (None, "streaming".to_owned()));
    assert_eq!(call("math", "sqrt", (4,)).unwrap().extract::<f64>().unwrap(), 2.0);
}
