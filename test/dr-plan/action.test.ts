import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorLines, findLeaks, repoRoot, runAction } from '../helpers/run-action.js';

/**
 * dr-plan's bundle as the runner runs it (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), in a workspace holding a
 * team's topology file: the plan it outputs, and every problem of the file named with its line, before anything.
 */
const SECRETS = {
  CCLOUD_EAST_DR_KEY: 'EASTDRKEY0123456',
  CCLOUD_EAST_DR_SECRET: 'east-dr-secret-value-0123456789',
  CCLOUD_EAST_APP_KEY: 'EASTAPPKEY012345',
  CCLOUD_EAST_APP_SECRET: 'east-app-secret-value-0123456789',
  CCLOUD_WEST_DR_KEY: 'WESTDRKEY0123456',
  CCLOUD_WEST_DR_SECRET: 'west-dr-secret-value-0123456789',
  CCLOUD_WEST_APP_KEY: 'WESTAPPKEY012345',
  CCLOUD_WEST_APP_SECRET: 'west-app-secret-value-0123456789',
  KUBECONFIG_REPORTING: 'apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: kube-secret-token-0123}}]\n',
};
const VARS = {
  CCLOUD_EASTUS_REST_ENDPOINT: 'https://pkc-east.eastus.azure.confluent.cloud:443',
  CCLOUD_EASTUS_BOOTSTRAP: 'pkc-east.eastus.azure.confluent.cloud:9092',
  CCLOUD_WESTUS_REST_ENDPOINT: 'https://pkc-west.westus.azure.confluent.cloud:443',
  CCLOUD_WESTUS_BOOTSTRAP: 'pkc-west.westus.azure.confluent.cloud:9092',
  AZURE_CLIENT_ID: '00000000-0000-0000-0000-00000000c1d1',
  AZURE_TENANT_ID: '00000000-0000-0000-0000-0000000071d1',
  AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-00000000501d',
};

