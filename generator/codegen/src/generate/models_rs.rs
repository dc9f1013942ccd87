//! `src/models.rs` of a generated crate: open enums (a value the spec does not list is kept, not
//! rejected) and PATCH bodies whose nullable fields have three states. progenitor uses these in
//! place of its own types, and `types` re-exports them.

use super::client_rs::doc_lines;
use super::model::{ApiModel, FieldKind, OpenEnum, PatchBody};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn tokens(model: &ApiModel) -> TokenStream {
    let enums = model.open_enums.iter().map(open_enum);
    let bodies = model.patch_bodies.iter().map(patch_body);
    quote! {
        //! Open enums and three-state PATCH bodies, re-exported from [`crate::types`].
        #(#enums)*
        #(#bodies)*
    }
}

fn open_enum(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let name_text = &e.name;
    let values: Vec<&String> = e.values.iter().map(|(value, _)| value).collect();
    let doc = doc_lines(&[
        e.description.as_deref().unwrap_or_default(),
        "Open: a value the spec does not list decodes into `Unknown` and is sent back unchanged, \
         so match with a wildcard arm.",
    ]);
    let variants = e.values.iter().map(|(value, variant)| {
        let variant = format_ident!("{variant}");
        let doc = format!(" `{value}`");
        quote!(#[doc = #doc] #variant)
    });
    let to_str = e.values.iter().map(|(value, variant)| {
        let variant = format_ident!("{variant}");
        quote!(Self::#variant => #value)
    });
    let from_str = e.values.iter().map(|(value, variant)| {
        let variant = format_ident!("{variant}");
        quote!(#value => Self::#variant)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
            /// A value the spec does not list, kept as received.
            Unknown(::finops_client_runtime::UnknownValue),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_str,)*
                    other => Self::Unknown(::finops_client_runtime::UnknownValue::__new(other.to_string())),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            /// Never fails: a value the spec does not list becomes `Unknown`.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Described with the values the spec lists; others are accepted too.
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_text.to_string()
            }

            fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                ::schemars::schema::SchemaObject {
                    instance_type: Some(::schemars::schema::InstanceType::String.into()),
                    enum_values: Some(vec![#(::serde_json::Value::from(#values)),*]),
                    ..Default::default()
                }
                .into()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    }
}

fn patch_body(body: &PatchBody) -> TokenStream {
    let name = format_ident!("{}", body.name);
    let doc = doc_lines(&[
        body.description.as_deref().unwrap_or_default(),
        "Fields of type [`Patch`](::finops_client_runtime::Patch) have three states: left out (the \
         server keeps its value), `null` (the server clears it), or a value. Each has a setter \
         and a `clear_` method; a field not touched is left out.",
    ]);
    let has_required = body.fields.iter().any(|f| f.kind == FieldKind::Required);
    let comparable = !body.fields.iter().any(|f| f.rust_type.contains("crate::types::"));
    let mut derives = vec![quote!(Debug), quote!(Clone)];
    if !has_required {
        derives.push(quote!(Default));
    }
    if comparable {
        derives.push(quote!(PartialEq));
    }
    derives.push(quote!(::serde::Serialize));
    derives.push(quote!(::serde::Deserialize));

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut required_args = Vec::new();
    let mut required_inits = Vec::new();
    for field in &body.fields {
        let ident = format_ident!("{}", field.rust_name);
        let ty: syn::Type =
            syn::parse_str(&field.rust_type).expect("checked to be a Rust type when the model was read");
        let json = &field.json_name;
        let rename = (field.rust_name != field.json_name).then(|| quote!(#[serde(rename = #json)]));
        let doc = doc_lines(&[field.description.as_deref().unwrap_or_default()]);
        let set_doc = format!(" Sets `{json}`.");
        match field.kind {
            FieldKind::ThreeState => {
                fields.push(quote! {
                    #doc
                    #rename
                    #[serde(default, skip_serializing_if = "::finops_client_runtime::Patch::is_absent")]
                    pub #ident: ::finops_client_runtime::Patch<#ty>
                });
                let clear = format_ident!("clear_{}", field.rust_name.trim_end_matches('_'));
                let clear_doc = format!(" Sends `{json}: null`, clearing the stored value.");
                setters.push(quote! {
                    #[doc = #set_doc]
                    pub fn #ident(mut self, value: impl Into<#ty>) -> Self {
                        self.#ident = ::finops_client_runtime::Patch::Value(value.into());
                        self
                    }

                    #[doc = #clear_doc]
                    pub fn #clear(mut self) -> Self {
                        self.#ident = ::finops_client_runtime::Patch::Null;
                        self
                    }
                });
                required_inits.push(quote!(#ident: ::finops_client_runtime::Patch::Absent));
            }
            FieldKind::Optional => {
                fields.push(quote! {
                    #doc
                    #rename
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub #ident: ::std::option::Option<#ty>
                });
                setters.push(quote! {
                    #[doc = #set_doc]
                    pub fn #ident(mut self, value: impl Into<#ty>) -> Self {
                        self.#ident = Some(value.into());
                        self
                    }
                });
                required_inits.push(quote!(#ident: None));
            }
            FieldKind::Required => {
                fields.push(quote! {
                    #doc
                    #rename
                    pub #ident: #ty
                });
                required_args.push(quote!(#ident: impl Into<#ty>));
                required_inits.push(quote!(#ident: #ident.into()));
            }
        }
    }
    let new_doc = if has_required {
        " A body with the required fields; the others are left out until set."
    } else {
        " A body that changes nothing until fields are set."
    };
    quote! {
        #doc
        #[derive(#(#derives),*)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#required_args),*) -> Self {
                Self {
                    #(#required_inits,)*
                }
            }

            #(#setters)*
        }
    }
}
