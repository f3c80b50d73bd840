/**
 * The live page's faceted diagram on a phone-width screen: at 390 px each facet stands on its own row, so nothing
 * hides behind a sideways scroll; at 1400 px the facets stand side by side. Real Chromium on a finished folder.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP } from '../analysis/chromium.js';
import { titled } from '../support/components.js';
import { runCli, tempDir, writeSweep } from '../helpers.js';
import { launchBrowser, startServing, type Served } from './helpers.js';

const SWEEP = `name: narrow
seed: 3
base: { n: 20, d: 4, lr: 0.002, steps: 400, log_every: 100 }
grid:
  sigma: [0.5, 1, 2]
  alpha: [0.5, 1]
  width: [8, 16]
`;

/** The facet headers' boxes ("m = 8", "m = 16") in the drawn diagram, once both are drawn. */
async function facetHeaders(page: Page): Promise<{ x: number; y: number }[]> {
  const headers = page.locator('#diagram svg text').filter({ hasText: /^m = (8|16)$/ });
  await expect.poll(() => headers.count(), { timeout: 30_000 }).toBe(2);
  const boxes = await Promise.all([0, 1].map((i) => headers.nth(i).boundingBox()));
  return boxes.map((b) => ({ x: b!.x, y: b!.y }));
}

/** Waits until the facets are drawn one above the other (a redraw after a resize). */
async function untilStacked(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const [c, d] = await facetHeaders(page);
        return Math.abs(c.y - d.y);
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(100);
}

describe.skipIf(SKIP !== null)(titled('the live page on a narrow screen', SKIP), () => {
  const dir = tempDir('lnsweep-narrow-');
  const out = join(dir, 'out');
  let browser: Browser;
  let served: Served;

  beforeAll(async () => {
    const sweep = writeSweep(dir, 'narrow', SWEEP);
    const run = runCli(['run', sweep, '--out', out, '--workers', '2', '--progress', 'none']);
    expect(run.code, run.stderr).toBe(0);
    served = await startServing(['serve', out]);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    served?.child.kill('SIGKILL');
  });

  it('stacks the facets at 390 px, with no sideways scroll in the diagram', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    await page.goto(served.url.href);
    const [a, b] = await facetHeaders(page);
    expect(Math.abs(a.x - b.x)).toBeLessThan(5);
    expect(Math.abs(a.y - b.y)).toBeGreaterThan(100);
    const box = await page
      .locator('#diagram')
      .evaluate((e: { scrollWidth: number; clientWidth: number }) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);
    await page.close();
  });

  it('sets the facets side by side at 1400 px, and stacks them when the window is made narrow', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(served.url.href);
    const [a, b] = await facetHeaders(page);
    expect(Math.abs(a.y - b.y)).toBeLessThan(5);
    expect(Math.abs(a.x - b.x)).toBeGreaterThan(100);
    await page.setViewportSize({ width: 390, height: 900 });
    await untilStacked(page);
    await page.close();
  });

  // A window made narrow while the wide diagram is still on its way must not keep the wide one: the page held its
  // "drawn" mark by data version alone, so the draw in flight marked the version drawn and the redraw was skipped.
  it('stacks the facets when the window is made narrow while the wide diagram is still being fetched', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let requested!: () => void;
    const held = new Promise<void>((r) => (requested = r));
    let first = true;
    await page.route(/\/api\/diagram\?/, async (route) => {
      if (first) {
        first = false;
        expect(route.request().url()).not.toContain('columns=1');
        requested();
        await released;
      }
      await route.continue();
    });
    await page.goto(served.url.href);
    await held;
    await page.setViewportSize({ width: 390, height: 900 });
    release();
    await untilStacked(page);
    await page.close();
  });
});
