//! Helpers the generator's integration tests share.

use std::fs;
use std::path::Path;

/// Copies an API folder into a scratch checkout, leaving out the broken-spec corpus's
/// `expected.txt` (a fixture has none).
pub fn copy_spec_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_spec_folder(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
