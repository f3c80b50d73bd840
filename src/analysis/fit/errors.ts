/** A fit request the folder cannot answer (a metric it lacks, a parameter that does not vary): bad input, exit 2. */
export class FitRequestError extends Error {
  override readonly name = 'FitRequestError';
}
