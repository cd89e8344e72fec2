/**
 * kafkajs is CommonJS, and Node's ESM loader sees only some of its exports by name (not the ACL enums,
 * which its index spreads in): every value comes from the default export here, and each enum keeps its
 * type under the same name.
 */
import kafkajs from 'kafkajs';
import type { Consumer, ConsumerConfig } from 'kafkajs';
import { createRequire } from 'node:module';

export type { Admin, AclEntry, AclFilter, Consumer, KafkaConfig, PartitionAssigner, Producer } from 'kafkajs';

export const Kafka = kafkajs.Kafka;
export type Kafka = InstanceType<typeof kafkajs.Kafka>;
export const logLevel = kafkajs.logLevel;
export const AssignerProtocol = kafkajs.AssignerProtocol;
export const AclResourceTypes = kafkajs.AclResourceTypes;
export type AclResourceTypes = import('kafkajs').AclResourceTypes;
export const AclOperationTypes = kafkajs.AclOperationTypes;
export type AclOperationTypes = import('kafkajs').AclOperationTypes;
export const AclPermissionTypes = kafkajs.AclPermissionTypes;
export type AclPermissionTypes = import('kafkajs').AclPermissionTypes;
export const ResourcePatternTypes = kafkajs.ResourcePatternTypes;
export type ResourcePatternTypes = import('kafkajs').ResourcePatternTypes;

/**
 * A kafkajs consumer whose `disconnect()` is final. After a retriable error (its cluster out of reach) kafkajs
 * restarts a crashed consumer on a timer, and a `disconnect()` that comes while that restart is being set up (the
 * crash handler still disconnecting, or the restarted consumer connecting) does not cancel it: the consumer retries a
 * cluster that is gone, forever, on a referenced timer, and the process never exits. Here every restart first asks
 * whether `disconnect()` was called (then any `restartOnFailure` given), and a restart that had already got as far as
 * joining its group leaves it again.
 */
export function finalConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  let closed = false;
  const restart = config.retry?.restartOnFailure;
  const consumer = kafka.consumer({
    ...config,
    retry: { ...config.retry, restartOnFailure: async (e: Error) => !closed && (restart ? restart(e) : true) },
  });
  const disconnect = consumer.disconnect.bind(consumer);
  consumer.disconnect = async () => {
    closed = true;
    await disconnect();
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (closed) void disconnect().catch(() => undefined);
  });
  return consumer;
}

/** kafkajs' per-connection request queue (internal; kafkajs is pinned at 2.2.4), as far as the fix below uses it. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

/**
 * kafkajs 2.2.4's request queue (kafkajs issues #1704 and #1751, open upstream): after every check of its pending
 * requests it schedules the next one at `throttledUntil - now`, which is negative when nothing is throttled, so every
 * open broker connection checks again every millisecond for as long as it is open (on a 2-core machine, CPU the
 * brokers and clients need) and Node prints a TimeoutNegativeWarning. With nothing pending and no throttle there is
 * nothing to check: a new request is sent at once, or queued and checked, by the queue's push(). This is the fix
 * proposed upstream (#1768); the same module instance kafkajs itself requires is patched, once.
 */
export const requestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
const schedule = requestQueue.prototype.scheduleCheckPendingRequests;
if (!(schedule as { idleFixed?: boolean }).idleFixed) {
  const fixed = function (this: RequestQueue): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  requestQueue.prototype.scheduleCheckPendingRequests = Object.assign(fixed, { idleFixed: true, unfixed: schedule });
}
