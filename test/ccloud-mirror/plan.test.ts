import { describe, expect, it } from '@jest/globals';
import {
  alterFailed,
  decodeAlterResult,
  decodeLags,
  decodeLink,
  decodeMirror,
  linkMode,
  type MirrorTopic,
} from '../../src/actions/ccloud-mirror/confluent/types.js';
import type { Selection } from '../../src/actions/ccloud-mirror/inputs.js';
import { chunk, lagViolations, listSome, planTopics } from '../../src/actions/ccloud-mirror/plan.js';
import { pollDelay } from '../../src/actions/ccloud-mirror/wait.js';

function mirror(name: string, status: string, lags: number[] = [0], partitions = true): MirrorTopic {
  return decodeMirror(
    {
      link_name: 'l',
      mirror_topic_name: name,
      source_topic_name: name.replace(/^east-/, ''),
      num_partitions: lags.length,
      mirror_status: status,
      state_time_ms: 1,
      mirror_lags: lags.map((lag, partition) => ({ partition, lag, last_source_fetch_offset: 100 })),
    },
    { partitions },
  );
}

const MIRRORS = [
  mirror('orders', 'ACTIVE', [3, 0]),
  mirror('payments', 'STOPPED'),
  mirror('refunds', 'PAUSED', [7]),
  mirror('audit', 'SOURCE_UNAVAILABLE', [2]),
];
const ALL: Selection = { kind: 'all' };
const steps = (plan: ReturnType<typeof planTopics>) => plan.map((p) => `${p.topic}:${p.step}`);

describe('planTopics', () => {
  it.each([
    ['failover', ALL, ['orders:send', 'payments:already', 'refunds:send', 'audit:send']],
    ['promote', { kind: 'names', names: ['orders', 'ghost'] }, ['orders:send', 'ghost:send']],
    ['pause', { kind: 'pattern', pattern: /^(?:re.*|or.*)$/, text: 're.*|or.*' }, ['orders:send', 'refunds:already']],
    ['resume', ALL, ['orders:already', 'payments:send', 'refunds:send', 'audit:send']],
    ['status', { kind: 'names', names: ['refunds', 'ghost'] }, ['refunds:report', 'ghost:missing']],
    ['status', ALL, ['orders:report', 'payments:report', 'refunds:report', 'audit:report']],
    ['reverse-and-start-mirror', { kind: 'names', names: ['payments', 'orders'] }, ['payments:already', 'orders:send']],
    // truncate-and-restore runs on the ex-source, whose topic is not a mirror yet: named topics are sent.
    ['truncate-and-restore', { kind: 'names', names: ['ghost', 'orders'] }, ['ghost:send', 'orders:already']],
  ] as const)('%s of %p', (operation, selection, expected) => {
    expect(steps(planTopics(operation, selection as Selection, MIRRORS))).toEqual(expected);
  });

  it('names created mirrors prefix + source, and counts existing ones as done', () => {
    const plan = planTopics('create', ALL, [mirror('east-orders', 'ACTIVE')], { sourceTopics: ['orders', 'payments'], prefix: 'east-' });
    expect(plan.map((p) => [p.topic, p.source, p.step])).toEqual([
      ['east-orders', 'orders', 'already'],
      ['east-payments', 'payments', 'send'],
    ]);
  });

  it('does not filter out FAILED or SOURCE_UNAVAILABLE mirrors before a failover', () => {
    const plan = planTopics('failover', ALL, [mirror('a', 'FAILED'), mirror('b', 'SOURCE_UNAVAILABLE'), mirror('c', 'LINK_FAILED')]);
    expect(plan.every((p) => p.step === 'send')).toBe(true);
  });
});

