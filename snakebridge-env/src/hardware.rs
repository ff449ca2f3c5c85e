//! The hardware probe: platform, accelerator, CUDA/ROCm version, GPUs and CPU features,
//! read from the system's own files and tools (`/proc/cpuinfo`, `nvidia-smi`,
//! `/proc/driver/nvidia`, `nvcc`, `/usr/local/cuda/version.json`, `/opt/rocm/.info/version`,
//! `rocm-smi`, the KFD topology, `sysctl`). No Python, no GPU library, and no failure: what
//! cannot be read is left out and said in [`HardwareInfo::notes`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::sources::{SystemSources, SystemView};

/// Operating system and CPU architecture, as Rust names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// `linux`, `macos`, `windows`.
    pub os: String,
    /// `x86_64`, `aarch64`.
    pub arch: String,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.os, self.arch)
    }
}

/// The kind of accelerator the machine offers to PyTorch-style libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Accelerator {
    /// An NVIDIA GPU with a working driver.
    Cuda,
    /// An AMD GPU with ROCm.
    Rocm,
    /// Apple silicon (Metal Performance Shaders).
    Mps,
    /// No accelerator.
    Cpu,
}

impl Accelerator {
    /// The lower-case name (`cuda`).
    pub fn as_str(self) -> &'static str {
        match self {
            Accelerator::Cuda => "cuda",
            Accelerator::Rocm => "rocm",
            Accelerator::Mps => "mps",
            Accelerator::Cpu => "cpu",
        }
    }
}

