//! The hardware probe, on this machine (no GPU) and on recorded outputs of the system tools
//! of CUDA, ROCm, Apple and ARM machines.

use std::collections::HashMap;
use std::path::PathBuf;

use snakebridge::env::{Accelerator, CommandOutput, HardwareInfo, SystemView, WheelConfig, WheelSelector};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hardware").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A machine described by files and command outputs; anything not described does not exist.
#[derive(Default)]
struct Machine {
    os: String,
    arch: String,
    files: HashMap<String, String>,
    dirs: HashMap<String, Vec<String>>,
    commands: HashMap<String, CommandOutput>,
}

impl Machine {
    fn linux() -> Self {
        Machine { os: "linux".into(), arch: "x86_64".into(), ..Default::default() }
    }
    fn file(mut self, path: &str, fixture_name: &str) -> Self {
        self.files.insert(path.into(), fixture(fixture_name));
        self
    }
    fn dir(mut self, path: &str, names: &[&str]) -> Self {
        self.dirs.insert(path.into(), names.iter().map(|s| s.to_string()).collect());
        self
    }
    fn command(mut self, line: &str, code: i32, fixture_name: &str) -> Self {
        let stdout = fixture(fixture_name);
        self.commands
            .insert(line.into(), CommandOutput { success: code == 0, code: Some(code), stdout, stderr: String::new() });
        self
    }
}

impl SystemView for Machine {
    fn os(&self) -> String {
        self.os.clone()
    }
    fn arch(&self) -> String {
        self.arch.clone()
    }
    fn read_file(&self, path: &str) -> Option<String> {
        self.files.get(path).cloned()
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        self.dirs.get(path).cloned()
    }
    fn run(&self, program: &str, args: &[&str]) -> Option<CommandOutput> {
        let line = std::iter::once(program).chain(args.iter().copied()).collect::<Vec<_>>().join(" ");
        self.commands.get(&line).cloned().or_else(|| {
            // A tool that exists answers every invocation; one with no entry at all is not installed.
            self.commands.keys().any(|k| k.split(' ').next() == Some(program)).then(|| CommandOutput {
                success: false,
                code: Some(2),
                stdout: String::new(),
                stderr: format!("unexpected invocation: {line}"),
            })
        })
    }
}

const QUERY: &str = "nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader,nounits";

#[test]
fn this_machine_is_probed_from_its_own_files() {
    let hw = HardwareInfo::probe();
    assert_eq!(hw.platform.os, std::env::consts::OS);
    assert_eq!(hw.platform.arch, std::env::consts::ARCH);
    // This development/CI machine has no GPU: the probe must say cpu without failing.
    let has_nvidia = std::path::Path::new("/proc/driver/nvidia/version").exists();
    if !has_nvidia && !std::path::Path::new("/opt/rocm").exists() && std::env::consts::OS == "linux" {
        assert_eq!(hw.accelerator, Accelerator::Cpu, "{hw:?}");
        assert_eq!(hw.gpu_count, 0);
        assert!(hw.cuda_version.is_none());
    }
    // The CPU features agree with /proc/cpuinfo read independently here.
    if let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") {
        let flags: Vec<&str> = cpuinfo
            .lines()
            .find(|l| l.starts_with("flags"))
            .map(|l| l.split(':').nth(1).unwrap().split_whitespace().collect())
            .unwrap_or_default();
        for f in ["avx", "avx2", "avx512f", "sse4_2", "fma"] {
            assert_eq!(
                flags.contains(&f),
                hw.cpu_features.iter().any(|x| x == f),
                "feature {f}: {:?}",
                hw.cpu_features
            );
        }
        let mut sorted = hw.cpu_features.clone();
        sorted.sort();
        assert_eq!(sorted, hw.cpu_features, "features are sorted");
    }
    assert_eq!(HardwareInfo::probe(), hw, "the probe is deterministic");
}

