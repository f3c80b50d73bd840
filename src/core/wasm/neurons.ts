/**
 * The subspace kernel's per-neuron metric columns (neuronColumns in src/core/kernel-subspace.ts) with f64x2 SIMD,
 * one neuron per lane: each neuron's sums run in exactly the JavaScript order, so the columns are bit-identical.
 * Four neurons per iteration (two lane pairs) share every load of the packed forms and give four independent
 * add chains. Per neuron: k(k+1) + 2k multiply-adds, as in JavaScript, at two neurons per instruction.
 *
 * Memory (imported, sized once, never grown), from `layoutNeurons`: Q as pairs of neurons interleaved
 * ([q_{2p,j}, q_{2p+1,j}] for j < k, m padded with zero rows to a multiple of 4), packed (k(k+1)), v (k), p (k),
 * then the four output columns wn2, dn2, a, ip (m padded each).
 */
let nQ: usize = 0, nPk: usize = 0, nV: usize = 0, nP: usize = 0, nWn: usize = 0, nDn: usize = 0, nA: usize = 0, nIp: usize = 0;
let nm4: i32 = 0, nk: i32 = 0;

export function layoutNeurons(m: i32, k: i32): usize {
  nm4 = (m + 3) & ~3;
  nk = k;
  nQ = (__heap_base + 15) & ~<usize>15;
  nPk = nQ + (<usize>nm4 * <usize>k << 3);
  nV = nPk + (<usize>(k * (k + 1)) << 3);
  nP = nV + (<usize>k << 3);
  nWn = nP + (<usize>k << 3);
  nDn = nWn + (<usize>nm4 << 3);
  nA = nDn + (<usize>nm4 << 3);
  nIp = nA + (<usize>nm4 << 3);
  return nIp + (<usize>nm4 << 3);
}

export function offNQ(): usize { return nQ; }
export function offNPacked(): usize { return nPk; }
export function offNV(): usize { return nV; }
export function offNP(): usize { return nP; }
export function offNWn(): usize { return nWn; }
export function offNDn(): usize { return nDn; }
export function offNA(): usize { return nA; }
export function offNIp(): usize { return nIp; }

@inline function clampStore(p: usize, x: f64): void {
  store<f64>(p, x < 0 ? 0 : x);
}

export function neuronColumns(): void {
  const k = nk, pairStride = <usize>k << 4;
  for (let i = 0; i < nm4; i += 4) {
    const qa = nQ + (<usize>(i >> 1)) * pairStride;
    const qb = qa + pairStride;
    let sA = f64x2.splat(0), sB = f64x2.splat(0), eA = f64x2.splat(0), eB = f64x2.splat(0);
    let aA = f64x2.splat(0), aB = f64x2.splat(0), pA = f64x2.splat(0), pB = f64x2.splat(0);
    let at = nPk;
    for (let j = 0; j < k; j++) {
      const jo = <usize>j << 4;
      const qjA = v128.load(qa + jo), qjB = v128.load(qb + jo);
      const vj = f64x2.splat(load<f64>(nV + (<usize>j << 3)));
      const pj = f64x2.splat(load<f64>(nP + (<usize>j << 3)));
      aA = f64x2.add(aA, f64x2.mul(vj, qjA));
      aB = f64x2.add(aB, f64x2.mul(vj, qjB));
      pA = f64x2.add(pA, f64x2.mul(pj, qjA));
      pB = f64x2.add(pB, f64x2.mul(pj, qjB));
      let gA = f64x2.splat(0), gB = f64x2.splat(0), fA = f64x2.splat(0), fB = f64x2.splat(0);
      for (let l = j; l < k; l++) {
        const g = v128.load64_splat(at), e = v128.load64_splat(at, 8);
        const lo = <usize>l << 4;
        const lA = v128.load(qa + lo), lB = v128.load(qb + lo);
        gA = f64x2.add(gA, f64x2.mul(g, lA));
        gB = f64x2.add(gB, f64x2.mul(g, lB));
        fA = f64x2.add(fA, f64x2.mul(e, lA));
        fB = f64x2.add(fB, f64x2.mul(e, lB));
        at += 16;
      }
      sA = f64x2.add(sA, f64x2.mul(qjA, gA));
      sB = f64x2.add(sB, f64x2.mul(qjB, gB));
      eA = f64x2.add(eA, f64x2.mul(qjA, fA));
      eB = f64x2.add(eB, f64x2.mul(qjB, fB));
    }
    const o = <usize>i << 3;
    // Rounding can leave a tiny negative quadratic form; a squared norm is ≥ 0 (NaN passes through: diverged).
    clampStore(nWn + o, f64x2.extract_lane(sA, 0));
    clampStore(nWn + o + 8, f64x2.extract_lane(sA, 1));
    clampStore(nWn + o + 16, f64x2.extract_lane(sB, 0));
    clampStore(nWn + o + 24, f64x2.extract_lane(sB, 1));
    clampStore(nDn + o, f64x2.extract_lane(eA, 0));
    clampStore(nDn + o + 8, f64x2.extract_lane(eA, 1));
    clampStore(nDn + o + 16, f64x2.extract_lane(eB, 0));
    clampStore(nDn + o + 24, f64x2.extract_lane(eB, 1));
    v128.store(nA + o, aA);
    v128.store(nA + o, aB, 16);
    v128.store(nIp + o, pA);
    v128.store(nIp + o, pB, 16);
  }
}
