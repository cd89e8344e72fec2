import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type KafkaConfig } from './kafkajs.js';
import { Component, freePort, OWNER_FILE, removeStaleDirs, runBuildScript, waitFor } from '../kube/processes.js';
import { clientAcls, waitForAcls } from './acls.js';
import { clusterUsers, log4j2Properties, serverProperties, type ClusterUsers, type KafkaUser, type NodePorts } from './config.js';
import { KafkaProxy } from './proxy.js';

/** Options of startRealKafka. */
export interface RealKafkaOptions {
  /** Folder of the Kafka jars (default: the one `tools/kafka/build.sh --print-lib-dir` names, built when needed). */
  libDir?: string;
  /** Run `tools/kafka/build.sh` first (default true: a warm run returns at once; false fails when the jars are missing). */
  build?: boolean;
  /** Names of the clusters (default north, west). */
  names?: string[];
  /**
   * Put a switchable TCP proxy (proxy.ts) in front of each cluster's client listener (default true). The broker
   * advertises the proxy's address, so clients stay behind it and `cluster.proxy` can make a cluster unreachable.
   */
  proxy?: boolean;
  /** Java heap of each broker, in MiB (default 512). */
  heapMb?: number;
  /** Deadline of each step: a tool run, a broker's port, its first answer (default 90 s: two JVMs on 2 busy cores). */
  readyTimeoutMs?: number;
  /** SIGTERM first; SIGKILL if a broker is still running this long after (default 15 s). */
  stopGraceMs?: number;
  /** Keep the logs folder after stop() (default false: the whole temp folder is removed). */
  keepLogs?: boolean;
  /** The java binary (default `$JAVA_HOME/bin/java`, else `java` on PATH). */
  java?: string;
  /** Progress lines (default: console.log with a `real kafka:` prefix). */
  log?: (line: string) => void;
}

/** One started single-node KRaft cluster (broker and controller in one JVM). */
export interface RealKafkaCluster {
  readonly name: string;
  /** The id `kafka-storage random-uuid` gave it. */
  readonly clusterId: string;
  /** What clients use: `127.0.0.1:PORT` of the proxy (or of the client listener without proxy). */
  readonly bootstrap: string;
  /** The broker's client listener itself (SASL/PLAIN); the proxy forwards to it. */
  readonly listener: string;
  /** The broker's INTERNAL listener (SASL/PLAIN, only the admin user is useful on it): never proxied, for the harness. */
  readonly internal: string;
  /** The CONTROLLER listener (controller.quorum.bootstrap.servers). */
  readonly controller: string;
  /** The two API-key users (SASL/PLAIN username and password). */
  readonly users: { operator: KafkaUser; app: KafkaUser };
  /** The broker's own super user: no ACL applies to it. */
  readonly admin: KafkaUser;
  /** `<tmp>/logs/<name>`: server.log, authorizer.log, storage.log, log4j2.properties. */
  readonly logDir: string;
  readonly pid: number | undefined;
  /** The proxy in front of `listener`, when `proxy` is on. */
  readonly proxy: KafkaProxy | undefined;
}

