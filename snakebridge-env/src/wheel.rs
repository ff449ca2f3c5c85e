//! Hardware-specific wheels: which PyTorch variant (`cpu`, `cu118`, `cu121`, `cu124`,
//! `rocm5.7`…) fits the machine, from which index, and the command that installs it.
//! The seed's `WheelSelector`, `WheelConfig` and the wheel part of `Defaults`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use snakebridge_runtime::Result;

use super::deps::invalid;
use super::hardware::{Accelerator, HardwareInfo};
use super::requirement::normalize_name;

/// The PyTorch wheel index, the seed's `pytorch_index_base_url` default.
pub const DEFAULT_PYTORCH_INDEX_BASE_URL: &str = "https://download.pytorch.org/whl/";

/// A CUDA variant and the lowest CUDA version (as `major * 10 + minor`, `124` for 12.4) it is
/// chosen for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CudaThreshold {
    /// The wheel variant (`cu124`).
    pub variant: String,
    /// The lowest normalised CUDA version that selects it.
    pub min: u32,
}

/// Wheel selection settings: thresholds, mirror, and the per-package variant table of
/// `wheel_variants.json`.
///
/// ```json
/// {
///   "packages": { "torch": { "variants": ["cpu", "cu118", "cu121", "cu124", "rocm5.7"] } },
///   "cuda_mappings": { "12.3": "cu124" },
///   "rocm_variant": "rocm5.7"
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelConfig {
    /// The index base URL; the variant is appended (`…/whl/cu121`). Point it at a mirror here.
    pub index_base_url: String,
    /// CUDA thresholds, tried from the highest `min` down (the seed's `cuda_thresholds`).
    pub cuda_thresholds: Vec<CudaThreshold>,
    /// Exact CUDA `major.minor` to variant mappings, consulted before the thresholds.
    pub cuda_mappings: BTreeMap<String, String>,
    /// The variant for ROCm machines when no `rocmX.Y` variant matches the installed ROCm.
    pub rocm_variant: String,
    /// Packages with hardware-specific wheels (normalised names) and the variants each has.
    pub packages: BTreeMap<String, Vec<String>>,
}

