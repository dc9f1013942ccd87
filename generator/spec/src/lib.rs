//! Reading specs: discover API folders, load their YAML files, bundle them into one document each,
//! lower an OpenAPI 3.1 document to the 3.0 form ([`openapi31`]), check what the generator cannot
//! take, and check them against their facts records. Every problem
//! is a [`diagnostic::Diagnostic`] naming the file, line, column and JSON pointer.

pub mod bundle;
pub mod check;
pub mod diagnostic;
pub mod facts;
pub mod inhabited;
pub mod json_schema;
pub mod node;
pub mod normalize;
pub mod openapi31;
pub mod openapi_schema;
mod root;
pub mod walk;
pub mod yaml;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, escape_pointer_token};
use node::{FileId, Node, Origin};
pub use root::{find_project_root, project_root};
use std::path::{Path, PathBuf};

/// The root document of every API folder; it holds info, servers, security schemes and components.
pub const ROOT_FILE: &str = "openapi.yaml";

/// One folder under `specs/`: one API, one generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDir {
    /// The folder name, e.g. `partner-center`; the crate is `<name>-client`.
    pub name: String,
    pub dir: PathBuf,
}

/// Lists the API folders under `specs_dir`, sorted by name.
pub fn discover(specs_dir: &Path) -> Result<Vec<ApiDir>, Diagnostics> {
    let display = specs_dir.display();
    let entries = std::fs::read_dir(specs_dir).map_err(|e| {
        Diagnostic::new(format!("cannot read the specs folder {display}: {e}"))
            .help("run the command from the repository, which has a `specs/` folder")
    })?;
    let mut apis = Vec::new();
    let mut problems = Diagnostics::default();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !dir.join(ROOT_FILE).is_file() {
            problems.push(
                Diagnostic::new(format!("{} has no {ROOT_FILE}", dir.display()))
                    .help(format!("every API folder needs a root document named {ROOT_FILE}")),
            );
        } else if !is_kebab_case(&name) {
            problems.push(
                Diagnostic::new(format!("API folder name `{name}` is not kebab-case"))
                    .help("name the folder like `partner-center`: lowercase letters, digits and dashes"),
            );
        } else {
            apis.push(ApiDir { name, dir });
        }
    }
    problems.into_result()?;
    if apis.is_empty() {
        return Err(Diagnostic::new(format!("{display} holds no API folder"))
            .help(format!(
                "add a folder such as {display}/my-api/ holding its {ROOT_FILE}"
            ))
            .into());
    }
    apis.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(apis)
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// The files one bundle was made from; [`FileId`]s index into it.
#[derive(Debug, Clone, Default)]
pub struct SourceFiles {
    paths: Vec<PathBuf>,
    /// Paths in messages are shown relative to this folder.
    display_root: PathBuf,
}

impl SourceFiles {
    pub fn new(display_root: PathBuf) -> Self {
        SourceFiles {
            paths: Vec::new(),
            display_root,
        }
    }

    pub fn add(&mut self, path: PathBuf) -> FileId {
        self.paths.push(path);
        FileId(self.paths.len() as u32 - 1)
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.paths[id.0 as usize]
    }

    pub fn id_of(&self, path: &Path) -> Option<FileId> {
        self.paths.iter().position(|p| p == path).map(|i| FileId(i as u32))
    }

    /// The folder that shown paths are relative to.
    pub fn display_root(&self) -> &Path {
        &self.display_root
    }

    /// A source file's path as shown to the user.
    pub fn display(&self, id: FileId) -> PathBuf {
        self.display_path(self.path(id))
    }

    /// `path` relative to the display root where possible.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.display_root).unwrap_or(path).to_path_buf()
    }

    pub fn location(&self, origin: Origin, pointer: &str) -> Location {
        Location {
            file: self.display(origin.file),
            line: Some(origin.line as usize),
            column: Some(origin.column as usize),
            pointer: pointer.to_string(),
        }
    }
}

/// One API's spec, bundled into a single document whose nodes still know their source positions.
#[derive(Debug, Clone)]
pub struct BundledSpec {
    pub api: ApiDir,
    pub files: SourceFiles,
    /// The document in the OpenAPI 3.0 form every later stage reads: as written for a 3.0 spec,
    /// lowered by [`openapi31::lower`] for a 3.1 spec.
    pub document: Node,
    /// A 3.1 spec's bundled document as written, before lowering: what `cargo xtask bundle`
    /// writes. `None` for a 3.0 spec.
    pub written: Option<Node>,
    /// What lowering left out on purpose (webhooks, unused path items).
    pub notes: Vec<openapi31::Note>,
}

impl BundledSpec {
    /// The bundled document in the version its author wrote.
    pub fn as_written(&self) -> &Node {
        self.written.as_ref().unwrap_or(&self.document)
    }

    /// The OpenAPI version the author wrote, e.g. `3.1.0`.
    pub fn written_version(&self) -> &str {
        self.as_written()
            .get("openapi")
            .and_then(Node::as_str)
            .unwrap_or_default()
    }

    /// The source position of the node at `pointer`, or of its nearest existing ancestor.
    pub fn locate(&self, pointer: &str) -> Location {
        self.files.location(self.document.nearest(pointer).origin, pointer)
    }

    /// A diagnostic pointing at the node at `pointer`.
    pub fn error_at(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(message).at(self.locate(pointer))
    }
}

/// Builds a JSON pointer from tokens, escaping each one.
pub fn pointer_of<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_pointer_token(t)))
        .collect()
}

/// Appends `/key` (escaped) to `pointer`, one buffer extended and cut back along a walk; returns
/// the length to cut back to.
pub(crate) fn push_key(pointer: &mut String, key: &str) -> usize {
    let len = pointer.len();
    pointer.push('/');
    if key.contains(['~', '/']) {
        pointer.push_str(&escape_pointer_token(key));
    } else {
        pointer.push_str(key);
    }
    len
}

/// Appends `/index` to `pointer`; returns the length to cut back to.
pub(crate) fn push_index(pointer: &mut String, index: usize) -> usize {
    use std::fmt::Write;
    let len = pointer.len();
    let _ = write!(pointer, "/{index}");
    len
}

/// Loads and bundles one API folder, then lowers a 3.1 document to the 3.0 form
/// ([`openapi31`]). The result is not checked yet.
pub fn read(api: &ApiDir, display_root: &Path) -> Result<BundledSpec, Diagnostics> {
    let mut spec = bundle::bundle(api, display_root)?;
    if openapi31::is_3_1(&spec.document) {
        let written = spec.document.clone();
        spec.notes = openapi31::lower(&mut spec.document, &spec.files)?;
        spec.written = Some(written);
    }
    Ok(spec)
}

/// Reads (bundles and lowers) and checks one API folder.
pub fn load(api: &ApiDir, display_root: &Path) -> Result<BundledSpec, Diagnostics> {
    let spec = read(api, display_root)?;
    check_bundled(&spec)?;
    Ok(spec)
}

/// Whether a bundled spec is accepted: first what the generator cannot take (with the most
/// specific messages), then everything the OpenAPI 3.0 schema does not allow. Gives back the
/// document as JSON (made once for the schema check), which generation starts from.
pub fn check_bundled(spec: &BundledSpec) -> Result<serde_json::Value, Diagnostics> {
    check::check(spec)?;
    let document = spec.document.to_json();
    openapi_schema::validate(spec, &document)?;
    Ok(document)
}
