//! Joins an API folder's files into one document.
//!
//! Rules, chosen so that the bundle reads like what Redocly or Spectral would resolve:
//! - `$ref`s local to the root document (`#/components/...`) stay as they are;
//! - a `$ref` to `<file>#/components/<kind>/<name>` becomes a local `#/components/<kind>/<name>`,
//!   and the component is copied into the bundle (one definition per name: two files defining the
//!   same component differently is an error);
//! - any other `$ref` (a whole file, e.g. one operation) is replaced by the content it points to.
//!
//! A `$ref` may not leave the API folder, and inlining may not loop.
//!
//! In an OpenAPI 3.1 spec, the keywords beside a `$ref` mean something (3.0 ignores them): beside a
//! component reference they are kept for the lowering stage; beside an inlined reference a
//! `summary`, `description` or `x-` extension is laid over the inlined node, and anything else is
//! an error.

use super::node::{FileId, Kind, Node};
use super::{ApiDir, BundledSpec, ROOT_FILE, SourceFiles, yaml};
use crate::diagnostic::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

pub fn bundle(api: &ApiDir, display_root: &Path) -> Result<BundledSpec, Diagnostics> {
    let api_dir = std::path::absolute(&api.dir).unwrap_or_else(|_| api.dir.clone());
    let mut bundler = Bundler {
        api_dir: normalize_path(&api_dir),
        files: SourceFiles::new(display_root.to_path_buf()),
        trees: Vec::new(),
        hoisted: BTreeMap::new(),
        hoisting: Vec::new(),
        inlining: Vec::new(),
        keeps_ref_siblings: false,
        diagnostics: Diagnostics::default(),
    };
    let root_path = bundler.api_dir.join(ROOT_FILE);
    let root_id = bundler
        .load(&root_path)
        .map_err(|d| Diagnostics(d.into_iter().collect()))?;
    let Some(Some(root_tree)) = bundler.trees.get(root_id.0 as usize).cloned() else {
        return Err(Diagnostic::new(format!("{} could not be loaded", root_path.display())).into());
    };
    if !matches!(root_tree.kind, Kind::Map(_)) {
        let location = bundler.files.location(root_tree.origin, "");
        return Err(
            Diagnostic::new(format!("the root document is {}, not an object", root_tree.kind_name()))
                .at(location)
                .help("an OpenAPI document is a mapping with `openapi`, `info` and `paths`")
                .into(),
        );
    }
    bundler.keeps_ref_siblings = super::openapi31::is_3_1(&root_tree);
    let mut document = bundler.resolve(&root_tree, root_id, String::new());
    bundler.merge_hoisted(&mut document);
    bundler.diagnostics.into_result()?;
    Ok(BundledSpec {
        api: api.clone(),
        files: bundler.files,
        document,
        written: None,
        notes: Vec::new(),
    })
}

struct Bundler {
    api_dir: PathBuf,
    files: SourceFiles,
    /// The parsed tree of each loaded file, by `FileId`; `None` for a file that failed to parse
    /// (its error is reported once, the first time it is loaded).
    trees: Vec<Option<Node>>,
    /// Components copied in from other files: (kind, name) → definition.
    hoisted: BTreeMap<(String, String), Node>,
    /// Components being copied right now (a component may refer to itself).
    hoisting: Vec<(String, String)>,
    /// `$ref` targets being inlined right now, to detect cycles.
    inlining: Vec<(FileId, String)>,
    /// OpenAPI 3.1 gives the keywords beside a `$ref` a meaning (3.0 ignores them), so a 3.1
    /// bundle keeps them.
    keeps_ref_siblings: bool,
    diagnostics: Diagnostics,
}

impl Bundler {
    /// Loads `path` once. `Err(None)`: it failed before and its error is already reported.
    fn load(&mut self, path: &Path) -> Result<FileId, Option<Diagnostic>> {
        if let Some(id) = self.files.id_of(path) {
            return match self.trees.get(id.0 as usize) {
                Some(Some(_)) => Ok(id),
                _ => Err(None),
            };
        }
        let bytes =
            std::fs::read(path).map_err(|e| Some(Diagnostic::new(format!("cannot read {}: {e}", path.display()))))?;
        let id = self.files.add(path.to_path_buf());
        match yaml::parse(&bytes, id) {
            Ok(tree) => {
                self.trees.push(Some(tree));
                Ok(id)
            }
            Err(e) => {
                self.trees.push(None);
                Err(Some(e.into_diagnostic(self.files.display(id))))
            }
        }
    }

