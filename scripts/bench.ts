// npm run bench [-- <area> ...]: runs every scripts/bench/<area>.bench.ts (or the named ones) and prints figures.
import { readdirSync } from 'node:fs';

const dir = new URL('./bench/', import.meta.url);
const areas = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''))
  .sort();
const wanted = process.argv.slice(2);
const chosen = wanted.length ? areas.filter((a) => wanted.includes(a)) : areas;
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
for (const area of chosen) {
  console.log(`\n## ${area}`);
  const mod = (await import(new URL(`${area}.bench.ts`, dir).href)) as { default: () => Promise<void> };
  await mod.default();
}
