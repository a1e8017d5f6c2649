import { RunnerClassDefinition } from '../runnerClasses';
import {
  RunnerClassListItem,
  RunnerClassSummary,
  ScaleSet,
  UNCLASSIFIED_RUNNER_CLASS,
} from './types';
import { scaleSetKey } from './scaleSet';

const unique = (xs: string[]) => Array.from(new Set(xs)).sort();

/**
 * One summary per configured runner class (also when no scale set serves it yet), plus an
 * `unclassified` group when some scale sets match no class: they are listed, never dropped.
 *
 * @public
 */
export function summarizeRunnerClasses(
  classes: readonly RunnerClassDefinition[],
  scaleSets: readonly ScaleSet[],
): RunnerClassSummary[] {
  const byClass = new Map<string, ScaleSet[]>();
  for (const s of scaleSets) {
    const key = s.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS;
    // appended in place: copying the list per scale set made a fleet of thousands quadratic
    const members = byClass.get(key);
    if (members) members.push(s);
    else byClass.set(key, [s]);
  }
  const summarize = (
    def: Pick<
      RunnerClassDefinition,
      'name' | 'title' | 'capabilities' | 'labels'
    >,
    members: ScaleSet[],
    unclassified: boolean,
  ): RunnerClassSummary => ({
    name: def.name,
    title: def.title ?? def.name,
    capabilities: [...def.capabilities],
    labels: [...def.labels],
    scaleSets: members.map(scaleSetKey).sort(),
    owners: unique(members.map(s => s.owner)),
    clusters: unique(members.map(s => s.cluster)),
    minRunners: members.reduce((n, s) => n + s.minRunners, 0),
    maxRunners: members.some(s => s.maxRunners === null)
      ? null
      : members.reduce((n, s) => n + (s.maxRunners ?? 0), 0),
    runners: {
      current: members.reduce((n, s) => n + s.runners.current, 0),
      pending: members.reduce((n, s) => n + s.runners.pending, 0),
      running: members.reduce((n, s) => n + s.runners.running, 0),
      failed: members.reduce((n, s) => n + s.runners.failed, 0),
    },
    pausedScaleSets: members.filter(s => s.paused).length,
    pauseRevertedScaleSets: members.filter(s => s.pauseReverted).length,
    unclassified,
  });
  const out = classes.map(c => summarize(c, byClass.get(c.name) ?? [], false));
  const rest = byClass.get(UNCLASSIFIED_RUNNER_CLASS);
  if (rest?.length) {
    out.push(
      summarize(
        {
          name: UNCLASSIFIED_RUNNER_CLASS,
          title: 'Unclassified',
          capabilities: [],
          labels: [],
        },
        rest,
        true,
      ),
    );
  }
  return out;
}

/** The list form of a class summary (see {@link RunnerClassListItem}). @public */
export function toRunnerClassListItem({
  scaleSets,
  contract,
  ...rest
}: RunnerClassSummary): RunnerClassListItem {
  const item: RunnerClassListItem = {
    ...rest,
    scaleSetCount: scaleSets.length,
  };
  if (contract) {
    const { scaleSets: _perScaleSet, ...classLevel } = contract;
    item.contract = classLevel;
  }
  return item;
}
