;; The hot loops of ../resize-linear.ts, which explains the OpenCV arithmetic they
;; reproduce and lays out the buffers (all pointers are byte offsets into the
;; exported memory). After editing, regenerate the embedded binary:
;;   npx tsx packages/serve-core/src/image/wasm/compile-resize-kernels.ts
;;
;; Row buffers and outputs are planar with a row stride `dwp` (dst width rounded
;; up to 4), so the vertical pass runs 4 lanes at a time without a scalar tail.
(module
  (memory (export "memory") 1)

  ;; Horizontal pass of one source row: for each dst column, the int sums
  ;; p * a0 + q * a1 of its two taps, >> 4, into the R, G and B segments of $row.
  ;; $tab holds each column's left-tap byte offset (i32); $wts its weights as i16
  ;; lanes (a0, a1, a0, a1, a0, a1, 0, 0). One 8-byte load brings both taps
  ;; (p0 p1 p2 q0 q1 q2 . .); a swizzle pairs them as zero-extended i16
  ;; (p0 q0 p1 q1 p2 q2 0 0) and one dot product gives the three sums. Clamped
  ;; columns have a1 = 0 and read up to 7 bytes past the row (JS leaves slack).
  (func $hrow (param $src i32) (param $tab i32) (param $wts i32) (param $dw i32)
              (param $row i32) (param $seg i32)
    (local $dx i32) (local $d i32) (local $sums v128)
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $dx) (local.get $dw)))
        (local.set $sums
          (i32x4.shr_s
            (i32x4.dot_i16x8_s
              (i8x16.swizzle
                (v128.load64_zero
                  (i32.add (local.get $src)
                    (i32.load (i32.add (local.get $tab) (i32.shl (local.get $dx) (i32.const 2))))))
                (v128.const i8x16 0 16 3 16 1 16 4 16 2 16 5 16 16 16 16 16))
              (v128.load (i32.add (local.get $wts) (i32.shl (local.get $dx) (i32.const 4)))))
            (i32.const 4)))
        (local.set $d (i32.add (local.get $row) (i32.shl (local.get $dx) (i32.const 2))))
        (v128.store32_lane 0 (local.get $d) (local.get $sums))
        (local.set $d (i32.add (local.get $d) (local.get $seg)))
        (v128.store32_lane 1 (local.get $d) (local.get $sums))
        (local.set $d (i32.add (local.get $d) (local.get $seg)))
        (v128.store32_lane 2 (local.get $d) (local.get $sums))
        (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
        (br $next))))

    ;; Vertical pass, OpenCV's SIMD rounding: ((r0 * b0 >> 16) + (r1 * b1 >> 16) + 2) >> 2,
  ;; then / 255 in float32, over $n ints (all three segments back to back).
  (func $vrow (param $r0 i32) (param $r1 i32) (param $b0 i32) (param $b1 i32)
              (param $n i32) (param $out i32) (param $dwp i32) (param $plane i32)
    (local $i i32) (local $col i32) (local $o i32) (local $vb0 v128) (local $vb1 v128)
    (local.set $vb0 (i32x4.splat (local.get $b0)))
    (local.set $vb1 (i32x4.splat (local.get $b1)))
    (local.set $o (local.get $out))
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (v128.store (local.get $o)
          (f32x4.div
            (f32x4.convert_i32x4_s
              (i32x4.shr_s
                (i32x4.add
                  (i32x4.add
                    (i32x4.shr_s (i32x4.mul (v128.load (local.get $r0)) (local.get $vb0)) (i32.const 16))
                    (i32x4.shr_s (i32x4.mul (v128.load (local.get $r1)) (local.get $vb1)) (i32.const 16)))
                  (v128.const i32x4 2 2 2 2))
                (i32.const 2)))
            (v128.const f32x4 255 255 255 255)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
        (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        ;; end of a segment: jump to the same row of the next plane
        (local.set $col (i32.add (local.get $col) (i32.const 4)))
        (if (i32.ge_u (local.get $col) (local.get $dwp))
          (then
            (local.set $col (i32.const 0))
            (local.set $o (i32.add (local.get $o)
              (i32.sub (local.get $plane) (i32.shl (local.get $dwp) (i32.const 2)))))))
        (br $next))))

  ;; INTER_LINEAR resize of 8-bit RGB into three float32 planes (/ 255) of $dh rows
  ;; of stride $dwp. $ytab holds (y0, y1, b0, b1) per dst row; $rows has room for two
  ;; row buffers of 3 * $dwp ints.
  (func (export "bilinear")
        (param $src i32) (param $sw i32) (param $tab i32) (param $wts i32) (param $dw i32)
        (param $dwp i32) (param $ytab i32) (param $dh i32) (param $rows i32) (param $out i32)
    (local $dy i32) (local $y i32) (local $y0 i32) (local $y1 i32)
    (local $ya i32) (local $yb i32) (local $rowa i32) (local $rowb i32) (local $r1 i32)
    (local $tmp i32) (local $seg i32) (local $stride i32) (local $plane i32)
    (local.set $seg (i32.shl (local.get $dwp) (i32.const 2)))
    (local.set $stride (i32.mul (local.get $sw) (i32.const 3)))
    (local.set $plane (i32.mul (local.get $seg) (local.get $dh)))
    (local.set $ya (i32.const -1))
    (local.set $yb (i32.const -1))
    (local.set $rowa (local.get $rows))
    (local.set $rowb (i32.add (local.get $rows) (i32.mul (local.get $seg) (i32.const 3))))
    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $dy) (local.get $dh)))
        (local.set $y (i32.add (local.get $ytab) (i32.shl (local.get $dy) (i32.const 4))))
        (local.set $y0 (i32.load (local.get $y)))
        (local.set $y1 (i32.load offset=4 (local.get $y)))
        (if (i32.ne (local.get $y0) (local.get $ya))
          (then
            (if (i32.eq (local.get $y0) (local.get $yb))
              (then
                (local.set $tmp (local.get $rowa))
                (local.set $rowa (local.get $rowb))
                (local.set $rowb (local.get $tmp))
                (local.set $yb (local.get $ya)))
              (else
                (call $hrow
                  (i32.add (local.get $src) (i32.mul (local.get $y0) (local.get $stride)))
                  (local.get $tab) (local.get $wts) (local.get $dw) (local.get $rowa) (local.get $seg))))
            (local.set $ya (local.get $y0))))
        (local.set $r1 (local.get $rowa))
        (if (i32.ne (local.get $y1) (local.get $y0))
          (then
            (if (i32.ne (local.get $y1) (local.get $yb))
              (then
                (call $hrow
                  (i32.add (local.get $src) (i32.mul (local.get $y1) (local.get $stride)))
                  (local.get $tab) (local.get $wts) (local.get $dw) (local.get $rowb) (local.get $seg))
                (local.set $yb (local.get $y1))))
            (local.set $r1 (local.get $rowb))))
        (call $vrow
          (local.get $rowa) (local.get $r1)
          (i32.load offset=8 (local.get $y)) (i32.load offset=12 (local.get $y))
          (i32.mul (local.get $dwp) (i32.const 3))
          (i32.add (local.get $out) (i32.mul (local.get $dy) (local.get $seg)))
          (local.get $dwp) (local.get $plane))
        (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
        (br $next))))

  ;; OpenCV's INTER_AREA for an exact 2x reduction: (a + b + c + d + 2) >> 2 per
  ;; channel over 2x2 blocks, / 255 in float32, into planes of stride $dwp.
  (func (export "halve")
        (param $src i32) (param $sw i32) (param $dw i32) (param $dwp i32) (param $dh i32)
        (param $out i32)
    (local $dy i32) (local $dx i32) (local $s0 i32) (local $s1 i32) (local $o i32)
    (local $stride i32) (local $plane i32) (local $c i32)
    (local.set $stride (i32.mul (local.get $sw) (i32.const 3)))
    (local.set $plane (i32.mul (i32.shl (local.get $dwp) (i32.const 2)) (local.get $dh)))
    (block $rows_end
      (loop $rows
        (br_if $rows_end (i32.ge_u (local.get $dy) (local.get $dh)))
        (local.set $dx (i32.const 0))
        (block $cols_end
          (loop $cols
            (br_if $cols_end (i32.ge_u (local.get $dx) (local.get $dw)))
            (local.set $s0 (i32.add (local.get $src)
              (i32.add (i32.mul (i32.shl (local.get $dy) (i32.const 1)) (local.get $stride))
                       (i32.mul (local.get $dx) (i32.const 6)))))
            (local.set $s1 (i32.add (local.get $s0) (local.get $stride)))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $dy) (local.get $dwp)) (local.get $dx))
                       (i32.const 2))))
            (local.set $c (i32.const 0))
            (block $ch_end
              (loop $ch
                (br_if $ch_end (i32.ge_u (local.get $c) (i32.const 3)))
                (f32.store (local.get $o)
                  (f32.div
                    (f32.convert_i32_s
                      (i32.shr_u
                        (i32.add
                          (i32.add
                            (i32.add (i32.load8_u (local.get $s0)) (i32.load8_u offset=3 (local.get $s0)))
                            (i32.add (i32.load8_u (local.get $s1)) (i32.load8_u offset=3 (local.get $s1))))
                          (i32.const 2))
                        (i32.const 2)))
                    (f32.const 255)))
                (local.set $s0 (i32.add (local.get $s0) (i32.const 1)))
                (local.set $s1 (i32.add (local.get $s1) (i32.const 1)))
                (local.set $o (i32.add (local.get $o) (local.get $plane)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $ch)))
            (local.set $dx (i32.add (local.get $dx) (i32.const 1)))
            (br $cols)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 1)))
        (br $rows))))
)
