/**
 * The report in a real browser: headless Chromium (Debian's package; `.ci/run` installs it) opens report.html with
 * the network switched off, must log no console error, and its screenshot must not be blank.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { titled } from '../support/components.js';
import { chromium, consoleErrors, SKIP } from './chromium.js';
import { decodePng, distinctColours, GRID_SWEEP, runSweep } from './helpers.js';

describe.skipIf(SKIP !== null)(titled('report.html in headless Chromium', SKIP), () => {
  const out = runSweep('browser', GRID_SWEEP);
  const made = runCli(['report', out]);
  const url = `file://${out}/report.html`;

  it('would see a console error (negative control for the check below)', () => {
    const bad = join(out, 'bad.html');
    writeFileSync(bad, '<!doctype html><body><script>console.error("boom")</script>x</body>');
    expect(consoleErrors(chromium(['--dump-dom', `file://${bad}`]).stderr).join('\n')).toContain('boom');
  });

  it('renders with no console error', () => {
    expect(made.code, made.stderr).toBe(0);
    const r = chromium(['--dump-dom', url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<section id="overview"><h2>Overview<');
    expect(r.stdout).toContain('<svg');
    expect(consoleErrors(r.stderr)).toEqual([]);
  });

  it('gives a screenshot that is not blank', () => {
    const png = join(out, 'report.png');
    const r = chromium([`--screenshot=${png}`, '--window-size=1200,2000', url]);
    expect(existsSync(png), r.stderr).toBe(true);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 2000]);
    // a blank page has 1 colour; text alone a few dozen grey levels; heatmaps and lines add hundreds
    expect(distinctColours(image)).toBeGreaterThan(200);
  });
});
