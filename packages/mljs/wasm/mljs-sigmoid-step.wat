;; One full-batch gradient step of one-vs-all logistic regression, as @weightspec/mljs's fast path
;; (mljs-wasm-step.ts) runs it. Source of src/mljs-wasm-kernel-binary.ts: after editing, run
;; `pnpm --filter @weightspec/mljs build:wasm` (a test fails while the two differ).
;;
;; Same arithmetic as the JavaScript kernels (and ml-logistic-regression) except for e^x: a score is
;; ((0 + x0 w0) + x1 w1) + ..., p = 1 / (1 + e^-score), error = sP p + sC (1 - p), each gradient entry
;; sums its rows in ascending order from 0, and w += g * lr. Two rows go through the score, e^x and the
;; error at once (f64x2 lanes); the gradient is summed one row after the other to keep the order.
;;
;; Memory (byte offsets passed by the caller, little-endian; nothing N x K is stored):
;;   design  row pairs of the feature columns only: for pair q and column c, the two values of rows
;;           2q and 2q + 1 at design + (q * columns + c) * 8 as f32 (when $float32 is 1: the caller's
;;           float32 data, widened exactly by f64x2.promote_low_f32x4) or at design + (q * columns + c)
;;           * 16 as f64. An odd last row is paired with a zero row whose error is set to 0.
;;           The caller stores values already multiplied by the spec's input feature weights (in f64).
;;   rowWeights    f64 per row (2 * pairs), absent when $unitRows is 1 (every row weight is 1).
;;   labels        per row (2 * pairs): u8 when $narrowLabels is 1 (at most 256 classes), else i32.
;;   elementWeights  classes f64;  tableP, tableC  classes x classes f64, [label y][class k].
;;   The scales of element (row n, class k): rest = rowWeights[n] * elementWeights[k],
;;   sP = rest * tableP[y_n][k], sC = rest * tableC[y_n][k] (the same products the JavaScript kernels form).
;;   With $intercept 1 the design has one more column, the constant 1, whose coefficient is last.
;;   coef    classes x width, row-major, updated in place.   grad  width f64 of scratch.
(module
  (memory (export "memory") 1)

  ;; e^x in both lanes for 1 / (1 + e^x): Cody-Waite reduction x = k ln2 + r (|r| <= ln2 / 2, fdlibm's
  ;; split of ln2), the degree-13 Taylor polynomial of e^r (truncation below 1e-17 relative) in Estrin's
  ;; scheme for a short dependency chain, then the exponent k written into the bits of 2^k. Within 2 ulp
  ;; of Math.exp (tested). x is clamped to [-708, 709] so 2^k stays a normal number; below -708 the true
  ;; value vanishes next to 1 in 1 + e^x anyway, above 709.78 the result is +inf as it should be.
  (func $expPair (param $x v128) (result v128)
    (local $xc v128) (local $k v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $r8 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $d0 v128) (local $d1 v128)
    (local.set $xc (f64x2.pmax (f64x2.pmin (local.get $x) (f64x2.splat (f64.const 709.0))) (f64x2.splat (f64.const -708.0))))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $xc) (f64x2.splat (f64.const 1.4426950408889634)))))
    (local.set $r (f64x2.sub (f64x2.sub (local.get $xc) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 0.6931471803691238))))
                             (f64x2.mul (local.get $k) (f64x2.splat (f64.const 1.9082149292705877e-10)))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $r8 (f64x2.mul (local.get $r4) (local.get $r4)))
    ;; a_i = 1/(2i)! + r/(2i+1)!
    (local.set $a0 (f64x2.add (f64x2.splat (f64.const 1.0)) (f64x2.mul (f64x2.splat (f64.const 1.0)) (local.get $r))))
    (local.set $a1 (f64x2.add (f64x2.splat (f64.const 0.5)) (f64x2.mul (f64x2.splat (f64.const 0.16666666666666666)) (local.get $r))))
    (local.set $a2 (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (f64x2.mul (f64x2.splat (f64.const 0.008333333333333333)) (local.get $r))))
    (local.set $a3 (f64x2.add (f64x2.splat (f64.const 0.001388888888888889)) (f64x2.mul (f64x2.splat (f64.const 0.0001984126984126984)) (local.get $r))))
    (local.set $a4 (f64x2.add (f64x2.splat (f64.const 2.48015873015873e-05)) (f64x2.mul (f64x2.splat (f64.const 2.7557319223985893e-06)) (local.get $r))))
    (local.set $a5 (f64x2.add (f64x2.splat (f64.const 2.755731922398589e-07)) (f64x2.mul (f64x2.splat (f64.const 2.505210838544172e-08)) (local.get $r))))
    (local.set $a6 (f64x2.add (f64x2.splat (f64.const 2.08767569878681e-09)) (f64x2.mul (f64x2.splat (f64.const 1.6059043836821613e-10)) (local.get $r))))
    (local.set $b0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $a1) (local.get $r2))))
    (local.set $b1 (f64x2.add (local.get $a2) (f64x2.mul (local.get $a3) (local.get $r2))))
    (local.set $b2 (f64x2.add (local.get $a4) (f64x2.mul (local.get $a5) (local.get $r2))))
    (local.set $d0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $b1) (local.get $r4))))
    (local.set $d1 (f64x2.add (local.get $b2) (f64x2.mul (local.get $a6) (local.get $r4))))
    (v128.bitselect
      (f64x2.splat (f64.const inf))
      (f64x2.mul
        (f64x2.add (local.get $d0) (f64x2.mul (local.get $d1) (local.get $r8)))
        (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023))) (i32.const 52)))
      (f64x2.gt (local.get $x) (f64x2.splat (f64.const 709.78)))))

  ;; Test hook: writes e^a and e^b to out and out + 8.
  (func (export "expPair") (param $a f64) (param $b f64) (param $out i32)
    (v128.store (local.get $out) (call $expPair (f64x2.replace_lane 1 (f64x2.splat (local.get $a)) (local.get $b)))))

  (func (export "step") (param $rows i32) (param $classes i32) (param $columns i32) (param $intercept i32)
        (param $float32 i32) (param $design i32) (param $rowWeights i32) (param $unitRows i32)
        (param $labels i32) (param $narrowLabels i32) (param $elementWeights i32) (param $tableP i32) (param $tableC i32) (param $coef i32) (param $grad i32)
        (param $learningRate f64)
    (local $pairs i32) (local $label i32) (local $pair i32) (local $column i32) (local $coefRow i32) (local $pairAt i32) (local $pairBytes i32)
    (local $width i32) (local $at0 i32) (local $at1 i32) (local $at i32) (local $xAt i32) (local $wAt i32)
    (local $label0 i32) (local $label1 i32)
    (local $score v128) (local $x v128) (local $p v128) (local $rest v128) (local $error v128)
    (local $elementWeight f64) (local $error0 f64) (local $error1 f64)
    (local.set $pairs (i32.shr_u (i32.add (local.get $rows) (i32.const 1)) (i32.const 1)))
    (local.set $width (i32.add (local.get $columns) (local.get $intercept)))
    (local.set $pairBytes (i32.shl (local.get $columns) (select (i32.const 3) (i32.const 4) (local.get $float32))))
    (block $labelsDone (loop $labels
      (br_if $labelsDone (i32.ge_u (local.get $label) (local.get $classes)))
      (local.set $coefRow (i32.add (local.get $coef) (i32.shl (i32.mul (local.get $label) (local.get $width)) (i32.const 3))))
      (local.set $elementWeight (f64.load (i32.add (local.get $elementWeights) (i32.shl (local.get $label) (i32.const 3)))))
      (memory.fill (local.get $grad) (i32.const 0) (i32.shl (local.get $width) (i32.const 3)))
      (local.set $pairAt (local.get $design))
      (local.set $pair (i32.const 0))
      (block $pairsDone (loop $pairsLoop
        (br_if $pairsDone (i32.ge_u (local.get $pair) (local.get $pairs)))
        (local.set $score (v128.const f64x2 0 0))
        (local.set $column (i32.const 0))
        (local.set $xAt (local.get $pairAt))
        (local.set $wAt (local.get $coefRow))
        ;; Two copies of the column loop, so the element type is decided once per pair, not per column.
        (if (local.get $float32)
          (then (block $score32Done (loop $score32
            (br_if $score32Done (i32.ge_u (local.get $column) (local.get $columns)))
            (local.set $score (f64x2.add (local.get $score)
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $xAt))) (f64x2.splat (f64.load (local.get $wAt))))))
            (local.set $xAt (i32.add (local.get $xAt) (i32.const 8)))
            (local.set $wAt (i32.add (local.get $wAt) (i32.const 8)))
            (local.set $column (i32.add (local.get $column) (i32.const 1)))
            (br $score32))))
          (else (block $score64Done (loop $score64
            (br_if $score64Done (i32.ge_u (local.get $column) (local.get $columns)))
            (local.set $score (f64x2.add (local.get $score)
              (f64x2.mul (v128.load (local.get $xAt)) (f64x2.splat (f64.load (local.get $wAt))))))
            (local.set $xAt (i32.add (local.get $xAt) (i32.const 16)))
            (local.set $wAt (i32.add (local.get $wAt) (i32.const 8)))
            (local.set $column (i32.add (local.get $column) (i32.const 1)))
            (br $score64)))))
        ;; The intercept's x is 1, and 1 * w = w exactly.
        (if (local.get $intercept) (then
          (local.set $score (f64x2.add (local.get $score)
            (f64x2.splat (f64.load (i32.add (local.get $coefRow) (i32.shl (local.get $columns) (i32.const 3)))))))))
        (local.set $p (f64x2.div (f64x2.splat (f64.const 1.0)) (f64x2.add (f64x2.splat (f64.const 1.0)) (call $expPair (f64x2.neg (local.get $score))))))
        ;; 1 * elementWeight is exact: unit rows give the same rest as a row weight of 1.
        (local.set $rest (f64x2.mul
          (if (result v128) (local.get $unitRows)
            (then (f64x2.splat (f64.const 1.0)))
            (else (v128.load (i32.add (local.get $rowWeights) (i32.shl (local.get $pair) (i32.const 4))))))
          (f64x2.splat (local.get $elementWeight))))
        ;; Table entries [y][k] of both rows: byte offset ((y * classes) + k) * 8.
        (if (local.get $narrowLabels)
          (then
            (local.set $label0 (i32.load8_u (i32.add (local.get $labels) (i32.shl (local.get $pair) (i32.const 1)))))
            (local.set $label1 (i32.load8_u offset=1 (i32.add (local.get $labels) (i32.shl (local.get $pair) (i32.const 1))))))
          (else
            (local.set $label0 (i32.load (i32.add (local.get $labels) (i32.shl (local.get $pair) (i32.const 3)))))
            (local.set $label1 (i32.load offset=4 (i32.add (local.get $labels) (i32.shl (local.get $pair) (i32.const 3)))))))
        (local.set $at0 (i32.shl (i32.add (i32.mul (local.get $label0) (local.get $classes)) (local.get $label)) (i32.const 3)))
        (local.set $at1 (i32.shl (i32.add (i32.mul (local.get $label1) (local.get $classes)) (local.get $label)) (i32.const 3)))
        (local.set $error (f64x2.add
          (f64x2.mul (f64x2.mul (local.get $rest)
                                (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $tableP) (local.get $at0))))
                                                      (f64.load (i32.add (local.get $tableP) (local.get $at1)))))
                     (local.get $p))
          (f64x2.mul (f64x2.mul (local.get $rest)
                                (f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $tableC) (local.get $at0))))
                                                      (f64.load (i32.add (local.get $tableC) (local.get $at1)))))
                     (f64x2.sub (f64x2.splat (f64.const 1.0)) (local.get $p)))))
        (local.set $error0 (f64x2.extract_lane 0 (local.get $error)))
        (local.set $error1 (f64x2.extract_lane 1 (local.get $error)))
        ;; The row padding an odd count has no weight (its design row is 0, but the intercept's x is 1).
        (if (i32.eq (i32.add (i32.shl (local.get $pair) (i32.const 1)) (i32.const 1)) (local.get $rows))
          (then (local.set $error1 (f64.const 0))))
        (local.set $column (i32.const 0))
        (local.set $xAt (local.get $pairAt))
        (local.set $at (local.get $grad))
        (block $gradientDone (loop $gradientLoop
          (br_if $gradientDone (i32.ge_u (local.get $column) (local.get $columns)))
          (if (local.get $float32)
            (then
              (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $xAt))))
              (local.set $xAt (i32.add (local.get $xAt) (i32.const 8))))
            (else
              (local.set $x (v128.load (local.get $xAt)))
              (local.set $xAt (i32.add (local.get $xAt) (i32.const 16)))))
          (f64.store (local.get $at)
            (f64.add (f64.add (f64.load (local.get $at)) (f64.mul (f64x2.extract_lane 0 (local.get $x)) (local.get $error0)))
                     (f64.mul (f64x2.extract_lane 1 (local.get $x)) (local.get $error1))))
          (local.set $at (i32.add (local.get $at) (i32.const 8)))
          (local.set $column (i32.add (local.get $column) (i32.const 1)))
          (br $gradientLoop)))
        (if (local.get $intercept) (then
          (local.set $at (i32.add (local.get $grad) (i32.shl (local.get $columns) (i32.const 3))))
          (f64.store (local.get $at) (f64.add (f64.add (f64.load (local.get $at)) (local.get $error0)) (local.get $error1)))))
        (local.set $pairAt (i32.add (local.get $pairAt) (local.get $pairBytes)))
        (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
        (br $pairsLoop)))
      (local.set $column (i32.const 0))
      (block $updateDone (loop $updateLoop
        (br_if $updateDone (i32.ge_u (local.get $column) (local.get $width)))
        (local.set $at (i32.add (local.get $coefRow) (i32.shl (local.get $column) (i32.const 3))))
        (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
          (f64.mul (f64.load (i32.add (local.get $grad) (i32.shl (local.get $column) (i32.const 3)))) (local.get $learningRate))))
        (local.set $column (i32.add (local.get $column) (i32.const 1)))
        (br $updateLoop)))
      (local.set $label (i32.add (local.get $label) (i32.const 1)))
      (br $labels))))
)
