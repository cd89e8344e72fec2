import { describe, expect, it } from '@jest/globals';
import { ConfluentApiError } from '../../src/actions/ccloud-mirror/confluent/errors.js';
import { ActionError } from '../../src/core/errors.js';
import { decodeLink, decodeMirror, type AlterMirrorResult, type ClusterLink, type MirrorTopic } from '../../src/actions/ccloud-mirror/confluent/types.js';
import type { Clock } from '../../src/core/time.js';
import { readbackGraceMs, runMirror, type MirrorApi, type MirrorConfig, type MirrorProgress } from '../../src/actions/ccloud-mirror/mirror.js';

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
  /** The options of each listing (the deadline a read-back after the run's deadline gets). */
  listed: Array<{ deadline?: number } | undefined> = [];
  /** When set, listings after the first throw it. */
  failListingsAfterFirst?: Error;
  async listMirrors(_link?: string, options?: { deadline?: number; partitions?: boolean }): Promise<MirrorTopic[]> {
    this.requestCount++;
    this.listed.push(options);
    if (this.failListingsAfterFirst && this.listed.length > 1) throw this.failListingsAfterFirst;
    const page = [...this.states].map(([name, status]) =>
      decodeMirror(
        {
          mirror_topic_name: name,
          source_topic_name: name,
          mirror_status: status,
          mirror_lags: [{ partition: 0, lag: 4, last_source_fetch_offset: 1 }],
        },
        { partitions: options?.partitions },
      ),
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
    lags: { count: 1, max: lag, total: lag },
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
    api.onAlter = () => new ConfluentApiError('API key revoked', 'unauthenticated', 401, 40101, 'x', { where: 'cluster lkc-dr' });
    await expect(runMirror(api, CONFIG, { clock, progress })).rejects.toThrow('API key revoked');
    expect(progress.changeRequests).toBe(1);

    // A request the deadline stopped before it was sent changed nothing: it is not counted.
    const late: MirrorProgress = { changeRequests: 0 };
    const timedOut = new ScriptedApi({ a: 'ACTIVE' });
    timedOut.onAlter = () => new ConfluentApiError("could not failover: the step's timeout ran out", 'out-of-time', undefined, undefined, '', { where: 'x' });
    await expect(runMirror(timedOut, CONFIG, { clock, progress: late })).rejects.toThrow("the step's timeout ran out");
    expect(late.changeRequests).toBe(0);

    const dry: MirrorProgress = { changeRequests: 0 };
    const result = await runMirror(new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE' }), { ...CONFIG, dryRun: true }, { clock, progress: dry });
    expect(result.alterRequests).toBe(2);
    expect(dry.changeRequests).toBe(0);
  });

  it('an unanswered alter request is decided by the state read back: applied counts as changed, not applied fails', async () => {
    const unanswered = () =>
      new ConfluentApiError('could not failover 2 mirror topic(s): no answer', 'unreachable', undefined, undefined, 'timed out', { where: 'x' });
    const applied = new ScriptedApi({ a: 'ACTIVE', b: 'ACTIVE', c: 'ACTIVE' });
    applied.onAlter = (names) => {
      // The cluster applied the first chunk, but its answer was lost.
      for (const n of names) applied.next.set(n, 'STOPPED');
      return unanswered();
    };
    const result = await runMirror(applied, CONFIG, { clock });
    // Nothing more is sent after an unanswered request; the topics it carried are read back.
    expect(applied.alters).toEqual([['a', 'b']]);
    expect(result.topics.map((t) => [t.topic, t.outcome, t.after])).toEqual([
      ['a', 'changed', 'STOPPED'],
      ['b', 'changed', 'STOPPED'],
      ['c', 'failed', 'ACTIVE'],
    ]);
    expect(result.topics[0].note).toMatch(/^the failover request got no answer, but the topic is STOPPED: could not failover 2 mirror topic\(s\): no answer/);
    expect(result.topics[2].error).toMatch(/^not sent: /);
    // Cut by this run: their lag (from the listing before, the answer being lost) counts.
    expect(result.totalLag).toBe(8);

    const lost = new ScriptedApi({ a: 'ACTIVE' });
    lost.onAlter = unanswered;
    const failed = await runMirror(lost, { ...CONFIG, wait: false }, { clock });
    expect(failed.topics[0]).toMatchObject({
      outcome: 'failed',
      after: 'ACTIVE',
      error: 'could not failover 2 mirror topic(s): no answer; read back afterwards, the topic was ACTIVE, not STOPPED',
    });
  });

  it('an unanswered alter request whose state cannot be read back is failed as UNKNOWN, never as changed', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE' });
    api.onAlter = () => new ConfluentApiError('could not failover: no answer', 'unreachable', undefined, undefined, 'timed out', { where: 'x' });
    api.failListingsAfterFirst = new ConfluentApiError('could not list: no answer', 'unreachable', undefined, undefined, 'timed out', { where: 'x' });
    const result = await runMirror(api, CONFIG, { clock });
    expect(result.topics[0]).toMatchObject({
      outcome: 'failed',
      after: 'UNKNOWN',
      error: expect.stringContaining('whether the cluster applied it is not known'),
    });
  });

  it('gives reads after the deadline a short grace of their own, and stops the wait at the run deadline', async () => {
    const api = new ScriptedApi({ a: 'ACTIVE' });
    // The alter itself used up the run: the wait's one poll is the read-back, with its grace.
    api.onAlter = (names) => {
      clockAt.now += 5000;
      for (const n of names) api.states.set(n, 'STOPPED');
      return names.map((n) => ok(n));
    };
    const clockAt = { now: 0 };
    const fake: Clock = { now: () => clockAt.now, sleep: async (ms) => void (clockAt.now += ms) };
    const result = await runMirror(api, { ...CONFIG, timeoutMs: 5000 }, { clock: fake, deadline: 5000 });
    expect(api.listed.map((o) => o?.deadline)).toEqual([undefined, 5000 + readbackGraceMs(5000)]);
    expect(result.topics[0]).toMatchObject({ outcome: 'changed', after: 'STOPPED' });
    expect(readbackGraceMs(5000)).toBe(1000);
    expect(readbackGraceMs(300_000)).toBe(30_000);
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
