#!/usr/bin/env node
// Run by `npm run build` last: renders `lnsweep --help` through yargs once and keeps the text in dist/cli/help.txt,
// which the CLI then prints for `--help` without loading yargs (src/cli/prebuilt-help.ts). With no help.txt the
// built CLI takes yargs' path, so the text here is yargs' own, from the one command definition; stdout is a pipe,
// so yargs wraps at 80 columns, as it does on a terminal at least 80 wide.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const file = fileURLToPath(new URL('../dist/cli/help.txt', import.meta.url));
rmSync(file, { force: true });
const env = { ...process.env };
delete env.YARGS_DISABLE_WRAP;
const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', env });
if (r.status !== 0 || !r.stdout.startsWith('lnsweep <command>')) {
  console.error(`scripts/help-text.mjs: \`lnsweep --help\` exited ${r.status ?? r.signal}:\n${r.stderr}`);
  process.exit(1);
}
writeFileSync(file, r.stdout);
