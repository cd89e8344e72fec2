import { describe, expect, it } from '@jest/globals';
import { ConfluentApiError } from '../../src/actions/ccloud-mirror/confluent/errors.js';
import { ActionError } from '../../src/core/errors.js';
import { decodeLink, decodeMirror, type AlterMirrorResult, type ClusterLink, type MirrorTopic } from '../../src/actions/ccloud-mirror/confluent/types.js';
import type { Clock } from '../../src/core/time.js';
import { runMirror, type MirrorApi, type MirrorConfig, type MirrorProgress } from '../../src/actions/ccloud-mirror/mirror.js';

/**
 * Edge cases the emulator cannot be made to produce on demand (a lost answer, an answer that
 * omits a topic, a failure on the second chunk). Everything else runs against the emulator.
 */
class ScriptedApi implements MirrorApi {
  clusterId = 'lkc-dr';
  requestCount = 0;
  alters: string[][] = [];
  states = new Map<string, string>();
  /** Status changes that appear at the next listing. */
  next = new Map<string, string>();
  onAlter: (names: string[], call: number) => AlterMirrorResult[] | Error = (names) => names.map((n) => ok(n));
  link: ClusterLink = decodeLink({ link_name: 'l', cluster_link_id: 'c', topic_names: [], source_cluster_id: 'lkc-src' });

  constructor(states: Record<string, string>) {
    for (const [k, v] of Object.entries(states)) this.states.set(k, v);
  }
  async listLinks() {
    this.requestCount++;
    return [this.link];
  }
  async getLink(name: string) {
    this.requestCount++;
    return name === 'l' ? this.link : undefined;
  }
  async linkConfigs() {
    this.requestCount++;
    return [];
  }
  async listMirrors(): Promise<MirrorTopic[]> {
    this.requestCount++;
    const page = [...this.states].map(([name, status]) =>
      decodeMirror({
        mirror_topic_name: name,
        source_topic_name: name,
        mirror_status: status,
        mirror_lags: [{ partition: 0, lag: 4, last_source_fetch_offset: 1 }],
      }),
    );
    for (const [k, v] of this.next) this.states.set(k, v);
    this.next.clear();
    return page;
  }
  async getMirror() {
    this.requestCount++;
    return undefined;
  }
  async createMirror() {
    this.requestCount++;
  }
  async alterMirrors(_link: string, _verb: string, names: string[]): Promise<AlterMirrorResult[]> {
    this.requestCount++;
    this.alters.push(names);
    const out = this.onAlter(names, this.alters.length);
    if (out instanceof Error) throw out;
    for (const r of out) if (r.errorCode === null) this.next.set(r.mirrorTopicName, 'STOPPED');
    return out;
  }
}

function ok(name: string, lag = 9): AlterMirrorResult {
  return {
    mirrorTopicName: name,
    errorCode: null,
    errorMessage: null,
    mirrorLags: [{ partition: 0, lag, lastSourceFetchOffset: 1 }],
    messagesTruncated: null,
    partitionLevelTruncationData: [],
  };
}

const clock: Clock = (() => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
})();

const CONFIG: MirrorConfig = {
  linkName: 'l',
  operation: 'failover',
  selection: { kind: 'all' },
  sourceTopics: [],
  dryRun: false,
  wait: true,
  timeoutMs: 60_000,
  pollIntervalMs: 1000,
  force: false,
  chunkSize: 2,
  includePartitionDetail: false,
};

