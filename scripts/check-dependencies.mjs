// The dependency rule (DESIGN.md section 1): a package reaches another only through its entry
// point ('@kush/<name>'), declares it in package.json, and never reaches outside its own folder
// with a relative import. The package graph must stay acyclic. Exits 1 naming each breach.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

const packages = [];
for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const pkgFile = join(dir, name, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    packages.push({ dir: join(dir, name), name: pkg.name, deps: { ...pkg.dependencies, ...pkg.devDependencies } });
  }
}
const names = new Set(packages.map((p) => p.name));

function* sourceFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

const breaches = [];
const edges = new Map(packages.map((p) => [p.name, new Set()]));
for (const pkg of packages) {
  for (const folder of ['src', 'test']) {
    for (const file of sourceFiles(join(pkg.dir, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3];
        const where = relative(root, file);
        if (spec.startsWith('@kush/')) {
          const [scope, name, ...rest] = spec.split('/');
          const target = `${scope}/${name}`;
          if (rest.length > 0) breaches.push(`${where}: imports ${spec}; import the package entry point '${target}' instead`);
          if (!names.has(target)) breaches.push(`${where}: imports ${target}, which is not a workspace package`);
          else if (target !== pkg.name) {
            if (folder === 'src') edges.get(pkg.name).add(target);
            if (!(target in pkg.deps)) breaches.push(`${where}: imports ${target} but ${pkg.name}/package.json does not declare it`);
          }
        } else if (spec.startsWith('.')) {
          const resolved = resolve(dirname(file), spec);
          if (!resolved.startsWith(pkg.dir + '/'))
            breaches.push(`${where}: relative import ${spec} leaves ${relative(root, pkg.dir)}; use the other package's entry point`);
        }
      }
    }
  }
}

// Cycles: depth-first search over the package graph.
const state = new Map();
function visit(name, path) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'active') {
    breaches.push(`package cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    return;
  }
  state.set(name, 'active');
  for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
  state.set(name, 'done');
}
for (const name of edges.keys()) visit(name, []);

if (breaches.length > 0) {
  console.error(`dependency rule: ${breaches.length} breach(es)`);
  for (const b of breaches) console.error(`  ${b}`);
  process.exit(1);
}
console.log(
  `dependency rule: ${packages.length} packages, ${[...edges.values()].reduce((n, s) => n + s.size, 0)} package edges, no breach`,
);
