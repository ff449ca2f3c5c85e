//! `cargo snakebridge verify [--strict] [--file PATH]`; `-v` prints the current and locked
//! hardware and what matched.

use snakebridge_env::{generated_libraries, verify, HardwareInfo, Lock, ProjectConfig, PythonEnv};

use crate::cli::VerifyArgs;
use crate::output::Output;

pub fn run(project: &ProjectConfig, cli: &VerifyArgs, out: Output) -> u8 {
    let path = cli.file.clone().unwrap_or_else(|| project.lock_path());
    let lock = match Lock::load(&path) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("{} {e}", out.paint("✗", "31"));
            return 1;
        }
    };
    let hardware = HardwareInfo::probe();
    let env = PythonEnv::new(project.venv_path());
    let interpreter = if env.exists() {
        match env.inspect() {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("{} {e}", out.paint("✗", "31"));
                return 1;
            }
        }
    } else {
        None
    };
    let mut result = verify(&lock, &hardware, interpreter.as_ref(), &generated_libraries(&project.root));
    result.check_pylock(&lock, &project.root, interpreter.as_ref());
    if out.verbose() {
        let h = &lock.environment.hardware;
        println!("Current hardware:");
        print_hardware(
            &hardware.platform.to_string(),
            hardware.accelerator.as_str(),
            hardware.cuda_version.as_deref(),
            hardware.gpu_count,
            &hardware.cpu_features,
        );
        println!("Lock file ({}):", path.display());
        print_hardware(
            &lock.environment.platform.to_string(),
            h.accelerator.as_str(),
            h.cuda_version.as_deref(),
            h.gpu_count,
            &h.cpu_features,
        );
        for note in &hardware.notes {
            println!("  note: {note}");
        }
        for ok in &result.checked {
            println!("  ok: {ok}");
        }
    }
    for finding in &result.findings {
        out.bad(finding);
    }
    let code = result.exit_code(cli.strict);
    if code == 0 {
        let warnings = result.warnings().count();
        if warnings == 0 {
            out.ok("Lock file compatible with current environment");
        } else {
            out.ok(format!(
                "Lock file compatible with current environment ({warnings} warning(s); --strict would fail)"
            ));
        }
    } else {
        out.bad(format!("Lock file {} is not compatible with this environment", path.display()));
    }
    code as u8
}

fn print_hardware(platform: &str, accelerator: &str, cuda: Option<&str>, gpus: u32, cpu: &[String]) {
    println!("  Platform: {platform}");
    println!("  Accelerator: {accelerator}");
    println!("  CUDA version: {}", cuda.unwrap_or("none"));
    println!("  GPU count: {gpus}");
    println!("  CPU features: {}", if cpu.is_empty() { "none recorded".to_string() } else { cpu.join(" ") });
}
