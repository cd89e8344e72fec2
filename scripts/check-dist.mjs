// Fails when dist/ or action-docs/ differ from a fresh build of the sources (users run dist/).
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
execFileSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'action-docs'], { cwd: root, encoding: 'utf8' });
if (changed.trim()) {
  console.error(`dist/ or action-docs/ is stale:\n${changed}\nRun \`npm run build\` and commit dist/ and action-docs/.`);
  process.exit(1);
}
console.log('dist/ and action-docs/ match the sources.');
