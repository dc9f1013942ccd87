//! Writes Rust source already formatted: lines at an indentation, doc comments and string
//! literals. The client layer is our own code, so it is written as text in its final layout
//! rather than built as tokens and pretty-printed.

/// The width [`RustWriter::open_fn`] keeps signatures within.
pub const MAX_WIDTH: usize = 100;

/// Rust source under construction, four spaces per level.
#[derive(Debug, Default)]
pub struct RustWriter {
    out: String,
    depth: usize,
}

impl RustWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// One line at the current indentation; an empty `text` gives an empty line.
    pub fn line(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if !text.is_empty() {
            for _ in 0..self.depth {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// An empty line, unless the previous line is empty or opens a block.
    pub fn blank(&mut self) {
        if !(self.out.is_empty() || self.out.ends_with("\n\n") || self.out.ends_with("{\n")) {
            self.out.push('\n');
        }
    }

    /// A line that opens a block (it ends with `{`, `(` or `[`); what follows is indented.
    pub fn open(&mut self, text: impl AsRef<str>) {
        self.line(text);
        self.depth += 1;
    }

    /// Ends a block opened with [`Self::open`] with `text` (`}`, `},`, `);`...).
    pub fn close(&mut self, text: impl AsRef<str>) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// Opens a function body: `head(params) tail {` on one line when it fits in
    /// [`MAX_WIDTH`] columns, otherwise one parameter per line.
    pub fn open_fn(&mut self, head: &str, params: &[&str], tail: &str) {
        let one_line = format!("{head}({}){tail} {{", params.join(", "));
        if self.depth * 4 + one_line.len() <= MAX_WIDTH {
            self.open(one_line);
            return;
        }
        self.open(format!("{head}("));
        for param in params {
            self.line(format!("{param},"));
        }
        self.reopen(format!("){tail} {{"));
    }

    /// A line that ends one block and opens the next (`} else {`, `) -> T {`).
    pub fn reopen(&mut self, text: impl AsRef<str>) {
        self.depth = self.depth.saturating_sub(1);
        self.open(text);
    }

    /// `///` lines, one paragraph per non-empty part.
    pub fn doc(&mut self, parts: &[&str]) {
        self.comment("///", parts);
    }

    /// `//!` lines, one paragraph per non-empty part.
    pub fn inner_doc(&mut self, parts: &[&str]) {
        self.comment("//!", parts);
    }

    fn comment(&mut self, marker: &str, parts: &[&str]) {
        let mut first = true;
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if !first {
                self.line(marker);
            }
            first = false;
            for text in part.lines() {
                // A carriage return alone is not allowed in a doc comment.
                let text = text.trim_end().replace('\r', " ");
                if text.is_empty() {
                    self.line(marker);
                } else {
                    self.line(format!("{marker} {text}"));
                }
            }
        }
    }

    /// The source written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_indent_and_blank_lines_do_not_pile_up() {
        let mut w = RustWriter::new();
        w.doc(&["First paragraph.\nSecond line.", "", "Another\r one."]);
        w.open("impl A {");
        w.blank();
        w.line("fn a() {}");
        w.blank();
        w.blank();
        w.line("fn b() {}");
        w.close("}");
        w.open_fn("fn short", &["a: u8"], " -> u8");
        w.close("}");
        w.open_fn(
            "fn long",
            &[
                "first_parameter: SomeLongTypeName",
                "second_parameter: AnotherLongTypeName",
            ],
            " -> Result<SomeOutput, SomeError>",
        );
        w.close("}");
        assert_eq!(
            w.finish(),
            "/// First paragraph.\n/// Second line.\n///\n/// Another  one.\nimpl A {\n    fn a() {}\n\n    fn b() {}\n}\nfn short(a: u8) -> u8 {\n}\nfn long(\n    first_parameter: SomeLongTypeName,\n    second_parameter: AnotherLongTypeName,\n) -> Result<SomeOutput, SomeError> {\n}\n"
        );
    }
}
