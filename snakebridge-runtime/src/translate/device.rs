//! Tensors on different devices (PyTorch's device-mismatch phrasings).

use super::cursor::Cursor;
use super::dtype::{Dtype, DtypeMismatch};
use super::memory::Device;

/// Two tensors that an operation needs on one device are on two.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceMismatch {
    /// The device the operation ran on (the first tensor's, or a layer's weight's).
    pub expected: Device,
    /// The device of the tensor that is elsewhere.
    pub got: Device,
    /// The argument that is on the wrong device, when the message names it (`"mat1"`, `"input"`).
    pub argument: Option<String>,
}

impl DeviceMismatch {
    /// What to do: move the stray tensor.
    pub fn suggestion(&self) -> String {
        let arg = self.argument.as_deref().map(|a| format!(" (`{a}`)")).unwrap_or_default();
        format!(
            "move the tensor on {}{arg} to {} before the call: `x.to(\"{}\")`, or create the model and every input with one `device = torch.device(...)` and `.to(device)` (`x.to(next(model.parameters()).device)` matches a model)",
            self.got.torch_name(),
            self.expected.torch_name(),
            self.expected.torch_name()
        )
    }
}

/// What a device-related message reports: a device mismatch or, for a layer whose input and
/// weight are on one device but of two types, a dtype mismatch.
pub(super) enum Found {
    Device(DeviceMismatch),
    Dtype(DtypeMismatch),
}

/// Recognises the device-mismatch phrasings.
pub(super) fn parse(message: &str) -> Option<Found> {
    let m = Cursor::new(message);
    let found = |expected, got, argument: Option<&str>| {
        Some(Found::Device(DeviceMismatch { expected, got, argument: argument.map(str::to_owned) }))
    };
    // "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and
    // cpu! (when checking argument for argument mat1 in method wrapper_CUDA_addmm)"
    if let Some(c) = m.skip_past("Expected all tensors to be on the same device") {
        let c = c.skip_past("devices, ")?;
        let (a, c) = c.until(" and ")?;
        let b = c.rest().split_whitespace().next()?;
        let arg = c.skip_past("for argument ").and_then(Cursor::word).map(|(w, _)| w);
        return found(Device::from_string(a)?, Device::from_string(b)?, arg);
    }
    // Older: "Expected object of device type cuda but got device type cpu for argument #1 'self' in call to _th_addmm"
    if let Some(c) = m.skip_past("Expected object of device type ") {
        let (e, c) = c.word()?;
        let (g, c) = c.expect(" but got device type ")?.word()?;
        let arg = c.skip_past("'").and_then(|c| c.until("'")).map(|(a, _)| a);
        return found(Device::from_string(e)?, Device::from_string(g)?, arg);
    }
    // "Input type (torch.FloatTensor) and weight type (torch.cuda.FloatTensor) should be the same";
    // with both on one device it is a dtype mismatch: "Input type (torch.cuda.HalfTensor) and
    // weight type (torch.cuda.FloatTensor) should be the same".
    if let Some(c) = m.skip_past("Input type (") {
        let (input, c) = c.until(")")?;
        let (weight, _) = c.expect(" and weight type (")?.until(")")?;
        let (input_dev, input_ty) = tensor_type(input)?;
        let (weight_dev, weight_ty) = tensor_type(weight)?;
        if input_dev != weight_dev {
            return found(weight_dev, input_dev, Some("input"));
        }
        return Some(Found::Dtype(DtypeMismatch { expected: weight_ty, got: input_ty, operation: None }));
    }
    None
}

/// `torch.cuda.HalfTensor` → (CUDA, float16); `torch.FloatTensor` → (CPU, float32).
fn tensor_type(name: &str) -> Option<(Device, Dtype)> {
    let rest = name.trim().strip_prefix("torch.")?;
    let (device, rest) = match rest.split_once('.') {
        Some((dev, rest)) => (Device::from_string(dev)?, rest),
        None => (Device::Cpu, rest),
    };
    let kind = rest.strip_suffix("Tensor")?;
    (!kind.is_empty()).then(|| (device, Dtype::from_string(kind)))
}
