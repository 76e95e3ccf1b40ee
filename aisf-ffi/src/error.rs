//! Result codes, the thread-local last error and the panic boundary.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The result of every fallible call.
///
/// Codes are grouped by area, in tens: 0 and 1 are not errors; 1x are
/// argument errors; 2x opening a snapshot; 3x ingesting and building; 4x
/// policies; 5x writing files; 9x internal errors. A code never changes
/// its number; new codes may be added within a group. On any code other
/// than OK and END, aisf_last_error() gives a message naming the file and
/// the place.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum aisf_result {
    /// The call succeeded.
    Ok = 0,
    /// An iterator has no more items (not an error).
    End = 1,
    /// A required pointer argument was NULL.
    NullArgument = 10,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 11,
    /// A name or id matches no node (or more than one).
    NotFound = 12,
    /// An argument is out of range (an index past the end, zero people).
    InvalidArgument = 13,
    /// A snapshot file could not be read.
    OpenIo = 20,
    /// The file is not an AISF snapshot.
    NotASnapshot = 21,
    /// The snapshot was written by a newer major version of the format.
    NewerVersion = 22,
    /// The snapshot is truncated or damaged, or failed verification.
    Damaged = 23,
    /// An input file or folder could not be read.
    IngestIo = 30,
    /// An input file is malformed, breaks a limit or has no known format.
    IngestFormat = 31,
    /// The ingested graph cannot become a snapshot (too large, for one).
    Build = 32,
    /// A policy file could not be read.
    PolicyIo = 40,
    /// A policy is not valid (syntax, unknown key, bad value).
    PolicyInvalid = 41,
    /// An output file or folder could not be written.
    Io = 50,
    /// A panic inside the library was caught at the boundary.
    Panic = 90,
    /// Any other internal error.
    Internal = 91,
}

/// Every code, in numeric order.
const ALL_RESULTS: [aisf_result; 18] = [
    aisf_result::Ok,
    aisf_result::End,
    aisf_result::NullArgument,
    aisf_result::InvalidUtf8,
    aisf_result::NotFound,
    aisf_result::InvalidArgument,
    aisf_result::OpenIo,
    aisf_result::NotASnapshot,
    aisf_result::NewerVersion,
    aisf_result::Damaged,
    aisf_result::IngestIo,
    aisf_result::IngestFormat,
    aisf_result::Build,
    aisf_result::PolicyIo,
    aisf_result::PolicyInvalid,
    aisf_result::Io,
    aisf_result::Panic,
    aisf_result::Internal,
];

impl aisf_result {
    /// The code's name as the header spells it, NUL-terminated.
    fn name(self) -> &'static [u8] {
        match self {
            aisf_result::Ok => b"AISF_RESULT_OK\0",
            aisf_result::End => b"AISF_RESULT_END\0",
            aisf_result::NullArgument => b"AISF_RESULT_NULL_ARGUMENT\0",
            aisf_result::InvalidUtf8 => b"AISF_RESULT_INVALID_UTF8\0",
            aisf_result::NotFound => b"AISF_RESULT_NOT_FOUND\0",
            aisf_result::InvalidArgument => b"AISF_RESULT_INVALID_ARGUMENT\0",
            aisf_result::OpenIo => b"AISF_RESULT_OPEN_IO\0",
            aisf_result::NotASnapshot => b"AISF_RESULT_NOT_A_SNAPSHOT\0",
            aisf_result::NewerVersion => b"AISF_RESULT_NEWER_VERSION\0",
            aisf_result::Damaged => b"AISF_RESULT_DAMAGED\0",
            aisf_result::IngestIo => b"AISF_RESULT_INGEST_IO\0",
            aisf_result::IngestFormat => b"AISF_RESULT_INGEST_FORMAT\0",
            aisf_result::Build => b"AISF_RESULT_BUILD\0",
            aisf_result::PolicyIo => b"AISF_RESULT_POLICY_IO\0",
            aisf_result::PolicyInvalid => b"AISF_RESULT_POLICY_INVALID\0",
            aisf_result::Io => b"AISF_RESULT_IO\0",
            aisf_result::Panic => b"AISF_RESULT_PANIC\0",
            aisf_result::Internal => b"AISF_RESULT_INTERNAL\0",
        }
    }
}

/// A failed call: its code and the message aisf_last_error() returns.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: aisf_result,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: aisf_result, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }

    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(aisf_result::NullArgument, format!("argument {what} is NULL"))
    }
}

pub(crate) type Outcome = Result<(), Failure>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    LAST_ERROR.with(|e| *e.borrow_mut() = message);
}

