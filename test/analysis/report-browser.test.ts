/**
 * The report in a real browser: headless Chromium (Debian's package; `.ci/run` installs it) opens report.html with
 * the network switched off, must log no console error, and its screenshot must not be blank.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';
import { requireComponent, titled } from '../support/components.js';
import { decodePng, distinctColours, GRID_SWEEP, runSweep } from './helpers.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
const SKIP = requireComponent('Chromium', CHROMIUM ? null : 'no /usr/bin/chromium or /usr/bin/chromium-browser', 'apt-get install chromium');

function chromium(args: string[]): { stderr: string; stdout: string; code: number | null } {
  const profile = mkdtempSync(join(tmpdir(), 'lnsweep-chromium-'));
  try {
    const r = spawnSync(
      CHROMIUM!,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`,
        '--enable-logging=stderr', '--v=0', ...args,
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    return { stderr: r.stderr ?? '', stdout: r.stdout ?? '', code: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(SKIP !== null)(titled('report.html in headless Chromium', SKIP), () => {
  const out = runSweep('browser', GRID_SWEEP);
  const made = runCli(['report', out]);
  const url = `file://${out}/report.html`;

  const consoleErrors = (stderr: string) => stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Failed to load resource/i.test(l));

  it('would see a console error (negative control for the check below)', () => {
    const bad = join(out, 'bad.html');
    writeFileSync(bad, '<!doctype html><body><script>console.error("boom")</script>x</body>');
    expect(consoleErrors(chromium(['--dump-dom', `file://${bad}`]).stderr).join('\n')).toContain('boom');
  });

  it('renders with no console error', () => {
    expect(made.code, made.stderr).toBe(0);
    const r = chromium(['--dump-dom', url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<h2>Overview</h2>');
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
