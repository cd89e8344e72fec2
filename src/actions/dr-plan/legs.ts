import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { PlannedGroup, SwitchPlan, ValueRef } from './plan.js';

/**
 * The plan as the later jobs read it: one matrix leg per client group and the mirror step's settings, with every
 * value either written out (from the file or a variable) or named as a secret the job reads with
 * `secrets[name]`. Never a secret's value: GitHub drops a job output that holds one.
 */

/** A value for a later step: `<key>` holds it when it is not secret, `<key>-secret` names the secret otherwise. */
function put(out: Record<string, string>, key: string, ref: ValueRef, vars: Record<string, string>): void {
  if ('secret' in ref) {
    out[key] = '';
    out[`${key}-secret`] = ref.secret;
  } else {
    out[key] = 'var' in ref ? (vars[ref.var] ?? '') : ref.value;
    out[`${key}-secret`] = '';
  }
}

/** One ConfigMap or Secret a manifest file holds, where it is written. */
export interface ManifestObject {
  kind: string;
  name: string;
  file: string;
  line: number;
}

/** The objects of a manifest file, or the problems that stop it being one (each with file and line). */
export function manifestObjects(file: string, text: string): { objects: ManifestObject[]; problems: string[] } {
  const lineCounter = new LineCounter();
  const objects: ManifestObject[] = [];
  const problems: string[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter })) {
    const line = lineCounter.linePos(doc.range[0]).line;
    if (doc.errors.length) {
      const pos = lineCounter.linePos(doc.errors[0].pos[0]);
      problems.push(`${file}:${pos.line}:${pos.col}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      continue;
    }
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) {
      problems.push(`${file}:${line}: a document must be a ConfigMap or Secret mapping`);
      continue;
    }
    const value = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } };
    const kind = typeof value.kind === 'string' ? value.kind : '';
    const name = typeof value.metadata?.name === 'string' ? value.metadata.name : '';
    const kindNode = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
    const at = kindNode?.key && isScalar(kindNode.key) && kindNode.key.range ? lineCounter.linePos(kindNode.key.range[0]).line : line;
    if (kind !== 'ConfigMap' && kind !== 'Secret') {
      problems.push(`${file}:${at}: kind is '${kind || '(none)'}'; a client group's manifests hold ConfigMaps and Secrets only`);
      continue;
    }
    if (!name) {
      problems.push(`${file}:${at}: the ${kind} has no metadata.name`);
      continue;
    }
    objects.push({ kind, name, file, line: at });
  }
  if (!objects.length && !problems.length) problems.push(`${file}: holds no ConfigMap or Secret`);
  return { objects, problems };
}

/** The objects each group changes and verifies, decided from its manifests or objects and its `verify` list. */
export interface GroupObjects {
  changes: Array<{ kind: string; name: string }>;
  verify: Array<{ kind: 'ConfigMap' | 'Secret'; name: string }>;
}

export function groupObjects(group: PlannedGroup, manifests: ManifestObject[]): { objects: GroupObjects; problems: string[] } {
  const changes = group.objects ? group.objects.map((o) => ({ kind: o.kind, name: o.name })) : manifests.map((o) => ({ kind: o.kind, name: o.name }));
  const problems: string[] = [];
  const names = new Set(changes.map((c) => `${c.kind}/${c.name}`));
  const verify: GroupObjects['verify'] = [];
  const requested = group.verify.length ? group.verify : [...names];
  for (const v of requested) {
    const candidates = v.includes('/') ? [v] : [`ConfigMap/${v}`, `Secret/${v}`];
    const found = candidates.find((c) => names.has(c));
    if (!found) {
      problems.push(`client group '${group.name}': 'verify' names ${v}, which is not one of the objects it changes (${[...names].join(', ') || 'none'})`);
      continue;
    }
    const [kind, name] = found.split('/') as ['ConfigMap' | 'Secret', string];
    if (!verify.some((x) => x.kind === kind && x.name === name)) verify.push({ kind, name });
  }
  return { objects: { changes, verify }, problems };
}

