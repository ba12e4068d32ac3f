//! The in-process lab with a chosen set of built-in scenarios.

use sipscope::lab::{self, Lab, LabOptions};

/// A lab serving the built-in scenarios `names`.
pub async fn lab_with(names: &[&str]) -> Lab {
    lab_with_opts(names, LabOptions::default()).await
}

/// [`lab_with`], started with `opts`.
pub async fn lab_with_opts(names: &[&str], opts: LabOptions) -> Lab {
    let scenarios = names
        .iter()
        .map(|n| lab::scenario(n).unwrap_or_else(|| panic!("no scenario {n}")))
        .collect();
    Lab::start(scenarios, opts).await.expect("lab starts")
}
