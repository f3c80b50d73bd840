/**
 * The live page in real Chromium (playwright-core driving /usr/bin/chromium) while a sweep runs: `run --serve`
 * prints the page's URL first; the page shows the counts and the diagram with pending cells while two runs are held
 * (the LNSWEEP_FAULTS hook, so nothing is raced); when one lands, the counts and its cell change without a reload; a
 * click on that cell lists its runs and draws their curves; the second is let go at the end. Also measured here, not asserted (the machine is
 * shared): how long after a run file lands the page shows it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP } from '../analysis/chromium.js';
import { titled } from '../support/components.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { launchBrowser, startServing, type Served } from './helpers.js';

const SWEEP = `name: live
seed: 2
base: { n: 20, d: 4, width: 8, lr: 0.002, steps: 2000, log_every: 100 }
grid:
  sigma: [0.5, 1, 2]
  alpha: [0.5, 1, 2]
`;

const count = (page: Page, what: string) => page.locator(`[data-count=${what}] b`).textContent();
/** the aria-label (the report's tooltip text) of the diagram's cell at σ, α */
const cellLabel = (page: Page, sigma: string, alpha: string) =>
  page.locator(`#diagram path[aria-label^="σ = ${sigma}, α = ${alpha} ·"]`).first().getAttribute('aria-label');

describe.skipIf(SKIP !== null)(titled('the live page during a sweep', SKIP), () => {
  const dir = tempDir('lnsweep-live-');
  const out = join(dir, 'out');
  const gate = join(dir, 'go');
  const lastGate = join(dir, 'go-last');
  let browser: Browser;
  let served: Served;
  let held: string;

  beforeAll(async () => {
    const sweep = writeSweep(dir, 'live', SWEEP);
    const plan = JSON.parse(runCli(['plan', sweep, '--json']).stdout) as { runs: { run_id: string; params: { sigma: number; alpha: number } }[] };
    held = plan.runs.find((r) => r.params.sigma === 1 && r.params.alpha === 1)!.run_id;
    const last = plan.runs.find((r) => r.params.sigma === 2 && r.params.alpha === 2)!.run_id;
    served = await startServing(['run', sweep, '--out', out, '--workers', '3', '--progress', 'none', '--serve'], {
      LNSWEEP_FAULTS: JSON.stringify({ [held]: { hold_at_step: 0, release_file: gate }, [last]: { hold_at_step: 0, release_file: lastGate } }),
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    writeFileSync(gate, '');
    writeFileSync(lastGate, '');
    await browser?.close();
    served?.child.kill('SIGKILL');
  });

  it('prints the URL as the first line on stdout', () => {
    expect(served.firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
  });

  it('shows the counts and a pending cell while a run is held, then both change without a reload when it lands', { timeout: 120_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url.href);
    // 7 of 9 runs finish (3 workers: the two held leave one free); the two held stay pending
    await expect.poll(() => count(page, 'pending'), { timeout: 60_000 }).toBe('2');
    expect(await count(page, 'total')).toBe('9');
    await expect.poll(() => cellLabel(page, '1', '1'), { timeout: 30_000 }).toContain('pending (not run yet)');
    expect(await page.locator('#banner').textContent()).toBe('partial: 7 of 9 runs');
    expect(await page.locator('#running').textContent()).toContain(held);
    // a mark on this document: a reload would lose it
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const runFile = join(out, 'runs', `${held}.arrow`);
    writeFileSync(gate, '');
    const t0 = Date.now();
    while (!existsSync(runFile)) await new Promise((r) => setTimeout(r, 10));
    const landed = Date.now();
    await expect.poll(() => count(page, 'pending'), { timeout: 30_000, interval: 50 }).toBe('1');
    console.log(`[measure] the page showed the held run ${Date.now() - landed} ms after its file landed (${landed - t0} ms after release)`);
    await expect.poll(() => cellLabel(page, '1', '1'), { timeout: 30_000 }).not.toContain('pending');
    expect(await cellLabel(page, '2', '2')).toContain('pending (not run yet)');
    expect(await page.locator('#banner').textContent()).toBe('partial: 8 of 9 runs');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a click on a cell lists its runs and draws their curves', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(served.url.href);
    await page.locator('#diagram path[aria-label^="σ = 1, α = 1 ·"]').first().click({ force: true });
    await expect.poll(() => page.locator('#cellhead').textContent(), { timeout: 30_000 }).toBe('σ = 1, α = 1: 1 run(s)');
    expect(await page.locator(`#cellruns tr[data-run="${held}"]`).textContent()).toContain('done');
    // the report's Fig. 2 panels: a line per run in each
    await expect.poll(() => page.locator('#cellfig svg').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#cellfig svg').textContent()).toContain('(a) test loss');
    await page.close();
  });

  it('ends with the sweep: the run exits 0 and names the report and serve commands', async () => {
    writeFileSync(lastGate, '');
    expect(await served.exited).toBe(0);
    expect(served.output()).toContain(`look at it: npx lnsweep report ${out}`);
    expect(served.output()).toContain(`npx lnsweep serve ${out}`);
  });
});
