/**
 * The subspace kernel's per-neuron metric columns (neuronColumns in src/core/kernel-subspace.ts) with f64x2 SIMD,
 * one neuron per lane: each neuron's sums run in exactly the JavaScript order, so the columns are bit-identical.
 * Eight neurons per iteration (four lane pairs) share every load of the packed forms and give eight independent
 * add chains per form (≈1.15x faster than four at k = 21). Per neuron: k(k+1) + 2k multiply-adds, as in JavaScript, at two neurons per instruction.
 * The quadratic forms, the linear forms (a_i, ⟨w_i, θ*⟩) and Σ|q_i·dv| each take a pass of their own over a block's
 * components, every sum still in j order: with fewer sums live across the inner loop V8 keeps them in registers
 * (the pass ≈ 10% faster than one loop over j carrying all twenty).
 * `neuronRow` also sums the metric row's per-neuron terms (sumNeurons in src/core/metrics.ts) as each block of
 * eight is stored, neuron by neuron in index order, so the sums are bit-identical too and the columns are read
 * back from L1 rather than in a second pass over 4m doubles.
 *
 * Memory (imported, sized once, never grown), from `layoutNeurons`: Q in blocks of eight neurons, component by
 * component ([q_{8b,j}, …, q_{8b+7,j}] for j < k: one cache line per component of a block, loaded at immediate
 * offsets from one pointer; m padded with zero rows to a multiple of 8), packed (k(k+1)), v (k), p (k),
 * then the four output columns wn2, dn2, a, ip, and w0n2 = ‖w_i(0)‖² (m padded each), then dv = c − c' (k), a
 * block's eight a_i − a'_i, and the row's 9 sums.
 */
let nQ: usize = 0, nPk: usize = 0, nV: usize = 0, nP: usize = 0, nWn: usize = 0, nDn: usize = 0, nA: usize = 0, nIp: usize = 0;
let nW0: usize = 0, nDv: usize = 0, nX: usize = 0, nSum: usize = 0;
let nm: i32 = 0, nm4: i32 = 0, nk: i32 = 0;

export function layoutNeurons(m: i32, k: i32): usize {
  nm = m;
  nm4 = (m + 7) & ~7;
  nk = k;
  nQ = (__heap_base + 15) & ~<usize>15;
  nPk = nQ + (<usize>nm4 * <usize>k << 3);
  nV = nPk + (<usize>(k * (k + 1)) << 3);
  nP = nV + (<usize>k << 3);
  nWn = nP + (<usize>k << 3);
  nDn = nWn + (<usize>nm4 << 3);
  nA = nDn + (<usize>nm4 << 3);
  nIp = nA + (<usize>nm4 << 3);
  nW0 = nIp + (<usize>nm4 << 3);
  nDv = nW0 + (<usize>nm4 << 3);
  nX = (nDv + (<usize>k << 3) + 15) & ~<usize>15;
  nSum = nX + 64;
  return nSum + 72;
}

export function offNQ(): usize { return nQ; }
export function offNPacked(): usize { return nPk; }
export function offNV(): usize { return nV; }
export function offNP(): usize { return nP; }
export function offNWn(): usize { return nWn; }
export function offNDn(): usize { return nDn; }
export function offNA(): usize { return nA; }
export function offNIp(): usize { return nIp; }
export function offNW0(): usize { return nW0; }
export function offNDv(): usize { return nDv; }
export function offNSums(): usize { return nSum; }

@inline function clampStore(p: usize, x: f64): void {
  store<f64>(p, x < 0 ? 0 : x);
}

export function neuronColumns(): void {
  neuronPass(false, false, 0, 0, 0, 0, 0);
}

/**
 * The columns and the row's sums: Σ‖w_i‖, Σ|a_i|, max|a_i|, Σ|⟨w_i,θ*⟩|, Σ|⟨w_i,θ*⟩|/(‖w_i‖‖θ*‖) over ‖w_i‖ > 0,
 * #{‖Δw_i‖² ≤ tol2}, #{‖Δw_i‖² ≤ ‖w_i(0)‖²·relTol2}, #{‖w_i‖² ≤ phase2W2 and |a_i| ≤ phase2A} (α⁴η and α²√η, from
 * the host: src/core/theory.ts phase2Thresholds), and with `step` Σ|q_i·dv|
 * (= Σ|a_i − a'_i|, aStepAbsMean in kernel-subspace.ts: k more multiply-adds per neuron), stored at offNSums().
 */
