/**
 * The REST routes, keyed by the spec's own path templates (so request records name the spec operation), each a
 * function from a parsed request to a status and body. Nothing here knows about sockets or faults.
 */
import { RestError, badRequest, unknownTopic } from './errors.js';
import { groupLags, groupsOf } from './groups.js';
import { LINK_CONFIG_DEFAULTS, alterLinkConfigs, createLink, deleteLink, getLink } from './links.js';
import { alterMirrors, createMirror, getMirror } from './mirrors.js';
import { produceRecords } from './produce.js';
import { effectiveStatus } from './replication.js';
import { MIRROR_STATUSES, VERBS, type Cluster, type Mirror, type Topic, type Verb, type World } from './state.js';
import type { DataPlaneBrokers } from './types.js';
import { createTopic, deleteTopic } from './topics.js';
import * as view from './views.js';

/** What a route handler gets: the cluster and the parsed request. */
export interface RequestContext {
  world: World;
  cluster: Cluster;
  params: Record<string, string>;
  query: URLSearchParams;
  rawBody: string;
  contentType: string;
}

/** A reply: a JSON `body`, raw `text` (concatenated JSON), or neither for an empty body. */
export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
}

/** One REST operation. */
export interface Route {
  method: string;
  /** The spec's path template. */
  template: string;
  /** Writes need more than read-only permissions. */
  write: boolean;
  /** A promise when the answer comes from a data plane's brokers (DataPlane.brokers). */
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

const C = '/kafka/v3/clusters/{cluster_id}';
const routes: Route[] = [];
const get = (path: string, handle: Route['handle']) => routes.push({ method: 'GET', template: C + path, write: false, handle });
const write = (method: string, path: string, handle: Route['handle']) => routes.push({ method, template: C + path, write: true, handle });

/** Jersey parses query booleans with Boolean.valueOf: only "true" (any case) is true; `1` or `yes` mean false. */
function flag(query: URLSearchParams, name: string, fallback = false): boolean {
  const value = query.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
}

/** The JSON object body of a request (415 for another content type, 400 for an empty or invalid body). */
export function jsonBody(ctx: RequestContext): Record<string, unknown> {
  if (!ctx.contentType.toLowerCase().includes('application/json')) throw new RestError(415, 415, 'HTTP 415 Unsupported Media Type');
  if (!ctx.rawBody.trim()) throw badRequest('Request body is empty. Data is required.', 400);
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.rawBody);
  } catch (err) {
    throw badRequest(`Invalid JSON in request body: ${(err as Error).message}`, 400);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The request body must be a JSON object.', 400);
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${key} must be a string.`, 400);
  return value;
}

function optionalInteger(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badRequest(
      `Cannot deserialize value of type \`java.lang.Integer\` from ${JSON.stringify(value)} (${key}): not a valid \`java.lang.Integer\` value`,
      400,
    );
  }
  return value;
}

function configList(body: Record<string, unknown>): Array<{ name: string; value: string | null }> {
  const configs = body.configs ?? [];
  if (!Array.isArray(configs) || configs.some((c) => !c || typeof (c as { name?: unknown }).name !== 'string')) {
    throw badRequest('configs must be an array of {name, value}.', 400);
  }
  return (configs as Array<{ name: string; value?: unknown }>).map((c) => ({ name: c.name, value: c.value == null ? null : String(c.value) }));
}

function topicOf(ctx: RequestContext): Topic {
  const topic = ctx.cluster.topics.get(ctx.params.topic_name);
  if (!topic) throw unknownTopic();
  return topic;
}

/** The brokers that hold this cluster's topics, when a data plane's do (DataPlane.brokers). */
function brokersOf(ctx: RequestContext): DataPlaneBrokers | undefined {
  return ctx.world.dataPlane?.brokers?.(ctx.cluster.name);
}

/** A topic that is not in memory (the brokers', or a validate_only preview), shaped as the views read one. */
function topicShape(name: string, partitions: number): Topic {
  return { name, id: '', partitions: Array.from({ length: partitions }, () => []), configs: new Map(), nextPartition: 0 };
}

/** The request's topic: from the brokers when they hold the cluster's topics, else from memory. */
async function topicHeld(ctx: RequestContext): Promise<Topic> {
  const brokers = brokersOf(ctx);
  if (!brokers) return topicOf(ctx);
  const found = (await brokers.topics()).find((t) => t.name === ctx.params.topic_name);
  if (!found) throw unknownTopic();
  return topicShape(found.name, found.partitions);
}