impl fmt::Display for Accelerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One GPU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gpu {
    /// The product name (`NVIDIA H100 80GB HBM3`).
    pub name: String,
    /// Total memory in MiB, when the tool reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mib: Option<u64>,
    /// CUDA compute capability (`9.0`) or AMD `gfx` target, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_capability: Option<String>,
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HardwareInfo {
    /// OS and architecture.
    pub platform: Platform,
    /// The accelerator PyTorch-style wheels should target.
    pub accelerator: Accelerator,
    /// The CUDA version the driver supports (`12.4`), or the toolkit's when there is no
    /// `nvidia-smi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuda_version: Option<String>,
    /// The GPU driver version, when one is installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_version: Option<String>,
    /// The ROCm version (`6.0.2`), when ROCm is installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rocm_version: Option<String>,
    /// How many GPUs were found.
    pub gpu_count: u32,
    /// The GPUs, in device order.
    #[serde(default)]
    pub gpus: Vec<Gpu>,
    /// SIMD/matrix CPU features relevant to wheels (`avx`, `avx2`, `avx512f`, `neon`…), sorted.
    pub cpu_features: Vec<String>,
    /// What could not be read and why (a failing `nvidia-smi`, for one). Not recorded in locks.
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl HardwareInfo {
    /// Probes this machine. Never fails; a machine without GPUs reports [`Accelerator::Cpu`].
    pub fn probe() -> HardwareInfo {
        Self::probe_with(&SystemSources::default())
    }

    /// Probes through `view`: the system, or recorded outputs of its tools.
    pub fn probe_with(view: &dyn SystemView) -> HardwareInfo {
        let platform = Platform { os: view.os(), arch: view.arch() };
        let mut info = HardwareInfo {
            cpu_features: cpu_features(view, &platform),
            platform,
            accelerator: Accelerator::Cpu,
            cuda_version: None,
            driver_version: None,
            rocm_version: None,
            gpu_count: 0,
            gpus: Vec::new(),
            notes: Vec::new(),
        };
        if probe_nvidia(view, &mut info) {
            info.accelerator = Accelerator::Cuda;
        } else if probe_rocm(view, &mut info) {
            info.accelerator = Accelerator::Rocm;
        } else if info.platform.os == "macos" && info.platform.arch == "aarch64" {
            info.accelerator = Accelerator::Mps;
            info.gpu_count = 1;
            info.gpus.push(Gpu { name: "Apple silicon GPU".into(), memory_mib: None, compute_capability: None });
        }
        info.gpu_count = info.gpus.len() as u32;
        info
    }

    /// The highest CUDA compute capability among the GPUs (`9.0`), if known.
    pub fn max_compute_capability(&self) -> Option<String> {
        self.gpus
            .iter()
            .filter_map(|g| g.compute_capability.as_deref())
            .filter_map(|c| parse_capability(c).map(|n| (n, c)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, c)| c.to_string())
    }
}

/// `"8.6"` → `Some((8, 6))`.
pub(crate) fn parse_capability(c: &str) -> Option<(u32, u32)> {
    let (a, b) = c.trim().split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Flags worth recording: what decides which wheels and kernels a CPU can run.
fn is_relevant_flag(flag: &str) -> bool {
    flag.starts_with("avx")
        || flag.starts_with("amx")
        || matches!(
            flag,
            "sse4_1"
                | "sse4_2"
                | "fma"
                | "f16c"
                | "neon"
                | "asimd"
                | "asimdhp"
                | "asimddp"
                | "sve"
                | "sve2"
                | "bf16"
                | "i8mm"
        )
}

fn cpu_features(view: &dyn SystemView, platform: &Platform) -> Vec<String> {
    let mut flags: Vec<String> = Vec::new();
    if let Some(cpuinfo) = view.read_file("/proc/cpuinfo") {
        // x86 says "flags", ARM says "Features"; every core repeats them, the first is enough.
        if let Some(line) = cpuinfo.lines().find(|l| {
            let key = l.split(':').next().unwrap_or("").trim();
            key == "flags" || key == "Features"
        }) {
            flags =
                line.split_once(':').map(|(_, v)| v).unwrap_or("").split_whitespace().map(str::to_lowercase).collect();
        }
    } else if platform.os == "macos" {
        if let Some(out) =
            view.run("sysctl", &["-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"]).filter(|o| o.success)
        {
            // macOS spells them AVX1.0, AVX2, AVX512F; bring them to the Linux names.
            flags = out
                .stdout
                .split_whitespace()
                .map(|f| f.to_lowercase().replace("avx1.0", "avx").replace('.', "_"))
                .collect();
        }
    }
    if platform.arch == "aarch64" && flags.iter().any(|f| f == "asimd") {
        flags.push("neon".into());
    }
    if platform.os == "macos" && platform.arch == "aarch64" && flags.is_empty() {
        flags.push("neon".into()); // every Apple silicon core has it
    }
    let mut out: Vec<String> = flags.into_iter().filter(|f| is_relevant_flag(f)).collect();
    out.sort();
    out.dedup();
    out
}

/// NVIDIA: `nvidia-smi` when present, else the kernel driver's `/proc` files; the CUDA
/// version from `nvidia-smi`'s banner, else `nvcc`, else the toolkit's version file.
fn probe_nvidia(view: &dyn SystemView, info: &mut HardwareInfo) -> bool {
    let fields = "name,memory.total,driver_version,compute_cap";
    let mut smi_ok = false;
    if let Some(out) = view.run("nvidia-smi", &[&format!("--query-gpu={fields}"), "--format=csv,noheader,nounits"]) {
        // Drivers before 510 do not know compute_cap: ask again without it.
        let out = if !out.success && (out.stdout.contains("compute_cap") || out.stderr.contains("compute_cap")) {
            view.run("nvidia-smi", &["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"])
                .unwrap_or(out)
        } else {
            out
        };
        if out.success {
            for line in out.stdout.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let cols: Vec<&str> = line.split(',').map(str::trim).collect();
                let known =
                    |i: usize| cols.get(i).copied().filter(|v| !v.is_empty() && !v.starts_with('[') && *v != "N/A");
                info.gpus.push(Gpu {
                    name: cols[0].to_string(),
                    memory_mib: known(1).and_then(|m| m.parse().ok()),
                    compute_capability: known(3).map(str::to_string),
                });
                if info.driver_version.is_none() {
                    info.driver_version = known(2).map(str::to_string);
                }
            }
            smi_ok = true;
            if let Some(banner) = view.run("nvidia-smi", &[]).filter(|o| o.success) {
                // Drivers from 610 on print "CUDA UMD Version:" where older ones said "CUDA Version:".
                let label = after_label(&banner.stdout, "CUDA UMD Version:")
                    .or_else(|| after_label(&banner.stdout, "CUDA Version:"));
                match label {
                    Some(v) if parse_capability(&v).is_some() => info.cuda_version = Some(v),
                    Some(v) => {
                        info.notes.push(format!("nvidia-smi reports CUDA Version `{v}`, which is not a version"))
                    }
                    None => {}
                }
            }
        } else {
            let why = first_line(if out.stdout.trim().is_empty() { &out.stderr } else { &out.stdout });
            info.notes.push(format!(
                "nvidia-smi is installed but failed (exit {}): {why}",
                out.code.map_or("?".into(), |c| c.to_string())
            ));
        }
    }
    if !smi_ok {
        if let Some(version) = view.read_file("/proc/driver/nvidia/version") {
            // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  384.98  Thu Oct 26 ..." from the
            // proprietary module, "... Open Kernel Module for x86_64  565.57.01  Release Build ..."
            // from the open one: the version is the first word after "Kernel Module" that
            // starts with a digit.
            info.driver_version = version
                .lines()
                .next()
                .and_then(|l| l.split("Kernel Module").nth(1))
                .and_then(|r| r.split_whitespace().find(|w| w.starts_with(|c: char| c.is_ascii_digit())))
                .map(str::to_string);
            for dir in view.list_dir("/proc/driver/nvidia/gpus").unwrap_or_default() {
                let model = view
                    .read_file(&format!("/proc/driver/nvidia/gpus/{dir}/information"))
                    .and_then(|t| t.lines().find_map(|l| l.trim().strip_prefix("Model:").map(|m| m.trim().to_string())))
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "NVIDIA GPU".into());
                info.gpus.push(Gpu { name: model, memory_mib: None, compute_capability: None });
            }
        }
    }
    if info.gpus.is_empty() {
        return false;
    }
    if info.cuda_version.is_none() {
        info.cuda_version = cuda_toolkit_version(view);
        if info.cuda_version.is_none() {
            info.notes.push("NVIDIA GPU found but no CUDA version could be read (no nvidia-smi, nvcc or /usr/local/cuda/version.json)".into());
        }
    }
    true
}

fn cuda_toolkit_version(view: &dyn SystemView) -> Option<String> {
    if let Some(out) = view.run("nvcc", &["--version"]).filter(|o| o.success) {
        // "Cuda compilation tools, release 12.4, V12.4.131"
        if let Some(v) = out.stdout.split("release ").nth(1).and_then(|r| r.split(',').next()) {
            return Some(v.trim().to_string());
        }
    }
    if let Some(json) = view.read_file("/usr/local/cuda/version.json") {
        if let Some(v) = serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .and_then(|j| j["cuda"]["version"].as_str().map(major_minor))
        {
            return Some(v);
        }
    }
    // CUDA 10.x and early 11.x: "CUDA Version 11.0.228"
    view.read_file("/usr/local/cuda/version.txt").and_then(|t| after_label(&t, "CUDA Version")).map(|v| major_minor(&v))
}

/// AMD: ROCm's version file, GPUs from `rocm-smi --json`, else the KFD topology.
fn probe_rocm(view: &dyn SystemView, info: &mut HardwareInfo) -> bool {
    let version =
        view.read_file("/opt/rocm/.info/version").map(|v| v.trim().split('-').next().unwrap_or("").to_string());
    let mut gpus = Vec::new();
    if let Some(out) = view.run("rocm-smi", &["--showproductname", "--json"]) {
        if out.success {
            if let Ok(serde_json::Value::Object(cards)) = serde_json::from_str::<serde_json::Value>(&out.stdout) {
                for (key, card) in cards.iter().filter(|(k, _)| k.starts_with("card")) {
                    let name = ["Card Series", "Card series", "Card SKU", "Card Model"]
                        .iter()
                        .find_map(|f| card.get(*f).and_then(|v| v.as_str()))
                        .unwrap_or(key)
                        .to_string();
                    let gfx = card.get("GFX Version").and_then(|v| v.as_str()).map(llvm_gfx_target);
                    gpus.push(Gpu { name, memory_mib: None, compute_capability: gfx });
                }
            }
        } else {
            info.notes.push(format!("rocm-smi is installed but failed: {}", first_line(&out.stderr)));
        }
    }
    if gpus.is_empty() {
        // KFD lists every agent; CPUs have simd_count 0, GPUs more.
        for node in view.list_dir("/sys/class/kfd/kfd/topology/nodes").unwrap_or_default() {
            let base = format!("/sys/class/kfd/kfd/topology/nodes/{node}");
            let props = view.read_file(&format!("{base}/properties")).unwrap_or_default();
            let prop = |k: &str| props.lines().find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()));
            if prop("simd_count ").and_then(|n| n.parse::<u64>().ok()).unwrap_or(0) > 0 {
                let name =
                    view.read_file(&format!("{base}/name")).map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                let gfx = prop("gfx_target_version ")
                    .and_then(|v| v.parse::<u32>().ok())
                    .map(|v| format!("gfx{}{:x}{:x}", v / 10000, (v / 100) % 100, v % 100));
                gpus.push(Gpu {
                    name: name.unwrap_or_else(|| "AMD GPU".into()),
                    memory_mib: None,
                    compute_capability: gfx,
                });
            }
        }
    }
    if gpus.is_empty() {
        return false;
    }
    info.rocm_version = version.filter(|v| !v.is_empty());
    info.gpus = gpus;
    true
}

