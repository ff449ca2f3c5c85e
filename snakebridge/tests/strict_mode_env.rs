//! A strict-mode threshold that is not a number is an error naming the variable, when the
//! interpreter starts; never a panic, never a silent default. (Its own test binary: the
//! environment is read once.)

#[test]
fn a_threshold_that_is_not_a_number_fails_start_up_with_the_fix() {
    std::env::set_var("SNAKEBRIDGE_STRICT_MODE", "1");
    std::env::set_var("SNAKEBRIDGE_STRICT_MODE_THRESHOLD", "a lot");
    let err = snakebridge::call("math", "sqrt", (4.0,)).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, snakebridge::Error::Interpreter { .. }), "{err:?}");
    assert!(text.contains("SNAKEBRIDGE_STRICT_MODE_THRESHOLD=\"a lot\"") && text.contains("whole number"), "{text}");
}
