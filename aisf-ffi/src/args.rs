//! Reading arguments and writing results across the boundary: the few
//! places raw pointers are turned into references.

use std::ffi::{CStr, c_char};

use crate::error::{Failure, aisf_result};

/// A string argument as UTF-8; `what` names it in the error message.
///
/// # Safety
///
/// `p` must be NULL or point to a NUL-terminated string that stays valid
/// and unchanged for `'a`.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: not NULL, and the caller promises a NUL-terminated string
    // valid for 'a.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes.to_str().map_err(|e| {
        Failure::new(
            aisf_result::InvalidUtf8,
            format!("argument {what} is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// Like [`text`], but NULL means "not given".
///
/// # Safety
///
/// As for [`text`].
pub(crate) unsafe fn optional_text<'a>(
    p: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's promise, passed on.
    unsafe { text(p, what) }.map(Some)
}

/// The object behind a handle.
///
/// # Safety
///
/// `p` must be NULL or a handle this library returned and that has not
/// been freed, not used mutably elsewhere for `'a`.
pub(crate) unsafe fn handle<'a, T>(p: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: the caller promises a live handle when not NULL.
    unsafe { p.as_ref() }.ok_or_else(|| Failure::null(what))
}

/// The object behind a handle, for a call that changes it.
///
/// # Safety
///
/// `p` must be NULL or a live handle this library returned, used by no
/// other call for `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: the caller promises a live handle used by nobody else.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// Checks an out pointer before any work is done, so a NULL one fails
/// without side effects.
pub(crate) fn check_out<T>(p: *mut T, what: &str) -> Result<(), Failure> {
    if p.is_null() { Err(Failure::null(what)) } else { Ok(()) }
}

/// Writes a result through an out pointer.
///
/// # Safety
///
/// `p` must be NULL or valid for a write of one `T` (it may be
/// uninitialised: nothing is read or dropped there).
pub(crate) unsafe fn write<T>(p: *mut T, value: T, what: &str) -> Result<(), Failure> {
    check_out(p, what)?;
    // SAFETY: not NULL, and the caller promises it is valid for writes.
    // `write` does not drop the old contents, which may be garbage.
    unsafe { p.write(value) };
    Ok(())
}

/// Moves a new handle to the caller through an out pointer.
///
/// # Safety
///
/// As for [`write`], for a pointer to a handle pointer.
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T, what: &str) -> Result<(), Failure> {
    check_out(out, what)?;
    let raw = Box::into_raw(Box::new(value));
    // SAFETY: checked not NULL above; the caller promises it is writable.
    unsafe { out.write(raw) };
    Ok(())
}

/// Frees a handle made by [`give`]; NULL is ignored.
///
/// # Safety
///
/// `p` must be NULL or a handle of type `T` this library returned and
/// that has not been freed; it must not be used afterwards.
pub(crate) unsafe fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: the caller promises `p` came from Box::into_raw in
        // `give` and is freed only once.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A buffer of NUL-terminated strings for one result item, reused from
/// item to item so that iterating allocates only while it grows.
#[derive(Default)]
pub(crate) struct Strings {
    bytes: Vec<u8>,
}

/// Where one string starts in [`Strings`]; `NONE` for a missing one.
pub(crate) type Slot = usize;

/// The slot of a missing string: its pointer is NULL.
pub(crate) const NONE: Slot = usize::MAX;

impl Strings {
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
    }

    /// Adds a string (a NUL inside it ends it early for C readers).
    pub(crate) fn push(&mut self, s: &str) -> Slot {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(s.as_bytes());
        self.bytes.push(0);
        start
    }

    pub(crate) fn push_opt(&mut self, s: Option<&str>) -> Slot {
        s.map_or(NONE, |s| self.push(s))
    }

    /// The C pointer of a slot; valid until the buffer next changes.
    pub(crate) fn ptr(&self, slot: Slot) -> *const c_char {
        match self.bytes.get(slot..) {
            Some(rest) if slot != NONE => rest.as_ptr().cast(),
            _ => std::ptr::null(),
        }
    }
}
