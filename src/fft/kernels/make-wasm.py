"""Generates src/fft/kernels/stockham.wat: the radix 2, 3, 4, 5 and 8 Stockham passes of mixed-radix.ts in
WebAssembly SIMD, one complex number per f64x2 ([re, im]), plus the hand-written helpers of nd.ts (HELPERS below:
row/lane transposes with float32/float64 conversion, the real pre/post-processing, the four-step twiddles).

Run: python3 src/fft/kernels/make-wasm.py && node scripts/build-wasm.mjs

Every value is computed with the same operations in the same order as the JS pass (no FMA; a − b·c written as
a + b·(−c), which rounds identically because negation is exact), so both paths give bitwise identical results
(test/fft/wasm.test.ts checks that). Complex products use ω as the pair [wr, wr] and [−wi, wi]:
  (x·ω) = x·[wr, wr] + swap(x)·[−wi, wi].
Multiplication by σi (σ = ±1, the exponent sign) is swap(x)·[−σ, σ].

Every function takes byte addresses in this module's memory: x (input), y (output), tw (the pass's twiddles,
layout of StockhamPass.tw), then l, R (= m·B complex numbers per run) and the sign σ as f64.
Layout (as in mixed-radix.ts): input q of run j at x + ((p·j + q)·R + t)·16, output u at y + ((j + u·l)·R + t)·16.
"""
import math
import os

SWAP = "i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7"
LO2 = "i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7"
HI2 = "i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15"


class Fn:
    def __init__(self, name, p, unit_skip):
        self.name = name
        self.p = p
        self.unit_skip = unit_skip
        self.vlocals = []
        self.body = []

    def v(self, name):
        if name not in self.vlocals:
            self.vlocals.append(name)
        return name


def get(n):
    return f"(local.get ${n})"


def add(a, b):
    return f"(f64x2.add {a} {b})"


def sub(a, b):
    return f"(f64x2.sub {a} {b})"


def mul(a, b):
    return f"(f64x2.mul {a} {b})"


def swap(a):
    return f"({SWAP} {a} {a})"


