import { bidirectional, twoClusters } from './rest.js';
import { topicsSuite } from './topics-suite.js';

// The suite on the emulator's memory (test/real-kafka/topics.test.ts runs it on real brokers).
let started: Awaited<ReturnType<typeof twoClusters>>;
topicsSuite({
  async start() {
    started = await twoClusters();
    return started;
  },
  stop: () => started.emu.close(),
  async createTopic(cluster, topic, partitions) {
    started.emu.createTopic(cluster, topic, { partitions });
  },
  async mirrored(topics, partitions) {
    bidirectional(started.emu, topics, partitions);
  },
  records: async (cluster, topic, partition) => started.emu.fetch(cluster, topic, partition, 0),
  endOffsets: async (cluster, topic) => started.emu.endOffsets(cluster, topic),
});