describe('lag helpers', () => {
  it.each([
    [[], 0, 0],
    [[5], 5, 5],
    [[3, 0, 9, 1], 9, 13],
    [[-1, 4], 4, 4],
  ])('decodeLags %p -> max %p, total %p (a negative lag counts as 0)', (lags, max, total) => {
    const raw = lags.map((lag, partition) => ({ partition, lag, last_source_fetch_offset: 7 }));
    expect(decodeLags(raw)).toEqual({ count: lags.length, max, total });
    expect(decodeLags(raw, true)).toEqual({
      count: lags.length,
      max,
      total,
      partitions: lags.map((lag, partition) => ({ partition, lag, lastSourceFetchOffset: 7 })),
    });
  });

  it('decodeLags shares one summary among topics without lag, and skips entries that are not objects', () => {
    const zero = [
      { partition: 0, lag: 0 },
      { partition: 1, lag: 0 },
    ];
    expect(decodeLags(zero)).toBe(decodeLags([{ partition: 5, lag: 0 }, null, 3, { partition: 6, lag: 0 }]));
    expect(decodeLags(zero)).toEqual({ count: 2, max: 0, total: 0 });
    expect(Object.isFrozen(decodeLags(zero))).toBe(true);
    expect(decodeLags(undefined)).toEqual({ count: 0, max: 0, total: 0 });
  });

  it('lists every partition above max-lag, only among topics about to be cut', () => {
    const plan = planTopics('failover', ALL, MIRRORS);
    expect(lagViolations(plan, 2)).toEqual([
      { topic: 'orders', partition: 0, lag: 3 },
      { topic: 'refunds', partition: 0, lag: 7 },
    ]);
    expect(lagViolations(plan, 7)).toEqual([]);
  });

  it('refuses to judge max-lag from lags read without their partitions, rather than pass the topic', () => {
    const plan = planTopics('failover', ALL, [mirror('orders', 'ACTIVE', [3, 0], false), mirror('calm', 'ACTIVE', [1], false)]);
    expect(() => lagViolations(plan, 2)).toThrow('internal: the lags of orders were read without their partitions; max-lag needs them');
    expect(lagViolations(plan, 3)).toEqual([]);
  });

  it.each([
    [0, 3, 0],
    [1, 3, 1],
    [7, 3, 3],
    [1000, 100, 10],
    [1001, 100, 11],
    [5, 10, 1],
  ])('chunk of %p items by %p gives %p chunks', (n, size, count) => {
    const items = Array.from({ length: n }, (_, i) => i);
    const chunks = chunk(items, size);
    expect(chunks.length).toBe(count);
    expect(chunks.flat()).toEqual(items);
    expect(chunks.every((c) => c.length <= size)).toBe(true);
  });

  it('shortens long lists', () => {
    expect(listSome(['a', 'b'])).toBe('a, b');
    expect(
      listSome(
        Array.from({ length: 25 }, (_, i) => `t${i}`),
        3,
      ),
    ).toBe('t0, t1, t2 and 22 more');
  });

  it.each([
    [0, 5000, 50],
    [1, 5000, 100],
    [2, 5000, 200],
    [4, 5000, 800],
    [6, 5000, 3200],
    [7, 5000, 5000],
    [9, 5000, 5000],
    [0, 30, 30],
  ])('poll %p with interval %p waits %p ms', (poll, interval, delay) => {
    expect(pollDelay(poll, interval)).toBe(delay);
  });
});

describe('REST decoders', () => {
  it.each([
    [{ error_code: null, error_message: null }, false],
    [{ error_code: 0, error_message: null }, false],
    [{ error_code: 0, error_message: '' }, false],
    [{ error_code: 400, error_message: "Topic 't' has already stopped its mirror from 'l'" }, true],
    [{ error_code: null, error_message: 'something broke' }, true],
    [{ error_code: 500, error_message: null }, true],
    [{ error_code: 0, error_message: 'message without code' }, true],
  ])('alterFailed(%p) = %p (the robust rule)', (raw, failed) => {
    expect(
      alterFailed(decodeAlterResult({ mirror_topic_name: 't', mirror_lags: [], messages_truncated: null, partition_level_truncation_data: [], ...raw })),
    ).toBe(failed);
  });

  it('decodes a mirror with explicit nulls, missing optionals and an unknown status', () => {
    const m = decodeMirror({
      link_name: 'l',
      mirror_topic_name: 't',
      source_topic_name: 's',
      num_partitions: 2,
      mirror_status: 'PENDING_SOMETHING_NEW',
      state_time_ms: 5,
      mirror_lags: [{ partition: 1, lag: 4, last_source_fetch_offset: 9 }],
      mirror_topic_error: 'NO_ERROR',
      mirror_state_transition_errors: null,
    });
    expect(m).toEqual({
      linkName: 'l',
      mirrorTopicName: 't',
      sourceTopicName: 's',
      numPartitions: 2,
      lags: { count: 1, max: 4, total: 4 },
      mirrorStatus: 'PENDING_SOMETHING_NEW',
      stateTimeMs: 5,
      mirrorTopicError: undefined,
      stateTransitionErrors: [],
    });
    expect(decodeMirror({ mirror_topic_name: 'x', mirror_topic_error: 'SOURCE_TOPIC_ID_CHANGED' }).mirrorTopicError).toBe('SOURCE_TOPIC_ID_CHANGED');
  });

  it('decodes links and works out the mode as the CLI does', () => {
    const dest = decodeLink({
      link_name: 'a',
      cluster_link_id: 'id',
      topic_names: ['t'],
      source_cluster_id: 'lkc-src',
      destination_cluster_id: null,
      remote_cluster_id: null,
      tasks: null,
    });
    expect(dest).toMatchObject({ linkName: 'a', topicNames: ['t'], sourceClusterId: 'lkc-src', destinationClusterId: null, tasks: [] });
    expect(linkMode(dest)).toBe('DESTINATION');
    expect(linkMode(decodeLink({ link_name: 'b', cluster_link_id: 'x', topic_names: [], remote_cluster_id: 'lkc-r' }))).toBe('BIDIRECTIONAL');
    expect(linkMode(decodeLink({ link_name: 'c', cluster_link_id: 'x', topic_names: [], destination_cluster_id: 'lkc-d' }))).toBe('SOURCE');
    expect(linkMode(decodeLink({ link_name: 'd', link_id: 'old', topic_names: [] }))).toBe('UNKNOWN');
  });
});
