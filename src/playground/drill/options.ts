/**
 * What a drill runs (scenarios) and how fast the playground world moves (timing), with the command-line
 * parser of `npm run drill`. Pure: no emulator, no I/O.
 */
import { parseArgs } from 'node:util';

export const PATTERNS = ['active-passive', 'active-active'] as const;
export const STYLES = ['proxy', 'noproxy'] as const;
/** `--style` also takes `both`: the proxy and the no-proxy client groups at once, in their two namespaces. */
export const STYLE_CHOICES = [...STYLES, 'both'] as const;
export const MODES = ['planned', 'unplanned'] as const;

/**
 * active-passive: topics live on the primary and are mirrored under the same name on the DR cluster over a
 * bidirectional link; a switch fails the mirrors over (or reverses them). active-active: each cluster owns its
 * topics and mirrors the other's with a prefix; a switch moves only the clients.
 */
export type Pattern = (typeof PATTERNS)[number];
/** proxy: one kafka-proxy-config moves both sidecars; noproxy: each client's own ConfigMap; both: both groups at once. */
export type Style = (typeof STYLE_CHOICES)[number];
/** planned: the source stays up (reverse); unplanned: the source becomes unreachable first (failover). */
export type Mode = (typeof MODES)[number];

/** One drill: fail over from the primary to the secondary, hold, fail back. */
export interface Scenario {
  pattern: Pattern;
  style: Style;
  mode: Mode;
}

/** The scenario `npm run drill` runs without options: the primary becomes unreachable, with proxy clients. */
export const DEFAULT_SCENARIO: Scenario = { pattern: 'active-passive', style: 'proxy', mode: 'unplanned' };

/** A short, file-name-safe name, e.g. `active-passive-proxy-unplanned`. */
export function scenarioSlug(s: Scenario): string {
  return `${s.pattern}-${s.style}-${s.mode}`;
}

/** What runs Kubernetes: the project's emulator (default), or the real local control plane (src/playground/real/kube). */
export const KUBE_CHOICES = ['emulator', 'real'] as const;
export type KubeChoice = (typeof KUBE_CHOICES)[number];

/** What runs Kafka: the Confluent emulator's own data plane (default), or two real Apache Kafka clusters (src/playground/real/kafka). */
export const KAFKA_CHOICES = ['emulator', 'real'] as const;
export type KafkaChoice = (typeof KAFKA_CHOICES)[number];

/** A readable title, e.g. `active-passive, proxy clients, unplanned outage`. */
export function scenarioTitle(s: Scenario): string {
  const clients = s.style === 'both' ? 'proxy and no-proxy clients in two namespaces' : `${s.style} clients`;
  return `${s.pattern}, ${clients}, ${s.mode === 'planned' ? 'planned switchover' : 'unplanned outage'}`;
}

/** How fast the playground world moves. Every delay here is injected by the emulators or the simulated clients. */
export interface Timing {
  /** Confluent: a produced record reaches its mirrors this much later. */
  replicationDelayMs: number;
  /** Confluent: how long PENDING_* mirror states last. */
  transitionMs: number;
  /** Kubernetes: a started pod becomes ready this much later. */
  podReadyDelayMs: number;
  /** Kubernetes: the controllers' (and Reloader's) queue tick. */
  kubeTickMs: number;
  /** Cluster links: `consumer.offset.sync.ms` (30 s on Confluent Cloud; shorter here, see the README). */
  offsetSyncMs: number;
  /** Partitions of each drill topic. */
  partitions: number;
  /** Concurrent users calling the producer service (10, a small load test). */
  users: number;
  /** Each user sends one record, waits for its acknowledgement, then waits this long. */
  userIntervalMs: number;
  /** A consumer polls every this many ms. */
  pollMs: number;
  /** A failed send is retried after this long (the producer's retry.backoff.ms). */
  retryBackoffMs: number;
  /** Traffic before the first switch. */
  warmupMs: number;
  /** Time on the secondary between failover and failback (the outage ends at its start). */
  holdMs: number;
  /** Wait after each switch before measuring, so records in flight are replicated and consumed. */
  settleMs: number;
  /** Longest wait for consumers to catch up at the end. */
  drainMs: number;
  /** Longest wait for the first pods to come up. */
  startupTimeoutMs: number;
  /**
   * The runner's minute, so `timeout-minutes` is a watchdog scaled to the playground (dr-switch's 30-minute job
   * timeout becomes 30 x minuteMs). It only matters when something hangs.
   */
  minuteMs: number;
}

