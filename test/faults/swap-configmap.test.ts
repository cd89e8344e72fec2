import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapHash } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { faultProxy, hostile, injectedCommands, type FaultProxy } from '../helpers/fault-proxy.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';

/**
 * The fault matrix of swap-configmap: the bundled action, run as the runner runs it, against the Kubernetes emulator
 * through a fault-injecting proxy (a hang, a write applied whose answer never comes, a 5xx on the second object,
 * hostile text). Every test asserts the exit code, the wall-clock bound, what was (not) written, that no secret
 * appears anywhere a user could see, and that no injected text became a workflow command.
 */

const REQUEST_TIMEOUT_MS = 2_000;
/** Every run must end within its request timeout plus 5 s. */
const BOUND_MS = REQUEST_TIMEOUT_MS + 5_000;
const NS = 'faults';

/** Values of the step's environment; the secret ones must never be seen. */
const ENV = {
  CCLOUD_URL: 'west.kafka.local:9092',
  CCLOUD_APIKEY: 'wk7m3xj9qd2lc5va',
  CCLOUD_PASSWD: 'w3st: #S3cret "Pa55"',
  CCLOUD_PW: 'pW-9Xq2Lm7Rt4Zk8',
  SAS: 'Q2hhbmdlTWVTQVNrZXkwMTIzNDU2Nzg5YWJjZGVm=',
};
const OLD = { PW: 'oLd-Pw-3Vn8Ks1Jd6', SAS: 'T2xkU0FTa2V5OTg3NjU0MzIxMGZlZGNiYQ==' };
const SECRETS = [ENV.CCLOUD_APIKEY, ENV.CCLOUD_PASSWD, ENV.CCLOUD_PW, ENV.SAS, OLD.PW, OLD.SAS];

let kube: KubeEmulator;
let proxy: FaultProxy;
let kubeconfigPath: string;
let workspace: string;

interface Timed {
  run: ActionRun;
  ms: number;
}

/** Runs the bundle through the proxy with a 2 s request timeout; the harness kills it a little after the bound. */
async function swapAction(inputs: Record<string, string>, env: Record<string, string> = ENV): Promise<Timed> {
  const started = Date.now();
  const run = await runAction('swap-configmap', {
    inputs: { kubeconfig: kubeconfigPath, 'request-timeout': `${REQUEST_TIMEOUT_MS / 1000}s`, ...inputs },
    env: { GITHUB_WORKSPACE: workspace, ...env },
    cwd: workspace,
    timeoutMs: BOUND_MS + 3_000,
  });
  return { run, ms: Date.now() - started };
}

/** The checks every test makes: in time, no secret anywhere, no injected command. */
function expectBoundedAndInert({ run, ms }: Timed): void {
  expect(ms).toBeLessThan(BOUND_MS);
  expect(findLeaks(run.everything, SECRETS)).toEqual([]);
  expect(injectedCommands(run.stdout)).toEqual([]);
}

/** A manifest file in the workspace (JSON is YAML, and holds any text exactly). */
function manifest(name: string, ...objects: object[]): string {
  writeFileSync(join(workspace, name), objects.map((o) => JSON.stringify(o, null, 2)).join('\n---\n'));
  return name;
}

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels }, data };
}

type Obj = { data?: Record<string, string>; binaryData?: Record<string, string>; metadata: { labels?: Record<string, string> } };
const stored = (name: string) => kube.get('ConfigMap', NS, name) as Obj;
const path = (name: string) => `/api/v1/namespaces/${NS}/configmaps/${name}`;
const isWriteOf = (name: string, req: { method: string; path: string }) => req.method === 'PUT' && req.path.split('?')[0] === path(name);
const mutations = () => proxy.mutating().map((r) => `${r.method} ${r.path.split('?')[0]}`);

