import { randomInt } from 'node:crypto';

/** A SASL/PLAIN user. `principal` is what ACLs name: `User:<username>`. */
export interface KafkaUser {
  username: string;
  password: string;
  principal: string;
}

/** The users of one cluster: the broker's own super user and two that stand for Confluent API keys. */
export interface ClusterUsers {
  /** The broker itself, inter-broker and controller traffic, and the launcher; in super.users, so no ACL applies to it. */
  admin: KafkaUser;
  /** An operator's key: every operation, granted by ACLs (ALLOW ALL), so a DENY still applies to it. */
  operator: KafkaUser;
  /** An application's key: what a producer and a consumer need, nothing on the cluster itself. */
  app: KafkaUser;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function user(username: string, password: string): KafkaUser {
  return { username, password, principal: `User:${username}` };
}

/** A key shaped like a Confluent Cloud API key (16 upper-case letters and digits) and its 64-character secret. */
export function apiKeyUser(): KafkaUser {
  return user(randomString(KEY_ALPHABET, 16), randomString(SECRET_ALPHABET, 64));
}

export function clusterUsers(): ClusterUsers {
  return { admin: user('admin', randomString(SECRET_ALPHABET, 32)), operator: apiKeyUser(), app: apiKeyUser() };
}

/** The loopback ports of one node. `advertised` is where clients are told to connect (the proxy, when there is one). */
export interface NodePorts {
  client: number;
  advertised: number;
  internal: number;
  controller: number;
}

/** A JAAS value for PlainLoginModule: the credentials the node logs in with, and the users it accepts. */
function plainJaas(self: KafkaUser, accepted: KafkaUser[]): string {
  const quote = (s: string) => {
    if (/["\\]/.test(s)) throw new Error(`a SASL/PLAIN credential must not contain a quote or backslash: ${s}`);
    return `"${s}"`;
  };
  const users = accepted.map((u) => `user_${u.username}=${quote(u.password)}`).join(' ');
  return `org.apache.kafka.common.security.plain.PlainLoginModule required username=${quote(self.username)} password=${quote(self.password)} ${users};`;
}

/**
 * server.properties of a single-node KRaft cluster that is broker and controller at once, on 127.0.0.1:
 * - `CLIENT`: SASL/PLAIN for clients, advertised as `ports.advertised` (the proxy);
 * - `INTERNAL`: SASL/PLAIN for the broker's own inter-broker traffic and the launcher, never proxied;
 * - `CONTROLLER`: SASL/PLAIN, only the admin user, reached through controller.quorum.bootstrap.servers.
 * StandardAuthorizer with allow.everyone.if.no.acl.found=false: a user other than admin can do only what
 * an ACL allows. Internal topics have one replica; sizes and threads are cut down for a small machine.
 */
export function serverProperties(options: { nodeId: number; ports: NodePorts; dataDir: string; users: ClusterUsers }): string {
  const { ports, users } = options;
  const clientUsers = [users.admin, users.operator, users.app];
  const props: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', options.nodeId],
    ['controller.quorum.bootstrap.servers', `127.0.0.1:${ports.controller}`],
    ['listeners', `CLIENT://127.0.0.1:${ports.client},INTERNAL://127.0.0.1:${ports.internal},CONTROLLER://127.0.0.1:${ports.controller}`],
    ['advertised.listeners', `CLIENT://127.0.0.1:${ports.advertised},INTERNAL://127.0.0.1:${ports.internal}`],
    ['listener.security.protocol.map', 'CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT'],
    ['inter.broker.listener.name', 'INTERNAL'],
    ['controller.listener.names', 'CONTROLLER'],
    ['sasl.enabled.mechanisms', 'PLAIN'],
    ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
    ['sasl.mechanism.controller.protocol', 'PLAIN'],
    ['listener.name.client.plain.sasl.jaas.config', plainJaas(users.admin, clientUsers)],
    ['listener.name.internal.plain.sasl.jaas.config', plainJaas(users.admin, [users.admin])],
    ['listener.name.controller.plain.sasl.jaas.config', plainJaas(users.admin, [users.admin])],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', users.admin.principal],
    ['allow.everyone.if.no.acl.found', 'false'],
    ['log.dirs', options.dataDir],
    // Like Confluent Cloud: topics are created on purpose, never by a produce or a fetch.
    ['auto.create.topics.enable', 'false'],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 4],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['share.coordinator.state.topic.num.partitions', 4],
    ['group.initial.rebalance.delay.ms', 0],
    // A small machine shared with others: fewer threads and buffers than the defaults.
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['background.threads', 2],
    ['num.recovery.threads.per.data.dir', 1],
    ['group.coordinator.threads', 1],
    ['log.cleaner.dedupe.buffer.size', 16 * 1024 * 1024],
    ['log.segment.bytes', 64 * 1024 * 1024],
    ['log.retention.check.interval.ms', 60_000],
  ];
  return props.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/**
 * Log4j2 configuration (properties format, read by log4j-core without extra jars): everything to
 * standard output, which the launcher writes to `server.log`; the authorizer's decisions (one line per
 * denied request) to `authorizer.log`; the config dump of every client and server only at WARN.
 */
export function log4j2Properties(authorizerLog: string): string {
  const pattern = '[%d] %p %m (%c)%n';
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.layout.type = PatternLayout',
    `appender.out.layout.pattern = ${pattern}`,
    'appender.auth.type = File',
    'appender.auth.name = AUTH',
    `appender.auth.fileName = ${authorizerLog}`,
    'appender.auth.layout.type = PatternLayout',
    `appender.auth.layout.pattern = ${pattern}`,
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.out.ref = OUT',
    'logger.authorizer.name = kafka.authorizer.logger',
    'logger.authorizer.level = INFO',
    'logger.authorizer.additivity = false',
    'logger.authorizer.appenderRef.auth.ref = AUTH',
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    '',
  ].join('\n');
}
