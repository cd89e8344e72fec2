import { HASH_COLLISION } from './data.js';
import { envVarName, LAST_RELOADED_FROM, reloaderEnvValue, reloadSourceFor, type HashedResource, type PodTemplateLike } from './reloader.js';
import { RESTARTED_FOR, restartRecordOf } from './restart.js';

/**
 * Which data a pod template's pods started with, as far as its markers tell: Reloader's env var
 * (`STAKATER_<NAME>_<TYPE>`, in `containers` only), Reloader's `last-reloaded-from` annotation, and the
 * `restarted-for` record of a restart by these actions. A template can carry several, written at different
 * times for different data (Reloader wrote north's hash; Reloader stopped; a restart for west; the data went
 * back to north and Reloader, seeing its variable already hold north's hash, wrote nothing). Only the latest
 * marker says what the pods run, so the verdict rests on it, never on whichever marker happens to match.
 *
 * Order: the env var has no time, but a restart records what the env var and the annotation held when it was
 * made, so a marker that differs from that record was written after the restart. When the order cannot be
 * told and the markers disagree, the template is not taken as current (the caller waits, restarts or fails).
 */

/** How the latest marker was written. */
export type MarkerStrategy = 'env-vars' | 'annotations' | 'restart';

/** The data the workloads must run with. */
export interface ExpectedData extends HashedResource {
  /** `dataDigest` of the data. */
  data?: string;
  /** The object records a hash collision at this hash: Reloader's markers cannot tell this data from the older data. */
  collision?: boolean;
}

export interface MarkerVerdict {
  /** The latest marker is for the expected data. */
  current: boolean;
  /** How the latest marker was written, when one was found. */
  strategy?: MarkerStrategy;
  /** Why the template is not current, when it has markers for the resource; undefined when it has none. */
  why?: string;
}

interface Marker {
  strategy: MarkerStrategy;
  hash: string;
  text: string;
}

const kindOf = (type: string) => (type === 'SECRET' ? 'Secret' : 'ConfigMap');

/** The verdict on one pod template for the expected data. Pure. */
export function configMarker(template: PodTemplateLike | undefined, expected: ExpectedData): MarkerVerdict {
  const envName = envVarName(expected.name, expected.type);
  const object = `${kindOf(expected.type)} ${expected.name}`;
  const env = reloaderEnvValue(template, expected);
  const source = reloadSourceFor(template, expected);
  const record = restartRecordOf(template, expected);
  const envMarker: Marker | undefined = env && { strategy: 'env-vars', hash: env.value, text: `${envName}=${env.value}` };
  const annMarker: Marker | undefined = source && {
    strategy: 'annotations',
    hash: source.hash,
    text: `${LAST_RELOADED_FROM} for hash ${source.hash} (observedAt ${source.observedAt})`,
  };
  const restartText = record && `restarted for ${object} at hash ${record.hash}${record.at ? ` (restartedAt ${record.at})` : ''}`;
  const restartMarker: Marker | undefined = record && { strategy: 'restart', hash: record.hash, text: `${RESTARTED_FOR} ${restartText}` };

  let latest: Marker[];
  let older: Marker[] = [];
  if (record && restartMarker) {
    const later: Marker[] = [];
    const unordered: Marker[] = [];
    if (envMarker) {
      if (record.env === undefined) unordered.push(envMarker);
      else if (env!.value !== record.env) later.push(envMarker);
      else older.push(envMarker);
    }
    if (annMarker) {
      if (record.reloadedAt === undefined) unordered.push(annMarker);
      else if (source!.observedAt !== record.reloadedAt) later.push(annMarker);
      else older.push(annMarker);
    }
    if (later.length) {
      latest = later;
      older.push(restartMarker);
    } else if (unordered.some((m) => m.hash !== record.hash)) {
      const all = [restartMarker, ...unordered];
      return { current: false, why: `its markers for ${object} disagree and which is the latest cannot be told (${all.map((m) => m.text).join('; ')})` };
    } else {
      latest = [restartMarker];
      older = [...older, ...unordered];
    }
  } else {
    latest = [envMarker, annMarker].filter((m): m is Marker => m !== undefined);
  }
  if (latest.length === 0) return { current: false };
  if (latest.length > 1 && latest.some((m) => m.hash !== latest[0].hash)) {
    return { current: false, why: `its markers for ${object} disagree and which is the latest cannot be told (${latest.map((m) => m.text).join('; ')})` };
  }
  const marker = latest[0];
  if (marker.hash !== expected.hash) {
    const stale = older.filter((m) => m.hash === expected.hash);
    const why =
      marker.strategy === 'restart'
        ? `its pod template was last ${restartText}${stale.length ? `, after ${stale.map((m) => m.text).join(' and ')} was written: that marker is older than the restart and does not say what the pods run` : ''}`
        : `its pod template has neither ${envName}=${expected.hash} nor a ${LAST_RELOADED_FROM} annotation for ${object} with that hash; it still has ${marker.text}, the hash of other data`;
    return { current: false, strategy: marker.strategy, why };
  }
  if (expected.collision) {
    if (marker.strategy !== 'restart') {
      return {
        current: false,
        strategy: marker.strategy,
        why: `${object} has a hash collision (annotation ${HASH_COLLISION}): its data differs from older data with the same Reloader hash ${expected.hash}, so Reloader does not roll for it and ${marker.text} cannot tell the old data from the new; only a restart recorded for this data counts`,
      };
    }
    if (!expected.data || record!.data !== expected.data) {
      return {
        current: false,
        strategy: 'restart',
        why: `${object} has a hash collision (annotation ${HASH_COLLISION}), and its pod template was ${restartText} for other data with that same hash (${record!.data ?? 'not recorded'}, the data now is ${expected.data ?? 'unknown'})`,
      };
    }
  }
  return { current: true, strategy: marker.strategy };
}
