"""PyTorch peer cases for dense factorisations (ids match bench/cases/linalg-factor.ts)."""
import torch


def _randn(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=dtype, generator=g)


def _diag_dominant(b, n, dtype, seed):
    return _randn((b, n, n), dtype, seed) + n * torch.eye(n, dtype=dtype)


def _hpd(b, n, seed):
    m = _randn((b, n, n), torch.complex128, seed)
    return m @ m.mH / n + torch.eye(n, dtype=torch.complex128)


def solve_8320x32x4_c128():
    a = _diag_dominant(8320, 32, torch.complex128, 1)
    b = _randn((8320, 32, 4), torch.complex128, 2)
    return lambda: torch.linalg.solve(a, b)


def solve_8320x32x4_c64():
    a = _diag_dominant(8320, 32, torch.complex64, 1)
    b = _randn((8320, 32, 4), torch.complex64, 2)
    return lambda: torch.linalg.solve(a, b)


def solve_8320x32x4_f64():
    a = _diag_dominant(8320, 32, torch.float64, 1)
    b = _randn((8320, 32, 4), torch.float64, 2)
    return lambda: torch.linalg.solve(a, b)


def inv_1000x64_f64():
    a = _diag_dominant(1000, 64, torch.float64, 3)
    return lambda: torch.linalg.inv(a)


def det_8320x32_c128():
    a = _diag_dominant(8320, 32, torch.complex128, 4)
    return lambda: torch.linalg.det(a)


def cholesky_8320x32_c128():
    a = _hpd(8320, 32, 5)
    return lambda: torch.linalg.cholesky(a)


def qr_1000x64x32_c128():
    a = _randn((1000, 64, 32), torch.complex128, 6)
    return lambda: torch.linalg.qr(a)


def qr_200x128_f64():
    a = _randn((200, 128, 128), torch.float64, 7)
    return lambda: torch.linalg.qr(a)


CASES = {
    "solve_8320x32x4_c128": solve_8320x32x4_c128,
    "solve_8320x32x4_c64": solve_8320x32x4_c64,
    "solve_8320x32x4_f64": solve_8320x32x4_f64,
    "inv_1000x64_f64": inv_1000x64_f64,
    "det_8320x32_c128": det_8320x32_c128,
    "cholesky_8320x32_c128": cholesky_8320x32_c128,
    "qr_1000x64x32_c128": qr_1000x64x32_c128,
    "qr_200x128_f64": qr_200x128_f64,
}
