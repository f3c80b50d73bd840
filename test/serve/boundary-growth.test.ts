/**
 * The live page's "boundary round by round" panel draws each round's median curve: a refined boundary file also holds
 * its band's lo and hi curves and polygons (sweep/refine/boundary.ts), which drawn as lines mesh into a lattice.
 */
import { describe, expect, it } from 'vitest';
import { boundarySnapshots } from '../../src/serve/views.js';

const curve = (kind: string, ys: number[]) => ({ kind, facetValues: [50], points: ys.map((y, i) => ({ x: i + 1, y })) });

describe("the live page's boundary snapshots", () => {
  it('keep the median curves of a file with a band, and nothing of lo, hi or the band', () => {
    const file = {
      metric: 'final_align_cos_mean',
      level: 0.5,
      axes: ['sigma', 'alpha'],
      facets: ['width'],
      curves: [curve('median', [1, 1.1, 1.2]), curve('lo', [0.9, 1, 1.1]), curve('hi', [1.1, 1.2, 1.3]), curve('band', [0.9, 1.1, 1.3, 1.1])],
    };
    const [snap] = boundarySnapshots([{ name: 'boundary-final_align_cos_mean.arrow', file } as never], 2);
    expect(snap.round).toBe(2);
    expect(snap.points).toEqual([
      { x: 1, y: 1, segment: 0, facet: 'm = 50' },
      { x: 2, y: 1.1, segment: 0, facet: 'm = 50' },
      { x: 3, y: 1.2, segment: 0, facet: 'm = 50' },
    ]);
  });
});