/// Runs the body of an exported call: a failure or a caught panic becomes
/// a code and the thread's last error; success clears the last error.
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> aisf_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error(String::new());
            aisf_result::Ok
        }
        Ok(Err(failure)) => {
            set_last_error(failure.message);
            failure.code
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            set_last_error(format!("internal error: a panic was caught at the C boundary: {what}"));
            aisf_result::Panic
        }
    }
}

/// Like [`guard`], for calls that report the end of an iteration: the body
/// returns `Ok(true)` for an item and `Ok(false)` at the end.
pub(crate) fn guard_next(body: impl FnOnce() -> Result<bool, Failure>) -> aisf_result {
    let mut more = false;
    let code = guard(|| {
        more = body()?;
        Ok(())
    });
    if code == aisf_result::Ok && !more { aisf_result::End } else { code }
}

/// Copies `text` and a NUL into `buf` (room for `len` bytes), cut at a
/// character boundary when it does not fit, and returns the length of the
/// whole text in bytes, without the NUL.
///
/// # Safety
///
/// `buf` must be NULL or point to at least `len` writable bytes.
pub(crate) unsafe fn copy_out(text: &str, buf: *mut c_char, len: usize) -> usize {
    if !buf.is_null() && len > 0 {
        let mut n = text.len().min(len - 1);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: the caller promises `buf` points to `len` writable bytes;
        // `n + 1 <= len`, and `text` is a Rust string that cannot overlap a
        // buffer the caller owns.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
    }
    text.len()
}

/// Copies the calling thread's last error message into `buf`.
///
/// Writes at most `len` bytes: the message, cut at a UTF-8 character
/// boundary if it does not fit, then a NUL. Returns the length of the
/// whole message in bytes, without the NUL: when it is `len` or more the
/// copy was cut, and a buffer of the returned length plus one holds it.
/// Passing NULL and 0 asks for the length alone. The message is empty when
/// the thread's last fallible call succeeded. Never fails.
///
/// # Safety
///
/// `buf` must be NULL or point to at least `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aisf_last_error(buf: *mut c_char, len: usize) -> usize {
    // SAFETY: the caller's promise about `buf` is the one copy_out needs.
    let copy = || LAST_ERROR.with(|e| unsafe { copy_out(&e.borrow(), buf, len) });
    catch_unwind(copy).unwrap_or(0)
}

/// The name of a result code as the header spells it
/// ("AISF_RESULT_NOT_FOUND"), or "AISF_RESULT_UNKNOWN" for a number that
/// is no code. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn aisf_result_name(code: u32) -> *const c_char {
    let name = ALL_RESULTS
        .into_iter()
        .find(|c| *c as u32 == code)
        .map_or(&b"AISF_RESULT_UNKNOWN\0"[..], |c| c.name());
    name.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, aisf_result::Panic);
        let mut buf = [0 as c_char; 128];
        // SAFETY: the buffer holds 128 bytes.
        let n = unsafe { aisf_last_error(buf.as_mut_ptr(), buf.len()) };
        // SAFETY: aisf_last_error NUL-terminates what it writes.
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(n, text.len());
        assert!(text.ends_with("boom"), "{text}");
        assert_eq!(guard(|| Ok(())), aisf_result::Ok);
        // SAFETY: NULL with length 0 is allowed.
        assert_eq!(unsafe { aisf_last_error(std::ptr::null_mut(), 0) }, 0);
    }

    #[test]
    fn copies_are_cut_at_a_character_boundary() {
        // "aéb" is four bytes ("é" takes two). Three bytes of room leave
        // two for text: "a" and half an "é", so only "a" is copied.
        let mut buf = [1 as c_char; 4];
        let p = buf.as_mut_ptr();
        // SAFETY: `buf` holds four bytes, more than each call is given.
        unsafe {
            assert_eq!(copy_out("aéb", p, 3), 4);
            assert_eq!(buf[..2], [b'a' as c_char, 0]);
            assert_eq!(copy_out("aéb", p, 4), 4);
            assert_eq!(buf[3], 0);
            assert_eq!(copy_out("x", p, 0), 1);
        }
    }

    #[test]
    fn every_code_has_its_name() {
        for code in ALL_RESULTS {
            let name = aisf_result_name(code as u32);
            // SAFETY: the names are static NUL-terminated strings.
            let text = unsafe { std::ffi::CStr::from_ptr(name) }.to_str().unwrap();
            assert!(text.starts_with("AISF_RESULT_"));
        }
        // SAFETY: as above.
        let unknown = unsafe { std::ffi::CStr::from_ptr(aisf_result_name(77)) };
        assert_eq!(unknown.to_str().unwrap(), "AISF_RESULT_UNKNOWN");
    }
}