export function neuronRow(lazyTol2: f64, lazyRelTol2: f64, phase2W2: f64, phase2A: f64, starNorm: f64, step: bool): void {
  neuronPass(true, step, lazyTol2, lazyRelTol2, phase2W2, phase2A, starNorm);
}

function neuronPass(sums: bool, step: bool, lazyTol2: f64, lazyRelTol2: f64, phase2W2: f64, phase2A: f64, starNorm: f64): void {
  let sumW: f64 = 0, sumA: f64 = 0, maxA: f64 = 0, sumIp: f64 = 0, sumCos: f64 = 0, lazy: f64 = 0, lazyRel: f64 = 0, phase2: f64 = 0;
  let sumStep: f64 = 0;
  const k = nk, blockStride = <usize>k << 6;
  for (let i = 0; i < nm4; i += 8) {
    const qa = nQ + (<usize>(i >> 3)) * blockStride;
    // the quadratic forms: ‖w_i‖² = Σ_j q_ij·g_ij with g_ij = Σ_{l≥j} G_jl·q_il, and ‖Δw_i‖² the same with E
    let sA = f64x2.splat(0), sB = f64x2.splat(0), eA = f64x2.splat(0), eB = f64x2.splat(0);
    let sC = f64x2.splat(0), sD = f64x2.splat(0), eC = f64x2.splat(0), eD = f64x2.splat(0);
    let at = nPk;
    for (let j = 0; j < k; j++) {
      const qj = qa + (<usize>j << 6);
      let gA = f64x2.splat(0), gB = f64x2.splat(0), fA = f64x2.splat(0), fB = f64x2.splat(0);
      let gC = f64x2.splat(0), gD = f64x2.splat(0), fC = f64x2.splat(0), fD = f64x2.splat(0);
      for (let ql = qj, end = qa + blockStride; ql < end; ql += 64, at += 16) {
        const g = v128.load64_splat(at), e = v128.load64_splat(at, 8);
        const lA = v128.load(ql), lB = v128.load(ql, 16), lC = v128.load(ql, 32), lD = v128.load(ql, 48);
        gA = f64x2.add(gA, f64x2.mul(g, lA));
        gB = f64x2.add(gB, f64x2.mul(g, lB));
        gC = f64x2.add(gC, f64x2.mul(g, lC));
        gD = f64x2.add(gD, f64x2.mul(g, lD));
        fA = f64x2.add(fA, f64x2.mul(e, lA));
        fB = f64x2.add(fB, f64x2.mul(e, lB));
        fC = f64x2.add(fC, f64x2.mul(e, lC));
        fD = f64x2.add(fD, f64x2.mul(e, lD));
      }
      const qjA = v128.load(qj), qjB = v128.load(qj, 16), qjC = v128.load(qj, 32), qjD = v128.load(qj, 48);
      sA = f64x2.add(sA, f64x2.mul(qjA, gA));
      sB = f64x2.add(sB, f64x2.mul(qjB, gB));
      sC = f64x2.add(sC, f64x2.mul(qjC, gC));
      sD = f64x2.add(sD, f64x2.mul(qjD, gD));
      eA = f64x2.add(eA, f64x2.mul(qjA, fA));
      eB = f64x2.add(eB, f64x2.mul(qjB, fB));
      eC = f64x2.add(eC, f64x2.mul(qjC, fC));
      eD = f64x2.add(eD, f64x2.mul(qjD, fD));
    }
    // the linear forms, each in j order as before, in a pass of their own (fewer sums live across the loop above)
    let aA = f64x2.splat(0), aB = f64x2.splat(0), pA = f64x2.splat(0), pB = f64x2.splat(0);
    let aC = f64x2.splat(0), aD = f64x2.splat(0), pC = f64x2.splat(0), pD = f64x2.splat(0);
    for (let j = 0; j < k; j++) {
      const qj = qa + (<usize>j << 6);
      const qjA = v128.load(qj), qjB = v128.load(qj, 16), qjC = v128.load(qj, 32), qjD = v128.load(qj, 48);
      const vj = v128.load64_splat(nV + (<usize>j << 3));
      const pj = v128.load64_splat(nP + (<usize>j << 3));
      aA = f64x2.add(aA, f64x2.mul(vj, qjA));
      aB = f64x2.add(aB, f64x2.mul(vj, qjB));
      aC = f64x2.add(aC, f64x2.mul(vj, qjC));
      aD = f64x2.add(aD, f64x2.mul(vj, qjD));
      pA = f64x2.add(pA, f64x2.mul(pj, qjA));
      pB = f64x2.add(pB, f64x2.mul(pj, qjB));
      pC = f64x2.add(pC, f64x2.mul(pj, qjC));
      pD = f64x2.add(pD, f64x2.mul(pj, qjD));
    }
    let xA = f64x2.splat(0), xB = f64x2.splat(0), xC = f64x2.splat(0), xD = f64x2.splat(0);
    if (step) {
      for (let j = 0; j < k; j++) {
        const qj = qa + (<usize>j << 6);
        const dvj = v128.load64_splat(nDv + (<usize>j << 3));
        xA = f64x2.add(xA, f64x2.mul(v128.load(qj), dvj));
        xB = f64x2.add(xB, f64x2.mul(v128.load(qj, 16), dvj));
        xC = f64x2.add(xC, f64x2.mul(v128.load(qj, 32), dvj));
        xD = f64x2.add(xD, f64x2.mul(v128.load(qj, 48), dvj));
      }
    }
    const o = <usize>i << 3;
    storePair(nWn + o, sA, sB, sC, sD, nDn + o, eA, eB, eC, eD);
    v128.store(nA + o, aA);
    v128.store(nA + o, aB, 16);
    v128.store(nA + o, aC, 32);
    v128.store(nA + o, aD, 48);
    v128.store(nIp + o, pA);
    v128.store(nIp + o, pB, 16);
    v128.store(nIp + o, pC, 32);
    v128.store(nIp + o, pD, 48);
    if (sums) {
      // The JavaScript loop's order, one neuron at a time; the block's padding neurons (i ≥ m) are skipped.
      const end = i + 8 < nm ? i + 8 : nm;
      if (step) {
        v128.store(nX, xA);
        v128.store(nX, xB, 16);
        v128.store(nX, xC, 32);
        v128.store(nX, xD, 48);
      }
      for (let u = i; u < end; u++) {
        const b = <usize>u << 3;
        const wn2 = load<f64>(nWn + b), dn2 = load<f64>(nDn + b);
        const wn = Math.sqrt(wn2);
        const absA = Math.abs(load<f64>(nA + b));
        const absIp = Math.abs(load<f64>(nIp + b));
        sumW += wn;
        sumA += absA;
        if (absA > maxA) maxA = absA;
        sumIp += absIp;
        if (wn > 0) sumCos += absIp / (wn * starNorm);
        if (dn2 <= lazyTol2) lazy += 1;
        if (dn2 <= load<f64>(nW0 + b) * lazyRelTol2) lazyRel += 1;
        if (wn2 <= phase2W2 && absA <= phase2A) phase2 += 1;
        if (step) sumStep += Math.abs(load<f64>(nX + (<usize>(u - i) << 3)));
      }
    }
  }
  if (sums) {
    store<f64>(nSum, sumW); store<f64>(nSum, sumA, 8); store<f64>(nSum, maxA, 16); store<f64>(nSum, sumIp, 24);
    store<f64>(nSum, sumCos, 32); store<f64>(nSum, lazy, 40); store<f64>(nSum, lazyRel, 48); store<f64>(nSum, phase2, 56);
    store<f64>(nSum, sumStep, 64);
  }
}

// Rounding can leave a tiny negative quadratic form; a squared norm is ≥ 0 (NaN passes through: diverged).
@inline function clamp2(p: usize, x: v128): void {
  clampStore(p, f64x2.extract_lane(x, 0));
  clampStore(p + 8, f64x2.extract_lane(x, 1));
}

@inline function storePair(w: usize, sA: v128, sB: v128, sC: v128, sD: v128, e: usize, eA: v128, eB: v128, eC: v128, eD: v128): void {
  clamp2(w, sA); clamp2(w + 16, sB); clamp2(w + 32, sC); clamp2(w + 48, sD);
  clamp2(e, eA); clamp2(e + 16, eB); clamp2(e + 32, eC); clamp2(e + 48, eD);
}
