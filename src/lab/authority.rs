//! D11 in the lab: a secondary server for every zone that keeps the zones
//! as they were when it started, so fixes reach the primary only.

use std::net::SocketAddr;

use super::{Lab, LabError, dns};

impl Lab {
    /// The lagging secondary's address, once [`Lab::start_secondary`] ran.
    pub fn secondary_addr(&self) -> Option<SocketAddr> {
        let guard = self.secondary.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|(_, addr)| *addr)
    }

    /// D11: starts a second server for every zone (`ns2.<zone>`), serving
    /// the zones as they are now: later fixes reach the primary only, so the
    /// secondary lags by serial — and, asked as a resolver, it is one that
    /// still holds the old answers. Returns its address.
    pub async fn start_secondary(&self) -> Result<SocketAddr, LabError> {
        if let Some(addr) = self.secondary_addr() {
            return Ok(addr);
        }
        self.zones.add_secondary(dns::SECONDARY_NS_IP).await?;
        let copy = self.zones.snapshot().await;
        let (server, addr) = copy.serve(self.control.clone()).await?;
        *self.secondary.lock().unwrap_or_else(|e| e.into_inner()) = Some((server, addr));
        Ok(addr)
    }
}
