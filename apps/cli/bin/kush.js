#!/usr/bin/env node
// The installed `kush` command: a committed, executable shim so the bin link works before the first build.
import('../dist/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('kush is not built yet: run `npm run build` in the repository root.\n');
    process.exit(1);
  }
  throw error;
});
