"""PyTorch peer cases for spectral linear algebra (ids match bench/cases/linalg-spectral.ts)."""
import torch


def _crandn(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=dtype, generator=g)


def pinv_8320x32_c128():
    a = _crandn((8320, 32, 32), torch.complex128, 0)
    return lambda: torch.linalg.pinv(a)


def pinv_8320x32_c64():
    a = _crandn((8320, 32, 32), torch.complex64, 0)
    return lambda: torch.linalg.pinv(a)


def pinv_1000x32_rank16_c128():
    a = _crandn((1000, 32, 16), torch.complex128, 10) @ _crandn((1000, 16, 32), torch.complex128, 12)
    return lambda: torch.linalg.pinv(a)


def svd_1000x64_f64():
    a = _crandn((1000, 64, 64), torch.float64, 0)
    return lambda: torch.linalg.svd(a)


def svd_8320x32_c128_reduced():
    a = _crandn((8320, 32, 32), torch.complex128, 0)
    return lambda: torch.linalg.svd(a, full_matrices=False)


def eigh_1000x64_c128():
    a = _crandn((1000, 64, 64), torch.complex128, 0)
    return lambda: torch.linalg.eigh(a)


CASES = {
    "pinv_8320x32_c128": pinv_8320x32_c128,
    "pinv_8320x32_c64": pinv_8320x32_c64,
    "pinv_1000x32_rank16_c128": pinv_1000x32_rank16_c128,
    "svd_1000x64_f64": svd_1000x64_f64,
    "eigh_1000x64_c128": eigh_1000x64_c128,
    "svd_8320x32_c128_reduced": svd_8320x32_c128_reduced,
}
