/**
 * The drill's books: every numbered record a user sent, where and when it was acknowledged, and every time a
 * consumer saw it. RTO, RPO and duplicates are counted from these entries, never estimated.
 */

/** A record's identity: the user that sent it and its sequence number in that user's stream. */
export interface RecordId {
  user: number;
  seq: number;
}

/** `3:17`: user 3, record 17. */
export function recordKey(id: RecordId): string {
  return `${id.user}:${id.seq}`;
}

/** The record value the simulated producers write: its identity, so any copy of it can be traced back. */
export function encodeRecord(id: RecordId): string {
  return JSON.stringify({ user: id.user, seq: id.seq });
}

/** The identity in a record value, or undefined for a value the drill did not write. */
export function decodeRecord(value: string): RecordId | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<RecordId>;
    return Number.isInteger(parsed.user) && Number.isInteger(parsed.seq) ? { user: parsed.user!, seq: parsed.seq! } : undefined;
  } catch {
    return undefined;
  }
}

/** A broker's acknowledgement of one record. */
export interface Ack {
  key: string;
  cluster: string;
  topic: string;
  partition: number;
  offset: number;
  at: number;
  pod: string;
}

/** One time a consumer saw a record. */
export interface Delivery {
  key: string;
  cluster: string;
  topic: string;
  partition: number;
  offset: number;
  at: number;
  pod: string;
}

/** A send that was not acknowledged (it is retried), or a consumer error. */
export interface ClientError {
  at: number;
  pod: string;
  cluster?: string;
  role: 'producer' | 'consumer';
  message: string;
}

/** The drill's books. Append-only while the drill runs. */
export class Ledger {
  readonly acks = new Map<string, Ack>();
  readonly deliveries: Delivery[] = [];
  readonly errors: ClientError[] = [];
  /** Consumer position resets (auto.offset.reset after OFFSET_OUT_OF_RANGE). */
  readonly resets: Array<{ at: number; pod: string; cluster: string; topic: string; partition: number; from: number; to: number }> = [];
  private readonly seen = new Map<string, number>();

  ack(ack: Ack): void {
    if (this.acks.has(ack.key))
      throw new Error(`drill ledger: record ${ack.key} was acknowledged twice (${this.acks.get(ack.key)!.cluster} and ${ack.cluster})`);
    this.acks.set(ack.key, ack);
  }

  deliver(delivery: Delivery): void {
    this.deliveries.push(delivery);
    this.seen.set(delivery.key, (this.seen.get(delivery.key) ?? 0) + 1);
  }

  error(error: ClientError): void {
    // Errors repeat every retry; keep the books bounded (the first and the count per pod tell the story).
    if (this.errors.length < 10_000) this.errors.push(error);
  }

  /** How many times consumers saw a record. */
  timesSeen(key: string): number {
    return this.seen.get(key) ?? 0;
  }

  /** Extra deliveries: every sighting of a record beyond its first. */
  duplicates(): number {
    let extra = 0;
    for (const n of this.seen.values()) extra += n - 1;
    return extra;
  }
}
