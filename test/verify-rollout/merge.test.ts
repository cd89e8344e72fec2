import { describe, expect, it } from '@jest/globals';
import { mergeReports, type VerifyReport } from '../../src/actions/verify-rollout/verify.js';

/** Several objects verified at once read as one report: every workload named with its object, the counts added. */
const report = (name: string, watches: number, ok = true): VerifyReport => ({
  ok,
  workloads: [
    { namespace: 'clients', kind: 'Deployment', name, strategy: 'env-vars', seconds: 1, result: ok ? 'rolled' : 'failed', reason: '', restarted: false },
  ],
  unverified: [],
  uncheckedKinds: ['jobs: forbidden'],
  durationMs: watches * 100,
  hashes: { clients: `h-${name}` },
  watch: { watches, relists: 1, timeouts: 0, closed: 1, gone: 0, failures: 0 },
});

describe('mergeReports', () => {
  it('names each workload with its object, adds the watch counts, keeps the longest duration and one copy of each warning', () => {
    const merged = mergeReports(
      [report('producer', 3), report('consumer', 2, false)],
      [
        { kind: 'ConfigMap', name: 'producer-config' },
        { kind: 'ConfigMap', name: 'consumer-config' },
      ],
    );
    expect(merged.ok).toBe(false);
    expect(merged.workloads.map((w) => `${w.object} ${w.name} ${w.result}`)).toEqual([
      'ConfigMap/producer-config producer rolled',
      'ConfigMap/consumer-config consumer failed',
    ]);
    expect(merged.watch).toEqual({ watches: 5, relists: 2, timeouts: 0, closed: 2, gone: 0, failures: 0 });
    expect(merged.durationMs).toBe(300);
    expect(merged.uncheckedKinds).toEqual(['jobs: forbidden']);
    expect(merged.hashes).toEqual({ 'clients ConfigMap/producer-config': 'h-producer', 'clients ConfigMap/consumer-config': 'h-consumer' });
  });
});
