import { isSecretName } from './placeholders.js';

/**
 * What changed in an object's data, shown in the job summary with secrets redacted. The old values
 * are the dangerous part: they hold the *previous* cluster's credentials, which nothing registered as
 * a secret in this run. So a value is shown only when nothing suggests it is secret: not for Secrets,
 * not under a key or property whose name looks secret, not when the new value carries a substituted
 * secret; multi-line values (`config.properties`) are compared line by line under the same rules.
 */
export interface KeyChange {
  key: string;
  change: 'added' | 'removed' | 'modified';
  /** Lines to show: `- old` / `+ new`, already redacted. */
  lines: string[];
}

const REDACTED = '***';

/** Changes between two data maps (plain text values), redacted. */
export function dataChanges(before: Record<string, string>, after: Record<string, string>, options: { secretKind: boolean; secrets: string[] }): KeyChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: KeyChange[] = [];
  for (const key of keys) {
    const old = before[key];
    const now = after[key];
    if (old === now) continue;
    const change = old === undefined ? 'added' : now === undefined ? 'removed' : 'modified';
    changes.push({ key, change, lines: changeLines(key, old, now, options) });
  }
  return changes;
}

function changeLines(key: string, old: string | undefined, now: string | undefined, options: { secretKind: boolean; secrets: string[] }): string[] {
  const size = (v: string | undefined) => (v === undefined ? 'none' : `${Buffer.byteLength(v)} bytes`);
  if (options.secretKind) return [`(secret value: ${size(old)} → ${size(now)})`];
  const nowHasSecret = now !== undefined && options.secrets.some((s) => now.includes(s));
  if (isSecretName(key) || nowHasSecret) {
    if (!(old ?? '').includes('\n') && !(now ?? '').includes('\n')) return [`(redacted: ${size(old)} → ${size(now)})`];
  }
  const oldLines = old === undefined ? [] : old.split('\n');
  const newLines = now === undefined ? [] : now.split('\n');
  const removed = oldLines.filter((l) => !newLines.includes(l));
  const added = newLines.filter((l) => !oldLines.includes(l));
  // Properties whose new line carries a secret: their old line is the previous secret.
  const secretProps = new Set(
    added
      .filter((l) => options.secrets.some((s) => l.includes(s)))
      .map(property)
      .filter((p) => p !== undefined),
  );
  const wholeIsSecret = isSecretName(key) || nowHasSecret;
  const show = (line: string, isOld: boolean): string => {
    const prop = property(line);
    const secret =
      options.secrets.some((s) => line.includes(s)) ||
      (prop !== undefined && (isSecretName(prop) || (isOld && secretProps.has(prop)))) ||
      (prop === undefined && wholeIsSecret);
    if (!secret) return line;
    const prefix = PROPERTY.exec(line)?.[0];
    return prefix !== undefined ? `${prefix}${REDACTED}` : REDACTED;
  };
  return [...removed.map((l) => `- ${show(l, true)}`), ...added.map((l) => `+ ${show(l, false)}`)];
}

/** The property name of a `name=value` or `name: value` line, if it is one. */
function property(line: string): string | undefined {
  return PROPERTY.exec(line)?.[1];
}

const PROPERTY = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*/;
