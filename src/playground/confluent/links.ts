/** Cluster links: create (with the remote checks `validate_link` does), delete, configs, state. */
import { randomBytes, randomUUID } from 'node:crypto';
import { RestError, badRequest, notFoundLink } from './errors.js';
import type { Cluster, Link, World } from './state.js';
import type { LinkMode } from './types.js';
import { linkPaused, outageShown } from './replication.js';

interface ConfigDefault {
  value: string;
  readOnly?: boolean;
  sensitive?: boolean;
}

/** The link configs the API lists with their defaults (source DEFAULT_CONFIG until set). */
export const LINK_CONFIG_DEFAULTS: Record<string, ConfigDefault> = {
  'link.mode': { value: 'DESTINATION', readOnly: true },
  'connection.mode': { value: 'OUTBOUND', readOnly: true },
  'cluster.link.prefix': { value: '', readOnly: true },
  'bootstrap.servers': { value: '' },
  'security.protocol': { value: 'SASL_SSL' },
  'sasl.mechanism': { value: 'PLAIN' },
  'sasl.jaas.config': { value: '', sensitive: true },
  'consumer.offset.sync.enable': { value: 'false' },
  'consumer.offset.sync.ms': { value: '30000' },
  'consumer.offset.group.filters': { value: '' },
  'consumer.group.prefix.enable': { value: 'false' },
  'acl.sync.enable': { value: 'false' },
  'acl.sync.ms': { value: '5000' },
  'acl.filters': { value: '' },
  'auto.create.mirror.topics.enable': { value: 'false' },
  'auto.create.mirror.topics.filters': { value: '' },
  'topic.config.sync.ms': { value: '5000' },
  'mirror.start.offset.spec': { value: 'earliest' },
  'cluster.link.paused': { value: 'false' },
};

const SENSITIVE = /(jaas|password|secret)/i;
const LINK_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** The body of `POST /links` (exactly one of the three cluster ids). */
export interface CreateLinkRequest {
  sourceClusterId?: string;
  destinationClusterId?: string;
  remoteClusterId?: string;
  clusterLinkId?: string;
  configs: Map<string, string>;
}

/** Query flags of `POST /links`, plus programmatic conveniences. */
export interface CreateLinkOptions {
  validateOnly?: boolean;
  /** Default true, as in the API: check synchronously that the remote is the expected, reachable cluster. */
  validateLink?: boolean;
  /** Programmatic setup only: take the peer's cluster_link_id when creating the second side of a bidirectional link. */
  autoPair?: boolean;
}

/** A link config value: the explicit one, else the default. */
export function config(link: Link, name: string): string {
  return link.configs.get(name) ?? LINK_CONFIG_DEFAULTS[name]?.value ?? '';
}

/** `consumer.offset.sync.ms`: how often the link syncs consumer offsets (unset or unreadable: the 30 s default). */
export function offsetSyncMs(link: Link): number {
  return Number(config(link, 'consumer.offset.sync.ms')) || 30_000;
}

/** Sensitive configs are listed with an empty value. */
export function isSensitive(name: string): boolean {
  return LINK_CONFIG_DEFAULTS[name]?.sensitive === true || SENSITIVE.test(name);
}

/** The link's `cluster.link.prefix` ('' when none). */
export function prefixOf(link: Link): string {
  return config(link, 'cluster.link.prefix');
}

/** A link of the cluster, or the API's 404. */
export function getLink(cluster: Cluster, name: string): Link {
  const link = cluster.links.get(name);
  if (!link) throw notFoundLink();
  return link;
}

/** Creates one side of a cluster link. */
export function createLink(world: World, cluster: Cluster, name: string, request: CreateLinkRequest, options: CreateLinkOptions = {}): Link | undefined {
  const validateLink = options.validateLink ?? true;
  if (!LINK_NAME.test(name)) throw badRequest('Invalid Cluster Link Name.', 400);
  if (cluster.links.has(name)) throw new RestError(400, 404, 'A cluster link already exists with the provided link name');
  const mode = (request.configs.get('link.mode') ?? 'DESTINATION').toUpperCase() as LinkMode;
  if (!['DESTINATION', 'SOURCE', 'BIDIRECTIONAL'].includes(mode)) {
    throw badRequest(`Invalid value ${request.configs.get('link.mode') ?? ''} for configuration link.mode: use DESTINATION, SOURCE or BIDIRECTIONAL.`);
  }
  const remoteId = remoteIdFor(mode, request);
  if (remoteId === cluster.id) throw badRequest(`A cluster link cannot point to its own cluster (${cluster.id}).`);
  const remote = world.byId(remoteId);
  if (validateLink) {
    if (!remote)
      throw badRequest(`Unable to validate the cluster link: cluster ${remoteId} cannot be found. Check the cluster id, or pass validate_link=false.`);
    if (remote.down)
      throw badRequest(
        `Unable to validate the cluster link: cluster ${remoteId} (${remote.bootstrap}) is not reachable. Retry when it is, or pass validate_link=false.`,
      );
  }
  const configs = new Map(request.configs);
  configs.set('link.mode', mode);
  const draft: Link = {
    name,
    cluster,
    remoteId,
    mode,
    clusterLinkId: '',
    linkId: randomUUID(),
    configs,
    mirrors: new Map(),
    lastOffsetSync: world.now(),
  };
  draft.failure = linkFailure(world, draft);
  if (validateLink && draft.failure) throw badRequest(`Unable to validate the cluster link: ${draft.failure.message}`);
  draft.clusterLinkId = chooseClusterLinkId(world, cluster, draft, request.clusterLinkId, validateLink, options.autoPair ?? false);
  if (options.validateOnly) return undefined;
  cluster.links.set(name, draft);
  return draft;
}

