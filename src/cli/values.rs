//! Values the shells can complete: the profile names after `--profile` and
//! the demo's scenario names. The parser offers the names (clap_complete
//! reads them through `possible_values`) but accepts any text, so the
//! library keeps naming an unknown profile or scenario in its own sentence
//! (`unknown profile …`, `unknown scenario …`) with the list to choose from.

use std::ffi::OsStr;
use std::sync::OnceLock;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;

/// Any UTF-8 text, with `names` offered to completion (and, unless the
/// argument hides them, listed in `--help`).
#[derive(Clone, Debug)]
pub struct Offered(&'static [String]);

impl TypedValueParser for Offered {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        value
            .to_str()
            .map(str::to_string)
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidUtf8).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|n| PossibleValue::new(n.as_str())),
        ))
    }
}

/// The built-in profiles' names (`sipscope profiles`).
pub fn profiles() -> Offered {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    Offered(NAMES.get_or_init(|| {
        crate::plan::profile_names()
            .into_iter()
            .map(str::to_string)
            .collect()
    }))
}

/// The demo's scenario names (`sipscope demo --list`).
pub fn scenarios() -> Offered {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    // A build without the lab (issue 17.7) has no scenarios to offer.
    #[cfg(feature = "lab")]
    let names = || {
        crate::lab::demo_scenarios()
            .map(|all| all.iter().map(|s| s.name().to_string()).collect())
            .unwrap_or_default()
    };
    #[cfg(not(feature = "lab"))]
    let names = Vec::new;
    Offered(NAMES.get_or_init(names))
}
