import { LineCounter, Node, isMap, parseAllDocuments } from 'yaml';
import {
  DEFAULT_RUNNER_CLASSES,
  isHostedJob,
  matchRunnerClassForLabels,
} from '../runnerClasses';
import { fileTooLarge } from './limits';
import {
  DEFAULT_NIX_ACTIONS,
  localActionPath,
  nixActionKind,
} from './nixActions';
import { matrixCandidates, readRunsOn } from './runsOn';
import {
  BazelInvocation,
  bazelInvocations,
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
import {
  WorkBudget,
  YamlLimitError,
  YamlView,
  firstDuplicateKey,
  isYamlLimitError,
} from './yamlView';

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

/** What a `run:` script does, read once per script node however often aliases reuse it. */
interface ScriptFacts extends NixTraits {
  bazel: BazelInvocation[];
}

interface ParsedYaml {
  view: YamlView;
  contents: Node;
}

/** State of one workflow's analysis: one work budget for the file and the local actions it reads. */
interface Analysis {
  options: WorkflowAnalysisOptions;
  budget: WorkBudget;
  /** Local actions by directory, read and parsed once. */
  actions: Map<string, { path: string; parsed?: ParsedYaml } | undefined>;
  /** Local action traits by depth and directory, so nested actions cost linear work. */
  actionTraits: Map<string, NixTraits>;
  scripts: Map<Node, ScriptFacts>;
}

function parseYaml(
  text: string,
  budget: WorkBudget,
): {
  view?: YamlView;
  contents?: Node | null;
  error?: WorkflowParseError;
} {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    // Checked below by firstDuplicateKey: yaml's own check is quadratic in a mapping's size.
    uniqueKeys: false,
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
    const duplicate = firstDuplicateKey(doc);
    if (duplicate !== undefined && (!problem || duplicate < problem.pos[0])) {
      return {
        error: { message: 'Map keys must be unique', ...position(duplicate) },
      };
    }
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
  const view = new YamlView(doc, lineCounter, budget);
  return { view, contents: doc.contents as Node | null };
}

function scriptFacts(node: Node, run: string, analysis: Analysis): ScriptFacts {
  let facts = analysis.scripts.get(node);
  if (!facts) {
    const invocations = findInvocations(run);
    const installs = runsNixInstaller(run);
    facts = {
      bazel: bazelInvocations(invocations),
      usesNix: installs || invocations.some(isNixInvocation),
      installsNix: installs,
      cacheStep: invocations.some(isCacheInvocation),
    };
    analysis.scripts.set(node, facts);
  }
  return facts;
}

function stepTraits(
  view: YamlView,
  step: Node,
  analysis: Analysis,
  depth: number,
): NixTraits {
  const actions = analysis.options.nixActions ?? DEFAULT_NIX_ACTIONS;
  const uses = view.string(view.get(step, 'uses')?.value ?? null);
  const runNode = view.get(step, 'run')?.value ?? null;
  const run = view.string(runNode);
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
        Object.assign(traits, localActionTraits(local, analysis, depth + 1));
    }
  }
  if (run && runNode) {
    const facts = scriptFacts(runNode, run, analysis);
    traits.usesNix ||= facts.usesNix;
    traits.installsNix ||= facts.installsNix;
    traits.cacheStep ||= facts.cacheStep;
  }
  return traits;
}

/** A local action's file, read through `options.readFile` and parsed once per analysis. */
function readLocalAction(
  directory: string,
  analysis: Analysis,
): { path: string; parsed?: ParsedYaml } | undefined {
  if (analysis.actions.has(directory)) return analysis.actions.get(directory);
  const readFile = analysis.options.readFile!;
  const base = directory === '' ? '' : `${directory}/`;
  let path = `${base}action.yml`;
  let text = readFile(path);
  if (text === undefined) {
    path = `${base}action.yaml`;
    text = readFile(path);
  }
  if (text === undefined) {
    analysis.actions.set(directory, undefined);
    return undefined;
  }
  const tooLarge = fileTooLarge(text);
  if (tooLarge) throw new YamlLimitError(`Local action ${path}: ${tooLarge}`);
  const { view, contents } = parseYaml(text, analysis.budget);
  const action = {
    path,
    ...(view && contents && { parsed: { view, contents } }),
  };
  analysis.actions.set(directory, action);
  return action;
}