def gen(p):
    """One radix-p pass. The JS passes 4 and 8 skip the (unit) twiddles of run j = 0; 2, 3 and 5 multiply."""
    unit_skip = p in (2, 4, 8)
    L = []
    w = L.append
    vl = set()

    def S(name, expr, indent):
        vl.add(name)
        w(" " * indent + f"(local.set ${name} {expr})")

    w(f"  ;; radix {p}")
    w(f"  (func (export \"pass{p}\") (param $x i32) (param $y i32) (param $tw i32) (param $l i32) (param $R i32) (param $sg f64)")
    locals_at = len(L)
    w("    (local $j i32) (local $ip i32) (local $op i32) (local $end i32) (local $tp i32) (local $s i32) (local $o i32)")
    # byte strides: s = R·16 between inputs, o = l·R·16 between outputs
    w("    (local.set $s (i32.shl (local.get $R) (i32.const 4)))")
    w("    (local.set $o (i32.mul (local.get $s) (local.get $l)))")
    # constant vectors
    S("SG", f"(f64x2.mul (f64x2.splat (local.get $sg)) (v128.const f64x2 -1 1))", 4)
    if p == 8:
        S("H", f"(f64x2.splat (f64.const {float.hex(math.sqrt(0.5))}))", 4)
    if p == 3:
        c = math.sqrt(3) / 2
        S("C3", f"(f64x2.mul (f64x2.splat (f64.mul (local.get $sg) (f64.const {float.hex(c)}))) (v128.const f64x2 -1 1))", 4)
        S("HALF", "(f64x2.splat (f64.const 0.5))", 4)
    if p == 5:
        S("C51", f"(f64x2.splat (f64.const {float.hex(math.cos(2 * math.pi / 5))}))", 4)
        S("C52", f"(f64x2.splat (f64.const {float.hex(math.cos(4 * math.pi / 5))}))", 4)
        S("S1", f"(f64x2.splat (f64.mul (local.get $sg) (f64.const {float.hex(math.sin(2 * math.pi / 5))})))", 4)
        S("S2", f"(f64x2.splat (f64.mul (local.get $sg) (f64.const {float.hex(math.sin(4 * math.pi / 5))})))", 4)
        S("PM", "(v128.const f64x2 -1 1)", 4)
    for q in range(2, p):
        w(f"    (local.set $s{q} (i32.mul (local.get $s) (i32.const {q})))")
        w(f"    (local.set $o{q} (i32.mul (local.get $o) (i32.const {q})))")

    def inoff(q):
        if q == 0:
            return get("ip")
        if q == 1:
            return f"(i32.add (local.get $ip) (local.get $s))"
        return f"(i32.add (local.get $ip) (local.get $s{q}))"

    def outaddr(u):
        if u == 0:
            return get("op")
        if u == 1:
            return f"(i32.add (local.get $op) (local.get $o))"
        return f"(i32.add (local.get $op) (local.get $o{u}))"

    def store(u, expr, ind):
        w(" " * ind + f"(v128.store {outaddr(u)} {expr})")

    def cmul(a, q):
        return add(mul(a, get(f"W{q}r")), mul(swap(a), get(f"W{q}i")))

    def butterfly(twiddled, ind):
        for q in range(p):
            S(f"a{q}", f"(v128.load {inoff(q)})", ind)
        if twiddled:
            for q in range(1, p):
                S(f"a{q}", cmul(get(f"a{q}"), q), ind)
        a = lambda q: get(f"a{q}")
        if p == 2:
            store(0, add(a(0), a(1)), ind)
            store(1, sub(a(0), a(1)), ind)
        elif p == 4:
            S("t0", add(a(0), a(2)), ind)
            S("t1", sub(a(0), a(2)), ind)
            S("t2", add(a(1), a(3)), ind)
            S("t3", mul(swap(sub(a(1), a(3))), get("SG")), ind)
            store(0, add(get("t0"), get("t2")), ind)
            store(2, sub(get("t0"), get("t2")), ind)
            store(1, add(get("t1"), get("t3")), ind)
            store(3, sub(get("t1"), get("t3")), ind)
        elif p == 8:
            for (i0, i4, i2, i6, pre) in ((0, 4, 2, 6, "e"), (1, 5, 3, 7, "d")):
                S("t0", add(a(i0), a(i4)), ind)
                S("t1", sub(a(i0), a(i4)), ind)
                S("t2", add(a(i2), a(i6)), ind)
                S("t3", mul(swap(sub(a(i2), a(i6))), get("SG")), ind)
                S(f"{pre}0", add(get("t0"), get("t2")), ind)
                S(f"{pre}2", sub(get("t0"), get("t2")), ind)
                S(f"{pre}1", add(get("t1"), get("t3")), ind)
                S(f"{pre}3", sub(get("t1"), get("t3")), ind)
            # odd half d: p1 = (d1 + σi·d1)·√½, p2 = σi·d2, p3 = (σi·d3 − d3)·√½
            S("d1", mul(add(get("d1"), mul(swap(get("d1")), get("SG"))), get("H")), ind)
            S("d2", mul(swap(get("d2")), get("SG")), ind)
            S("d3", mul(sub(mul(swap(get("d3")), get("SG")), get("d3")), get("H")), ind)
            for u in range(4):
                store(u, add(get(f"e{u}"), get(f"d{u}")), ind)
                store(u + 4, sub(get(f"e{u}"), get(f"d{u}")), ind)
        elif p == 3:
            S("t0", add(a(1), a(2)), ind)  # s
            S("t1", sub(a(1), a(2)), ind)  # d
            S("t2", sub(a(0), mul(get("HALF"), get("t0"))), ind)  # m = a0 − ½s
            store(0, add(a(0), get("t0")), ind)
            S("t3", mul(swap(get("t1")), get("C3")), ind)  # [−c·di, c·dr]
            store(1, add(get("t2"), get("t3")), ind)
            store(2, sub(get("t2"), get("t3")), ind)
        elif p == 5:
            S("t0", add(a(1), a(4)), ind)  # s14
            S("t1", sub(a(1), a(4)), ind)  # d14
            S("t2", add(a(2), a(3)), ind)  # s23
            S("t3", sub(a(2), a(3)), ind)  # d23
            S("A1", add(add(a(0), mul(get("C51"), get("t0"))), mul(get("C52"), get("t2"))), ind)
            S("A2", add(add(a(0), mul(get("C52"), get("t0"))), mul(get("C51"), get("t2"))), ind)
            # B1 = s1·d14 + s2·d23, B2 = s2·d14 − s1·d23, then i·B as swap(B)·[−1, 1]
            S("B1", mul(swap(add(mul(get("S1"), get("t1")), mul(get("S2"), get("t3")))), get("PM")), ind)
            S("B2", mul(swap(sub(mul(get("S2"), get("t1")), mul(get("S1"), get("t3")))), get("PM")), ind)
            store(0, add(add(a(0), get("t0")), get("t2")), ind)
            store(1, add(get("A1"), get("B1")), ind)
            store(4, sub(get("A1"), get("B1")), ind)
            store(2, add(get("A2"), get("B2")), ind)
            store(3, sub(get("A2"), get("B2")), ind)

    def run_loop(twiddled, ind):
        # ip = x + p·j·s, op = y + j·s, end = ip + s
        w(" " * ind + f"(local.set $ip (i32.add (local.get $x) (i32.mul (i32.mul (local.get $j) (i32.const {p})) (local.get $s))))")
        w(" " * ind + "(local.set $op (i32.add (local.get $y) (i32.mul (local.get $j) (local.get $s))))")
        w(" " * ind + "(local.set $end (i32.add (local.get $ip) (local.get $s)))")
        w(" " * ind + "(block $tdone (loop $tloop")
        w(" " * ind + "  (br_if $tdone (i32.ge_u (local.get $ip) (local.get $end)))")
        butterfly(twiddled, ind + 2)
        w(" " * ind + "  (local.set $ip (i32.add (local.get $ip) (i32.const 16)))")
        w(" " * ind + "  (local.set $op (i32.add (local.get $op) (i32.const 16)))")
        w(" " * ind + "  (br $tloop)))")

    w("    (local.set $j (i32.const 0))")
    if unit_skip:
        run_loop(False, 4)
        w("    (local.set $j (i32.const 1))")
    w("    (block $jdone (loop $jloop")
    w("      (br_if $jdone (i32.ge_u (local.get $j) (local.get $l)))")
    # twiddles of run j: ω^q at tw + (j·(p−1) + q−1)·16
    w(f"      (local.set $tp (i32.add (local.get $tw) (i32.mul (local.get $j) (i32.const {16 * (p - 1)}))))")
    for q in range(1, p):
        S(f"W{q}", f"(v128.load offset={16 * (q - 1)} (local.get $tp))", 6)
        S(f"W{q}r", f"({LO2} {get(f'W{q}')} {get(f'W{q}')})", 6)
        S(f"W{q}i", f"(f64x2.mul ({HI2} {get(f'W{q}')} {get(f'W{q}')}) (v128.const f64x2 -1 1))", 6)
    run_loop(True, 6)
    w("      (local.set $j (i32.add (local.get $j) (i32.const 1)))")
    w("      (br $jloop)))")
    w("  )")
    L.insert(locals_at, "    " + " ".join(f"(local ${n} v128)" for n in sorted(vl)))
    L.insert(locals_at, "    " + " ".join(f"(local $s{q} i32) (local $o{q} i32)" for q in range(2, p)))
    return "\n".join(L)


