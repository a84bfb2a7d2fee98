"""PyTorch peer cases for convolutions (ids match bench/cases/conv.ts)."""
import torch
import torch.nn.functional as F


def _randn(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=dtype, generator=g)


def _seed_layer(dtype):
    return _randn((1, 32, 128, 128), dtype, 0), _randn((32, 32, 3, 3), dtype, 1)


def conv2d_seed_f64():
    x, w = _seed_layer(torch.float64)
    return lambda: F.conv2d(x, w, padding=1)


def conv2d_seed_f32():
    x, w = _seed_layer(torch.float32)
    return lambda: F.conv2d(x, w, padding=1)


def conv2d_seed_circular_f64():
    x, w = _seed_layer(torch.float64)
    # What nn.Conv2d(padding_mode='circular') does: pad explicitly, then a 'valid' conv.
    return lambda: F.conv2d(F.pad(x, (1, 1, 1, 1), mode='circular'), w)


def conv_transpose2d_seed_f64():
    x, w = _seed_layer(torch.float64)
    return lambda: F.conv_transpose2d(x, w, padding=1)


def conv2d_seed_stride2_f64():
    x, w = _seed_layer(torch.float64)
    return lambda: F.conv2d(x, w, padding=1, stride=2)


def conv_transpose2d_stride2_f64():
    x, w = _randn((1, 32, 64, 64), torch.float64, 0), _randn((32, 32, 3, 3), torch.float64, 1)
    return lambda: F.conv_transpose2d(x, w, padding=1, stride=2, output_padding=1)


def conv2d_c128():
    x, w = _randn((1, 16, 64, 64), torch.complex128, 0), _randn((16, 16, 3, 3), torch.complex128, 1)
    return lambda: F.conv2d(x, w, padding=1)


def conv2d_depthwise_f64():
    x, w = _randn((4, 64, 32, 32), torch.float64, 0), _randn((64, 1, 3, 3), torch.float64, 1)
    return lambda: F.conv2d(x, w, padding=1, groups=64)


CASES = {
    'conv2d_seed_f64': conv2d_seed_f64,
    'conv2d_seed_f32': conv2d_seed_f32,
    'conv2d_seed_circular_f64': conv2d_seed_circular_f64,
    'conv_transpose2d_seed_f64': conv_transpose2d_seed_f64,
    'conv2d_seed_stride2_f64': conv2d_seed_stride2_f64,
    'conv_transpose2d_stride2_f64': conv_transpose2d_stride2_f64,
    'conv2d_c128': conv2d_c128,
    'conv2d_depthwise_f64': conv2d_depthwise_f64,
}
