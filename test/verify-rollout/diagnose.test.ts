import { describe, expect, it } from '@jest/globals';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describePod, recentEvents, selectorString } from '../../src/actions/verify-rollout/diagnose.js';

describe('diagnostics of a workload that did not roll', () => {
  it('turns a selector into the labelSelector query', () => {
    expect(
      selectorString({
        metadata: { name: 'x' },
        spec: {
          selector: {
            matchLabels: { app: 'producer', tier: 'kafka' },
            matchExpressions: [
              { key: 'env', operator: 'In', values: ['dr', 'prod'] },
              { key: 'canary', operator: 'DoesNotExist' },
            ],
          },
        },
      }),
    ).toBe('app=producer,tier=kafka,env in (dr,prod),!canary');
    expect(selectorString({ metadata: { name: 'x' }, spec: {} })).toBeUndefined();
  });

  it('describes not-ready pods by their container waiting reasons, and skips ready ones', () => {
    const pod = (ready: boolean, status: Partial<V1Pod['status']>): V1Pod => ({
      metadata: { name: 'producer-abc' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...status },
    });
    expect(describePod(pod(true, {}))).toBeUndefined();
    expect(
      describePod(
        pod(false, {
          containerStatuses: [
            {
              name: 'app',
              image: 'i',
              imageID: '',
              ready: false,
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error' } },
            },
          ],
        }),
      ),
    ).toBe('pod producer-abc: container app CrashLoopBackOff: back-off 40s restarting failed container (last exit code 1, Error), 4 restarts');
    expect(
      describePod(
        pod(false, {
          containerStatuses: [
            {
              name: 'app',
              image: 'i',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } },
            },
          ],
        }),
      ),
    ).toBe('pod producer-abc: container app ImagePullBackOff: Back-off pulling image "x"');
    expect(describePod(pod(false, { phase: 'Pending' }))).toBe('pod producer-abc: phase Pending, not ready');
  });

  it("lists warnings first, newest first, only for the workload's objects, counting repeats", () => {
    const ev = (name: string, type: string, reason: string, at: string, count = 1): CoreV1Event => ({
      metadata: {},
      involvedObject: { kind: 'Pod', name },
      type,
      reason,
      message: `${reason} msg`,
      lastTimestamp: new Date(at),
      count,
    });
    const events = [
      ev('p1', 'Normal', 'Started', '2026-01-01T00:00:03Z'),
      ev('p1', 'Warning', 'BackOff', '2026-01-01T00:00:01Z', 5),
      ev('other', 'Warning', 'Failed', '2026-01-01T00:00:09Z'),
      ev('p1', 'Warning', 'Unhealthy', '2026-01-01T00:00:02Z'),
    ];
    expect(recentEvents(events, new Set(['p1']), 2)).toEqual(['Warning Unhealthy on Pod p1: Unhealthy msg', 'Warning BackOff on Pod p1: BackOff msg (x5)']);
  });
});
