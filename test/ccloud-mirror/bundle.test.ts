import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { text } from '../../src/core/markdown.js';
import { errorLines, findLeaks, runAction, type ActionRun } from '../helpers/run-action.js';
import { actionInputs, drWorld, topicNames, type DrWorld } from './fixture.js';

// The bundled dist/ccloud-mirror/index.js, run as a child process exactly as the runner runs it
// (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), against the emulator over HTTP.
let world: DrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const inputsFor = (w: DrWorld, cluster: string, more: Record<string, string> = {}) => actionInputs(w, cluster, more);

/** Every secret a run for these clusters could leak: the API secrets and the derived Basic credentials. */
function secretsOf(w: DrWorld, ...clusters: string[]): string[] {
  return clusters.flatMap((c) => {
    const { apiKey, apiSecret } = w.emulator.info(c);
    const token = Buffer.from(`${apiKey}:${apiSecret}`).toString('base64');
    return [apiSecret, token];
  });
}

function expectNoLeaks(run: ActionRun, secrets: string[]): void {
  // `everything` leaves out the runner's own `::add-mask::` commands, which it consumes.
  expect(findLeaks(run.everything, secrets)).toEqual([]);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('dist/ccloud-mirror as the runner runs it', () => {
  it('fails over with real lag: outputs, summary table and totals, secrets masked and never shown', async () => {
    world = await drWorld({ topics: ['orders', 'payments'], partitions: 2, replicationDelayMs: 60_000 });
    const { emulator } = world;
    emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }], 0);
    emulator.produce('north', 'payments', [{ value: '1' }], 1);
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'max-lag': '10' }) });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['succeeded-topics']).toBe('orders,payments');
    expect(run.outputs['failed-topics']).toBe('');
    expect(run.outputs['max-lag']).toBe('3');
    expect(run.outputs['total-lag']).toBe('4');
    const lost = sum(['orders', 'payments'].map((t) => sum(emulator.endOffsets('north', t)) - sum(emulator.endOffsets('south', t))));
    expect(Number(run.outputs['total-lag'])).toBe(lost);
    const result = JSON.parse(run.outputs.result) as {
      topics: Array<{ topic: string; before: string; after: string; totalLag: number; outcome: string }>;
      alterRequests: number;
    };
    expect(result.topics.map((t) => [t.topic, t.before, t.after, t.totalLag, t.outcome])).toEqual([
      ['orders', 'ACTIVE', 'STOPPED', 3, 'changed'],
      ['payments', 'ACTIVE', 'STOPPED', 1, 'changed'],
    ]);
    expect(result.alterRequests).toBe(1);
    // The whole result is also a file under RUNNER_TEMP (for upload-artifact); small, so nothing was shortened.
    expect(run.outputs['result-file'].startsWith(`${run.runnerTemp}/ccloud-mirror-result-`)).toBe(true);
    expect(readFileSync(run.outputs['result-file'], 'utf8')).toBe(run.outputs.result);
    expect(run.outputs['truncated-outputs']).toBe('');
    expect(run.summary).toContain('### ccloud-mirror: `failover` on link `dr-link` (cluster lkc-south)');
    expect(run.summary).toContain(
      '✅ 2 of 2 topic(s) STOPPED (2 changed, 0 already STOPPED). Max lag **3**, total lag **4** record(s) not yet mirrored at the cut.',
    );
    expect(run.summary).toContain('| `orders` | ACTIVE | STOPPED | 3 | 3 | done | – |');
    expect(run.summary).toContain('| **Total** (2) | – | – | **3** | **4** | 2 ok, 0 failed | – |');
    // Masked the moment they exist (the runner then redacts them), and never printed anyway.
    const secrets = secretsOf(world, 'south');
    expect(run.masked).toEqual(expect.arrayContaining([...secrets, `Basic ${secrets[1]}`]));
    expectNoLeaks(run, secrets);
  });

  it.each([
    [{ operation: 'fail-over' }, "input 'operation' has the value 'fail-over', which is not allowed"],
    [{ operation: 'failover', timeout: 'forever' }, "input 'timeout' has the value 'forever', which is not a duration"],
    [{ operation: 'failover', 'mirror-topics': 'orders,bad topic' }, "input 'mirror-topics' has the value 'bad topic', which is not a topic name"],
    [
      { operation: 'failover', 'mirror-topics': 'orders', 'mirror-topic-pattern': 'o.*' },
      "input 'mirror-topics' and input 'mirror-topic-pattern' were both set",
    ],
    [{ operation: 'failover', 'max-lag': 'lots' }, "input 'max-lag' has the value 'lots', which is not a whole number"],
    [{ operation: 'failover', 'api-secret': '' }, "input 'api-secret' is required but was not set"],
    [
      { operation: 'failover', 'rest-endpoint': 'pkc-123.confluent.cloud' },
      "input 'rest-endpoint' has the value 'pkc-123.confluent.cloud', which is not a URL",
    ],
  ])('fails on bad input %p before any request', async (bad, message) => {
    world = await drWorld({ topics: ['orders'] });
    const run = await runAction('ccloud-mirror', { inputs: { ...inputsFor(world, 'south'), ...bad } });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([expect.stringContaining(`::error::ccloud-mirror: ${message}`)]);
    expect(run.summary).toContain(`**What failed:** ${text(message)}`);
    expect(run.summary).toMatch(/^\*\*Where:\*\* input '[a-z-]+'$/m);
    expect(run.summary).toContain('- Topics unchanged: the inputs are checked before any request is sent.');
    expect(world.emulator.requests()).toEqual([]);
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('ACTIVE');
    expectNoLeaks(run, secretsOf(world, 'south'));
  });

  it('explains a wrong key with the cluster and key id, never the secret it was given', async () => {
    world = await drWorld({ topics: ['orders'] });
    const wrong = 'Wr0ngSecretWr0ngSecretWr0ngSecretWr0ngSecret';
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'api-secret': wrong }) });
    expect(run.code).toBe(1);
    const [line] = errorLines(run);
    expect(line).toContain(
      `API key ${world.emulator.info('south').apiKey} was rejected by cluster lkc-south (HTTP 401, error_code 40101: Authentication failed)`,
    );
    expect(line).toContain('CLUSTER ALTER and DESCRIBE, TOPIC READ and DESCRIBE_CONFIGS');
    expect(run.summary).toContain('**What failed:** could not read link');
    expect(run.summary).toContain("### ❌ ccloud-mirror failed\n\n**What failed:** could not read link 'dr-link': API key");
    expect(run.summary).toContain('**Where:** cluster lkc-south, link dr-link');
    expect(run.summary).toContain('**What to do:** Use an API key scoped to cluster lkc-south');
    expect(run.summary).toContain('- Topics unchanged: `failover` stopped before it sent any request that changes a topic.');
    expectNoLeaks(run, [wrong, Buffer.from(`${world.emulator.info('south').apiKey}:${wrong}`).toString('base64'), ...secretsOf(world, 'south', 'north')]);
  });

  it('dry-run changes nothing and the summary says what would change', async () => {
    world = await drWorld({ topics: ['orders', 'payments'] });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'promote', 'dry-run': 'true' }) });
    expect(run.code).toBe(0);
    expect(run.summary).toContain('**Dry run** (`validate_only=true`): nothing was changed. 2 topic(s) would become STOPPED, 0 already are, 0 would fail.');
    expect(run.summary).toContain('| `orders` | ACTIVE | ACTIVE → STOPPED (dry run) |');
    expect(
      world.emulator
        .requests('south')
        .filter((r) => r.method === 'POST')
        .map((r) => r.query),
    ).toEqual(['validate_only=true']);
    await new Promise((r) => setTimeout(r, 60));
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('ACTIVE');
  });

  it('fails the step listing every failed topic after trying all, and a re-run completes it', async () => {
    world = await drWorld({ topics: ['a', 'b'] });
    const inputs = inputsFor(world, 'south', { operation: 'failover', 'mirror-topics': 'a\nlate-1\nb\nlate-2' });
    const first = await runAction('ccloud-mirror', { inputs });
    expect(first.code).toBe(1);
    expect(first.outputs['succeeded-topics']).toBe('a,b');
    expect(first.outputs['failed-topics']).toBe('late-1,late-2');
    const error = first.stdout.slice(first.stdout.indexOf('::error::'));
    expect(error).toContain('2 of 4 topic(s) on cluster lkc-south, link dr-link failed to failover.');
    expect(error).toContain("- late-1: error_code 404: Topic 'late-1' is not a mirror topic on cluster link 'dr-link'.");
    expect(error).toContain("- late-2: error_code 404: Topic 'late-2' is not a mirror topic on cluster link 'dr-link'.");
    expect(first.summary).toContain('| `late-1` | NOT_A_MIRROR | NOT_A_MIRROR | 0 | 0 | **failed** |');
    expect(first.summary).toContain(`**What failed:** ${text('2 of 4 topic(s) failed to failover:')}\n- late-1: ${text("error_code 404: Topic 'late-1'")}`);
    expect(first.summary).toContain('**What to do:** Fix the cause and re-run the step: topics already STOPPED count as done\n');
    expect(first.summary).toContain('- 2 of 4 topic(s) succeeded and 2 failed; the After column of the table above is the state each topic is in now.');

    for (const t of ['late-1', 'late-2']) {
      world.emulator.createTopic('north', t);
      world.emulator.createMirror('south', world.link, t);
    }
    const second = await runAction('ccloud-mirror', { inputs });
    expect(second.code).toBe(0);
    expect(second.outputs['succeeded-topics']).toBe('a,late-1,b,late-2');
    expect(JSON.parse(second.outputs.result).topics.map((t: { outcome: string }) => t.outcome)).toEqual(['already', 'changed', 'already', 'changed']);
  });

  it('honours Retry-After on an HTML 429 and then succeeds', async () => {
    world = await drWorld({ topics: ['orders'] });
    await world.emulator.setFault('south', { kind: 'rate-limit', retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover' }) });
    expect(run.code).toBe(0);
    // The one wait it had to make: it cannot finish sooner than the server asked.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run.stdout).toMatch(/HTTP 429; attempt 1 of 5, retrying in 1000ms \(Retry-After\)/);
    expect(world.emulator.requests('south').map((r) => r.status)).toContain(429);
  });

  it('refuses promote while the source is unreachable and says to use failover', async () => {
    world = await drWorld({ topics: ['orders'] });
    await world.emulator.setFault('north', { kind: 'unreachable' });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'promote' }) });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain(
      "cannot promote: the remote cluster is not reachable from the link: the link is UNAVAILABLE (BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR: Connection to cluster lkc-north (north.kafka.local:9092) was refused.) and 1 topic(s) cannot reach their source: orders (SOURCE_UNAVAILABLE); the other cluster refused or dropped the connection: it is down, or the network (firewall, private link, DNS) is in the way (cluster lkc-south, link dr-link). The source cluster cannot be reached, and promote needs it for a final sync. If the source is down, use 'operation: failover'",
    );
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('SOURCE_UNAVAILABLE');
    expect(run.summary).toContain(
      "**What to do:** The source cluster cannot be reached, and promote needs it for a final sync. If the source is down, use 'operation: failover'",
    );
    expect(run.summary).toContain('- Topics unchanged: `promote` stopped before it sent any request that changes a topic.');
  });

  it('refuses a failover above max-lag, changing nothing; force: true goes ahead', async () => {
    world = await drWorld({ topics: ['orders'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }], 0);
    const refused = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'max-lag': '1' }) });
    expect(refused.code).toBe(1);
    expect(errorLines(refused)[0]).toContain('refusing to failover: 1 partition(s) of 1 topic(s) lag more than max-lag 1: orders partition 0: lag 2');
    expect(refused.summary).toContain(`**What failed:** ${text('refusing to failover: 1 partition(s) of 1 topic(s) lag more than max-lag 1')}`);
    expect(refused.summary).toContain('**What to do:** Nothing was changed. Stop the producers on the source');
    expect(refused.summary).toContain('- Topics unchanged: `failover` stopped before it sent any request that changes a topic.');
    expect(world.emulator.mirrorState('south', world.link, 'orders')?.status).toBe('ACTIVE');
    const forced = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'max-lag': '1', force: 'true' }) });
    expect(forced.code).toBe(0);
    expect(forced.outputs['total-lag']).toBe('2');
    expect(forced.summary).toContain('`force: true` cut 1 partition(s) lagging above `max-lag`');
  });

  it("runs the reverse flow (reverse on DR, status and failback on the primary) with each cluster's own secret, chaining outputs", async () => {
    world = await drWorld({ topics: ['active-passive-a'], bidirectional: true });
    const reverse = await runAction('ccloud-mirror', {
      inputs: inputsFor(world, 'south', { operation: 'reverse-and-start-mirror', 'mirror-topics': 'active-passive-a' }),
    });
    expect(reverse.code).toBe(0);
    expect(reverse.outputs['succeeded-topics']).toBe('active-passive-a');
    const status = await runAction('ccloud-mirror', {
      inputs: inputsFor(world, 'north', { operation: 'status', 'mirror-topics': reverse.outputs['succeeded-topics'] }),
    });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.outputs.result).topics[0]).toMatchObject({
      topic: 'active-passive-a',
      before: expect.stringMatching(/^(PENDING_MIRROR|ACTIVE)$/),
    });
    const failback = await runAction('ccloud-mirror', {
      inputs: inputsFor(world, 'north', { operation: 'reverse-and-start-mirror', 'mirror-topics': 'active-passive-a' }),
    });
    expect(failback.code).toBe(0);
    expect(world.emulator.mirrorState('north', 'bidi', 'active-passive-a')?.status).toBe('STOPPED');
    for (const run of [reverse, status, failback]) expectNoLeaks(run, secretsOf(world, 'south', 'north'));
  });

  it('fails over 1,001 topics in ceil(1001 / 250) = 5 alter requests', async () => {
    world = await drWorld({ topics: topicNames('t', 1001), partitions: 1 });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'chunk-size': '250' }) });
    expect(run.code).toBe(0);
    expect(run.outputs['succeeded-topics'].split(',')).toHaveLength(1001);
    expect(world.emulator.requests('south').filter((r) => r.route.endsWith(':failover'))).toHaveLength(5);
    expect(JSON.parse(run.outputs.result).alterRequests).toBe(5);
    // The summary's table stops at 250 rows (GitHub keeps 1 MiB of a step summary) and says where the rest is.
    expect(run.summary.split('\n').filter((l) => l.startsWith('| `t'))).toHaveLength(250);
    expect(run.summary).toContain('The table shows 250 of 1001 topics, the failed ones first');
  });

  it('after an unplanned failover, truncates the old primary and says how many records it dropped', async () => {
    world = await drWorld({ topics: ['orders'], bidirectional: true, replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }]);
    const failover = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover' }) });
    expect(failover.outputs['total-lag']).toBe('3');
    const restore = await runAction('ccloud-mirror', {
      inputs: inputsFor(world, 'north', { operation: 'truncate-and-restore', 'mirror-topics': 'orders', 'include-partition-detail': 'true' }),
    });
    expect(restore.code).toBe(0);
    expect(restore.outputs['messages-truncated']).toBe('3');
    expect(restore.summary).toContain('| `orders` | NOT_A_MIRROR | ACTIVE | 0 | 0 | done | 3 record(s) truncated |');
    expect(JSON.parse(restore.outputs.result).topics[0].truncation).toHaveLength(2);
    expectNoLeaks(restore, secretsOf(world, 'south', 'north'));
  });

  it('reports status of every mirror on the link', async () => {
    world = await drWorld({ topics: ['a', 'b'], replicationDelayMs: 60_000 });
    world.emulator.produce('north', 'b', [{ value: '1' }]);
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south') });
    expect(run.code).toBe(0);
    expect([run.outputs['succeeded-topics'], run.outputs['max-lag'], run.outputs['total-lag']]).toEqual(['a,b', '1', '1']);
    expect(run.summary).toContain('2 mirror topic(s). Max lag **1**, total lag **1** record(s) not yet mirrored.');
    expect(world.emulator.requests('south').every((r) => r.method === 'GET')).toBe(true);
  });

  it('names the existing links when link-name is wrong', async () => {
    world = await drWorld({ topics: ['a'] });
    const run = await runAction('ccloud-mirror', { inputs: inputsFor(world, 'south', { operation: 'failover', 'link-name': 'dr' }) });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toContain(
      "the cluster link 'dr' doesn't exist (cluster lkc-south). Links on cluster lkc-south: dr-link (DESTINATION, ACTIVE). Set 'link-name' to one of them",
    );
  });
});
