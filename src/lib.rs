//! Caliber: a factory site's skill and qualification matrix on one small box.
//!
//! `domain` holds the plain types, `qualify` the pure qualification engine, `store` the redb
//! store, `service` the validated writes shared by the API and UI, `api` the JSON API, and
//! `cli` the command line.

pub mod api;
pub mod app;
pub mod archive;
pub mod backup;
pub mod cli;
pub mod domain;
pub mod http;
pub mod qualify;
pub mod seed;
pub mod service;
pub mod store;
pub mod web;
