//! A call that lacks a required input does not compile: required path parameters and request
//! bodies are arguments of the operation method. The expected compiler messages sit beside each
//! case in `compile_fail/`; regenerate them with `TRYBUILD=overwrite`.

#[test]
fn missing_required_inputs_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