/** What a local composite action does with Nix, read through `options.readFile`. */
function localActionTraits(
  directory: string,
  analysis: Analysis,
  depth: number,
): NixTraits {
  if (!analysis.options.readFile || depth > MAX_LOCAL_ACTION_DEPTH)
    return NO_NIX;
  const key = `${depth}:${directory}`;
  const known = analysis.actionTraits.get(key);
  if (known) return known;
  const action = readLocalAction(directory, analysis);
  const traits = { ...NO_NIX };
  // Unreadable or malformed actions stay opaque, as before.
  if (action?.parsed) {
    const { view, contents } = action.parsed;
    try {
      const steps = view.items(
        view.get(view.get(contents, 'runs')?.value ?? null, 'steps')?.value ??
          null,
      );
      for (const step of steps) {
        view.spend(1, step);
        const inner = stepTraits(view, step, analysis, depth);
        traits.usesNix ||= inner.usesNix;
        // Inside one action, a cache step before the installer still means "bootstraps first" overall.
        traits.installsNix ||= inner.installsNix;
        traits.cacheStep ||= inner.cacheStep;
      }
    } catch (e) {
      // Name the action: the error is reported on the workflow that uses it.
      if (isYamlLimitError(e))
        throw new YamlLimitError(`Local action ${action.path}: ${e.message}`);
      throw e;
    }
  }
  analysis.actionTraits.set(key, traits);
  return traits;
}

function inspectStep(
  view: YamlView,
  step: Node,
  lines: string[],
  analysis: Analysis,
): WorkflowStepInspection {
  const entries = view.entries(step);
  const first = entries[0];
  const runEntry = view.get(step, 'run');
  const uses = view.string(view.get(step, 'uses')?.value ?? null);
  const run = view.string(runEntry?.value ?? null);
  const name = view.string(view.get(step, 'name')?.value ?? null);
  const runLine = runEntry ? view.contentLine(runEntry.value) : undefined;
  const found =
    run && runEntry?.value
      ? scriptFacts(runEntry.value, run, analysis).bazel
      : [];
  // A step reused through aliases is output again, so it costs again.
  view.spend(1 + found.length, step);
  const bazel = found.map(inv => {
    const line = (runLine ?? 1) + inv.line;
    return {
      subcommand: inv.subcommand,
      line,
      excerpt: (lines[line - 1] ?? '').trim(),
    };
  });
  return {
    line: view.position(first?.keyNode ?? step).line,
    ...(name !== undefined && { name }),
    ...(uses !== undefined && { uses }),
    ...(run !== undefined && { run, runLine }),
    bazel,
    ...stepTraits(view, step, analysis, 0),
  };
}

function inspectJob(
  view: YamlView,
  id: string,
  keyNode: Node,
  job: Node,
  lines: string[],
  analysis: Analysis,
): WorkflowJobInspection {
  const { options } = analysis;
  view.spend(1, keyNode);
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
      via: [],
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
    .map(step => inspectStep(view, step, lines, analysis));
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
    via: [],
    ...(runsOn && { targetLine: view.position(runsOn.keyNode).line }),
    steps,
  };
}

/**
 * Parses one workflow file and describes every job and step. Never throws: malformed YAML or a
 * workflow of the wrong shape gives an `error` with its position, keeping any jobs that could be read.
 * A file over `MAX_WORKFLOW_FILE_BYTES`, or whose aliases and merge keys expand beyond the work
 * budget, is refused as a whole: an `error` and no jobs.
 *
 * @public
 */
export function inspectWorkflow(
  path: string,
  text: string,
  options: WorkflowAnalysisOptions = {},
): WorkflowInspection {
  const result: WorkflowInspection = { path, jobs: [], error: null };
  const tooLarge = fileTooLarge(text);
  if (tooLarge)
    return { ...result, error: { message: tooLarge, line: 1, column: 1 } };
  const analysis: Analysis = {
    options,
    budget: new WorkBudget(),
    actions: new Map(),
    actionTraits: new Map(),
    scripts: new Map(),
  };
  let view: YamlView | undefined;
  /** Over a limit, nothing read so far is trusted: the file fails as a whole. */
  const refuse = (message: string, at: Node | null | undefined) => ({
    path,
    jobs: [],
    error: {
      message,
      ...(view ? view.position(at) : { line: 1, column: 1 }),
    },
  });
  try {
    const parsed = parseYaml(text, analysis.budget);
    const { contents, error } = parsed;
    view = parsed.view;
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
        result.jobs.push(
          inspectJob(view, key, keyNode, value, lines, analysis),
        );
      } catch (e) {
        const message = `Job \`${key}\`: ${describeError(e)}`;
        if (isYamlLimitError(e)) return refuse(message, keyNode);
        // Other errors (e.g. an unresolved alias) spoil only this job; the rest is still read.
        result.error ??= { message, ...view.position(keyNode) };
      }
    }
    return result;
  } catch (e) {
    if (isYamlLimitError(e)) return refuse(e.message, e.node);
    // Last resort: whatever the input, report an error rather than crash.
    const message = describeError(e);
    return { path, jobs: [], error: { message, line: 1, column: 1 } };
  }
}
