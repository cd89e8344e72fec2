import type { ConfluentClient } from './confluent/client.js';
import type { LinkConfig } from './confluent/types.js';
import { describeError } from '../../core/errors.js';

/**
 * Consumer offset sync and ACL sync of the link, as status and every cut report them: after a cut, consumers on this
 * cluster resume from the offsets last synced (replaying up to one `consumer.offset.sync.ms` of records), and the
 * stopped topics sync nothing more.
 */
export interface SyncReport {
  offsets: {
    enabled: boolean;
    /** `consumer.offset.sync.ms`: how far behind the synced offsets can be, so the replay consumers may see. */
    intervalMs?: number;
    /** `consumer.offset.group.filters` as set (JSON), shortened. */
    groupFilters?: string;
    /** Consumer groups here, selected by the filters, with offsets for the topics of this run. */
    groups: string[];
    /** Groups the filters select, and how many of them were read (at most GROUP_LIMIT). */
    selected: number;
    read: number;
    /** Set when the groups could not be read. */
    error?: string;
  };
  acls: { enabled: boolean; intervalMs?: number; filters?: string };
}

/** At most this many consumer groups are read (one request each). */
export const GROUP_LIMIT = 20;

export type SyncApi = Pick<ConfluentClient, 'listConsumerGroups' | 'consumerGroupTopics'>;

const value = (configs: LinkConfig[], name: string) => configs.find((c) => c.name === name)?.value ?? undefined;
const number = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);
const shorten = (text: string | undefined) => (text && text.length > 300 ? `${text.slice(0, 300)}…` : text || undefined);

/**
 * Reads what the link syncs, and which synced consumer groups have offsets for `topics` (one listing, and one read
 * per selected group up to GROUP_LIMIT). Never throws: what could not be read is said in the report.
 */
export async function readSync(api: Partial<SyncApi>, configs: LinkConfig[], topics: string[]): Promise<SyncReport> {
  const enabled = value(configs, 'consumer.offset.sync.enable') === 'true';
  const filters = value(configs, 'consumer.offset.group.filters');
  const acls = value(configs, 'acl.sync.enable') === 'true';
  const report: SyncReport = {
    offsets: {
      enabled,
      intervalMs: enabled ? (number(value(configs, 'consumer.offset.sync.ms')) ?? 30_000) : undefined,
      groupFilters: enabled ? shorten(filters) : undefined,
      groups: [],
      selected: 0,
      read: 0,
    },
    acls: {
      enabled: acls,
      intervalMs: acls ? (number(value(configs, 'acl.sync.ms')) ?? 5000) : undefined,
      filters: acls ? shorten(value(configs, 'acl.filters')) : undefined,
    },
  };
  if (!enabled || topics.length === 0) return report;
  if (!api.listConsumerGroups || !api.consumerGroupTopics) return report;
  try {
    const accept = groupFilter(filters ?? '');
    const selected = (await api.listConsumerGroups()).filter(accept);
    report.offsets.selected = selected.length;
    const wanted = new Set(topics);
    for (const group of selected.slice(0, GROUP_LIMIT)) {
      const groupTopics = await api.consumerGroupTopics(group);
      report.offsets.read++;
      if (groupTopics.some((t) => wanted.has(t))) report.offsets.groups.push(group);
    }
  } catch (err) {
    report.offsets.error = describeError(err);
  }
  return report;
}

/**
 * `consumer.offset.group.filters` as a predicate: `{"groupFilters":[{"name":"*"|"x","patternType":"LITERAL"|"PREFIXED",
 * "filterType":"INCLUDE"|"EXCLUDE"}]}`; an EXCLUDE match wins. Unset or unreadable selects nothing (the link syncs nothing).
 */
export function groupFilter(json: string): (group: string) => boolean {
  let filters: Array<{ name?: unknown; patternType?: unknown; filterType?: unknown }> = [];
  try {
    const parsed = JSON.parse(json) as { groupFilters?: unknown };
    if (Array.isArray(parsed.groupFilters)) filters = parsed.groupFilters as typeof filters;
  } catch {
    return () => false;
  }
  const matches = (f: (typeof filters)[number], group: string) => {
    const name = typeof f.name === 'string' ? f.name : '';
    if (name === '*') return true;
    return String(f.patternType).toUpperCase() === 'PREFIXED' ? group.startsWith(name) : group === name;
  };
  return (group) => {
    const hits = filters.filter((f) => matches(f, group));
    return hits.length > 0 && !hits.some((f) => String(f.filterType).toUpperCase() === 'EXCLUDE');
  };
}
