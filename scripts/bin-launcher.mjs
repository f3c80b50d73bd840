// Run by `npm run build` after tsc: makes dist/cli/main.js, the package's bin, start through /bin/sh, which checks
// the open-file limit before it starts Node.
//
// Below about 18 open files Node crashes in its own start-up (a segmentation fault, before any script runs), so the
// check in dist/cli/fd-limit.js cannot speak for it. The file's first two lines are read by sh as a shell script and
// by Node as JavaScript (a string, then a comment): sh refuses a limit below MIN_OPEN_FILES in the same words as
// fd-limit.js, or execs `node` on this very file, which skips the two lines and runs the CLI. `node dist/cli/main.js`
// skips sh, and with it this check (fd-limit.js still answers from 18 open files up).
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { MIN_OPEN_FILES } from '../dist/cli/fd-limit.js';

const path = new URL('../dist/cli/main.js', import.meta.url);
const message =
  `[lnsweep] too few file descriptors (ulimit -n $n): lnsweep needs at least ${MIN_OPEN_FILES}; ` +
  "raise the limit (e.g. \\`ulimit -n 1024\\`, or the batch system's setting) and run again";
const launcher = [
  '#!/bin/sh',
  `':' //; n=$(ulimit -n); if [ "$n" != unlimited ] && [ "$n" -lt ${MIN_OPEN_FILES} ]; then echo "${message}" >&2; exit 2; fi; exec node "$0" "$@"`,
];
// tsc's output starts with main.ts's `#!/usr/bin/env node`; a second run finds the launcher already there
const body = readFileSync(path, 'utf8')
  .split('\n')
  .filter((line, i) => !(i < 2 && (line.startsWith('#!') || line.startsWith("':' //;"))))
  .join('\n');
writeFileSync(path, [...launcher, body].join('\n'));
chmodSync(path, 0o755);
