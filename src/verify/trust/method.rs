//! Keys pinned in the trust store: verification methods / OB 2.0 CryptographicKeys and JWKS
//! keys, each decoded on first use and then shared by every credential that names it.

use std::sync::OnceLock;

use serde_json::Value;

use crate::verify::keys::{KeyError, PublicKey};

/// A verification method (public key description) found in the store.
#[derive(Debug, Clone)]
pub struct Method {
    /// The method object (`publicKeyMultibase` / `publicKeyJwk` / `publicKeyBase58` / `publicKeyPem`).
    pub doc: Value,
    /// Its `controller` (or OB 2.0 `owner`), resolved to an absolute id.
    pub controller: Option<String>,
    /// The file it came from.
    pub file: String,
    /// The decoded key, computed on first use.
    key: OnceLock<Result<PublicKey, String>>,
}

impl Method {
    /// A method read from `file`, its key not yet decoded.
    pub fn new(doc: Value, controller: Option<String>, file: String) -> Method {
        Method { doc, controller, file, key: OnceLock::new() }
    }

    /// The decoded key (computed on first use, then cached; `id` is the method id the first
    /// caller looked it up by, named in the error).
    ///
    /// # Errors
    /// Why the key material cannot be read (no supported field, bad encoding, bad key).
    pub fn public_key(&self, id: &str) -> Result<PublicKey, String> {
        self.key.get_or_init(|| self.decode(id)).clone()
    }

    fn decode(&self, id: &str) -> Result<PublicKey, String> {
        let d = &self.doc;
        let invalid = |e: KeyError| format!("key {id} ({}): {e}", self.file);
        let key = if let Some(mb) = d.get("publicKeyMultibase").and_then(Value::as_str) {
            PublicKey::from_multikey(mb).map_err(invalid)?
        } else if let Some(jwk) = d.get("publicKeyJwk") {
            PublicKey::from_jwk(jwk).map_err(invalid)?
        } else if let Some(b58) = d.get("publicKeyBase58").and_then(Value::as_str) {
            let bytes = bs58::decode(b58).into_vec().map_err(|_| format!("key {id}: publicKeyBase58 is not base58"))?;
            PublicKey::ed25519(&bytes).map_err(invalid)?
        } else if let Some(pem) = d.get("publicKeyPem").and_then(Value::as_str) {
            PublicKey::from_pem(pem).map_err(invalid)?
        } else {
            return Err(format!(
                "key {id} ({}) has no publicKeyMultibase / publicKeyJwk / publicKeyBase58 / publicKeyPem",
                self.file
            ));
        };
        Ok(key)
    }
}

/// A JWKS key with the file it came from.
#[derive(Debug, Clone)]
pub struct JwkEntry {
    /// The JWK.
    pub jwk: Value,
    /// Path of the JWKS file relative to the trust folder.
    pub file: String,
    /// The decoded key, computed on first use.
    key: OnceLock<Result<PublicKey, String>>,
}

impl JwkEntry {
    /// A JWKS key read from `file`, not yet decoded.
    pub fn new(jwk: Value, file: String) -> JwkEntry {
        JwkEntry { jwk, file, key: OnceLock::new() }
    }

    /// The decoded key (computed on first use, then cached; `kid` is named in the error).
    ///
    /// # Errors
    /// Why the JWK is not a usable key.
    pub fn public_key(&self, kid: &str) -> Result<PublicKey, String> {
        self.key
            .get_or_init(|| PublicKey::from_jwk(&self.jwk).map_err(|e| format!("JWKS key {kid} in {}: {e}", self.file)))
            .clone()
    }
}
