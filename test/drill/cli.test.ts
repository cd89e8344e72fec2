import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/playground/drill/cli.js';
import { workspace } from './helpers.js';

/** `npm run drill` as users run it: a child process, its exit code, what it prints and the files it writes. */
function npmRunDrill(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'drill', '--', ...args], {
      cwd: workspace,
      env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const withBundles = it;

describe('npm run drill', () => {
  withBundles('runs a drill, prints the measures, writes report.md and the SVG timeline, exits 0 when the checks pass', async () => {
    const out = mkdtempSync(join(tmpdir(), 'drill-cli-'));
    const run = await npmRunDrill(['--pattern', 'active-active', '--style', 'proxy', '--mode', 'planned', '--users', '4', '--hold', '300', '--out', out]);
    expect(run.stderr.replace(/npm warn[^\n]*\n/g, '')).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('=== Drill 1 of 1: active-active, proxy clients, planned switchover');
    expect(run.stdout).toMatch(/failover: ✅ Point proxy at west/);
    expect(run.stdout).toContain('PASSED  active-active, proxy clients, planned switchover');
    expect(run.stdout).toMatch(/failover north->west\s+proxy-failover\.yml\s+success\s+\d+\.\d\d s\s+0\s+0/);
    expect(run.stdout).toContain('1 of 1 drill(s) passed');
    expect(readdirSync(out).sort()).toEqual(['active-active-proxy-planned.svg', 'report.md']);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('## DR drill: active-active, proxy clients, planned switchover');
    expect(report).toContain('✅ **Passed**');
    expect(report).toContain('![Timeline of the drill](active-active-proxy-planned.svg)');
    expect(report).toContain('```mermaid\ngantt');
    expect(report).toContain('## ✅ Clients on west');
    const svg = readFileSync(join(out, 'active-active-proxy-planned.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('Point proxy at west');
  });

  it('a usage error exits 2 and says what is accepted', async () => {
    const lines: string[] = [];
    expect(await main(['--mode', 'sudden'], (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual(["drill: --mode 'sudden' is not one of planned, unplanned or all."]);
  });

  it('--help prints the options and exits 0', async () => {
    const lines: string[] = [];
    expect(await main(['--help'], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^Usage: npm run drill/);
    expect(lines[0]).toContain('--all');
  });

  it('without the action bundles it exits 2 and names the build commands', async () => {
    const lines: string[] = [];
    const empty = mkdtempSync(join(tmpdir(), 'drill-no-dist-'));
    expect(await main([], (l) => lines.push(l), empty)).toBe(2);
    expect(lines[0]).toContain(
      'dist/aks-context/index.js, dist/ccloud-mirror/index.js, dist/dr-plan/index.js, dist/dr-report/index.js, dist/swap-configmap/index.js, dist/verify-rollout/index.js are missing',
    );
    expect(lines[0]).toContain('npm run build -- aks-context; npm run build -- ccloud-mirror');
  });
});
