// Prints the CHANGELOG.md section of a release tag (`node scripts/release-notes.mjs v1.2.3`), for the release
// workflow. Fails, naming the fix, when the tag is not vX.Y.Z, when package.json has another version, or when
// CHANGELOG.md has no dated section for it: a release is never published with empty or wrong notes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The body of `## [X.Y.Z] - YYYY-MM-DD` in a keep-a-changelog file, or an error sentence. */
export function releaseNotes(changelog, tag, packageVersion) {
  const match = /^v(\d+\.\d+\.\d+)$/.exec(tag);
  if (!match) return { error: `tag '${tag}' is not of the form vX.Y.Z` };
  const version = match[1];
  if (packageVersion !== version)
    return { error: `package.json says version ${packageVersion}, the tag says ${version}: set "version" to ${version} and tag again` };
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(`## [${version}]`));
  if (start < 0) return { error: `CHANGELOG.md has no section '## [${version}] - YYYY-MM-DD': add one and tag again` };
  if (!/^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}$/.test(lines[start]))
    return { error: `CHANGELOG.md's section for ${version} has no release date: write '## [${version}] - YYYY-MM-DD'` };
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('## ') || /^\[[^\]]+\]: /.test(l)));
  const body = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .trim();
  if (!body) return { error: `CHANGELOG.md's section for ${version} is empty` };
  return { notes: body };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tag = process.argv[2] ?? '';
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const result = releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), tag, pkg.version);
  if (result.error) {
    console.error(`release-notes: ${result.error}`);
    process.exit(1);
  }
  console.log(result.notes);
}
