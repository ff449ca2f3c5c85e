//! Sessions: sharing a Python object between threads, and releasing objects on purpose.
//!
//! `cargo run --example sessions`

use snakebridge::{call, current_session, live_ref_count, method, release_ref, with_session, Session};

fn main() -> snakebridge::Result<()> {
    // Each thread has its own auto-session; refs made here belong to it.
    println!("main thread runs in {}", current_session());

    // An explicit session with an id that other threads can join.
    let session = Session::builder().id("shared-counter").max_refs(100).build();
    let counter = session.run(|| call("collections", "Counter", ("mississippi",)))?;

    let for_worker = counter.clone();
    let worker = std::thread::spawn(move || -> snakebridge::Result<_> {
        let joined = Session::join("shared-counter")?;
        with_session(&joined, || method(for_worker.as_ref().unwrap(), "most_common", (1,)))
    });
    println!("most common letter, read on another thread: {:?}", worker.join().unwrap()?);

    // Without joining, another thread is refused: refs are session-scoped.
    let mine = call("pathlib", "Path", ("/tmp",))?;
    let refused = std::thread::spawn(move || method(mine.as_ref().unwrap(), "exists", ()).unwrap_err()).join().unwrap();
    println!("refused: {refused}");

    // Release explicitly; a released ref tells you why it is gone.
    let buffer = call("io", "StringIO", ("text",))?;
    let buffer = buffer.as_ref().unwrap();
    release_ref(buffer);
    println!("after release: {}", method(buffer, "getvalue", ()).unwrap_err());

    println!("refs alive before the session ends: {}", live_ref_count());
    drop(session); // the session's refs are released with its last handle
    assert!(!counter.as_ref().unwrap().is_alive());
    println!("refs alive after: {}", live_ref_count());
    Ok(())
}
