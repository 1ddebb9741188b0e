//! The small part of RFC 8941 (Structured Field Values) that `Signature-Input`, `Signature`
//! (RFC 9421 §4) and `Content-Digest` (RFC 9530 §2) need: dictionaries whose members are items
//! or inner lists, with parameters; bare items of type integer, string, token, byte sequence
//! and boolean. Decimals are refused (no header used here carries one).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

use super::SignatureError;

/// A bare item (RFC 8941 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bare {
    Integer(i64),
    String(String),
    Token(String),
    Bytes(Vec<u8>),
    Boolean(bool),
}

/// Parameters (RFC 8941 §3.1.2), in their order.
pub(crate) type Params = Vec<(String, Bare)>;

/// An item with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub bare: Bare,
    pub params: Params,
}

/// A dictionary member value (RFC 8941 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member {
    Item(Item),
    InnerList(Vec<Item>, Params),
}

fn bad(what: &str) -> SignatureError {
    SignatureError::Malformed(format!("structured field: {what}"))
}

/// Parses a dictionary (RFC 8941 §4.2.2). A repeated key keeps its first position and its
/// last value, as the RFC says.
pub(crate) fn parse_dictionary(input: &str) -> Result<Vec<(String, Member)>, SignatureError> {
    let mut p = Parser {
        s: input.as_bytes(),
        i: 0,
    };
    p.skip_sp();
    let mut out: Vec<(String, Member)> = Vec::new();
    if p.at_end_ows() {
        return Ok(out);
    }
    loop {
        let key = p.key()?;
        let member = if p.eat(b'=') {
            if p.peek() == Some(b'(') {
                p.inner_list()?
            } else {
                Member::Item(p.item()?)
            }
        } else {
            Member::Item(Item {
                bare: Bare::Boolean(true),
                params: p.params()?,
            })
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = member,
            None => out.push((key, member)),
        }
        p.skip_ows();
        if p.peek().is_none() {
            return Ok(out);
        }
        if !p.eat(b',') {
            return Err(bad("expected ',' between dictionary members"));
        }
        p.skip_ows();
        if p.peek().is_none() {
            return Err(bad("trailing comma"));
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn at_end_ows(&mut self) -> bool {
        self.skip_ows();
        self.peek().is_none()
    }

    fn key(&mut self) -> Result<String, SignatureError> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => self.i += 1,
            _ => return Err(bad("a key must start with a lower-case letter or '*'")),
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn params(&mut self) -> Result<Params, SignatureError> {
        let mut params: Params = Vec::new();
        while self.eat(b';') {
            self.skip_sp();
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare()?
            } else {
                Bare::Boolean(true)
            };
            match params.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => params.push((key, value)),
            }
        }
        Ok(params)
    }

    fn item(&mut self) -> Result<Item, SignatureError> {
        let bare = self.bare()?;
        let params = self.params()?;
        Ok(Item { bare, params })
    }

    fn inner_list(&mut self) -> Result<Member, SignatureError> {
        if !self.eat(b'(') {
            return Err(bad("expected '('"));
        }
        let mut items = Vec::new();
        loop {
            self.skip_sp();
            if self.eat(b')') {
                let params = self.params()?;
                return Ok(Member::InnerList(items, params));
            }
            items.push(self.item()?);
            match self.peek() {
                Some(b' ' | b')') => {}
                _ => return Err(bad("inner list items must be separated by spaces")),
            }
        }
    }

    fn bare(&mut self) -> Result<Bare, SignatureError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b'"') => self.string(),
            Some(b':') => self.bytes(),
            Some(b'?') => {
                self.i += 1;
                match self.peek() {
                    Some(b'1') => {
                        self.i += 1;
                        Ok(Bare::Boolean(true))
                    }
                    Some(b'0') => {
                        self.i += 1;
                        Ok(Bare::Boolean(false))
                    }
                    _ => Err(bad("bad boolean")),
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => self.token(),
            _ => Err(bad("expected an item")),
        }
    }

    fn integer(&mut self) -> Result<Bare, SignatureError> {
        let negative = self.eat(b'-');
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let digits = &self.s[start..self.i];
        if digits.is_empty() || digits.len() > 15 {
            return Err(bad("bad integer"));
        }
        if self.peek() == Some(b'.') {
            return Err(bad("decimals are not supported"));
        }
        let value = digits
            .iter()
            .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0'));
        Ok(Bare::Integer(if negative { -value } else { value }))
    }

    fn string(&mut self) -> Result<Bare, SignatureError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(bad("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Bare::String(out));
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(char::from(c));
                            self.i += 1;
                        }
                        _ => return Err(bad("bad escape in string")),
                    }
                }
                Some(c @ 0x20..=0x7e) => {
                    out.push(char::from(c));
                    self.i += 1;
                }
                Some(_) => return Err(bad("non-printable character in string")),
            }
        }
    }

    fn token(&mut self) -> Result<Bare, SignatureError> {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(Bare::Token(
            String::from_utf8_lossy(&self.s[start..self.i]).into_owned(),
        ))
    }

    fn bytes(&mut self) -> Result<Bare, SignatureError> {
        self.i += 1;
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"+/=".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        let encoded = &self.s[start..self.i];
        if !self.eat(b':') {
            return Err(bad("unterminated byte sequence"));
        }
        B64.decode(encoded)
            .map(Bare::Bytes)
            .map_err(|_| bad("bad base64 in byte sequence"))
    }
}

