import { describe, expect, it } from '@jest/globals';
import { decodeMirror, type MirrorTopic } from '../../src/actions/ccloud-mirror/confluent/types.js';
import { silentLogger } from '../../src/core/log.js';
import type { Clock } from '../../src/core/time.js';
import { waitForStatus } from '../../src/actions/ccloud-mirror/wait.js';

/** A clock that jumps forward when slept on: no real waiting. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function listing(states: Record<string, string>, errors: Record<string, string> = {}): MirrorTopic[] {
  return Object.entries(states).map(([name, status]) => decodeMirror({ mirror_topic_name: name, mirror_status: status, mirror_topic_error: errors[name] }));
}

/** Serves one scripted listing per call (the last one repeats) and counts the calls. */
function scripted(...pages: MirrorTopic[][]) {
  let calls = 0;
  return { list: async () => pages[Math.min(calls++, pages.length - 1)], calls: () => calls };
}

describe('waitForStatus', () => {
  it('with delayFirstPoll, sleeps the first delay before the first listing (a verb just accepted is never done at once)', async () => {
    const clock = fakeClock();
    const api = scripted(listing({ a: 'STOPPED' }));
    const out = await waitForStatus(api.list, [{ topic: 'a' }], 'STOPPED', {
      timeoutMs: 60_000,
      pollIntervalMs: 1000,
      clock,
      logger: silentLogger,
      delayFirstPoll: true,
    });
    expect([clock.slept, api.calls(), out.polls, out.sleptMs]).toEqual([[50], 1, 1, 50]);
  });

  it("fails a topic at once that leaves its pending state for anything but the target (a transition the cluster gave up), as Terraform's wait does", async () => {
    const clock = fakeClock();
    const at = (status: string, time: number) => decodeMirror({ mirror_topic_name: 'a', mirror_status: status, state_time_ms: time });
    const api = scripted([at('ACTIVE', 1)], [at('PENDING_STOPPED', 2)], [at('ACTIVE', 3)], [at('STOPPED', 4)]);
    const out = await waitForStatus(api.list, [{ topic: 'a', beforeStatus: 'ACTIVE', beforeTimeMs: 1 }], 'STOPPED', {
      timeoutMs: 60_000,
      pollIntervalMs: 1000,
      clock,
      logger: silentLogger,
    });
    expect(api.calls()).toBe(3);
    expect([...out.broken]).toEqual(['a']);
    expect(out.reasons.get('a')).toBe('left its pending state for ACTIVE, not STOPPED: the cluster gave the change up');
    expect(out.timedOut).toBe(false);
  });

  it('fails a topic back in its old state with a newer state_time_ms, even when no poll saw it pending', async () => {
    const clock = fakeClock();
    const api = scripted([decodeMirror({ mirror_topic_name: 'a', mirror_status: 'ACTIVE', state_time_ms: 5 })]);
    const out = await waitForStatus(api.list, [{ topic: 'a', beforeStatus: 'ACTIVE', beforeTimeMs: 1 }], 'STOPPED', {
      timeoutMs: 60_000,
      pollIntervalMs: 1000,
      clock,
      logger: silentLogger,
    });
    expect(api.calls()).toBe(1);
    expect(out.reasons.get('a')).toBe('left ACTIVE for ACTIVE, not STOPPED: the cluster gave the change up');
  });

  it('without revertByStateTime (pause, resume: no PENDING_ state), a topic still in its old state with a newer state_time_ms is waited for', async () => {
    const clock = fakeClock();
    const api = scripted(
      [decodeMirror({ mirror_topic_name: 'a', mirror_status: 'ACTIVE', state_time_ms: 5 })],
      [decodeMirror({ mirror_topic_name: 'a', mirror_status: 'PAUSED', state_time_ms: 6 })],
    );
    const out = await waitForStatus(api.list, [{ topic: 'a', beforeStatus: 'ACTIVE', beforeTimeMs: 1 }], 'PAUSED', {
      timeoutMs: 60_000,
      pollIntervalMs: 1000,
      clock,
      logger: silentLogger,
      revertByStateTime: false,
    });
    expect([[...out.reached], [...out.broken]]).toEqual([['a'], []]);
  });

  it('reads state transition errors for one pending topic per poll from the second poll, ten once one had errors, and fails those topics at once', async () => {
    const clock = fakeClock();
    const names = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const api = scripted(listing(Object.fromEntries(names.map((n) => [n, 'PENDING_STOPPED']))));
    const asked: string[] = [];
    const out = await waitForStatus(
      api.list,
      names.map((topic) => ({ topic })),
      'STOPPED',
      {
        timeoutMs: 60_000,
        pollIntervalMs: 1000,
        clock,
        logger: silentLogger,
        transitionErrors: async (topic) => {
          asked.push(topic);
          return topic === 't0' ? [] : ['INTERNAL_ERROR: the source cannot be reached'];
        },
      },
    );
    expect(asked.slice(0, 2)).toEqual(['t0', 't1']);
    expect(new Set(asked.slice(2, 12)).size).toBe(10);
    expect(out.broken.size).toBe(29);
    expect(out.reasons.get('t1')).toBe('state transition errors: INTERNAL_ERROR: the source cannot be reached');
    // t0 has none: it waits for the deadline.
    expect(out.timedOut).toBe(true);
    expect(out.broken.has('t0')).toBe(false);
  });

  it('polls once per round for all topics until every one reaches the target', async () => {
    const clock = fakeClock();
    const api = scripted(listing({ a: 'ACTIVE', b: 'ACTIVE' }), listing({ a: 'PENDING_STOPPED', b: 'STOPPED' }), listing({ a: 'STOPPED', b: 'STOPPED' }));
    const out = await waitForStatus(
      api.list,
      [
        { topic: 'a', beforeStatus: 'ACTIVE' },
        { topic: 'b', beforeStatus: 'ACTIVE' },
      ],
      'STOPPED',
      { timeoutMs: 60_000, pollIntervalMs: 5000, clock, logger: silentLogger },
    );
    expect(api.calls()).toBe(3);
    expect(out.polls).toBe(3);
    expect([...out.reached].sort()).toEqual(['a', 'b']);
    expect(out.timedOut).toBe(false);
    expect(clock.slept).toEqual([50, 100]);
    expect(out.sleptMs).toBe(150);
  });

  it('stops at the deadline, reporting what is still pending', async () => {
    const clock = fakeClock();
    const api = scripted(listing({ a: 'PENDING_STOPPED', b: 'STOPPED' }));
    const out = await waitForStatus(api.list, [{ topic: 'a' }, { topic: 'b' }], 'STOPPED', {
      timeoutMs: 10_000,
      pollIntervalMs: 2000,
      clock,
      logger: silentLogger,
    });
    expect(out.timedOut).toBe(true);
    expect([...out.reached]).toEqual(['b']);
    expect(out.latest.get('a')?.mirrorStatus).toBe('PENDING_STOPPED');
    expect(out.sleptMs).toBe(10_000);
    // 50, 100, 200 ... doubling, capped at the interval, the last one cut to the deadline.
    expect(clock.slept).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000, 2000, 850]);
    expect(api.calls()).toBe(11);
  });

  it('tells the list call which poll is the last: the one at the deadline, or a first one after it', async () => {
    const clock = fakeClock();
    const flags: boolean[] = [];
    const list = async (last: boolean) => {
      flags.push(last);
      return listing({ a: 'PENDING_STOPPED' });
    };
    const out = await waitForStatus(list, [{ topic: 'a' }], 'STOPPED', { timeoutMs: 1000, pollIntervalMs: 400, clock, logger: silentLogger });
    // Sleeps 50, 100, 200, 400, then the 250 left: the poll after that last sleep is the last.
    expect(clock.slept).toEqual([50, 100, 200, 400, 250]);
    expect(flags).toEqual([false, false, false, false, false, true]);
    expect(out.timedOut).toBe(true);

    const late = fakeClock();
    const after: boolean[] = [];
    const past = await waitForStatus(
      async (last) => {
        after.push(last);
        return listing({ a: 'PENDING_STOPPED' });
      },
      [{ topic: 'a' }],
      'STOPPED',
      { timeoutMs: 1000, deadline: late.now() - 1, pollIntervalMs: 400, clock: late, logger: silentLogger },
    );
    expect([after, past.timedOut, late.slept]).toEqual([[true], true, []]);
  });

  it('gives up on a topic that breaks on the way, but not on one that was already FAILED', async () => {
    const clock = fakeClock();
    const api = scripted(listing({ a: 'FAILED', b: 'FAILED' }, { a: 'SOURCE_TOPIC_ID_CHANGED' }), listing({ a: 'FAILED', b: 'STOPPED' }));
    const out = await waitForStatus(
      api.list,
      [
        { topic: 'a', beforeStatus: 'PAUSED' },
        { topic: 'b', beforeStatus: 'FAILED' },
      ],
      'STOPPED',
      { timeoutMs: 60_000, pollIntervalMs: 1000, clock, logger: silentLogger },
    );
    expect([...out.broken]).toEqual(['a']);
    expect([...out.reached]).toEqual(['b']);
    expect(out.latest.get('a')?.mirrorTopicError).toBe('SOURCE_TOPIC_ID_CHANGED');
    expect(api.calls()).toBe(2);
  });

  it('waits for a topic that is not listed yet (a mirror being created)', async () => {
    const clock = fakeClock();
    const api = scripted(listing({}), listing({ m: 'PENDING_MIRROR' }), listing({ m: 'ACTIVE' }));
    const out = await waitForStatus(api.list, [{ topic: 'm' }], 'ACTIVE', { timeoutMs: 60_000, pollIntervalMs: 1000, clock, logger: silentLogger });
    expect([...out.reached]).toEqual(['m']);
    expect(out.polls).toBe(3);
  });

  it('stops waiting when a poll fails for good, and says why', async () => {
    const clock = fakeClock();
    let calls = 0;
    const list = async () => {
      if (calls++ > 0) throw new Error('cluster went away');
      return listing({ a: 'PENDING_STOPPED' });
    };
    const out = await waitForStatus(list, [{ topic: 'a' }], 'STOPPED', { timeoutMs: 60_000, pollIntervalMs: 1000, clock, logger: silentLogger });
    expect(out.pollError).toBe('cluster went away');
    expect(out.reached.size).toBe(0);
    expect(out.timedOut).toBe(false);
  });
});
