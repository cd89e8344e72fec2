/**
 * Failure drills (`npm run drill -- --fault <name>`): a switch is started with one thing wrong, and the drill passes
 * only when the suite behaved safely.
 * - bad-manifest, missing-object, missing-permission, missing-secret, bad-link: the switch must refuse before the
 *   first change (in the plan or the per-group checks): neither emulator receives a mutating request, the mirror
 *   still mirrors, every client stays where it was, and the report says nothing changed. Then the cause is fixed
 *   and the same switch, run again, must complete.
 * - crash-loop: the new configuration's pods crash after the mirrors moved: the report must say where things stand
 *   (topics writable on the target, the group not verified) and the next step; after the fix a re-run completes.
 * - source-down: the primary stops answering just before a planned switch; for the link's first 5 minutes it still
 *   shows ACTIVE, so only the mirror step's probe of the other cluster can tell: it must refuse before the first
 *   change. Once the primary is back, the same switch completes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { allJobs } from '../workflow/index.js';
import { finalChecks, phaseChecks, type Check } from './checks.js';
import type { EmulatedDrillKube } from './kube.js';
import type { FaultName, Timing } from './options.js';
import { DrillSession, firstFailure, type DrillResult, type PhaseResult } from './session.js';
import { PRIMARY, SECONDARY } from './topology.js';

/** What each fault breaks, and where the switch must stop. */
export const FAULT_INFO: Record<FaultName, { what: string; stopsIn: 'plan' | 'check-mirror' | 'preflight' | 'clients' }> = {
  'bad-manifest': { what: 'the topology names a manifest file that does not exist (a typo in the path)', stopsIn: 'plan' },
  'missing-object': { what: 'a manifest names a ConfigMap that does not exist in the namespace', stopsIn: 'preflight' },
  'missing-permission': { what: "the workflow's identity lacks one verb of the Role (watch on deployments)", stopsIn: 'preflight' },
  'missing-secret': { what: "the target's DR operator API secret is not set", stopsIn: 'plan' },
  'bad-link': { what: 'the topology names a cluster link the target cluster does not have', stopsIn: 'check-mirror' },
  'crash-loop': { what: "the producer's new pods crash-loop after the mirrors moved", stopsIn: 'clients' },
  'source-down': {
    what: "a planned switch starts in an outage's first minutes: the source does not answer, while the link still shows ACTIVE",
    stopsIn: 'check-mirror',
  },
};

/** The result of one failure drill: the drill's own result, with the fault's checks, and what the suite printed first. */
export interface FaultDrillResult extends DrillResult {
  fault: FaultName;
  firstPrinted?: string;
}

const BASE_TOPOLOGY = '.github/ccloud-dr.yml';
const PROXY_MANIFEST = 'src/playground/manifests/proxy/kafka-proxy-config.yaml';

/** Requests that change something: not reads, not dry runs (dryRun=All, validate_only) and not access reviews. */
export function mutatingKube(requests: Array<{ method: string; path: string; query: string }>): string[] {
  return requests
    .filter((r) => r.method !== 'GET' && !/(^|[?&])dryRun=All(&|$)/.test(r.query) && !r.path.endsWith('/selfsubjectaccessreviews'))
    .map((r) => `${r.method} ${r.path}`);
}
export function mutatingConfluent(requests: Array<{ method: string; path: string; query: string; cluster: string }>): string[] {
  return requests.filter((r) => r.method !== 'GET' && !/(^|[?&])validate_only=true(&|$)/.test(r.query)).map((r) => `${r.cluster}: ${r.method} ${r.path}`);
}