beforeAll(async () => {
  kube = await startKube({ podReadyDelayMs: 20 });
  kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  proxy = await faultProxy(kube.url);
  const dir = mkdtempSync(join(tmpdir(), 'swap-faults-'));
  kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kube.kubeconfig().split(kube.url).join(proxy.url), { mode: 0o600 });
  workspace = mkdtempSync(join(tmpdir(), 'swap-faults-workspace-'));
});
afterAll(async () => {
  await proxy.close();
  await kube.close();
});
beforeEach(() => {
  proxy.setRule(() => 'pass');
  proxy.requests.length = 0;
});
afterEach(() => proxy.setRule(() => 'pass'));

describe('swap-configmap under faults (bundled action, through the fault proxy)', () => {
  it.each([
    ['an invalid name (the password)', 'CCLOUD_PASSWD'],
    ['a valid name (the API key)', 'CCLOUD_APIKEY'],
  ])('9: a secret placeholder in metadata.name, %s: masked before anything prints, never quoted, refused before any request', async (_, variable) => {
    const file = manifest('secret-name.yaml', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `\${${variable}}`, namespace: NS },
      // An invalid key: its (hostile) text is quoted in the validation error.
      data: { URL: '${CCLOUD_URL}', [hostile()]: 'x' },
    });
    const timed = await swapAction({ manifests: file });
    const { run } = timed;
    expect(run.code).toBe(1);
    expect(proxy.requests).toEqual([]);
    const secret = ENV[variable as keyof typeof ENV];
    expect(run.masked).toContain(secret);
    // Masked before the first line that could carry it.
    const lines = run.stdout.split('\n');
    expect(lines.indexOf(`::add-mask::${secret}`)).toBeLessThan(lines.findIndex((l) => !l.startsWith('::add-mask::')));
    const errors = errorLines(run).join('\n');
    expect(errors).toContain(`secret-name.yaml metadata.name is filled from \${${variable}}`);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    expectBoundedAndInert(timed);
  });

  it('11: values of variables named in secret-vars are masked and redacted in the summary diff, also inside longer values', async () => {
    const eventHub = (key: string) => `Endpoint=sb://dr-west.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${key}`;
    kube.apply(
      configMap('eventhub-config', {
        SASL_PASS: OLD.PW,
        EVENTHUB: eventHub(OLD.SAS),
        'client.properties': `bootstrap.servers=north.kafka.local:9092\nconnection.string=${eventHub(OLD.SAS)}\n`,
        NOTE: 'old',
      }),
    );
    const file = manifest(
      'eventhub.yaml',
      configMap('eventhub-config', {
        SASL_PASS: '${CCLOUD_PW}',
        EVENTHUB: eventHub('${SAS}'),
        'client.properties': `bootstrap.servers=\${CCLOUD_URL}\nconnection.string=${eventHub('${SAS}')}\n`,
        NOTE: hostile(),
      }),
    );
    const timed = await swapAction({ manifests: file, 'secret-vars': 'CCLOUD_PW,\nSAS' });
    const { run } = timed;
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(stored('eventhub-config').data).toMatchObject({ SASL_PASS: ENV.CCLOUD_PW, EVENTHUB: eventHub(ENV.SAS) });
    expect(run.masked).toEqual(expect.arrayContaining([ENV.CCLOUD_PW, ENV.SAS]));
    expect(mutations()).toEqual([`PUT ${path('eventhub-config')}`]);
    expect(run.summary).toContain('# SASL_PASS (modified)\n(redacted: ');
    expect(run.summary).toContain('# EVENTHUB (modified)\n(redacted: ');
    expect(run.summary).toContain('- connection.string=***\n');
    expect(run.summary).toContain('+ connection.string=***\n');
    // What is not secret is still shown.
    expect(run.summary).toContain('+ bootstrap.servers=west.kafka.local:9092');
    expectBoundedAndInert(timed);
  });

  it('12: manifests resolving outside the workspace (absolute, ../, symlinks) are refused as an input error before any request', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'swap-outside-'));
    kube.apply(configMap('outside-config', { URL: 'north.kafka.local:9092' }));
    writeFileSync(join(outside, 'cm.yaml'), JSON.stringify(configMap('outside-config', { URL: '${CCLOUD_URL}', NOTE: hostile() })));
    mkdirSync(join(workspace, 'links'), { recursive: true });
    symlinkSync('/etc/passwd', join(workspace, 'links', 'passwd.yaml'));
    symlinkSync(join(outside, 'cm.yaml'), join(workspace, 'links', 'cm.yaml'));
    const relative = join('..', outside.split('/').pop()!, 'cm.yaml');
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0];

    for (const given of ['/etc/hostname', 'links/passwd.yaml', 'links/cm.yaml', relative]) {
      proxy.requests.length = 0;
      const timed = await swapAction({ manifests: given });
      const { run } = timed;
      expect(run.code).toBe(1);
      expect(proxy.requests).toEqual([]);
      const errors = errorLines(run).join('\n');
      expect(errors).toContain(`input 'manifests' names '${given}', which resolves outside the workspace`);
      expect(run.summary).toContain("**Where:** input 'manifests'");
      expect(run.everything).not.toContain(passwd);
      expectBoundedAndInert(timed);
    }
    expect(stored('outside-config').data).toEqual({ URL: 'north.kafka.local:9092' });
  });

  it.each([
    ['the API server answers 504 after committing it (hostile text in its message)', 'gateway'],
    ['its answer never comes (the request times out)', 'hang'],
  ])('13: a write the server applied, but %s: read back and reported as done', async (_, fault) => {
    kube.apply(configMap('timeout-config', { URL: 'north.kafka.local:9092' }, { 'ccloud-dr-actions/target': 'north' }));
    const before = configMapHash(stored('timeout-config'));
    const timeout = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: hostile(), reason: 'Timeout', code: 504 };
    proxy.setRule((req) => {
      if (!isWriteOf('timeout-config', req) || req.path.includes('dryRun')) return 'pass';
      // The server applies the write (before answering, so a read-back can only see it applied); its answer is lost.
      kube.apply(JSON.parse(req.body) as object);
      return fault === 'hang' ? { hang: true } : { status: 504, body: JSON.stringify(timeout) };
    });
    const file = manifest('timeout.yaml', configMap('timeout-config', { URL: '${CCLOUD_URL}', NOTE: hostile() }));
    const timed = await swapAction({ manifests: file, target: 'west' });
    const { run } = timed;
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const after = stored('timeout-config');
    expect(after.data?.URL).toBe(ENV.CCLOUD_URL);
    expect(after.metadata.labels?.['ccloud-dr-actions/target']).toBe('west');
    expect(run.outputs).toMatchObject({ changed: 'true', hash: configMapHash(after), 'previous-hash': before, 'previous-target': 'north' });
    expect(JSON.parse(run.outputs.objects)[0]).toMatchObject({ changed: true, written: true, state: 'written' });
    expect(run.stdout).toMatch(/read it back: the server holds the new data/);
    expect(run.summary).toContain('| ConfigMap/faults/timeout-config | changed (2 keys) |');
    // One write: the read-back, not a second PUT, settled it.
    expect(mutations()).toEqual([`PUT ${path('timeout-config')}`]);
    expectBoundedAndInert(timed);
  });

  it('14: a 5xx on the second object: outputs and summary for the first, what is in place where; a re-run completes the second', async () => {
    kube.apply([
      configMap('first-config', { URL: 'north.kafka.local:9092' }, { 'ccloud-dr-actions/target': 'north' }),
      configMap('second-config', { URL: 'north.kafka.local:9092' }, { 'ccloud-dr-actions/target': 'north' }),
    ]);
    const firstBefore = configMapHash(stored('first-config'));
    const secondBefore = configMapHash(stored('second-config'));
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: hostile(), reason: 'InternalError', code: 500 };
    proxy.setRule((req) => (isWriteOf('second-config', req) ? { status: 500, body: JSON.stringify(status) } : 'pass'));
    const file = manifest(
      'two.yaml',
      configMap('first-config', { URL: '${CCLOUD_URL}', NOTE: hostile() }),
      configMap('second-config', { URL: '${CCLOUD_URL}', NOTE: hostile() }),
    );
    const first = `ConfigMap/${NS}/first-config`;
    const second = `ConfigMap/${NS}/second-config`;

    const failed = await swapAction({ manifests: file, target: 'south' });
    let { run } = failed;
    expect(run.code).toBe(1);
    expect(mutations()).toEqual([`PUT ${path('first-config')}`, `PUT ${path('second-config')}`]);
    expect(stored('first-config').metadata.labels?.['ccloud-dr-actions/target']).toBe('south');
    expect(stored('second-config').metadata.labels?.['ccloud-dr-actions/target']).toBe('north');
    const firstAfter = configMapHash(stored('first-config'));
    // Outputs for what was applied, keyed by object as for any run of two objects.
    expect(run.outputs.changed).toBe('true');
    expect(JSON.parse(run.outputs.hash)).toEqual({ [first]: firstAfter });
    expect(JSON.parse(run.outputs['previous-target'])).toEqual({ [first]: 'north' });
    expect((JSON.parse(run.outputs.objects) as Array<{ name: string; state: string }>).map((o) => `${o.name}:${o.state}`)).toEqual([
      'first-config:written',
      'second-config:failed',
    ]);
    // The summary of what was applied, then the failure with where each object points now.
    expect(run.summary).toContain(`| ${first} | changed (2 keys) |`);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    expect(run.summary).toContain(`- ${first}: written: the server holds the new data (target south, hash \`${firstAfter.slice(0, 12)}\`)`);
    expect(run.summary).toContain(
      `- ${second}: unchanged: this object failed; it still holds the previous data (target north, hash \`${secondBefore.slice(0, 12)}\`)`,
    );
    expect(errorLines(run).join('\n')).toContain(`already written: ${first}`);
    expectBoundedAndInert(failed);

    // The re-run: the first is found in place (no write), the second is completed.
    proxy.setRule(() => 'pass');
    proxy.requests.length = 0;
    const rerun = await swapAction({ manifests: file, target: 'south' });
    ({ run } = rerun);
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(mutations()).toEqual([`PUT ${path('second-config')}`]);
    expect(stored('second-config').metadata.labels?.['ccloud-dr-actions/target']).toBe('south');
    expect(JSON.parse(run.outputs.hash)).toEqual({ [first]: firstAfter, [second]: configMapHash(stored('second-config')) });
    expect(JSON.parse(run.outputs['previous-hash'])).toEqual({ [first]: firstAfter, [second]: secondBefore });
    expect(
      (JSON.parse(run.outputs.objects) as Array<{ name: string; state: string; changed: boolean }>).map((o) => `${o.name}:${o.state}:${o.changed}`),
    ).toEqual(['first-config:in-place:false', 'second-config:written:true']);
    expect(run.summary).toContain(`| ${first} | already in place |`);
    expect(run.summary).toContain(`| ${second} | changed (2 keys) |`);
    expect(firstBefore).not.toBe(firstAfter);
    expectBoundedAndInert(rerun);
  });

  it('4: an API that accepts the connection and never answers: the step ends within its request timeout with a clear error', async () => {
    kube.apply(configMap('hang-config', { URL: 'north.kafka.local:9092' }));
    proxy.setRule(() => ({ hang: true }));
    const file = manifest('hang.yaml', configMap('hang-config', { URL: '${CCLOUD_URL}', NOTE: hostile() }));
    const timed = await swapAction({ manifests: file });
    const { run } = timed;
    expect(run.code).toBe(1);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(mutations()).toEqual([]);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`read ConfigMap ${NS}/hang-config`);
    expect(errors[0]).toMatch(/no answer within 2s|timed out|timeout/i);
    expect(run.summary).toContain('### ❌ swap-configmap failed');
    expect(stored('hang-config').data).toEqual({ URL: 'north.kafka.local:9092' });
    expectBoundedAndInert(timed);
  });
});
