/**
 * A metric row's global parts and the divergence check (src/core/metrics.ts: refreshTheta, trainLoss, checkLoss,
 * globals, kernelFactor, traceOfProduct) and the subspace kernel's packed forms (formPacked in
 * src/core/kernel-subspace.ts), in the JavaScript order: each sum accumulates in the same sequence, SIMD lanes only
 * ever hold independent sums (two samples, two columns, or G's and E's entry of one pair), so the bits are the same.
 * Reads M and v where the step loops keep them (state.ts: pM, pV, pX, pY).
 *
 * Memory from `layoutRows`: Xᵀ (d×n: two samples' inputs in one load), S, Sn, G, P, P0 (d×d each), bn, θ, θ* (d),
 * the row's outputs (8), then for the subspace kernel C(0) and [M, M − C(0)] interleaved (2·k·d).
 */
import { gn, gd, grows, pX, pY, pM, pV } from './state';

let rXt: usize = 0, rS: usize = 0, rSn: usize = 0, rG: usize = 0, rP: usize = 0, rP0: usize = 0, rBn: usize = 0;
let rTh: usize = 0, rStar: usize = 0, rOut: usize = 0, rC0: usize = 0, rMD: usize = 0;

/**
 * Places the row's arrays from byte `base` (after layout's; `packed`: also the subspace kernel's C(0) and [M, D]) and
 * fills Xᵀ from X; returns the end.
 */
export function layoutRows(base: usize, packed: bool): usize {
  const n = gn, d = gd, dd = <usize>(d * d) << 3;
  rXt = (base + 15) & ~<usize>15;
  rS = rXt + (<usize>(n * d) << 3);
  rSn = rS + dd;
  rG = rSn + dd;
  rP = rG + dd;
  rP0 = rP + dd;
  rBn = rP0 + dd;
  rTh = rBn + (<usize>d << 3);
  rStar = rTh + (<usize>d << 3);
  rOut = rStar + (<usize>d << 3);
  rC0 = (rOut + 64 + 15) & ~<usize>15;
  rMD = rC0 + (<usize>(grows * d) << 3);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < d; j++) store<f64>(rXt + (<usize>(j * n + s) << 3), load<f64>(pX + (<usize>(s * d + j) << 3)));
  }
  return packed ? rMD + (<usize>(grows * d) << 4) : rC0;
}

export function offRowS(): usize { return rS; }
export function offRowSn(): usize { return rSn; }
export function offRowBn(): usize { return rBn; }
export function offRowP(): usize { return rP; }
export function offRowP0(): usize { return rP0; }
export function offRowTheta(): usize { return rTh; }
export function offRowStar(): usize { return rStar; }
export function offRowOut(): usize { return rOut; }
export function offRowC0(): usize { return rC0; }

/** θ = Mᵀv: θ_j accumulates over rows in order (lanes: two columns). */
function rowTheta(): void {
  const d = gd, rows = grows, d8 = <usize>d << 3, d2 = d & ~1;
  memory.fill(rTh, 0, d8);
  let base = pM;
  for (let i = 0; i < rows; i++, base += d8) {
    const ai = load<f64>(pV + (<usize>i << 3));
    const av = f64x2.splat(ai);
    let j = 0;
    for (; j < d2; j += 2) {
      const o = <usize>j << 3;
      v128.store(rTh + o, f64x2.add(v128.load(rTh + o), f64x2.mul(av, v128.load(base + o))));
    }
    for (; j < d; j++) {
      const o = <usize>j << 3;
      store<f64>(rTh + o, load<f64>(rTh + o) + ai * load<f64>(base + o));
    }
  }
}

