//! Several sweeps at once, each under a key (domain × vantage, say), with a
//! bound on how many run together. Their events arrive on one stream as
//! `(key, event)`; a sweep that cannot start reports why under its key.

use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::{Sweep, SweepEvent};

/// One event of one of several sweeps.
#[derive(Debug)]
pub enum KeyedEvent<K> {
    Event(K, SweepEvent),
    /// The sweep under this key could not start (its settings were refused).
    Failed(K, String),
}

/// Prepares one sweep per settings (fresh resolver and trust store, D11),
/// keyed by position; a sweep whose settings are refused carries why.
/// Blocking (system resolver configuration, CA files): call it off the
/// async threads.
pub fn prepare_each(settings: Vec<super::SweepSettings>) -> Vec<(usize, Result<Sweep, String>)> {
    settings
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i, Sweep::prepare(s).map_err(|e| e.to_string())))
        .collect()
}

/// Runs every `(key, sweep)` with at most `limit` in flight (at least one),
/// streaming their events as they happen. The stream ends when every sweep
/// has finished; dropping the receiver does not stop them, dropping the
/// returned [`JoinSet`] does.
pub fn run_many<K>(
    sweeps: Vec<(K, Result<Sweep, String>)>,
    limit: usize,
) -> (JoinSet<()>, mpsc::UnboundedReceiver<KeyedEvent<K>>)
where
    K: Clone + Send + Sync + 'static,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(limit.max(1)));
    let mut set = JoinSet::new();
    for (key, sweep) in sweeps {
        let tx = tx.clone();
        let gate = gate.clone();
        set.spawn(async move {
            let sweep = match sweep {
                Ok(s) => s,
                Err(e) => {
                    let _ = tx.send(KeyedEvent::Failed(key, e));
                    return;
                }
            };
            // The semaphore is never closed, so acquiring only waits.
            let Ok(_permit) = gate.acquire().await else {
                return;
            };
            let (inner_tx, mut inner_rx) = mpsc::channel(super::EVENT_BUFFER);
            let run = sweep.run(Some(inner_tx));
            let forward = async {
                while let Some(event) = inner_rx.recv().await {
                    let _ = tx.send(KeyedEvent::Event(key.clone(), event));
                }
            };
            futures::join!(run, forward);
        });
    }
    (set, rx)
}
