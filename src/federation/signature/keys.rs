//! RSA keys: loading the PEM/DER forms actors publish and store, and generating new key pairs.
//!
//! ring signs and verifies but cannot generate RSA keys, and its verifier wants the PKCS#1
//! `RSAPublicKey` (RFC 8017 §A.1.1) rather than the SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
//! that ActivityPub actors publish as `BEGIN PUBLIC KEY`. This file unwraps the SPKI with a
//! tiny DER reader and uses the `rsa` crate only to generate key pairs.

use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, RsaKeyPair};

use super::SignatureError;

/// DER encoding of the rsaEncryption OID, 1.2.840.113549.1.1.1 (RFC 8017 §A.1).
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Smallest RSA modulus accepted when verifying. 1024-bit keys are weak but still met on old
/// software and in draft-cavage's own test vectors; quire itself signs only with 2048-bit keys.
const MIN_VERIFY_BITS: usize = 1024;

/// An RSA private key used to sign outgoing requests (RSASSA-PKCS1-v1_5 with SHA-256).
pub struct PrivateKey {
    pair: RsaKeyPair,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey").finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Loads a PKCS#8 `PrivateKeyInfo` (RFC 5208), the form quire stores.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, SignatureError> {
        let pair = RsaKeyPair::from_pkcs8(der)
            .map_err(|e| SignatureError::Key(format!("unusable PKCS#8 RSA key: {e}")))?;
        Ok(Self { pair })
    }

    /// Loads a PEM private key: `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY`
    /// (PKCS#1 `RSAPrivateKey`, RFC 8017 §A.1.2).
    pub fn from_pem(text: &str) -> Result<Self, SignatureError> {
        let block = pem::parse(text.trim())
            .map_err(|e| SignatureError::Key(format!("not a PEM block: {e}")))?;
        let pair = match block.tag() {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(block.contents()),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(block.contents()),
            other => return Err(SignatureError::Key(format!("unexpected PEM tag {other:?}"))),
        }
        .map_err(|e| SignatureError::Key(format!("unusable RSA private key: {e}")))?;
        Ok(Self { pair })
    }

    /// The matching public key (handy to check a stored key pair).
    pub fn public_key(&self) -> PublicKey {
        let der = self.pair.public().as_ref().to_vec();
        let bits = self.pair.public().modulus_len() * 8;
        PublicKey {
            pkcs1_der: der,
            bits,
        }
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 / SHA-256 (RFC 8017 §8.2), the algorithm both
    /// `rsa-sha256` (draft-cavage) and `rsa-v1_5-sha256` (RFC 9421 §3.3.2) name.
    pub(crate) fn sign_pkcs1_sha256(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let mut out = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &ring_sig::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut out,
            )
            .map_err(|_| SignatureError::Key("RSA signing failed".into()))?;
        Ok(out)
    }
}

/// An RSA public key, held as the PKCS#1 `RSAPublicKey` DER that ring verifies with.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    pkcs1_der: Vec<u8>,
    bits: usize,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.bits)
            .finish()
    }
}

impl PublicKey {
    /// Loads a PEM public key: `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo, what actors publish
    /// as `publicKeyPem`) or `BEGIN RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(text: &str) -> Result<Self, SignatureError> {
        let block = pem::parse(text.trim())
            .map_err(|e| SignatureError::Key(format!("not a PEM block: {e}")))?;
        match block.tag() {
            "PUBLIC KEY" => Self::from_spki_der(block.contents()),
            "RSA PUBLIC KEY" => Self::from_pkcs1_der(block.contents()),
            other => Err(SignatureError::Key(format!("unexpected PEM tag {other:?}"))),
        }
    }

    /// Loads a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holding an rsaEncryption key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, SignatureError> {
        let mut outer = Der::new(der);
        let mut spki = Der::new(outer.read(TAG_SEQUENCE)?);
        outer.finish()?;
        let mut alg = Der::new(spki.read(TAG_SEQUENCE)?);
        if alg.read(TAG_OID)? != RSA_ENCRYPTION_OID {
            return Err(SignatureError::Key("public key is not an RSA key".into()));
        }
        // The parameters must be NULL (RFC 8017 §A.1) but some encoders omit them.
        if !alg.is_empty() {
            alg.read(TAG_NULL)?;
        }
        alg.finish()?;
        let bits = spki.read(TAG_BIT_STRING)?;
        spki.finish()?;
        match bits.split_first() {
            Some((0, key)) => Self::from_pkcs1_der(key),
            _ => Err(SignatureError::Key(
                "malformed subjectPublicKey BIT STRING".into(),
            )),
        }
    }

    /// Loads a DER PKCS#1 `RSAPublicKey` (RFC 8017 §A.1.1): `SEQUENCE { n, e }`.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, SignatureError> {
        let mut outer = Der::new(der);
        let mut seq = Der::new(outer.read(TAG_SEQUENCE)?);
        outer.finish()?;
        let n = seq.read(TAG_INTEGER)?;
        seq.read(TAG_INTEGER)?;
        seq.finish()?;
        let n = match n.iter().position(|&b| b != 0) {
            Some(i) => &n[i..],
            None => return Err(SignatureError::Key("RSA modulus is zero".into())),
        };
        let bits = n.len() * 8 - n[0].leading_zeros() as usize;
        if bits < MIN_VERIFY_BITS {
            return Err(SignatureError::Key(format!(
                "RSA key too short ({bits} bits)"
            )));
        }
        Ok(Self {
            pkcs1_der: der.to_vec(),
            bits,
        })
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Checks an RSASSA-PKCS1-v1_5 / SHA-256 signature (RFC 8017 §8.2.2) over `message`.
    pub(crate) fn verify_pkcs1_sha256(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let alg: &'static ring_sig::RsaParameters = if self.bits >= 2048 {
            &ring_sig::RSA_PKCS1_2048_8192_SHA256
        } else {
            &ring_sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        };
        ring_sig::UnparsedPublicKey::new(alg, &self.pkcs1_der)
            .verify(message, signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// A freshly generated key pair for a new actor.
pub struct GeneratedKey {
    /// The private key as PKCS#8 DER, what quire stores (load with [`PrivateKey::from_pkcs8_der`]).
    pub pkcs8_der: Vec<u8>,
    /// The public key as SPKI PEM (`BEGIN PUBLIC KEY`), what the actor publishes.
    pub public_pem: String,
}

/// Generates an RSA-2048 key pair with the `rsa` crate (ring cannot generate RSA keys).
/// Takes a noticeable time in unoptimised builds.
pub fn generate_rsa_2048() -> Result<GeneratedKey, SignatureError> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048)
        .map_err(|e| SignatureError::Key(format!("RSA key generation failed: {e}")))?;
    let pkcs8_der = private
        .to_pkcs8_der()
        .map_err(|e| SignatureError::Key(format!("PKCS#8 encoding failed: {e}")))?
        .as_bytes()
        .to_vec();
    let public_pem = rsa::RsaPublicKey::from(&private)
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| SignatureError::Key(format!("SPKI encoding failed: {e}")))?;
    Ok(GeneratedKey {
        pkcs8_der,
        public_pem,
    })
}

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_NULL: u8 = 0x05;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

