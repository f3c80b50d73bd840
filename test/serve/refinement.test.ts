/**
 * Refinement on the live page: served while `refine` runs round after round (one `refine --rounds k` at a time, so
 * nothing is raced), the page's refinement view counts each round's runs and keeps each boundary as it was after
 * every round, and the phase diagram draws the boundary and the refined cells.
 */
import { copyFileSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ServedFolder } from '../../src/serve/served-folder.js';
import { tempDir } from '../helpers.js';
import { refine, runInto, SMOOTH_5X5 } from '../refine/helpers.js';
import { startServing } from './helpers.js';

interface Refinement {
  rounds: { round: number; runs: number; finished: number }[];
  boundaries: { name: string; spec: { data: { name: string; values?: { round: string }[] }[] } | null }[];
}

describe('the live page of a sweep being refined', () => {
  it('shows each round and the boundary after each round, growing', { timeout: 180_000 }, async () => {
    const dir = runInto(SMOOTH_5X5);
    const served = await startServing(['serve', dir]);
    onTestFinished(() => void served.child.kill('SIGINT'));
    const api = async <T>(path: string): Promise<T> => {
      const url = new URL(path, served.url);
      url.searchParams.set('token', served.url.searchParams.get('token')!);
      // a connection left idle while `refine` ran may have been closed by now: one retry on a fresh one
      const get = () => fetch(url, { keepalive: false });
      return (await (await get().catch(get)).json()) as T;
    };
    /** the page's refinement view once the server has seen `rounds` rounds and a boundary after the last */
    const after = async (rounds: number): Promise<Refinement> => {
      for (const t0 = Date.now(); Date.now() - t0 < 90_000;) {
        const r = await api<Refinement>('/api/refinement');
        const seen = new Set(r.boundaries.flatMap((b) => b.spec?.data.flatMap((d) => (d.values ?? []).map((v) => v.round)) ?? []));
        if (r.rounds.length === rounds + 1 && seen.has(`after round ${rounds}`)) return r;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`the page never showed round ${rounds}: ${JSON.stringify(await api('/api/refinement')).slice(0, 400)}\n${served.output()}`);
    };
    const flags = ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--budget', '200', '--workers', '2'];

    expect((await api<Refinement>('/api/refinement')).boundaries).toEqual([]);
    expect(refine(dir, ...flags, '--rounds', '0').code).toBe(0);
    const zero = await after(0);
    expect(zero.rounds).toEqual([{ round: 0, runs: 25, finished: 25 }]);

    const one = refine(dir, ...flags, '--rounds', '1');
    expect(one.code, one.stderr).toBe(0);
    const r = await after(1);
    expect(r.rounds[1].runs).toBeGreaterThan(0);
    expect(r.rounds[1].finished).toBe(r.rounds[1].runs);
    // the boundary's view holds its curve after round 0 and after round 1, the later one with more points
    const values = r.boundaries[0].spec!.data.flatMap((d) => d.values ?? []);
    const count = (round: string) => values.filter((v) => v.round === round).length;
    expect(count('after round 0')).toBeGreaterThan(1);
    expect(count('after round 1')).toBeGreaterThan(count('after round 0'));

    // the diagram draws the measured boundary over the refined cells, with its band
    const diagram = await api<{ spec: { data: { values?: { row?: string; overlay?: string }[] }[] } }>('/api/diagram?z=final_w_norm2_mean');
    const rows = diagram.spec.data.flatMap((d) => d.values ?? []);
    expect([...new Set(rows.filter((v) => v.row === 'curve').map((v) => v.overlay))]).toEqual(['measured boundary: final_w_norm2_mean = 0.6 ± band']);
    // and its replicate band, shaded (refine runs 3 replicates per new point)
    expect(rows.some((v) => v.row === 'band')).toBe(true);
  });

  it("tags a boundary with the round it reflects when that round's run files take the server many looks to read", () => {
    // issue 22's loaded suite: the boundary after round 1 was taken while round 1's runs were still being read, tagged
    // "after round 0", and never tagged again. Here each look reads one run file (a read budget of 0 ms), so the
    // boundary lands while round 1 is unread for certain, whatever the machine's speed.
    const flags = ['--metric', 'final_w_norm2_mean', '--level', '0.6', '--budget', '200', '--workers', '2'];
    const grid = runInto(SMOOTH_5X5);
    expect(refine(grid, ...flags, '--rounds', '0').code).toBe(0);
    const later = join(tempDir(), 'out');
    cpSync(grid, later, { recursive: true });
    expect(refine(later, ...flags, '--rounds', '1').code).toBe(0);

    const folder = new ServedFolder(grid, undefined, 0);
    const looks = () => {
      let n = 1;
      while (folder.refresh()) n++;
      return n;
    };
    const rounds = () =>
      new Set(
        folder
          .refinement()
          .boundaries.flatMap((b) => (b.spec as { data: { values?: { round: string }[] }[] }).data.flatMap((d) => d.values ?? []))
          .map((v) => v.round),
      );
    looks();
    expect(rounds()).toEqual(new Set(['after round 0']));
    // round 1 lands as refine leaves it: plan.json and the run files first, then the boundary
    copyFileSync(join(later, 'plan.json'), join(grid, 'plan.json'));
    for (const f of readdirSync(join(later, 'runs'))) copyFileSync(join(later, 'runs', f), join(grid, 'runs', f));
    copyFileSync(join(later, 'boundary-final_w_norm2_mean.arrow'), join(grid, 'boundary-final_w_norm2_mean.arrow'));
    expect(looks()).toBeGreaterThan(25); // round 1's run files, one a look
    expect(folder.refinement().rounds.map((r) => r.finished === r.runs)).toEqual([true, true]);
    expect(rounds()).toEqual(new Set(['after round 0', 'after round 1']));
  });
});
