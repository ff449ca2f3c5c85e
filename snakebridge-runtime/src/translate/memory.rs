//! The out-of-memory phrasings of PyTorch (CUDA, MPS) and NumPy.

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
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("CPU"),
            Device::Cuda(i) => write!(f, "CUDA:{i}"),
            Device::Mps => f.write_str("MPS"),
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
    if message.contains("CUDA out of memory") || message.contains("CUDA error: out of memory") {
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
    None
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
        "KiB" | "KB" | "kB" => 1.0 / 1024.0,
        "MiB" | "MB" => 1.0,
        "GiB" | "GB" => 1024.0,
        "TiB" | "TB" => 1024.0 * 1024.0,
        "PiB" | "PB" => 1024.0 * 1024.0 * 1024.0,
        "EiB" | "EB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let mib = (n * factor).round();
    // `as` saturates for floats too large for u64, so absurd figures cannot wrap.
    Some((mib as u64, c))
}
