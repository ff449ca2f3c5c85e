//! Refs and sessions: release, eviction, expiry, isolation and sharing between threads.

use std::time::Duration;

use snakebridge::{
    args, call, current_session, method, release_auto_session, release_ref, release_session, session_ref_count, wire,
    with_session, Error, Ref, RefGone, Session, Value,
};

fn new_ref() -> Ref {
    match call("builtins", "object", ()).unwrap() {
        Value::Ref(r) => r,
        other => panic!("expected a ref, got {other:?}"),
    }
}

fn gone_reason(r: &Ref) -> RefGone {
    match method(r, "__repr__", ()) {
        Err(Error::RefNotFound { reason, .. }) => reason,
        other => panic!("expected RefNotFound, got {other:?}"),
    }
}

#[test]
fn refs_are_cheap_send_sync_handles() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Ref>();
    assert_send_sync::<Session>();
    let a = new_ref();
    let b = a.clone();
    assert_eq!(a, b);
    assert_eq!(a.type_name(), "object");
    assert_eq!(a.python_module(), Some("builtins"));
    assert!(a.id().starts_with("ref_") && a.id().len() == 36);
    assert!(snakebridge::is_ref(&Value::Ref(a)));
}

#[test]
fn ref_ids_cannot_be_guessed() {
    let ids: Vec<u128> = (0..4).map(|_| u128::from_str_radix(&new_ref().id()[4..], 16).unwrap()).collect();
    for pair in ids.windows(2) {
        assert!((pair[0] ^ pair[1]).count_ones() > 20, "ids look sequential: {ids:x?}");
    }
}

#[test]
fn release_ref_and_releasing_twice() {
    let session = Session::new();
    session.run(|| {
        let r = new_ref();
        assert_eq!(session.ref_count(), 1);
        release_ref(&r);
        release_ref(&r);
        assert_eq!(session.ref_count(), 0);
        assert_eq!(gone_reason(&r), RefGone::Released);
        let err = method(&r, "__repr__", ()).unwrap_err();
        assert!(err.to_string().contains("it was released"), "{err}");
    });
}

#[test]
fn dropping_the_last_handle_releases_the_object() {
    let session = Session::new();
    session.run(|| {
        let r = new_ref();
        let copy = r.clone();
        drop(r);
        assert_eq!(session.ref_count(), 1, "a clone still holds it");
        drop(copy);
        assert_eq!(session.ref_count(), 0);
    });
}

#[test]
fn least_recently_used_refs_are_evicted_first() {
    let session = Session::builder().max_refs(3).build();
    session.run(|| {
        let a = new_ref();
        let b = new_ref();
        let c = new_ref();
        method(&a, "__repr__", ()).unwrap(); // a is now more recent than b
        let d = new_ref();
        assert_eq!(session.ref_count(), 3);
        assert_eq!(gone_reason(&b), RefGone::Evicted);
        for alive in [&a, &c, &d] {
            assert!(alive.is_alive(), "{alive:?}");
        }
        let e = new_ref();
        assert_eq!(gone_reason(&c), RefGone::Evicted, "c was the least recently used of a, c, d");
        assert!(a.is_alive() && d.is_alive() && e.is_alive());
        let err = method(&c, "__repr__", ()).unwrap_err();
        assert!(err.to_string().contains("SNAKEBRIDGE_REF_MAX"), "{err}");
    });
}

/// A thread answers its repeated uses of a ref from its recent uses, without the registry's
/// locks: those uses still count for the LRU order, and a release (from any thread) ends them.
#[test]
fn repeated_uses_count_for_eviction_and_end_at_release() {
    let session = Session::builder().max_refs(3).build();
    session.run(|| {
        let (a, b, c) = (new_ref(), new_ref(), new_ref());
        for _ in 0..3 {
            method(&a, "__repr__", ()).unwrap(); // the first through the registry, then recent
        }
        method(&b, "__repr__", ()).unwrap();
        let d = new_ref();
        assert_eq!(gone_reason(&c), RefGone::Evicted, "c was least recently used");
        for _ in 0..2 {
            method(&a, "__repr__", ()).unwrap();
        }
        method(&d, "__repr__", ()).unwrap();
        let _e = new_ref();
        assert_eq!(gone_reason(&b), RefGone::Evicted, "a's repeated uses kept it ahead of b");
        assert!(a.is_alive() && d.is_alive());

        let (from_other_thread, in_session) = (a.clone(), session.clone());
        std::thread::spawn(move || in_session.run(|| release_ref(&from_other_thread))).join().unwrap();
        assert_eq!(gone_reason(&a), RefGone::Released, "a release ends this thread's recent use of it");
    });
}

#[test]
fn unused_refs_expire_after_the_ttl() {
    let session = Session::builder().ttl(Duration::from_millis(100)).build();
    session.run(|| {
        let old = new_ref();
        let kept = new_ref();
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(40));
            method(&kept, "__repr__", ()).unwrap();
        }
        assert_eq!(gone_reason(&old), RefGone::Expired);
        assert!(kept.is_alive(), "used within the TTL");
    });
}

