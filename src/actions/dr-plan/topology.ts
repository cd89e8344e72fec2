import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ActionError } from '../../core/errors.js';
import schema from '../../../schema/ccloud-dr.schema.json' with { type: 'json' };

/**
 * The team's DR topology, read from a YAML file in the caller's repository (default `.github/ccloud-dr.yml`) and
 * held to `schema/ccloud-dr.schema.json` (which editors can use too). Every problem is reported at once, each with
 * the file, the line and what to write instead, before anything is contacted.
 */

/** A value that is written in the file, or read from a variable or a secret by name. */
export type Setting = string | { var: string } | { secret: string };
export type SecretRef = { secret: string };

export interface ApiKeyRef {
  apiKey: { var: string } | SecretRef;
  apiSecret: SecretRef;
}

export interface ClusterSpec {
  name: string;
  restEndpoint: Setting;
  clusterId: Setting;
  bootstrap: Setting;
  drOperator: ApiKeyRef;
  application: ApiKeyRef;
}

export interface LinkSpec {
  name: string;
  pattern: 'active-passive' | 'active-active';
  topics?: string[];
  topicPattern?: string;
}

export interface AzureSpec {
  clientId: Setting;
  tenantId: Setting;
  subscriptionId: Setting;
}

export type KubernetesSpec = { aks: { resourceGroup: Setting; name: Setting; admin: boolean; azure?: AzureSpec } } | { kubeconfig: SecretRef };

export interface ObjectSpec {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  data: Record<string, string>;
}

export interface ClientGroupSpec {
  name: string;
  kubernetes: KubernetesSpec;
  namespace: string;
  manifests?: string[];
  objects?: ObjectSpec[];
  verify?: string[];
  restartIfNotReloaded: boolean;
  rolloutTimeout: string;
}

export interface Topology {
  file: string;
  clusters: ClusterSpec[];
  links: LinkSpec[];
  azure?: AzureSpec;
  groups: ClientGroupSpec[];
}

/** One problem in the file: where it is and what to do. */
export interface TopologyProblem {
  line: number;
  column: number;
  message: string;
}

