import { LineCounter, Node, isMap, parseAllDocuments } from 'yaml';
import {
  DEFAULT_RUNNER_CLASSES,
  isHostedJob,
  matchRunnerClassForLabels,
} from '../runnerClasses';
import {
  DEFAULT_NIX_ACTIONS,
  localActionPath,
  nixActionKind,
} from './nixActions';
import { matrixCandidates, readRunsOn } from './runsOn';
import {
  findBazelInvocations,
  findInvocations,
  isCacheInvocation,
  isNixInvocation,
  runsNixInstaller,
} from './shellScript';
import {
  WorkflowAnalysisOptions,
  WorkflowInspection,
  WorkflowJobInspection,
  WorkflowParseError,
  WorkflowStepInspection,
} from './types';
import { YamlView } from './yamlView';

/** Errors may come from another realm (e.g. under jest), so `instanceof Error` is not enough. */
function describeError(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}

/** Nesting of local composite actions followed; deeper ones count as opaque. */
const MAX_LOCAL_ACTION_DEPTH = 3;

interface NixTraits {
  usesNix: boolean;
  installsNix: boolean;
  cacheStep: boolean;
}

const NO_NIX: NixTraits = {
  usesNix: false,
  installsNix: false,
  cacheStep: false,
};

function parseYaml(text: string): {
  view?: YamlView;
  contents?: Node | null;
  error?: WorkflowParseError;
} {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (!Array.isArray(docs)) {
    // An empty stream (a file of only comments) comes back as an EmptyStream.
    return { contents: null };
  }
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) {
      const message = problem.message.replace(
        / at line \d+, column \d+:?[\s\S]*$/,
        '',
      );
      return { error: { message, ...position(problem.pos[0]) } };
    }
  }
  const nonEmpty = docs.filter(d => d.contents !== null);
  if (nonEmpty.length > 1) {
    return {
      error: {
        message:
          'Source contains multiple YAML documents; a workflow file must hold exactly one',
        ...position(nonEmpty[1].range[0]),
      },
    };
  }
  const doc = nonEmpty[0] ?? docs[0];
  if (!doc) return { contents: null };
  const view = new YamlView(doc, lineCounter);
  return { view, contents: doc.contents as Node | null };
}

function stepTraits(
  view: YamlView,
  step: Node,
  options: WorkflowAnalysisOptions,
  depth: number,
): NixTraits {
  const actions = options.nixActions ?? DEFAULT_NIX_ACTIONS;
  const uses = view.string(view.get(step, 'uses')?.value ?? null);
  const run = view.string(view.get(step, 'run')?.value ?? null);
  const traits = { ...NO_NIX };
  if (uses) {
    const kind = nixActionKind(uses, actions);
    if (kind) {
      traits.usesNix = true;
      traits.installsNix = kind === 'installer';
      traits.cacheStep = kind === 'cache';
    } else {
      const local = localActionPath(uses);
      if (local !== undefined)
        Object.assign(traits, localActionTraits(local, options, depth + 1));
    }
  }
  if (run) {
    const invocations = findInvocations(run);
    const installs = runsNixInstaller(run);
    traits.usesNix ||= installs || invocations.some(isNixInvocation);
    traits.installsNix ||= installs;
    traits.cacheStep ||= invocations.some(isCacheInvocation);
  }
  return traits;
}

/** What a local composite action does with Nix, read through `options.readFile`. */
function localActionTraits(
  directory: string,
  options: WorkflowAnalysisOptions,
  depth: number,
): NixTraits {
  if (!options.readFile || depth > MAX_LOCAL_ACTION_DEPTH) return NO_NIX;
  const base = directory === '' ? '' : `${directory}/`;
  const text =
    options.readFile(`${base}action.yml`) ??
    options.readFile(`${base}action.yaml`);
  if (text === undefined) return NO_NIX;
  const { view, contents } = parseYaml(text);
  if (!view || !contents) return NO_NIX;
  const steps = view.items(
    view.get(view.get(contents, 'runs')?.value ?? null, 'steps')?.value ?? null,
  );
  const traits = { ...NO_NIX };
  for (const step of steps) {
    const inner = stepTraits(view, step, options, depth);
    traits.usesNix ||= inner.usesNix;
    // Inside one action, a cache step before the installer still means "bootstraps first" overall.
    traits.installsNix ||= inner.installsNix;
    traits.cacheStep ||= inner.cacheStep;
  }
  return traits;
}

