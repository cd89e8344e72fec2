/**
 * The suites that run real Apache Kafka brokers (src/playground/real/kafka): `npm run test:real:kafka`.
 * They need Java 17+ and the jars of tools/kafka (resolved into the cache on first use), and start JVMs,
 * so one suite at a time. The drill with `--kube real` also needs the control plane of tools/kube (built on first
 * use; `.ci/run` has built it for `npm run test:real` before).
 */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/real-kafka'],
  testPathIgnorePatterns: ['/node_modules/'],
  // A cold start resolves the jars from Maven Central first (about a minute), then starts two JVMs.
  testTimeout: 180000,
  maxWorkers: 1,
};