/** One leg of the client jobs' matrix: everything a group's job needs, as flat strings. */
export function groupLeg(
  plan: SwitchPlan,
  group: PlannedGroup,
  objects: GroupObjects,
  repositoryPath: string,
  vars: Record<string, string>,
): Record<string, string> {
  const leg: Record<string, string> = { group: group.name, namespace: group.namespace, target: plan.target };
  const k = group.kubernetes;
  leg['kubeconfig-secret'] = k.kind === 'kubeconfig' && 'secret' in k.kubeconfig ? k.kubeconfig.secret : '';
  if (k.kind === 'aks') {
    put(leg, 'aks-resource-group', k.resourceGroup, vars);
    put(leg, 'aks-cluster', k.cluster, vars);
    put(leg, 'azure-client-id', k.clientId, vars);
    put(leg, 'azure-tenant-id', k.tenantId, vars);
    put(leg, 'azure-subscription-id', k.subscriptionId, vars);
  } else {
    for (const key of ['aks-resource-group', 'aks-cluster', 'azure-client-id', 'azure-tenant-id', 'azure-subscription-id']) {
      leg[key] = '';
      leg[`${key}-secret`] = '';
    }
  }
  leg['aks-admin'] = String(k.kind === 'aks' && k.admin);
  const prefix = repositoryPath === '.' || repositoryPath === '' ? '' : `${repositoryPath.replace(/\/+$/, '')}/`;
  leg.manifests = group.manifests.map((m) => prefix + m).join('\n');
  const single = group.objects?.[0];
  leg['object-kind'] = single?.kind ?? '';
  leg['object-name'] = single?.name ?? '';
  leg['object-data'] = single
    ? Object.entries(single.data)
        .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
        .join('\n')
    : '';
  leg['verify-configmaps'] = objects.verify
    .filter((v) => v.kind === 'ConfigMap')
    .map((v) => v.name)
    .join(',');
  leg['verify-secrets'] = objects.verify
    .filter((v) => v.kind === 'Secret')
    .map((v) => v.name)
    .join(',');
  leg['restart-if-not-reloaded'] = String(group.restartIfNotReloaded);
  leg['rollout-timeout'] = group.rolloutTimeout;
  put(leg, 'url', group.env.CCLOUD_URL, vars);
  put(leg, 'apikey', group.env.CCLOUD_APIKEY, vars);
  put(leg, 'passwd', group.env.CCLOUD_PASSWD, vars);
  return leg;
}

/**
 * The mirror step's settings on the target, and on the peer (the link's other cluster, which the step probes and
 * watches) when every one of the peer's four settings is available: otherwise the peer-* outputs stay empty, the
 * step runs without them and says what it could not check.
 */
export function mirrorOutputs(plan: SwitchPlan, vars: Record<string, string>, secretNames: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {
    operation: plan.mirror?.operation ?? 'none',
    'link-name': plan.mirror?.link ?? '',
    'truncate-first': String(plan.mirror?.truncateFirst ?? false),
    'mirror-topics': plan.mirror?.topics.join(',') ?? '',
    'mirror-topic-pattern': plan.mirror?.topicPattern ?? '',
    'max-lag': plan.mirror?.maxLag === undefined ? '' : String(plan.mirror.maxLag),
    force: String(plan.mirror?.force ?? false),
  };
  const m = plan.mirror;
  const available = (r: ValueRef) => ('secret' in r ? secretNames.has(r.secret) : 'var' in r ? vars[r.var] !== undefined && vars[r.var] !== '' : true);
  const peer = m?.peer && [m.peer.restEndpoint, m.peer.clusterId, m.peer.drApiKey, m.peer.drApiSecret].every(available) ? m.peer : undefined;
  for (const [prefix, c] of [
    ['', m?.cluster],
    ['peer-', peer],
  ] as const) {
    if (!c) {
      for (const key of ['rest-endpoint', 'cluster-id', 'api-key', 'api-secret']) {
        out[`${prefix}${key}`] = '';
        out[`${prefix}${key}-secret`] = '';
      }
      continue;
    }
    put(out, `${prefix}rest-endpoint`, c.restEndpoint, vars);
    put(out, `${prefix}cluster-id`, c.clusterId, vars);
    put(out, `${prefix}api-key`, c.drApiKey, vars);
    put(out, `${prefix}api-secret`, c.drApiSecret, vars);
  }
  // A key's secret is always a secret: only its name is an output.
  delete out['api-secret'];
  delete out['peer-api-secret'];
  return out;
}
