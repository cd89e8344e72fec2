/**
 * `${VAR}` placeholders, filled from the step environment (the example clients' `kafka-proxy-config`
 * in src/playground/manifests/proxy/ is written so: `${CCLOUD_URL}`, `${CCLOUD_APIKEY}`,
 * `${CCLOUD_PASSWD}`). Substitution happens in parsed
 * YAML string values, never in the YAML text, so a password holding `: `, `#` or quotes cannot change
 * the document's structure. `$${VAR}` is an escape for a literal `${VAR}`.
 */

const PLACEHOLDER = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The masking rule for substituted values: a variable whose name contains one of these words holds
 * a secret (`CCLOUD_APIKEY`, `CCLOUD_PASSWD`, `DB_PASSWORD`, `GITHUB_TOKEN`, `SASL_JAAS_CONFIG`...).
 * Every value of a Secret is masked whatever its variable is called.
 */
export const SECRET_NAME = /KEY|SECRET|PASSW|PWD|TOKEN|CREDENTIAL|PRIVATE|CERT|JAAS|AUTH/i;

/** True when a variable's name says it holds a secret (see `SECRET_NAME`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A placeholder that could not be filled, with where it was (never its value). */
export interface Unresolved {
  placeholder: string;
  where: string;
  problem: 'unset' | 'empty' | 'invalid name';
}

/** The outcome of filling one string. */
export interface Filled {
  value: string;
  /** Substituted values of secret variables: named like a secret (`SECRET_NAME`) or listed in `secretVars`. */
  secrets: string[];
  /** Names of the secret variables used (those whose values are in `secrets`). */
  secretVars: string[];
  /** Names of the variables used. */
  used: string[];
  unresolved: Unresolved[];
}

/** True when a variable's value is secret: its name looks secret, or it is listed (input `secret-vars`). */
export function isSecretVariable(name: string, secretVars: ReadonlySet<string> = new Set()): boolean {
  return secretVars.has(name) || isSecretName(name);
}

/** True when `name` can be a placeholder's variable (`${NAME}`). */
export function isVariableName(name: string): boolean {
  return NAME.test(name);
}

/**
 * Fills `${VAR}` in `text` from `env`. An unset or empty variable is unresolved (an empty value is
 * almost always a secret the workflow could not read, e.g. on a pull request from a fork). The values
 * of secret variables (see `isSecretVariable`) are returned in `secrets`, for the caller to mask at once.
 */
export function fill(text: string, env: Record<string, string | undefined>, where: string, secretVars: ReadonlySet<string> = new Set()): Filled {
  const secrets: string[] = [];
  const names: string[] = [];
  const used: string[] = [];
  const unresolved: Unresolved[] = [];
  const value = text.replace(PLACEHOLDER, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    if (!NAME.test(name)) {
      unresolved.push({ placeholder: whole, where, problem: 'invalid name' });
      return whole;
    }
    const found = env[name];
    if (found === undefined || found === '') {
      unresolved.push({ placeholder: whole, where, problem: found === undefined ? 'unset' : 'empty' });
      return whole;
    }
    used.push(name);
    if (isSecretVariable(name, secretVars)) {
      secrets.push(found);
      names.push(name);
    }
    return found;
  });
  return { value, secrets, secretVars: [...new Set(names)], used, unresolved };
}

/** One line per unresolved placeholder, for the error message. */
export function describeUnresolved(list: Unresolved[]): string {
  return list
    .map((u) => {
      const why = u.problem === 'invalid name' ? 'is not a valid variable name' : u.problem === 'empty' ? 'is set but empty' : 'is not set';
      return `${u.placeholder} in ${u.where} ${why}`;
    })
    .join('; ');
}
