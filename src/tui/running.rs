//! The checks in flight, for the event loop: one engine per set of
//! settings, built before the loop starts and again only when the settings
//! change (another profile, the demo's lab, an opened snapshot), always off
//! the async threads; every sweep and authoritative lookup goes through it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::app::Msg;
use crate::config::Vantage;
use crate::engine::{CheckRequest, EVENT_BUFFER, Engine, EngineEvent, EngineSettings};
use crate::model::SweepReport;
use crate::sweep::SweepSettings;

/// The engine settings for one sweep's lanes (one per vantage, each with
/// its own resolvers). The comparison with the zone (D11) is asked for by
/// the App separately (`Effect::AskAuthority`), so the engine leaves it out.
pub fn engine_settings(lanes: &[SweepSettings]) -> Option<EngineSettings> {
    let first = lanes.first()?;
    let mut settings = EngineSettings::new(first.options.clone());
    if lanes.len() > 1 {
        settings.vantages = lanes
            .iter()
            .enumerate()
            .map(|(i, s)| Vantage {
                label: i.to_string(),
                resolvers: s.options.resolvers.clone(),
            })
            .collect();
    }
    Some(settings)
}

type Built = Arc<Mutex<Option<(String, Arc<Engine>)>>>;

/// The engine last built (kept while the settings stay the same) and the
/// engine each sweep runs on (for the App's authoritative questions).
pub struct Engines {
    built: Built,
    by_sweep: watch::Sender<Option<(u32, Arc<Engine>)>>,
}

impl Engines {
    /// `first`: an engine built before the loop, with its settings.
    pub fn new(first: Option<(EngineSettings, Engine)>) -> Engines {
        let built = first.map(|(s, e)| (key(&s), Arc::new(e)));
        Engines {
            built: Arc::new(Mutex::new(built)),
            by_sweep: watch::channel(None).0,
        }
    }

    /// Runs sweep `id` (one lane per vantage) on the engine for `lanes`.
    pub fn start(&self, id: u32, lanes: Vec<SweepSettings>) -> Running {
        let (tx, events) = mpsc::channel(EVENT_BUFFER);
        let built = self.built.clone();
        let by_sweep = self.by_sweep.clone();
        let task = tokio::spawn(async move {
            let settings = engine_settings(&lanes).ok_or("no lane to sweep")?;
            let request = CheckRequest::new(lanes[0].target.clone());
            let engine = engine_for(&built, settings).await?;
            by_sweep.send_replace(Some((id, engine.clone())));
            engine.check(&request, Some(tx)).await;
            Ok(())
        });
        Running { id, task, events }
    }

    /// D11 for lane `lane` of sweep `id`, on that sweep's engine; `None`
    /// when a newer sweep took over (the App would ignore the answer).
    pub fn ask_authority(
        &self,
        id: u32,
        lane: usize,
        report: SweepReport,
    ) -> impl Future<Output = Option<Msg>> + Send + 'static {
        let mut engines = self.by_sweep.subscribe();
        async move {
            let ready = async {
                let e = engines
                    .wait_for(|e| e.as_ref().is_some_and(|(s, _)| *s >= id))
                    .await
                    .ok()?;
                e.clone()
            };
            // The engine is built within seconds or the sweep failed (and said so).
            let engine = match tokio::time::timeout(Duration::from_secs(30), ready).await {
                Ok(Some((s, engine))) if s == id => Ok(engine),
                Ok(Some(_)) => return None,
                _ => Err("the authoritative check could not start".to_string()),
            };
            let result = match engine {
                Ok(engine) => engine.authority(&report, lane).await,
                Err(e) => Err(e),
            };
            Some(Msg::Authority { id, lane, result })
        }
    }
}

/// The engine for `settings`: the one built last when they are the same,
/// else a new one, built on a blocking thread.
async fn engine_for(built: &Built, settings: EngineSettings) -> Result<Arc<Engine>, String> {
    let wanted = key(&settings);
    if let Some((k, engine)) = lock(built).as_ref()
        && *k == wanted
    {
        return Ok(engine.clone());
    }
    let engine = tokio::task::spawn_blocking(move || Engine::new(settings))
        .await
        .map_err(|e| format!("the sweep could not start: {e}"))?
        .map_err(|e| e.to_string())?;
    let engine = Arc::new(engine);
    *lock(built) = Some((wanted, engine.clone()));
    Ok(engine)
}

fn lock(built: &Built) -> std::sync::MutexGuard<'_, Option<(String, Arc<Engine>)>> {
    built.lock().unwrap_or_else(|p| p.into_inner())
}

/// Settings compare by their full description (profile, resolvers, trust,
/// dial overrides, vantages).
fn key(settings: &EngineSettings) -> String {
    format!("{settings:?}")
}

/// The sweeps in flight (one per lane): their task and their event stream.
pub struct Running {
    pub id: u32,
    task: JoinHandle<Result<(), String>>,
    events: mpsc::Receiver<EngineEvent>,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Cancelling a sweep is aborting its task (r during a sweep, quit).
        self.task.abort();
    }
}

/// The next message of the sweeps in flight; `None` when they ended quietly.
pub async fn sweep_msg(sweep: &mut Option<Running>) -> Option<Msg> {
    let Some(run) = sweep.as_mut() else {
        return std::future::pending().await;
    };
    let id = run.id;
    match run.events.recv().await {
        Some(EngineEvent::Sweep { vantage, event }) => {
            return Some(Msg::Sweep {
                id,
                lane: vantage,
                event,
            });
        }
        Some(EngineEvent::Authority { vantage, result }) => {
            return Some(Msg::Authority {
                id,
                lane: vantage,
                result,
            });
        }
        None => {}
    }
    // The channel closed: the task is over; ask how it ended.
    let ended = (&mut run.task).await;
    *sweep = None;
    match ended {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(Msg::SweepFailed { id, error }),
        Err(e) if e.is_cancelled() => None,
        Err(e) => Some(Msg::SweepFailed {
            id,
            error: format!("the sweep stopped unexpectedly: {e}"),
        }),
    }
}