# Hand-written helpers of the fused real passes (nd.ts, r2c2Task): conversions and transposes that are exact, and
# the transposed real post-processing of real.ts (r2cPost with transposed = true), with the same operations in the
# same order as the JS code.
def rows_helper(kind, sh, esz, ld):
    """rows_f32 / rows_f64: B rows of complex pairs to lane-major float64, four rows per store run."""
    return f"""  (func (export "rows_{kind}") (param $src i32) (param $dst i32) (param $rows i32) (param $count i32) (param $L i32)
    (local $r i32) (local $sp i32) (local $dp i32) (local $end i32) (local $step i32) (local $rs i32) (local $r4 i32)
    (local.set $step (i32.shl (local.get $L) (i32.const 4)))
    (local.set $rs (i32.shl (local.get $count) (i32.const {sh})))
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $r4)))
      (local.set $sp (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $end (i32.add (local.get $sp) (local.get $rs)))
      (local.set $dp (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 4))))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $sp) (local.get $end)))
        (v128.store offset=0 (local.get $dp) {ld("(local.get $sp)")})
        (v128.store offset=16 (local.get $dp) {ld("(i32.add (local.get $sp) (local.get $rs))")})
        (v128.store offset=32 (local.get $dp) {ld("(i32.add (local.get $sp) (i32.shl (local.get $rs) (i32.const 1)))")})
        (v128.store offset=48 (local.get $dp) {ld("(i32.add (local.get $sp) (i32.mul (local.get $rs) (i32.const 3)))")})
        (local.set $sp (i32.add (local.get $sp) (i32.const {esz})))
        (local.set $dp (i32.add (local.get $dp) (local.get $step)))
        (br $iloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
    (block $r1done (loop $r1loop
      (br_if $r1done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $sp (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $end (i32.add (local.get $sp) (local.get $rs)))
      (local.set $dp (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 4))))
      (block $i1done (loop $i1loop
        (br_if $i1done (i32.ge_u (local.get $sp) (local.get $end)))
        (v128.store (local.get $dp) {ld("(local.get $sp)")})
        (local.set $sp (i32.add (local.get $sp) (i32.const {esz})))
        (local.set $dp (i32.add (local.get $dp) (local.get $step)))
        (br $i1loop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $r1loop)))
  )
"""


