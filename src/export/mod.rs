//! Export: a finished run folder loaded into systems that dashboards read
//! (`skillmatch export postgres`).
//!
//! Reads the run folder through [`crate::report::schema`] (file names, manifest, Parquet) and
//! writes nothing back into it. Each target is a module of its own: [`postgres`].

pub mod postgres;