impl Default for WheelConfig {
    fn default() -> Self {
        let variants: Vec<String> = ["cpu", "cu118", "cu121", "cu124", "rocm5.7"].map(String::from).to_vec();
        WheelConfig {
            index_base_url: DEFAULT_PYTORCH_INDEX_BASE_URL.to_string(),
            cuda_thresholds: [("cu124", 124), ("cu121", 120), ("cu118", 117)]
                .map(|(variant, min)| CudaThreshold { variant: variant.into(), min })
                .to_vec(),
            cuda_mappings: [
                ("11.7", "cu118"),
                ("11.8", "cu118"),
                ("12.0", "cu121"),
                ("12.1", "cu121"),
                ("12.2", "cu121"),
                ("12.3", "cu124"),
                ("12.4", "cu124"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            rocm_variant: "rocm5.7".into(),
            packages: ["torch", "torchvision", "torchaudio"]
                .iter()
                .map(|p| (p.to_string(), variants.clone()))
                .collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantsFile {
    #[serde(default)]
    packages: Option<BTreeMap<String, PackageVariants>>,
    #[serde(default)]
    cuda_mappings: Option<BTreeMap<String, String>>,
    #[serde(default)]
    rocm_variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageVariants {
    variants: Vec<String>,
}

impl WheelConfig {
    /// Applies a `wheel_variants.json`: each section present replaces the default one.
    pub fn merge_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(path, format!("cannot read the wheel variants file: {e}")))?;
        let file: VariantsFile = serde_json::from_str(&text).map_err(|e| {
            invalid(path, format!("{e}; expected {{\"packages\": {{\"torch\": {{\"variants\": [\"cpu\", \"cu121\"]}}}}, \"cuda_mappings\": {{..}}, \"rocm_variant\": \"rocm5.7\"}}"))
        })?;
        if let Some(packages) = file.packages {
            self.packages = packages.into_iter().map(|(k, v)| (normalize_name(&k), v.variants)).collect();
        }
        if let Some(m) = file.cuda_mappings {
            self.cuda_mappings = m;
        }
        if let Some(r) = file.rocm_variant {
            self.rocm_variant = r;
        }
        Ok(())
    }

    /// `"12.1"` → `Some(121)`; `None` for something that is not a CUDA version.
    pub fn normalize_cuda_version(version: &str) -> Option<u32> {
        let mut parts = version.trim().split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next().unwrap_or("0").parse().ok()?;
        (minor < 10).then_some(major * 10 + minor)
    }

    /// The CUDA variant for a CUDA version: an exact mapping, else the highest threshold it
    /// reaches; `cpu` when it is older than every threshold or unreadable.
    pub fn best_cuda_variant(&self, cuda_version: &str) -> String {
        let major_minor: String = cuda_version.trim().split('.').take(2).collect::<Vec<_>>().join(".");
        if let Some(v) = self.cuda_mappings.get(&major_minor) {
            return v.clone();
        }
        let Some(n) = Self::normalize_cuda_version(cuda_version) else { return "cpu".into() };
        let mut thresholds: Vec<&CudaThreshold> = self.cuda_thresholds.iter().collect();
        thresholds.sort_by_key(|t| std::cmp::Reverse(t.min));
        thresholds.iter().find(|t| n >= t.min).map(|t| t.variant.clone()).unwrap_or_else(|| "cpu".into())
    }
}

/// What to install for one package on this machine, the seed's `wheel_info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelInfo {
    /// The distribution name.
    pub package: String,
    /// The version or specifier asked for.
    pub version: String,
    /// The hardware variant, for packages that have one.
    pub variant: Option<String>,
    /// The index to install it from, for packages that have a variant.
    pub index_url: Option<String>,
}

/// Picks wheels for a machine.
#[derive(Debug, Clone)]
pub struct WheelSelector {
    config: WheelConfig,
    hardware: HardwareInfo,
}

impl WheelSelector {
    /// A selector for `hardware` with `config`.
    pub fn new(config: WheelConfig, hardware: HardwareInfo) -> Self {
        WheelSelector { config, hardware }
    }

    /// A selector for this machine ([`HardwareInfo::probe`]) with the default configuration.
    pub fn for_this_machine() -> Self {
        Self::new(WheelConfig::default(), HardwareInfo::probe())
    }

    /// Whether `package` has hardware-specific wheels (`torch`, `torchvision`, `torchaudio`
    /// by default).
    pub fn is_variant_package(&self, package: &str) -> bool {
        self.config.packages.contains_key(&normalize_name(package))
    }

    /// The PyTorch variant for the machine: a CUDA variant, a ROCm variant, or `cpu`
    /// (also on Apple silicon, whose MPS support ships in the default wheels).
    pub fn pytorch_variant(&self) -> String {
        self.variant_among(None)
    }

    /// The index URL for [`pytorch_variant`](Self::pytorch_variant).
    pub fn pytorch_index_url(&self) -> String {
        self.index_url(&self.pytorch_variant())
    }

    /// The variants `package` is published in (empty for an ordinary package).
    pub fn available_variants(&self, package: &str) -> Vec<String> {
        self.config.packages.get(&normalize_name(package)).cloned().unwrap_or_default()
    }

    /// The wheel for `package` at `version` (`"2.1.0"` or a specifier such as `">=2.1"`).
    pub fn select_wheel(&self, package: &str, version: &str) -> WheelInfo {
        let variants = self.config.packages.get(&normalize_name(package));
        let variant = variants.map(|v| self.variant_among(Some(v)));
        WheelInfo {
            package: package.to_string(),
            version: version.to_string(),
            index_url: variant.as_deref().map(|v| self.index_url(v)),
            variant,
        }
    }

    /// The pip command that installs `package` at `version`, with `--index-url` for
    /// hardware-specific packages: `pip install torch==2.1.0 --index-url …/whl/cu121`.
    pub fn pip_install_command(&self, package: &str, version: &str) -> String {
        self.install_command("pip install", package, version)
    }

    /// The same for uv: `uv pip install torch==2.1.0 --index-url …`.
    pub fn uv_install_command(&self, package: &str, version: &str) -> String {
        self.install_command("uv pip install", package, version)
    }

    fn install_command(&self, program: &str, package: &str, version: &str) -> String {
        let wheel = self.select_wheel(package, version);
        let requirement = requirement(package, version);
        match wheel.index_url {
            Some(url) => format!("{program} {requirement} --index-url {url}"),
            None => format!("{program} {requirement}"),
        }
    }

    fn index_url(&self, variant: &str) -> String {
        format!("{}/{variant}", self.config.index_base_url.trim_end_matches('/'))
    }

    /// The best variant for the hardware, limited to `available` when given: a CUDA machine
    /// whose best variant is not published falls back to the newest published CUDA variant
    /// below it, then to `cpu`.
    fn variant_among(&self, available: Option<&Vec<String>>) -> String {
        let has = |v: &str| available.is_none_or(|list| list.iter().any(|a| a == v));
        match self.hardware.accelerator {
            Accelerator::Cuda => {
                let Some(cuda) = self.hardware.cuda_version.as_deref() else { return "cpu".into() };
                let best = self.config.best_cuda_variant(cuda);
                if has(&best) {
                    return best;
                }
                let ceiling = variant_number(&best).unwrap_or(u32::MAX);
                let mut candidates: Vec<(u32, String)> = available
                    .into_iter()
                    .flatten()
                    .filter_map(|v| variant_number(v).filter(|n| *n <= ceiling).map(|n| (n, v.clone())))
                    .collect();
                candidates.sort();
                candidates.pop().map(|(_, v)| v).unwrap_or_else(|| "cpu".into())
            }
            Accelerator::Rocm => {
                let detected = self.hardware.rocm_version.as_deref().map(|v| {
                    let mm: Vec<&str> = v.split(['.', '-']).take(2).collect();
                    format!("rocm{}", mm.join("."))
                });
                match detected {
                    Some(d) if available.is_some_and(|list| list.contains(&d)) => d,
                    _ if has(&self.config.rocm_variant) => self.config.rocm_variant.clone(),
                    _ => "cpu".into(),
                }
            }
            Accelerator::Mps | Accelerator::Cpu => "cpu".into(),
        }
    }
}

fn variant_number(variant: &str) -> Option<u32> {
    variant.strip_prefix("cu")?.parse().ok()
}

/// `("torch", "2.1.0")` → `torch==2.1.0`; a specifier is kept; empty or `*` → the bare name.
fn requirement(package: &str, version: &str) -> String {
    let v = version.trim();
    if v.is_empty() || v == "*" {
        package.to_string()
    } else if v.starts_with(['=', '<', '>', '!', '~']) {
        format!("{package}{v}")
    } else {
        format!("{package}=={v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_examples_for_cuda_versions() {
        let c = WheelConfig::default();
        assert_eq!(c.best_cuda_variant("12.3"), "cu124");
        assert_eq!(c.best_cuda_variant("12.1"), "cu121");
        assert_eq!(WheelConfig::normalize_cuda_version("12.1"), Some(121));
        assert_eq!(WheelConfig::normalize_cuda_version("11.8"), Some(118));
        assert_eq!(WheelConfig::normalize_cuda_version("twelve"), None);
    }

    #[test]
    fn thresholds_cover_versions_without_a_mapping() {
        let c = WheelConfig::default();
        let table = [
            ("12.6", "cu124"),
            ("13.0", "cu124"),
            ("12.0.1", "cu121"),
            ("11.7", "cu118"),
            ("11.6", "cpu"),
            ("10.2", "cpu"),
            ("garbage", "cpu"),
        ];
        for (cuda, want) in table {
            assert_eq!(c.best_cuda_variant(cuda), want, "CUDA {cuda}");
        }
        let mut custom = WheelConfig::default();
        custom.cuda_thresholds.insert(0, CudaThreshold { variant: "cu126".into(), min: 126 });
        assert_eq!(custom.best_cuda_variant("12.8"), "cu126");
        assert_eq!(custom.best_cuda_variant("12.5"), "cu124");
    }

    #[test]
    fn requirement_forms() {
        assert_eq!(requirement("torch", "2.1.0"), "torch==2.1.0");
        assert_eq!(requirement("torch", ">=2.1"), "torch>=2.1");
        assert_eq!(requirement("torch", ""), "torch");
    }
}
