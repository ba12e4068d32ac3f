//! Many targets, bounded (D19): a lazy iterator of requests in, results out
//! as they finish (or in input order), with at most `limit` checks in
//! flight. Nothing is spawned and nothing is collected first: the iterator
//! is pulled only when a slot is free, so 10,000 targets cost the memory of
//! `limit` checks. The resolvers' load is bounded inside their handles too
//! ([`crate::probe::dns::MAX_IN_FLIGHT`]).

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{Stream, StreamExt};

use super::{CheckRequest, CheckResult, Engine};

/// A result with the position of its request in the input (from 0).
pub type Positioned = (usize, CheckResult);

/// Checks in flight now, and the most there ever were.
#[derive(Debug, Default)]
pub(super) struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// Counts one check while it lives.
pub(super) struct Entered<'a>(&'a InFlight);

impl InFlight {
    pub(super) fn enter(&self) -> Entered<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Entered(self)
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Engine {
    /// Checks every request of `requests` (pulled lazily), at most `limit`
    /// (at least 1) at once, and yields `(input position, result)` as each
    /// finishes. Each result is exactly what [`Engine::check`] gives for
    /// that request alone (D19: no answer shared between targets). Drop the
    /// stream to stop: checks in flight are dropped with it.
    pub fn check_many<'a, I>(
        &'a self,
        requests: I,
        limit: usize,
    ) -> impl Stream<Item = Positioned> + Send + 'a
    where
        I: IntoIterator<Item = CheckRequest>,
        I::IntoIter: Send + 'a,
    {
        self.positioned(requests).buffer_unordered(limit.max(1))
    }

    /// [`Engine::check_many`] in input order: a finished result waits for
    /// the ones before it, in a reorder buffer of at most `limit` results
    /// (a slow target holds the output back, not the memory).
    pub fn check_many_ordered<'a, I>(
        &'a self,
        requests: I,
        limit: usize,
    ) -> impl Stream<Item = Positioned> + Send + 'a
    where
        I: IntoIterator<Item = CheckRequest>,
        I::IntoIter: Send + 'a,
    {
        self.positioned(requests).buffered(limit.max(1))
    }

    /// One lazy check per request, with its input position: nothing runs
    /// until the caller's buffer pulls it.
    fn positioned<'a, I>(
        &'a self,
        requests: I,
    ) -> impl Stream<Item = impl Future<Output = Positioned> + Send + 'a> + Send + 'a
    where
        I: IntoIterator<Item = CheckRequest>,
        I::IntoIter: Send + 'a,
    {
        futures::stream::iter(requests.into_iter().enumerate())
            .map(move |(i, request)| async move { (i, self.check(&request, None).await) })
    }

    /// Checks running now, through any entry point.
    pub fn checks_in_flight(&self) -> usize {
        self.counter.now.load(Ordering::SeqCst)
    }

    /// The most checks that ever ran at once on this engine.
    pub fn peak_checks_in_flight(&self) -> usize {
        self.counter.peak.load(Ordering::SeqCst)
    }
}
