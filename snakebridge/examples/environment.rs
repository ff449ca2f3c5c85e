//! The Python environment from Rust: read the project's declared Python dependencies, probe
//! the hardware, pick the PyTorch wheel, check the venv, and build and verify a lock — what
//! `cargo snakebridge setup/verify/doctor` do, as a library.
//!
//! Run with `cargo run --example environment` (it installs nothing).

use snakebridge::env::{
    generated_libraries, missing_packages, verify, HardwareInfo, Lock, ProjectConfig, PythonEnv, WheelSelector,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A project that declares its Python side in Cargo.toml, as a user's crate would.
    let dir = std::env::temp_dir().join(format!("snakebridge-environment-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        r#"
[package]
name = "demo"
version = "0.1.0"

[package.metadata.snakebridge.python_deps]
numpy = ">=1.26"
json = "stdlib"
PIL = { version = "10.2.0", pypi_package = "pillow" }
torch = "2.5.1"
"#,
    )?;
    let project = ProjectConfig::load(dir.join("Cargo.toml"))?;
    println!("requirements: {:?}", project.requirements());

    let hardware = HardwareInfo::probe();
    println!(
        "hardware: {} / {} / CUDA {} / {} GPU(s) / CPU {}",
        hardware.platform,
        hardware.accelerator,
        hardware.cuda_version.as_deref().unwrap_or("none"),
        hardware.gpu_count,
        hardware.cpu_features.join(" ")
    );

    let wheels = WheelSelector::new(project.wheels.clone(), hardware.clone());
    println!("torch wheel: {}", wheels.pip_install_command("torch", "2.5.1"));
    println!("numpy wheel: {}", wheels.pip_install_command("numpy", ">=1.26"));

    let (venv, source) = project.venv_path_and_source();
    let env = PythonEnv::new(&venv);
    if !env.exists() {
        println!("no venv at {} ({source}); `cargo snakebridge setup` would create it", venv.display());
        return Ok(());
    }
    let details = env.inspect()?;
    println!("venv: {} ({source}): {} {}", venv.display(), details.implementation, details.version);
    println!("missing: {:?}", missing_packages(&project, &details));

    let lock = Lock::build(&project, Some(&details), &hardware);
    println!("packages hash: {}", lock.python_packages_hash);
    let result = verify(&lock, &hardware, Some(&details), &generated_libraries(&project.root));
    println!(
        "verify against this machine: exit code {} ({} finding(s))",
        result.exit_code(true),
        result.findings.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
