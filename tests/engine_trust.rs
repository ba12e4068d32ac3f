//! Issue 17: an engine loads the trust store once, however many checks it
//! runs (alone in its test binary, so the process-wide count is this test's).

use futures::StreamExt;
use sipscope::engine::{CheckRequest, Engine};
use sipscope::lab::{Lab, LabOptions, builtin_scenarios};
use sipscope::probe::Trust;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trust_store_is_loaded_once_per_engine() {
    let scenarios = builtin_scenarios()
        .unwrap()
        .into_iter()
        .filter(|s| s.name() == "healthy")
        .collect();
    let lab = Lab::start(scenarios, LabOptions::default()).await.unwrap();
    let mut settings = lab.engine_settings().unwrap();
    settings.authoritative = true;
    let before = Trust::loads();
    let engine = tokio::task::spawn_blocking(move || Engine::new(settings).unwrap())
        .await
        .unwrap();
    assert_eq!(Trust::loads(), before + 1);
    let request = CheckRequest::parse("alice@healthy.test").unwrap();
    for _ in 0..3 {
        let result = engine.check(&request, None).await;
        assert!(result.signin_ok());
    }
    let many = engine
        .check_many((0..5).map(|_| request.clone()), 2)
        .count()
        .await;
    assert_eq!(many, 5);
    // Eight checks (and their authoritative lookups), one load.
    assert_eq!(Trust::loads(), before + 1);
    lab.shutdown().await;
}
