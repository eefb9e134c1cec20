//! Fetching one trust document over HTTPS, under hard limits (see `docs/DECISIONS.md` for the
//! choice of `ureq`):
//!
//! * `https` only. Plain `http` is refused, except to a loopback host when
//!   [`FetchLimits::allow_insecure_loopback`] is set (for tests with a local server).
//! * Every address a host name resolves to must be public: loopback, private (RFC 1918, unique
//!   local), link-local, CGNAT, documentation, multicast and unspecified addresses are refused
//!   (loopback only is allowed with the test flag). The check runs in the resolver ureq connects
//!   with, so a name cannot resolve to a public address for the check and a private one for the
//!   connection. No proxy from the environment is used.
//! * Redirects are followed by hand, at most [`FetchLimits::max_redirects`], and only to the same
//!   scheme and host; a redirect to another host is an error.
//! * A body larger than [`FetchLimits::max_bytes`] is an error (reading stops at the limit), and
//!   the whole exchange must finish within [`FetchLimits::timeout`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
    /// Time for the whole exchange (resolving, connecting, headers and body, redirects).
    pub timeout: Duration,
    /// Most same-host redirects followed.
    pub max_redirects: u32,
    /// Allow plain `http` and loopback addresses (tests with a local server only).
    pub allow_insecure_loopback: bool,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            max_bytes: crate::verify::trust::MAX_TRUST_FILE_BYTES,
            timeout: Duration::from_secs(20),
            max_redirects: 3,
            allow_insecure_loopback: false,
        }
    }
}

/// What one URL gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// `200 OK` with its body.
    Body {
        /// The status (200).
        status: u16,
        /// The body bytes.
        body: Vec<u8>,
    },
    /// Any other answer, or no answer: the status when there was one, and why it is not usable.
    Failed {
        /// The HTTP status, when the server answered.
        status: Option<u16>,
        /// The reason, in words.
        error: String,
    },
}

/// An HTTP client for trust documents.
#[derive(Debug)]
pub struct Fetcher {
    agent: ureq::Agent,
    limits: FetchLimits,
}

/// A resolver that refuses hosts resolving to non-public addresses.
#[derive(Debug)]
struct PublicOnly {
    inner: DefaultResolver,
    allow_loopback: bool,
}

impl Resolver for PublicOnly {
    fn resolve(&self, uri: &Uri, config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        if let Some(bad) = addrs.iter().find(|a| !address_allowed(a.ip(), self.allow_loopback)) {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("host resolves to the non-public address {} (refused)", bad.ip()),
            )));
        }
        Ok(addrs)
    }
}

/// Whether an address may be contacted: public unicast only (loopback too when allowed).
pub fn address_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_allowed(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_allowed(v4, allow_loopback);
            }
            if v6.is_loopback() {
                return allow_loopback;
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64: may reach private IPv4
                || (s[0] == 0x2002) // 6to4: embeds an IPv4 address
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn v4_allowed(v4: Ipv4Addr, allow_loopback: bool) -> bool {
    if v4.is_loopback() {
        return allow_loopback;
    }
    let o = v4.octets();
    !(v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || o[0] == 0 // "this network"
        || o[0] >= 240 // reserved
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)) // IETF protocol assignments
}

/// Whether a URL host is a loopback name or literal.
fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a URL before any request: absolute, `https` (or loopback `http` under the test flag),
/// with a host and no user info.
///
/// # Errors
/// The reason the URL is refused.
pub fn check_url(url: &str, allow_insecure_loopback: bool) -> Result<Uri, String> {
    let uri: Uri = url.parse().map_err(|e| format!("not a valid URL: {e}"))?;
    let authority = uri.authority().ok_or("URL has no host")?;
    if authority.as_str().contains('@') {
        return Err("URL carries user info (user@host); refused".into());
    }
    let host = authority.host();
    if host.is_empty() {
        return Err("URL has no host".into());
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_insecure_loopback && is_loopback_host(host) => {}
        Some("http") => return Err("plain http is refused: trust documents are fetched over https only".into()),
        Some(other) => return Err(format!("scheme {other:?} is refused: trust documents are fetched over https only")),
        None => return Err("URL has no scheme".into()),
    }
    if let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>()
        && !address_allowed(ip, allow_insecure_loopback)
    {
        return Err(format!("URL names the non-public address {ip}; refused"));
    }
    Ok(uri)
}

