//! Callgrind client requests, emitted directly (the magic instruction sequence of
//! `/usr/include/valgrind/valgrind.h`), so the instruction-count bench needs no crate and no
//! runner binary. Outside valgrind the sequence is a handful of no-op rotates and every request
//! returns its default; on targets other than x86_64 Linux the requests are not emitted at all
//! and [`running_on_valgrind`] says `false`, so the bench reports that it cannot measure.

/// `VG_USERREQ__RUNNING_ON_VALGRIND` (valgrind.h).
const RUNNING_ON_VALGRIND: usize = 0x1001;
/// `VG_USERREQ_TOOL_BASE('C','T')`: callgrind's requests (callgrind.h), in its enum's order.
const CALLGRIND_BASE: usize = ((b'C' as usize) << 24) | ((b'T' as usize) << 16);
const ZERO_STATS: usize = CALLGRIND_BASE + 1;
const TOGGLE_COLLECT: usize = CALLGRIND_BASE + 2;
const DUMP_STATS_AT: usize = CALLGRIND_BASE + 3;

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn request(default: usize, code: usize, arg1: usize) -> usize {
    let args: [usize; 6] = [code, arg1, 0, 0, 0, 0];
    let mut result = default;
    // SAFETY: the four rotates of rdi add up to 128 bits, so rdi is unchanged, and
    // `xchg rbx, rbx` is a no-op: natively the sequence changes nothing but the flags (which
    // asm! assumes clobbered). Under valgrind it is the client-request trap: valgrind reads the
    // six words at rax (live for the whole asm block) and writes its answer to rdx.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3",
            "rol rdi, 13",
            "rol rdi, 61",
            "rol rdi, 51",
            "xchg rbx, rbx",
            in("rax") args.as_ptr(),
            inout("rdx") result,
            out("rdi") _,
        );
    }
    result
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
fn request(default: usize, _code: usize, _arg1: usize) -> usize {
    default
}

/// Whether this process runs under valgrind (any tool).
pub fn running_on_valgrind() -> bool {
    request(0, RUNNING_ON_VALGRIND, 0) != 0
}

/// Zeroes callgrind's counters (`CALLGRIND_ZERO_STATS`).
pub fn zero_stats() {
    request(0, ZERO_STATS, 0);
}

/// Switches event collection on or off for the calling thread (`CALLGRIND_TOGGLE_COLLECT`).
pub fn toggle_collect() {
    request(0, TOGGLE_COLLECT, 0);
}

/// Writes a profile dump whose `desc:` line ends with `name`, then zeroes the counters
/// (`CALLGRIND_DUMP_STATS_AT`).
pub fn dump_stats_at(name: &str) {
    let name = std::ffi::CString::new(name).expect("case names have no NUL byte");
    request(0, DUMP_STATS_AT, name.as_ptr() as usize);
}