/** `npm run drill`: readable rates, every scenario well under 2 minutes. */
export const DEFAULT_TIMING: Timing = {
  replicationDelayMs: 100,
  transitionMs: 100,
  podReadyDelayMs: 200,
  kubeTickMs: 10,
  offsetSyncMs: 100,
  partitions: 3,
  users: 10,
  userIntervalMs: 50,
  pollMs: 25,
  retryBackoffMs: 25,
  warmupMs: 1000,
  holdMs: 1500,
  settleMs: 500,
  drainMs: 5000,
  startupTimeoutMs: 15_000,
  minuteMs: 3000,
};

/**
 * With `--kube real` the controllers are real ones on a shared 2-core machine: the first pods take seconds, not
 * milliseconds (the binaries start cold), and a rollout a few seconds; the waits grow accordingly.
 */
export const REAL_KUBE_TIMING: Partial<Timing> = { startupTimeoutMs: 90_000, settleMs: 1500, minuteMs: 10_000 };

/**
 * With `--kafka real` the clients are kafkajs clients of real brokers: a consumer joins its group in seconds (a
 * rebalance), a record takes milliseconds, and offset sync is a round of admin calls. The link's replication delay
 * stays the default's; the waits grow.
 */
export const REAL_KAFKA_TIMING: Partial<Timing> = {
  offsetSyncMs: 1000,
  users: 5,
  userIntervalMs: 100,
  retryBackoffMs: 200,
  warmupMs: 3000,
  holdMs: 3000,
  settleMs: 10_000,
  drainMs: 30_000,
  startupTimeoutMs: 90_000,
  minuteMs: 10_000,
};

/** The failure drills of `--fault` (faults.ts). */
export const FAULTS = ['bad-manifest', 'missing-object', 'missing-permission', 'missing-secret', 'bad-link', 'crash-loop', 'source-down'] as const;
export type FaultName = (typeof FAULTS)[number];

/** Parsed command line of `npm run drill`. */
export interface DrillCommand {
  scenarios: Scenario[];
  /** `--fault`: failure drills to run instead of the scenarios. */
  faults: FaultName[];
  timing: Timing;
  /** `--kube`: emulator (default) or real. */
  kube: KubeChoice;
  /** `--kafka`: emulator (default) or real. */
  kafka: KafkaChoice;
  /** Directory for report.md and the SVG timelines (default `.drill`). */
  out: string;
  help: boolean;
}

/** A command-line mistake: the message names the option, the value and what is accepted. */
export class DrillUsageError extends Error {
  override name = 'DrillUsageError';
}

export const USAGE = `Usage: npm run drill [-- options]

Runs DR drills on the local playground: the Confluent and Kubernetes emulators, simulated producers and
consumers, and this repository's failover/failback workflows run by the local runner.

  (no options)            ${scenarioTitle(DEFAULT_SCENARIO)}
  --all                   every pattern x style x mode (8 drills)
  --pattern <p>[,<p>]     active-passive, active-active or all
  --style <s>[,<s>]       proxy, noproxy, both (the two client groups at once, in two namespaces) or all
  --mode <m>[,<m>]        planned, unplanned or all
  --users <n>             concurrent producer users (default ${DEFAULT_TIMING.users})
  --interval <ms>         pause of each user between records (default ${DEFAULT_TIMING.userIntervalMs})
  --hold <ms>             time on the secondary before failing back (default ${DEFAULT_TIMING.holdMs})
  --kube <k>              emulator (default) or real: the real local Kubernetes control plane
                          (kube-apiserver, controllers, scheduler, kwok nodes; built by tools/kube/build.sh),
                          with Stakater Reloader from RELOADER_BIN or else the Reloader stand-in
  --kafka <k>             emulator (default) or real: two Apache Kafka clusters (tools/kafka/build.sh)
                          under the Confluent emulator's REST control plane, with kafkajs clients
  --fault <f>[,<f>]       failure drills instead: ${FAULTS.join(', ')} or all. Each passes
                          only when the suite behaved safely (refused before any change, or
                          reported where things stand and completed on a re-run after the fix)
  --out <dir>             where report.md and the timeline SVGs go (default .drill)
  --help                  this text

Exit code 0 when every drill passed its checks, 1 when one failed, 2 for a usage error.`;

