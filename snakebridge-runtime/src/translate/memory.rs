//! The out-of-memory phrasings of PyTorch (CUDA, ROCm, MPS), NumPy, TensorFlow and JAX/XLA.

use std::fmt;

use super::cursor::Cursor;

/// The device that ran out of memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Device {
    /// Host memory.
    Cpu,
    /// A CUDA GPU, by index.
    Cuda(u32),
    /// Apple's Metal Performance Shaders device.
    Mps,
    /// A GPU as TensorFlow names it (`/device:GPU:0`), by index.
    Gpu(u32),
    /// A TPU (JAX/XLA on TPU), by index; 0 when the message does not say.
    Tpu(u32),
    /// An XLA device the message does not name (JAX's `RESOURCE_EXHAUSTED` on GPU or TPU).
    Accelerator,
}

impl Device {
    /// Parses a device as PyTorch and TensorFlow print it: `cuda:0`, `cuda`, `cpu`, `mps:0`,
    /// `/job:localhost/replica:0/task:0/device:GPU:1`, `TPU:0`; `None` for anything else.
    pub fn from_string(text: &str) -> Option<Device> {
        let t = text.trim().trim_matches(|c| c == '\'' || c == '"').trim_end_matches(['!', '.', ',', ')', ';']);
        let t = t.rsplit("device:").next().unwrap_or(t);
        let (kind, index) = match t.split_once(':') {
            Some((k, i)) => (k, Some(i.parse::<u32>().ok()?)),
            None => (t, None),
        };
        let index = index.unwrap_or(0);
        match kind.to_ascii_lowercase().as_str() {
            "cpu" => Some(Device::Cpu),
            "cuda" => Some(Device::Cuda(index)),
            "mps" => Some(Device::Mps),
            "gpu" => Some(Device::Gpu(index)),
            "tpu" => Some(Device::Tpu(index)),
            _ => None,
        }
    }

    /// The name PyTorch accepts in `.to(...)` (`"cuda:0"`, `"cpu"`, `"mps"`); TensorFlow and
    /// XLA devices get their own spelling (`"GPU:0"`).
    pub fn torch_name(&self) -> String {
        match self {
            Device::Cpu => "cpu".into(),
            Device::Cuda(i) => format!("cuda:{i}"),
            Device::Mps => "mps".into(),
            Device::Gpu(i) => format!("GPU:{i}"),
            Device::Tpu(i) => format!("TPU:{i}"),
            Device::Accelerator => "accelerator".into(),
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("CPU"),
            Device::Cuda(i) => write!(f, "CUDA:{i}"),
            Device::Mps => f.write_str("MPS"),
            Device::Gpu(i) => write!(f, "GPU:{i}"),
            Device::Tpu(i) => write!(f, "TPU:{i}"),
            Device::Accelerator => f.write_str("the XLA device"),
        }
    }
}

/// A device ran out of memory.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OutOfMemory {
    /// The device.
    pub device: Device,
    /// How much the failed allocation asked for, in MiB.
    pub requested_mb: Option<u64>,
    /// The device's total memory (or the allowed maximum on MPS), in MiB.
    pub total_mb: Option<u64>,
    /// The memory that was still free, in MiB.
    pub available_mb: Option<u64>,
}

impl OutOfMemory {
    /// The recovery steps, most effective first.
    pub fn suggestions(&self) -> Vec<String> {
        let mut s = vec!["reduce the batch size (or the sequence length / image size)".to_owned()];
        match self.device {
            Device::Cuda(_) => {
                s.push("free cached blocks with `torch.cuda.empty_cache()` and drop references to tensors you no longer need".into());
                s.push("use mixed precision (`torch.autocast`, float16/bfloat16) or gradient checkpointing".into());
                s.push("set PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True when reserved memory is much larger than allocated".into());
            }
            Device::Mps => {
                s.push("free cached blocks with `torch.mps.empty_cache()`".into());
                s.push("use float16 weights, or raise PYTORCH_MPS_HIGH_WATERMARK_RATIO (0.0 lifts the limit, at the risk of system instability)".into());
            }
            Device::Cpu => {
                s.push("process the data in chunks, or use a smaller dtype (float32 instead of float64)".into());
                s.push("use memory-mapped arrays (`numpy.memmap`) for data larger than RAM".into());
            }
            Device::Gpu(_) => {
                s.push("in TensorFlow, let the allocator grow instead of reserving everything: `tf.config.experimental.set_memory_growth(gpu, True)` before the first op".into());
                s.push("use mixed precision (`tf.keras.mixed_precision.set_global_policy(\"mixed_float16\")`)".into());
            }
            Device::Tpu(_) | Device::Accelerator => {
                s.push("in JAX, rematerialise activations with `jax.checkpoint` (`jax.remat`) and keep weights in bfloat16".into());
                s.push("shard the arrays across devices (`jax.sharding`), or donate buffers you no longer need (`jax.jit(..., donate_argnums=...)`)".into());
                s.push("on GPU, XLA_PYTHON_CLIENT_PREALLOCATE=false or a larger XLA_PYTHON_CLIENT_MEM_FRACTION changes how much memory JAX claims up front".into());
            }
        }
        if !matches!(self.device, Device::Cpu) {
            s.push("move part of the work to the CPU".into());
        }
        s
    }
}

