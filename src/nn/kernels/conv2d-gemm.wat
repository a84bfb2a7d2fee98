;; Direct-convolution micro-kernel in WebAssembly SIMD (f64x2), the twin of convGemm in conv2d-direct.ts
;; (driven by conv2d-wasm.ts):
;;   C[m·ldc/8 + p] = bias[m] + Σ_k W[m, k] · x(pix[p] + taps[k])     for m < 4·nmb, p < np (a multiple of 4),
;; each sum taken in the same order as the JS kernel (start from the bias, add w·x for k = 0, 1, …) with one
;; rounding per multiply and per add (no FMA), so both kernels give bitwise identical results.
;; Register tile: 4 output channels (two f64x2 of packed weights, the packRows layout: K × 4 doubles per
;; row block) × 4 pixels, each pixel's input broadcast with v128.load64_splat: 8 accumulators, 2 weight vectors,
;; 1 input vector (more accumulators measured slower: V8 spills). When the tile's 4 pixels are consecutive
;; doubles (stride 1, real data), one address plus constant offsets serves all four.
;; All pointers are byte addresses in this module's memory: pix[p] is pixel p's input address, taps[k] a byte
;; offset added to it, C is row-major with a row stride of ldc bytes.
(module
  (memory (export "memory") 1)
  (func (export "gemm")
    (param $pix i32) (param $np i32) (param $taps i32) (param $K i32)
    (param $w i32) (param $nmb i32) (param $bias i32) (param $c i32) (param $ldc i32)
    (local $mb i32) (local $p i32) (local $tp i32) (local $tend i32) (local $wp i32) (local $t i32)
    (local $pp i32) (local $cp i32) (local $wblk i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $a0 v128) (local $c0 v128) (local $a1 v128) (local $c1 v128) (local $a2 v128) (local $c2 v128) (local $a3 v128) (local $c3 v128)
    (local $w0 v128) (local $w1 v128) (local $xv v128) (local $bz0 v128) (local $bz1 v128)
    (local.set $tend (i32.add (local.get $taps) (i32.shl (local.get $K) (i32.const 2))))
    (local.set $wblk (i32.shl (local.get $K) (i32.const 5)))
    (local.set $mb (i32.const 0))
    (block $mbdone
      (loop $mbloop
        (br_if $mbdone (i32.ge_u (local.get $mb) (local.get $nmb)))
        (local.set $bz0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $mb) (i32.const 5)))))
        (local.set $bz1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $mb) (i32.const 5)))))
        (local.set $p (i32.const 0))
        (block $pdone
          (loop $ploop
            (br_if $pdone (i32.ge_u (local.get $p) (local.get $np)))
            (local.set $pp (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2))))
            (local.set $b0 (i32.load offset=0 (local.get $pp)))
            (local.set $b1 (i32.load offset=4 (local.get $pp)))
            (local.set $b2 (i32.load offset=8 (local.get $pp)))
            (local.set $b3 (i32.load offset=12 (local.get $pp)))
            (local.set $a0 (local.get $bz0)) (local.set $c0 (local.get $bz1))
            (local.set $a1 (local.get $bz0)) (local.set $c1 (local.get $bz1))
            (local.set $a2 (local.get $bz0)) (local.set $c2 (local.get $bz1))
            (local.set $a3 (local.get $bz0)) (local.set $c3 (local.get $bz1))
            (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $mb) (local.get $wblk))))
            (local.set $tp (local.get $taps))
            (if (i32.and (i32.eq (i32.sub (local.get $b1) (local.get $b0)) (i32.const 8))
                  (i32.and (i32.eq (i32.sub (local.get $b2) (local.get $b0)) (i32.const 16))
                  (i32.eq (i32.sub (local.get $b3) (local.get $b0)) (i32.const 24))))
              (then
                ;; Consecutive pixels (stride 1, real data, one output row): one address, constant offsets.
                (loop $kloopc
                  (local.set $t (i32.add (local.get $b0) (i32.load (local.get $tp))))
                  (local.set $w0 (v128.load (local.get $wp)))
                  (local.set $w1 (v128.load offset=16 (local.get $wp)))
                  (local.set $xv (v128.load64_splat offset=0 (local.get $t)))
                  (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat offset=8 (local.get $t)))
                  (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat offset=16 (local.get $t)))
                  (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat offset=24 (local.get $t)))
                  (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                  (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
                  (br_if $kloopc (i32.lt_u (local.get $tp) (local.get $tend)))))
              (else
                (loop $kloop
                  (local.set $t (i32.load (local.get $tp)))
                  (local.set $w0 (v128.load (local.get $wp)))
                  (local.set $w1 (v128.load offset=16 (local.get $wp)))
                  (local.set $xv (v128.load64_splat (i32.add (local.get $b0) (local.get $t))))
                  (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c0 (f64x2.add (local.get $c0) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat (i32.add (local.get $b1) (local.get $t))))
                  (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c1 (f64x2.add (local.get $c1) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat (i32.add (local.get $b2) (local.get $t))))
                  (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c2 (f64x2.add (local.get $c2) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $xv (v128.load64_splat (i32.add (local.get $b3) (local.get $t))))
                  (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $w0) (local.get $xv))))
                  (local.set $c3 (f64x2.add (local.get $c3) (f64x2.mul (local.get $w1) (local.get $xv))))
                  (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
                  (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
                  (br_if $kloop (i32.lt_u (local.get $tp) (local.get $tend))))))
            ;; Row-major C: the accumulators hold (row pair) × pixel; transpose pairs of pixels into rows.
            (local.set $cp (i32.add (i32.add (local.get $c) (i32.shl (local.get $p) (i32.const 3)))
                                    (i32.mul (i32.shl (local.get $mb) (i32.const 2)) (local.get $ldc))))
            (v128.store offset=0 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3)))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store offset=0 (local.get $cp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3)))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store offset=0 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c0) (local.get $c1)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c2) (local.get $c3)))
            (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
            (v128.store offset=0 (local.get $cp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c0) (local.get $c1)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c2) (local.get $c3)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $ploop)))
        (local.set $mb (i32.add (local.get $mb) (i32.const 1)))
        (br $mbloop)))))