/** Started clusters. */
export interface RealKafka {
  readonly clusters: RealKafkaCluster[];
  /** The cluster of that name; throws naming the known ones otherwise. */
  cluster(name: string): RealKafkaCluster;
  /** `<tmp>/logs`, one folder per cluster. */
  readonly logDir: string;
  readonly libDir: string;
  /** Milliseconds from the call (a tools/kafka/build.sh run included) until every cluster answered and its ACLs were in place. */
  readonly startMs: number;
  stop(): Promise<void>;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILD_SCRIPT = join(REPO, 'tools/kafka/build.sh');
export const TMP_PREFIX = 'real-kafka-';

/** The lib folder build.sh writes to (kafka/<version>/lib under the cache). */
export function defaultLibDir(): string {
  const out = spawnSync('bash', [BUILD_SCRIPT, '--print-lib-dir'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${BUILD_SCRIPT} --print-lib-dir failed: ${out.stderr}`);
  return out.stdout.trim();
}

/** A kafkajs configuration for one user of a cluster, through `bootstrap` (the proxy); kafkajs's own logging off unless overridden. */
export function kafkaConfig(cluster: RealKafkaCluster, user: 'operator' | 'app' | 'admin', overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  const { username, password } = user === 'admin' ? cluster.admin : cluster.users[user];
  return {
    clientId: `real-kafka-${cluster.name}-${user}`,
    brokers: [cluster.bootstrap],
    sasl: { mechanism: 'plain', username, password },
    logLevel: logLevel.NOTHING,
    ...overrides,
  };
}

/** True when 127.0.0.1:port accepts a TCP connection within `timeoutMs`. */
function accepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `count` free loopback ports, distinct from each other and from `taken`, which grows by them. */
async function freePorts(count: number, taken: Set<number>): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (taken.has(port)) continue;
    taken.add(port);
    ports.push(port);
  }
  return ports;
}

function javaBinary(options: RealKafkaOptions): string {
  if (options.java) return options.java;
  const home = process.env.JAVA_HOME;
  if (home && existsSync(join(home, 'bin/java'))) return join(home, 'bin/java');
  return 'java';
}

/** Thrown by a step of one cluster; carries the component whose log tail explains it. */
class StepError extends Error {
  constructor(
    message: string,
    readonly component: Component,
  ) {
    super(message);
  }
}

/**
 * Starts `names` (default north and west) as single-node KRaft clusters on 127.0.0.1, in parallel, every port
 * chosen free at start: formats each one's storage with `kafka-storage` (random-uuid, then format --standalone),
 * starts `kafka.Kafka`, waits (bounded) until its port accepts and a kafkajs admin's describeCluster answers
 * through the client address, then grants the operator and app users their ACLs and waits until the
 * authorizer shows them. On failure prints the tail of that component's log, stops everything and rejects.
 */
export async function startRealKafka(options: RealKafkaOptions = {}): Promise<RealKafka> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(`real kafka: ${line}`));
  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const graceMs = options.stopGraceMs ?? 15_000;
  const heapMb = options.heapMb ?? 512;
  const names = options.names ?? ['north', 'west'];
  if (names.length === 0 || new Set(names).size !== names.length || names.some((n) => !/^[a-z][a-z0-9-]*$/.test(n))) {
    throw new Error(`names must be distinct lower-case words, got ${JSON.stringify(names)}`);
  }
  const java = javaBinary(options);
  const javaCheck = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (javaCheck.status !== 0)
    throw new Error(`'${java} -version' failed (${javaCheck.error?.message ?? javaCheck.stderr}): install a JDK 17+ or set JAVA_HOME`);

  let libDir = options.libDir;
  if (!libDir) {
    libDir = defaultLibDir();
    if (options.build !== false) await runBuildScript(BUILD_SCRIPT, log);
  }
  if (!readdirSafe(libDir).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) throw new Error(`no Kafka jars in ${libDir}: run 'bash tools/kafka/build.sh'`);
  const classPath = join(libDir, '*');

  removeStaleDirs(TMP_PREFIX, log);
  const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  log(`logs in ${logDir}`);

  const components: Component[] = [];
  const brokers: Component[] = [];
  const proxies: KafkaProxy[] = [];
  let stopped = false;
  /** Set by the first cluster that fails: the others stop starting things. */
  let aborted = false;
  let keepLogs = options.keepLogs ?? false;
  const killAll = () => {
    for (const c of components) c.kill();
  };
  process.once('exit', killAll);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      components.map(async (c) => {
        const running = !c.exit;
        const t = Date.now();
        await c.stop(graceMs);
        // How each broker ended: a JVM that ran its shutdown hooks on SIGTERM exits with code 143.
        if (running && brokers.includes(c)) {
          const { code, signal } = c.exit ?? { code: null, signal: null };
          log(`${c.name}: stopped in ${Date.now() - t} ms (${signal ? `signal ${signal}` : `exit code ${code}`})`);
        }
      }),
    );
    await Promise.all(proxies.map((p) => p.close()));
    process.removeListener('exit', killAll);
    if (keepLogs) {
      // Only the logs stay (the data and server.properties with its passwords go); without owner.pid a later start leaves the folder alone.
      for (const entry of readdirSafe(dir)) if (entry !== 'logs') rmSync(join(dir, entry), { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const javaComponent = (name: string, jvm: string[], mainClass: string, args: string[], logPath: string) => {
    if (aborted || stopped) throw new Error(`${name}: not started, the launcher is stopping`);
    const c = new Component(name, java, [...jvm, '-cp', classPath, mainClass, ...args], logPath);
    components.push(c);
    return c;
  };

  /** Runs a Kafka tool to its end; rejects with its log tail when it fails or outlives the deadline. */
  const runTool = async (name: string, mainClass: string, args: string[], logPath: string, log4j?: string): Promise<Component> => {
    const jvm = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
    if (log4j) jvm.push(`-Dlog4j2.configurationFile=${log4j}`);
    const c = javaComponent(name, jvm, mainClass, args, logPath);
    const timer = setTimeout(() => c.kill(), timeoutMs);
    const { code, signal } = await c.exited;
    clearTimeout(timer);
    if (code !== 0) throw new StepError(`${name} ${signal ? `was killed (${signal}) after ${timeoutMs} ms` : `exited with code ${code}`}`, c);
    return c;
  };

  const taken = new Set<number>();
  /**
   * Every cluster's ports, one cluster after the other before any starts: each proxy listens at once (its port
   * is then taken), and the brokers' ports are distinct across clusters, so two brokers never race for one.
   */
  const allocate = async (name: string): Promise<{ ports: NodePorts; proxy: KafkaProxy | undefined }> => {
    let proxy: KafkaProxy | undefined;
    if (options.proxy !== false) {
      proxy = await KafkaProxy.start(name);
      proxies.push(proxy);
      taken.add(proxy.port);
    }
    const [client, internal, controller] = await freePorts(3, taken);
    proxy?.setTarget({ host: '127.0.0.1', port: client });
    return { ports: { client, internal, controller, advertised: proxy?.port ?? client }, proxy };
  };

  const startCluster = async (name: string, index: number, ports: NodePorts, proxy: KafkaProxy | undefined): Promise<RealKafkaCluster> => {
    const t0 = Date.now();
    const home = join(dir, name);
    const dataDir = join(home, 'data');
    const clusterLogDir = join(logDir, name);
    for (const d of [home, dataDir, clusterLogDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
    const users: ClusterUsers = clusterUsers();
    const { client, internal, controller } = ports;
    const propertiesPath = join(home, 'server.properties');
    writeFileSync(propertiesPath, serverProperties({ nodeId: index + 1, ports, dataDir, users }), { mode: 0o600 });
    const log4j = join(clusterLogDir, 'log4j2.properties');
    writeFileSync(log4j, log4j2Properties(join(clusterLogDir, 'authorizer.log')));

    // kafka-storage random-uuid, then format --standalone: a single-node dynamic quorum.
    const storageLog = join(clusterLogDir, 'storage.log');
    const uuidTool = await runTool(`${name} kafka-storage random-uuid`, 'kafka.tools.StorageTool', ['random-uuid'], storageLog);
    const clusterId = [...uuidTool.tail(20).matchAll(/^([A-Za-z0-9_-]{22})$/gm)].at(-1)?.[1];
    if (!clusterId) throw new StepError(`${name}: kafka-storage random-uuid printed no cluster id`, uuidTool);
    await runTool(
      `${name} kafka-storage format`,
      'kafka.tools.StorageTool',
      ['format', '--standalone', '-t', clusterId, '-c', propertiesPath],
      storageLog,
      log4j,
    );
    log(`${name}: storage formatted, cluster id ${clusterId} (${Date.now() - t0} ms)`);

    const broker = javaComponent(
      name,
      [
        `-Xmx${heapMb}m`,
        `-Xms${Math.min(heapMb, 128)}m`,
        // A playground broker moves a few thousand records: the client compiler alone and one GC thread
        // halve the CPU a start takes on a small shared machine (measured: about 3 s instead of 6 s).
        '-XX:TieredStopAtLevel=1',
        '-XX:+UseSerialGC',
        '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4j}`,
      ],
      'kafka.Kafka',
      [propertiesPath],
      join(clusterLogDir, 'server.log'),
    );
    brokers.push(broker);
    const cluster: RealKafkaCluster = {
      name,
      clusterId,
      bootstrap: `127.0.0.1:${ports.advertised}`,
      listener: `127.0.0.1:${client}`,
      internal: `127.0.0.1:${internal}`,
      controller: `127.0.0.1:${controller}`,
      users: { operator: users.operator, app: users.app },
      admin: users.admin,
      logDir: clusterLogDir,
      pid: broker.pid,
      proxy,
    };
    try {
      await waitFor(`${name} client listener ${cluster.listener}`, () => accepts(client), { timeoutMs, intervalMs: 200, component: broker });
      // The first answer through the address clients use: SASL works and the broker advertises that address.
      await waitFor(
        `${name} describeCluster through ${cluster.bootstrap}`,
        async () => {
          const admin = new Kafka(kafkaConfig(cluster, 'admin', { retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 5000 })).admin();
          try {
            await admin.connect();
            const described = await admin.describeCluster();
            const advertised = described.brokers.map((b) => `${b.host}:${b.port}`);
            if (described.clusterId !== clusterId || advertised.join() !== cluster.bootstrap) {
              throw new Error(`unexpected cluster ${described.clusterId} advertising ${advertised.join()}`);
            }
            return true;
          } finally {
            await admin.disconnect();
          }
        },
        { timeoutMs, intervalMs: 250, component: broker },
      );
      log(`${name}: broker ready at ${cluster.bootstrap} (${Date.now() - t0} ms)`);

      const admin = new Kafka(kafkaConfig(cluster, 'admin', { brokers: [cluster.internal] })).admin();
      try {
        await admin.connect();
        const acls = clientAcls(users);
        await admin.createAcls({ acl: acls });
        await waitForAcls(admin, acls, timeoutMs);
      } finally {
        await admin.disconnect();
      }
    } catch (err) {
      if (err instanceof StepError) throw err;
      throw new StepError((err as Error).message, broker);
    }
    log(`${name}: ACLs of the operator and app users in place (${Date.now() - t0} ms)`);
    return cluster;
  };