/// The probe's own query, answered on the B300 machine whose banner, `compute_cap` query
/// and `version.json` are recorded verbatim (see the fixtures' README).
#[test]
fn seven_b300s_on_driver_610_which_renamed_the_cuda_label() {
    let m = Machine::linux()
        .file("/proc/cpuinfo", "cpuinfo-skylake-x-avx512.txt")
        .command(QUERY, 0, "nvidia-smi-query-b300-610.csv")
        .command("nvidia-smi", 0, "nvidia-smi-banner-b300-610.txt");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    // 610 prints "KMD Version: … CUDA UMD Version: 13.3" instead of "Driver Version: … CUDA Version:".
    assert_eq!(hw.cuda_version.as_deref(), Some("13.3"), "{:?}", hw.notes);
    assert_eq!(hw.driver_version.as_deref(), Some("610.57.04"));
    assert_eq!(hw.gpu_count, 7);
    assert_eq!(hw.gpus[0].memory_mib, Some(275040));
    // The query fixture is assembled in the probe's field order; each row must agree with the
    // same machine's real `--query-gpu=driver_version,name,compute_cap --format=csv` output.
    let real = fixture("nvidia-smi-query-driver-name-cc-b300-610.csv");
    let rows: Vec<Vec<&str>> = real.lines().skip(1).map(|l| l.split(", ").collect()).collect();
    assert_eq!(rows.len(), hw.gpus.len());
    for (row, gpu) in rows.iter().zip(&hw.gpus) {
        assert_eq!(
            (row[0], row[1], row[2]),
            (hw.driver_version.as_deref().unwrap(), gpu.name.as_str(), gpu.compute_capability.as_deref().unwrap())
        );
    }
    assert_eq!(hw.max_compute_capability().as_deref(), Some("10.3"));
    for f in ["avx", "avx2", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "fma", "sse4_2"] {
        assert!(hw.cpu_features.iter().any(|x| x == f), "{f} in {:?}", hw.cpu_features);
    }
    assert!(
        !hw.cpu_features.iter().any(|x| x == "fpu" || x == "sse" || x.starts_with("amx")),
        "only wheel-relevant flags: {:?}",
        hw.cpu_features
    );
    // CUDA 13.3 is above every default threshold: the newest default variant.
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cu124");
}

#[test]
fn a_tesla_p4_on_driver_550() {
    let m = Machine::linux().command(QUERY, 0, "nvidia-smi-query-p4-550.csv").command(
        "nvidia-smi",
        0,
        "nvidia-smi-banner-p4-550.txt",
    );
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    assert_eq!(hw.cuda_version.as_deref(), Some("12.4"));
    assert_eq!(hw.driver_version.as_deref(), Some("550.135"));
    assert_eq!((hw.gpu_count, hw.gpus[0].name.as_str(), hw.gpus[0].memory_mib), (1, "Tesla P4", Some(8192)));
    let s = WheelSelector::new(WheelConfig::default(), hw);
    assert_eq!(s.pytorch_variant(), "cu124");
    assert_eq!(s.pytorch_index_url(), "https://download.pytorch.org/whl/cu124");
}

#[test]
fn an_old_driver_without_compute_cap_is_asked_again() {
    let m = Machine::linux()
        .command(QUERY, 2, "nvidia-smi-query-compute-cap-error.txt")
        .command(
            "nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits",
            0,
            "nvidia-smi-query-p4000-470.csv",
        )
        .command("nvidia-smi", 0, "nvidia-smi-banner-p4000-470.txt");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    assert_eq!((hw.gpu_count, hw.gpus[0].name.as_str()), (1, "Quadro P4000"));
    assert_eq!(hw.gpus[0].compute_capability, None);
    assert_eq!(hw.driver_version.as_deref(), Some("470.256.02"));
    assert_eq!(hw.cuda_version.as_deref(), Some("11.4"));
    // CUDA 11.4 is below every threshold of the seed (cu118 from 11.7): CPU wheels.
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cpu");
}

#[test]
fn a_banner_saying_cuda_version_n_a_is_noted_not_believed() {
    let m = Machine::linux().command(QUERY, 0, "nvidia-smi-query-rtx5070-575.csv").command(
        "nvidia-smi",
        0,
        "nvidia-smi-banner-rtx5070-575-cuda-na.txt",
    );
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    assert_eq!(hw.cuda_version, None);
    assert!(hw.notes.iter().any(|n| n.contains("`N/A`")), "{:?}", hw.notes);
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cpu");
}

#[test]
fn a_failing_nvidia_smi_means_cpu_with_a_note() {
    // Exit 9 is nvidia-smi's documented "NVIDIA driver is not loaded".
    let m = Machine::linux().command(QUERY, 9, "nvidia-smi-driver-failed.txt");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cpu);
    assert_eq!(hw.gpu_count, 0);
    assert!(
        hw.notes.iter().any(|n| n.contains("exit 9") && n.contains("couldn't communicate with the NVIDIA driver")),
        "{:?}",
        hw.notes
    );
}

#[test]
fn without_nvidia_smi_the_driver_files_and_nvcc_are_read() {
    let m = Machine::linux()
        .file("/proc/driver/nvidia/version", "proc-driver-nvidia-version-384.txt")
        .dir("/proc/driver/nvidia/gpus", &["0000:3b:00.0"])
        .file("/proc/driver/nvidia/gpus/0000:3b:00.0/information", "proc-driver-nvidia-gpu-information-a100.txt")
        .command("nvcc --version", 0, "nvcc-version-12.5.txt");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    assert_eq!(hw.driver_version.as_deref(), Some("384.98"));
    assert_eq!(hw.gpus[0].name, "NVIDIA A100-SXM4-40GB");
    assert_eq!(hw.cuda_version.as_deref(), Some("12.5"));
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cu124");

    // nvcc of CUDA 10.1 has no "Build" line; the release is still read.
    let old = Machine::linux()
        .file("/proc/driver/nvidia/version", "proc-driver-nvidia-version-384.txt")
        .dir("/proc/driver/nvidia/gpus", &["0000:3b:00.0"])
        .command("nvcc --version", 0, "nvcc-version-10.1.txt");
    assert_eq!(HardwareInfo::probe_with(&old).cuda_version.as_deref(), Some("10.1"));
}