/** The train loss on clean labels at θ (rowTheta first): per sample f = θ·x in order, two samples per lane pair. */
export function trainLoss(): f64 {
  rowTheta();
  const n = gn, d = gd, n8 = <usize>n << 3;
  let loss: f64 = 0;
  let s = 0;
  for (; s + 1 < n; s += 2) {
    let f = f64x2.splat(0);
    let xp = rXt + (<usize>s << 3);
    for (let j = 0; j < d; j++, xp += n8) f = f64x2.add(f, f64x2.mul(f64x2.splat(load<f64>(rTh + (<usize>j << 3))), v128.load(xp)));
    const yp = pY + (<usize>s << 3);
    const r0 = f64x2.extract_lane(f, 0) - load<f64>(yp), r1 = f64x2.extract_lane(f, 1) - load<f64>(yp, 8);
    loss += 0.5 * r0 * r0;
    loss += 0.5 * r1 * r1;
  }
  for (; s < n; s++) {
    let f: f64 = 0;
    for (let j = 0; j < d; j++) f += load<f64>(rTh + (<usize>j << 3)) * load<f64>(rXt + (<usize>(j * n + s) << 3));
    const r = f - load<f64>(pY + (<usize>s << 3));
    loss += 0.5 * r * r;
  }
  return loss / <f64>n;
}

/** The divergence check's loss ½(θᵀSnθ − 2bᵀθ + c) (Sn is symmetric to the bit: row l gives column l). */
export function checkLoss(cn: f64): f64 {
  rowTheta();
  const d = gd, d8 = <usize>d << 3;
  let quad: f64 = 0, lin: f64 = 0;
  let j = 0;
  for (; j + 1 < d; j += 2) {
    let sv = f64x2.splat(0);
    let sp = rSn + (<usize>j << 3);
    for (let l = 0; l < d; l++, sp += d8) sv = f64x2.add(sv, f64x2.mul(v128.load(sp), f64x2.splat(load<f64>(rTh + (<usize>l << 3)))));
    const t0 = load<f64>(rTh + (<usize>j << 3)), t1 = load<f64>(rTh + (<usize>j << 3), 8);
    quad += t0 * f64x2.extract_lane(sv, 0);
    lin += load<f64>(rBn + (<usize>j << 3)) * t0;
    quad += t1 * f64x2.extract_lane(sv, 1);
    lin += load<f64>(rBn + (<usize>j << 3), 8) * t1;
  }
  for (; j < d; j++) {
    let s: f64 = 0;
    for (let l = 0; l < d; l++) s += load<f64>(rSn + (<usize>(j * d + l) << 3)) * load<f64>(rTh + (<usize>l << 3));
    const t = load<f64>(rTh + (<usize>j << 3));
    quad += t * s;
    lin += load<f64>(rBn + (<usize>j << 3)) * t;
  }
  return 0.5 * (quad - 2 * lin + cn);
}

/**
 * G = MᵀM (upper triangle, then mirrored), ‖v‖² and ‖W‖²_F into out[0], out[1], P = (G + ‖v‖²I) S into `p`
 * (P, or P0 at the start), then out[2] = tr(P0 P) and out[3] = tr(P P) when `p` is P.
 */
