//! Public keys and signature algorithms: Ed25519, ECDSA P-256 and RSA (PKCS#1 v1.5), decoded from
//! the forms issuers publish them in (multibase / multicodec `publicKeyMultibase`, base58
//! `publicKeyBase58`, JWK, SPKI PEM) and checked against the algorithm a signature claims.
//!
//! Rules enforced here for every path:
//! * an algorithm must fit the key type (`EdDSA` ↔ Ed25519, `ES256` ↔ P-256, `RS256` ↔ RSA);
//! * `none`, `HS*` (shared secrets) and anything else are never accepted;
//! * RSA keys shorter than 2048 bits are refused.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// Largest RSA modulus accepted, in bits (bounds the work a hostile key can cause).
pub const MAX_RSA_BITS: usize = 8192;

/// Why a key could not be read or a signature not checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The multibase text is not one of the supported bases.
    #[error("unsupported multibase prefix {0:?} (supported: z = base58btc, u = base64url)")]
    Multibase(String),
    /// The encoded text could not be decoded.
    #[error("{what} is not valid {encoding}")]
    Encoding {
        /// Which value.
        what: String,
        /// Which encoding it should have been.
        encoding: &'static str,
    },
    /// The multicodec prefix names a key type we do not support.
    #[error("unsupported multicodec key type 0x{0:x}")]
    Multicodec(u64),
    /// The key bytes are not a valid key of their type.
    #[error("invalid {kind} public key: {detail}")]
    Invalid {
        /// Key type.
        kind: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A JWK's `kty`/`crv` is not supported.
    #[error("unsupported JWK (kty {kty:?}, crv {crv:?})")]
    Jwk {
        /// `kty`.
        kty: Option<String>,
        /// `crv`.
        crv: Option<String>,
    },
    /// A JWK carries private key material (`d`): it is refused rather than trusted.
    #[error("JWK carries private key material (d); refused")]
    PrivateJwk,
    /// The PEM text is not a supported public key.
    #[error("publicKeyPem is not an RSA or P-256 SubjectPublicKeyInfo / PKCS#1 key")]
    Pem,
    /// The RSA modulus is outside the accepted range.
    #[error("RSA key of {0} bits is outside the accepted {MIN_RSA_BITS}..={MAX_RSA_BITS} bits")]
    RsaSize(usize),
}

/// A signature algorithm, as named by JOSE (`alg`) or implied by a Data Integrity suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// Ed25519 (`EdDSA`, `Ed25519`; eddsa-rdfc-2022; Ed25519Signature2020).
    EdDsa,
    /// ECDSA over P-256 with SHA-256, fixed-size r‖s signature (`ES256`).
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`RS256`).
    Rs256,
}

impl Alg {
    /// Parses a JOSE `alg`; `Err` carries the reason an algorithm is refused
    /// (`none` and `HS*` are refused on purpose, everything else is unsupported).
    pub fn from_jose(alg: &str) -> Result<Alg, String> {
        match alg {
            "EdDSA" | "Ed25519" => Ok(Alg::EdDsa),
            "ES256" => Ok(Alg::Es256),
            "RS256" => Ok(Alg::Rs256),
            "none" | "None" | "NONE" => Err("alg \"none\" (unsigned) is never accepted".to_string()),
            a if a.starts_with("HS") => Err(format!("alg {a:?} (shared-secret MAC) is never accepted")),
            a => Err(format!("alg {a:?} is not supported (EdDSA, ES256, RS256)")),
        }
    }

    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Alg::EdDsa => "EdDSA",
            Alg::Es256 => "ES256",
            Alg::Rs256 => "RS256",
        }
    }
}

/// A public key of a supported type.
#[derive(Debug, Clone, PartialEq)]
pub enum PublicKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// ECDSA P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// RSA (boxed: the modulus is large), ready to verify RS256.
    Rsa(Box<rsa::pkcs1v15::VerifyingKey<sha2::Sha256>>),
}