/** Runs one failure drill on the emulators; the verdict is in the result, never thrown. */
export async function runFaultDrill(fault: FaultName, options: { workspace: string; timing: Timing; log?: (line: string) => void }): Promise<FaultDrillResult> {
  const dir = join('.drill', 'faults', `${fault}-${randomBytes(4).toString('hex')}`);
  const full = join(options.workspace, dir);
  mkdirSync(full, { recursive: true });
  let session: DrillSession | undefined;
  try {
    session = await DrillSession.start({
      workspace: options.workspace,
      scenario: { pattern: 'active-passive', style: 'proxy', mode: 'planned' },
      timing: options.timing,
      log: options.log,
    });
    const s = session;
    const kube = s.topology.kube as EmulatedDrillKube;
    await s.deployClients(PRIMARY);
    await s.startTraffic();
    const topic = s.topology.topic;

    // The broken setup, as a team could have it.
    const write = (name: string, text: string) => {
      writeFileSync(join(full, name), text);
      return `${dir}/${name}`;
    };
    const topology = (edit: (doc: ReturnType<typeof parseDocument>) => void) => {
      const doc = parseDocument(readFileSync(join(options.workspace, BASE_TOPOLOGY), 'utf8'));
      edit(doc);
      return write('ccloud-dr.yml', doc.toString());
    };
    let config = BASE_TOPOLOGY;
    let fix: () => Promise<void> = async () => {
      config = BASE_TOPOLOGY;
    };
    switch (fault) {
      case 'bad-manifest':
        config = topology((d) => d.setIn(['client-groups', 0, 'manifests'], ['src/playground/manifests/proxy/kafka-proxy-confg.yaml']));
        break;
      case 'missing-object': {
        const manifest = readFileSync(join(options.workspace, PROXY_MANIFEST), 'utf8');
        const renamed = parseAllDocuments(manifest).map((d) => {
          if (d.getIn(['kind']) === 'ConfigMap') d.setIn(['metadata', 'name'], 'kafka-proxy-config-v2');
          return d.toString();
        });
        const path = write('kafka-proxy-config-v2.yaml', renamed.join('---\n'));
        config = topology((d) => d.setIn(['client-groups', 0, 'manifests'], [path]));
        break;
      }
      case 'missing-permission': {
        // The adoption guide's Role, bound to the workflow's ServiceAccount, minus one verb the verification uses.
        const role = roleWithout(options.workspace, 'clients', kube.operator.username, { resource: 'deployments', verb: 'watch' });
        kube.emulator.apply(role.broken);
        s.topology.secrets.KUBECONFIG = kube.operator.kubeconfig();
        fix = async () => {
          kube.emulator.apply(role.whole);
        };
        break;
      }
      case 'missing-secret': {
        const saved = s.topology.secrets.CCLOUD_WEST_DR_PASSWD;
        delete s.topology.secrets.CCLOUD_WEST_DR_PASSWD;
        fix = async () => {
          s.topology.secrets.CCLOUD_WEST_DR_PASSWD = saved;
        };
        break;
      }
      case 'bad-link':
        config = topology((d) => d.setIn(['links', 0, 'name'], 'dr-link-v2'));
        break;
      case 'source-down':
        await s.topology.confluent.setFault(PRIMARY, { kind: 'unreachable' });
        fix = async () => {
          await s.topology.confluent.setFault(PRIMARY, null);
        };
        break;
      case 'crash-loop':
        kube.emulator.setPodFault(s.topology.namespace, 'java-cloud-producer', 'CrashLoopBackOff');
        // A short rollout timeout, so the failure comes quickly; the re-run uses the topology as it is.
        config = topology((d) => d.setIn(['client-groups', 0, 'rollout-timeout'], '3s'));
        fix = async () => {
          config = BASE_TOPOLOGY;
          const trouble = s.podsInTrouble();
          kube.emulator.setPodFault(s.topology.namespace, 'java-cloud-producer', null);
          await s.deletePods(trouble.map((p) => p.name));
        };
        break;
    }

    const mirrorBefore = s.topology.confluent.mirrorState(SECONDARY, 'dr-link', topic)?.status;
    const configBefore = JSON.stringify((kube.emulator.get('ConfigMap', s.topology.namespace, 'kafka-proxy-config') as { data?: unknown } | undefined)?.data);
    kube.emulator.resetRequests();
    s.topology.confluent.resetRequests();
    const spec = (name: string) => ({
      name,
      from: PRIMARY,
      to: SECONDARY,
      workflow: '.github/workflows/proxy-failover.yml',
      inputs: { target: SECONDARY, config, 'mirror-topics': topic },
      sourceReachable: true,
    });
    const first = await s.runSwitch(spec('failover'));
    const kubeWrites = mutatingKube(kube.emulator.requests());
    const confluentWrites = mutatingConfluent(s.topology.confluent.requests());
    const checks: Check[] = [];
    const info = FAULT_INFO[fault];
    const stoppedAt = allJobs(first.workflow).find((j) => j.result === 'failure' && !j.workflow && !j.path.endsWith('report'));
    checks.push({
      name: `${fault}: the switch stops in the ${info.stopsIn} step`,
      ok: first.conclusion === 'failure' && stoppedAt !== undefined && stoppedAt.path.split(' / ').at(-1)!.startsWith(info.stopsIn),
      detail: `conclusion ${first.conclusion}; first failed job: ${stoppedAt?.path ?? 'none'}`,
    });
    const report = first.workflow.summary;
    if (info.stopsIn !== 'clients') {
      checks.push({
        name: `${fault}: nothing mutating reached either emulator`,
        ok: kubeWrites.length === 0 && confluentWrites.length === 0,
        detail:
          kubeWrites.length + confluentWrites.length === 0
            ? 'no write to Kubernetes or Confluent (only reads, dry runs and access reviews)'
            : [...kubeWrites, ...confluentWrites].join('; '),
      });
      const mirrorAfter = s.topology.confluent.mirrorState(SECONDARY, 'dr-link', topic)?.status;
      const configAfter = JSON.stringify((kube.emulator.get('ConfigMap', s.topology.namespace, 'kafka-proxy-config') as { data?: unknown } | undefined)?.data);
      const off = first.measures.clients.offTarget.filter((c) => c.cluster === PRIMARY).length;
      checks.push({
        name: `${fault}: the mirror still mirrors and every client stays on ${PRIMARY}`,
        ok: mirrorAfter === mirrorBefore && configAfter === configBefore && off === first.measures.clients.producers + first.measures.clients.consumers,
        detail: `mirror on ${SECONDARY}: ${mirrorBefore} → ${mirrorAfter}; ConfigMap ${configAfter === configBefore ? 'unchanged' : 'changed'}; ${off} client pods on ${PRIMARY}`,
      });
      checks.push({
        name: `${fault}: the report says nothing was changed`,
        ok: report.includes('Nothing was changed anywhere'),
        detail: firstLine(report),
      });
    } else {
      const said = [`writable on ${SECONDARY}`, "Fix the cause named in the job 'Move client group proxy'", 'run the same workflow again'];
      const missing = said.filter((p) => !report.includes(p));
      checks.push({
        name: `${fault}: the report states where things stand and the next step`,
        ok: missing.length === 0 && report.includes('CrashLoopBackOff'),
        detail: missing.length ? `missing: ${missing.join('; ')}` : firstLine(report),
      });
    }

    await fix();
    const rerun = await s.runSwitch({ ...spec('failover (re-run)'), inputs: { target: SECONDARY, config, 'mirror-topics': topic } });
    checks.push(...phaseChecks(rerun));
    const final = await s.drain(SECONDARY);
    checks.push(...finalChecks(s.scenario, final, [rerun]));
    const result = s.result(final);
    const everything = [
      JSON.stringify(
        s.phases.map((p) => ({ jobs: allJobs(p.workflow), annotations: p.workflow.annotations, summary: p.workflow.summary, outputs: p.workflow.outputs })),
      ),
    ].join('\n');
    const leaked = s.topology.secretValues.filter((v) => v.length >= 8 && everything.includes(v));
    checks.push({
      name: `${fault}: no secret in any log, summary or report`,
      ok: leaked.length === 0,
      detail: leaked.length
        ? `${leaked.length} secret value(s) appear in the runs' output`
        : `none of the ${s.topology.secretValues.length} secret values appears`,
    });
    return { ...result, title: `failure drill ${fault}: ${info.what}`, checks, passed: checks.every((c) => c.ok), fault, firstPrinted: firstPrintedOf(first) };
  } catch (err) {
    const at = Date.now();
    const result = session?.result(undefined, (err as Error).message);
    return {
      ...(result ?? {
        scenario: { pattern: 'active-passive', style: 'proxy', mode: 'planned' },
        title: fault,
        startedAt: at,
        finishedAt: at,
        phases: [],
        timeline: { start: at, end: at, bars: [], marks: [] },
        timing: options.timing,
      }),
      title: `failure drill ${fault}`,
      checks: [{ name: `${fault}: drill ran to the end`, ok: false, detail: (err as Error).message }],
      passed: false,
      error: (err as Error).message,
      fault,
    };
  } finally {
    await session?.close();
    rmSync(full, { recursive: true, force: true });
  }
}

