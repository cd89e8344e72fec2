import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change, as watchers and controllers see it. */
export interface StoreEvent {
  type: EventType;
  resource: ResourceType;
  /** The object after the change (before it, for DELETED). Frozen: never mutate. */
  object: KubeObject;
  /** The object before the change (MODIFIED only). */
  old?: KubeObject;
  rv: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Per resource type: its recent events (the watch cache) and the newest event it had to drop. */
interface History {
  events: StoreEvent[];
  droppedUpTo: number;
}

/**
 * The etcd of the emulator: objects by type, namespace and name; one global resourceVersion that
 * grows with every write; a bounded per-type event history from which watches resume (older
 * resourceVersions get 410 Expired). Stored objects are frozen, so a write always stores a new object.
 */
export class Store {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly histories = new Map<string, History>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly historySize: number) {}

  /** The newest resourceVersion, as a list's `metadata.resourceVersion` reports it. */
  get resourceVersion(): number {
    return this.rv;
  }

  private table(type: ResourceType): Map<string, KubeObject> {
    let table = this.objects.get(type.plural);
    if (!table) {
      table = new Map();
      this.objects.set(type.plural, table);
    }
    return table;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(type).get(`${type.namespaced ? (namespace ?? '') : ''}/${name}`);
  }

  /** Objects of a type, in one namespace or all, ordered by namespace then name (etcd key order). */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const items: KubeObject[] = [];
    for (const obj of this.table(type).values()) {
      if (namespace === undefined || !type.namespaced || obj.metadata.namespace === namespace) items.push(obj);
    }
    return items.sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
      const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  /** Stores an added or modified object under a new resourceVersion and tells every listener. */
  put(type: ResourceType, object: KubeObject, old?: KubeObject): KubeObject {
    const rv = ++this.rv;
    object.metadata.resourceVersion = String(rv);
    deepFreeze(object);
    this.table(type).set(`${type.namespaced ? (object.metadata.namespace ?? '') : ''}/${object.metadata.name}`, object);
    this.emit({ type: old ? 'MODIFIED' : 'ADDED', resource: type, object, old, rv });
    return object;
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion, as the apiserver's does. */
  remove(type: ResourceType, object: KubeObject): KubeObject {
    const rv = ++this.rv;
    const key = `${type.namespaced ? (object.metadata.namespace ?? '') : ''}/${object.metadata.name}`;
    this.table(type).delete(key);
    const gone = deepFreeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } });
    this.emit({ type: 'DELETED', resource: type, object: gone, rv });
    return gone;
  }

  private emit(event: StoreEvent): void {
    let history = this.histories.get(event.resource.plural);
    if (!history) {
      history = { events: [], droppedUpTo: 0 };
      this.histories.set(event.resource.plural, history);
    }
    history.events.push(event);
    if (history.events.length > this.historySize) {
      const dropped = history.events.splice(0, history.events.length - this.historySize);
      history.droppedUpTo = dropped[dropped.length - 1].rv;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * Events of a type after `rv`, or `{ expired }` with the oldest resourceVersion still available
   * when some event after `rv` was already dropped from the history.
   */
  since(type: ResourceType, rv: number): StoreEvent[] | { expired: number } {
    const history = this.histories.get(type.plural);
    if (!history) return [];
    if (rv < history.droppedUpTo) return { expired: history.droppedUpTo + 1 };
    return history.events.filter((e) => e.rv > rv);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
