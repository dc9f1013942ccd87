//! Parses one YAML (or JSON) file into a [`Node`] tree that keeps line and column of every node.
//!
//! Scalars are typed by the YAML 1.2 core schema, so `no`, `on` and `2019-06` stay strings.

use super::node::{FileId, Kind, Node, Origin};
use crate::diagnostic::escape_pointer_token;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Why a file could not be read as a document, with the position where known.
#[derive(Debug)]
pub struct LoadError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
}

impl LoadError {
    /// The error as a diagnostic of `file` (the path as shown to the user).
    pub fn into_diagnostic(self, file: std::path::PathBuf) -> crate::diagnostic::Diagnostic {
        let location = crate::diagnostic::Location {
            file,
            line: self.line,
            column: self.column,
            pointer: self.pointer,
        };
        let mut diagnostic = crate::diagnostic::Diagnostic::new(self.message).at(location);
        diagnostic.help = self.help;
        diagnostic
    }

    fn at(marker: Marker, pointer: String, message: String) -> Self {
        LoadError {
            line: Some(marker.line()),
            column: Some(marker.col() + 1),
            pointer,
            message,
            help: None,
        }
    }
}

/// Parses `bytes` as one YAML document.
pub fn parse(bytes: &[u8], file: FileId) -> Result<Node, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        LoadError {
            line: Some(line),
            column: Some(column),
            pointer: String::new(),
            message: "the file is not valid UTF-8".into(),
            help: Some("save the file as UTF-8".into()),
        }
    })?;
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: Vec::new(),
        documents: Vec::new(),
        error: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        let pointer = builder.current_pointer();
        let mut error = LoadError::at(*e.marker(), pointer, format!("YAML syntax error: {}", e.info()));
        error.help = Some("fix the YAML here: look for a missing bracket, quote or colon, or wrong indentation".into());
        return Err(error);
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    match builder.documents.len() {
        0 => Err(LoadError {
            line: None,
            column: None,
            pointer: String::new(),
            message: "the file is empty".into(),
            help: Some("a spec file holds one YAML mapping".into()),
        }),
        1 => Ok(builder.documents.pop().expect("one document")),
        _ => Err(LoadError {
            line: None,
            column: None,
            pointer: String::new(),
            message: "the file holds more than one YAML document".into(),
            help: Some("remove the `---` separators: one file is one document".into()),
        }),
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        origin: Origin,
        anchor: usize,
    },
    Map {
        entries: Vec<(String, Node)>,
        pending_key: Option<(String, Marker)>,
        origin: Origin,
        anchor: usize,
    },
}

struct Builder {
    file: FileId,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    documents: Vec<Node>,
    error: Option<LoadError>,
}

impl Builder {
    fn origin(&self, mark: Marker) -> Origin {
        Origin {
            file: self.file,
            line: mark.line() as u32,
            // yaml-rust2 counts columns from 0; editors and compilers count from 1.
            column: mark.col() as u32 + 1,
        }
    }

