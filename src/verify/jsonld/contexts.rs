//! The JSON-LD contexts bundled with skillmatch (`datasets/jsonld-contexts/`, see its SOURCES.md),
//! embedded in the binary so verification needs neither the network nor the data folder.

/// Context URL → document bytes. The loader serves exactly these URLs (see [`super::load_context`]).
pub static CONTEXTS: &[(&str, &[u8])] = &[
    (
        "https://www.w3.org/2018/credentials/v1",
        include_bytes!("../../../datasets/jsonld-contexts/www.w3.org_2018_credentials_v1.json"),
    ),
    (
        "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html",
        include_bytes!(
            "../../../datasets/jsonld-contexts/imsglobal.github.io_openbadges-specification_ob_v3p0.html.json"
        ),
    ),
    (
        "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
        include_bytes!(
            "../../../datasets/jsonld-contexts/w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json.json"
        ),
    ),
    ("OBv3_beta", include_bytes!("../../../datasets/jsonld-contexts/OBv3_beta.json")),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_ob_v3p0_context.json.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json.json"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_bytes!("../../../datasets/jsonld-contexts/w3id.org_security_suites_ed25519-2020_v1.json"),
    ),
    (
        "https://www.w3.org/ns/credentials/v2",
        include_bytes!("../../../datasets/jsonld-contexts/www.w3.org_ns_credentials_v2.json"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_bytes!("../../../datasets/jsonld-contexts/w3id.org_security_data-integrity_v1.json"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_bytes!("../../../datasets/jsonld-contexts/w3id.org_security_data-integrity_v2.json"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_bytes!("../../../datasets/jsonld-contexts/w3id.org_security_multikey_v1.json"),
    ),
    (
        "https://www.w3.org/ns/credentials/status/v1",
        include_bytes!("../../../datasets/jsonld-contexts/www.w3.org_ns_credentials_status_v1.json"),
    ),
    ("https://www.w3.org/ns/did/v1", include_bytes!("../../../datasets/jsonld-contexts/www.w3.org_ns_did_v1.json")),
    ("https://w3id.org/openbadges/v2", include_bytes!("../../../datasets/jsonld-contexts/w3id.org_openbadges_v2.json")),
    (
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        include_bytes!("../../../datasets/jsonld-contexts/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json.json"),
    ),
];

/// The bundled document for a context URL.
pub fn get(url: &str) -> Option<&'static [u8]> {
    CONTEXTS.iter().find(|(u, _)| *u == url).map(|(_, b)| *b)
}
