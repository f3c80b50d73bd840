/**
 * The batch loops' vector pieces (batch.ts): dot products as the JavaScript dot's four partial sums in two f64x2
 * lanes with its final combine, and element-wise updates lane by lane (the same rounding as one at a time); the
 * two-row forms share the loads of g between two rows, each row's sums in its own lanes.
 */

/** A[0..d) · B[0..d), the JavaScript dot's four partial sums as two lanes. */
@inline export function dot(a: usize, b: usize, d: i32): f64 {
  let sA = f64x2.splat(0);
  let sB = f64x2.splat(0);
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    const o = <usize>j << 3;
    sA = f64x2.add(sA, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    sB = f64x2.add(sB, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let s0 = f64x2.extract_lane(sA, 0);
  for (; j < d; j++) s0 += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return s0 + f64x2.extract_lane(sA, 1) + (f64x2.extract_lane(sB, 0) + f64x2.extract_lane(sB, 1));
}

@inline export function zero(p: usize, d: i32): void {
  memory.fill(p, 0, <usize>d << 3);
}

/** out[j] += c·x[j], element-wise in lanes (the same rounding as one at a time). */
@inline export function axpy(out: usize, c: f64, x: usize, d: i32): void {
  const cv = f64x2.splat(c);
  const d2 = d & ~1;
  let j = 0;
  for (; j < d2; j += 2) {
    const o = <usize>j << 3;
    v128.store(out + o, f64x2.add(v128.load(out + o), f64x2.mul(cv, v128.load(x + o))));
  }
  for (; j < d; j++) {
    const o = <usize>j << 3;
    store<f64>(out + o, load<f64>(out + o) + c * load<f64>(x + o));
  }
}

/** M_i −= ca·gv and θ' += an·M_i (new M_i), element-wise in lanes. */
@inline export function updateRow(base: usize, gv: usize, nx: usize, ca: f64, an: f64, d: i32): void {
  const cav = f64x2.splat(ca), anv = f64x2.splat(an);
  const d2 = d & ~1;
  let j = 0;
  for (; j < d2; j += 2) {
    const o = <usize>j << 3;
    const w = f64x2.sub(v128.load(base + o), f64x2.mul(cav, v128.load(gv + o)));
    v128.store(base + o, w);
    v128.store(nx + o, f64x2.add(v128.load(nx + o), f64x2.mul(anv, w)));
  }
  for (; j < d; j++) {
    const o = <usize>j << 3;
    const w = load<f64>(base + o) - ca * load<f64>(gv + o);
    store<f64>(base + o, w);
    store<f64>(nx + o, load<f64>(nx + o) + an * w);
  }
}

/** dot(r0, g) and dot(r1, g) as [mg0, mg1], sharing the loads of g; each in dot's order. */
@inline export function dot2(r0: usize, r1: usize, g: usize, d: i32): v128 {
  let sA0 = f64x2.splat(0), sB0 = f64x2.splat(0), sA1 = f64x2.splat(0), sB1 = f64x2.splat(0);
  const d4 = d - (d & 3);
  let j = 0;
  for (; j < d4; j += 4) {
    const o = <usize>j << 3;
    const gA = v128.load(g + o), gB = v128.load(g + o, 16);
    sA0 = f64x2.add(sA0, f64x2.mul(v128.load(r0 + o), gA));
    sB0 = f64x2.add(sB0, f64x2.mul(v128.load(r0 + o, 16), gB));
    sA1 = f64x2.add(sA1, f64x2.mul(v128.load(r1 + o), gA));
    sB1 = f64x2.add(sB1, f64x2.mul(v128.load(r1 + o, 16), gB));
  }
  let t0 = f64x2.extract_lane(sA0, 0), t1 = f64x2.extract_lane(sA1, 0);
  for (; j < d; j++) {
    const o = <usize>j << 3;
    const gj = load<f64>(g + o);
    t0 += load<f64>(r0 + o) * gj;
    t1 += load<f64>(r1 + o) * gj;
  }
  const m0 = t0 + f64x2.extract_lane(sA0, 1) + (f64x2.extract_lane(sB0, 0) + f64x2.extract_lane(sB0, 1));
  const m1 = t1 + f64x2.extract_lane(sA1, 1) + (f64x2.extract_lane(sB1, 0) + f64x2.extract_lane(sB1, 1));
  return f64x2.replace_lane(f64x2.splat(m0), 1, m1);
}

/** updateRow on rows r0 then r1: θ'[j] gets row r0's term, then r1's, as two calls would, with one load and store. */
@inline export function updateRow2(r0: usize, r1: usize, gv: usize, nx: usize, ca0: f64, an0: f64, ca1: f64, an1: f64, d: i32): void {
  const c0 = f64x2.splat(ca0), a0 = f64x2.splat(an0), c1 = f64x2.splat(ca1), a1 = f64x2.splat(an1);
  const d2 = d & ~1;
  let j = 0;
  for (; j < d2; j += 2) {
    const o = <usize>j << 3;
    const g = v128.load(gv + o);
    const w0 = f64x2.sub(v128.load(r0 + o), f64x2.mul(c0, g));
    const w1 = f64x2.sub(v128.load(r1 + o), f64x2.mul(c1, g));
    v128.store(r0 + o, w0);
    v128.store(r1 + o, w1);
    v128.store(nx + o, f64x2.add(f64x2.add(v128.load(nx + o), f64x2.mul(a0, w0)), f64x2.mul(a1, w1)));
  }
  for (; j < d; j++) {
    const o = <usize>j << 3;
    const g = load<f64>(gv + o);
    const w0 = load<f64>(r0 + o) - ca0 * g;
    const w1 = load<f64>(r1 + o) - ca1 * g;
    store<f64>(r0 + o, w0);
    store<f64>(r1 + o, w1);
    store<f64>(nx + o, load<f64>(nx + o) + an0 * w0 + an1 * w1);
  }
}