/// Recognises the out-of-memory phrasings.
pub(super) fn parse(message: &str) -> Option<OutOfMemory> {
    let m = Cursor::new(message);
    // ROCm builds of PyTorch say HIP but are driven through `torch.cuda`.
    if message.contains("CUDA out of memory")
        || message.contains("CUDA error: out of memory")
        || message.contains("HIP out of memory")
    {
        return Some(cuda(m));
    }
    if let Some(c) = m.skip_past("MPS backend out of memory") {
        // "MPS backend out of memory (MPS allocated: 1.50 GB, other allocations: 2.00 GB, max allowed: 3.40 GB).
        //  Tried to allocate 256.00 MB on private pool."
        let allocated = c.skip_past("MPS allocated: ").and_then(amount).map(|(n, _)| n);
        let other = c.skip_past("other allocations: ").and_then(amount).map(|(n, _)| n);
        let total = c.skip_past("max allowed: ").and_then(amount).map(|(n, _)| n);
        let available = match (total, allocated, other) {
            (Some(t), Some(a), Some(o)) => Some(t.saturating_sub(a.saturating_add(o))),
            _ => None,
        };
        let requested = c.skip_past("Tried to allocate ").and_then(amount).map(|(n, _)| n);
        return Some(OutOfMemory {
            device: Device::Mps,
            requested_mb: requested,
            total_mb: total,
            available_mb: available,
        });
    }
    // NumPy: "Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type float64"
    if let Some(c) = m.skip_past("Unable to allocate ") {
        if c.rest().contains("for an array") {
            let requested = amount(c).map(|(n, _)| n);
            return Some(OutOfMemory {
                device: Device::Cpu,
                requested_mb: requested,
                total_mb: None,
                available_mb: None,
            });
        }
    }
    // PyTorch CPU allocator: "[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: not enough memory: you tried to allocate 8000000000 bytes."
    if let Some(c) = m.skip_past("DefaultCPUAllocator: not enough memory: you tried to allocate ") {
        let requested = c.integer().map(|(bytes, _)| bytes / (1 << 20));
        return Some(OutOfMemory { device: Device::Cpu, requested_mb: requested, total_mb: None, available_mb: None });
    }
    xla_and_tf(m)
}