export function rowGlobals(p: usize): void {
  const d = gd, rows = grows, d8 = <usize>d << 3;
  memory.fill(rG, 0, <usize>(d * d) << 3);
  let aa: f64 = 0;
  let base = pM;
  for (let i = 0; i < rows; i++, base += d8) {
    const vi = load<f64>(pV + (<usize>i << 3));
    aa += vi * vi;
    for (let j = 0; j < d; j++) {
      const mj = load<f64>(base + (<usize>j << 3));
      const mv = f64x2.splat(mj);
      const g = rG + (<usize>(j * d) << 3);
      let l = j;
      for (; l + 1 < d; l += 2) {
        const o = <usize>l << 3;
        v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(mv, v128.load(base + o))));
      }
      if (l < d) {
        const o = <usize>l << 3;
        store<f64>(g + o, load<f64>(g + o) + mj * load<f64>(base + o));
      }
    }
  }
  let fro2: f64 = 0;
  for (let j = 0; j < d; j++) {
    fro2 += load<f64>(rG + (<usize>(j * d + j) << 3));
    for (let l = j + 1; l < d; l++) store<f64>(rG + (<usize>(l * d + j) << 3), load<f64>(rG + (<usize>(j * d + l) << 3)));
  }
  store<f64>(rOut, aa);
  store<f64>(rOut, fro2, 8);
  // P = aa·S + Σ_l G_jl S_l, row by row, lanes over columns
  const av = f64x2.splat(aa), d2 = d & ~1;
  for (let j = 0; j < d; j++) {
    const po = p + (<usize>(j * d) << 3), so = rS + (<usize>(j * d) << 3), go = rG + (<usize>(j * d) << 3);
    let u = 0;
    for (; u < d2; u += 2) v128.store(po + (<usize>u << 3), f64x2.mul(av, v128.load(so + (<usize>u << 3))));
    for (; u < d; u++) store<f64>(po + (<usize>u << 3), aa * load<f64>(so + (<usize>u << 3)));
    for (let l = 0; l < d; l++) {
      const g = load<f64>(go + (<usize>l << 3));
      const gv = f64x2.splat(g);
      const sl = rS + (<usize>(l * d) << 3);
      u = 0;
      for (; u < d2; u += 2) {
        const o = <usize>u << 3;
        v128.store(po + o, f64x2.add(v128.load(po + o), f64x2.mul(gv, v128.load(sl + o))));
      }
      for (; u < d; u++) {
        const o = <usize>u << 3;
        store<f64>(po + o, load<f64>(po + o) + g * load<f64>(sl + o));
      }
    }
  }
  if (p != rP) return;
  // tr(A B) = Σ_ij A_ij B_ji, both traces in one pass (two independent sums)
  let cross: f64 = 0, pp: f64 = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const bji = load<f64>(rP + (<usize>(j * d + i) << 3));
      cross += load<f64>(rP0 + (<usize>(i * d + j) << 3)) * bji;
      pp += load<f64>(rP + (<usize>(i * d + j) << 3)) * bji;
    }
  }
  store<f64>(rOut, cross, 16);
  store<f64>(rOut, pp, 24);
}

/**
 * The subspace kernel's packed forms: p = Cθ* into `pOut`, and for j ≤ l < k the pair
 * [2·(CCᵀ)_jl, 2·(DDᵀ)_jl] (not doubled on the diagonal), D = C − C(0), into `packed` — G's and E's sums in the two
 * lanes of one accumulator, each in the JavaScript order over columns.
 */
export function formPacked(pOut: usize, packed: usize): void {
  const star = rStar;
  const d = gd, k = grows;
  for (let x = 0; x < k * d; x++) {
    const o = <usize>x << 3;
    const m = load<f64>(pM + o);
    v128.store(rMD + (o << 1), f64x2.replace_lane(f64x2.splat(m), 1, m - load<f64>(rC0 + o)));
  }
  let at = packed;
  for (let j = 0; j < k; j++) {
    const mj = pM + (<usize>(j * d) << 3);
    let pj: f64 = 0;
    for (let c = 0; c < d; c++) pj += load<f64>(mj + (<usize>c << 3)) * load<f64>(star + (<usize>c << 3));
    store<f64>(pOut + (<usize>j << 3), pj);
    const rj = rMD + (<usize>(j * d) << 4);
    for (let l = j; l < k; l++) {
      const rl = rMD + (<usize>(l * d) << 4);
      let acc = f64x2.splat(0);
      for (let c = 0; c < d; c++) acc = f64x2.add(acc, f64x2.mul(v128.load(rj + (<usize>c << 4)), v128.load(rl + (<usize>c << 4))));
      v128.store(at, l == j ? acc : f64x2.mul(f64x2.splat(2), acc));
      at += 16;
    }
  }
}