/** The first error the run printed: the failing step's `::error::` line. */
function firstPrintedOf(phase: PhaseResult): string | undefined {
  const error = phase.workflow.annotations.find((a) => a.level === 'error');
  // The error line and, for a list of problems, the first of them.
  return error ? `${error.job}: ${error.message.split('\n').slice(0, 2).join(' ')}` : firstFailure(phase.workflow);
}

function firstLine(markdown: string): string {
  return markdown.split('\n').find((l) => l.startsWith('## ')) ?? markdown.split('\n')[0];
}

/** docs/rbac/ccloud-dr-role.yaml in `namespace`, bound to `username`, whole and without one verb. */
function roleWithout(workspace: string, namespace: string, username: string, drop: { resource: string; verb: string }): { whole: object[]; broken: object[] } {
  const docs = parseAllDocuments(readFileSync(join(workspace, 'docs/rbac/ccloud-dr-role.yaml'), 'utf8')).map(
    (d) => d.toJS() as { kind: string; metadata: { namespace?: string }; rules?: Array<{ resources: string[]; verbs: string[] }>; subjects?: unknown[] },
  );
  const [, saNamespace, saName] = /^system:serviceaccount:([^:]+):(.+)$/.exec(username)!;
  const whole = docs.map((d) => ({
    ...d,
    metadata: { ...d.metadata, namespace },
    ...(d.kind === 'RoleBinding' ? { subjects: [{ kind: 'ServiceAccount', name: saName, namespace: saNamespace }] } : {}),
  }));
  const broken = whole.map((d) =>
    d.kind === 'Role'
      ? {
          ...d,
          rules: d.rules!.map((r) => (r.resources.includes(drop.resource) ? { ...r, verbs: r.verbs.filter((v) => v !== drop.verb) } : r)),
        }
      : d,
  );
  return { whole, broken };
}