function inspectStep(
  view: YamlView,
  step: Node,
  lines: string[],
  options: WorkflowAnalysisOptions,
): WorkflowStepInspection {
  const entries = view.entries(step);
  const first = entries[0];
  const runEntry = view.get(step, 'run');
  const uses = view.string(view.get(step, 'uses')?.value ?? null);
  const run = view.string(runEntry?.value ?? null);
  const name = view.string(view.get(step, 'name')?.value ?? null);
  const runLine = runEntry ? view.contentLine(runEntry.value) : undefined;
  const bazel = run
    ? findBazelInvocations(run).map(inv => {
        const line = (runLine ?? 1) + inv.line;
        return {
          subcommand: inv.subcommand,
          line,
          excerpt: (lines[line - 1] ?? '').trim(),
        };
      })
    : [];
  return {
    line: view.position(first?.keyNode ?? step).line,
    ...(name !== undefined && { name }),
    ...(uses !== undefined && { uses }),
    ...(run !== undefined && { run, runLine }),
    bazel,
    ...stepTraits(view, step, options, 0),
  };
}

function inspectJob(
  view: YamlView,
  id: string,
  keyNode: Node,
  job: Node,
  lines: string[],
  options: WorkflowAnalysisOptions,
): WorkflowJobInspection {
  const line = view.position(keyNode).line;
  const usesEntry = view.get(job, 'uses');
  if (usesEntry) {
    const uses = view.string(usesEntry.value) ?? '';
    return {
      id,
      line,
      labels: [],
      group: null,
      dynamic: false,
      reusable: true,
      runnerClass: null,
      hosted: false,
      runsBazel: false,
      usesNix: false,
      uses,
      targetLine: view.position(usesEntry.keyNode).line,
      steps: [],
    };
  }
  const runsOn = view.get(job, 'runs-on');
  const target = readRunsOn(view.toJS(runsOn?.value ?? null));
  const strategy = view.toJS(
    view.get(job, 'strategy')?.value ?? null,
  ) as Record<string, unknown> | null;
  const candidates = target.dynamic
    ? matrixCandidates(
        target.expressions,
        strategy && typeof strategy === 'object' ? strategy.matrix : undefined,
      )
    : [];
  const steps = view
    .items(view.get(job, 'steps')?.value ?? null)
    .filter(step => isMap(step))
    .map(step => inspectStep(view, step, lines, options));
  const runnerClass = matchRunnerClassForLabels(
    target.labels,
    options.runnerClasses ?? DEFAULT_RUNNER_CLASSES,
  );
  return {
    id,
    line,
    labels: target.labels,
    group: target.group,
    dynamic: target.dynamic,
    reusable: false,
    runnerClass: runnerClass?.name ?? null,
    hosted: isHostedJob(target.labels, options.hostedLabels),
    runsBazel: steps.some(s => s.bazel.length > 0),
    usesNix: steps.some(s => s.usesNix),
    ...(candidates.length > 0 && { candidates }),
    ...(runsOn && { targetLine: view.position(runsOn.keyNode).line }),
    steps,
  };
}

/**
 * Parses one workflow file and describes every job and step. Never throws: malformed YAML or a
 * workflow of the wrong shape gives an `error` with its position, keeping any jobs that could be read.
 *
 * @public
 */
export function inspectWorkflow(
  path: string,
  text: string,
  options: WorkflowAnalysisOptions = {},
): WorkflowInspection {
  const result: WorkflowInspection = { path, jobs: [], error: null };
  try {
    const { view, contents, error } = parseYaml(text);
    if (error) return { ...result, error };
    if (!view || contents === null || contents === undefined) return result;
    const root = view.resolve(contents);
    if (!isMap(root)) {
      return {
        ...result,
        error: {
          message: 'A workflow must be a YAML mapping',
          ...view.position(root ?? contents),
        },
      };
    }
    const name = view.string(view.get(root, 'name')?.value ?? null);
    if (name !== undefined) result.name = name;
    const jobsEntry = view.get(root, 'jobs');
    if (!jobsEntry) {
      return {
        ...result,
        error: {
          message: 'The workflow has no `jobs` mapping',
          ...view.position(root),
        },
      };
    }
    if (!isMap(jobsEntry.value)) {
      return {
        ...result,
        error: {
          message: '`jobs` must be a mapping of job ids to jobs',
          ...view.position(jobsEntry.keyNode),
        },
      };
    }
    const lines = text.split(/\r?\n/);
    for (const { key, keyNode, value } of view.entries(jobsEntry.value)) {
      if (!isMap(value)) {
        result.error ??= {
          message: `Job \`${key}\` must be a mapping`,
          ...view.position(keyNode),
        };
        continue;
      }
      try {
        result.jobs.push(inspectJob(view, key, keyNode, value, lines, options));
      } catch (e) {
        // The YAML library throws on alias bombs; the job is reported, the rest still read.
        const message = describeError(e);
        result.error ??= {
          message: `Job \`${key}\`: ${message}`,
          ...view.position(keyNode),
        };
      }
    }
    return result;
  } catch (e) {
    // Last resort: whatever the input, report an error rather than crash.
    const message = describeError(e);
    return { path, jobs: [], error: { message, line: 1, column: 1 } };
  }
}
