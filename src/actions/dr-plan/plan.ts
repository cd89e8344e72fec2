import type { ClusterSpec, ClientGroupSpec, LinkSpec, Setting, Topology } from './topology.js';

/**
 * The switch, decided from the topology and the request before anything is contacted: which cluster becomes
 * the target, which mirror operation runs on which link, which client groups move, and, for every value a later
 * job needs, where it comes from (written in the file, a variable or a secret, by name). Pure: the checks that
 * need a server come after, in checks.ts.
 */

export const OPERATIONS = ['auto', 'failover', 'promote', 'reverse-and-start-mirror', 'reverse-and-pause-mirror', 'none'] as const;
export type RequestedOperation = (typeof OPERATIONS)[number];
export type MirrorOperation = Exclude<RequestedOperation, 'auto'>;

export interface SwitchRequest {
  target: string;
  operation: RequestedOperation;
  /** false when the current cluster is down: `auto` then fails over instead of reversing. */
  sourceReachable: boolean;
  truncateFirst: boolean;
  mirrorTopics: string[];
  mirrorTopicPattern?: string;
  dryRun: boolean;
  maxLag?: number;
  force: boolean;
}

/** Where a later step reads a value: written in the file, or a variable or secret by name (never the value of a secret). */
export type ValueRef = { value: string } | { var: string } | { secret: string };

export interface PlannedCluster {
  name: string;
  restEndpoint: ValueRef;
  clusterId: ValueRef;
  bootstrap: ValueRef;
  drApiKey: ValueRef;
  drApiSecret: ValueRef;
  appApiKey: ValueRef;
  appApiSecret: ValueRef;
}

export interface PlannedMirror {
  link: string;
  operation: Exclude<MirrorOperation, 'none'>;
  truncateFirst: boolean;
  /** The cluster the operation runs on (the target: it holds the mirrors to make writable). */
  cluster: PlannedCluster;
  /** The other side of the link (the source for failover/promote, the remote for reverse-*). */
  peer: PlannedCluster;
  topics: string[];
  topicPattern?: string;
  maxLag?: number;
  force: boolean;
}

export interface PlannedGroup {
  name: string;
  namespace: string;
  kubernetes:
    | { kind: 'aks'; resourceGroup: ValueRef; cluster: ValueRef; admin: boolean; clientId: ValueRef; tenantId: ValueRef; subscriptionId: ValueRef }
    | { kind: 'kubeconfig'; kubeconfig: ValueRef };
  manifests: string[];
  objects: ClientGroupSpec['objects'];
  verify: string[];
  restartIfNotReloaded: boolean;
  rolloutTimeout: string;
  /** The placeholders the group's objects are filled with: the target's bootstrap and application credentials. */
  env: { CCLOUD_URL: ValueRef; CCLOUD_APIKEY: ValueRef; CCLOUD_PASSWD: ValueRef };
}

export interface SwitchPlan {
  topology: string;
  target: string;
  /** The cluster the clients leave; undefined when the topology has more than two and none is implied. */
  from?: string;
  pattern: LinkSpec['pattern'] | 'clients-only';
  dryRun: boolean;
  mirror?: PlannedMirror;
  groups: PlannedGroup[];
}

export interface PlanProblem {
  /** What is wrong, naming the input, cluster, variable or secret (never a secret's value). */
  message: string;
}

/** The names a run can read: `vars` and `secrets` as the workflow passed them (values are never looked at here). */
export interface Available {
  vars: ReadonlySet<string>;
  secrets: ReadonlySet<string>;
}

function ref(setting: Setting): ValueRef {
  return typeof setting === 'string' ? { value: setting } : setting;
}

function plannedCluster(c: ClusterSpec): PlannedCluster {
  return {
    name: c.name,
    restEndpoint: ref(c.restEndpoint),
    clusterId: ref(c.clusterId),
    bootstrap: ref(c.bootstrap),
    drApiKey: ref(c.drOperator.apiKey),
    drApiSecret: ref(c.drOperator.apiSecret),
    appApiKey: ref(c.application.apiKey),
    appApiSecret: ref(c.application.apiSecret),
  };
}

/** The mirror operation `auto` stands for: reverse when the current cluster answers, fail over when it is down. */
export function resolveOperation(request: SwitchRequest, pattern: PlannedMirror['operation'] | 'none' | 'auto'): MirrorOperation {
  if (pattern === 'none') return 'none';
  if (request.operation !== 'auto') return request.operation;
  return request.sourceReachable ? 'reverse-and-start-mirror' : 'failover';
}

