import { describe, expect, it } from '@jest/globals';
import { drillMarkdown, FAULTS, runFaultDrill, type FaultName } from '../../src/playground/drill/index.js';
import { TEST_TIMING, workspace } from './helpers.js';

/**
 * The failure drills of `npm run drill -- --fault <name>`, each run as users run it: the switch is started with one
 * thing wrong. Six must be refused before the first change (the last, source-down, only by the mirror step's probe of the other cluster: the link still shows ACTIVE) (no mutating request reaches either emulator, the
 * mirror still mirrors, the clients stay, the report says nothing changed) and complete on a re-run after the fix;
 * the crash loop comes after the mirrors moved: the report says where things stand and what to do, and a re-run
 * after the fix completes. What each printed first is what the user reads first: it must name the cause.
 */
const FIRST: Record<FaultName, RegExp> = {
  'bad-manifest':
    /^switch \/ plan: dr-plan: the switch cannot start: 1 problem .* client group 'proxy': manifest src\/playground\/manifests\/proxy\/kafka-proxy-confg\.yaml .*which is not a file in the workspace/,
  'missing-object': /^switch \/ preflight \(proxy\): swap-configmap: nothing was written: ConfigMap kafka-proxy-config-v2 does not exist in namespace clients/,
  'missing-permission':
    /^switch \/ preflight \(proxy\): verify-rollout: the verification could not run after the change: - the identity lacks 3 permissions .*watch deployments \(API group apps\) in namespace clients/,
  'missing-secret': /^switch \/ plan: dr-plan: the switch cannot start: 1 problem .* secret CCLOUD_WEST_DR_PASSWD is not set/,
  'bad-link': /^switch \/ check-mirror: ccloud-mirror: the cluster link 'dr-link-v2' doesn't exist \(cluster lkc-west\)\. Links on cluster lkc-west: dr-link/,
  'crash-loop': /^switch \/ clients \(proxy\): verify-rollout: 1 of 2 workloads did not finish .*Deployment\/java-cloud-producer.*CrashLoopBackOff/,
  'source-down':
    /^switch \/ check-mirror: ccloud-mirror: cannot reverse-and-start-mirror: the peer cluster lkc-north did not answer \(could not read the cluster: .* did not answer .*Nothing was sent\. reverse-and-start-mirror needs the other cluster \(lkc-north\); if it is down, use 'operation: failover'/,
};

describe('failure drills (npm run drill -- --fault)', () => {
  it.each(FAULTS.map((f) => [f]))('%s: the suite behaves safely, says why first, and a re-run after the fix completes', async (fault) => {
    const result = await runFaultDrill(fault, { workspace, timing: TEST_TIMING });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.passed).toBe(true);
    // A refusal is checked in several ways; the crash loop by its report; all end with the re-run's checks.
    expect(result.checks.length).toBeGreaterThanOrEqual(fault === 'crash-loop' ? 8 : 10);
    expect(result.firstPrinted).toMatch(FIRST[fault]);
    expect(result.checks.map((c) => c.name)).toContain(`${fault}: no secret in any log, summary or report`);
    expect(drillMarkdown(result)).toContain(fault);
  });
});