/// rocm-smi builds "GFX Version" by printing major, minor and stepping in decimal, so an
/// MI200 (gfx90a, stepping 10) reads `gfx9010`; LLVM and the wheels name the stepping by
/// one hex digit. Only the single-digit majors (gfx8, gfx9) can be misprinted this way:
/// four digits that start with `1` are a two-digit major (`gfx1100`) and already right.
fn llvm_gfx_target(reported: &str) -> String {
    let reported = reported.trim();
    if let Some(digits) = reported
        .strip_prefix("gfx")
        .filter(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('1'))
    {
        if let Ok(stepping @ 10..=15) = digits[2..].parse::<u32>() {
            return format!("gfx{}{:x}", &digits[..2], stepping);
        }
    }
    reported.to_string()
}

fn after_label(text: &str, label: &str) -> Option<String> {
    let rest = text.split(label).nth(1)?;
    let value = rest.split_whitespace().next()?;
    Some(value.trim_matches(|c: char| c == '|' || c == ',').to_string()).filter(|v| !v.is_empty())
}

fn major_minor(v: &str) -> String {
    v.trim().split('.').take(2).collect::<Vec<_>>().join(".")
}

fn first_line(s: &str) -> String {
    s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(no output)").to_string()
}

#[cfg(test)]
mod tests {
    use super::llvm_gfx_target;

    #[test]
    fn rocm_smi_decimal_steppings_become_llvm_targets() {
        // gfx9010 is what rocm-smi printed for an MI200 (ROCm/rocm_smi_lib#159).
        for (reported, target) in [
            ("gfx9010", "gfx90a"),
            ("gfx9012", "gfx90c"),
            ("gfx908", "gfx908"),
            ("gfx942", "gfx942"),
            ("gfx1100", "gfx1100"),
            ("gfx1010", "gfx1010"),
            (" gfx90a ", "gfx90a"),
            ("N/A", "N/A"),
        ] {
            assert_eq!(llvm_gfx_target(reported), target, "{reported}");
        }
    }
}