#[test]
fn releasing_a_session_releases_its_refs_and_it_can_be_reused() {
    let session = Session::new();
    let refs: Vec<Ref> = session.run(|| (0..5).map(|_| new_ref()).collect());
    assert_eq!(release_session(session.id()), 5);
    session.run(|| {
        assert_eq!(gone_reason(&refs[0]), RefGone::SessionReleased);
        let again = new_ref();
        assert!(again.is_alive());
    });
    assert_eq!(release_session("no-such-session"), 0);
}

#[test]
fn sessions_are_isolated_between_threads() {
    let r = new_ref();
    let mine = current_session();
    let err = std::thread::spawn(move || {
        assert_ne!(current_session(), mine, "each thread has its own auto-session");
        method(&r, "__repr__", ()).unwrap_err()
    })
    .join()
    .unwrap();
    assert!(matches!(err, Error::SessionMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("explicit `Session`"), "{err}");

    // Explicit sessions are isolated from each other too.
    let a = Session::new();
    let b = Session::new();
    let in_a = a.run(new_ref);
    let err = b.run(|| method(&in_a, "__repr__", ()).unwrap_err());
    assert!(matches!(err, Error::SessionMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("Session::join(\"{}\")", a.id())), "{err}");
}

#[test]
fn explicit_sessions_are_shared_by_id() {
    let session = Session::with_id("shared-by-id-test");
    let model = session.run(|| call("collections", "Counter", ("hello",)).unwrap());
    let shared = model.clone();
    let total = std::thread::spawn(move || {
        let joined = Session::join("shared-by-id-test").unwrap();
        assert_eq!(joined.id(), "shared-by-id-test");
        with_session(&joined, || {
            assert_eq!(current_session(), "shared-by-id-test");
            method(shared.as_ref().unwrap(), "total", ()).unwrap()
        })
    })
    .join()
    .unwrap();
    assert_eq!(total, Value::from(5));
    assert!(matches!(Session::join("never-created"), Err(Error::SessionNotFound { .. })));
    // Session::with_id on a live id joins it instead of replacing it: the model's ref is still
    // there, and a ref made through the new handle lands in the same table.
    assert_eq!(session.ref_count(), 1, "the model's ref");
    let again = Session::with_id("shared-by-id-test");
    assert_eq!(again.ref_count(), 1, "joined, not replaced by an empty session");
    let _extra = again.run(|| call("collections", "Counter", ("xyz",)).unwrap());
    assert_eq!(session.ref_count(), 2, "one table behind both handles");
    assert_eq!(again.run(|| method(model.as_ref().unwrap(), "total", ())).unwrap(), Value::from(5));
}

#[test]
fn dropping_the_last_session_handle_releases_its_refs() {
    let session = Session::new();
    let id = session.id().to_owned();
    let r = session.run(new_ref);
    let wire_copy = wire::to_string(&Value::Ref(r.clone())).unwrap();
    drop(session);
    assert_eq!(session_ref_count(&id), 0);
    let borrowed = wire::from_str(&wire_copy).unwrap();
    let err = with_session(&Session::with_id(id), || method(borrowed.as_ref().unwrap(), "__repr__", ()).unwrap_err());
    assert!(matches!(err, Error::RefNotFound { reason: RefGone::SessionReleased, .. }), "{err:?}");
    drop(r);
}

#[test]
fn per_call_session_override() {
    let session = Session::new();
    let r = call("builtins", "object", args!().session(&session)).unwrap();
    assert_eq!(r.as_ref().unwrap().session_id(), session.id());
    assert_eq!(session.ref_count(), 1);
    // Used outside that session without the override: mismatch; with it: fine.
    assert!(matches!(method(r.as_ref().unwrap(), "__repr__", ()), Err(Error::SessionMismatch { .. })));
    method(r.as_ref().unwrap(), "__repr__", args!().session(&session)).unwrap();
}

#[test]
fn auto_session_is_released_when_the_thread_ends() {
    let (id, copy) = std::thread::spawn(|| {
        let r = new_ref();
        let _keep = r.clone();
        std::mem::forget(r); // even a leaked handle does not keep the object past the thread
        (current_session(), wire::to_string(&Value::Ref(_keep)).unwrap())
    })
    .join()
    .unwrap();
    assert!(id.starts_with("auto_"));
    assert_eq!(session_ref_count(&id), 0);
    assert!(copy.contains(&id));
}

#[test]
fn release_auto_session_starts_a_fresh_one() {
    std::thread::spawn(|| {
        let before = current_session();
        let r = new_ref();
        let _s = new_ref();
        assert_eq!(release_auto_session(), 2);
        assert_ne!(current_session(), before);
        assert!(!r.is_alive());
    })
    .join()
    .unwrap();
}
