/*
 * yarn bench: side-by-side measurements on loopback only, every loop bounded in count and time.
 * Not a test: it prints figures; the tests assert behaviour.
 */
import { benchFleet } from './fleet';
import { benchAdoption, benchAdoptionLarge } from './adoption';
import { benchFleetScale } from './fleetScale';
import { benchQueue } from './queue';
import { benchTrancheMatrix } from './trancheMatrix';
import { benchBackendMemory } from './backendMemory';
import { printTargets, Target } from './report';

async function main() {
  const only = process.argv[2];
  // fleet-scale first: its memory figure needs a heap the other benches have not grown yet
  const benches: Record<string, () => Promise<unknown>> = {
    'fleet-scale': benchFleetScale,
    fleet: benchFleet,
    adoption: benchAdoption,
    'adoption-10k': benchAdoptionLarge,
    // its backend runs in a process of its own: the order does not change its figure
    'backend-memory': benchBackendMemory,
    queue: benchQueue,
    'tranche-matrix': benchTrancheMatrix,
  };
  const targets: Target[] = [];
  for (const [name, run] of Object.entries(benches)) {
    if (only && only !== name) continue;
    process.stdout.write(`\n== ${name}\n`);
    const result = await run();
    if (Array.isArray(result)) targets.push(...(result as Target[]));
  }
  if (targets.length) printTargets(targets);
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`bench failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
