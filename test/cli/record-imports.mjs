// A module loader hook for tests: appends every module URL that is loaded to the file named by
// LNSWEEP_IMPORTS_FILE, so a test can check which packages a command pulls in. Used with
// `node --import ./test/cli/record-imports.mjs dist/cli/main.js …`.
//
// ES modules are seen by the loader hook; CommonJS files (a package such as yaml, required by an ES module or by
// createRequire) never pass through it, so the CommonJS loader's per-extension functions are wrapped as well, and so
// is vm.Script, which compiles the bundled YAML parser (src/sweep/yaml-parser.ts), for the file it names.
import { appendFileSync } from 'node:fs';
import Module, { register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const file = process.env.LNSWEEP_IMPORTS_FILE;
register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { file } });

if (file) {
  for (const ext of ['.js', '.cjs', '.json']) {
    const load = Module._extensions[ext];
    Module._extensions[ext] = function (module, filename) {
      appendFileSync(file, pathToFileURL(filename).href + '\n');
      return load.call(this, module, filename);
    };
  }
  const { Script } = vm;
  vm.Script = class extends Script {
    constructor(code, options) {
      if (options?.filename) appendFileSync(file, pathToFileURL(options.filename).href + '\n');
      super(code, options);
    }
  };
  syncBuiltinESMExports();
}
