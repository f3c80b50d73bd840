/**
 * Plumbing for the live page's tests: the CLI started with a page (`serve`, `run --serve`), its URL read from the
 * first line of its stdout, and the system Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium as playwright, type Browser } from 'playwright-core';
import { CLI } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return playwright.launch({ executablePath: CHROMIUM, args: LAUNCH_FLAGS });
}

export interface Served {
  child: ChildProcess;
  url: URL;
  /** everything on stdout and stderr so far */
  output: () => string;
  /** the first line on stdout */
  firstLine: string;
  exited: Promise<number | null>;
}

/** Starts the CLI and resolves once its first stdout line (the page's URL) is out. */
export function startServing(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env, CI: 'true' } });
  let stdout = '';
  let all = '';
  child.stderr.on('data', (b: Buffer) => (all += b.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      all += b.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve({ child, url: new URL(stdout.slice(0, nl)), output: () => all, firstLine: stdout.slice(0, nl), exited });
    });
    void exited.then((code) => reject(new Error(`exited ${code} before printing a URL:\n${all}`)));
  });
}
