// Writes the JSON Schema files under schemas/ from @kush/contracts (run: npm run schemas).
// A test fails when the checked-in files differ from what this would write.
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { jsonSchemaFiles } from '@kush/contracts';

const out = resolve(dirname(new URL(import.meta.url).pathname), '..', 'schemas');
const files = jsonSchemaFiles();
for (const [path, content] of files) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
// Remove files of types no longer registered.
for (const sub of ['', 'events']) {
  const dir = join(out, sub);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const rel = sub ? `${sub}/${name}` : name;
    if (name.endsWith('.json') && !files.has(rel)) rmSync(join(dir, name));
  }
}
console.log(`schemas/: ${files.size} files written`);
