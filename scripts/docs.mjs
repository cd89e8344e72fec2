// Generates action-docs/<name>.md from actions/<name>/action.yml with the action-docs package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const project = 'ccloud-dr-actions/ccloud-dr-actions';
mkdirSync(join(root, 'action-docs'), { recursive: true });
for (const name of readdirSync(join(root, 'actions')).sort()) {
  const source = `actions/${name}/action.yml`;
  if (!existsSync(join(root, source))) continue;
  const doc = join(root, 'action-docs', `${name}.md`);
  if (!existsSync(doc)) {
    writeFileSync(
      doc,
      `# ${name}\n\n<!-- action-docs-all source="${source}" project="${project}/actions/${name}" version="v1" -->\n<!-- action-docs-all source="${source}" project="${project}/actions/${name}" version="v1" -->\n`,
    );
  }
  execFileSync(join(root, 'node_modules/.bin/action-docs'), ['-s', source, '--no-banner', '-u', `action-docs/${name}.md`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`documented ${source} -> action-docs/${name}.md`);
}