function partitionOf(ctx: RequestContext, topic: Topic): number {
  const p = Number(ctx.params.partition_id);
  if (!Number.isInteger(p) || p < 0 || p >= topic.partitions.length) throw unknownTopic();
  return p;
}

function groupOf(ctx: RequestContext) {
  const group = groupsOf(ctx.world, ctx.cluster).get(ctx.params.consumer_group_id);
  if (!group) throw new RestError(404, 404, `Consumer group ${ctx.params.consumer_group_id} cannot be found.`);
  return group;
}

/** Jersey answers 404 when a query parameter cannot be converted (e.g. an unknown enum value). */
function statusFilter(ctx: RequestContext): (m: Mirror) => boolean {
  const wanted = ctx.query.get('mirror_status');
  if (wanted === null) return () => true;
  if (!(MIRROR_STATUSES as readonly string[]).includes(wanted)) throw new RestError(404, 404, 'HTTP 404 Not Found');
  return (m) => effectiveStatus(ctx.world, m) === wanted;
}

// Cluster and topics
get('', (ctx) => ({ status: 200, body: view.clusterView(ctx.cluster) }));
get('/topics', async (ctx) => {
  const brokers = brokersOf(ctx);
  const held = brokers && (await brokers.topics()).map((t) => topicShape(t.name, t.partitions));
  return { status: 200, body: view.topicListView(ctx.cluster, held) };
});
write('POST', '/topics', async (ctx) => {
  const body = jsonBody(ctx);
  const name = optionalString(body, 'topic_name');
  if (!name) throw badRequest('topic_name is required.', 400);
  const request = {
    name,
    partitions: optionalInteger(body, 'partitions_count'),
    replicationFactor: optionalInteger(body, 'replication_factor'),
    configs: configList(body),
    validateOnly: body.validate_only === true,
  };
  const brokers = brokersOf(ctx);
  if (brokers) {
    // The memory's checks first; then the brokers' topics are the cluster's: one they hold already exists.
    createTopic(ctx.world, ctx.cluster, { ...request, validateOnly: true });
    if ((await brokers.topics()).some((t) => t.name === name)) throw badRequest(`Topic '${name}' already exists.`);
  }
  const topic = createTopic(ctx.world, ctx.cluster, request);
  if (topic && brokers) await brokers.createTopic(topic.name, topic.partitions.length);
  if (!topic) return { status: 200, body: view.topicView(ctx.cluster, topicShape(name, request.partitions ?? 6)) };
  return { status: 201, body: view.topicView(ctx.cluster, topic) };
});
get('/topics/{topic_name}', async (ctx) => ({ status: 200, body: view.topicView(ctx.cluster, await topicHeld(ctx)) }));
write('DELETE', '/topics/{topic_name}', async (ctx) => {
  const brokers = brokersOf(ctx);
  if (brokers) {
    const name = ctx.params.topic_name;
    if (!(await brokers.topics()).some((t) => t.name === name)) throw unknownTopic();
    // The memory's rules first (its mirrors of the topic go FAILED), then the brokers'.
    if (ctx.cluster.topics.has(name)) deleteTopic(ctx.world, ctx.cluster, name);
    await brokers.deleteTopic(name);
    return { status: 204 };
  }
  deleteTopic(ctx.world, ctx.cluster, ctx.params.topic_name);
  return { status: 204 };
});
get('/topics/{topic_name}/partitions', async (ctx) => ({ status: 200, body: view.partitionListView(ctx.cluster, await topicHeld(ctx)) }));
get('/topics/{topic_name}/partitions/{partition_id}', async (ctx) => {
  const topic = await topicHeld(ctx);
  return { status: 200, body: view.partitionView(ctx.cluster, topic, partitionOf(ctx, topic)) };
});
write('POST', '/topics/{topic_name}/records', (ctx) => produceRecords(ctx, brokersOf(ctx)));

