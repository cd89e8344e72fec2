import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTopology, TopologyError } from '../../src/actions/dr-plan/topology.js';

const root = new URL('../..', import.meta.url).pathname;
const example = readFileSync(join(root, '.github/ccloud-dr.yml'), 'utf8');

function problems(text: string): string[] {
  try {
    parseTopology('.github/ccloud-dr.yml', text);
  } catch (err) {
    if (err instanceof TopologyError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
  return [];
}

describe('the topology file', () => {
  it('the example in docs/topology.md is a valid topology', () => {
    const doc = readFileSync(join(root, 'docs/topology.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const t = parseTopology('docs/topology.md', yaml);
    expect(t.clusters.map((c) => c.name)).toEqual(['eastus', 'westus']);
    expect(t.groups.map((g) => [g.name, 'aks' in g.kubernetes ? 'aks' : 'kubeconfig', g.verify])).toEqual([
      ['payments-east', 'aks', undefined],
      ['reporting-west', 'kubeconfig', ['Secret/reporting-kafka']],
    ]);
    expect(t.azure).toEqual({ clientId: { var: 'AZURE_CLIENT_ID' }, tenantId: { var: 'AZURE_TENANT_ID' }, subscriptionId: { var: 'AZURE_SUBSCRIPTION_ID' } });
  });

  it('reads the playground example: clusters by their own names, the link, two client groups', () => {
    const t = parseTopology('ccloud-dr.yml', example);
    expect(t.clusters.map((c) => c.name)).toEqual(['north', 'west']);
    expect(t.clusters[1]).toMatchObject({
      restEndpoint: { var: 'CCLOUD_WEST_REST_ENDPOINT' },
      drOperator: { apiKey: { secret: 'CCLOUD_WEST_DR_APIKEY' }, apiSecret: { secret: 'CCLOUD_WEST_DR_PASSWD' } },
      application: { apiKey: { secret: 'CCLOUD_WEST_APIKEY' }, apiSecret: { secret: 'CCLOUD_WEST_PASSWD' } },
    });
    expect(t.links).toEqual([{ name: 'dr-link', pattern: 'active-passive', topics: undefined, topicPattern: undefined }]);
    expect(t.groups.map((g) => [g.name, g.namespace, g.manifests?.length, g.rolloutTimeout])).toEqual([
      ['proxy', 'clients', 1, '10m'],
      ['noproxy', 'nproxy-clients', 2, '10m'],
    ]);
  });

  it('names the line and the fix for a typo in a key, a missing key and a bad value, all at once', () => {
    const broken = example
      .replace('    bootstrap: { var: CCLOUD_WEST_URL }\n', '    bootstrp: { var: CCLOUD_WEST_URL }\n')
      .replace('    namespace: nproxy-clients\n', '    namespace: Nproxy_Clients\n')
      .replace('    pattern: active-passive\n', '    pattern: active-pasive\n');
    expect(problems(broken)).toEqual([
      "19:5 unknown key 'bootstrp' in 'clusters.west': did you mean 'bootstrap'?",
      "28:14 'links.0.pattern' must be one of: active-passive, active-active",
      "38:16 'client-groups.1.namespace' is not valid: a Kubernetes namespace name (lower-case letters, digits and dashes, at most 63 characters)",
    ]);
  });

  it('refuses a literal API secret: keys are always read from secrets', () => {
    const literal = example.replace('      api-secret: { secret: CCLOUD_NORTH_PASSWD }', '      api-secret: s3cr3t-in-the-file');
    const found = problems(literal);
    expect(found).toEqual(["15:19 'clusters.north.application.api-secret' must be a mapping"]);
    expect(found.join('\n')).not.toContain('s3cr3t-in-the-file');
  });

  it('wants manifests or objects for each group, and a setting of one of the three forms', () => {
    const neither = example.replace('    manifests: [src/playground/manifests/proxy/kafka-proxy-config.yaml]\n', '');
    expect(problems(neither)).toEqual(["30:5 'client-groups.0' must give either 'manifests' or 'objects' (exactly one)"]);
    const badSetting = example.replace('    cluster-id: { var: CCLOUD_NORTH_CLUSTERID }', '    cluster-id: { variable: CCLOUD_NORTH_CLUSTERID }');
    expect(problems(badSetting)).toEqual([
      "8:5 'clusters.north.cluster-id' must be a value, `{ var: NAME }` (a GitHub variable) or `{ secret: NAME }` (a secret)",
    ]);
  });

  it('checks what the schema cannot: duplicate names, a pattern that does not compile, verify naming an unknown object', () => {
    const dup = example.replace('  - name: noproxy\n', '  - name: proxy\n');
    expect(problems(dup)).toEqual(["35:11 client group 'proxy' is listed twice"]);
    const badRegex = example.replace('    pattern: active-passive\n', "    pattern: active-passive\n    topic-pattern: 'orders('\n");
    expect(problems(badRegex)[0]).toMatch(/^29:20 'links\.0\.topic-pattern' is not a valid regular expression/);
    const objects = example.replace(
      '    manifests: [src/playground/manifests/proxy/kafka-proxy-config.yaml]\n',
      "    objects:\n      - { kind: ConfigMap, name: kafka-proxy-config, data: { bootstrap: '${CCLOUD_URL}' } }\n    verify: [kafka-proxy-confg]\n",
    );
    expect(problems(objects)).toEqual(["36:14 'verify' names kafka-proxy-confg, which is not one of the group's objects (ConfigMap/kafka-proxy-config)"]);
  });

  it('reports YAML syntax errors with their line, and needs two clusters', () => {
    expect(problems('version: 1\nclusters: {\n')[0]).toMatch(/^\d+:\d+ not valid YAML/);
    const one =
      'version: 1\nclusters:\n  north: ' + example.split('  north:\n')[1].split('  west:\n')[0].trimStart().replace(/^/, '\n    ') + 'client-groups: []\n';
    expect(problems(one)).toEqual(
      expect.arrayContaining([
        "2:1 'clusters' must name at least two clusters (a DR switch moves from one to another)",
        "13:16 'client-groups' must list at least 1",
      ]),
    );
  });
});
