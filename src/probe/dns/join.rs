//! D19: an identical question already in flight is joined, not asked again.
//!
//! Checks of one domain at the same moment (an audit of its users, two
//! Prometheus servers probing one target) ask the same names. The resolver
//! library already sends such a question once; here it also takes one slot
//! of the in-flight bound instead of one per check, so those checks do not
//! queue behind slots their questions would never use. Nothing is kept: a
//! question leaves the table as its answer arrives (the next one goes out
//! afresh, D11), and a question nobody waits for any more is dropped with
//! its slot (the table holds it weakly).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt, WeakShared};
use hickory_resolver::proto::rr::{Name, Record, RecordType};

use super::DnsFailure;

/// The answer and the additional section, or why there is none.
pub(super) type Answer = Result<(Vec<Record>, Vec<Record>), DnsFailure>;
type Question = BoxFuture<'static, Answer>;
/// Name, type and the time bound: only callers with the same bound join.
type Key = (Name, RecordType, Duration);

/// Above this many entries, those nobody waits for are swept out.
const SWEEP_ABOVE: usize = 1024;

/// The questions in flight of one resolver handle and its clones.
#[derive(Clone, Default)]
pub(super) struct Joints {
    table: Arc<Mutex<HashMap<Key, WeakShared<Question>>>>,
}

impl Joints {
    /// The answer to `name`/`rtype` within `limit`: joins that question
    /// if it is in flight, else sends it with `send` for others to join.
    pub(super) async fn ask(
        &self,
        name: Name,
        rtype: RecordType,
        limit: Duration,
        send: impl FnOnce() -> Question,
    ) -> Answer {
        let key = (name, rtype, limit);
        let joint = {
            let mut table = self.lock();
            match table.get(&key).and_then(WeakShared::upgrade) {
                Some(joint) => joint,
                None => {
                    if table.len() >= SWEEP_ABOVE {
                        table.retain(|_, weak| weak.upgrade().is_some());
                    }
                    let joint = send().shared();
                    if let Some(weak) = joint.downgrade() {
                        table.insert(key.clone(), weak);
                    }
                    joint
                }
            }
        };
        let answer = joint.clone().await;
        // Answered: the next asker sends the question again.
        let mut table = self.lock();
        if table
            .get(&key)
            .and_then(WeakShared::upgrade)
            .is_some_and(|j| j.ptr_eq(&joint))
        {
            table.remove(&key);
        }
        answer
    }

    /// Questions somebody still waits for (tests).
    pub(super) fn len(&self) -> usize {
        let table = self.lock();
        table.values().filter(|w| w.upgrade().is_some()).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, WeakShared<Question>>> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }
}