ROWS = (
    "  ;; rows → lane-major: `rows` rows of `count` complex pairs (float32 for rows_f32, float64 for rows_f64),\n"
    "  ;; contiguous, entry i of row r to dst + (i·L + r)·16 (L = lane stride ≥ rows). Four rows at a time, so that\n"
    "  ;; each store run fills whole cache lines (row by row, stores 2 KB apart thrash the L1 sets).\n"
    + rows_helper("f32", 3, 8, lambda a: f"(f64x2.promote_low_f32x4 (v128.load64_zero {a}))")
    + rows_helper("f64", 4, 16, lambda a: f"(v128.load {a})")
)

HELPERS = ROWS + r"""
  ;; n doubles (n even) rounded to float32: dst[i] = f32(src[i])
  (func (export "demote") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end4 (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $src) (local.get $end4)))
      (v128.store (local.get $dst)
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (v128.load (local.get $src)))
          (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $src)))))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $loop)))
    (block $done2 (loop $loop2
      (br_if $done2 (i32.ge_u (local.get $src) (local.get $end)))
      (v128.store64_lane 0 (local.get $dst) (f32x4.demote_f64x2_zero (v128.load (local.get $src))))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
      (br $loop2)))
  )
  ;; complex transpose: src [r][f] (rows × cols) to dst + (f·L + r)·16, four rows per store run
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $L i32)
    (local $r i32) (local $sp i32) (local $dp i32) (local $end i32) (local $step i32) (local $rs i32) (local $r4 i32)
    (local.set $step (i32.shl (local.get $L) (i32.const 4)))
    (local.set $rs (i32.shl (local.get $cols) (i32.const 4)))
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $r4)))
      (local.set $sp (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $end (i32.add (local.get $sp) (local.get $rs)))
      (local.set $dp (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 4))))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $sp) (local.get $end)))
        (v128.store offset=0 (local.get $dp) (v128.load (local.get $sp)))
        (v128.store offset=16 (local.get $dp) (v128.load (i32.add (local.get $sp) (local.get $rs))))
        (v128.store offset=32 (local.get $dp) (v128.load (i32.add (local.get $sp) (i32.shl (local.get $rs) (i32.const 1)))))
        (v128.store offset=48 (local.get $dp) (v128.load (i32.add (local.get $sp) (i32.mul (local.get $rs) (i32.const 3)))))
        (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
        (local.set $dp (i32.add (local.get $dp) (local.get $step)))
        (br $iloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rloop)))
    (block $r1done (loop $r1loop
      (br_if $r1done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $sp (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))
      (local.set $end (i32.add (local.get $sp) (local.get $rs)))
      (local.set $dp (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 4))))
      (block $i1done (loop $i1loop
        (br_if $i1done (i32.ge_u (local.get $sp) (local.get $end)))
        (v128.store (local.get $dp) (v128.load (local.get $sp)))
        (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
        (local.set $dp (i32.add (local.get $dp) (local.get $step)))
        (br $i1loop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $r1loop)))
  )
  ;; lane-major (entry i of lane r at src + (i·L + r)·16) to `rows` contiguous rows of `count` complex values times
  ;; `scale`, as float64 (lanes_f64) or rounded to float32 pairs (lanes_f32); one lane at a time (reads 16 bytes
  ;; L·16 apart, writes contiguous)
  (func (export "lanes_f64") (param $src i32) (param $dst i32) (param $rows i32) (param $count i32) (param $L i32) (param $scale f64)
    (local $r i32) (local $sp i32) (local $end i32) (local $step i32) (local $sc v128)
    (local.set $sc (f64x2.splat (local.get $scale)))
    (local.set $step (i32.shl (local.get $L) (i32.const 4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $sp (i32.add (local.get $src) (i32.shl (local.get $r) (i32.const 4))))
      (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $count) (i32.const 4))))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f64x2.mul (v128.load (local.get $sp)) (local.get $sc)))
        (local.set $sp (i32.add (local.get $sp) (local.get $step)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $iloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop)))
  )
  (func (export "lanes_f32") (param $src i32) (param $dst i32) (param $rows i32) (param $count i32) (param $L i32) (param $scale f64)
    (local $r i32) (local $sp i32) (local $end i32) (local $step i32) (local $sc v128)
    (local.set $sc (f64x2.splat (local.get $scale)))
    (local.set $step (i32.shl (local.get $L) (i32.const 4)))
    (local.set $r (i32.const 0))
    (block $rdone (loop $rloop
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $sp (i32.add (local.get $src) (i32.shl (local.get $r) (i32.const 4))))
      (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $count) (i32.const 3))))
      (block $idone (loop $iloop
        (br_if $idone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store64_lane 0 (local.get $dst) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (local.get $sp)) (local.get $sc))))
        (local.set $sp (i32.add (local.get $sp) (local.get $step)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br $iloop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rloop)))
  )
  ;; c2rPre(X, Z, h, B, rootsInv) of real.ts: Z_k = (X_k + conj X_{h−k}) + i·((X_k − conj X_{h−k})·ω^k), k < h
  (func (export "c2r_pre") (param $X i32) (param $Z i32) (param $h i32) (param $B i32) (param $roots i32)
    (local $k i32) (local $pa i32) (local $pb i32) (local $po i32) (local $end i32) (local $row i32)
    (local $wr v128) (local $wi v128) (local $w v128) (local $a v128) (local $b v128) (local $d v128)
    (local.set $row (i32.shl (local.get $B) (i32.const 4)))
    (local.set $k (i32.const 0))
    (block $kdone (loop $kloop
      (br_if $kdone (i32.ge_u (local.get $k) (local.get $h)))
      (local.set $w (v128.load (i32.add (local.get $roots) (i32.shl (local.get $k) (i32.const 4)))))
      (local.set $wr (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))
      (local.set $wi (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w) (local.get $w))
        (v128.const f64x2 -1 1)))
      (local.set $pa (i32.add (local.get $X) (i32.mul (local.get $k) (local.get $row))))
      (local.set $pb (i32.add (local.get $X) (i32.mul (i32.sub (local.get $h) (local.get $k)) (local.get $row))))
      (local.set $po (i32.add (local.get $Z) (i32.mul (local.get $k) (local.get $row))))
      (local.set $end (i32.add (local.get $pa) (local.get $row)))
      (block $bdone (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $a (v128.load (local.get $pa)))
        (local.set $b (f64x2.mul (v128.load (local.get $pb)) (v128.const f64x2 1 -1)))
        ;; p = d·ω (d = a − b), Z = s + [−pi, pr] (s = a + b)
        (local.set $d (f64x2.sub (local.get $a) (local.get $b)))
        (local.set $d (f64x2.add (f64x2.mul (local.get $d) (local.get $wr))
          (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)) (local.get $wi))))
        (v128.store (local.get $po) (f64x2.add (f64x2.add (local.get $a) (local.get $b))
          (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $d) (local.get $d)) (v128.const f64x2 -1 1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
        (local.set $po (i32.add (local.get $po) (i32.const 16)))
        (br $bloop)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $kloop)))
  )
  ;; applyTwiddles of nd.ts (four-step FFT): entry i of lane b times ω^e, e = i·(line0 + b) mod N, with
  ;; ω^e = lo[e mod 1024]·hi[e >> 10] (complex tables at byte addresses lo, hi); rows i = 1 .. len−1 (row 0: e = 0)
  (func (export "twiddle") (param $A i32) (param $B i32) (param $len i32) (param $l0 i32) (param $N i32) (param $lo i32) (param $hi i32)
    (local $i i32) (local $e0 i32) (local $e i32) (local $di i32) (local $p i32) (local $end i32) (local $row i32)
    (local $w v128) (local $x v128) (local $wr v128) (local $wi v128) (local $hv v128)
    (local.set $row (i32.shl (local.get $B) (i32.const 4)))
    (local.set $p (i32.add (local.get $A) (local.get $row)))
    (local.set $i (i32.const 1))
    (block $idone (loop $iloop
      (br_if $idone (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $e0 (i32.add (local.get $e0) (local.get $l0)))
      (if (i32.ge_u (local.get $e0) (local.get $N)) (then (local.set $e0 (i32.sub (local.get $e0) (local.get $N)))))
      (local.set $di (i32.rem_u (local.get $i) (local.get $N)))
      (local.set $e (local.get $e0))
      (local.set $end (i32.add (local.get $p) (local.get $row)))
      (block $bdone (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $p) (local.get $end)))
        ;; w = lo·hi = [lr·hr − li·hi, li·hr + lr·hi]
        (local.set $w (v128.load (i32.add (local.get $lo) (i32.shl (i32.and (local.get $e) (i32.const 1023)) (i32.const 4)))))
        (local.set $hv (v128.load (i32.add (local.get $hi) (i32.shl (i32.shr_u (local.get $e) (i32.const 10)) (i32.const 4)))))
        (local.set $w (f64x2.add
          (f64x2.mul (local.get $w) (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $hv) (local.get $hv)))
          (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w))
            (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hv) (local.get $hv)) (v128.const f64x2 -1 1)))))
        (local.set $wr (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))
        (local.set $wi (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w) (local.get $w)) (v128.const f64x2 -1 1)))
        (local.set $x (v128.load (local.get $p)))
        (v128.store (local.get $p) (f64x2.add (f64x2.mul (local.get $x) (local.get $wr))
          (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)) (local.get $wi))))
        (local.set $e (i32.add (local.get $e) (local.get $di)))
        (if (i32.ge_u (local.get $e) (local.get $N)) (then (local.set $e (i32.sub (local.get $e) (local.get $N)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $bloop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iloop)))
  )
  ;; r2cPost(Z, X, h, B, roots, transposed = true) of real.ts: bin k of lane b to X + (b·(h + 1) + k)·16
  (func (export "r2c_post_t") (param $Z i32) (param $X i32) (param $h i32) (param $B i32) (param $roots i32)
    (local $k i32) (local $pa i32) (local $pb i32) (local $po i32) (local $end i32) (local $lane i32) (local $row i32)
    (local $wr v128) (local $wi v128) (local $w v128) (local $a v128) (local $b v128) (local $e v128) (local $o v128)
    (local.set $lane (i32.shl (i32.add (local.get $h) (i32.const 1)) (i32.const 4)))
    (local.set $row (i32.shl (local.get $B) (i32.const 4)))
    (local.set $k (i32.const 0))
    (block $kdone (loop $kloop
      (br_if $kdone (i32.gt_u (local.get $k) (local.get $h)))
      (local.set $w (v128.load (i32.add (local.get $roots) (i32.shl (local.get $k) (i32.const 4)))))
      (local.set $wr (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))
      (local.set $wi (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $w) (local.get $w))
        (v128.const f64x2 -1 1)))
      (local.set $pa (i32.add (local.get $Z) (i32.mul (select (i32.const 0) (local.get $k) (i32.eq (local.get $k) (local.get $h))) (local.get $row))))
      (local.set $pb (i32.add (local.get $Z) (i32.mul (select (i32.const 0) (i32.sub (local.get $h) (local.get $k)) (i32.eqz (local.get $k))) (local.get $row))))
      (local.set $po (i32.add (local.get $X) (i32.shl (local.get $k) (i32.const 4))))
      (local.set $end (i32.add (local.get $pa) (local.get $row)))
      (block $bdone (loop $bloop
        (br_if $bdone (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $a (v128.load (local.get $pa)))
        (local.set $b (f64x2.mul (v128.load (local.get $pb)) (v128.const f64x2 1 -1)))
        ;; E = ½(a + conj b), O = [½(ai − bi), −½(ar − br)]
        (local.set $e (f64x2.mul (v128.const f64x2 0.5 0.5) (f64x2.add (local.get $a) (local.get $b))))
        (local.set $o (f64x2.sub (local.get $a) (local.get $b)))
        (local.set $o (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $o) (local.get $o)) (v128.const f64x2 0.5 -0.5)))
        ;; X = (E + wr·O) + [−wi·Oi, wi·Or]
        (v128.store (local.get $po)
          (f64x2.add (f64x2.add (local.get $e) (f64x2.mul (local.get $wr) (local.get $o)))
            (f64x2.mul (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $o) (local.get $o)) (local.get $wi))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
        (local.set $po (i32.add (local.get $po) (local.get $lane)))
        (br $bloop)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $kloop)))
  )
"""


def main():
    out = [
        ";; GENERATED by make-wasm.py (do not edit): the radix 2, 3, 4, 5 and 8 Stockham passes of mixed-radix.ts in",
        ";; WebAssembly SIMD, one complex number per f64x2, bitwise identical to the JS passes, and the helpers of nd.ts.",
        ";; See make-wasm.py and wasm-stockham.ts.",
        "(module",
        "  (memory (export \"memory\") 1)",
    ]
    for p in (2, 3, 4, 5, 8):
        out.append(gen(p))
    out.append(HELPERS.strip("\n"))
    out.append(")")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stockham.wat")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
