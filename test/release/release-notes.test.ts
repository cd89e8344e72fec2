import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The release workflow's notes step, run as the workflow runs it, in a copy of the repository's layout. */
const root = new URL('../..', import.meta.url).pathname;

function run(tag: string, changelog: string, version: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'release-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(root, 'scripts/release-notes.mjs'), join(dir, 'scripts/release-notes.mjs'));
  writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version }));
  const result = spawnSync(process.execPath, [join(dir, 'scripts/release-notes.mjs'), tag], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const changelog = [
  '# Changelog',
  '',
  '## [Unreleased]',
  '',
  '- later work',
  '',
  '## [1.1.0] - 2027-01-15',
  '',
  '### Fixed',
  '- a fix',
  '',
  '## [1.0.0] - 2026-12-20',
  '',
  '### Added',
  '- the suite',
  '',
  '[1.1.0]: https://example.invalid/compare/v1.0.0...v1.1.0',
  '',
].join('\n');

describe('release notes from CHANGELOG.md', () => {
  it('prints exactly the tagged version’s section', () => {
    const middle = run('v1.1.0', changelog, '1.1.0');
    expect(middle.status).toBe(0);
    expect(middle.stdout).toBe('### Fixed\n- a fix\n');
    const last = run('v1.0.0', changelog, '1.0.0');
    expect(last.stdout).toBe('### Added\n- the suite\n');
  });

  it('refuses a tag that is not vX.Y.Z, a package.json of another version, an undated or missing section', () => {
    expect(run('v1', changelog, '1.0.0')).toMatchObject({ status: 1, stderr: expect.stringContaining("tag 'v1' is not of the form vX.Y.Z") });
    expect(run('v1.1.0', changelog, '1.0.0')).toMatchObject({ status: 1, stderr: expect.stringContaining('package.json says version 1.0.0') });
    expect(run('v2.0.0', changelog, '2.0.0')).toMatchObject({ status: 1, stderr: expect.stringContaining("no section '## [2.0.0] - YYYY-MM-DD'") });
    const undated = changelog.replace('## [1.1.0] - 2027-01-15', '## [1.1.0]');
    expect(run('v1.1.0', undated, '1.1.0')).toMatchObject({ status: 1, stderr: expect.stringContaining('has no release date') });
  });

  it('the repository’s own CHANGELOG.md follows the format the release step reads', () => {
    const text = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    expect(text).toMatch(/^# Changelog\n/);
    expect(text).toContain('## [Unreleased]');
    for (const heading of text.split('\n').filter((l) => l.startsWith('## [')))
      expect(heading).toMatch(/^## \[(Unreleased|\d+\.\d+\.\d+)\]( - \d{4}-\d{2}-\d{2})?$/);
  });
});
