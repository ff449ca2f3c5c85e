//! `cargo snakebridge doctor`: what the runtime would use, each with the fix when it is wrong.

use snakebridge_env::{
    embedded_python_version, generated_libraries, missing_packages, HardwareInfo, Installer, ProjectConfig, PythonEnv,
    WheelSelector,
};
use snakebridge_runtime::RuntimeConfig;

use crate::output::Output;

/// The doctor's table: every line with `-v` or without flags, only the problems (and their
/// fixes) with `-q`, whose exit code says the rest.
struct Report {
    problems: usize,
    out: Output,
}

impl Report {
    fn ok(&self, label: &str, value: impl std::fmt::Display) {
        self.out.say(format!("{label:<20} {value}"));
    }

    fn bad(&mut self, label: &str, value: impl std::fmt::Display, fix: &str) {
        self.problems += 1;
        println!("{label:<20} {} {value}", self.out.paint("✗", "31"));
        println!("{:<20}   fix: {fix}", "");
    }
}

pub fn run(project: &ProjectConfig, out: Output) -> u8 {
    let mut r = Report { problems: 0, out };
    out.say(format!("cargo-snakebridge {} doctor\n", snakebridge_runtime::version()));
    r.ok("Project", project.manifest_path.display());
    let (major, minor) = embedded_python_version();
    r.ok("Embedded Python", format!("{major}.{minor} (the libpython this build links)"));

    let (venv_path, source) = project.venv_path_and_source();
    let env = PythonEnv::new(&venv_path);
    let details = if !env.exists() {
        r.bad("Venv", format!("{} does not exist ({source})", venv_path.display()), "run `cargo snakebridge setup`");
        None
    } else {
        r.ok("Venv", format!("{} ({source})", venv_path.display()));
        match env.inspect() {
            Ok(d) => Some(d),
            Err(e) => {
                r.bad("Interpreter", &e, "see above");
                None
            }
        }
    };
    if let Some(d) = &details {
        let line = format!("{} {} at {} ({})", d.implementation, d.version, d.executable.display(), d.platform);
        if d.major_minor() == Some((major, minor)) {
            r.ok("Interpreter", line);
        } else {
            r.bad(
                "Interpreter",
                format!("{line}: not the embedded {major}.{minor}"),
                &format!("recreate the venv with python{major}.{minor} -m venv {}", venv_path.display()),
            );
        }
        match &d.libpython {
            Some(lib) if lib.exists() => r.ok("libpython", lib.display()),
            Some(lib) => r.bad(
                "libpython",
                format!("{} is missing", lib.display()),
                "install the Python development/shared library package (e.g. `apt install libpython3.11`)",
            ),
            None => r.ok("libpython", "statically linked interpreter (none needed by the venv)"),
        }
        for (i, sp) in d.site_packages.iter().enumerate() {
            r.ok(if i == 0 { "site-packages" } else { "" }, sp.display());
        }
        let mut runtime_config = RuntimeConfig::with_project_root(&project.root);
        runtime_config.venv = project.venv.clone();
        match snakebridge_runtime::init(runtime_config) {
            Ok(info) => r.ok(
                "Runtime",
                format!(
                    "embedded interpreter started: Python {}",
                    info.version.split_whitespace().next().unwrap_or("?")
                ),
            ),
            Err(e) => r.bad("Runtime", &e, "see the message"),
        }
    }

    let requirements = project.requirements();
    if requirements.is_empty() {
        r.ok("Packages", "none declared in [package.metadata.snakebridge.python_deps]");
    } else if let Some(d) = &details {
        let missing = missing_packages(project, d);
        for req in &requirements {
            let name = snakebridge_env::Requirement::parse(req)
                .map(|r| snakebridge_env::normalize_name(&r.name))
                .unwrap_or_default();
            let installed = d.packages.get(&name).map(|v| format!(" (installed {v})")).unwrap_or_default();
            if missing.contains(req) {
                r.bad("Package", format!("{req}{installed}"), "run `cargo snakebridge setup`");
            } else {
                r.ok("Package", format!("{req}{installed} {}", out.paint("✓", "32")));
            }
        }
    } else {
        r.bad(
            "Packages",
            format!("{} declared, none checkable without a venv", requirements.len()),
            "run `cargo snakebridge setup`",
        );
    }
    let policy = project.effective_auto_install().map(|p| p.to_string()).unwrap_or_else(|e| format!("invalid: {e}"));
    r.ok(
        "Auto-install",
        format!("{policy}{}", if project.effective_strict() { " (strict mode: installs nothing)" } else { "" }),
    );
    match Installer::detect() {
        Ok(Some(installer)) => r.ok("Installer", installer.describe()),
        Ok(None) => r.ok("Installer", "uv (not on PATH; setup fetches it into the tool cache)"),
        Err(_) => r.bad(
            "Installer",
            format!("SNAKEBRIDGE_INSTALLER is `{}`", std::env::var("SNAKEBRIDGE_INSTALLER").unwrap_or_default()),
            "set SNAKEBRIDGE_INSTALLER to uv or pip, or unset it to use uv with pip as the fallback",
        ),
    }

    let hw = HardwareInfo::probe();
    r.ok("Platform", &hw.platform);
    r.ok("Accelerator", hw.accelerator);
    if let Some(c) = &hw.cuda_version {
        r.ok("CUDA version", c);
    }
    if let Some(v) = &hw.rocm_version {
        r.ok("ROCm version", v);
    }
    r.ok("GPU count", hw.gpu_count);
    for g in &hw.gpus {
        let cc = g.compute_capability.as_deref().map(|c| format!(", compute {c}")).unwrap_or_default();
        let mem = g.memory_mib.map(|m| format!(", {m} MiB")).unwrap_or_default();
        r.ok("GPU", format!("{}{mem}{cc}", g.name));
    }
    r.ok("CPU features", if hw.cpu_features.is_empty() { "none detected".into() } else { hw.cpu_features.join(" ") });
    for note in &hw.notes {
        r.ok("Note", note);
    }
    let selector = WheelSelector::new(project.wheels.clone(), hw);
    r.ok("PyTorch wheels", format!("{} from {}", selector.pytorch_variant(), selector.pytorch_index_url()));

    let lock = project.lock_path();
    r.ok(
        "Lock file",
        if lock.is_file() {
            format!("{} (check it with `cargo snakebridge verify`)", lock.display())
        } else {
            format!("{} not written yet (`cargo snakebridge setup` writes it)", lock.display())
        },
    );
    let libs = generated_libraries(&project.root);
    if libs.is_empty() {
        r.ok("Generated libraries", "none (.snakebridge/ holds no manifests)");
    }
    for lib in libs {
        match &lib.problem {
            Some(p) => r.bad(
                "Generated library",
                format!("{} ({}): {p}", lib.library, lib.manifest),
                "run `cargo snakebridge prepare`",
            ),
            None => r.ok(
                "Generated library",
                format!(
                    "{}{}: {} functions, {} classes, {} submodules ({})",
                    lib.library,
                    lib.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default(),
                    lib.functions,
                    lib.classes,
                    lib.submodules,
                    lib.manifest
                ),
            ),
        }
    }
    out.say("");
    if r.problems == 0 {
        out.ok("no problems found");
        0
    } else {
        out.bad(format!("{} problem(s) found", r.problems));
        1
    }
}
