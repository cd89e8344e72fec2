// jest globalTeardown of `npm run test:real`: repeats, after the results, what was skipped and why.
export default async function globalTeardown() {
  const why = process.env.REAL_RELOADER_SKIP_REASON;
  if (why)
    process.stdout.write(`\n[test:real] SKIPPED: test/real/reloader.test.ts (Reloader side by side): ${why}. Set RELOADER_BIN=/path/to/reloader to run it.\n`);
}
