/**
 * `strategy.matrix` expansion with GitHub's rules: the product of the array-valued keys, minus every
 * combination an `exclude` entry matches, then each `include` entry is merged into every combination
 * whose original values it does not overwrite, or becomes a combination of its own when it fits none.
 */
export function expandMatrix(matrix: unknown, where: string): Array<Record<string, unknown>> {
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) throw new Error(`${where}: a matrix must be a mapping`);
  const { include, exclude, ...axes } = matrix as Record<string, unknown>;
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(axes)) {
    if (!Array.isArray(values) || values.length === 0) throw new Error(`${where}: matrix key '${key}' must be a non-empty list`);
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  if (Object.keys(axes).length === 0) combos = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const entry of asList(exclude, where, 'exclude')) {
    combos = combos.filter((combo) => !Object.entries(entry).every(([k, v]) => same(combo[k], v)));
  }
  const originals = combos.map((combo) => ({ ...combo }));
  for (const entry of asList(include, where, 'include')) {
    let merged = false;
    // Only the combinations of the axes take includes; an entry added by an earlier include is never merged into.
    combos.slice(0, originals.length).forEach((combo, i) => {
      const original = originals[i];
      const fits = Object.entries(entry).every(([k, v]) => !(k in axes) || same(original[k], v));
      if (fits) {
        Object.assign(combo, entry);
        merged = true;
      }
    });
    if (!merged) combos.push({ ...entry });
  }
  if (combos.length === 0) throw new Error(`${where}: the matrix expands to no job`);
  return combos;
}

function asList(value: unknown, where: string, key: string): Array<Record<string, unknown>> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: matrix.${key} must be a list of mappings`);
  return value as Array<Record<string, unknown>>;
}

/** The name GitHub shows for one leg: `job (a, b)`. */
export function legName(base: string, combo: Record<string, unknown>): string {
  const values = Object.values(combo).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  return values.length ? `${base} (${values.join(', ')})` : base;
}
