/**
 * Ordinary least squares y ≈ Xβ by ml-matrix's QR decomposition (Householder), factored once so the bootstrap's
 * resamples, which keep X and change only y, each cost a back-substitution. O(n·k²) to factor, O(n·k) per solve.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';

export interface LeastSquares {
  /** the coefficients for one right-hand side */
  solve(y: readonly number[]): number[];
  /** 1 − SS_res/SS_tot of the fit of y (1 when y is constant and fitted exactly) */
  r2(y: readonly number[], beta: readonly number[]): number;
  predict(beta: readonly number[]): number[];
}

/** Null when X does not have full column rank (a column constant or a combination of the others). */
export function leastSquares(x: readonly (readonly number[])[]): LeastSquares | null {
  const X = new Matrix(x.map((row) => [...row]));
  const qr = new QrDecomposition(X);
  if (!qr.isFullRank()) return null;
  const predict = (beta: readonly number[]) => X.mmul(Matrix.columnVector([...beta])).to1DArray();
  return {
    solve: (y) => qr.solve(Matrix.columnVector([...y])).to1DArray(),
    predict,
    r2: (y, beta) => {
      const fitted = predict(beta);
      const mean = y.reduce((s, v) => s + v, 0) / y.length;
      const res = y.reduce((s, v, i) => s + (v - fitted[i]) ** 2, 0);
      const tot = y.reduce((s, v) => s + (v - mean) ** 2, 0);
      return tot === 0 ? 1 : 1 - res / tot;
    },
  };
}
