/**
 * Moves time forward: applies the asynchronous state changes that fell due (in due order, each after replicating
 * up to its own due time), copies records that reached their mirrors, and runs consumer offset sync. Called at the
 * start of every REST request and every programmatic call, so every observation is exact.
 */
import { syncGroupOffsets } from './groups.js';
import { config, offsetSyncMs } from './links.js';
import { isFetching, linkUp, sourceTopic, syncMirror } from './replication.js';
import type { Mirror, Pending, World } from './state.js';

/** Brings the whole emulator up to `world.now()`: due state changes, replication, offset sync. */
export function advance(world: World): void {
  const now = world.now();
  while (world.scheduled.size > 0 && world.nextDue <= now) {
    const due = [...world.scheduled].filter((m) => m.pending!.due <= now).sort((a, b) => a.pending!.due - b.pending!.due);
    for (const mirror of due) {
      const pending = mirror.pending;
      if (!pending || pending.due > now) continue;
      if (isFetching(mirror)) syncMirror(world, mirror, pending.due);
      world.unschedule(mirror);
      apply(world, mirror, pending);
    }
    let next = Infinity;
    for (const mirror of world.scheduled) next = Math.min(next, mirror.pending!.due);
    world.nextDue = next;
  }
  for (const mirror of world.dirty) {
    if (!isFetching(mirror) || syncMirror(world, mirror, now)) world.dirty.delete(mirror);
  }
  for (const cluster of world.clusters) {
    for (const link of cluster.links.values()) {
      if (config(link, 'consumer.offset.sync.enable') !== 'true') continue;
      const every = offsetSyncMs(link);
      if (now - link.lastOffsetSync < every) continue;
      link.lastOffsetSync = now;
      syncGroupOffsets(world, link);
    }
  }
}

function apply(world: World, mirror: Mirror, pending: Pending): void {
  const at = pending.due;
  switch (pending.verb) {
    case 'promote':
      if (!sourceTopic(world, mirror)) {
        fail(
          world,
          mirror,
          pending,
          'UNKNOWN_TOPIC_OR_PARTITION_ERROR',
          `Promote of '${mirror.topic.name}' failed: its source topic no longer exists on cluster ${mirror.link.remoteId}.`,
        );
        return;
      }
      if (!linkUp(world, mirror)) {
        // The last sync needs the source: the promote stays PENDING_STOPPED, saying why, until the source is back
        // (then it completes). The code is one of the spec's LinkTaskErrorCode values; which one the service uses
        // here is not documented.
        if (!mirror.transitionErrors.length)
          mirror.transitionErrors.push({
            error_code: 'INTERNAL_ERROR',
            error_message: `Promote of '${mirror.topic.name}' cannot complete: the source cluster ${mirror.link.remoteId} cannot be reached for the last sync. Use failover to stop mirroring without it.`,
          });
        world.schedule(mirror, { ...pending, due: world.now() + world.transitionMs });
        return;
      }
      if (!appliedOutside(world, mirror, pending)) return;
      syncMirror(world, mirror, at, true);
      if (config(mirror.link, 'consumer.offset.sync.enable') === 'true') syncGroupOffsets(world, mirror.link, mirror);
      stop(world, mirror, at);
      return;
    case 'failover':
      if (!appliedOutside(world, mirror, pending)) return;
      stop(world, mirror, at);
      return;
    case 'pause':
      if (!appliedOutside(world, mirror, pending)) return;
      world.setStatus(mirror, 'PAUSED', at);
      return;
    case 'resume':
      if (!appliedOutside(world, mirror, pending)) return;
      world.setStatus(mirror, 'ACTIVE', at);
      return;
    case 'create':
      if (!appliedOutside(world, mirror, pending)) return;
      world.setStatus(mirror, 'ACTIVE', at);
      return;
    case 'truncate-and-restore':
      if (pending.phase === 0) {
        if (!appliedOutside(world, mirror, pending)) return;
        world.setStatus(mirror, 'PENDING_RESTORE', at);
        world.schedule(mirror, { ...pending, phase: 1, due: at + Math.ceil(world.transitionMs / 2) });
      } else {
        world.setStatus(mirror, 'ACTIVE', at);
      }
      return;
    default: {
      // reverse-and-start-mirror / reverse-and-pause-mirror
      if (pending.phase === 1) {
        world.setStatus(mirror, pending.verb === 'reverse-and-start-mirror' ? 'ACTIVE' : 'PAUSED', at);
        return;
      }
      const peer = world.peerLink(mirror.link);
      const source = sourceTopic(world, mirror);
      if (!linkUp(world, mirror) || !peer || !source || (source.mirror && source.mirror.status !== 'STOPPED')) {
        fail(
          world,
          mirror,
          pending,
          peer && source ? 'INTERNAL_ERROR' : 'REMOTE_MIRROR_NOT_FOUND_ERROR',
          `${pending.verb} of '${mirror.topic.name}' did not complete: the remote cluster ${mirror.link.remoteId} or its topic became unavailable.`,
        );
        return;
      }
      if (!appliedOutside(world, mirror, pending)) return;
      syncMirror(world, mirror, at, true);
      stop(world, mirror, at);
      // The former source becomes a mirror of this (now writable) topic on the peer's side of the link.
      const reversed = world.newMirror(peer, source, mirror.topic.name, 'PENDING_MIRROR', mirror.topic.id);
      reversed.stateTimeMs = at;
      reversed.knownSourceEnd = mirror.topic.partitions.map((p) => p.length);
      world.schedule(reversed, { ...pending, phase: 1, due: at + world.transitionMs, previous: 'STOPPED' });
    }
  }
}

/**
 * Whether the data plane under the link (when it is not this memory) has carried out the verb. While it has not,
 * the change stays pending and is looked at again; when it cannot, the change fails with its reason.
 */
function appliedOutside(world: World, mirror: Mirror, pending: Pending): boolean {
  const plane = world.dataPlane;
  if (!plane) return true;
  const answer = plane.apply({ cluster: mirror.link.cluster.name, link: mirror.link.name, topic: mirror.topic.name, source: mirror.sourceTopic }, pending.verb);
  if (answer === 'done') return true;
  if (answer === 'pending') world.schedule(mirror, { ...pending, due: world.now() + world.transitionMs });
  else fail(world, mirror, pending, 'INTERNAL_ERROR', answer.error);
  return false;
}

function stop(world: World, mirror: Mirror, at: number): void {
  mirror.stoppedOffsets = mirror.topic.partitions.map((p) => p.length);
  world.setStatus(mirror, 'STOPPED', at);
}

function fail(world: World, mirror: Mirror, pending: Pending, code: string, message: string): void {
  world.setStatus(mirror, pending.previous, pending.due);
  mirror.transitionErrors.push({ error_code: code, error_message: message });
}