/// Serialises a string (RFC 8941 §4.1.6); `None` when it holds a character a string cannot.
pub(crate) fn serialize_string(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => return None,
        }
    }
    out.push('"');
    Some(out)
}

/// Serialises a bare item (RFC 8941 §4.1.3).
pub(crate) fn serialize_bare(bare: &Bare, out: &mut String) -> Result<(), SignatureError> {
    match bare {
        Bare::Integer(n) => out.push_str(&n.to_string()),
        Bare::String(s) => {
            out.push_str(&serialize_string(s).ok_or_else(|| bad("unserialisable string"))?)
        }
        Bare::Token(t) => out.push_str(t),
        Bare::Bytes(b) => {
            out.push(':');
            out.push_str(&B64.encode(b));
            out.push(':');
        }
        Bare::Boolean(true) => out.push_str("?1"),
        Bare::Boolean(false) => out.push_str("?0"),
    }
    Ok(())
}

/// Serialises parameters (RFC 8941 §4.1.1.2).
pub(crate) fn serialize_params(params: &Params, out: &mut String) -> Result<(), SignatureError> {
    for (key, value) in params {
        out.push(';');
        out.push_str(key);
        if *value != Bare::Boolean(true) {
            out.push('=');
            serialize_bare(value, out)?;
        }
    }
    Ok(())
}

/// Serialises an inner list with its parameters (RFC 8941 §4.1.1.1).
pub(crate) fn serialize_inner_list(
    items: &[Item],
    params: &Params,
) -> Result<String, SignatureError> {
    let mut out = String::from("(");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        serialize_bare(&item.bare, &mut out)?;
        serialize_params(&item.params, &mut out)?;
    }
    out.push(')');
    serialize_params(params, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_input_dictionary_round_trips() {
        let text = r#"sig1=("@method" "@target-uri" "content-digest");created=1703066400;keyid="https://remote.domain/users/bob#main-key""#;
        let dict = parse_dictionary(text).unwrap();
        assert_eq!(dict.len(), 1);
        let Member::InnerList(items, params) = &dict[0].1 else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 3);
        assert_eq!(params[0], ("created".into(), Bare::Integer(1703066400)));
        assert_eq!(
            format!("sig1={}", serialize_inner_list(items, params).unwrap()),
            text
        );
    }

    #[test]
    fn byte_sequences_tokens_and_booleans_parse() {
        let dict = parse_dictionary("a=:aGk=:, b=tok/en;x, c, d=?0, e=-5").unwrap();
        assert_eq!(
            dict[0].1,
            Member::Item(Item {
                bare: Bare::Bytes(b"hi".to_vec()),
                params: vec![]
            })
        );
        assert_eq!(
            dict[1].1,
            Member::Item(Item {
                bare: Bare::Token("tok/en".into()),
                params: vec![("x".into(), Bare::Boolean(true))]
            })
        );
        assert_eq!(
            dict[2].1,
            Member::Item(Item {
                bare: Bare::Boolean(true),
                params: vec![]
            })
        );
        assert_eq!(
            dict[3].1,
            Member::Item(Item {
                bare: Bare::Boolean(false),
                params: vec![]
            })
        );
        assert_eq!(
            dict[4].1,
            Member::Item(Item {
                bare: Bare::Integer(-5),
                params: vec![]
            })
        );
    }

    #[test]
    fn upper_case_keys_and_broken_syntax_are_refused() {
        for bad in [
            "SHA-256=:aGk=:",
            "a=",
            "a=:aGk=",
            "a=\"x",
            "a=(\"x\"",
            "a=1,",
            "a=1.5",
            "a=(\"x\"\"y\")",
            "a=\"\\x\"",
        ] {
            assert!(parse_dictionary(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        assert_eq!(serialize_string(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert_eq!(serialize_string("é"), None);
        let dict = parse_dictionary(r#"k="a\"b\\c""#).unwrap();
        assert_eq!(
            dict[0].1,
            Member::Item(Item {
                bare: Bare::String(r#"a"b\c"#.into()),
                params: vec![]
            })
        );
    }
}
