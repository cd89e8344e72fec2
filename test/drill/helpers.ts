import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TIMING, type Timing } from '../../src/playground/drill/index.js';

/** The repository root: workflows, actions, dist bundles and manifests. */
export const workspace = new URL('../..', import.meta.url).pathname;

/**
 * Small rates and delays so each drill takes a few seconds; the bounds the tests assert do not depend on them
 * being met exactly (they come from the numbered records and the configured delays).
 */
export const TEST_TIMING: Timing = {
  ...DEFAULT_TIMING,
  replicationDelayMs: 60,
  transitionMs: 50,
  podReadyDelayMs: 80,
  offsetSyncMs: 50,
  users: 4,
  userIntervalMs: 30,
  pollMs: 20,
  retryBackoffMs: 20,
  warmupMs: 400,
  holdMs: 300,
  settleMs: 300,
  drainMs: 5000,
  minuteMs: 2000,
};

/** The action bundles the workflows run; the drill suites are skipped (and say so) without them. */
export const missingBundles = ['aks-context', 'ccloud-mirror', 'dr-plan', 'dr-report', 'swap-configmap', 'verify-rollout'].filter(
  (name) => !existsSync(join(workspace, 'dist', name, 'index.js')),
);
// Users run dist/, so a missing bundle fails these suites; it must never pass as skipped.
if (missingBundles.length) throw new Error(`drill tests need the dist bundles of ${missingBundles.join(', ')}: run \`npm run build\``);
