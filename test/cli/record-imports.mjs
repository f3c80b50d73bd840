// A module loader hook for tests: appends every module URL that is loaded to the file named by
// LNSWEEP_IMPORTS_FILE, so a test can check which packages a command pulls in. Used with
// `node --import ./test/cli/record-imports.mjs dist/cli/main.js …`.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { file: process.env.LNSWEEP_IMPORTS_FILE } });
