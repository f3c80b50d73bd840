/**
 * The paper's scaling laws for the metrics a fit can be held against (arXiv 2603.10397; src/core/theory.ts has the
 * predictions themselves). A law is its exponents as the paper writes them and the log of its value up to a
 * constant, so a fit can also say what exponents the law itself has over the fitted runs (the √ln m factor makes
 * the width's effective exponent −½ + 1/(2 ln m), ≈ −0.43 at m = 1000).
 */
import { meanNoiseVariance } from '../../core/noise-variance.js';
import type { RunParams } from '../../core/types.js';
import type { ParamKey } from '../base/sweep-data.js';

export interface TheoryLaw {
  /** the paper's statement, for the table */
  statement: string;
  exponents: Partial<Record<ParamKey, number>>;
  /** log of the law's value at these parameters, up to an additive constant; null where the law says nothing */
  logLaw(p: RunParams): number | null;
}

/** Theorem 2: every neuron leaves its lazy ball by T1 = 384·√(ln m)/(σ̄²η²√m). */
const LAZY_ESCAPE: TheoryLaw = {
  statement: 'T1 ∝ σ⁻² η⁻² m^-½ √(ln m) (Theorem 2)',
  exponents: { sigma: -2, lr: -2, width: -0.5 },
  logLaw: (p) => {
    const noise = meanNoiseVariance(p);
    if (!(noise > 0) || p.optimizer !== 'sgd' || p.width < 2) return null;
    return -Math.log(noise) - 2 * Math.log(p.lr) - 0.5 * Math.log(p.width) + 0.5 * Math.log(Math.log(p.width));
  },
};

/** Phase I: mean ‖wᵢ‖² decays at η²(σ̄² + 2L̄)/batch per step, ≈ η²σ̄²/batch where the noise dominates the loss. */
const NORM_DECAY: TheoryLaw = {
  statement: 'rate ∝ η² σ̄² / batch (Phase I, noise ≫ loss)',
  exponents: { sigma: 2, lr: 2, batch: -1 },
  logLaw: (p) => {
    const noise = meanNoiseVariance(p);
    if (!(noise > 0) || p.optimizer !== 'sgd') return null;
    return Math.log(noise) + 2 * Math.log(p.lr) - Math.log(p.batch);
  },
};

export const THEORY_LAWS: Readonly<Record<string, TheoryLaw>> = {
  lazy_escape_step: LAZY_ESCAPE,
  lazy_escape_step_50: LAZY_ESCAPE,
  norm_decay_rate: NORM_DECAY,
};
