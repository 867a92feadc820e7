//! Standard output for a reader that may go away: `gongshang openapi |
//! head` closes the pipe after ten lines, and the next write fails with
//! EPIPE. Rust ignores SIGPIPE, and std's `println!` panics on that error;
//! this crate's `print!` and `println!` (defined in `main.rs`, in scope in
//! every module) write through [`print_fmt`] instead, which stops the
//! process quietly with status 0, as ripgrep does: the reader has what it
//! wanted. Any other write error still panics, as std's does.

use std::io::Write;

use crate::CliError;

/// Stops the process because the reader of standard output went away.
pub fn reader_gone() -> ! {
    std::process::exit(0)
}

/// What `print!` and `println!` call.
pub fn print_fmt(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            reader_gone();
        }
        panic!("failed printing to stdout: {e}");
    }
}

/// Writes bytes to standard output (a document, a PDF), quietly stopping
/// when the reader went away.
pub fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => reader_gone(),
        Err(e) => Err(CliError(format!("stdout: {e}"))),
    }
}

/// Whether a command's error is only that the reader of standard output
/// went away (a command that wrote to `stdout()` itself and reported the
/// error as text): then the process ends quietly too.
pub fn is_broken_pipe(message: &str) -> bool {
    // EPIPE is 32 on Linux, the BSDs and macOS.
    message.ends_with(&std::io::Error::from_raw_os_error(32).to_string())
}
