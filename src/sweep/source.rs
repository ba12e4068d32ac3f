//! Where a sweep's DNS answers come from. A sweep is handed a source; today
//! that is a resolver pool (the system's or named servers), and the seam
//! lets a direct authoritative server (D11) or a recorded answer set stand in.

use std::sync::Arc;

use async_trait::async_trait;

use crate::probe::{AddrAnswer, Dns, DnsFailure, SrvAnswer};

/// Answers the two questions a sweep asks.
#[async_trait]
pub trait DnsSource: Send + Sync {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure>;
    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure>;
    /// Who is asked, for the log ("127.0.0.1:53", "the system resolver").
    fn label(&self) -> String;
    /// The servers asked, as `IP:PORT`, for reports.
    fn servers(&self) -> Vec<String>;
}

#[async_trait]
impl DnsSource for Dns {
    async fn srv(&self, name: &str) -> Result<SrvAnswer, DnsFailure> {
        Dns::srv(self, name).await
    }

    async fn addresses(&self, name: &str) -> Result<AddrAnswer, DnsFailure> {
        Dns::addresses(self, name).await
    }

    fn label(&self) -> String {
        Dns::label(self).to_string()
    }

    fn servers(&self) -> Vec<String> {
        Dns::servers(self).to_vec()
    }
}

/// A shared source.
pub type SharedSource = Arc<dyn DnsSource>;