    fn error(&mut self, node: &Node, pointer: &str, message: String, help: &str) {
        let location = self.files.location(node.origin, pointer);
        self.diagnostics.push(Diagnostic::new(message).at(location).help(help));
    }

    /// Returns `node` (from `file`) with every `$ref` in it bundled. `pointer` is the node's
    /// position in the bundled document.
    fn resolve(&mut self, node: &Node, file: FileId, pointer: String) -> Node {
        match &node.kind {
            Kind::Map(entries) => {
                if let Some(reference) = node.get("$ref") {
                    return self.resolve_ref(node, reference, file, pointer);
                }
                let entries = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.resolve(v, file, format!("{pointer}/{}", escape(k)))))
                    .collect();
                Node::new(Kind::Map(entries), node.origin)
            }
            Kind::Seq(items) => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.resolve(v, file, format!("{pointer}/{i}")))
                    .collect();
                Node::new(Kind::Seq(items), node.origin)
            }
            _ => node.clone(),
        }
    }

    fn resolve_ref(&mut self, node: &Node, reference: &Node, file: FileId, pointer: String) -> Node {
        let here = format!("{pointer}/$ref");
        let Some(text) = reference.as_str() else {
            self.error(
                reference,
                &here,
                format!("`$ref` must be a string, found {}", reference.kind_name()),
                "write the reference as a string, e.g. '#/components/schemas/Name'",
            );
            return node.clone();
        };
        let (file_part, fragment) = text.split_once('#').unwrap_or((text, ""));
        if !fragment.is_empty() && !fragment.starts_with('/') {
            self.error(
                reference,
                &here,
                format!("`{text}` has a fragment that is not a JSON pointer"),
                "write the part after `#` as a JSON pointer, e.g. #/components/schemas/Name",
            );
            return node.clone();
        }
        let root = FileId(0);
        let target_file = if file_part.is_empty() {
            if file == root {
                // Local to the root: kept; the checker verifies it resolves.
                return node.clone();
            }
            file
        } else {
            if file_part.contains("://") {
                self.error(
                    reference,
                    &here,
                    format!("`{text}` refers to a remote document"),
                    "copy what you need into the spec folder and refer to it with a relative path",
                );
                return node.clone();
            }
            let base = self.files.path(file).parent().unwrap_or(Path::new("")).to_path_buf();
            let target = normalize_path(&base.join(file_part));
            if !target.starts_with(&self.api_dir) {
                self.error(
                    reference,
                    &here,
                    format!("`{text}` points outside the API folder {}", self.display_dir()),
                    "keep every file of an API inside its folder under specs/",
                );
                return node.clone();
            }
            if !target.is_file() {
                let looked_for = self.files.display_path(&target);
                self.error(
                    reference,
                    &here,
                    format!("`$ref: {text}`: no such file (looked for {})", looked_for.display()),
                    "check the file name; a relative path starts from the folder of the file holding the `$ref`",
                );
                return node.clone();
            }
            match self.load(&target) {
                Ok(id) => id,
                Err(d) => {
                    self.diagnostics.0.extend(d);
                    return node.clone();
                }
            }
        };
        let Some(Some(target_tree)) = self.trees.get(target_file.0 as usize).cloned() else {
            return node.clone();
        };
        let Some(target_node) = target_tree.pointer(fragment) else {
            let shown = self.files.display(target_file);
            self.error(
                reference,
                &here,
                format!("`{text}`: {} has nothing at #{fragment}", shown.display()),
                "check the spelling of the pointer; names are case-sensitive",
            );
            return node.clone();
        };
        if let Some((kind, name)) = component_key(fragment) {
            let mut entries = vec![(
                "$ref".to_string(),
                Node::new(Kind::String(format!("#{fragment}")), reference.origin),
            )];
            entries.extend(self.siblings(node, file, &pointer));
            let local = Node::new(Kind::Map(entries), node.origin);
            if target_file == root {
                return local;
            }
            let key = (kind, name);
            if self.hoisting.contains(&key) {
                return local;
            }
            self.hoisting.push(key.clone());
            let bundled = self.resolve(target_node, target_file, fragment.to_string());
            self.hoisting.pop();
            match self.hoisted.get(&key) {
                Some(existing) if *existing != bundled => {
                    let first = self.files.location(existing.origin, fragment);
                    self.error(
                        target_node,
                        fragment,
                        format!(
                            "component `{}` is defined differently here and at {}:{}",
                            key.1,
                            first.file.display(),
                            first.line.unwrap_or(0)
                        ),
                        "define each component once, in one file, and refer to that definition",
                    );
                }
                Some(_) => {}
                None => {
                    self.hoisted.insert(key, bundled);
                }
            }
            return local;
        }
        let target_key = (target_file, fragment.to_string());
        if self.inlining.contains(&target_key) {
            let chain: Vec<String> = self
                .inlining
                .iter()
                .map(|(f, p)| {
                    let file = self.files.display(*f).display().to_string();
                    if p.is_empty() { file } else { format!("{file}#{p}") }
                })
                .collect();
            self.error(
                reference,
                &here,
                format!("`{text}` refers back to itself: {} → {text}", chain.join(" → ")),
                "a reference cycle can only go through a named component (#/components/...)",
            );
            return node.clone();
        }
        self.inlining.push(target_key);
        let mut bundled = self.resolve(target_node, target_file, pointer.clone());
        self.inlining.pop();
        for (key, value) in self.siblings(node, file, &pointer) {
            if !(matches!(key.as_str(), "summary" | "description") || key.starts_with("x-")) {
                self.error(
                    &value,
                    &format!("{pointer}/{}", escape(&key)),
                    format!("`{key}` beside a `$ref` to a whole file or a part that is not a component"),
                    "name the target under #/components/ and refer to it there, or write the keyword in the target",
                );
                continue;
            }
            bundled.set(&key, value);
        }
        bundled
    }

    /// The keywords beside a `$ref` (bundled), when this bundle keeps them.
    fn siblings(&mut self, node: &Node, file: FileId, pointer: &str) -> Vec<(String, Node)> {
        if !self.keeps_ref_siblings {
            return Vec::new();
        }
        node.as_map()
            .unwrap_or_default()
            .iter()
            .filter(|(k, _)| k != "$ref")
            .map(|(k, v)| (k.clone(), self.resolve(v, file, format!("{pointer}/{}", escape(k)))))
            .collect()
    }

    /// Adds the components copied from other files to the root's `components`.
    fn merge_hoisted(&mut self, document: &mut Node) {
        let hoisted = std::mem::take(&mut self.hoisted);
        for ((kind, name), definition) in hoisted {
            let origin = document.origin;
            let Some(section) = entry(document, "components", origin).and_then(|c| entry(c, &kind, origin)) else {
                let location = self.files.location(origin, &format!("/components/{kind}"));
                self.diagnostics.push(
                    Diagnostic::new(format!("`components` or `components/{kind}` is not an object"))
                        .at(location)
                        .help("`components` maps each kind (schemas, parameters, ...) to named definitions"),
                );
                continue;
            };
            if let Some(existing) = section.get(&name) {
                if *existing != definition {
                    let pointer = format!("/components/{kind}/{name}");
                    let location = self.files.location(existing.origin, &pointer);
                    let other = self.files.location(definition.origin, &pointer);
                    self.diagnostics.push(
                        Diagnostic::new(format!(
                            "component `{name}` is defined differently here and at {}:{}",
                            other.file.display(),
                            other.line.unwrap_or(0)
                        ))
                        .at(location)
                        .help("define each component once, in one file, and refer to that definition"),
                    );
                }
                continue;
            }
            if let Kind::Map(entries) = &mut section.kind {
                entries.push((name, definition));
            }
        }
    }

    fn display_dir(&self) -> String {
        self.files.display_path(&self.api_dir).display().to_string()
    }
}

/// The map under `key`, created when missing; `None` when either node is not a map.
fn entry<'a>(node: &'a mut Node, key: &str, origin: super::node::Origin) -> Option<&'a mut Node> {
    let Kind::Map(entries) = &mut node.kind else {
        return None;
    };
    let index = match entries.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            entries.push((key.to_string(), Node::new(Kind::Map(Vec::new()), origin)));
            entries.len() - 1
        }
    };
    let child = &mut entries[index].1;
    matches!(child.kind, Kind::Map(_)).then_some(child)
}

/// `/components/<kind>/<name>` → (kind, name).
fn component_key(fragment: &str) -> Option<(String, String)> {
    let mut tokens = fragment.strip_prefix("/components/")?.split('/');
    let (kind, name) = (tokens.next()?, tokens.next()?);
    tokens
        .next()
        .is_none()
        .then(|| (kind.to_string(), crate::diagnostic::unescape_pointer_token(name)))
}

fn escape(token: &str) -> String {
    crate::diagnostic::escape_pointer_token(token)
}

/// Resolves `.` and `..` without touching the file system.
fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