describe('runMirror edge cases', () => {
  it('counts a rejected topic that is already on its way (a re-run) once it reaches the target', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'PENDING_STOPPED' });
    api.onAlter = (names) => names.map((n) => (n === 'b' ? { ...ok(n), errorCode: 400, errorMessage: "Topic 'b' is already pending stop" } : ok(n)));
    api.next.set('b', 'STOPPED');
    const result = await runMirror(api, CONFIG, { clock });
    expect(result.failed).toEqual([]);
    expect(result.topics.find((t) => t.topic === 'b')).toMatchObject({
      outcome: 'changed',
      after: 'STOPPED',
      note: expect.stringContaining('already pending stop'),
    });
  });

  it('fails a rejected topic that is not moving, without waiting for the deadline', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE' });
    api.onAlter = (names) => names.map((n) => (n === 'b' ? { ...ok(n), errorCode: 400, errorMessage: 'Source is not reachable' } : ok(n)));
    const result = await runMirror(api, CONFIG, { clock });
    expect(result.failed).toEqual(['b']);
    expect(result.topics.find((t) => t.topic === 'b')?.error).toBe('error_code 400: Source is not reachable');
    expect(result.timedOut).toBe(false);
    // Only the cut topic counts towards the RPO estimate.
    expect([result.maxLag, result.totalLag]).toEqual([9, 9]);
  });

  it('fails a topic the answer left out', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE' });
    api.onAlter = () => [ok('a')];
    const result = await runMirror(api, { ...CONFIG, wait: false }, { clock });
    expect(result.topics.map((t) => [t.topic, t.outcome, t.error])).toEqual([
      ['a', 'accepted', undefined],
      ['b', 'failed', 'the answer had no result for this topic'],
    ]);
  });

  it('goes on with the next chunk after a chunk fails with a 5xx, and tries every topic', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE', d: 'ACTIVE', e: 'ACTIVE' });
    api.onAlter = (_names, call) =>
      call === 1
        ? new ConfluentApiError('could not failover: HTTP 503', 'server-error', 503, 50003, 'x', { where: 'cluster lkc-dr' })
        : _names.map((n) => ok(n));
    const result = await runMirror(api, CONFIG, { clock });
    expect(api.alters).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(result.failed).toEqual(['a', 'b']);
    expect(result.succeeded).toEqual(['c', 'd', 'e']);
    expect(result.alterRequests).toBe(3);
  });

  it('stops sending after an auth failure on a later chunk and marks every unsent topic', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE', d: 'ACTIVE', e: 'ACTIVE' });
    api.onAlter = (names, call) =>
      call === 2 ? new ConfluentApiError('API key revoked', 'unauthenticated', 401, 40101, 'x', { where: 'cluster lkc-dr' }) : names.map((n) => ok(n));
    const result = await runMirror(api, CONFIG, { clock });
    expect(api.alters).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(result.succeeded).toEqual(['a', 'b']);
    expect(result.failed).toEqual(['c', 'd', 'e']);
    expect(result.topics.find((t) => t.topic === 'e')?.error).toMatch(/^not sent: API key revoked/);
  });

  it('throws the auth failure itself when the first request fails', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE' });
    api.onAlter = () => new ConfluentApiError('API key revoked', 'unauthenticated', 401, 40101, 'x', { where: 'cluster lkc-dr' });
    await expect(runMirror(api, CONFIG, { clock })).rejects.toThrow('API key revoked');
  });

  it('counts the change requests it sent, for the summary of a run that throws; a dry run sends none', async () => {
    const progress: MirrorProgress = { changeRequests: 0 };
    const api = new ScriptedApi({ a: 'ACTIVE' });
    api.onAlter = () => new ConfluentApiError('no answer', 'unreachable', undefined, undefined, 'timed out', { where: 'cluster lkc-dr' });
    await expect(runMirror(api, CONFIG, { clock, progress })).rejects.toThrow('no answer');
    expect(progress.changeRequests).toBe(1);

    const dry: MirrorProgress = { changeRequests: 0 };
    const result = await runMirror(new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE' }), { ...CONFIG, dryRun: true }, { clock, progress: dry });
    expect(result.alterRequests).toBe(2);
    expect(dry.changeRequests).toBe(0);
  });

  it('stops on an auth failure only when it is a Confluent API error; another ActionError fails its chunk alone', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE' });
    // An ActionError that merely carries a `kind` field is not a refused key: the next chunk is still sent.
    api.onAlter = (names, call) => (call === 1 ? Object.assign(new ActionError('something else'), { kind: 'unauthenticated' }) : names.map((n) => ok(n)));
    const result = await runMirror(api, CONFIG, { clock });
    expect(api.alters).toEqual([['a', 'b'], ['c']]);
    expect(result.failed).toEqual(['a', 'b']);
    expect(result.succeeded).toEqual(['c']);
  });
});