impl Fetcher {
    /// A client with these limits.
    pub fn new(limits: FetchLimits) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .https_only(!limits.allow_insecure_loopback)
            .proxy(None)
            .timeout_global(Some(limits.timeout))
            .user_agent(concat!("skillmatch-trust-pull/", env!("CARGO_PKG_VERSION")))
            .build();
        let resolver = PublicOnly { inner: DefaultResolver::default(), allow_loopback: limits.allow_insecure_loopback };
        let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), resolver);
        Fetcher { agent, limits }
    }

    /// The limits in force.
    pub fn limits(&self) -> &FetchLimits {
        &self.limits
    }

    /// Fetches `url`: `200` with its body, or why not. Never panics, never follows a redirect to
    /// another host.
    pub fn get(&self, url: &str) -> Fetched {
        let failed = |status: Option<u16>, error: String| Fetched::Failed { status, error };
        let mut current = match check_url(url, self.limits.allow_insecure_loopback) {
            Ok(u) => u,
            Err(e) => return failed(None, e),
        };
        let mut hops = 0u32;
        loop {
            let mut response = match self
                .agent
                .get(current.to_string())
                .header("Accept", "application/ld+json, application/json, application/vc+jwt, application/jwt")
                .call()
            {
                Ok(r) => r,
                Err(ureq::Error::Timeout(t)) => {
                    return failed(None, format!("timed out after {:?} ({t})", self.limits.timeout));
                }
                Err(e) => return failed(None, format!("request failed: {e}")),
            };
            let status = response.status().as_u16();
            if response.status().is_redirection() {
                let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
                let Some(location) = location else {
                    return failed(Some(status), format!("redirect ({status}) without a Location header"));
                };
                hops += 1;
                if hops > self.limits.max_redirects {
                    return failed(Some(status), format!("more than {} redirects", self.limits.max_redirects));
                }
                current = match same_host_redirect(&current, &location, self.limits.allow_insecure_loopback) {
                    Ok(next) => next,
                    Err(e) => return failed(Some(status), e),
                };
                continue;
            }
            if status != 200 {
                let reason = match status {
                    404 => "404 Not Found".to_string(),
                    410 => "410 Gone".to_string(),
                    s => format!("HTTP status {s}"),
                };
                return failed(Some(status), reason);
            }
            let declared = response
                .headers()
                .get("content-length")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            if let Some(n) = declared
                && n > self.limits.max_bytes
            {
                return failed(
                    Some(status),
                    format!("document is {n} bytes, more than the {}-byte limit", self.limits.max_bytes),
                );
            }
            return match response.body_mut().with_config().limit(self.limits.max_bytes).read_to_vec() {
                Ok(body) => Fetched::Body { status, body },
                Err(ureq::Error::BodyExceedsLimit(_)) => failed(
                    Some(status),
                    format!("document is larger than the {}-byte limit (reading stopped there)", self.limits.max_bytes),
                ),
                Err(ureq::Error::Timeout(t)) => {
                    failed(Some(status), format!("timed out reading the body after {:?} ({t})", self.limits.timeout))
                }
                Err(e) => failed(Some(status), format!("reading the body failed: {e}")),
            };
        }
    }
}

/// The target of a redirect from `from` to `location`, when it stays on the same scheme and host.
fn same_host_redirect(from: &Uri, location: &str, allow_insecure_loopback: bool) -> Result<Uri, String> {
    let absolute = if location.starts_with('/') && !location.starts_with("//") {
        format!(
            "{}://{}{location}",
            from.scheme_str().unwrap_or("https"),
            from.authority().map(|a| a.as_str()).unwrap_or_default()
        )
    } else {
        location.to_string()
    };
    let next = check_url(&absolute, allow_insecure_loopback).map_err(|e| format!("redirect refused: {e}"))?;
    let same = next.scheme_str() == from.scheme_str()
        && next.authority().map(|a| a.as_str().to_ascii_lowercase())
            == from.authority().map(|a| a.as_str().to_ascii_lowercase());
    if !same {
        return Err(format!(
            "redirect to another host or scheme ({}) refused",
            next.authority().map(|a| a.as_str()).unwrap_or("?")
        ));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_allowed() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            assert!(!address_allowed(bad.parse().unwrap(), false), "{bad}");
        }
        for good in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(address_allowed(good.parse().unwrap(), false), "{good}");
        }
        assert!(address_allowed("127.0.0.1".parse().unwrap(), true));
        assert!(!address_allowed("10.0.0.1".parse().unwrap(), true), "the test flag allows loopback only");
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        assert!(check_url("https://issuer.example/profile", false).is_ok());
        assert!(check_url("http://issuer.example/profile", false).unwrap_err().contains("plain http"));
        assert!(check_url("http://127.0.0.1:8080/x", false).unwrap_err().contains("plain http"));
        assert!(check_url("http://127.0.0.1:8080/x", true).is_ok());
        assert!(check_url("http://issuer.example/x", true).unwrap_err().contains("plain http"));
        assert!(check_url("https://10.0.0.1/x", false).unwrap_err().contains("non-public"));
        assert!(check_url("https://[::1]/x", false).unwrap_err().contains("non-public"));
        assert!(check_url("ftp://issuer.example/x", false).unwrap_err().contains("https only"));
        assert!(check_url("https://user@issuer.example/x", false).unwrap_err().contains("user info"));
        assert!(check_url("/relative", false).is_err());
    }

    #[test]
    fn redirects_stay_on_the_same_host() {
        let from: Uri = "https://a.example/x".parse().unwrap();
        assert_eq!(same_host_redirect(&from, "/y", false).unwrap().to_string(), "https://a.example/y");
        assert!(same_host_redirect(&from, "https://a.example/z", false).is_ok());
        assert!(same_host_redirect(&from, "https://b.example/z", false).unwrap_err().contains("another host"));
        assert!(same_host_redirect(&from, "//b.example/z", false).is_err());
        assert!(same_host_redirect(&from, "http://a.example/z", false).is_err());
    }
}