// Cluster links
get('/links', (ctx) => ({ status: 200, body: view.linkListView(ctx.world, ctx.cluster) }));
write('POST', '/links', (ctx) => {
  const name = ctx.query.get('link_name');
  if (!name) throw badRequest('Query parameter link_name is required.', 400);
  const body = jsonBody(ctx);
  const configs = new Map<string, string>();
  for (const c of configList(body)) if (c.value !== null) configs.set(c.name, c.value);
  createLink(
    ctx.world,
    ctx.cluster,
    name,
    {
      sourceClusterId: optionalString(body, 'source_cluster_id'),
      destinationClusterId: optionalString(body, 'destination_cluster_id'),
      remoteClusterId: optionalString(body, 'remote_cluster_id'),
      clusterLinkId: optionalString(body, 'cluster_link_id'),
      configs,
    },
    { validateOnly: flag(ctx.query, 'validate_only'), validateLink: flag(ctx.query, 'validate_link', true) },
  );
  return { status: 204 };
});
get('/links/{link_name}', (ctx) => ({
  status: 200,
  body: view.linkView(ctx.world, getLink(ctx.cluster, ctx.params.link_name), flag(ctx.query, 'include_tasks')),
}));
write('DELETE', '/links/{link_name}', (ctx) => {
  deleteLink(ctx.world, ctx.cluster, ctx.params.link_name, { force: flag(ctx.query, 'force'), validateOnly: flag(ctx.query, 'validate_only') });
  return { status: 200 };
});
get('/links/{link_name}/configs', (ctx) => ({ status: 200, body: view.linkConfigListView(getLink(ctx.cluster, ctx.params.link_name)) }));
get('/links/{link_name}/configs/{config_name}', (ctx) => {
  const link = getLink(ctx.cluster, ctx.params.link_name);
  const name = ctx.params.config_name;
  if (!link.configs.has(name) && !(name in LINK_CONFIG_DEFAULTS))
    throw new RestError(404, 404, `Config ${name} cannot be found for cluster link ${link.name}.`);
  return { status: 200, body: view.linkConfigView(link, name) };
});
write('PUT', '/links/{link_name}/configs/{config_name}', (ctx) => {
  const link = getLink(ctx.cluster, ctx.params.link_name);
  const value = jsonBody(ctx).value;
  if (typeof value !== 'string') throw badRequest('value is required and must be a string.', 400);
  alterLinkConfigs(ctx.world, link, [{ name: ctx.params.config_name, value }]);
  return { status: 204 };
});
write('DELETE', '/links/{link_name}/configs/{config_name}', (ctx) => {
  alterLinkConfigs(ctx.world, getLink(ctx.cluster, ctx.params.link_name), [{ name: ctx.params.config_name, value: null }]);
  return { status: 204 };
});
write('PUT', '/links/{link_name}/configs:alter', (ctx) => {
  const link = getLink(ctx.cluster, ctx.params.link_name);
  const body = jsonBody(ctx);
  if (!Array.isArray(body.data)) throw badRequest('data is required: an array of {name, value, operation}.', 400);
  const changes = (body.data as Array<{ name?: unknown; value?: unknown; operation?: unknown }>).map((d) => {
    const operation = d.operation == null ? 'SET' : String(d.operation).toUpperCase();
    if (typeof d.name !== 'string') throw badRequest('Invalid Config Name.', 400);
    if (operation !== 'SET' && operation !== 'DELETE')
      throw badRequest(`Invalid operation ${String(d.operation)} for config ${d.name}: use SET or DELETE.`, 400);
    if (operation === 'SET' && typeof d.value !== 'string') throw badRequest(`Config ${d.name}: SET needs a string value.`, 400);
    return { name: d.name, value: operation === 'DELETE' ? null : (d.value as string) };
  });
  alterLinkConfigs(ctx.world, link, changes, flag(ctx.query, 'validate_only') || body.validate_only === true);
  return { status: 204 };
});

