/**
 * The Phase I model (src/core/phase-model.ts) against an independent numpy implementation of its formulas, on the
 * run's own X, θ* and init (dumped from the core's streams), and against its limits worked by hand:
 *   τ(t) = s + ½·min(ηK₀, 1)·(1 − e^{−s})/B, s = η²σ̄²t/B
 *   ‖w_i(τ)‖² = Σ_k c_ik² e^{−λ_k τ} + p_i²·(R + (1 − R)e^{−τ}), R = W∞/Σ_j p_j²
 * with λ_k, u_k the eigenpairs of PΣ̂P on θ̂*⊥ (P = I − θ̂θ̂ᵀ), c_ik = ⟨u_k, w_i(0)⟩, p_i = ⟨w_i(0), θ̂*⟩ and the end
 * point W∞ = ‖θ*‖√(tr Σ̂/ρ)(1 − ε/2) − (d/(d+1))ησ²/B, ρ = θ̂*ᵀΣ̂θ̂*, ε = η(d − 1)(1 + 1/B)‖θ*‖√(ρ/tr Σ̂)/2.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { initNetwork, makeData } from '../../src/core/data.js';
import { defaultParams } from '../../src/core/params.js';
import { PhaseModel, predictRun } from '../../src/core/phase-model.js';
import { noiseRate } from '../../src/core/noise-variance.js';
import { phase2Thresholds } from '../../src/core/theory.js';
import type { RunParams } from '../../src/core/types.js';
import { requireNumpy, titled } from '../support/components.js';
import { SEEDS } from './helpers.js';

// below the gate of terminal-state.ts (d·x = 0.56 < 0.75), so the model relaxes to the end point the numpy reference works
const P: RunParams = { ...defaultParams(), n: 60, d: 8, width: 120, alpha: 1, lr: 0.005, sigma: 1.5, teacher_norm: 0.2, steps: 200_000 };
const TAUS = [0, 0.3, 1, 3, 10, 40];

const NUMPY = String.raw`
import json, sys, numpy as np
a = json.load(sys.stdin)
n, d, m = a['n'], a['d'], a['m']
X = np.array(a['X']).reshape(n, d); W = np.array(a['W']).reshape(m, d); av = np.array(a['a']); ts = np.array(a['theta'])
S = X.T @ X / n
u = ts / np.linalg.norm(ts)
Pm = np.eye(d) - np.outer(u, u)
lam, V = np.linalg.eigh(Pm @ S @ Pm)
drop = np.argmax(np.abs(V.T @ u))
keep = [k for k in range(d) if k != drop]
lam, V = np.clip(lam[keep], 0, None), V[:, keep]
c2 = (W @ V) ** 2
p2 = (W @ u) ** 2
tn = np.linalg.norm(ts); ratio = np.sqrt(np.trace(S) / (u @ S @ u))
eps = a['lr'] * (d - 1) * (1 + 1 / a['batch']) * (tn / ratio) / 2
Winf = tn * ratio * (1 - eps / 2) - d / (d + 1) * a['lr'] * a['sigma'] ** 2 / a['batch']
R = Winf / p2.sum()
K0 = (W ** 2).sum() + d * (av ** 2).sum()
def norms(tau):
    par = p2 * (R + (1 - R) * np.exp(-tau))
    return c2 @ np.exp(-lam * tau) + par, par
def mean_cos(tau):
    w2, par = norms(tau); return np.mean(np.sqrt(par / w2))
def frac(tau):
    return np.mean(norms(tau)[0] <= a['thr'])
b = 0.5 * min(a['lr'] * K0, 1) / a['batch']
rate = a['rate']
def tau_at(t):
    s = rate * t; return s + b * (1 - np.exp(-s))
def first_tau(f, level):
    # a fine log scan, then bisection: the same event, found independently
    grid = np.concatenate([[0], np.logspace(-5, np.log10(40 / max(lam.min(), 1e-3)), 4000)])
    vals = np.array([f(t) for t in grid])
    hit = np.nonzero(vals >= level)[0]
    if len(hit) == 0: return None
    j = hit[0]
    if j == 0: return 0.0
    lo, hi = grid[j - 1], grid[j]
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) >= level: hi = mid
        else: lo = mid
    return hi
def step_at(tau):
    lo, hi = 0.0, tau / rate
    for _ in range(200):
        mid = (lo + hi) / 2
        if tau_at(mid) >= tau: hi = mid
        else: lo = mid
    return hi
t1, t2 = first_tau(frac, 0.5), first_tau(mean_cos, 0.5)
print(json.dumps({
  'k0': K0,
  'mean': [float(norms(t)[0].mean()) for t in a['taus']],
  'cos': [float(mean_cos(t)) for t in a['taus']],
  'frac': [float(frac(t)) for t in a['taus']],
  'tau_at': [float(tau_at(t)) for t in [0, 1e3, 1e5, 1e6]],
  'phase1': None if t1 is None else step_at(t1),
  'align': None if t2 is None else step_at(t2),
  'end': float(norms(tau_at(a['steps']))[0].mean()),
  'winf': float(Winf),
  'end_frac': float(np.mean(p2 * R <= a['thr'])),
}))
`;

describe('the Phase I model', () => {
  const data = makeData(P, SEEDS);
  const net = initNetwork(P, SEEDS.init);
  const model = new PhaseModel(P, data, net);
  const thr = phase2Thresholds(P).w2;

  const skip = requireNumpy();
  it.skipIf(skip !== null)(titled('agrees with an independent numpy implementation of its formulas on the run’s own X, θ* and init', skip), () => {
    const input = {
      n: P.n,
      d: P.d,
      m: P.width,
      X: Array.from(data.X),
      W: Array.from(net.W),
      a: Array.from(net.a),
      theta: Array.from(data.thetaStar),
      thr,
      lr: P.lr,
      batch: P.batch,
      sigma: P.sigma,
      rate: noiseRate(P),
      taus: TAUS,
      steps: P.steps,
    };
    const ref = JSON.parse(execFileSync('python3', ['-c', NUMPY], { input: JSON.stringify(input), encoding: 'utf8' })) as {
      k0: number;
      mean: number[];
      cos: number[];
      frac: number[];
      tau_at: number[];
      phase1: number | null;
      align: number | null;
      end: number;
      winf: number;
      end_frac: number;
    };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(model.k0, ref.k0)).toBeLessThan(1e-12);
    TAUS.forEach((tau, i) => {
      expect(rel(model.meanW2(tau), ref.mean[i]), `mean at τ=${tau}`).toBeLessThan(1e-10);
      expect(rel(model.meanAbsCos(tau), ref.cos[i]), `cos at τ=${tau}`).toBeLessThan(1e-10);
      expect(model.fractionBelow(tau, thr), `fraction at τ=${tau}`).toBe(ref.frac[i]);
    });
    [0, 1e3, 1e5, 1e6].forEach((t, i) => expect(Math.abs(model.tauAt(t) - ref.tau_at[i])).toBeLessThan(1e-12 * (1 + ref.tau_at[i])));
    const pred = predictRun(P, SEEDS)!;
    expect(ref.phase1).not.toBeNull();
    expect(rel(pred.phase1_steps!, ref.phase1!)).toBeLessThan(1e-8);
    expect(rel(pred.align_steps!, ref.align!)).toBeLessThan(1e-8);
    expect(rel(pred.w_norm2_end, ref.end)).toBeLessThan(1e-10);
    expect(rel(model.meanW2(2000), ref.winf / P.width), 'the end point').toBeLessThan(1e-12); // every transient gone
    expect(pred.phase2_frac_final).toBe(ref.end_frac);
    expect(model.fractionBelow(2000, thr)).toBe(ref.end_frac);
  });

  it('starts at the measured mean ‖wᵢ(0)‖², ends near √d‖θ*‖/m, and inverts its own clock', () => {
    let w0 = 0;
    for (const v of net.W) w0 += v * v;
    expect(model.meanW2(0)).toBeCloseTo(w0 / P.width, 13);
    // the end point on this X (n = 60): within the ±½√(2/n) = ±9% that ρ = θ̂*ᵀΣ̂θ̂* spreads it by
    expect(model.meanW2(2000) / ((Math.sqrt(P.d) * P.teacher_norm) / P.width)).toBeGreaterThan(0.8);
    expect(model.meanW2(2000) / ((Math.sqrt(P.d) * P.teacher_norm) / P.width)).toBeLessThan(1.2);
    expect(model.meanAbsCos(2000)).toBeCloseTo(1, 10); // the end point is aligned
    for (const t of [10, 1e4, 3e5]) expect(model.stepAt(model.tauAt(t)) / t).toBeCloseTo(1, 10);
  });

  it('gives no Phase I end where the end point holds fewer than half the neurons in the ball (F∞ < ½)', () => {
    // α = 1, η = 1e-3, m = 1000, ‖θ*‖ = 1: F∞ = 0.364 (theory.test.ts)
    const paper: RunParams = { ...defaultParams(), width: 1000, lr: 1e-3, sigma: 4, steps: 600_000 };
    const pred = predictRun(paper, SEEDS)!;
    expect(pred.phase1_steps).toBeNull();
    expect(pred.align_steps).toBeGreaterThan(0);
    expect(predictRun({ ...paper, sigma: 0 }, SEEDS)).toBeNull();
  });
});
