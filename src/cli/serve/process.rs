//! The standard `process_*` metrics of the exporter itself, with the names
//! every Prometheus client library uses (so the usual "exporter memory" and
//! "file descriptors" dashboards apply). On Linux they are read from
//! `/proc/self` at each `/metrics` request; elsewhere only the start time is
//! known. Values in `/proc` are in clock ticks of `USER_HZ`, which the kernel
//! fixes at 100 for user space.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

type FGauge = Gauge<f64, AtomicU64>;
type FCounter = Counter<f64, AtomicU64>;

/// Ticks per second in `/proc` times (`USER_HZ`).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const USER_HZ: f64 = 100.0;

pub struct Process {
    /// One reading at a time: two scrapes at once must not both add the
    /// same CPU time to the counter.
    reading: std::sync::Mutex<()>,
    cpu: FCounter,
    resident: FGauge,
    virtual_: FGauge,
    open_fds: FGauge,
    max_fds: FGauge,
    start: FGauge,
}

/// What one reading of `/proc/self` gives.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reading {
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<f64>,
    pub virtual_bytes: Option<f64>,
    pub open_fds: Option<f64>,
    pub max_fds: Option<f64>,
    pub start_seconds: Option<f64>,
}

impl Process {
    pub fn register(reg: &mut Registry) -> Process {
        let p = Process {
            reading: std::sync::Mutex::new(()),
            cpu: FCounter::default(),
            resident: FGauge::default(),
            virtual_: FGauge::default(),
            open_fds: FGauge::default(),
            max_fds: FGauge::default(),
            start: FGauge::default(),
        };
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        p.start.set(start);
        let r = read();
        if let Some(s) = r.start_seconds {
            p.start.set(s);
        }
        reg.register(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds",
            p.start.clone(),
        );
        if cfg!(target_os = "linux") {
            reg.register(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds",
                p.cpu.clone(),
            );
            for (name, help, gauge) in [
                (
                    "process_resident_memory_bytes",
                    "Resident memory size in bytes",
                    &p.resident,
                ),
                (
                    "process_virtual_memory_bytes",
                    "Virtual memory size in bytes",
                    &p.virtual_,
                ),
                (
                    "process_open_fds",
                    "Number of open file descriptors",
                    &p.open_fds,
                ),
                (
                    "process_max_fds",
                    "Maximum number of open file descriptors",
                    &p.max_fds,
                ),
            ] {
                reg.register(name, help, gauge.clone());
            }
        }
        p.apply(&r);
        p
    }

    /// Reads `/proc/self` afresh (before each `/metrics` answer).
    pub fn update(&self) {
        let _one = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        self.apply(&read());
    }

    fn apply(&self, r: &Reading) {
        if let Some(cpu) = r.cpu_seconds {
            let before = self.cpu.get();
            if cpu > before {
                self.cpu.inc_by(cpu - before);
            }
        }
        let set = |g: &FGauge, v: Option<f64>| {
            if let Some(v) = v {
                g.set(v);
            }
        };
        set(&self.resident, r.resident_bytes);
        set(&self.virtual_, r.virtual_bytes);
        set(&self.open_fds, r.open_fds);
        set(&self.max_fds, r.max_fds);
    }
}

#[cfg(target_os = "linux")]
fn read() -> Reading {
    let text = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let mut r = parse_stat(&text("/proc/self/stat"), boot_time(&text("/proc/stat")));
    r.resident_bytes = resident(&text("/proc/self/status"));
    r.open_fds = std::fs::read_dir("/proc/self/fd")
        .ok()
        .map(|d| d.count() as f64);
    r.max_fds = max_open_files(&text("/proc/self/limits"));
    r
}

#[cfg(not(target_os = "linux"))]
fn read() -> Reading {
    Reading::default()
}

/// `btime` of `/proc/stat`: the boot time, Unix seconds.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn boot_time(stat: &str) -> Option<f64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// CPU time, virtual size and start time from `/proc/self/stat` (the fields
/// after the command name, which may hold spaces and parentheses).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_stat(stat: &str, boot: Option<f64>) -> Reading {
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Reading::default();
    };
    // rest starts at field 3 (state): field n is rest[n - 3].
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |n: usize| f.get(n - 3).and_then(|v| v.parse::<f64>().ok());
    let cpu = num(14).zip(num(15)).map(|(u, s)| (u + s) / USER_HZ);
    Reading {
        cpu_seconds: cpu,
        virtual_bytes: num(23),
        start_seconds: boot.zip(num(22)).map(|(b, t)| b + t / USER_HZ),
        ..Reading::default()
    }
}

/// `VmRSS` of `/proc/self/status`, in bytes.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn resident(status: &str) -> Option<f64> {
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kb: f64 = kb.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024.0)
}

/// The soft limit of "Max open files" in `/proc/self/limits`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn max_open_files(limits: &str) -> Option<f64> {
    let rest = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))?;
    rest.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The fields of /proc/self/stat after a command name with spaces and ")".
    #[test]
    fn parses_proc_stat() {
        let stat = "1234 (sips (c) ope) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 5000 123456789 2000 18446744073709551615";
        let r = parse_stat(stat, Some(1_700_000_000.0));
        assert_eq!(r.cpu_seconds, Some(3.0));
        assert_eq!(r.virtual_bytes, Some(123_456_789.0));
        assert_eq!(r.start_seconds, Some(1_700_000_050.0));
        assert_eq!(parse_stat("garbage", None), Reading::default());
        assert_eq!(boot_time("cpu 1 2\nbtime 1700000000\n"), Some(1.7e9));
    }

    #[test]
    fn parses_status_and_limits() {
        assert_eq!(
            resident("Name:\tsipscope\nVmRSS:\t   2048 kB\n"),
            Some(2_097_152.0)
        );
        let limits = "Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n";
        assert_eq!(max_open_files(limits), Some(20000.0));
        assert_eq!(resident(""), None);
    }

    // On Linux the registry carries the process metrics with live values.
    #[cfg(target_os = "linux")]
    #[test]
    fn reads_this_process() {
        let mut reg = Registry::default();
        let p = Process::register(&mut reg);
        p.update();
        let text = super::super::metrics::classic(&super::super::metrics::render(&reg));
        assert!(
            text.contains("# TYPE process_cpu_seconds_total counter"),
            "{text}"
        );
        let rss = text
            .lines()
            .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
        assert!(rss > 1_000_000.0, "{text}");
        assert!(text.contains("process_open_fds "), "{text}");
    }
}
