//! Canonical N-Quads (RDFC-1.0 §4.2, "canonical N-Quads form"): one
//! statement per line, IRIs as they are, literals with the escapes of
//! RDF 1.2 canonical N-Triples.
//!
//! `ssi-rdf` writes literals with the older URDNA2015 escapes (only `"`,
//! `\`, LF and CR), so a tab, a backspace or any other control character in
//! a credential gave other bytes, and another hash, than RDFC-1.0 (W3C
//! rdf-canon test060, "n-quads escaping").

use std::fmt::Write as _;

use ssi_json_ld::json_ld::rdf_types::{Id, LiteralType, Object, Quad};
use ssi_rdf::LexicalQuad;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// The N-Quads document of `quads`: sorted by code point, duplicates once.
pub(super) fn document<'a>(quads: impl IntoIterator<Item = &'a LexicalQuad>) -> String {
    let mut lines: Vec<String> = quads.into_iter().map(statement).collect();
    lines.sort_unstable();
    lines.dedup();
    lines.concat()
}

/// One quad as a canonical N-Quads line, ending in `\n`.
pub(super) fn statement(quad: &LexicalQuad) -> String {
    let Quad(s, p, o, g) = quad;
    let mut line = String::with_capacity(128);
    id(&mut line, s);
    line.push_str(" <");
    line.push_str(p.as_str());
    line.push_str("> ");
    match o {
        Object::Id(o) => id(&mut line, o),
        Object::Literal(literal) => {
            quoted(&mut line, &literal.value);
            match &literal.type_ {
                LiteralType::LangString(tag) => {
                    line.push('@');
                    line.push_str(tag.as_str());
                }
                LiteralType::Any(ty) if ty.as_str() == XSD_STRING => {}
                LiteralType::Any(ty) => {
                    line.push_str("^^<");
                    line.push_str(ty.as_str());
                    line.push('>');
                }
            }
        }
    }
    if let Some(g) = g {
        line.push(' ');
        id(&mut line, g);
    }
    line.push_str(" .\n");
    line
}

fn id(out: &mut String, id: &Id) {
    match id {
        Id::Iri(iri) => {
            out.push('<');
            out.push_str(iri.as_str());
            out.push('>');
        }
        Id::Blank(b) => out.push_str(b.as_str()),
    }
}

/// A string literal in quotes: `\b \t \n \f \r \" \\` as ECHAR, the other
/// characters below U+0020 and U+007F as `\uXXXX` (upper case hex), all
/// else as it is.
fn quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::jsonld::{ContextLoader, canonicalize};

    /// RDFC-1.0 writes control characters in literals with ECHAR or UCHAR
    /// escapes; `ssi-rdf`'s writer left a tab, a form feed and U+0001 raw.
    #[test]
    fn regression_control_characters_in_literals_use_rdfc_1_0_escapes() {
        let doc = json!({
            "@context": {"note": "https://example.org/note"},
            "@id": "urn:example:s",
            "note": "tab\there\u{c}ff\u{1}one\u{7f}del \"q\" \\ \u{8}bs \r\n ü"
        });
        assert_eq!(
            canonicalize(doc.as_object().unwrap(), &ContextLoader::new()).unwrap(),
            "<urn:example:s> <https://example.org/note> \
             \"tab\\there\\fff\\u0001one\\u007Fdel \\\"q\\\" \\\\ \\bbs \\r\\n ü\" .\n"
        );
    }
}
