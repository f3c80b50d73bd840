/**
 * The one quantile every layer uses (the diagrams' medians, refinement's point values, the bootstraps' intervals):
 * d3-array's linear-interpolation quantile (numpy's default), with ±∞ allowed for markers never reached.
 */
import { quantile as d3Quantile, quantileIndex } from 'd3-array';

/**
 * d3 interpolates v₀ + (v₁ − v₀)·f between the values at ranks ⌊(n−1)p⌋ and the next, which is NaN when v₁ = +∞ and
 * f = 0 (or v₀ = v₁ = ±∞); the quantile is then v₀ itself, which d3's quantileIndex finds. NaN when `values` is empty.
 */
export function quantile(values: readonly number[], p: number): number {
  const q = d3Quantile(values, p) ?? NaN;
  return Number.isNaN(q) && values.length > 0 ? values[quantileIndex(values, p)] : q;
}
