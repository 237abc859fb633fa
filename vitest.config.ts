// Tests import workspace packages from their TypeScript sources (no build needed for unit
// tests); tests that spawn the CLI use the built output, which `npm test` builds first.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const alias: Record<string, string> = {};
for (const group of ['packages', 'apps']) {
  for (const dir of readdirSync(join(root, group))) {
    const pkgFile = join(root, group, dir, 'package.json');
    const entry = join(root, group, dir, 'src', 'index.ts');
    if (!existsSync(pkgFile) || !existsSync(entry)) continue;
    const name = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { name: string }).name;
    alias[name] = resolve(entry);
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/closing-line-reporter.ts'],
  },
});
