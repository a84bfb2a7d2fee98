"""FFT PyTorch peer cases (ids match bench/cases/fft.ts)."""
import torch


def _randn(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=dtype, generator=g)


def rfftn_f64():
    x = _randn((32, 32, 128, 128), torch.float64, 0)
    return lambda: torch.fft.rfftn(x)


def rfftn_f32():
    x = _randn((32, 32, 128, 128), torch.float32, 0)
    return lambda: torch.fft.rfftn(x)


def irfftn_c128():
    X = torch.fft.rfftn(_randn((32, 32, 128, 128), torch.float64, 0))
    return lambda: torch.fft.irfftn(X, s=(32, 32, 128, 128))


def fftn_c128():
    x = _randn((64, 255, 255), torch.complex128, 0)
    return lambda: torch.fft.fftn(x)


def fft_pow2():
    x = _randn((2 ** 20,), torch.complex128, 0)
    return lambda: torch.fft.fft(x)


def fft_1e6():
    x = _randn((1000000,), torch.complex128, 0)
    return lambda: torch.fft.fft(x)


CASES = {
    "fft_rfftn_32x32x128x128_f64": rfftn_f64,
    "fft_rfftn_32x32x128x128_f32": rfftn_f32,
    "fft_irfftn_32x32x128x65_c128": irfftn_c128,
    "fft_fftn_64x255x255_c128": fftn_c128,
    "fft_fft_1048576_c128": fft_pow2,
    "fft_fft_1000000_c128": fft_1e6,
}
