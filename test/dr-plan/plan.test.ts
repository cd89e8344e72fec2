import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSwitch, type SwitchRequest } from '../../src/actions/dr-plan/plan.js';
import { parseTopology } from '../../src/actions/dr-plan/topology.js';

const root = new URL('../..', import.meta.url).pathname;
const topology = parseTopology('.github/ccloud-dr.yml', readFileSync(join(root, '.github/ccloud-dr.yml'), 'utf8'));
const everything = {
  vars: new Set([
    'CCLOUD_NORTH_REST_ENDPOINT',
    'CCLOUD_NORTH_CLUSTERID',
    'CCLOUD_NORTH_URL',
    'CCLOUD_WEST_REST_ENDPOINT',
    'CCLOUD_WEST_CLUSTERID',
    'CCLOUD_WEST_URL',
  ]),
  secrets: new Set([
    'CCLOUD_NORTH_DR_APIKEY',
    'CCLOUD_NORTH_DR_PASSWD',
    'CCLOUD_NORTH_APIKEY',
    'CCLOUD_NORTH_PASSWD',
    'CCLOUD_WEST_DR_APIKEY',
    'CCLOUD_WEST_DR_PASSWD',
    'CCLOUD_WEST_APIKEY',
    'CCLOUD_WEST_PASSWD',
    'KUBECONFIG',
  ]),
};
const request = (over: Partial<SwitchRequest> = {}): SwitchRequest => ({
  target: 'west',
  operation: 'auto',
  sourceReachable: true,
  truncateFirst: false,
  mirrorTopics: [],
  dryRun: false,
  force: false,
  ...over,
});

describe('planning a switch', () => {
  it('reverses when the source answers, fails over when it is down; the DR operator key runs the mirrors, the application key fills the clients', () => {
    const { plan, problems } = planSwitch(topology, request(), everything);
    expect(problems).toEqual([]);
    expect(plan?.mirror).toMatchObject({
      link: 'dr-link',
      operation: 'reverse-and-start-mirror',
      cluster: { name: 'west', drApiKey: { secret: 'CCLOUD_WEST_DR_APIKEY' }, drApiSecret: { secret: 'CCLOUD_WEST_DR_PASSWD' } },
      peer: { name: 'north' },
    });
    expect(plan?.groups.map((g) => [g.name, g.namespace, g.env])).toEqual([
      [
        'proxy',
        'clients',
        { CCLOUD_URL: { var: 'CCLOUD_WEST_URL' }, CCLOUD_APIKEY: { secret: 'CCLOUD_WEST_APIKEY' }, CCLOUD_PASSWD: { secret: 'CCLOUD_WEST_PASSWD' } },
      ],
      [
        'noproxy',
        'nproxy-clients',
        { CCLOUD_URL: { var: 'CCLOUD_WEST_URL' }, CCLOUD_APIKEY: { secret: 'CCLOUD_WEST_APIKEY' }, CCLOUD_PASSWD: { secret: 'CCLOUD_WEST_PASSWD' } },
      ],
    ]);
    expect(planSwitch(topology, request({ sourceReachable: false }), everything).plan?.mirror?.operation).toBe('failover');
    expect(planSwitch(topology, request({ operation: 'promote' }), everything).plan?.mirror?.operation).toBe('promote');
    expect(planSwitch(topology, request({ operation: 'none' }), everything).plan?.mirror).toBeUndefined();
  });

  it('lists every unset variable and secret by name, with what it is for, and plans nothing', () => {
    const missing = {
      vars: new Set([...everything.vars].filter((v) => v !== 'CCLOUD_WEST_URL')),
      secrets: new Set([...everything.secrets].filter((s) => s !== 'CCLOUD_WEST_DR_PASSWD')),
    };
    const { plan, problems } = planSwitch(topology, request(), missing);
    expect(plan).toBeUndefined();
    expect(problems.map((p) => p.message)).toEqual([
      "secret CCLOUD_WEST_DR_PASSWD is not set (used for west's DR operator api-secret): add it to the repository or environment secrets and pass it to the workflow (secrets: inherit)",
      "variable CCLOUD_WEST_URL is not set (used for west's bootstrap (client group 'proxy'); west's bootstrap (client group 'noproxy')): add it as a repository or environment variable",
    ]);
  });

  it('refuses a target that is not a cluster of the file, and conflicting options, all at once', () => {
    const { problems } = planSwitch(
      topology,
      request({ target: 'east', truncateFirst: true, operation: 'failover', mirrorTopics: ['a'], mirrorTopicPattern: 'a.*' }),
      everything,
    );
    expect(problems.map((p) => p.message)).toEqual([
      "input 'target' is 'east', which is not a cluster of .github/ccloud-dr.yml; expected one of: north, west",
      "input 'truncate-first' needs a reverse operation after it (reverse-and-start-mirror or reverse-and-pause-mirror), not 'failover'",
      "inputs 'mirror-topics' and 'mirror-topic-pattern' were both set; give one of them, or neither for the topology's topics",
    ]);
  });
});