// Mirror topics. The literal `-` (all links) must be tried before `{link_name}`.
get('/links/-/mirrors', (ctx) => {
  const keep = statusFilter(ctx);
  const all = [...ctx.cluster.links.values()].flatMap((l) => [...l.mirrors.values()]).filter(keep);
  return { status: 200, body: view.mirrorListView(ctx.world, `${view.base(ctx.cluster)}/links/-/mirrors`, all) };
});
get('/links/{link_name}/mirrors', (ctx) => {
  const link = getLink(ctx.cluster, ctx.params.link_name);
  const keep = statusFilter(ctx);
  return { status: 200, body: view.mirrorListView(ctx.world, `${view.base(ctx.cluster)}/links/${link.name}/mirrors`, [...link.mirrors.values()].filter(keep)) };
});
write('POST', '/links/{link_name}/mirrors', (ctx) => {
  const body = jsonBody(ctx);
  createMirror(ctx.world, ctx.cluster, ctx.params.link_name, {
    sourceTopic: optionalString(body, 'source_topic_name') ?? '',
    mirrorTopic: optionalString(body, 'mirror_topic_name'),
    replicationFactor: optionalInteger(body, 'replication_factor'),
    pending: true,
  });
  return { status: 204 };
});
get('/links/{link_name}/mirrors/{mirror_topic_name}', (ctx) => {
  const mirror = getMirror(ctx.cluster, ctx.params.link_name, ctx.params.mirror_topic_name);
  return { status: 200, body: view.mirrorView(ctx.world, mirror, flag(ctx.query, 'include_state_transition_errors')) };
});
for (const verb of VERBS) {
  write('POST', `/links/{link_name}/mirrors:${verb}`, (ctx) => {
    const link = getLink(ctx.cluster, ctx.params.link_name);
    const body = jsonBody(ctx);
    const results = alterMirrors(
      ctx.world,
      ctx.cluster,
      link.name,
      verb as Verb,
      { names: body.mirror_topic_names ?? undefined, pattern: body.mirror_topic_name_pattern ?? undefined },
      {
        validateOnly: flag(ctx.query, 'validate_only'),
        includePartitionTruncation: flag(ctx.query, 'include_partition_level_truncation_data'),
      },
    );
    return { status: 200, body: view.alterView(ctx.cluster, link.name, results) };
  });
}

// Consumer groups
get('/consumer-groups', (ctx) => ({ status: 200, body: view.groupListView(ctx.cluster, groupsOf(ctx.world, ctx.cluster).values()) }));
get('/consumer-groups/{consumer_group_id}', (ctx) => ({ status: 200, body: view.groupView(ctx.cluster, groupOf(ctx)) }));
get('/consumer-groups/{consumer_group_id}/consumers', (ctx) => ({ status: 200, body: view.consumerListView(ctx.cluster, groupOf(ctx)) }));
get('/consumer-groups/{consumer_group_id}/consumers/{consumer_id}', (ctx) => {
  const group = groupOf(ctx);
  const member = group.members.find((m) => m.consumerId === ctx.params.consumer_id);
  if (!member) throw new RestError(404, 404, `Consumer ${ctx.params.consumer_id} cannot be found in consumer group ${group.id}.`);
  return { status: 200, body: view.consumerView(ctx.cluster, group, member) };
});
get('/consumer-groups/{consumer_group_id}/lag-summary', (ctx) => {
  const group = groupOf(ctx);
  return { status: 200, body: view.lagSummaryView(ctx.cluster, group, groupLags(ctx.cluster, group, ctx.world)) };
});
get('/consumer-groups/{consumer_group_id}/lags', (ctx) => {
  const group = groupOf(ctx);
  return { status: 200, body: view.lagListView(ctx.cluster, group, groupLags(ctx.cluster, group, ctx.world)) };
});
get('/consumer-groups/{consumer_group_id}/lags/{topic_name}/partitions/{partition_id}', (ctx) => {
  const group = groupOf(ctx);
  const lag = groupLags(ctx.cluster, group, ctx.world).find((l) => l.topic === ctx.params.topic_name && String(l.partition) === ctx.params.partition_id);
  if (!lag) throw unknownTopic();
  return { status: 200, body: view.lagView(ctx.cluster, group, lag) };
});

interface Compiled {
  route: Route;
  regex: RegExp;
  keys: string[];
}

const compiled: Compiled[] = routes.map((route) => {
  const keys: string[] = [];
  const source = route.template
    .split(/(\{[a-z_]+\})/)
    .map((part) => {
      if (part.startsWith('{')) {
        keys.push(part.slice(1, -1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { route, regex: new RegExp(`^${source}$`), keys };
});

/** Result of `match()`. */
export type Match = { route: Route; params: Record<string, string> } | { template: string; methodNotAllowed: true } | undefined;

/** Finds the route for a method and path: a match, a known path with another method (405), or nothing (404). */
export function match(method: string, path: string): Match {
  let other: string | undefined;
  for (const { route, regex, keys } of compiled) {
    const m = regex.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      other ??= route.template;
      continue;
    }
    const params: Record<string, string> = {};
    keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    return { route, params };
  }
  return other ? { template: other, methodNotAllowed: true } : undefined;
}

/** Every route template this emulator serves (tests check each against the spec). */
export const ROUTE_TEMPLATES: ReadonlyArray<{ method: string; template: string }> = routes.map((r) => ({ method: r.method, template: r.template }));
