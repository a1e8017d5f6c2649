/*
 * yarn bench: side-by-side measurements on loopback only, every loop bounded in count and time.
 * Not a test: it prints figures; the tests assert behaviour.
 */
import { benchFleet } from './fleet';
import { benchAdoption } from './adoption';

async function main() {
  const only = process.argv[2];
  const benches: Record<string, () => Promise<unknown>> = { fleet: benchFleet, adoption: benchAdoption };
  for (const [name, run] of Object.entries(benches)) {
    if (only && only !== name) continue;
    process.stdout.write(`\n== ${name}\n`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