/// A minimal DER reader (X.690 §10): definite lengths, single-byte tags, nothing more.
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(rest: &'a [u8]) -> Self {
        Self { rest }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn err(what: &str) -> SignatureError {
        SignatureError::Key(format!("malformed DER: {what}"))
    }

    /// Reads one element with tag `tag` and returns its contents.
    fn read(&mut self, tag: u8) -> Result<&'a [u8], SignatureError> {
        let (&got, rest) = self
            .rest
            .split_first()
            .ok_or_else(|| Self::err("truncated"))?;
        if got != tag {
            return Err(Self::err(&format!(
                "expected tag {tag:#04x}, found {got:#04x}"
            )));
        }
        let (&first, mut rest) = rest.split_first().ok_or_else(|| Self::err("truncated"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return Err(Self::err("bad length"));
            }
            let (bytes, after) = rest.split_at(count);
            rest = after;
            let len = bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 || bytes[0] == 0 {
                return Err(Self::err("non-minimal length"));
            }
            len
        };
        if rest.len() < len {
            return Err(Self::err("truncated"));
        }
        let (contents, after) = rest.split_at(len);
        self.rest = after;
        Ok(contents)
    }

    /// Fails when bytes are left over.
    fn finish(&self) -> Result<(), SignatureError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Self::err("trailing bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::federation::signature::testkit::{bob_private_pem, bob_public_pem};

    #[test]
    fn spki_pem_unwraps_to_the_pkcs1_key_of_the_private_key() {
        let private = PrivateKey::from_pem(&bob_private_pem()).unwrap();
        let public = PublicKey::from_pem(&bob_public_pem()).unwrap();
        assert_eq!(public.bits(), 2048);
        assert_eq!(public, private.public_key());
    }

    #[test]
    fn rsa_public_key_pem_is_accepted() {
        let public = PublicKey::from_pem(&bob_public_pem()).unwrap();
        let pkcs1 = pem::encode(&pem::Pem::new("RSA PUBLIC KEY", public.pkcs1_der.clone()));
        assert_eq!(PublicKey::from_pem(&pkcs1).unwrap(), public);
    }

    #[test]
    fn a_signature_made_with_the_private_key_verifies_with_the_public_key() {
        let private = PrivateKey::from_pem(&bob_private_pem()).unwrap();
        let sig = private.sign_pkcs1_sha256(b"hello").unwrap();
        let public = PublicKey::from_pem(&bob_public_pem()).unwrap();
        public.verify_pkcs1_sha256(b"hello", &sig).unwrap();
        assert!(matches!(
            public.verify_pkcs1_sha256(b"hellO", &sig),
            Err(SignatureError::Invalid)
        ));
    }

    #[test]
    fn garbage_keys_are_refused_without_panicking() {
        assert!(PublicKey::from_pem("nope").is_err());
        let junk = pem::encode(&pem::Pem::new("PUBLIC KEY", vec![0x30, 0x82, 0xff]));
        assert!(PublicKey::from_pem(&junk).is_err());
        let junk = pem::encode(&pem::Pem::new("CERTIFICATE", vec![0x30, 0x00]));
        assert!(PublicKey::from_pem(&junk).is_err());
        assert!(PrivateKey::from_pkcs8_der(&[1, 2, 3]).is_err());
        for cut in 0..40 {
            let block = pem::parse(bob_public_pem()).unwrap();
            let _ = PublicKey::from_spki_der(&block.contents()[..cut]);
        }
    }

    #[test]
    fn generated_keys_load_and_sign() {
        let generated = generate_rsa_2048().unwrap();
        let private = PrivateKey::from_pkcs8_der(&generated.pkcs8_der).unwrap();
        let public = PublicKey::from_pem(&generated.public_pem).unwrap();
        assert!(generated
            .public_pem
            .starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(public, private.public_key());
        let sig = private.sign_pkcs1_sha256(b"x").unwrap();
        public.verify_pkcs1_sha256(b"x", &sig).unwrap();
    }
}
