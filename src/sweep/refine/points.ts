/**
 * The metric at each point of a refined sweep: its replicates' values, their median (as the diagrams aggregate), their
 * spread (the noise floor, round.ts) and a bootstrap interval of the median (the band, band.ts). Values come from the
 * caller, one per finished run (src/run/refine-values.ts reads them from the summary rows): ±∞ stand for a marker
 * never reached or a diverged run where divergence has a side.
 */
import type { RunParams } from '../../core/types.js';
import { quantile } from '../../core/quantile.js';
import { Xoshiro128 } from '../../core/rng.js';
import { deriveSeed } from '../seeds.js';
import { coordinates, facetKeyOf, valueKey, type RefineSetup } from './round.js';

/** One finished run's value of the metric. */
export interface RunSample {
  params: RunParams;
  replicate: number;
  value: number;
}

export interface PointValues {
  /** every replicate's value, in replicate order */
  values: number[];
  median: number;
}

/** The replicates' values and median at each point of each facet, keyed by valueKey (round.ts). */
export function pointValues(samples: readonly RunSample[], setup: RefineSetup): Map<string, PointValues> {
  const groups = new Map<string, RunSample[]>();
  for (const s of samples) {
    const [x, y] = coordinates(setup, s.params);
    const key = valueKey(facetKeyOf(setup, s.params), x, y);
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(s);
  }
  return new Map(
    [...groups].map(([k, g]) => {
      const values = g.sort((a, b) => a.replicate - b.replicate).map((s) => s.value);
      return [k, { values, median: quantile(values, 0.5) }];
    }),
  );
}

/** Resamples per point for the band: the 2.5% and 97.5% quantiles of 1000 bootstrap medians move by < 1% of the range. */
const BAND_RESAMPLES = 1000;

/**
 * The 95% bootstrap interval of a point's median: its replicates resampled with replacement BAND_RESAMPLES times,
 * the 2.5% and 97.5% quantiles of the resamples' medians. The stream is seeded from the sweep seed, the metric and
 * the point, so the same results give the same interval whatever else the sweep holds. With 3 to 5 replicates the
 * interval is the replicates' range (a resample's median is the smallest value with probability above 2.5%).
 */
export function medianInterval(p: PointValues, sweepSeed: number, metric: string, key: string): [number, number] {
  const n = p.values.length;
  if (n < 2) return [p.median, p.median];
  const rng = new Xoshiro128(deriveSeed('bootstrap', sweepSeed, 0, { what: 'refine-band', metric, point: key }));
  const medians = new Array<number>(BAND_RESAMPLES);
  const draw = new Array<number>(n);
  for (let b = 0; b < BAND_RESAMPLES; b++) {
    for (let i = 0; i < n; i++) draw[i] = p.values[rng.nextIndex(n)];
    medians[b] = quantile(draw, 0.5);
  }
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}
