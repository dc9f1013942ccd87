//! The API's command-line tool, `crates/<api>-cli` with a binary `<api>`: a subcommand per
//! operation (its operationId in kebab case), a typed flag per parameter, the request body from
//! `--body` or a flag per scalar property, `--all` on paginated lists, and `completions <shell>`.
//! The shared behaviour (bodies, output, exit statuses) is the hand-written `finops-cli` crate's.

use super::crate_files::{CrateInfo, header_text};
use crate::diagnostic::Diagnostic;
use crate::model::long_running::LongRunningModel;
use crate::model::{CredentialModel, OperationModel, ParameterLocation, Scalar};
use crate::names::{public_type, rust_ident};
use crate::progenitor::postprocess::{Arguments, BuilderField};
use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

/// The tool's package name, e.g. `respan-cli`.
pub fn package_name(api: &str) -> String {
    format!("{api}-cli")
}

/// Flags every subcommand has (global, or added to each operation): a parameter or body
/// property of the same name gets a prefixed flag instead.
const RESERVED_FLAGS: [&str; 12] = [
    "help",
    "version",
    "token",
    "tenant-id",
    "client-id",
    "client-secret",
    "refresh-token",
    "authority-url",
    "base-url",
    "server",
    "body",
    "all",
];

/// The tool's files, relative to its folder.
pub fn files(
    info: &CrateInfo,
    builders: &BTreeMap<String, Vec<BuilderField>>,
    arguments: &Arguments,
) -> Result<BTreeMap<PathBuf, String>, Diagnostic> {
    let mut commands = Vec::new();
    for op in &info.model.operations {
        let fields = builders.get(&op.builder).ok_or_else(|| {
            Diagnostic::new(format!(
                "{}: progenitor's output has no builder `{}` for the command-line tool",
                info.api, op.builder
            ))
        })?;
        let required = arguments.get(&op.rust_name).cloned().unwrap_or_default();
        commands.push(Command::new(info, op, fields, &required)?);
    }
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("Cargo.toml"), cargo_toml(info));
    files.insert(PathBuf::from("README.md"), readme(info, &commands));
    files.insert(PathBuf::from("src/main.rs"), main_rs(info));
    files.insert(PathBuf::from("src/tool.rs"), tool_rs(info, &commands));
    Ok(files)
}

/// One subcommand: its flags and the call it makes.
struct Command<'a> {
    op: &'a OperationModel,
    /// The subcommand, e.g. `update-usage-budget`.
    name: String,
    /// The struct of its flags, e.g. `UpdateUsageBudgetArgs`.
    args_struct: String,
    flags: Vec<Flag>,
    /// The `Client` method's arguments in order: fields of the args struct, or `body`.
    positional: Vec<String>,
    /// The body type's public path, when the operation takes a body.
    body_type: Option<String>,
    /// (JSON name, flag, field, clear field) of each body property with a flag.
    body_fields: Vec<(String, String, String, Option<String>)>,
}

/// One flag of a subcommand.
struct Flag {
    long: String,
    field: String,
    rust_type: String,
    required: bool,
    help: String,
    /// The spec's enum values, checked by clap before the value is parsed.
    possible: Vec<String>,
    /// `Some(setter)` for an optional parameter, set on the builder when given.
    setter: Option<String>,
    conflicts_with: Option<String>,
    numeric: bool,
    /// A flag without a value (`--clear-<field>`).
    switch: bool,
}