function remoteIdFor(mode: LinkMode, request: CreateLinkRequest): string {
  const given = [
    ['source_cluster_id', request.sourceClusterId],
    ['destination_cluster_id', request.destinationClusterId],
    ['remote_cluster_id', request.remoteClusterId],
  ].filter(([, v]) => v) as Array<[string, string]>;
  if (given.length !== 1) {
    throw badRequest(
      `Give exactly one of source_cluster_id (link.mode DESTINATION), destination_cluster_id (SOURCE) or remote_cluster_id (BIDIRECTIONAL); got ${given.length ? given.map(([k]) => k).join(', ') : 'none'}.`,
    );
  }
  const [field, id] = given[0];
  const expected = mode === 'BIDIRECTIONAL' ? 'remote_cluster_id' : mode === 'SOURCE' ? 'destination_cluster_id' : 'source_cluster_id';
  if (field !== expected) throw badRequest(`link.mode ${mode} needs ${expected}, not ${field}.`);
  return id;
}

/** Why the link cannot connect, from its configs: a wrong bootstrap or wrong credentials for the remote. */
export function linkFailure(world: World, link: Link): Link['failure'] {
  const remote = world.remoteOf(link);
  if (!remote) return undefined;
  const bootstrap = link.configs.get('bootstrap.servers');
  if (bootstrap) {
    const hosts = bootstrap.split(',').map((h) => h.trim().replace(/^[A-Z_]+:\/\//, ''));
    if (!hosts.includes(remote.bootstrap)) {
      return {
        error: 'UNRESOLVABLE_BOOTSTRAP_ERROR',
        message: `bootstrap.servers '${bootstrap}' does not reach cluster ${remote.id}, whose bootstrap is ${remote.bootstrap}.`,
      };
    }
  }
  const jaas = link.configs.get('sasl.jaas.config');
  if (jaas) {
    const user = /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    const pass = /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1];
    if (user !== remote.apiKey || pass !== remote.apiSecret) {
      return {
        error: 'AUTHENTICATION_ERROR',
        message: `Authentication to cluster ${remote.id} failed: the API key and secret in sasl.jaas.config are not a key of that cluster.`,
      };
    }
  }
  return undefined;
}

/** Remote links that are the natural other side of this one and have no partner yet. */
function unpairedCounterparts(world: World, cluster: Cluster, link: Link): Link[] {
  const remote = world.remoteOf(link);
  if (!remote) return [];
  const wanted = counterpartMode(link.mode);
  const mine = new Set([...cluster.links.values()].map((l) => l.clusterLinkId));
  return [...remote.links.values()].filter((l) => l.remoteId === cluster.id && l.mode === wanted && !mine.has(l.clusterLinkId));
}

function counterpartMode(mode: LinkMode): LinkMode {
  return mode === 'BIDIRECTIONAL' ? 'BIDIRECTIONAL' : mode === 'SOURCE' ? 'DESTINATION' : 'SOURCE';
}

function chooseClusterLinkId(world: World, cluster: Cluster, link: Link, given: string | undefined, validateLink: boolean, autoPair: boolean): string {
  const counterparts = unpairedCounterparts(world, cluster, link);
  if (given) {
    const remote = world.remoteOf(link);
    const sameId = remote ? [...remote.links.values()].find((l) => l.clusterLinkId === given) : undefined;
    if (validateLink && sameId && (sameId.remoteId !== cluster.id || sameId.mode !== counterpartMode(link.mode))) {
      throw badRequest(
        `cluster_link_id ${given} belongs to link '${sameId.name}' on cluster ${link.remoteId}, which is not the other side of this link (it points to ${sameId.remoteId}, link.mode ${sameId.mode}).`,
      );
    }
    return given;
  }
  // Both sides of a bidirectional link must share one id (TF PR #550): the second side has to pass the first's.
  if (link.mode === 'BIDIRECTIONAL' && counterparts.length > 0) {
    const first = counterparts[0];
    if (autoPair) return first.clusterLinkId;
    if (validateLink) {
      throw badRequest(
        `Cluster ${link.remoteId} already has the other side of a bidirectional link to this cluster ('${first.name}', cluster_link_id ${first.clusterLinkId}): pass cluster_link_id=${first.clusterLinkId} to create this side.`,
      );
    }
  }
  return randomBytes(16).toString('base64url');
}

/** Deletes a link; mirrors still mirroring need `force` (they then become regular, writable topics). */
export function deleteLink(world: World, cluster: Cluster, name: string, options: { force?: boolean; validateOnly?: boolean }): void {
  const link = getLink(cluster, name);
  const mirroring = [...link.mirrors.values()].filter((m) => m.status !== 'STOPPED').map((m) => m.topic.name);
  if (mirroring.length > 0 && !options.force) {
    const shown = mirroring.slice(0, 5).join(', ') + (mirroring.length > 5 ? `, ... (${mirroring.length} in all)` : '');
    throw badRequest(
      `Cluster link '${name}' still has ${mirroring.length} mirror topic(s) that are mirroring: ${shown}. Promote or fail them over first, or delete with force=true.`,
    );
  }
  if (options.validateOnly) return;
  for (const mirror of [...link.mirrors.values()]) world.detach(mirror);
  cluster.links.delete(name);
}

/** Sets or resets link configs (`value` null resets to the default), all or nothing. */
export function alterLinkConfigs(world: World, link: Link, changes: Array<{ name: string; value: string | null }>, validateOnly = false): void {
  for (const change of changes) {
    if (!change.name) throw badRequest('Invalid Config Name.', 400);
    if (LINK_CONFIG_DEFAULTS[change.name]?.readOnly)
      throw badRequest(`Config '${change.name}' of cluster link '${link.name}' cannot be altered after the link is created.`);
  }
  if (validateOnly) return;
  for (const change of changes) {
    if (change.value === null) link.configs.delete(change.name);
    else link.configs.set(change.name, change.value);
  }
  link.failure = linkFailure(world, link);
}

/**
 * link_state / link_error / link_error_message as the API reports them. A link that cannot authenticate or resolve
 * its bootstrap is UNAVAILABLE with the reason in link_error (the spec's example; confluentinc/cli's test server),
 * a paused one PAUSED, and an unreachable remote shows UNAVAILABLE only once the outage has lasted
 * `unavailableAfterMs` (5 minutes by default, as Confluent's metrics docs describe link_state).
 */
export function linkState(world: World, link: Link): { state: string; error: string; message: string | null } {
  if (link.failure) return { state: 'UNAVAILABLE', error: link.failure.error, message: link.failure.message };
  if (linkPaused(link)) return { state: 'PAUSED', error: 'NO_ERROR', message: null };
  const remote = world.remoteOf(link);
  if (!remote) return { state: 'UNAVAILABLE', error: 'UNRESOLVABLE_BOOTSTRAP_ERROR', message: `Cluster ${link.remoteId} cannot be resolved.` };
  if (!outageShown(world, link)) return { state: 'ACTIVE', error: 'NO_ERROR', message: null };
  if (remote.down === 'hang')
    return { state: 'UNAVAILABLE', error: 'TIMEOUT_ERROR', message: `Timed out connecting to cluster ${remote.id} (${remote.bootstrap}).` };
  return {
    state: 'UNAVAILABLE',
    error: 'BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR',
    message: `Connection to cluster ${remote.id} (${remote.bootstrap}) was refused.`,
  };
}

/** The link's tasks (`include_tasks=true`): misconfigured sync features show IN_ERROR, as in confluentinc/cli #3072. */
export function linkTasks(world: World, link: Link): Array<{ task_name: string; state: string; errors: Array<{ error_code: string; error_message: string }> }> {
  const { state } = linkState(world, link);
  const linkDown = state === 'PAUSED' ? 'LINK_PAUSED' : state === 'UNAVAILABLE' ? (link.failure ? 'LINK_FAILED' : 'LINK_UNAVAILABLE') : undefined;
  const task = (task_name: string, enabledConfig: string, filtersConfig?: string) => {
    if (config(link, enabledConfig) !== 'true') return { task_name, state: 'NOT_CONFIGURED', errors: [] };
    if (linkDown) return { task_name, state: linkDown, errors: [] };
    if (filtersConfig && !config(link, filtersConfig)) {
      return {
        task_name,
        state: 'IN_ERROR',
        errors: [{ error_code: 'MISCONFIGURATION_ERROR', error_message: `${enabledConfig} is true but ${filtersConfig} is not set.` }],
      };
    }
    return { task_name, state: 'ACTIVE', errors: [] };
  };
  return [
    task('AclSync', 'acl.sync.enable', 'acl.filters'),
    task('AutoCreateMirror', 'auto.create.mirror.topics.enable', 'auto.create.mirror.topics.filters'),
    task('ConsumerOffsetSync', 'consumer.offset.sync.enable', 'consumer.offset.group.filters'),
    { task_name: 'TopicConfigsSync', state: linkDown ?? 'ACTIVE', errors: [] },
  ];
}
