# syntax=docker/dockerfile:1
# Container image of skillmatch: the release binary, the bundled taxonomies (ESCO v1.2.0, O*NET
# 29.2, the Nesta crosswalk) and the demo data set, run as a non-root user.
#
#   docker build -t skillmatch:0.1.0 .
#   mkdir -p out && docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/out:/data" \
#     skillmatch:0.1.0 run --out /data                              # the bundled demo job
#
# The binary finds its bundled files (`datasets/...`) relative to the working directory first,
# then relative to the folder it was built in (CARGO_MANIFEST_DIR). It is built in
# /opt/skillmatch and the runtime stage puts `datasets/` back in /opt/skillmatch, so the bundled
# ESCO and the demo are found from any working directory. See deploy/README.md.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder
WORKDIR /opt/skillmatch
# Only what the build reads (.dockerignore keeps the rest out of the context): the manifest and
# lock file, the templates' config, the sources, the benches the manifest declares, and the
# JSON-LD contexts compiled into the binary.
COPY Cargo.toml Cargo.lock askama.toml ./
COPY src ./src
COPY benches ./benches
COPY datasets/jsonld-contexts ./datasets/jsonld-contexts
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/opt/skillmatch/target \
    cargo build --release --locked --bin skillmatch \
    && install -D -m 0755 target/release/skillmatch /out/skillmatch

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# The binary links only glibc and libgcc_s (TLS for `trust pull` is rustls with bundled roots,
# `export postgres` has no TLS), so the slim image needs no extra package.
RUN groupadd --system --gid 10001 skillmatch \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin skillmatch \
    && install -d -o 10001 -g 10001 -m 0750 /data
COPY --from=builder /out/skillmatch /usr/local/bin/skillmatch
# Same path as the build folder: `bundled(...)` and the config default for `[taxonomy] esco_dir`
# fall back to <build folder>/datasets/...
COPY datasets/README.md /opt/skillmatch/datasets/README.md
COPY datasets/taxonomy /opt/skillmatch/datasets/taxonomy
COPY datasets/demo /opt/skillmatch/datasets/demo
COPY datasets/trust /opt/skillmatch/datasets/trust
COPY README.md /opt/skillmatch/README.md
# Inputs and outputs live on a mounted volume (a PersistentVolumeClaim, EFS, a cluster file
# system); the user can write only there (and /tmp).
WORKDIR /data
USER 10001:10001
ENTRYPOINT ["skillmatch"]
CMD ["--help"]
