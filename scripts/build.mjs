// Bundles every action entry with @vercel/ncc: src/actions/<name>/index.ts -> dist/<name>/index.js,
// and src/actions/<name>/post.ts (when present) -> dist/<name>/post/index.js.
// Usage: npm run build [-- <name> ...]   (default: every action)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { actionNames, root, sourcesHash } from './bundle-sources.mjs';

const all = actionNames();
const wanted = process.argv.slice(2);
for (const name of wanted) if (!all.includes(name)) throw new Error(`unknown action '${name}'; actions: ${all.join(', ')}`);
const names = wanted.length ? wanted : all;

// Each bundle is built beside dist/ and swapped in only when every bundle built: a failed build never leaves
// dist/ half-empty. The sources' hash is taken before building, so a source edited during the build shows stale.
const staging = join(root, 'dist/.building');
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const hashes = Object.fromEntries(names.map((name) => [name, sourcesHash(name)]));
const jobs = [];
for (const name of names) {
  jobs.push({ src: `src/actions/${name}/index.ts`, out: `dist/.building/${name}` });
  if (existsSync(join(root, 'src/actions', name, 'post.ts'))) jobs.push({ src: `src/actions/${name}/post.ts`, out: `dist/.building/${name}/post` });
}

function ncc({ src, out }) {
  return new Promise((resolve, reject) => {
    const args = ['build', src, '-o', out, '-m', '--target', 'es2022', '--license', 'licenses.txt', '-q', '--stats-out', join(out, 'stats.json')];
    const child = spawn(join(root, 'node_modules/.bin/ncc'), args, {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ncc failed for ${src} (exit ${code})`))));
  });
}

// `ncc -m` minifies the entry file but not the chunks of dynamic imports (client-node, the Azure SDK,
// undici 8 load lazily so an input error starts fast). Unminified they double the bundles and the memory
// they take once loaded, so each chunk is minified here with esbuild (deterministic, ESM in and out).
async function minifyChunks(out) {
  for (const name of readdirSync(join(root, out)).filter((n) => /^\d+\.index\.js$/.test(n))) {
    const file = join(root, out, name);
    const { code } = await transform(readFileSync(file, 'utf8'), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
    writeFileSync(file, code);
  }
}

// ncc's licenses.txt misses packages it reaches through `exports` maps (re2js, yaml): every package the bundle
// holds, read from webpack's stats, gets its licence appended in ncc's own format (name, licence, text).
function completeLicenses(out) {
  const stats = JSON.parse(readFileSync(join(root, out, 'stats.json'), 'utf8'));
  rmSync(join(root, out, 'stats.json'));
  const dirs = new Set();
  const walk = (modules) => {
    for (const m of modules ?? []) {
      const match = /^\.\/(.*node_modules\/(?:@[^/]+\/)?[^/]+)/.exec(m.name ?? '');
      if (match) dirs.add(match[1]);
      walk(m.modules);
    }
  };
  walk(stats.modules);
  const file = join(root, out, 'licenses.txt');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const listed = new Set(text.split('\n'));
  const added = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    if (pkg.name === '@vercel/ncc' || listed.has(pkg.name)) continue;
    const licence = readdirSync(join(root, dir)).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
    added.push(`\n${pkg.name}\n${pkg.license ?? 'UNKNOWN'}\n${licence ? readFileSync(join(root, dir, licence), 'utf8').trim() : ''}\n`);
    listed.add(pkg.name);
  }
  if (added.length) writeFileSync(file, text + added.join(''));
}

// Two at a time: the build machines have two cores.
const queue = [...jobs];
await Promise.all(
  [0, 1].map(async () => {
    while (queue.length) {
      const job = queue.shift();
      const started = Date.now();
      await ncc(job);
      await minifyChunks(job.out);
      completeLicenses(job.out);
      console.log(`built ${job.out.replace('.building/', '')}/index.js in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
  }),
).catch((err) => {
  rmSync(staging, { recursive: true, force: true });
  throw err;
});
for (const name of names) {
  // What each bundle was built from, checked before `npm test` (scripts/check-bundles.mjs).
  writeFileSync(join(staging, name, 'sources.sha256'), `${hashes[name]}\n`);
  rmSync(join(root, 'dist', name), { recursive: true, force: true });
  renameSync(join(staging, name), join(root, 'dist', name));
}
rmSync(staging, { recursive: true, force: true });
execFileSync('node', [join(root, 'scripts/docs.mjs')], { stdio: 'inherit' });
