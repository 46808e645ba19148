// Decide from Rust through the C API: an `extern "C"` block over
// libverdict.so.0, no crate needed. docs/embedding.md shows this file;
// scripts/test.sh builds and runs it when rustc is installed:
//   rustc -O decide.rs -L /opt/verdict/lib -l verdict -o decide-rs
//   LD_LIBRARY_PATH=/opt/verdict/lib ./decide-rs fixtures/org
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};

#[allow(non_camel_case_types)]
type verdict_engine = c_void;

extern "C" {
    fn verdict_version() -> *const c_char;
    fn verdict_engine_open(dir: *const c_char, error: *mut *mut c_char) -> *mut verdict_engine;
    fn verdict_evaluate_json(e: *mut verdict_engine, json: *const c_char, len: usize)
        -> *mut c_char;
    fn verdict_engine_reload(e: *mut verdict_engine, dir: *const c_char,
                             error: *mut *mut c_char) -> c_int;
    fn verdict_free(p: *mut c_void);
    fn verdict_engine_close(e: *mut verdict_engine);
}

/// Takes a string the library returned and frees it.
unsafe fn take(p: *mut c_char) -> String {
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    verdict_free(p as *mut c_void);
    s
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "fixtures/org".to_string());
    let dir = CString::new(dir).unwrap();
    unsafe {
        println!("libverdict {}", CStr::from_ptr(verdict_version()).to_string_lossy());
        let mut error: *mut c_char = std::ptr::null_mut();
        let engine = verdict_engine_open(dir.as_ptr(), &mut error);
        if engine.is_null() {
            eprintln!("verdict: {}", take(error));
            std::process::exit(2);
        }
        let context = r#"{"id": "rs-1", "policyTypes": ["OKTA_SIGN_ON"],
            "user": {"id": "00uMia000000000000g7", "groups": ["00gLegacyApps00000g7"]},
            "ip": "192.0.2.99"}"#;
        let lines = take(verdict_evaluate_json(engine, context.as_ptr() as *const c_char,
                                               context.len()));
        print!("{}", lines);
        // A failed reload reports why and keeps the old snapshot serving.
        let missing = CString::new("/nonexistent/snapshot").unwrap();
        if verdict_engine_reload(engine, missing.as_ptr(), &mut error) != 0 {
            println!("reload refused: {}", take(error));
        }
        verdict_engine_close(engine);
        if !lines.contains("\"outcome\": \"ALLOW\"") {
            std::process::exit(1);
        }
    }
}