/// TensorFlow's and XLA's phrasings.
fn xla_and_tf(m: Cursor<'_>) -> Option<OutOfMemory> {
    let bare = |device| OutOfMemory { device, requested_mb: None, total_mb: None, available_mb: None };
    // TensorFlow: "OOM when allocating tensor with shape[32,1024,64,64] and type float on
    // /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc"
    if let Some(c) = m.skip_past("OOM when allocating tensor with shape") {
        let shape = c.shape();
        let after = shape.as_ref().map(|s| s.1).unwrap_or(c);
        let dtype = after.skip_past(" and type ").and_then(Cursor::word).map(|(w, _)| w);
        let device = after
            .skip_past(" on ")
            .and_then(|c| c.rest().split_whitespace().next())
            .and_then(Device::from_string)
            .unwrap_or(Device::Gpu(0));
        let requested = match (shape, dtype.and_then(element_bytes)) {
            (Some((dims, _)), Some(bytes)) => {
                dims.iter().try_fold(bytes, |acc, &d| acc.checked_mul(d)).map(|b| b.div_ceil(1 << 20))
            }
            _ => None,
        };
        return Some(OutOfMemory { requested_mb: requested, ..bare(device) });
    }
    // XLA/JAX: "RESOURCE_EXHAUSTED: Out of memory while trying to allocate 33762398024 bytes."
    // (or "... allocate 16.00GiB."); the BFC allocator's "Out of memory allocating 4294967296 bytes".
    for phrase in ["Out of memory while trying to allocate ", "Out of memory allocating "] {
        if let Some(c) = m.skip_past(phrase) {
            if let Some((mb, _)) = amount(c) {
                return Some(OutOfMemory { requested_mb: Some(mb), ..bare(Device::Accelerator) });
            }
        }
    }
    // XLA on TPU: "RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in
    // memory space hbm. Used 20.93G of 15.48G hbm. Exceeded hbm capacity by 5.45G."
    if let Some(c) = m.skip_past("Ran out of memory in memory space ") {
        let used = c.skip_past("Used ").and_then(amount);
        let total = used.and_then(|(_, c)| c.expect(" of ")).and_then(amount).map(|(n, _)| n);
        return Some(OutOfMemory { requested_mb: used.map(|(n, _)| n), total_mb: total, ..bare(Device::Tpu(0)) });
    }
    None
}

/// The size of one element of a TensorFlow dtype (`float`, `half`, `int64`, …).
fn element_bytes(name: &str) -> Option<u64> {
    Some(match name {
        "double" | "int64" | "uint64" | "complex64" => 8,
        "float" | "int32" | "uint32" => 4,
        "half" | "bfloat16" | "int16" | "uint16" => 2,
        "int8" | "uint8" | "bool" | "qint8" | "quint8" => 1,
        "complex128" => 16,
        _ => return None,
    })
}

fn cuda(m: Cursor<'_>) -> OutOfMemory {
    let requested = m.skip_past("Tried to allocate ").and_then(amount).map(|(n, _)| n);
    // Old phrasing: "(GPU 0; 15.78 GiB total capacity; 12.34 GiB already allocated; 1.23 GiB free; …)"
    // New phrasing: "GPU 0 has a total capacity of 79.15 GiB of which 5.06 MiB is free."
    let gpu = m.skip_past("GPU ").and_then(|c| c.integer()).and_then(|(n, _)| u32::try_from(n).ok()).unwrap_or(0);
    let total = m
        .skip_past("total capacity of ")
        .and_then(amount)
        .map(|(n, _)| n)
        .or_else(|| find_before(m, " total capacity"));
    let free = m.skip_past(" of which ").and_then(amount).map(|(n, _)| n).or_else(|| find_before(m, " free"));
    OutOfMemory { device: Device::Cuda(gpu), requested_mb: requested, total_mb: total, available_mb: free }
}

/// The amount written just before `label` inside a `;`-separated list: `12.34 GiB free`.
fn find_before(m: Cursor<'_>, label: &str) -> Option<u64> {
    let text = m.rest();
    let at = text.find(label)?;
    let head = &text[..at];
    let start = head.rfind([';', '(']).map(|i| i + 1).unwrap_or(0);
    amount(Cursor::new(head[start..].trim_start())).map(|(n, _)| n)
}

/// `2.00 GiB`, `256.00 MB`, `20 MiB`, `800 bytes`, converted to MiB (rounded; saturating).
fn amount(c: Cursor<'_>) -> Option<(u64, Cursor<'_>)> {
    let (n, c) = c.decimal()?;
    let (unit, c) = c.skip_spaces().word()?;
    let factor = match unit {
        "B" | "bytes" => 1.0 / (1024.0 * 1024.0),
        // XLA's memory reports write `20.93G`, `530.01M`.
        "KiB" | "KB" | "kB" | "K" => 1.0 / 1024.0,
        "MiB" | "MB" | "M" => 1.0,
        "GiB" | "GB" | "G" => 1024.0,
        "TiB" | "TB" | "T" => 1024.0 * 1024.0,
        "PiB" | "PB" => 1024.0 * 1024.0 * 1024.0,
        "EiB" | "EB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let mib = (n * factor).round();
    // `as` saturates for floats too large for u64, so absurd figures cannot wrap.
    Some((mib as u64, c))
}
