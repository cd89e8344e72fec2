import type { ClusterLink } from './confluent/types.js';
import type { PlannedTopic } from './plan.js';
import type { PeerProbe } from './peer.js';
import type { MirrorResult } from './result.js';

/**
 * What a link's `link_state` and `link_error` mean for the run. Confluent shows UNAVAILABLE once the destination has
 * not reached the source for 5 minutes (an outage, or a misconfiguration), with the reason in `link_error`.
 */
const LINK_ERRORS: Record<string, string> = {
  AUTHENTICATION_ERROR: "the link's credentials for the other cluster were refused: its API key was deleted or rotated; update the link's sasl.jaas.config",
  UNRESOLVABLE_BOOTSTRAP_ERROR: "the link's bootstrap.servers cannot be resolved: check the other cluster's bootstrap in the link's configs",
  INVALID_BOOTSTRAP_INTERNAL_ENDPOINT_ERROR:
    "the link's bootstrap.servers is an internal endpoint this cluster cannot use: set the other cluster's public or private-link bootstrap",
  BOOTSTRAP_TCP_CONNECTION_FAILED_ERROR:
    'the other cluster refused or dropped the connection: it is down, or the network (firewall, private link, DNS) is in the way',
  TIMEOUT_ERROR: 'connections to the other cluster time out: it is down, or the network path to it is broken',
};

/** `UNAVAILABLE (AUTHENTICATION_ERROR: …)`, or undefined when the link is ACTIVE without an error. */
export function linkTrouble(link: ClusterLink): string | undefined {
  const error = link.linkError && link.linkError !== 'NO_ERROR' ? link.linkError : undefined;
  const state = link.linkState ?? 'ACTIVE';
  if (state === 'ACTIVE' && !error) return undefined;
  const detail = error ? ` (${error}${link.linkErrorMessage ? `: ${link.linkErrorMessage}` : ''})` : '';
  return `${state}${detail}`;
}

/** What the link's error usually means, and what to do about it. */
export function linkErrorMeaning(link: ClusterLink): string | undefined {
  if (link.linkState === 'PAUSED')
    return 'the link is paused (cluster.link.paused=true), so nothing is fetched: resume it with `confluent kafka link configuration update <link> --config cluster.link.paused=false`, then re-run';
  const error = link.linkError && link.linkError !== 'NO_ERROR' ? link.linkError : undefined;
  if (!error) return undefined;
  return LINK_ERRORS[error] ?? `link_error ${error} is not one this action knows: see the link in the Confluent Cloud console`;
}

/** How the lag of a cut stands as the RPO: said once, the same way in the summary, the result and the report. */
export function rpoOf(operation: string, totalLag: number, link: ClusterLink, planned: PlannedTopic[], probe: PeerProbe | undefined): MirrorResult['rpo'] {
  if (operation !== 'failover') {
    return {
      basis: 'none',
      records: 0,
      text: `0: ${operation} syncs every record before the topics stop (${totalLag} record(s) were still to sync when it was accepted)`,
    };
  }
  const unavailable = planned.filter((p) => p.step === 'send' && p.before?.mirrorStatus === 'SOURCE_UNAVAILABLE');
  const since = unavailable.length ? Math.min(...unavailable.map((p) => p.before!.stateTimeMs)) : undefined;
  const trouble = linkTrouble(link);
  if (probe?.answered && !trouble && unavailable.length === 0)
    return { basis: 'measured', records: totalLag, text: `${totalLag}: the link's lag at the cut, while the source (${probe.clusterId}) answered` };
  if (probe || trouble || unavailable.length) {
    const why = [
      probe && !probe.answered ? `the source ${probe.clusterId} did not answer at ${new Date(probe.at).toISOString()}` : '',
      trouble ? `the link was ${trouble}` : '',
      since ? `the mirrors showed SOURCE_UNAVAILABLE since ${new Date(since).toISOString()}` : '',
    ].filter(Boolean);
    return {
      basis: 'lower-bound',
      records: totalLag,
      text: `at least ${totalLag}: the lag as of the link's last fetch from the source (${why.join('; ')}); records written to the source after that fetch are not counted`,
    };
  }
  return {
    basis: 'unchecked',
    records: totalLag,
    text: `${totalLag}: the link's lag at the cut; whether the source still answered was not checked (give the peer-* inputs): if it did not, this is a lower bound`,
  };
}
