import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { FAST, ManualClock, twoClusters } from './rest.js';
import { mirrorsSuite } from './mirrors-suite.js';

// The suite on the emulator's memory (test/real-kafka/mirrors.test.ts runs it with real Kafka under the link). Here a
// record moves only when the clock does: nothing is held back by hold(), because nothing moves until a test ticks.
let emu: ConfluentEmulator;
let clock: ManualClock;
mirrorsSuite({
  async start() {
    clock = new ManualClock();
    const started = await twoClusters({ clock });
    emu = started.emu;
    return { ...started, clock };
  },
  stop: () => emu.close(),
  async setup(topics, partitions, mirrors) {
    for (const t of topics) emu.createTopic('north', t, { partitions });
    emu.createLink('north', 'dr', { remote: 'west', mode: 'BIDIRECTIONAL' });
    emu.createLink('west', 'dr', { remote: 'north', mode: 'BIDIRECTIONAL' });
    if (mirrors) for (const t of topics) emu.createMirror('west', 'dr', t);
  },
  async produce(cluster, topic, values, partition, key) {
    emu.produce(
      cluster,
      topic,
      values.map((value) => (key === undefined ? { value } : { key, value })),
      partition,
    );
  },
  endOffsets: async (cluster, topic) => emu.endOffsets(cluster, topic),
  records: async (cluster, topic, partition) =>
    emu.fetch(cluster, topic, partition, 0).map((r) => (r.key === undefined ? { value: r.value } : { key: r.key, value: r.value })),
  commit: async (cluster, group, topic, partition, offset) => emu.commitOffsets(cluster, group, [{ topic, partition, offset }]),
  committed: async (cluster, group) => emu.committedOffsets(cluster, group),
  outage: (cluster, down) => emu.setFault(cluster, down ? { kind: 'unreachable' } : null),
  replicated: async () => clock.advance(FAST.replicationDelayMs),
  measured: async () => undefined,
  hold: async () => undefined,
  release: async () => undefined,
  elapse: async (ms) => clock.advance(ms),
  pace: async () => undefined,
  maxSteps: 20,
});