impl PublicKey {
    /// Key type name for messages (`Ed25519`, `P-256`, `RSA`).
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P-256",
            PublicKey::Rsa(_) => "RSA",
        }
    }

    /// The algorithm this key verifies.
    pub fn alg(&self) -> Alg {
        match self {
            PublicKey::Ed25519(_) => Alg::EdDsa,
            PublicKey::P256(_) => Alg::Es256,
            PublicKey::Rsa(_) => Alg::Rs256,
        }
    }

    /// An RSA key (RS256 verifier).
    pub fn rsa(key: rsa::PublicKey) -> PublicKey {
        PublicKey::Rsa(Box::new(rsa::pkcs1v15::VerifyingKey::new(key)))
    }

    /// An Ed25519 key from its 32 raw bytes.
    pub fn ed25519(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Invalid {
            kind: "Ed25519",
            detail: format!("{} bytes, expected 32", bytes.len()),
        })?;
        ed25519_dalek::VerifyingKey::from_bytes(&arr)
            .map(PublicKey::Ed25519)
            .map_err(|e| KeyError::Invalid { kind: "Ed25519", detail: e.to_string() })
    }

    /// A P-256 key from a SEC1 point (compressed or uncompressed).
    pub fn p256_sec1(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey::P256)
            .map_err(|e| KeyError::Invalid { kind: "P-256", detail: e.to_string() })
    }

    /// An RSA key from big-endian modulus and exponent bytes.
    pub fn rsa_components(n: &[u8], e: &[u8]) -> Result<PublicKey, KeyError> {
        let n = strip_leading_zeros(n);
        let bits = match n.first() {
            Some(b) => n.len() * 8 - b.leading_zeros() as usize,
            None => 0,
        };
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError::RsaSize(bits));
        }
        let precision = u32::try_from(n.len() * 8).map_err(|_| KeyError::RsaSize(bits))?;
        let invalid = |detail: String| KeyError::Invalid { kind: "RSA", detail };
        let n = rsa::BoxedUint::from_be_slice(n, precision).map_err(|e| invalid(format!("modulus: {e:?}")))?;
        let e = strip_leading_zeros(e);
        let e_precision = u32::try_from(e.len().max(1) * 8).map_err(|_| invalid("exponent too long".into()))?;
        let e = rsa::BoxedUint::from_be_slice(e, e_precision).map_err(|err| invalid(format!("exponent: {err:?}")))?;
        rsa::PublicKey::new(n, e).map(PublicKey::rsa).map_err(|err| invalid(err.to_string()))
    }

    /// Decodes a multibase multicodec key (`publicKeyMultibase`, the did:key identifier):
    /// `ed25519-pub` (0xed) or `p256-pub` (0x1200, compressed point).
    pub fn from_multikey(text: &str) -> Result<PublicKey, KeyError> {
        let bytes = multibase_decode(text)?;
        let (codec, rest) = read_varint(&bytes)
            .ok_or_else(|| KeyError::Encoding { what: "multicodec prefix".into(), encoding: "unsigned varint" })?;
        match codec {
            0xed => PublicKey::ed25519(rest),
            0x1200 => PublicKey::p256_sec1(rest),
            other => Err(KeyError::Multicodec(other)),
        }
    }

    /// The multibase (base58btc) multicodec form of an Ed25519 or P-256 key (`z6Mk…`, `zDn…`).
    pub fn to_multikey(&self) -> Option<String> {
        let mut bytes = match self {
            PublicKey::Ed25519(_) => vec![0xed, 0x01],
            PublicKey::P256(_) => vec![0x80, 0x24],
            PublicKey::Rsa(_) => return None,
        };
        match self {
            PublicKey::Ed25519(k) => bytes.extend_from_slice(k.as_bytes()),
            PublicKey::P256(k) => bytes.extend_from_slice(k.to_sec1_point(true).as_bytes()),
            PublicKey::Rsa(_) => return None,
        }
        Some(format!("z{}", bs58::encode(bytes).into_string()))
    }

    /// Decodes a JWK (public members only: a JWK with `d` is refused).
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, KeyError> {
        let field = |k: &str| jwk.get(k).and_then(Value::as_str);
        if jwk.get("d").is_some() {
            return Err(KeyError::PrivateJwk);
        }
        let b64 = |k: &str| -> Result<Vec<u8>, KeyError> {
            let text =
                field(k).ok_or_else(|| KeyError::Encoding { what: format!("JWK {k}"), encoding: "base64url" })?;
            b64url_decode(text).ok_or_else(|| KeyError::Encoding { what: format!("JWK {k}"), encoding: "base64url" })
        };
        match (field("kty"), field("crv")) {
            (Some("OKP"), Some("Ed25519")) => PublicKey::ed25519(&b64("x")?),
            (Some("EC"), Some("P-256")) => {
                let (x, y) = (b64("x")?, b64("y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err(KeyError::Invalid { kind: "P-256", detail: "x and y must be 32 bytes".into() });
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                PublicKey::p256_sec1(&point)
            }
            (Some("RSA"), _) => PublicKey::rsa_components(&b64("n")?, &b64("e")?),
            (kty, crv) => Err(KeyError::Jwk { kty: kty.map(str::to_string), crv: crv.map(str::to_string) }),
        }
    }

    /// Decodes a PEM public key: SPKI (`BEGIN PUBLIC KEY`, RSA or P-256) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        use p256::pkcs8::DecodePublicKey as _;
        use rsa::pkcs1::DecodeRsaPublicKey as _;
        let pem = pem.trim();
        if let Ok(k) = rsa::PublicKey::from_public_key_pem(pem).or_else(|_| rsa::PublicKey::from_pkcs1_pem(pem)) {
            check_rsa_size(&k)?;
            return Ok(PublicKey::rsa(k));
        }
        p256::ecdsa::VerifyingKey::from_public_key_pem(pem).map(PublicKey::P256).map_err(|_| KeyError::Pem)
    }

    /// Verifies `sig` over `msg` with this key under `alg`.
    ///
    /// # Errors
    /// A reason when the algorithm does not fit the key type, or the signature is malformed
    /// or does not verify.
    pub fn verify(&self, alg: Alg, msg: &[u8], sig: &[u8]) -> Result<(), String> {
        use p256::ecdsa::signature::Verifier as _;
        if alg != self.alg() {
            return Err(format!("algorithm {} does not fit a {} key", alg.as_str(), self.kind()));
        }
        match self {
            PublicKey::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| format!("Ed25519 signature is {} bytes, expected 64", sig.len()))?;
                k.verify_strict(msg, &sig).map_err(|_| "Ed25519 signature does not verify".to_string())
            }
            PublicKey::P256(k) => {
                let sig = p256::ecdsa::Signature::from_slice(sig)
                    .map_err(|_| format!("ES256 signature is {} bytes, expected 64 (r‖s)", sig.len()))?;
                k.verify(msg, &sig).map_err(|_| "ES256 signature does not verify".to_string())
            }
            PublicKey::Rsa(k) => {
                let sig =
                    rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| "RS256 signature is malformed".to_string())?;
                k.verify(msg, &sig).map_err(|_| "RS256 signature does not verify".to_string())
            }
        }
    }
}

