/** The one function of vega-statistics (no types of its own) that core uses: theory.ts's χ²₁ law. */
declare module 'vega-statistics' {
  /** Φ((value − mean)/stdev), the normal law's CDF (Graeme West's double-precision algorithm). */
  export function cumulativeNormal(value: number, mean?: number, stdev?: number): number;
}
