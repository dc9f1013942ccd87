//! `src/send.rs`: each operation's `send`, which decodes the response by status.

use super::client_rs::doc_lines;
use super::model::{ApiModel, OperationModel, StatusKey, body_type, error_enum};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn send_tokens(model: &ApiModel) -> TokenStream {
    let mut uses = RuntimeUses::default();
    let impls: Vec<TokenStream> = model.operations.iter().map(|op| send_impl(op, &mut uses)).collect();
    let imports = uses.imports();
    quote! {
        //! `send` and `send_with` for every operation: the request goes out through the
        //! runtime's request loop, and the response is decoded by status.

        use crate::{builder, errors, ResponseValue};
        use ::finops_client_runtime::{#(#imports),*};

        #(#impls)*
    }
}

/// Which runtime items the decoders name, so that `send.rs` imports exactly those (generated
/// crates build without warnings).
#[derive(Default)]
struct RuntimeUses {
    decoded: bool,
    success: bool,
    failure: bool,
}

impl RuntimeUses {
    fn imports(&self) -> Vec<TokenStream> {
        let mut imports = vec![quote!(CallOptions), quote!(Decoding), quote!(Error)];
        let optional = [
            (self.decoded, quote!(Decoded)),
            (self.failure, quote!(failure)),
            (self.success, quote!(success)),
        ];
        imports.extend(optional.into_iter().filter(|(used, _)| *used).map(|(_, item)| item));
        imports
    }
}

fn send_impl(op: &OperationModel, uses: &mut RuntimeUses) -> TokenStream {
    let builder = format_ident!("{}", op.builder);
    let error = format_ident!("{}", error_enum(op));
    let decode = format_ident!("decode_{}", op.rust_name);
    let success = match &op.success_body {
        Some(body) => {
            let body = format_ident!("{}", body_type(body));
            quote!(crate::types::#body)
        }
        None => quote!(()),
    };
    let send_doc = doc_lines(&[
        &format!(
            "Sends `{} {}` and decodes the response.",
            op.method.to_uppercase(),
            op.path
        ),
        &format!(
            "Retries as the client's [`RetryPolicy`](crate::RetryPolicy) allows. Documented error statuses decode into [`errors::{}`]; every error keeps the response status and headers.",
            error_enum(op)
        ),
    ]);
    let mut arms: Vec<(StatusKey, TokenStream)> = Vec::new();
    for status in &op.success {
        let value = match &op.success_body {
            Some(_) => {
                uses.success = true;
                quote!(success(body))
            }
            None => {
                uses.decoded = true;
                quote!(Ok(Decoded::Success(())))
            }
        };
        arms.push((*status, value));
    }
    for e in &op.errors {
        let variant = format_ident!("{}", e.variant);
        let value = match &e.body {
            Some(_) => {
                uses.failure = true;
                quote!(failure(body, errors::#error::#variant))
            }
            None => {
                uses.decoded = true;
                quote!(Ok(Decoded::Failure(errors::#error::#variant)))
            }
        };
        arms.push((e.status, value));
    }
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms.iter().any(|(s, _)| *s == StatusKey::Default);
    let arms = arms.iter().map(|(status, value)| {
        let pattern = match status {
            StatusKey::Code(code) => quote!(#code),
            StatusKey::Range(class) => {
                let (low, high) = (class * 100, class * 100 + 99);
                quote!(#low..=#high)
            }
            StatusKey::Default => quote!(_),
        };
        quote!(#pattern => #value,)
    });
    let fallback = (!has_default).then(|| quote!(_ => return None,));
    let uses_body = op.success_body.is_some() || op.errors.iter().any(|e| e.body.is_some());
    let body_param = if uses_body { quote!(body) } else { quote!(_body) };
    // The decoder is `#[inline]` so that it is compiled where an operation is called, like
    // progenitor's async methods, not with the client crate: a program compiles the JSON decoding
    // of the operations it uses, and the crate itself builds as fast as `generate_api!`'s output.
    quote! {
        impl builder::#builder<'_> {
            #send_doc
            pub async fn send(self) -> Result<ResponseValue<#success>, Error<errors::#error>> {
                ::finops_client_runtime::finish(self.send_unchecked().await, #decode).await
            }

            /// [`Self::send`] with per-call options: a timeout, a retry policy.
            pub async fn send_with(
                self,
                options: CallOptions,
            ) -> Result<ResponseValue<#success>, Error<errors::#error>> {
                ::finops_client_runtime::with_call_options(options, self.send()).await
            }
        }

        /// The body type of each documented status; `None` for the others.
        #[inline]
        fn #decode(
            status: ::reqwest::StatusCode,
            #body_param: &[u8],
        ) -> Option<Decoding<#success, errors::#error>> {
            Some(match status.as_u16() {
                #(#arms)*
                #fallback
            })
        }
    }
}