impl<'a> Command<'a> {
    fn new(
        info: &CrateInfo,
        op: &'a OperationModel,
        fields: &[BuilderField],
        required: &[String],
    ) -> Result<Self, Diagnostic> {
        let lib = info.lib_name();
        let mut taken: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| f.to_string()).collect();
        let mut flags = Vec::new();
        let mut parameter_fields = BTreeMap::new();
        for parameter in &op.parameters {
            let field = fields
                .iter()
                .find(|f| f.rust_name == parameter.rust_name)
                .ok_or_else(|| {
                    Diagnostic::new(format!(
                        "{}: operation `{}`: the builder has no field `{}` for parameter `{}`",
                        info.api, op.id, parameter.rust_name, parameter.name
                    ))
                })?;
            let location = match parameter.location {
                ParameterLocation::Path => "path",
                ParameterLocation::Query => "query",
                ParameterLocation::Header => "header",
            };
            let long = unique_flag(&mut taken, &parameter.name.to_kebab_case(), location);
            let help = first_paragraph(&parameter.description);
            let rust_type = public_type(&field.rust_type, &lib);
            parameter_fields.insert(parameter.rust_name.clone(), rust_ident(&long));
            flags.push(Flag {
                field: rust_ident(&long),
                numeric: is_numeric(&rust_type),
                rust_type,
                required: !field.optional,
                help,
                possible: parameter.enum_values.clone(),
                setter: field.optional.then(|| field.rust_name.clone()),
                conflicts_with: None,
                switch: false,
                long,
            });
        }
        let mut body_fields = Vec::new();
        let body_type = match &op.request_body {
            None => None,
            Some(body) => {
                let field = fields.iter().find(|f| f.rust_name == "body").ok_or_else(|| {
                    Diagnostic::new(format!("{}: operation `{}`: the builder has no body", info.api, op.id))
                })?;
                for property in &body.fields {
                    let Some(scalar) = property.scalar else { continue };
                    let long = unique_flag(&mut taken, &property.json_name.to_kebab_case(), "body");
                    let rust_type = match scalar {
                        Scalar::String => "String".to_string(),
                        Scalar::Uuid => format!("{lib}::uuid::Uuid"),
                        Scalar::Integer => "i64".to_string(),
                        Scalar::Number => "f64".to_string(),
                        Scalar::Boolean => "bool".to_string(),
                    };
                    let clear = (property.nullable && !property.required).then(|| {
                        let clear = unique_flag(&mut taken, &format!("clear-{long}"), "body");
                        flags.push(Flag {
                            field: rust_ident(&clear),
                            rust_type: "bool".to_string(),
                            required: false,
                            help: format!("Send `{}` as null.", property.json_name),
                            possible: Vec::new(),
                            setter: None,
                            conflicts_with: Some(rust_ident(&long)),
                            numeric: false,
                            switch: true,
                            long: clear.clone(),
                        });
                        rust_ident(&clear)
                    });
                    let description = first_paragraph(&property.description);
                    flags.push(Flag {
                        field: rust_ident(&long),
                        numeric: matches!(scalar, Scalar::Integer | Scalar::Number),
                        rust_type,
                        required: false,
                        help: format!("Body field `{}`. {description}", property.json_name)
                            .trim()
                            .to_string(),
                        possible: property.enum_values.clone(),
                        setter: None,
                        conflicts_with: None,
                        switch: false,
                        long: long.clone(),
                    });
                    body_fields.push((property.json_name.clone(), long.clone(), rust_ident(&long), clear));
                }
                Some(public_type(&field.rust_type, &lib))
            }
        };
        let positional = required
            .iter()
            .map(|name| {
                if name == "body" {
                    return Ok("body".to_string());
                }
                let field = parameter_fields.get(name).ok_or_else(|| {
                    Diagnostic::new(format!(
                        "{}: operation `{}`: argument `{name}` is not a parameter",
                        info.api, op.id
                    ))
                })?;
                Ok(format!("args.{field}"))
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        Ok(Command {
            op,
            name: op.id.to_kebab_case(),
            args_struct: format!("{}Args", op.builder),
            flags,
            positional,
            body_type,
            body_fields,
        })
    }
}

/// `wanted`, or `<prefix>-<wanted>` when a flag of that name exists already; recorded as taken.
fn unique_flag(taken: &mut BTreeSet<String>, wanted: &str, prefix: &str) -> String {
    let mut flag = wanted.to_string();
    if taken.contains(&flag) {
        flag = format!("{prefix}-{wanted}");
    }
    let mut n = 2;
    while taken.contains(&flag) {
        flag = format!("{prefix}-{wanted}-{n}");
        n += 1;
    }
    taken.insert(flag.clone());
    flag
}

fn is_numeric(rust_type: &str) -> bool {
    let last = rust_type.rsplit("::").next().unwrap_or(rust_type);
    matches!(
        last,
        "i8" | "i16" | "i32" | "i64" | "f32" | "f64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize"
    )
}

/// A description's first paragraph on one line.
fn first_paragraph(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `Connection` flags: the credential of the API's scheme, and where to send.
struct Credential {
    /// (field, flag, environment variable, help)
    flags: Vec<(String, String, String, String)>,
    /// The statements that give `builder` its credential from `c`.
    code: String,
}

fn credential(info: &CrateInfo) -> Credential {
    let prefix = info.env_prefix();
    let mut flags = Vec::new();
    let mut alternatives: Vec<String> = Vec::new();
    let mut arms = String::new();
    let static_credential = info.model.credentials.iter().find_map(|c| match c {
        CredentialModel::Bearer { .. } => Some((
            ".bearer_token(token.clone())".to_string(),
            "Access token, sent as `Authorization: Bearer`.".to_string(),
        )),
        CredentialModel::QueryApiKey { parameter, .. } => Some((
            format!(".{}(token.clone())", crate::names::rust_ident(parameter)),
            format!("API key, sent as the `{parameter}` query parameter."),
        )),
        CredentialModel::OAuth2(_) => None,
    });
    if let Some((call, help)) = &static_credential {
        flags.push((
            "token".to_string(),
            "token".to_string(),
            format!("{prefix}_TOKEN"),
            help.clone(),
        ));
        alternatives.push(format!("--token ({prefix}_TOKEN)"));
        let _ = write!(
            arms,
            "if let Some(token) = &c.token {{\n        builder = builder{call};\n    }} else "
        );
    }
    if let Some((method, vars)) = info.oauth2_grant() {
        let names: Vec<String> = vars
            .iter()
            .map(|var| var.trim_start_matches(&format!("{prefix}_")).to_kebab_case())
            .collect();
        for (name, var) in names.iter().zip(&vars) {
            flags.push((
                name.to_snake_case(),
                name.clone(),
                var.clone(),
                format!("OAuth2 `{method}` grant: {}.", name.replace('-', " ")),
            ));
        }
        alternatives.push(
            names
                .iter()
                .zip(&vars)
                .map(|(n, v)| format!("--{n} ({v})"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let fields: Vec<String> = names.iter().map(|n| format!("&c.{}", n.to_snake_case())).collect();
        let bindings: Vec<String> = names.iter().map(|n| format!("Some({})", n.to_snake_case())).collect();
        let clones: Vec<String> = names.iter().map(|n| format!("{}.clone()", n.to_snake_case())).collect();
        let _ = write!(
            arms,
            "if let ({}) = ({}) {{\n        builder = builder.{method}({});\n    }} else ",
            bindings.join(", "),
            fields.join(", "),
            clones.join(", ")
        );
        flags.push((
            "authority_url".to_string(),
            "authority-url".to_string(),
            format!("{prefix}_AUTHORITY_URL"),
            "The OAuth2 authority (token endpoint host) instead of the server's.".to_string(),
        ));
    }
    let mut code = String::new();
    if !alternatives.is_empty() {
        let _ = writeln!(code, "    {arms}{{");
        let _ = writeln!(
            code,
            "        return Err(Failure::Usage({:?}.into()));",
            format!("no credential: give {}", alternatives.join(", or "))
        );
        let _ = writeln!(code, "    }}");
    }
    if info.model.oauth2().is_some() {
        let _ = writeln!(code, "    if let Some(authority) = &c.authority_url {{");
        let _ = writeln!(code, "        builder = builder.token_authority(authority.clone());");
        let _ = writeln!(code, "    }}");
    }
    Credential { flags, code }
}

/// `src/main.rs`: the binary's entry, written as rustfmt writes it; the code is `tool.rs`.
fn main_rs(info: &CrateInfo) -> String {
    format!(
        r#"// {header}

//! `{binary}`: every operation of {title} from the command line, one subcommand each, the typed
//! response printed as JSON. See the crate's README for the flags and exit statuses.

// The generated module is written already formatted and skipped by rustfmt, whose output would
// depend on the toolchain version.
#[rustfmt::skip]
mod tool;

fn main() -> std::process::ExitCode {{
    tool::main()
}}
"#,
        header = header_text(info),
        binary = info.api,
        title = info.title,
    )
}

/// `src/tool.rs`: the command line's types, and the dispatch to the client.
fn tool_rs(info: &CrateInfo, commands: &[Command<'_>]) -> String {
    let lib = info.lib_name();
    let prefix = info.env_prefix();
    let binary = &info.api;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"// {header}

//! The flags of every operation, and the call each makes.

use clap::{{Args, Parser, Subcommand}};
use finops_cli::{{{imports}}};
use {lib}::{{{client_imports}}};

/// Parses the command line, makes the call, and gives the exit status.
pub fn main() -> std::process::ExitCode {{
    let cli = Cli::parse();
    finops_cli::run(run(cli))
}}

/// {title} from the command line.
#[derive(Parser)]
#[command(
    name = "{binary}",
    version,
    about = {about:?},
    after_help = "Exit status: 0 on success; 1 when the API answers with an error (status and body printed as JSON on stderr) or cannot be reached; 2 on bad usage or input."
)]
struct Cli {{
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}}

/// Where to send, and the credential.
#[derive(Args)]
#[command(next_help_heading = "Connection")]
struct Connection {{
"#,
        header = header_text(info),
        client_imports = if info.model.environments.is_empty() {
            "Client"
        } else {
            "Client, Server"
        },
        imports = if commands.iter().any(|c| !c.body_fields.is_empty()) {
            "BodyField, Failure"
        } else {
            "Failure"
        },
        title = info.title,
        about = format!(
            "{}: one subcommand per operation, the response as JSON on stdout.",
            info.title
        ),
    );
    let credential = credential(info);
    for (field, flag, var, help) in &credential.flags {
        let _ = writeln!(
            out,
            "    #[arg(long = {flag:?}, env = {var:?}, hide_env_values = true, global = true, value_name = {:?}, help = {help:?})]",
            flag.to_shouty_snake_case()
        );
        let _ = writeln!(out, "    {field}: Option<String>,");
    }
    let environments: Vec<&str> = info.model.environments.iter().map(|e| e.name.as_str()).collect();
    let _ = writeln!(
        out,
        "    /// The API's address instead of the server's, e.g. `http://127.0.0.1:8080`."
    );
    let _ = writeln!(
        out,
        "    #[arg(long = \"base-url\", env = \"{prefix}_BASE_URL\", hide_env_values = true, global = true, value_name = \"URL\"{})]",
        if environments.is_empty() {
            ""
        } else {
            ", conflicts_with = \"server\""
        }
    );
    let _ = writeln!(out, "    base_url: Option<String>,");
    if !environments.is_empty() {
        let _ = writeln!(
            out,
            "    #[arg(long = \"server\", global = true, value_name = \"NAME\", value_parser = {:?}, help = {:?})]",
            environments,
            format!("A documented server: {}.", server_help(info))
        );
        let _ = writeln!(out, "    server: Option<String>,");
    }
    let _ = writeln!(out, "}}\n");

    let _ = writeln!(out, "#[derive(Subcommand)]\nenum Command {{");
    for command in commands {
        let docs = command
            .op
            .docs_url
            .as_deref()
            .map(|url| format!(", after_help = {:?}", format!("Documentation: {url}")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    #[command(name = {:?}, about = {:?}{docs})]",
            command.name,
            one_line(&command.op.summary)
        );
        let _ = writeln!(out, "    {}({}),", command.op.builder, command.args_struct);
    }
    let _ = writeln!(out, "    /// Prints a completion script for a shell.");
    let _ = writeln!(out, "    Completions {{");
    let _ = writeln!(out, "        /// The shell.");
    let _ = writeln!(out, "        shell: clap_complete::Shell,");
    let _ = writeln!(out, "    }},");
    let _ = writeln!(out, "}}");

    for command in commands {
        args_struct(&mut out, command);
    }

    let _ = write!(
        out,
        r#"
async fn run(cli: Cli) -> Result<(), Failure> {{
    match cli.command {{
        Command::Completions {{ shell }} => {{
            finops_cli::completions::<Cli>(shell, "{binary}");
            Ok(())
        }}
"#
    );
    for command in commands {
        dispatch(&mut out, info, command);
    }
    let _ = write!(
        out,
        r#"    }}
}}

/// The client: the server or base URL, and the credential from the flags or environment.
fn connect(c: &Connection) -> Result<Client, Failure> {{
    let mut builder = Client::builder();
"#
    );
    if !info.model.environments.is_empty() {
        let _ = writeln!(out, "    if let Some(server) = &c.server {{");
        let _ = writeln!(out, "        builder = builder.server(match server.as_str() {{");
        for environment in &info.model.environments {
            let _ = writeln!(
                out,
                "            {:?} => Server::{},",
                environment.name, environment.variant
            );
        }
        let _ = writeln!(out, "            _ => Server::Default,");
        let _ = writeln!(out, "        }});");
        let _ = writeln!(out, "    }}");
    }
    let _ = write!(
        out,
        r#"    if let Some(base_url) = &c.base_url {{
        builder = builder.base_url(base_url.clone());
    }}
{credential}    builder.build().map_err(|e| Failure::Usage(e.to_string()))
}}
"#,
        credential = credential.code,
    );
    out
}

fn server_help(info: &CrateInfo) -> String {
    info.model
        .environments
        .iter()
        .map(|e| format!("`{}` ({})", e.name, e.url))
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn args_struct(out: &mut String, command: &Command<'_>) {
    let _ = writeln!(out, "\n#[derive(Args)]\nstruct {} {{", command.args_struct);
    for flag in &command.flags {
        // Help as an attribute, not a doc comment: spec text is not rustdoc (bare URLs).
        let mut attributes = vec![
            format!("long = {:?}", flag.long),
            format!("value_name = {:?}", flag.long.to_shouty_snake_case()),
        ];
        if !flag.help.is_empty() {
            attributes.push(format!("help = {:?}", flag.help));
        }
        if flag.switch {
            attributes.retain(|a| !a.starts_with("value_name"));
        }
        if !flag.possible.is_empty() {
            let parser = if flag.rust_type == "String" {
                format!("clap::builder::PossibleValuesParser::new({:?})", flag.possible)
            } else {
                format!(
                    "clap::builder::TypedValueParser::try_map(clap::builder::PossibleValuesParser::new({:?}), |value| value.parse::<{}>())",
                    flag.possible, flag.rust_type
                )
            };
            attributes.push(format!("value_parser = {parser}"));
        }
        if let Some(other) = &flag.conflicts_with {
            attributes.push(format!("conflicts_with = {other:?}"));
        }
        if flag.numeric {
            attributes.push("allow_negative_numbers = true".to_string());
        } else if flag.rust_type.ends_with("String") && flag.possible.is_empty() {
            // `--sort-by -total_cost`: text may start with a hyphen.
            attributes.push("allow_hyphen_values = true".to_string());
        }
        let ty = if flag.switch {
            "bool".to_string()
        } else if flag.required {
            flag.rust_type.clone()
        } else {
            format!("Option<{}>", flag.rust_type)
        };
        let _ = writeln!(out, "    #[arg({})]", attributes.join(", "));
        let _ = writeln!(out, "    {}: {ty},", flag.field);
    }
    if command.body_type.is_some() {
        let _ = writeln!(
            out,
            "    /// The request body as JSON: a file, or `-` for stdin. The body's flags are laid over it."
        );
        let _ = writeln!(out, "    #[arg(long = \"body\", value_name = \"FILE\")]");
        let _ = writeln!(out, "    body: Option<String>,");
    }
    if command.op.pagination.is_some() {
        let _ = writeln!(
            out,
            "    /// Walks every page and prints each item as one JSON line, as the pages arrive."
        );
        let _ = writeln!(out, "    #[arg(long = \"all\")]");
        let _ = writeln!(out, "    all: bool,");
    }
    if let Some(long_running) = &command.op.long_running {
        let _ = writeln!(out, "    #[command(flatten)]");
        let _ = writeln!(out, "    wait: finops_cli::WaitArgs,");
        if long_running.downloads.is_some() {
            let _ = writeln!(out, "    #[command(flatten)]");
            let _ = writeln!(out, "    export: finops_export::ExportArgs,");
        }
    }
    let _ = writeln!(out, "}}");
}

/// The end of a long-running operation's command: start it (or resume `--resume`), then print
/// its continuation (`--no-wait`) or wait and print its result; with `--out`, the export run.
fn long_running_call(out: &mut String, info: &CrateInfo, command: &Command<'_>, lr: &LongRunningModel) {
    let op = &command.op.rust_name;
    let krate = info.package.replace('-', "_");
    if let Some(downloads) = &lr.downloads {
        let totals = match (&downloads.amount, &downloads.currency) {
            (Some(amount), Some(currency)) => format!("Some(({:?}, {:?}))", amount.pointer, currency.pointer),
            _ => "None".to_string(),
        };
        let _ = writeln!(out, "            if args.export.out.is_some() {{");
        let _ = writeln!(out, "                let job = finops_export::Job {{");
        let _ = writeln!(out, "                    name: {:?},", command.name);
        let _ = writeln!(out, "                    request,");
        let _ = writeln!(out, "                    columns: &{:?},", downloads.columns);
        let _ = writeln!(out, "                    totals: {totals},");
        let _ = writeln!(out, "                }};");
        let _ = writeln!(out, "                let client = &client;");
        let _ = writeln!(
            out,
            "                return finops_export::run::<{krate}::types::{}, _, _, _, _>(",
            downloads.items_name.to_upper_camel_case()
        );
        let _ = writeln!(out, "                    job,");
        let _ = writeln!(out, "                    &args.export,");
        let _ = writeln!(out, "                    &args.wait,");
        let _ = writeln!(out, "                    client.download_client().clone(),");
        let _ = writeln!(
            out,
            "                    move || async move {{ Ok(call.start().await?.continuation().clone()) }},"
        );
        let _ = writeln!(out, "                    |continuation, wait| async move {{");
        let _ = writeln!(
            out,
            "                        let result = wait.apply(client.resume_{op}(continuation)?).await?;"
        );
        let _ = writeln!(
            out,
            "                        client.{op}_files(&result).map_err(|e| Failure::Call(e.to_string()))"
        );
        let _ = writeln!(out, "                    }},");
        let _ = writeln!(out, "                )");
        let _ = writeln!(out, "                .await;");
        let _ = writeln!(out, "            }}");
    }
    let _ = writeln!(out, "            let poller = match &args.wait.resume {{");
    let _ = writeln!(
        out,
        "                Some(url) => client.resume_{op}({krate}::Continuation {{ operation: url.clone() }})?,"
    );
    let _ = writeln!(out, "                None => call.start().await?,");
    let _ = writeln!(out, "            }};");
    let _ = writeln!(out, "            if args.wait.no_wait {{");
    let _ = writeln!(
        out,
        "                return finops_cli::print_value(poller.continuation());"
    );
    let _ = writeln!(out, "            }}");
    let _ = writeln!(out, "            let result = args.wait.apply(poller).await?;");
    let _ = writeln!(out, "            finops_cli::print_value(&result)");
}

fn dispatch(out: &mut String, info: &CrateInfo, command: &Command<'_>) {
    let uses_args = !command.flags.is_empty()
        || command.body_type.is_some()
        || command.op.pagination.is_some()
        || command.op.long_running.is_some();
    let binding = if uses_args { "args" } else { "_" };
    let _ = writeln!(out, "        Command::{}({binding}) => {{", command.op.builder);
    if let Some(body_type) = &command.body_type {
        let _ = writeln!(out, "            let body: {body_type} = finops_cli::request_body(");
        let _ = writeln!(out, "                args.body.as_deref(),");
        let _ = writeln!(out, "                vec![");
        for (json_name, flag, field, clear) in &command.body_fields {
            let clear = clear
                .as_ref()
                .map_or_else(|| "false".to_string(), |c| format!("args.{c}"));
            let _ = writeln!(
                out,
                "                    BodyField::new({json_name:?}, {flag:?}, args.{field}.as_ref(), {clear}),"
            );
        }
        let _ = writeln!(out, "                ],");
        // An update with nothing in it is refused; any other body may be empty (a list's filters).
        let empty = if command.op.method.eq_ignore_ascii_case("patch") {
            "Refused"
        } else {
            "Allowed"
        };
        let _ = writeln!(out, "                finops_cli::Empty::{empty},");
        let _ = writeln!(out, "            )?;");
    }
    if command
        .op
        .long_running
        .as_ref()
        .is_some_and(|lr| lr.downloads.is_some())
    {
        // What a resumed export must be asking for again: the body and the other arguments.
        let body = if command.body_type.is_some() { "&body" } else { "&()" };
        let others: Vec<String> = command
            .positional
            .iter()
            .filter(|p| p.as_str() != "body")
            .map(|p| format!("format!(\"{{:?}}\", {p})"))
            .collect();
        let _ = writeln!(
            out,
            "            let request = finops_export::request_of({body}, &[{}]);",
            others.join(", ")
        );
    }
    let _ = writeln!(out, "            let client = connect(&cli.connection)?;");
    let mutable = command.flags.iter().any(|f| f.setter.is_some());
    let _ = writeln!(
        out,
        "            let {}call = client.{}({});",
        if mutable { "mut " } else { "" },
        command.op.rust_name,
        command.positional.join(", ")
    );
    for flag in command.flags.iter().filter(|f| f.setter.is_some()) {
        let setter = flag.setter.as_deref().unwrap_or_default();
        let _ = writeln!(out, "            if let Some(value) = args.{} {{", flag.field);
        let _ = writeln!(out, "                call = call.{setter}(value);");
        let _ = writeln!(out, "            }}");
    }
    if command.op.pagination.is_some() {
        let _ = writeln!(out, "            if args.all {{");
        let _ = writeln!(
            out,
            "                return finops_cli::print_items(call.stream()).await;"
        );
        let _ = writeln!(out, "            }}");
    }
    if let Some(long_running) = &command.op.long_running {
        long_running_call(out, info, command, long_running);
        let _ = writeln!(out, "        }}");
        return;
    }
    match &command.op.success_body {
        Some(_) => {
            let _ = writeln!(out, "            let response = call.send().await?;");
            let _ = writeln!(out, "            finops_cli::print_response(&response)");
        }
        None => {
            let _ = writeln!(out, "            call.send().await?;");
            let _ = writeln!(out, "            Ok(())");
        }
    }
    let _ = writeln!(out, "        }}");
}

fn cargo_toml(info: &CrateInfo) -> String {
    format!(
        r#"# {header}
[package]
name = "{package}"
version = "{version}"
description = "Command-line tool for {title}: one subcommand per operation, JSON out."
keywords = ["finops", "cli", "{api}"]
categories = ["command-line-utilities", "api-bindings"]
readme = "README.md"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[[bin]]
name = "{api}"
path = "src/main.rs"
# No unit tests: the tool is run as a process by the repository's client-tests.
test = false

[dependencies]
{client} = {{ path = "../{client}" }}
finops-cli = {{ workspace = true }}
{export}clap = {{ workspace = true, features = ["env"] }}
clap_complete = {{ workspace = true }}
"#,
        export = if super::crate_files::has_downloads(info) {
            "# The export runs of the long-running operations: downloads, journal, totals.\nfinops-export = { workspace = true }\n"
        } else {
            ""
        },
        header = header_text(info),
        package = package_name(&info.api),
        version = info.version,
        title = info.title,
        api = info.api,
        client = info.package,
    )
}

fn readme(info: &CrateInfo, commands: &[Command<'_>]) -> String {
    let prefix = info.env_prefix();
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->\n", header_text(info));
    let _ = writeln!(out, "# {}\n", package_name(&info.api));
    let _ = writeln!(
        out,
        "`{api}`: every operation of **{title}** from the command line, through the typed client \
         [`{client}`](../{client}). Generated from [`{spec}`](../../{spec}) by `cargo xtask codegen`.\n",
        api = info.api,
        title = info.title,
        client = info.package,
        spec = info.spec_dir(),
    );
    let example = commands
        .iter()
        .find(|c| c.op.method == "get" && c.flags.iter().any(|f| f.required))
        .or_else(|| commands.first());
    let _ = writeln!(out, "```sh");
    let _ = writeln!(out, "export {prefix}_TOKEN=...            # or the flags below");
    if let Some(command) = example {
        let flags: String = command
            .flags
            .iter()
            .filter(|f| f.required)
            .map(|f| format!(" --{} <{}>", f.long, f.long.to_shouty_snake_case()))
            .collect();
        let _ = writeln!(
            out,
            "cargo run -p {} -- {}{flags}",
            package_name(&info.api),
            command.name
        );
    }
    let _ = writeln!(out, "cargo run -p {} -- --help", package_name(&info.api));
    let _ = writeln!(out, "```\n");
    let _ = writeln!(
        out,
        "- **Flags.** One per parameter, named as the parameter in kebab case and checked before anything is \
         sent (a GUID, a number, an enum value). A request body comes from `--body <file>` or `--body -` (JSON), \
         and each scalar property of it also has a flag, laid over the document; `--clear-<field>` sends `null`.\n\
         - **Connection.** `--base-url` ({prefix}_BASE_URL){servers}, and the \
         credential flags or variables shown by `--help`, the same variables as the crate's examples.\n\
         - **Output.** The typed response as pretty JSON on stdout; paginated lists take `--all` to walk every \
         page, printing one JSON line per item.\n\
         - **Exit status.** 0 on success; 1 when the API answers with an error (`{{\"status\": …, \"body\": …}}` \
         on stderr) or cannot be reached; 2 on bad usage or input, before anything is sent.\n\
         - **Completions.** `{api} completions bash` (or `zsh`, `fish`, `elvish`, `powershell`).\n",
        servers = if info.model.environments.is_empty() {
            String::new()
        } else {
            format!(" or `--server <name>` ({})", server_help(info))
        },
        api = info.api,
    );
    let _ = writeln!(out, "## Commands\n\n| Command | Request | Summary |\n|---|---|---|");
    for command in commands {
        let _ = writeln!(
            out,
            "| `{}` | `{} {}` | {} |",
            command.name,
            command.op.method.to_uppercase(),
            command.op.path,
            one_line(&command.op.summary).replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_named_as_another_crate_names_them() {
        assert_eq!(public_type("crate::models::Environment", "x"), "x::types::Environment");
        assert_eq!(public_type("types::CustomerFilters", "x"), "x::types::CustomerFilters");
        assert_eq!(public_type("::uuid::Uuid", "x"), "x::uuid::Uuid");
        assert_eq!(public_type("::std::num::NonZeroU32", "x"), "::std::num::NonZeroU32");
        assert_eq!(
            public_type("::std::vec::Vec<types::Tag>", "x"),
            "::std::vec::Vec<x::types::Tag>"
        );
    }

    #[test]
    fn a_taken_flag_gets_its_place_as_prefix() {
        let mut taken: BTreeSet<String> = RESERVED_FLAGS.iter().map(|f| f.to_string()).collect();
        assert_eq!(unique_flag(&mut taken, "size", "query"), "size");
        assert_eq!(unique_flag(&mut taken, "size", "body"), "body-size");
        assert_eq!(unique_flag(&mut taken, "server", "query"), "query-server");
    }
}