fn check_rsa_size(k: &rsa::PublicKey) -> Result<(), KeyError> {
    use rsa::traits::PublicKeyParts as _;
    let bits = k.n().as_ref().bit_width() as usize;
    if (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) { Ok(()) } else { Err(KeyError::RsaSize(bits)) }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

/// Decodes base64url with or without padding.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok().or_else(|| URL_SAFE.decode(text).ok())
}

/// Decodes a multibase string: `z` (base58btc) or `u` (base64url, no padding).
pub fn multibase_decode(text: &str) -> Result<Vec<u8>, KeyError> {
    let mut chars = text.chars();
    match chars.next() {
        Some('z') => bs58::decode(chars.as_str())
            .into_vec()
            .map_err(|_| KeyError::Encoding { what: "multibase value".into(), encoding: "base58btc" }),
        Some('u') => URL_SAFE_NO_PAD
            .decode(chars.as_str())
            .map_err(|_| KeyError::Encoding { what: "multibase value".into(), encoding: "base64url (no padding)" }),
        Some(c) => Err(KeyError::Multibase(c.to_string())),
        None => Err(KeyError::Multibase(String::new())),
    }
}

/// The base58btc (Bitcoin) alphabet's value of each ASCII byte; 255: not in the alphabet.
const BASE58_VALUES: [u8; 128] = {
    let alphabet = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut table = [255u8; 128];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Decodes base58btc `text` that must encode exactly `N` bytes (`N` a multiple of 4), as
/// `bs58::decode(text).into_vec()` would give them; `None` for any other length or a character
/// outside the alphabet.
///
/// Signatures are decoded once per proof, so this works on 32-bit limbs (one multiply-add per
/// limb and character) instead of `bs58`'s byte-at-a-time loop.
pub fn base58btc_decode_exact<const N: usize>(text: &str) -> Option<[u8; N]> {
    if !N.is_multiple_of(4) {
        return None;
    }
    let leading_ones = text.bytes().take_while(|&b| b == b'1').count();
    if leading_ones > N {
        return None;
    }
    // Little-endian 32-bit limbs of the value; at most 16 limbs (64 bytes) on the stack. Up to
    // five characters are taken per pass: value = value * 58^k + (their k digits), with
    // 58^5 < 2^30 so that every step fits in a u64.
    let mut limbs = [0u32; 16];
    let limbs = limbs.get_mut(..N / 4)?;
    for chunk in text.as_bytes().chunks(5) {
        let mut scale = 1u64;
        let mut carry = 0u64;
        for &b in chunk {
            let digit = *BASE58_VALUES.get(usize::from(b))?;
            if digit == 255 {
                return None;
            }
            scale *= 58;
            carry = carry * 58 + u64::from(digit);
        }
        for limb in limbs.iter_mut() {
            let t = u64::from(*limb) * scale + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            return None;
        }
    }
    let mut out = [0u8; N];
    for (chunk, limb) in out.chunks_exact_mut(4).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    // bs58 writes one zero byte per leading `1` and then the value without leading zeros.
    let value_zeros = out.iter().take_while(|&&b| b == 0).count();
    (value_zeros == leading_ones).then_some(out)
}

/// Reads an unsigned LEB128 varint (at most 9 bytes) and returns it with the rest.
fn read_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(9) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_key_multikey_round_trip() {
        let text = "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q";
        let key = PublicKey::from_multikey(text).unwrap();
        assert_eq!(key.kind(), "Ed25519");
        assert_eq!(key.to_multikey().as_deref(), Some(text));
    }

    #[test]
    fn refused_algorithms() {
        assert!(Alg::from_jose("none").unwrap_err().contains("never accepted"));
        assert!(Alg::from_jose("HS256").unwrap_err().contains("never accepted"));
        assert!(Alg::from_jose("PS256").unwrap_err().contains("not supported"));
        assert_eq!(Alg::from_jose("ES256"), Ok(Alg::Es256));
    }

    #[test]
    fn rsa_components_are_bounded() {
        assert_eq!(PublicKey::rsa_components(&[], &[1, 0, 1]), Err(KeyError::RsaSize(0)));
        assert_eq!(PublicKey::rsa_components(&[0xff; 128], &[1, 0, 1]), Err(KeyError::RsaSize(1024)));
        assert!(PublicKey::from_jwk(&serde_json::json!({"kty": "RSA", "n": "AA", "e": "AQAB"})).is_err());
        assert_eq!(
            PublicKey::from_jwk(&serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"})),
            Err(KeyError::PrivateJwk)
        );
    }

    #[test]
    fn fixed_length_base58_decoding_agrees_with_bs58() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(58);
        let check = |text: &str| {
            let expected = bs58::decode(text).into_vec().ok().filter(|v| v.len() == 64);
            let got = base58btc_decode_exact::<64>(text).map(|a| a.to_vec());
            assert_eq!(got, expected, "{text:?}");
        };
        for i in 0..2_000 {
            let mut bytes = [0u8; 64];
            rng.fill(&mut bytes[..]);
            // Leading zero bytes become leading `1`s.
            for b in bytes.iter_mut().take(i % 4) {
                *b = 0;
            }
            let text = bs58::encode(bytes).into_string();
            check(&text);
            // Mutations: dropped, added and replaced characters, an extra leading `1`.
            check(&text[1..]);
            check(&format!("{text}2"));
            check(&format!("1{text}"));
            let mut chars: Vec<char> = text.chars().collect();
            let at = rng.random_range(0..chars.len());
            chars[at] = ['0', 'O', 'I', 'l', 'z', '1', '\u{e9}'][rng.random_range(0..7)];
            check(&chars.into_iter().collect::<String>());
        }
        for text in ["", "1", &"1".repeat(64), &"1".repeat(65), &"z".repeat(88), &"z".repeat(87)] {
            check(text);
        }
    }

    #[test]
    fn multibase_rejects_garbage() {
        assert!(matches!(multibase_decode("x123"), Err(KeyError::Multibase(_))));
        assert!(PublicKey::from_multikey("z0OIl").is_err());
        assert!(PublicKey::from_multikey("").is_err());
    }
}
