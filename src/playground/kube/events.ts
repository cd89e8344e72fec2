import type { KubeApi } from './api.js';
import { resourceType } from './resources.js';
import { clone, timestamp, type KubeObject } from './types.js';

const EVENT = resourceType('Event');

/**
 * client-go's event recorder as controllers use it: core/v1 Events named `<object>.<hex time>`,
 * with repeated identical events folded into one whose `count` grows (event correlation), and a
 * bound per namespace standing in for the apiserver's one-hour event TTL.
 */
export class EventRecorder {
  private seq = 0;
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly api: KubeApi,
    private readonly now: () => number = Date.now,
    private readonly maxPerNamespace = 2000,
  ) {}

  record(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string, fieldPath?: string): void {
    const ns = involved.metadata.namespace ?? 'default';
    if (!this.api.find(resourceType('Namespace'), undefined, ns)) return;
    const key = [involved.metadata.uid, type, reason, message, component, fieldPath ?? ''].join('\u0000');
    const at = timestamp(this.now());
    const existingName = this.byKey.get(key);
    const existing = existingName ? this.api.find(EVENT, ns, existingName) : undefined;
    if (existing) {
      const next = clone(existing);
      next.count = ((existing.count as number | undefined) ?? 1) + 1;
      next.lastTimestamp = at;
      this.api.update(EVENT, ns, existingName as string, next, { fieldManager: component });
      return;
    }
    const name = `${involved.metadata.name}.${(BigInt(this.now()) * 1_000_000n + BigInt(++this.seq)).toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: involved.kind,
        namespace: ns,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: host ? { component, host } : { component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: host ?? '',
    };
    this.api.create(EVENT, ns, event, { fieldManager: component });
    this.byKey.set(key, name);
    if (this.seq % 100 !== 0) return;
    const all = this.api.select(EVENT, ns);
    if (all.length > this.maxPerNamespace) {
      const oldest = [...all].sort((a, b) => String(a.lastTimestamp).localeCompare(String(b.lastTimestamp))).slice(0, all.length - this.maxPerNamespace);
      for (const e of oldest) this.api.delete(EVENT, ns, e.metadata.name as string);
    }
  }
}