    /// The JSON pointer of the node being built, for syntax errors in the middle of a document.
    fn current_pointer(&self) -> String {
        let mut pointer = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Seq { items, .. } => pointer.push_str(&format!("/{}", items.len())),
                Frame::Map {
                    pending_key: Some((key, _)),
                    ..
                } => {
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(key));
                }
                Frame::Map { .. } => {}
            }
        }
        pointer
    }

    fn fail(&mut self, mark: Marker, message: String, help: &str) {
        if self.error.is_none() {
            let pointer = self.current_pointer();
            let mut error = LoadError::at(mark, pointer, message);
            error.help = Some(help.to_string());
            self.error = Some(error);
        }
    }

    /// Hands a finished node to its parent (or finishes the document).
    fn deliver(&mut self, node: Node, mark: Marker) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, pending_key, ..
            }) => match pending_key.take() {
                Some((key, _)) => entries.push((key, node)),
                None => {
                    let Kind::String(key) = node.kind else {
                        let found = node.kind_name();
                        self.fail(
                            mark,
                            format!("a mapping key must be a string, found {found}"),
                            "write the key as a plain word or a quoted string",
                        );
                        return;
                    };
                    if entries.iter().any(|(k, _)| *k == key) {
                        let message = format!("duplicate key `{key}`");
                        self.fail(
                            mark,
                            message,
                            "keep one of the two entries; YAML readers would silently keep only one",
                        );
                        return;
                    }
                    *pending_key = Some((key, mark));
                }
            },
        }
    }

    fn scalar(&mut self, value: String, style: TScalarStyle, tag: Option<&Tag>, mark: Marker) -> Option<Kind> {
        let explicit_str = tag.is_some_and(|t| t.handle == "!!" && t.suffix == "str");
        if style != TScalarStyle::Plain || explicit_str {
            return Some(Kind::String(value));
        }
        // Keys of a mapping are always strings: `200:` is the status code "200".
        if matches!(self.stack.last(), Some(Frame::Map { pending_key: None, .. })) {
            return Some(Kind::String(value));
        }
        Some(match value.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
            "true" | "True" | "TRUE" => Kind::Bool(true),
            "false" | "False" | "FALSE" => Kind::Bool(false),
            _ => {
                if let Ok(i) = value.parse::<i64>() {
                    Kind::Int(i)
                } else if is_yaml_float(&value) {
                    let f: f64 = value.parse().unwrap_or(f64::NAN);
                    if !f.is_finite() {
                        self.fail(
                            mark,
                            format!("`{value}` is not a finite number, which JSON cannot hold"),
                            "write a finite number, or quote the value to make it a string",
                        );
                        return None;
                    }
                    Kind::Float(f)
                } else if matches!(value.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan" | ".NaN" | ".Inf") {
                    self.fail(
                        mark,
                        format!("`{value}` is not a finite number, which JSON cannot hold"),
                        "write a finite number, or quote the value to make it a string",
                    );
                    return None;
                } else {
                    Kind::String(value)
                }
            }
        })
    }

    fn remember_anchor(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
    }
}

/// YAML 1.2 core schema floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => (int.is_empty() && digits(frac)) || (digits(int) && (frac.is_empty() || digits(frac))),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                if let Some(kind) = self.scalar(value, style, tag.as_ref(), mark) {
                    let node = Node::new(kind, self.origin(mark));
                    self.remember_anchor(anchor, &node);
                    self.deliver(node, mark);
                }
            }
            Event::SequenceStart(anchor, _) => {
                let origin = self.origin(mark);
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    origin,
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                let origin = self.origin(mark);
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    origin,
                    anchor,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { items, origin, anchor }) => (Node::new(Kind::Seq(items), origin), anchor),
                    Some(Frame::Map {
                        entries,
                        origin,
                        anchor,
                        ..
                    }) => (Node::new(Kind::Map(entries), origin), anchor),
                    None => return,
                };
                self.remember_anchor(anchor, &node);
                self.deliver(node, mark);
            }
            Event::Alias(id) => match self.anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, node)) => {
                    let node = node.clone();
                    self.deliver(node, mark);
                }
                None => self.fail(
                    mark,
                    "alias to an unknown anchor".into(),
                    "define the anchor (`&name`) before the alias (`*name`) that uses it",
                ),
            },
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Node, LoadError> {
        parse(text.as_bytes(), FileId(0))
    }

    #[test]
    fn scalars_follow_the_yaml_1_2_core_schema() {
        let node = load("a: no\nb: on\nc: 2019-06\nd: 1.5\ne: 3\nf: ~\ng: true\nh: '3'\n200: x\n").unwrap();
        let json = node.to_json();
        assert_eq!(
            json,
            serde_json::json!({"a": "no", "b": "on", "c": "2019-06", "d": 1.5, "e": 3, "f": null, "g": true, "h": "3", "200": "x"})
        );
    }

    #[test]
    fn nodes_carry_line_and_column() {
        let node = load("info:\n  title: x\n  version: '1'\n").unwrap();
        let version = node.pointer("/info/version").unwrap();
        assert_eq!((version.origin.line, version.origin.column), (3, 12));
    }

    #[test]
    fn duplicate_keys_are_rejected_with_their_position() {
        let err = load("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!(err.message, "duplicate key `c`");
        assert_eq!((err.line, err.column, err.pointer.as_str()), (Some(4), Some(3), "/b"));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = load("a:\n  b: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.message.starts_with("YAML syntax error"), "{}", err.message);
        assert!(err.line.is_some());
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let node = load("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(node.to_json(), serde_json::json!({"a": {"k": 1}, "b": {"k": 1}}));
    }

    #[test]
    fn non_utf8_is_reported_with_its_line() {
        let err = parse(b"a: 1\nb: \xff\n", FileId(0)).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(4)));
    }
}