function pick<T extends string>(option: string, values: readonly T[], given: string | undefined, fallback: T): T[] {
  if (given === undefined) return [fallback];
  const parts = given
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.includes('all')) return [...values];
  const unknown = parts.filter((p) => !values.includes(p as T));
  if (unknown.length || parts.length === 0) throw new DrillUsageError(`--${option} '${given}' is not one of ${values.join(', ')} or all.`);
  return [...new Set(parts as T[])];
}

function count(option: string, given: string | undefined, fallback: number, min: number, max: number): number {
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!/^\d+$/.test(given) || value < min || value > max) throw new DrillUsageError(`--${option} '${given}' is not a whole number from ${min} to ${max}.`);
  return value;
}

/** Parses `npm run drill` arguments; throws DrillUsageError naming the bad option. */
export function parseDrillArgs(argv: string[]): DrillCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        all: { type: 'boolean' },
        pattern: { type: 'string' },
        style: { type: 'string' },
        mode: { type: 'string' },
        users: { type: 'string' },
        interval: { type: 'string' },
        hold: { type: 'string' },
        out: { type: 'string' },
        kube: { type: 'string' },
        kafka: { type: 'string' },
        fault: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new DrillUsageError(`${(err as Error).message}. See --help.`);
  }
  const v = parsed.values;
  const all = v.all === true;
  const patterns = pick('pattern', PATTERNS, v.pattern ?? (all ? 'all' : undefined), DEFAULT_SCENARIO.pattern);
  // `all` is the two styles of the 8-drill matrix; `both` is asked for by name.
  const styles =
    v.style !== undefined && !v.style.split(',').includes('all')
      ? pick('style', STYLE_CHOICES, v.style, DEFAULT_SCENARIO.style)
      : pick('style', STYLES, v.style ?? (all ? 'all' : undefined), DEFAULT_SCENARIO.style);
  const modes = pick('mode', MODES, v.mode ?? (all ? 'all' : undefined), DEFAULT_SCENARIO.mode);
  const scenarios = patterns.flatMap((pattern) => styles.flatMap((style) => modes.map((mode) => ({ pattern, style, mode }))));
  const kube = pick('kube', KUBE_CHOICES, v.kube, 'emulator');
  if (kube.length !== 1) throw new DrillUsageError(`--kube '${v.kube}' must be one of ${KUBE_CHOICES.join(', ')}.`);
  const kafka = pick('kafka', KAFKA_CHOICES, v.kafka, 'emulator');
  if (kafka.length !== 1) throw new DrillUsageError(`--kafka '${v.kafka}' must be one of ${KAFKA_CHOICES.join(', ')}.`);
  const base: Timing = {
    ...DEFAULT_TIMING,
    ...(kube[0] === 'real' ? REAL_KUBE_TIMING : {}),
    ...(kafka[0] === 'real' ? REAL_KAFKA_TIMING : {}),
  };
  const timing: Timing = {
    ...base,
    users: count('users', v.users, base.users, 1, 100),
    userIntervalMs: count('interval', v.interval, base.userIntervalMs, 5, 10_000),
    holdMs: count('hold', v.hold, base.holdMs, 0, 600_000),
  };
  const faults = v.fault === undefined ? [] : pick('fault', FAULTS, v.fault, FAULTS[0]);
  if (faults.length && kafka[0] === 'real') throw new DrillUsageError('--fault runs on the Confluent emulator; leave out --kafka real.');
  if (faults.length && kube[0] === 'real')
    throw new DrillUsageError('--fault runs on the Kubernetes emulator (it steers pods and identities); leave out --kube real.');
  if (faults.length && (v.all || v.pattern || v.style || v.mode))
    throw new DrillUsageError('--fault runs its own drill (active-passive, proxy clients); leave out --all, --pattern, --style and --mode.');
  return { scenarios, faults, timing, kube: kube[0], kafka: kafka[0], out: v.out ?? '.drill', help: v.help === true };
}
