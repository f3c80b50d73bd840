/**
 * Inverse standard-normal CDF by Peter J. Acklam's rational approximation (relative error < 1.15e-9), used for gaussian
 * label noise ε = σ·Φ⁻¹(u): one uniform per sample keeps the noise stream's consumption independent of the noise law
 * (docs/formats.md#word-consumption). Coefficients from Acklam's note "An algorithm for computing the inverse normal
 * cumulative distribution function" (2003).
 *
 * The tails' logarithm is the portable one (portable-math.ts), so the noise is the same bits on every Node release;
 * src/core/wasm/normal.ts is this function again in AssemblyScript, operation for operation, for the WebAssembly loops.
 */
import { log } from './portable-math.js';

const A1 = -3.969683028665376e1,
  A2 = 2.209460984245205e2,
  A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2,
  A5 = -3.066479806614716e1,
  A6 = 2.506628277459239;
const B1 = -5.447609879822406e1,
  B2 = 1.615858368580409e2,
  B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1,
  B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3,
  C2 = -3.223964580411365e-1,
  C3 = -2.400758277161838;
const C4 = -2.549732539343734,
  C5 = 4.374664141464968,
  C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3,
  D2 = 3.224671290700398e-1,
  D3 = 2.445134137142996,
  D4 = 3.754408661907416;
const P_LOW = 0.02425;
const P_HIGH = 1 - P_LOW;
/** u is a multiple of 2^-53; u = 0 is read as half a grid step so Φ⁻¹ stays finite (≈ −8.3). */
const U_FLOOR = 2 ** -54;

export function invNormalCdf(u: number): number {
  const p = u > 0 ? u : U_FLOOR;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * log(p));
    return (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  }
  if (p <= P_HIGH) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) / (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1);
  }
  const q = Math.sqrt(-2 * log(1 - p));
  return -(((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
}
