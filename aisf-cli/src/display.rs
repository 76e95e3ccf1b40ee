//! Everything the command prints goes through here, so the rest of the
//! program never writes to the terminal by itself.
#![expect(clippy::print_stderr, reason = "the command line is the one place that prints")]

use std::fmt::Write as _;
use std::io::Write as _;

/// Writes to standard output. When the reader has gone away (`aisf scan |
/// head`), the program stops quietly instead of panicking as `println!`
/// does on a broken pipe.
fn out(text: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(text) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("aisf: error: cannot write to standard output: {e}");
        std::process::exit(6);
    }
}

/// Prints one line on standard output.
pub fn line(text: impl AsRef<str>) {
    out(format_args!("{}\n", text.as_ref()));
}

/// Prints text exactly as given (it carries its own line ends).
pub fn raw(text: &str) {
    out(format_args!("{text}"));
}

/// Prints a heading with an underline.
pub fn heading(text: &str) {
    out(format_args!("\n{text}\n{}\n", "-".repeat(text.chars().count())));
}

/// Prints an error for a person: what went wrong, on standard error.
pub fn error(message: &str) {
    eprintln!("aisf: error: {message}");
}

/// Prints a note on standard error (progress, hints), never mixed into
/// output a script may parse.
pub fn note(message: &str) {
    eprintln!("{message}");
}

/// Prints JSON on standard output.
pub fn json(value: &serde_json::Value) {
    out(format_args!("{}\n", serde_json::to_string_pretty(value).unwrap_or_default()));
}

/// Prints rows as a table with aligned columns; the first row is the
/// header. Cells longer than `max` characters are shortened with an
/// ellipsis so one long id cannot push the table off the screen.
pub fn table(rows: &[Vec<String>], max: usize) {
    let cut = |s: &str| -> String {
        if s.chars().count() <= max {
            s.to_string()
        } else {
            let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
            t.push('…');
            t
        }
    };
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let mut out = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            let _ = write!(out, "{cell}{}  ", " ".repeat(pad));
        }
        self::out(format_args!("{}\n", out.trim_end()));
        if n == 0 {
            let total = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            self::out(format_args!("{}\n", "-".repeat(total)));
        }
    }
}

/// Rewrites the one progress line on standard error. Only called when
/// standard error is a terminal.
pub fn progress(message: &str) {
    eprint!("\r\x1b[2K{message}");
}

/// Clears the progress line.
pub fn progress_done() {
    eprint!("\r\x1b[2K");
}
