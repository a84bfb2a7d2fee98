"""Peer cases for the circular conv pseudo-inverse (ids match bench/cases/conv-pinv.ts).

The seed answer's PyTorch pipeline, end to end from y to x_hat including the factorisation:
rfftn(K) -> linalg.pinv per frequency -> rfftn(y) -> einsum -> irfftn. c = 32, 128x128.
"""
import torch


def _pipeline(b, dtype):
    g = torch.Generator().manual_seed(0)
    c, n = 32, 128
    K = torch.randn(c, c, 3, 3, dtype=dtype, generator=g)
    y = torch.randn(b, c, n, n, dtype=dtype, generator=g)
    s = (n, n)

    def run():
        K_f = torch.fft.rfftn(K, s)
        K_f_inv = torch.linalg.pinv(K_f.permute(3, 2, 1, 0)).permute(3, 2, 1, 0)
        y_f = torch.fft.rfftn(y, s)
        x_f = torch.einsum('jkxy,ikxy->ijxy', K_f_inv.conj(), y_f)
        return torch.fft.irfftn(x_f, s)

    return run


CASES = {
    'conv_pinv_circ_b1_f32': lambda: _pipeline(1, torch.float32),
    'conv_pinv_circ_b4_f32': lambda: _pipeline(4, torch.float32),
    'conv_pinv_circ_b1_f64': lambda: _pipeline(1, torch.float64),
    'conv_pinv_circ_b4_f64': lambda: _pipeline(4, torch.float64),
}
