/**
 * Text and byte outputs (SVG, HTML, Parquet) appear under their final name only when complete, like the Arrow files
 * (SPEC §6): written to a dot-prefixed temp name in the same folder, then renamed.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeTextAtomic(path: string, content: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
