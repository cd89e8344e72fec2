import type { ResourceType } from './resources.js';
import type { Condition, ContainerStatus, KubeObject, Pod } from './types.js';

/**
 * Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`, which asks for it with
 * `Accept: application/json;as=Table;...`: the columns kubectl users expect per kind (READY,
 * UP-TO-DATE, STATUS with CrashLoopBackOff, RESTARTS, ...).
 */

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (o: KubeObject, now: number) => string | number;
}

/** kubectl's HumanDuration, roughly: 45s, 3m20s, 15m, 4h10m, 2d. */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name ?? '' };
const ageColumn: Column = { name: 'Age', type: 'string', cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function podStatus(p: Pod): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const waiting = (p.status?.containerStatuses ?? []).map((c: ContainerStatus) => c.state.waiting?.reason as string | undefined).find(Boolean);
  return waiting ?? p.status?.phase ?? 'Unknown';
}

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(status(o).updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => num(status(o).availableReplicas) },
    ageColumn,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(spec(o).replicas) },
    { name: 'Current', type: 'integer', cell: (o) => num(status(o).replicas) },
    { name: 'Ready', type: 'integer', cell: (o) => num(status(o).readyReplicas) },
    ageColumn,
  ],
  StatefulSet: [name, { name: 'Ready', type: 'string', cell: (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}` }, ageColumn],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(status(o).desiredNumberScheduled) },
    { name: 'Current', type: 'integer', cell: (o) => num(status(o).currentNumberScheduled) },
    { name: 'Ready', type: 'integer', cell: (o) => num(status(o).numberReady) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(status(o).updatedNumberScheduled) },
    { name: 'Available', type: 'integer', cell: (o) => num(status(o).numberAvailable) },
    ageColumn,
  ],
  Pod: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const cs = (o as Pod).status?.containerStatuses ?? [];
        return `${cs.filter((c) => c.ready).length}/${(o as Pod).spec.containers.length}`;
      },
    },
    { name: 'Status', type: 'string', cell: (o) => podStatus(o as Pod) },
    { name: 'Restarts', type: 'string', cell: (o) => String(((o as Pod).status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0)) },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => (o as Pod).status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => (o as Pod).spec.nodeName ?? '<none>' },
  ],
  ConfigMap: [
    name,
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length },
    ageColumn,
  ],
  Secret: [
    name,
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o.data as object) ?? {}).length },
    ageColumn,
  ],
  Namespace: [name, { name: 'Status', type: 'string', cell: (o) => String(status(o).phase ?? '') }, ageColumn],
  Node: [
    name,
    {
      name: 'Status',
      type: 'string',
      cell: (o) => (((status(o).conditions as Condition[] | undefined) ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady'),
    },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    ageColumn,
    { name: 'Version', type: 'string', cell: (o) => String((status(o).nodeInfo as { kubeletVersion?: string } | undefined)?.kubeletVersion ?? '') },
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: (o, now) => age(String(o.lastTimestamp ?? o.metadata.creationTimestamp), now) },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o.reason ?? '') },
    {
      name: 'Object',
      type: 'string',
      cell: (o) => `${String((o.involvedObject as { kind?: string }).kind ?? '').toLowerCase()}/${String((o.involvedObject as { name?: string }).name ?? '')}`,
    },
    { name: 'Message', type: 'string', cell: (o) => String(o.message ?? '') },
  ],
};

/** Whether the Accept header asks for a Table (kubectl get). */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

export function toTable(type: ResourceType, items: KubeObject[], resourceVersion: string, includeObject: string | null, now = Date.now()): object {
  const columns = COLUMNS[type.kind] ?? [name, ageColumn];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