/** The topology of docs/topology.md, with the secrets' names used above, in a fresh workspace. */
function workspace(edit: (text: string) => string = (t) => t): string {
  const doc = readFileSync(join(repoRoot, 'docs/topology.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/
    .exec(doc)![1]
    .replaceAll('CCLOUD_EASTUS_DR_KEY', 'CCLOUD_EAST_DR_KEY')
    .replaceAll('CCLOUD_EASTUS_DR_SECRET', 'CCLOUD_EAST_DR_SECRET')
    .replaceAll('CCLOUD_EASTUS_APP_KEY', 'CCLOUD_EAST_APP_KEY')
    .replaceAll('CCLOUD_EASTUS_APP_SECRET', 'CCLOUD_EAST_APP_SECRET')
    .replaceAll('CCLOUD_WESTUS_DR_KEY', 'CCLOUD_WEST_DR_KEY')
    .replaceAll('CCLOUD_WESTUS_DR_SECRET', 'CCLOUD_WEST_DR_SECRET')
    .replaceAll('CCLOUD_WESTUS_APP_KEY', 'CCLOUD_WEST_APP_KEY')
    .replaceAll('CCLOUD_WESTUS_APP_SECRET', 'CCLOUD_WEST_APP_SECRET');
  const dir = mkdtempSync(join(tmpdir(), 'dr-plan-'));
  mkdirSync(join(dir, '.github'), { recursive: true });
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  writeFileSync(join(dir, '.github/ccloud-dr.yml'), edit(yaml));
  writeFileSync(join(dir, 'deploy/kafka-proxy-config.yaml'), readFileSync(join(repoRoot, 'src/playground/manifests/proxy/kafka-proxy-config.yaml'), 'utf8'));
  return dir;
}

const plan = (dir: string, inputs: Record<string, string>) =>
  runAction('dr-plan', { inputs: { vars: JSON.stringify(VARS), secrets: JSON.stringify(SECRETS), ...inputs }, env: { GITHUB_WORKSPACE: dir }, cwd: dir });

describe('dr-plan (bundled action)', () => {
  it("plans a failover to westus on the team's own names: the DR key for the mirrors, the app key for the clients, secrets by name only", async () => {
    const run = await plan(workspace(), { target: 'westus', 'source-reachable': 'false' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      target: 'westus',
      from: 'eastus',
      operation: 'failover',
      'link-name': 'dr-link',
      'mirror-topics': 'orders,payments',
      'rest-endpoint': VARS.CCLOUD_WESTUS_REST_ENDPOINT,
      'cluster-id': 'lkc-def456',
      'api-key-secret': 'CCLOUD_WEST_DR_KEY',
      'api-secret-secret': 'CCLOUD_WEST_DR_SECRET',
    });
    const legs = JSON.parse(run.outputs.groups).include as Array<Record<string, string>>;
    expect(legs.map((l) => [l.group, l.namespace, l['kubeconfig-secret'], l['aks-cluster'], l['verify-configmaps'], l['verify-secrets']])).toEqual([
      ['payments-east', 'payments', '', 'aks-eastus', 'kafka-proxy-config', ''],
      ['reporting-west', 'reporting', 'KUBECONFIG_REPORTING', '', '', 'reporting-kafka'],
    ]);
    expect(legs[0]).toMatchObject({
      url: VARS.CCLOUD_WESTUS_BOOTSTRAP,
      'apikey-secret': 'CCLOUD_WEST_APP_KEY',
      'passwd-secret': 'CCLOUD_WEST_APP_SECRET',
      'azure-client-id': VARS.AZURE_CLIENT_ID,
    });
    expect(run.summary).toContain('### 🗺️ DR plan: switch to westus from eastus');
    // Every secret value was masked at once and appears nowhere.
    const masked = run.masked.map((m) => m.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
    for (const value of Object.values(SECRETS)) expect(masked).toContain(value);
    expect(findLeaks(run.everything, Object.values(SECRETS))).toEqual([]);
  });

  it('names every problem of the file with its line, and changes nothing', async () => {
    const dir = workspace((t) =>
      t
        .replace('    bootstrap: { var: CCLOUD_WESTUS_BOOTSTRAP }', '    bootstrp: { var: CCLOUD_WESTUS_BOOTSTRAP }')
        .replace('namespace: payments', 'namespace: Payments'),
    );
    const run = await plan(dir, { target: 'westus' });
    expect(run.code).toBe(1);
    const error = errorLines(run).join('\n');
    expect(error).toMatch(/\.github\/ccloud-dr\.yml:\d+:\d+: unknown key 'bootstrp' in 'clusters\.westus': did you mean 'bootstrap'\?/);
    expect(error).toMatch(/\.github\/ccloud-dr\.yml:\d+:\d+: 'client-groups\.0\.namespace' is not valid: a Kubernetes namespace name/);
    expect(run.summary).toContain('Nothing was changed and no server was contacted');
    expect(run.outputs).toEqual({});
  });

  it('a missing file, a manifest that is not there, and a drill guard, before anything', async () => {
    const none = await plan(mkdtempSync(join(tmpdir(), 'dr-plan-empty-')), { target: 'westus' });
    expect(errorLines(none).join('\n')).toContain('the topology file .github/ccloud-dr.yml was not found');
    const dir = workspace((t) => t.replace('deploy/kafka-proxy-config.yaml', 'deploy/kafka-proxy-confg.yaml'));
    const run = await plan(dir, { target: 'westus', 'protected-namespaces': 'reporting' });
    const error = errorLines(run).join('\n');
    expect(error).toContain(
      "client group 'payments-east': manifest deploy/kafka-proxy-confg.yaml names 'deploy/kafka-proxy-confg.yaml', which is not a file in the workspace",
    );
    expect(error).toContain("client group 'reporting-west' is in namespace reporting, which input 'protected-namespaces' protects");
  });
});