#[test]
fn the_open_kernel_module_names_its_architecture_before_the_version() {
    for (fixture_name, version) in [
        ("proc-driver-nvidia-version-565-open.txt", "565.57.01"),
        ("proc-driver-nvidia-version-jetson-open.txt", "35.3.1"),
    ] {
        let m = Machine::linux()
            .file("/proc/driver/nvidia/version", fixture_name)
            .dir("/proc/driver/nvidia/gpus", &["0000:01:00.0"]);
        let hw = HardwareInfo::probe_with(&m);
        assert_eq!(hw.driver_version.as_deref(), Some(version), "{fixture_name}");
        assert_eq!(hw.accelerator, Accelerator::Cuda);
    }
}

#[test]
fn the_toolkit_version_file_is_the_last_resort() {
    let m = Machine::linux()
        .file("/proc/driver/nvidia/version", "proc-driver-nvidia-version-565-open.txt")
        .dir("/proc/driver/nvidia/gpus", &["0000:3b:00.0"])
        .file("/usr/local/cuda/version.json", "cuda-version-13.3.json");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.cuda_version.as_deref(), Some("13.3"));
    assert_eq!(hw.gpus[0].name, "NVIDIA GPU", "no information file: a generic name");
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cu124");
}

#[test]
fn rocm_through_rocm_smi() {
    let m = Machine::linux().file("/opt/rocm/.info/version", "rocm-info-version-6.0.2.txt").command(
        "rocm-smi --showproductname --json",
        0,
        "rocm-smi-productname-mi200.json",
    );
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Rocm);
    assert_eq!(hw.rocm_version.as_deref(), Some("6.0.2"));
    assert_eq!(hw.gpu_count, 1);
    assert_eq!(hw.gpus[0].name, "AMD INSTINCT MI200 (MCM) OAM LC MBA HPE C2");
    // rocm-smi prints "gfx9010" for this card; the target wheels and LLVM know is gfx90a.
    assert_eq!(hw.gpus[0].compute_capability.as_deref(), Some("gfx90a"));
    // rocm6.0 is not among the default torch variants: the configured ROCm variant is used.
    let s = WheelSelector::new(WheelConfig::default(), hw.clone());
    assert_eq!(s.pytorch_variant(), "rocm5.7");
    let mut config = WheelConfig::default();
    config.packages.insert("torch".into(), vec!["cpu".into(), "rocm5.7".into(), "rocm6.0".into()]);
    assert_eq!(WheelSelector::new(config, hw).select_wheel("torch", "2.3.0").variant.as_deref(), Some("rocm6.0"));
}

#[test]
fn rocm_through_the_kfd_topology() {
    let m = Machine::linux()
        .file("/opt/rocm/.info/version", "rocm-info-version-6.0.2.txt")
        .dir("/sys/class/kfd/kfd/topology/nodes", &["0", "1"])
        .file("/sys/class/kfd/kfd/topology/nodes/0/properties", "kfd-node0-cpu-properties.txt")
        .file("/sys/class/kfd/kfd/topology/nodes/1/properties", "kfd-node1-gpu-properties-gfx1100.txt");
    let hw = HardwareInfo::probe_with(&m);
    assert_eq!(hw.accelerator, Accelerator::Rocm);
    assert_eq!(hw.gpu_count, 1, "the CPU node (simd_count 0) is not a GPU");
    assert_eq!(hw.gpus[0].compute_capability.as_deref(), Some("gfx1100"));
}

#[test]
fn apple_silicon_is_mps_and_arm_linux_has_neon() {
    let mac = Machine { os: "macos".into(), arch: "aarch64".into(), ..Default::default() };
    let hw = HardwareInfo::probe_with(&mac);
    assert_eq!(hw.accelerator, Accelerator::Mps);
    assert_eq!(hw.cpu_features, vec!["neon"]);
    assert_eq!(WheelSelector::new(WheelConfig::default(), hw).pytorch_variant(), "cpu");

    let graviton = Machine { os: "linux".into(), arch: "aarch64".into(), ..Default::default() }
        .file("/proc/cpuinfo", "cpuinfo-graviton3.txt");
    let hw = HardwareInfo::probe_with(&graviton);
    assert_eq!(hw.accelerator, Accelerator::Cpu);
    for f in ["asimd", "neon", "sve", "bf16", "i8mm"] {
        assert!(hw.cpu_features.iter().any(|x| x == f), "{f} in {:?}", hw.cpu_features);
    }
}

#[test]
fn a_machine_with_nothing_readable_is_cpu() {
    let hw = HardwareInfo::probe_with(&Machine::linux());
    assert_eq!((hw.accelerator, hw.gpu_count), (Accelerator::Cpu, 0));
    assert!(hw.cpu_features.is_empty());
}
