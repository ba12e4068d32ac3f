//! D11 in the lab: a secondary server for every zone that keeps the zones
//! as they were when it started, so fixes reach the primary only.

use std::net::SocketAddr;

use super::{Lab, LabError, views};

impl Lab {
    /// The lagging secondary's address, once [`Lab::start_secondary`] ran or
    /// a scenario asked for it (`secondary = true`).
    pub fn secondary_addr(&self) -> Option<SocketAddr> {
        self.views.secondary_addr()
    }

    /// D11: starts a second server for every zone (`ns2.<zone>`), serving
    /// the zones as they are now: later fixes reach the primary only, so the
    /// secondary lags by serial — and, asked as a resolver, it is one that
    /// still holds the old answers. Returns its address. When a scenario
    /// started it with the lab, that one is returned (it names `ns2` in the
    /// zones of the scenarios that asked only).
    pub async fn start_secondary(&self) -> Result<SocketAddr, LabError> {
        if let Some(addr) = self.secondary_addr() {
            return Ok(addr);
        }
        let (server, addr) = views::lagging_copy(&self.zones, &self.control, None).await?;
        Ok(self.views.set_secondary(server, addr))
    }
}
