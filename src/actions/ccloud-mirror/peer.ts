import type { ConfluentClient } from './confluent/client.js';
import type { ClusterLink, MirrorTopic } from './confluent/types.js';
import { ActionError, describeError } from '../../core/errors.js';
import type { Clock } from '../../core/time.js';
import { listSome } from './plan.js';

/**
 * The other cluster of the link, given with the peer-* inputs: the source for failover and promote, the remote for
 * the reverse verbs, the cluster that failed over for truncate-and-restore. It is probed before the verbs that need
 * it, read for the names truncate-and-restore restores, and watched after a reverse until its side has turned.
 */
export type PeerApi = Pick<ConfluentClient, 'clusterId' | 'probe' | 'listLinks' | 'listMirrors'>;

/** What the probe of the peer found. */
export interface PeerProbe {
  clusterId: string;
  answered: boolean;
  /** When the probe ended (epoch ms). */
  at: number;
  /** Why it did not answer. */
  error?: string;
}

/** One GET of the peer cluster, bounded by `requestTimeoutMs` (and the run's deadline): does it answer? */
export async function probePeer(peer: PeerApi, clock: Clock, requestTimeoutMs: number, runDeadline: number, signal?: AbortSignal): Promise<PeerProbe> {
  const deadline = Math.min(runDeadline, clock.now() + requestTimeoutMs);
  try {
    await peer.probe({ deadline, signal });
    return { clusterId: peer.clusterId, answered: true, at: clock.now() };
  } catch (err) {
    // The message alone: the request's own advice names the inputs of this cluster, not the peer-* ones.
    return { clusterId: peer.clusterId, answered: false, at: clock.now(), error: err instanceof Error ? err.message : describeError(err) };
  }
}

/** The refusal of a verb that needs the peer when the probe got no answer: nothing was sent. */
export function peerDown(operation: string, probe: PeerProbe, where: string): ActionError {
  const fix =
    operation === 'truncate-and-restore'
      ? 'truncate-and-restore reads the stopped mirrors on the cluster that failed over: wait until it answers, then re-run'
      : `Nothing was sent. ${operation} needs the other cluster (${probe.clusterId}); if it is down, use 'operation: failover', which needs only this cluster (the records not yet mirrored, reported as total-lag, are lost), and 'truncate-and-restore' on it once it is back`;
  return new ActionError(`cannot ${operation}: the peer cluster ${probe.clusterId} did not answer (${probe.error ?? 'no answer'})`, { where, fix });
}

/**
 * The peer's side of a bidirectional link: the link with the same cluster_link_id (both sides share it), else the
 * one of the same name pointing back at this cluster.
 */
export async function peerSide(peer: PeerApi, link: ClusterLink, localClusterId: string): Promise<ClusterLink> {
  const links = await peer.listLinks();
  const found =
    links.find((l) => link.clusterLinkId !== '' && l.clusterLinkId === link.clusterLinkId) ??
    links.find((l) => l.linkName === link.linkName && l.remoteClusterId === localClusterId);
  if (found) return found;
  throw new ActionError(`the peer cluster ${peer.clusterId} has no side of link '${link.linkName}' (cluster_link_id ${link.clusterLinkId || 'unknown'})`, {
    where: `cluster ${peer.clusterId}`,
    fix: `Check 'peer-cluster-id' and 'peer-rest-endpoint': they must name the link's other cluster (${link.remoteClusterId ?? link.sourceClusterId ?? link.destinationClusterId ?? 'its remote'}). Links there: ${listSome(links.map((l) => l.linkName)) || 'none'}`,
  });
}

/** The names truncate-and-restore restores: the peer's STOPPED mirrors of this cluster's topics (matching `pattern`). */
export function stoppedOnPeer(mirrors: MirrorTopic[], pattern?: RegExp): string[] {
  return mirrors
    .filter((m) => m.mirrorStatus === 'STOPPED' && (!pattern || pattern.test(m.sourceTopicName)))
    .map((m) => m.sourceTopicName)
    .filter((name, i, all) => all.indexOf(name) === i);
}
