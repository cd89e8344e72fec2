// What each bundle in dist/ is built from, as one hash: the action's folder, the shared core, the lock file and
// the build script. build.mjs writes it to dist/<name>/sources.sha256; check-bundles.mjs (run before `npm test`)
// compares it, so tests never pass on bundles older than the code they claim to test.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

/** The source files of one action's bundle, relative to the repository root, sorted. */
export function bundleSources(name) {
  const listed = [...files(join(root, 'src/actions', name)), ...files(join(root, 'src/core'))];
  for (const extra of ['package-lock.json', 'tsconfig.json', 'scripts/build.mjs']) listed.push(join(root, extra));
  return listed.map((p) => relative(root, p)).sort();
}

/** sha256 over each source's path and content. Line endings are as checked out (.gitattributes pins LF). */
export function sourcesHash(name) {
  const hash = createHash('sha256');
  for (const path of bundleSources(name)) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(root, path)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The actions that have an entry, sorted. */
export function actionNames() {
  return readdirSync(join(root, 'src/actions'))
    .filter((n) => existsSync(join(root, 'src/actions', n, 'index.ts')))
    .sort();
}
