"""Functions annotated with NDArray[...] for tests/python_module_arrays.rs: numpy's own stubs
type inputs ArrayLike, so these give #[python_module] typed array parameters to generate."""

import numpy as np
from numpy.typing import NDArray


def cumsum(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """The running sum of the flattened array."""
    return np.cumsum(a)


def argsort(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """An annotation that lies: the indices are intp, not float64."""
    return np.argsort(a)


def conj(a: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """The complex conjugate."""
    return np.conj(a)
