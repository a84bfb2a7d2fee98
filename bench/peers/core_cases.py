"""Core PyTorch peer cases: matmul, the seed einsum, elementwise add (ids match bench/cases/core.ts)."""
import torch


def _randn(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=dtype, generator=g)


def matmul_1024_f64():
    a, b = _randn((1024, 1024), torch.float64, 0), _randn((1024, 1024), torch.float64, 1)
    return lambda: torch.matmul(a, b)


def matmul_batch_4096x32_f64():
    a, b = _randn((4096, 32, 32), torch.float64, 0), _randn((4096, 32, 32), torch.float64, 1)
    return lambda: torch.matmul(a, b)


def matmul_512_c128():
    a, b = _randn((512, 512), torch.complex128, 0), _randn((512, 512), torch.complex128, 1)
    return lambda: torch.matmul(a, b)


def einsum_seed_c128():
    kf = _randn((32, 32, 128, 65), torch.complex128, 0)
    xf = _randn((4, 32, 128, 65), torch.complex128, 1)
    return lambda: torch.einsum("jkxy,ikxy->ijxy", kf, xf)


def einsum_chain3_f64():
    a = _randn((256, 512), torch.float64, 0)
    b = _randn((512, 256), torch.float64, 1)
    v = _randn((256,), torch.float64, 2)
    return lambda: torch.einsum("ij,jk,k->i", a, b, v)


def add_2p24_f64():
    n = 2**24
    a, b = _randn((n,), torch.float64, 0), _randn((n,), torch.float64, 1)
    return lambda: torch.add(a, b)


CASES = {
    "matmul_1024_f64": matmul_1024_f64,
    "matmul_batch_4096x32_f64": matmul_batch_4096x32_f64,
    "matmul_512_c128": matmul_512_c128,
    "einsum_seed_c128": einsum_seed_c128,
    "einsum_chain3_f64": einsum_chain3_f64,
    "add_2p24_f64": add_2p24_f64,
}
