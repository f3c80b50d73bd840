/**
 * Headless Chromium for the report tests (Debian's package; `.ci/run` installs it): a fresh profile per call, the
 * network switched off, console messages on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireComponent } from '../support/components.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
/** Why the browser tests cannot run here, or null; with CI=true a missing browser fails them (requireComponent). */
export const SKIP = requireComponent('Chromium', CHROMIUM ? null : 'no /usr/bin/chromium or /usr/bin/chromium-browser', 'apt-get install chromium');

export function chromium(args: string[]): { stderr: string; stdout: string; code: number | null } {
  if (!CHROMIUM) throw new Error('Chromium is not installed (/usr/bin/chromium): apt-get install chromium');
  const profile = mkdtempSync(join(tmpdir(), 'lnsweep-chromium-'));
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--enable-logging=stderr',
        '--v=0',
        ...args,
      ],
      { encoding: 'utf8', timeout: 90_000, maxBuffer: 256 * 2 ** 20 },
    );
    return { stderr: r.stderr ?? '', stdout: r.stdout ?? '', code: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Console errors, uncaught exceptions and failed loads in Chromium's stderr. */
export const consoleErrors = (stderr: string): string[] => stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Failed to load resource/i.test(l));
