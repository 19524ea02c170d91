//! The integration tests, as one test binary with a module per area (one binary links far
//! faster than one per file). Shared helpers: `common` (reference material), `support` (merge
//! helpers), `tui_common` (the wizard's test data).

mod common;
mod support;
mod tui_common;

mod architecture;
mod authelia_rules;
mod authentik;
mod authentik_cli;
mod catalog;
mod catalog_golden;
mod check_rules;
mod cli;
mod config_cli;
mod config_sources;
mod config_write;
mod false_refusals;
mod front_ends;
mod init;
mod manage;
mod manage_edit;
mod merge_cases;
mod merge_corpus;
mod merge_props;
mod merge_trust;
mod probe;
mod providers;
mod secrets;
mod seeds;
mod session_templates;
mod ship;
mod small_fixes;
mod splice_truth;
mod tui_e2e;
mod tui_redraw;
mod tui_selection;
mod tui_snapshots;
mod tui_update;
mod user_attributes;
mod write_faults;