/** Decides the switch; every problem found is returned at once, and a plan only when there are none. */
export function planSwitch(topology: Topology, request: SwitchRequest, available: Available): { plan?: SwitchPlan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const names = topology.clusters.map((c) => c.name);
  const target = topology.clusters.find((c) => c.name === request.target);
  if (!target)
    problems.push({ message: `input 'target' is '${request.target}', which is not a cluster of ${topology.file}; expected one of: ${names.join(', ')}` });
  const others = topology.clusters.filter((c) => c.name !== request.target);
  const from = others.length === 1 ? others[0] : undefined;

  const link = topology.links.find((l) => l.pattern === 'active-passive');
  let mirror: PlannedMirror | undefined;
  const operation = link ? resolveOperation(request, 'auto') : 'none';
  if (!link && request.operation !== 'auto' && request.operation !== 'none')
    problems.push({
      message: `input 'operation' is '${request.operation}', but ${topology.file} has no active-passive link: a switch there only moves the clients; use auto or none`,
    });
  if (request.truncateFirst && operation !== 'reverse-and-start-mirror' && operation !== 'reverse-and-pause-mirror')
    problems.push({
      message: `input 'truncate-first' needs a reverse operation after it (reverse-and-start-mirror or reverse-and-pause-mirror), not '${operation}'`,
    });
  if (request.mirrorTopics.length && request.mirrorTopicPattern)
    problems.push({ message: "inputs 'mirror-topics' and 'mirror-topic-pattern' were both set; give one of them, or neither for the topology's topics" });
  if (link && target && operation !== 'none') {
    if (!from)
      problems.push({
        message: `${topology.file} names ${names.length} clusters: a mirror operation needs the other side of link '${link.name}', which is ambiguous; keep two clusters per topology file`,
      });
    else
      mirror = {
        link: link.name,
        operation,
        truncateFirst: request.truncateFirst,
        cluster: plannedCluster(target),
        peer: plannedCluster(from),
        topics: request.mirrorTopics.length ? request.mirrorTopics : request.mirrorTopicPattern ? [] : (link.topics ?? []),
        topicPattern: request.mirrorTopics.length ? undefined : (request.mirrorTopicPattern ?? (link.topics ? undefined : link.topicPattern)),
        maxLag: request.maxLag,
        force: request.force,
      };
  }

  const groups: PlannedGroup[] = [];
  if (target) {
    for (const g of topology.groups) {
      const azure = 'aks' in g.kubernetes ? (g.kubernetes.aks.azure ?? topology.azure) : undefined;
      if ('aks' in g.kubernetes && !azure)
        problems.push({
          message: `client group '${g.name}' runs on AKS but ${topology.file} names no Azure identity: add 'azure' (client-id, tenant-id, subscription-id) at the top or under its 'aks'`,
        });
      const kubernetes: PlannedGroup['kubernetes'] =
        'aks' in g.kubernetes
          ? {
              kind: 'aks',
              resourceGroup: ref(g.kubernetes.aks.resourceGroup),
              cluster: ref(g.kubernetes.aks.name),
              admin: g.kubernetes.aks.admin,
              clientId: azure ? ref(azure.clientId) : { value: '' },
              tenantId: azure ? ref(azure.tenantId) : { value: '' },
              subscriptionId: azure ? ref(azure.subscriptionId) : { value: '' },
            }
          : { kind: 'kubeconfig', kubeconfig: g.kubernetes.kubeconfig };
      const verify = g.verify ?? (g.objects ? g.objects.map((o) => `${o.kind}/${o.name}`) : []);
      groups.push({
        name: g.name,
        namespace: g.namespace,
        kubernetes,
        manifests: g.manifests ?? [],
        objects: g.objects,
        verify,
        restartIfNotReloaded: g.restartIfNotReloaded,
        rolloutTimeout: g.rolloutTimeout,
        env: { CCLOUD_URL: ref(target.bootstrap), CCLOUD_APIKEY: ref(target.application.apiKey), CCLOUD_PASSWD: ref(target.application.apiSecret) },
      });
    }
  }

  // Every variable and secret the later steps read must be set: checked by name, never by value.
  const needed = new Map<string, Set<string>>();
  const need = (r: ValueRef, what: string) => {
    if ('value' in r) return;
    const key = 'var' in r ? `variable ${r.var}` : `secret ${r.secret}`;
    const isSet = 'var' in r ? available.vars.has(r.var) : available.secrets.has(r.secret);
    if (isSet) return;
    if (!needed.has(key)) needed.set(key, new Set());
    needed.get(key)!.add(what);
  };
  if (mirror) {
    // The mirror operation runs on the target only: the peer's settings are planned but not required (its cluster
    // may be the one that is down, its secrets in another environment).
    const c = mirror.cluster;
    need(c.restEndpoint, `${c.name}'s rest-endpoint (target of ${mirror.operation})`);
    need(c.clusterId, `${c.name}'s cluster-id (target of ${mirror.operation})`);
    need(c.drApiKey, `${c.name}'s DR operator api-key`);
    need(c.drApiSecret, `${c.name}'s DR operator api-secret`);
  }
  for (const g of groups) {
    need(g.env.CCLOUD_URL, `${request.target}'s bootstrap (client group '${g.name}')`);
    need(g.env.CCLOUD_APIKEY, `${request.target}'s application api-key (client group '${g.name}')`);
    need(g.env.CCLOUD_PASSWD, `${request.target}'s application api-secret (client group '${g.name}')`);
    if (g.kubernetes.kind === 'kubeconfig') need(g.kubernetes.kubeconfig, `the kubeconfig of client group '${g.name}'`);
    else
      for (const [r, what] of [
        [g.kubernetes.resourceGroup, 'AKS resource group'],
        [g.kubernetes.cluster, 'AKS cluster name'],
        [g.kubernetes.clientId, 'Azure client-id'],
        [g.kubernetes.tenantId, 'Azure tenant-id'],
        [g.kubernetes.subscriptionId, 'Azure subscription-id'],
      ] as const)
        need(r, `the ${what} of client group '${g.name}'`);
  }
  for (const [key, uses] of needed) {
    const secret = key.startsWith('secret ');
    problems.push({
      message: `${key} is not set (used for ${[...uses].join('; ')}): ${secret ? 'add it to the repository or environment secrets and pass it to the workflow (secrets: inherit)' : 'add it as a repository or environment variable'}`,
    });
  }

  if (problems.length || !target) return { problems };
  return {
    problems,
    plan: {
      topology: topology.file,
      target: target.name,
      from: from?.name,
      pattern: link ? link.pattern : topology.links.some((l) => l.pattern === 'active-active') ? 'active-active' : 'clients-only',
      dryRun: request.dryRun,
      mirror,
      groups,
    },
  };
}
