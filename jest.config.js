/** jest runs the TypeScript sources as native ESM (see README, Development). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/real runs against a real control plane: npm run test:real (jest.real.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/real/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // Integration suites start emulators and child processes; two workers fit the 2-core machine.
  maxWorkers: 2,
};
