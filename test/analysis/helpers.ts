/**
 * Small sweeps for the analysis tests, run through the real CLI (dist/), and a PNG reader for screenshots.
 */
import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { runCli, tempDir, writeSweep } from '../helpers.js';

/**
 * A 3 × 3 grid, 2 replicates, well under a second: σ ∈ {0, 1, 8} (σ = 8 zipped with a tiny diverge_loss, so that
 * column diverges at once), α log-spaced {0.5, 1, 2}; snapshots and a periodic noise schedule for the report.
 */
export const GRID_SWEEP = `
name: grid
seed: 5
base: { n: 30, d: 5, width: 40, lr: 0.002, steps: 3000, log_every: 100, snapshot_steps: [0, 1500, 3000],
        noise_schedule: periodic, noise_period: 500 }
grid:
  alpha: { logspace: [0.5, 2, 3] }
zip:
  - { sigma: [0, 1, 8], diverge_loss: [1000000, 1000000, 0.001] }
replicates: 2
`;

/** Runs `yaml` into a fresh temp folder and returns the folder. */
export function runSweep(name: string, yaml: string): string {
  const dir = tempDir(`lnsweep-analysis-${name}-`);
  const out = `${dir}/out`;
  const r = runCli(['run', writeSweep(dir, name, yaml), '--out', out, '--workers', '1', '--progress', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

export interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel */
  pixels: Uint8Array;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's --screenshot writes). */
export function decodePng(buf: Buffer): Png {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let off = 8;
  let width = 0,
    height = 0,
    colourType = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8], 'bit depth').toBe(8);
      colourType = data[9];
      expect(data[12], 'interlace').toBe(0);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  expect([2, 6]).toContain(colourType);
  const bpp = colourType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = cur[x * bpp + k];
      out[(y * width + x) * 4 + 3] = bpp === 4 ? cur[x * bpp + 3] : 255;
    }
    prev.set(cur);
  }
  return { width, height, pixels: out };
}

/** Distinct RGB colours in the image. */
export function distinctColours(png: Png): number {
  const seen = new Set<number>();
  const p = png.pixels;
  for (let i = 0; i < p.length; i += 4) seen.add((p[i] << 16) | (p[i + 1] << 8) | p[i + 2]);
  return seen.size;
}