/** Raised with every problem of the file at once. */
export class TopologyError extends ActionError {
  readonly problems: TopologyProblem[];
  constructor(file: string, problems: TopologyProblem[]) {
    super(
      `${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `- ${file}:${p.line}:${p.column}: ${p.message}`).join('\n')}`,
      {
        where: `topology file ${file}`,
        fix: 'Fix the lines named above and run the workflow again; nothing was contacted or changed. The file is checked against schema/ccloud-dr.schema.json, which your editor can use too',
      },
    );
    this.name = 'TopologyError';
    this.problems = problems;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

type Raw = Record<string, unknown>;

/** Parses and checks the file's text; throws a TopologyError listing every problem. */
export function parseTopology(file: string, text: string): Topology {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (node: Node | undefined | null): { line: number; column: number } => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length) {
    throw new TopologyError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { line, column: col, message: `not valid YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const data = doc.toJS() as unknown;
  const problems: TopologyProblem[] = [];
  const nodeAt = (path: string[]): Node | undefined => {
    let node: unknown = doc.contents;
    for (const key of path) {
      if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.value;
      else if (isSeq(node)) node = node.items[Number(key)];
      else return undefined;
    }
    return (node as Node) ?? undefined;
  };
  const keyNodeAt = (path: string[], key: string): Node | undefined => {
    const parent = nodeAt(path);
    if (!isMap(parent)) return parent;
    return (parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.key as Node) ?? parent;
  };
  // Where a whole mapping is wrong (a key missing, none of its forms), the line of its own key reads best.
  const ownKeyAt = (path: string[]): Node | undefined =>
    path.length && !/^\d+$/.test(path[path.length - 1]) ? keyNodeAt(path.slice(0, -1), path[path.length - 1]) : nodeAt(path);
  const WHOLE = new Set(['required', 'minProperties', 'oneOf', 'not']);

  const errors = relevant(validate(data));
  // A typo of a required key is one problem, not two: 'bootstrp' is unknown and 'bootstrap' missing.
  const typoFor = (e: ErrorObject) =>
    e.keyword === 'required' &&
    errors.some(
      (x) =>
        x.keyword === 'additionalProperties' &&
        x.instancePath === e.instancePath &&
        closeTo(String(e.params.missingProperty), String(x.params.additionalProperty)),
    );
  for (const err of errors.filter((e) => !typoFor(e))) {
    const path = err.instancePath.split('/').slice(1).map(unescapePointer);
    const where =
      err.keyword === 'additionalProperties'
        ? keyNodeAt(path, String(err.params.additionalProperty))
        : WHOLE.has(err.keyword)
          ? ownKeyAt(path)
          : (nodeAt(path) ?? nodeAt(path.slice(0, -1)));
    problems.push({ ...at(where), message: explain(err, path) });
  }
  if (problems.length === 0) problems.push(...semanticProblems(data as Raw, (path) => at(nodeAt(path))));
  if (problems.length)
    throw new TopologyError(
      file,
      problems.sort((a, b) => a.line - b.line || a.column - b.column),
    );
  return toTopology(file, data as Raw);
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * ajv reports a failed `oneOf` with the errors of every branch. Keep one sentence per place: the `oneOf` itself
 * where a value matched none of the forms, and drop the branch errors under it.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'not') return true;
    for (const p of oneOfPaths) if (e.instancePath === p || e.instancePath.startsWith(`${p}/`)) return isUnambiguous(e, errors, p);
    return true;
  });
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Inside a oneOf, a branch error is worth showing only when every branch agrees the value is an object of that shape. */
function isUnambiguous(e: ErrorObject, all: ErrorObject[], oneOfPath: string): boolean {
  // The group-level oneOf (manifests or objects) says nothing about the keys inside it: keep those errors.
  const group = /^\/client-groups\/\d+$/.test(oneOfPath);
  if (group) return e.instancePath !== oneOfPath || e.keyword === 'oneOf';
  return all.filter((x) => x.instancePath === oneOfPath && x.keyword === 'oneOf').length === 0;
}

const SETTING = 'a value, `{ var: NAME }` (a GitHub variable) or `{ secret: NAME }` (a secret)';

function explain(err: ErrorObject, path: string[]): string {
  const name = path.length ? `'${path.join('.')}'` : 'the file';
  const last = path[path.length - 1] ?? '';
  switch (err.keyword) {
    case 'required':
      return `${name === 'the file' ? 'the file' : name} is missing '${String(err.params.missingProperty)}'`;
    case 'additionalProperties': {
      const key = String(err.params.additionalProperty);
      const allowed = allowedKeys(err);
      const near = allowed.find((k) => closeTo(k, key));
      return `unknown key '${key}' in ${name}${near ? `: did you mean '${near}'?` : allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`;
    }
    case 'const':
      return `${name} must be ${JSON.stringify(err.params.allowedValue)}`;
    case 'enum':
      return `${name} must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return `${name} is not valid: ${describePattern(path)}`;
    case 'type':
      return `${name} must be ${err.params.type === 'array' ? 'a list' : err.params.type === 'object' ? 'a mapping' : `a ${String(err.params.type)}`}`;
    case 'minProperties':
      return last === 'clusters' ? "'clusters' must name at least two clusters (a DR switch moves from one to another)" : `${name} must not be empty`;
    case 'minItems':
      return `${name} must list at least ${String(err.params.limit)}`;
    case 'minLength':
      return `${name} must not be empty`;
    case 'uniqueItems':
      return `${name} lists the same entry twice`;
    case 'not':
      return `${name} gives both 'topics' and 'topic-pattern': give one of them, or neither for every mirror topic of the link`;
    case 'oneOf':
      if (/^client-groups\.\d+$/.test(path.join('.'))) return `${name} must give either 'manifests' or 'objects' (exactly one)`;
      if (last === 'kubernetes') return `${name} must be \`{ aks: { resource-group, name } }\` or \`{ kubeconfig: { secret: NAME } }\``;
      if (last === 'api-key') return `${name} must be \`{ var: NAME }\` or \`{ secret: NAME }\``;
      return `${name} must be ${SETTING}`;
    default:
      return `${name} ${err.message ?? 'is not valid'}`;
  }
}

function allowedKeys(err: ErrorObject): string[] {
  const props = (err.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** Same letters but for one edit, or the same with dashes or underscores swapped: a likely typo. */
function closeTo(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[_\s]/g, '-');
  if (norm(a) === norm(b)) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

function describePattern(path: string[]): string {
  const last = path[path.length - 1];
  if (path[0] === 'clusters' && path.length === 1) return 'a cluster name is lower-case letters, digits and dashes';
  if (last === 'name' && path[0] === 'client-groups') return 'a client group name is lower-case letters, digits and dashes, at most 40 characters';
  if (last === 'namespace') return 'a Kubernetes namespace name (lower-case letters, digits and dashes, at most 63 characters)';
  if (last === 'var' || last === 'secret') return 'a variable or secret name is letters, digits and underscores, not starting with a digit';
  if (path.includes('topics') || (last === 'name' && path[0] === 'links')) return "Kafka's names are letters, digits, '.', '_' and '-', at most 249 characters";
  if (last === 'rollout-timeout') return 'a duration such as `10m`, `90s` or `1h30m`';
  return 'see schema/ccloud-dr.schema.json for the accepted form';
}

/** What the schema cannot say: names unique, patterns compile, groups' verify lists name their objects. */
function semanticProblems(data: Raw, at: (path: string[]) => { line: number; column: number }): TopologyProblem[] {
  const problems: TopologyProblem[] = [];
  const links = (data.links as Raw[] | undefined) ?? [];
  const seenLinks = new Set<string>();
  links.forEach((link, i) => {
    if (seenLinks.has(String(link.name))) problems.push({ ...at(['links', String(i), 'name']), message: `link '${String(link.name)}' is listed twice` });
    seenLinks.add(String(link.name));
    if (typeof link['topic-pattern'] === 'string') {
      try {
        new RegExp(link['topic-pattern']);
      } catch (err) {
        problems.push({
          ...at(['links', String(i), 'topic-pattern']),
          message: `'links.${i}.topic-pattern' is not a valid regular expression: ${(err as Error).message}`,
        });
      }
    }
  });
  if (links.filter((l) => l.pattern === 'active-passive').length > 1) {
    problems.push({
      ...at(['links']),
      message: 'more than one active-passive link: a switch fails over the mirrors of one link; split the topologies into two files',
    });
  }
  const groups = (data['client-groups'] as Raw[]) ?? [];
  const seenGroups = new Set<string>();
  groups.forEach((group, i) => {
    const base = ['client-groups', String(i)];
    if (seenGroups.has(String(group.name))) problems.push({ ...at([...base, 'name']), message: `client group '${String(group.name)}' is listed twice` });
    seenGroups.add(String(group.name));
    const objects = (group.objects as Raw[] | undefined) ?? [];
    const names = new Set(objects.map((o) => `${String(o.kind)}/${String(o.name)}`));
    (group.verify as string[] | undefined)?.forEach((v, j) => {
      if (!objects.length) return; // manifests: checked once they are read
      const candidates = v.includes('/') ? [v] : [`ConfigMap/${v}`, `Secret/${v}`];
      if (!candidates.some((c) => names.has(c)))
        problems.push({
          ...at([...base, 'verify', String(j)]),
          message: `'verify' names ${v}, which is not one of the group's objects (${[...names].join(', ')})`,
        });
    });
  });
  return problems;
}

function setting(value: unknown): Setting {
  return value as Setting;
}

function apiKey(raw: Raw): ApiKeyRef {
  return { apiKey: raw['api-key'] as ApiKeyRef['apiKey'], apiSecret: raw['api-secret'] as SecretRef };
}

function azure(raw: Raw | undefined): AzureSpec | undefined {
  return raw && { clientId: setting(raw['client-id']), tenantId: setting(raw['tenant-id']), subscriptionId: setting(raw['subscription-id']) };
}

function toTopology(file: string, data: Raw): Topology {
  const clusters = Object.entries(data.clusters as Record<string, Raw>).map(([name, c]) => ({
    name,
    restEndpoint: setting(c['rest-endpoint']),
    clusterId: setting(c['cluster-id']),
    bootstrap: setting(c.bootstrap),
    drOperator: apiKey(c['dr-operator'] as Raw),
    application: apiKey(c.application as Raw),
  }));
  const links = ((data.links as Raw[] | undefined) ?? []).map((l) => ({
    name: String(l.name),
    pattern: l.pattern as LinkSpec['pattern'],
    topics: l.topics as string[] | undefined,
    topicPattern: l['topic-pattern'] as string | undefined,
  }));
  const groups = (data['client-groups'] as Raw[]).map((g) => {
    const k = g.kubernetes as Raw;
    const aks = k.aks as Raw | undefined;
    const kubernetes: KubernetesSpec = aks
      ? {
          aks: {
            resourceGroup: setting(aks['resource-group']),
            name: setting(aks.name),
            admin: aks.admin === true,
            azure: azure(aks.azure as Raw | undefined),
          },
        }
      : { kubeconfig: k.kubeconfig as SecretRef };
    return {
      name: String(g.name),
      kubernetes,
      namespace: String(g.namespace),
      manifests: g.manifests as string[] | undefined,
      objects: g.objects as ObjectSpec[] | undefined,
      verify: g.verify as string[] | undefined,
      restartIfNotReloaded: g['restart-if-not-reloaded'] === true,
      rolloutTimeout: typeof g['rollout-timeout'] === 'string' ? g['rollout-timeout'] : '10m',
    };
  });
  return { file, clusters, links, azure: azure(data.azure as Raw | undefined), groups };
}
