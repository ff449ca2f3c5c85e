//! Wheel selection: the seed's tables, configuration from a real Cargo.toml and
//! wheel_variants.json, mirrors, and the install commands.

use snakebridge::env::{
    Accelerator, CommandOutput, HardwareInfo, ProjectConfig, SystemView, WheelConfig, WheelSelector,
};

/// A Linux machine with one NVIDIA GPU whose driver supports `cuda`.
struct CudaBox(&'static str);

impl SystemView for CudaBox {
    fn os(&self) -> String {
        "linux".into()
    }
    fn arch(&self) -> String {
        "x86_64".into()
    }
    fn read_file(&self, _: &str) -> Option<String> {
        None
    }
    fn list_dir(&self, _: &str) -> Option<Vec<String>> {
        None
    }
    fn run(&self, program: &str, args: &[&str]) -> Option<CommandOutput> {
        (program == "nvidia-smi").then(|| CommandOutput {
            success: true,
            code: Some(0),
            stdout: if args.is_empty() {
                format!("| NVIDIA-SMI 999.0    Driver Version: 999.0    CUDA Version: {}     |\n", self.0)
            } else {
                "NVIDIA L4, 23034, 999.0, 8.9\n".into()
            },
            stderr: String::new(),
        })
    }
}

fn cuda(version: &'static str) -> HardwareInfo {
    let hw = HardwareInfo::probe_with(&CudaBox(version));
    assert_eq!(hw.accelerator, Accelerator::Cuda);
    hw
}

#[test]
fn variant_table_for_driver_cuda_versions() {
    let table = [
        ("11.6", "cpu"),
        ("11.7", "cu118"),
        ("11.8", "cu118"),
        ("12.0", "cu121"),
        ("12.1", "cu121"),
        ("12.2", "cu121"),
        ("12.3", "cu124"),
        ("12.4", "cu124"),
        ("12.8", "cu124"),
        ("13.0", "cu124"),
        ("N/A", "cpu"),
    ];
    for (cuda_version, variant) in table {
        let s = WheelSelector::new(WheelConfig::default(), cuda(cuda_version));
        assert_eq!(s.pytorch_variant(), variant, "driver CUDA {cuda_version}");
    }
}

#[test]
fn seed_install_commands() {
    let s = WheelSelector::new(WheelConfig::default(), cuda("12.1"));
    assert_eq!(
        s.pip_install_command("torch", "2.1.0"),
        "pip install torch==2.1.0 --index-url https://download.pytorch.org/whl/cu121"
    );
    assert_eq!(s.pip_install_command("numpy", "1.26.4"), "pip install numpy==1.26.4");
    assert_eq!(
        s.uv_install_command("torchvision", ">=0.16"),
        "uv pip install torchvision>=0.16 --index-url https://download.pytorch.org/whl/cu121"
    );
    let w = s.select_wheel("numpy", "1.26.4");
    assert_eq!((w.variant, w.index_url), (None, None));
    let w = s.select_wheel("torch", "2.1.0");
    assert_eq!(w.variant.as_deref(), Some("cu121"));
    assert!(s.is_variant_package("TorchAudio"));
    assert_eq!(s.available_variants("torch"), vec!["cpu", "cu118", "cu121", "cu124", "rocm5.7"]);
}

#[test]
fn mirror_thresholds_and_variants_come_from_cargo_toml_and_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        r#"
[package]
name = "demo"
version = "0.1.0"

[package.metadata.snakebridge]
pytorch_index_base_url = "https://mirror.example.com/pytorch/"
cuda_thresholds = [{ variant = "cu126", min = 126 }, { variant = "cu124", min = 124 }, { variant = "cu118", min = 117 }]
wheel_variants = "config/wheel_variants.json"

[package.metadata.snakebridge.python_deps]
torch = "2.5.1"
"#,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/wheel_variants.json"),
        r#"{ "packages": { "torch": { "variants": ["cpu", "cu118", "cu124", "cu126"] }, "jaxlib": { "variants": ["cpu", "cu124"] } },
             "cuda_mappings": { "12.1": "cu121" } }"#,
    )
    .unwrap();
    let project = ProjectConfig::load(dir.path().join("Cargo.toml")).unwrap();
    let on = |v: &'static str| WheelSelector::new(project.wheels.clone(), cuda(v));
    assert_eq!(
        on("12.8").pip_install_command("torch", "2.5.1"),
        "pip install torch==2.5.1 --index-url https://mirror.example.com/pytorch/cu126"
    );
    // 12.1 maps to cu121, which torch is not published in here: the newest CUDA variant below it.
    assert_eq!(on("12.1").select_wheel("torch", "2.5.1").variant.as_deref(), Some("cu118"));
    assert_eq!(on("12.6").select_wheel("jaxlib", "0.4").variant.as_deref(), Some("cu124"));
    assert!(!on("12.6").is_variant_package("torchvision"), "the file's package list replaces the default one");
}

#[test]
fn a_malformed_variants_file_is_named_with_the_expected_shape() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\n[package.metadata.snakebridge]\nwheel_variants = \"w.json\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("w.json"), r#"{ "packages": { "torch": ["cpu"] } }"#).unwrap();
    let err = ProjectConfig::load(dir.path().join("Cargo.toml")).unwrap_err().to_string();
    assert!(err.contains("w.json") && err.contains("\"variants\""), "{err}");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\n[package.metadata.snakebridge]\nwheel_variants = \"missing.json\"\n",
    )
    .unwrap();
    let err = ProjectConfig::load(dir.path().join("Cargo.toml")).unwrap_err().to_string();
    assert!(err.contains("missing.json") && err.contains("cannot read"), "{err}");
}