  try {
    const allocated: Array<{ ports: NodePorts; proxy: KafkaProxy | undefined }> = [];
    for (const name of names) allocated.push(await allocate(name));
    let firstFailure: Error | undefined;
    const settled = await Promise.allSettled(
      names.map(async (name, i) => {
        try {
          return await startCluster(name, i, allocated[i].ports, allocated[i].proxy);
        } catch (err) {
          // The first failure is the one to explain; killing the rest makes their waits end at once.
          if (!firstFailure) {
            firstFailure = err as Error;
            aborted = true;
            if (err instanceof StepError) log(`${err.message}\n--- last lines of ${err.component.logPath}:\n${err.component.tail(40)}\n---`);
            else log(`${name}: start failed: ${(err as Error).message}`);
            killAll();
          }
          throw err;
        }
      }),
    );
    if (firstFailure) throw firstFailure;
    const clusters = settled.map((s) => (s as PromiseFulfilledResult<RealKafkaCluster>).value);
    const startMs = Date.now() - started;
    return {
      clusters,
      cluster(name: string) {
        const found = clusters.find((c) => c.name === name);
        if (!found) throw new Error(`no cluster '${name}' (have ${clusters.map((c) => c.name).join(', ')})`);
        return found;
      },
      logDir,
      libDir,
      startMs,
      stop,
    };
  } catch (err) {
    keepLogs = true;
    await stop();
    log(`logs kept in ${logDir}`);
    throw err;
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
