//! A JSON-like document tree in which every node remembers where it was written.
//!
//! The bundler moves nodes between files, so the origin travels with the node: a diagnostic about
//! any part of a bundled document can still name the file, line and column it came from.

use serde_json::{Map, Number, Value};

/// Index of a source file in [`SourceFiles`](super::SourceFiles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Where a node starts in its source file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Keys keep their source order; duplicates are rejected by the loader.
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub origin: Origin,
}

/// Equality of content only: two nodes written in different places are equal when they say the same.
impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Int(a), Kind::Int(b)) => a == b,
            (Kind::Float(a), Kind::Float(b)) => a == b,
            (Kind::Int(a), Kind::Float(b)) | (Kind::Float(b), Kind::Int(a)) => *a as f64 == *b,
            (Kind::String(a), Kind::String(b)) => a == b,
            (Kind::Seq(a), Kind::Seq(b)) => a == b,
            (Kind::Map(a), Kind::Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| other.get(k).is_some_and(|o| o == v))
            }
            _ => false,
        }
    }
}

impl Node {
    pub fn new(kind: Kind, origin: Origin) -> Self {
        Node { kind, origin }
    }

    /// The value under `key` when this node is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.kind {
            Kind::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Removes `key` from a map node, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let Kind::Map(entries) = &mut self.kind else {
            return None;
        };
        let index = entries.iter().position(|(k, _)| k == key)?;
        Some(entries.remove(index).1)
    }

    /// Sets `key` of a map node to `value`, in place when the key exists (nothing for other kinds).
    pub fn set(&mut self, key: &str, value: Node) {
        let Kind::Map(entries) = &mut self.kind else { return };
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, existing)) => *existing = value,
            None => entries.push((key.to_string(), value)),
        }
    }

    /// The node's value when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    /// True when the node is the boolean `true`.
    pub fn is_true(&self) -> bool {
        matches!(self.kind, Kind::Bool(true))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Follows an RFC 6901 JSON pointer ("" is the node itself).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, token| {
            let token = crate::diagnostic::unescape_pointer_token(token);
            match &node.kind {
                Kind::Map(_) => node.get(&token),
                Kind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
        })
    }

    /// The node at `pointer`, or its nearest ancestor that exists: where a message about a
    /// missing or misplaced node points.
    pub fn nearest(&self, pointer: &str) -> &Node {
        let mut node = self;
        for token in pointer.split('/').skip(1) {
            match node.pointer(&format!("/{token}")) {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }

    /// A short name of the node's kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "an object",
        }
    }

    /// The node as plain JSON. Map keys come out sorted (serde_json's default map), which is
    /// what makes everything downstream independent of how a spec author ordered keys.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::Number((*i).into()),
            // The loader rejects non-finite numbers, so the fallback is unreachable in practice.
            Kind::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::String(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }
}
