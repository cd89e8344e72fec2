/**
 * `npm run test:real`: the suites of test/real, against a real local Kubernetes control plane
 * (src/playground/real/kube). One suite at a time: each starts its own control plane (about 7 s), and
 * two would fight over the 2 cores. globalSetup builds the binaries first (cached) and says why the
 * suites that need Stakater Reloader itself are skipped.
 */
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/real'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/real/global-setup.mjs',
  globalTeardown: '<rootDir>/test/real/global-teardown.mjs',
  maxWorkers: 1,
  testTimeout: 180_000,
};
