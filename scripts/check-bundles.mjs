// Run before `npm test`: the integration tests run the bundles in dist/, so a bundle older than its sources
// would let them pass on code that no longer exists. Fails at once, naming the bundles and the fix.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionNames, root, sourcesHash } from './bundle-sources.mjs';

const stale = [];
for (const name of actionNames()) {
  const file = join(root, 'dist', name, 'sources.sha256');
  const recorded = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (recorded !== sourcesHash(name)) stale.push(recorded ? `dist/${name} (its sources changed since it was built)` : `dist/${name} (not built)`);
}
if (stale.length) {
  console.error(`These bundles do not match the sources the tests are meant to test:\n  ${stale.join('\n  ')}\nRun \`npm run build\` first.`);
  process.exit(1);
}
