// Lint for lnsweep: ESLint's and typescript-eslint's recommended rules, type-aware, so that it catches promise
// mistakes (a floating promise, a promise passed where a boolean or a void callback is expected, awaiting a value
// that is not a promise), unsafe `any`, needless assertions and unused variables. `npm run lint` runs it together
// with knip (unused files, exports, dependencies) and prettier --check.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output, results, and the AssemblyScript step loops (built by asc, not tsc: i32, f64, load<T> and their
  // decorators are not TypeScript; tsconfig.json leaves them out too).
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'src/core/wasm/**'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a name left unused on purpose; `const { engine: _engine, ...rest } = p` drops a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Plain JavaScript (this file, the scripts, the tests' module hooks) is outside tsconfig.json: no type information.
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
