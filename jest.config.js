/** jest runs the TypeScript sources as native ESM (see README, Development). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Real components run only with their own commands: test/real (a real Kubernetes control plane) with
  // `npm run test:real` (jest.real.config.js), test/real-kafka (JVM brokers) with `npm run test:real:kafka`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/real/', '<rootDir>/test/real-kafka/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // Integration suites start emulators and child processes; two workers fit the 2-core machine.
  maxWorkers: 2,
};
