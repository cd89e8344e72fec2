/**
 * How the real Kafka launcher starts, fails and ends: a broker that cannot start, the CLI stopped with
 * Ctrl-C (SIGINT), and the CLI killed outright (SIGKILL), where only setpriv's parent-death signal can
 * take the JVMs down. One cluster each, to keep the machine free.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaConfig, startRealKafka, TMP_PREFIX } from '../../src/playground/real/kafka/index.js';
import { removeStaleDirs } from '../../src/playground/real/kube/processes.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { alive, processesMentioning, until } from './helpers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The CLI as `npm run real:kafka` runs it, without npm and tsx's wrapper process in between. */
function startCli(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/playground/real/kafka/cli.ts', ...args], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c.toString()));
  child.stderr!.on('data', (c) => (out += c.toString()));
  return { child, output: () => out };
}

async function ready(cli: { child: ChildProcess; output: () => string }): Promise<{ tmp: string; javaPids: number[] }> {
  await until(
    'CLI ready',
    () => {
      if (cli.child.exitCode !== null) throw new Error(`CLI exited ${cli.child.exitCode}:\n${cli.output()}`);
      return cli.output().includes('Ready. Press Ctrl-C to stop.') ? true : undefined;
    },
    300_000,
  );
  const logs = /real kafka: logs in (\S+)\/logs\n/.exec(cli.output());
  expect(logs).not.toBeNull();
  const tmp = logs![1];
  // The brokers: `java ... kafka.Kafka <tmp>/<name>/server.properties` (the storage tool runs are over).
  const javaPids = processesMentioning(tmp)
    .filter((l) => l.split(/\s+/)[1] === 'java' && l.includes(' kafka.Kafka '))
    .map((l) => Number(l.split(/\s+/)[0]));
  return { tmp, javaPids };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
}

function connectError(address: string): Promise<string | undefined> {
  const [host, port] = address.split(':');
  return new Promise((r) => {
    const s = connect({ host, port: Number(port) });
    s.once('connect', () => {
      s.destroy();
      r(undefined);
    });
    s.once('error', (err: NodeJS.ErrnoException) => r(err.code));
  });
}

describe('real Kafka launcher lifecycle', () => {
  it('a broker that cannot start: rejects naming it, prints the tail of its log, keeps only the logs, leaves no process', async () => {
    const progress: string[] = [];
    // A 1 MiB heap: the JVM refuses to start, after the storage was formatted.
    const error = await startRealKafka({ names: ['broken'], heapMb: 1, log: (l) => progress.push(l) }).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(error).toMatch(/^broken client listener 127\.0\.0\.1:\d+: broken exited \(code 1\)$/);
    const text = progress.join('\n');
    expect(text).toContain('broken: storage formatted');
    const logDir = /logs kept in (\S+)/.exec(text)?.[1];
    expect(logDir).toBeDefined();
    expect(text).toContain(`--- last lines of ${join(logDir!, 'broken', 'server.log')}:`);
    expect(text).toMatch(/Too small (maximum|initial) heap/);
    const tmp = dirname(logDir!);
    try {
      expect(processesMentioning(tmp)).toEqual([]);
      // The data and server.properties (with the SASL passwords) are gone; the logs stay for the reader.
      expect(readdirSync(tmp)).toEqual(['logs']);
      expect(readdirSync(join(logDir!, 'broken')).sort()).toEqual(['authorizer.log', 'log4j2.properties', 'server.log', 'storage.log']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('without a proxy: clients use the broker listener itself, which the broker advertises', async () => {
    const kafka = await startRealKafka({ names: ['direct'], proxy: false, log: () => undefined });
    try {
      const [cluster] = kafka.clusters;
      expect(cluster.proxy).toBeUndefined();
      expect(cluster.bootstrap).toBe(cluster.listener);
      const admin = new Kafka(kafkaConfig(cluster, 'operator')).admin();
      await admin.connect();
      try {
        const described = await admin.describeCluster();
        expect(described.clusterId).toBe(cluster.clusterId);
        expect(described.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([cluster.listener]);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await kafka.stop();
    }
    expect(processesMentioning(dirname(kafka.logDir))).toEqual([]);
  });

  it('the CLI prints bootstrap and credentials, switches the proxy from standard input, and stops cleanly on Ctrl-C', async () => {
    const cli = startCli(['--names', 'solo']);
    try {
      const { tmp, javaPids } = await ready(cli);
      const out = cli.output();
      const bootstrap = /^bootstrap\s+(127\.0\.0\.1:\d+) \(proxy to the broker at 127\.0\.0\.1:\d+\)$/m.exec(out)?.[1];
      expect(bootstrap).toBeDefined();
      expect(out).toMatch(/^operator\s+[A-Z0-9]{16} \/ \S{64} /m);
      expect(out).toMatch(/^app\s+[A-Z0-9]{16} \/ \S{64} /m);
      expect(out).toContain(`bootstrap.servers=${bootstrap}`);
      expect(javaPids).toHaveLength(1);

      cli.child.stdin!.write('solo refuse\n');
      await until('proxy refusing', () => (cli.output().includes('real kafka: solo refuse\n') ? true : undefined), 10_000);
      expect(await connectError(bootstrap!)).toBe('ECONNREFUSED');
      cli.child.stdin!.write('solo forward\n');
      await until('proxy forwarding', () => (cli.output().includes('real kafka: solo forward\n') ? true : undefined), 10_000);
      expect(await connectError(bootstrap!)).toBeUndefined();

      cli.child.kill('SIGINT');
      expect(await exited(cli.child)).toEqual({ code: 0, signal: null });
      expect(cli.output()).toMatch(/real kafka: stopping\.\.\.\nreal kafka: solo: stopped in \d+ ms \(exit code 143\)\n/);
      expect(javaPids.filter(alive)).toEqual([]);
      expect(processesMentioning(tmp)).toEqual([]);
      expect(existsSync(tmp)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('the CLI killed with SIGKILL takes its JVM down with it (parent-death signal); the next start removes its folder', async () => {
    const cli = startCli(['--names', 'solo']);
    let tmp: string | undefined;
    try {
      const started = await ready(cli);
      tmp = started.tmp;
      expect(started.javaPids).toHaveLength(1);
      expect(readFileSync(join(tmp, 'owner.pid'), 'utf8').trim()).toBe(String(cli.child.pid));

      cli.child.kill('SIGKILL');
      expect(await exited(cli.child)).toEqual({ code: null, signal: 'SIGKILL' });
      await until('JVM gone', () => (started.javaPids.some(alive) ? undefined : true), 10_000);
      expect(processesMentioning(tmp)).toEqual([]);
      // Nothing ran the launcher's cleanup: the folder is there, and a later start removes it.
      expect(existsSync(tmp)).toBe(true);
      const lines: string[] = [];
      removeStaleDirs(TMP_PREFIX, (l) => lines.push(l));
      expect(lines).toContain(`removed ${tmp}, left behind by launcher ${cli.child.pid} which is gone`);
      expect(existsSync(tmp)).toBe(false);
    } finally {
      cli.child.kill('SIGKILL');
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });
});
