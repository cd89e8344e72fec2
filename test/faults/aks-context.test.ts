import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { hostile, injectedCommands } from '../helpers/fault-proxy.js';
import { errorLines, findLeaks, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js';
import { maskedValues, visible } from '../aks-context/helpers.js';

/**
 * The fault matrix of dist/aks-context on its kubeconfig route (no Azure): hostile text inside a kubeconfig, secrets
 * in exec plugin arguments, a kubeconfig path that does not exist, a relative RUNNER_TEMP. Every test checks the
 * exit code, a wall-clock bound (the route does no network I/O: a few seconds at most), that no secret is visible,
 * and that no text from the kubeconfig became a workflow command.
 */
const BOUND_MS = 10_000;

async function timed(options: Parameters<typeof runAction>[1]): Promise<{ run: ActionRun; ms: number }> {
  const started = Date.now();
  const run = await runAction('aks-context', { timeoutMs: 30_000, ...options });
  return { run, ms: Date.now() - started };
}

function expectClean(run: ActionRun, secrets: string[]): void {
  expect(findLeaks(visible(run), secrets)).toEqual([]);
  expect(injectedCommands(run.stdout)).toEqual([]);
  for (const raw of ['</table>', '<h1>', '<img', '](', '![']) expect(run.summary).not.toContain(raw);
}

/** Masks registered before the first line that is not a mask: what the runner redacts from the first word on. */
function maskedFirst(run: ActionRun): string[] {
  const lines = run.stdout.split('\n');
  const first = lines.findIndex((l) => l !== '' && !l.startsWith('::add-mask::'));
  return maskedValues({ stdout: lines.slice(0, first < 0 ? lines.length : first).join('\n') });
}

const token = `kube-token-${Date.now().toString(36)}-9f8e7d6c5b4a`;

function kubeconfig(user: string, names: { context?: string; server?: string } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: names.server ?? 'https://kube.example.internal:6443' } }],
    contexts: [{ name: names.context ?? 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': names.context ?? 'ctx',
    users: [{ name: 'u', user: JSON.parse(user) }],
  });
}

describe('8: text from a kubeconfig stays inert in the log and the summary', () => {
  it('a hostile context name, server and exec command are escaped in the summary and never a command', async () => {
    const evil = `${hostile()} </table><h1>owned</h1> ![img](https://evil.example/x.png) [click](https://evil.example)`;
    const content = kubeconfig(JSON.stringify({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: evil, args: ['get-token'] } }), {
      context: evil,
      server: `https://kube.example.internal:6443/${evil}`,
    });
    const { run, ms } = await timed({ inputs: { kubeconfig: content } });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(run.summary).toContain('&lt;/table&gt;&lt;h1&gt;owned&lt;/h1&gt;');
    expect(run.stdout).toMatch(/^::warning::The kubeconfig's user runs the exec plugin /m);
    expectClean(run, []);
  });
});

describe('10: secrets in kubeconfig exec arguments and environment', () => {
  it('are masked before anything is logged, in every spelling; other arguments are not', async () => {
    const secrets = {
      clientSecret: 'cs-Zx8~q7Q.secret-7f3a9c1e',
      password: 'pw-2b4d6f80-Passw0rd',
      token: 'tk-eyJhbGciOiJSUzI1NiJ9.payload',
      apiKey: 'ak-5c1e2b4d6f80a9',
      envSecret: 'env-Zq9-client-secret-value',
    };
    const user = JSON.stringify({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: 'kubelogin',
        args: [
          'get-token',
          '--login',
          'spn',
          '--server-id',
          '6dae42f8-4368-4678-94ff-3960e28e3630',
          '--client-secret',
          secrets.clientSecret,
          `--password=${secrets.password}`,
          '--token',
          secrets.token,
          `--api-key=${secrets.apiKey}`,
        ],
        env: [
          { name: 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', value: secrets.envSecret },
          { name: 'AAD_LOGIN_METHOD', value: 'spn' },
        ],
      },
    });
    const { run, ms } = await timed({ inputs: { kubeconfig: kubeconfig(user) } });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(maskedFirst(run)).toEqual(expect.arrayContaining(Object.values(secrets)));
    // Not secret: masking them would redact every log line that mentions them.
    expect(maskedValues(run)).not.toEqual(expect.arrayContaining(['spn']));
    expect(maskedValues(run)).not.toContain('6dae42f8-4368-4678-94ff-3960e28e3630');
    expectClean(run, Object.values(secrets));
  });
});

describe('12: the kubeconfig file and RUNNER_TEMP', () => {
  it.each([
    ['an absolute path', join(tmpdir(), `no-such-dir-${process.pid}`, 'kubeconfig.yaml')],
    ['a relative path', './kube/missing-config'],
  ])('a kubeconfig input naming %s that does not exist says so, naming it', async (_what, path) => {
    const { run, ms } = await timed({ inputs: { kubeconfig: path } });
    expect(run.code).toBe(1);
    expect(ms).toBeLessThan(BOUND_MS);
    const [line] = errorLines(run);
    expect(line).toContain(`input 'kubeconfig' names the file '${path}', which does not exist`);
    expect(line).not.toContain('YAML mapping');
    if (path.startsWith('.')) expect(line).toContain(`(looked for ${join(repoRoot, path)})`);
    expect(run.summary).toContain('- No kubeconfig was written and `KUBECONFIG` is not set');
    expectClean(run, []);
  });

  it('a relative RUNNER_TEMP: main writes under its absolute form, and post removes exactly that file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'aks-context-cwd-'));
    mkdirSync(join(cwd, 'rt'));
    const content = kubeconfig(JSON.stringify({ token }));
    const { run, ms } = await timed({ inputs: { kubeconfig: content }, runnerTemp: 'rt', cwd });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(ms).toBeLessThan(BOUND_MS);
    const path = run.outputs['kubeconfig-path'];
    expect(isAbsolute(path)).toBe(true);
    expect(path.startsWith(join(cwd, 'rt') + '/')).toBe(true);
    expect(run.env.KUBECONFIG).toBe(path);
    expect(run.state['kubeconfig-path']).toBe(path);
    expect(existsSync(path)).toBe(true);
    const post = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: 'rt', cwd });
    expect(post.stdout).not.toMatch(/^::warning::/m);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`Removed the kubeconfig ${path}`);
    expect(readdirSync(join(cwd, 'rt'))).toEqual([]);
    expectClean(run, [token]);
    expectClean(post, [token]);
  });
});
