//! `src/errors.rs`: one error enum per operation, a variant per documented error status.

use super::client_rs::doc_lines;
use super::model::{ApiModel, body_type, error_enum};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn errors_tokens(model: &ApiModel) -> TokenStream {
    let enums = model.operations.iter().map(|op| {
        let name = format_ident!("{}", error_enum(op));
        let doc = doc_lines(&[
            &format!(
                "An error response documented for [`Client::{}`](crate::Client::{}), decoded by status.",
                op.rust_name, op.rust_name
            ),
            "A status the spec does not list arrives as [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus) instead.",
        ]);
        let variants = op.errors.iter().map(|error| {
            let variant = format_ident!("{}", error.variant);
            let doc = doc_lines(&[&format!("`{}`: {}", error.status.label(), error.description)]);
            match &error.body {
                Some(body) => {
                    let body = format_ident!("{}", body_type(body));
                    quote!(#doc #variant(crate::types::#body))
                }
                None => quote!(#doc #variant),
            }
        });
        quote! {
            #doc
            #[derive(Debug, Clone)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants),*
            }
        }
    });
    quote! {
        //! One error enum per operation: a variant for each documented error status, holding that
        //! status's body type.
        #(#enums)*
    }
}
