import { Node, isMap } from 'yaml';
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
import { isExpression, matrixCandidates, readRunsOn } from './runsOn';
import { evaluateRunnerChoice } from './runsOnExpression';
import {
  MAX_BLOCK_DEPTH,
  RemoteRef,
  describeRemote,
  parseRemoteUses,
  trimUses,
} from './followBlocks';
import {
  BazelInvocation,
  bazelInvocations,
  findInvocations,
  isCacheInvocation,
  isNixInvocation,
  runsNixInstaller,
} from './shellScript';
import {
  ActionBlockInspection,
  BuildingBlockInspection,
  RunnerChoiceInspection,
  WorkflowAnalysisOptions,
  WorkflowBlockInspection,
  WorkflowInspection,
  WorkflowJobInspection,
  WorkflowStepInspection,
} from './types';
import {
  WorkBudget,
  YamlLimitError,
  YamlView,
  isYamlLimitError,
} from './yamlView';
import { parsedFile } from './parseCache';

/** Errors may come from another realm (e.g. under jest), so `instanceof Error` is not enough. */
function describeError(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}

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
  lines: string[];
}

/** Where a file comes from: the analysed repository, or a remote block's repository at a ref. */
type Source = { remote: false } | ({ remote: true } & RemoteRef);

/** A followed composite action with what it does, computed once per action and depth. */
interface FollowedAction {
  block: ActionBlockInspection;
  traits: NixTraits;
  runsBazel: boolean;
  via: string[];
}

/** State of one workflow's analysis: one work budget for the file and every block it follows. */
interface Analysis {
  options: WorkflowAnalysisOptions;
  budget: WorkBudget;
  /** Block files by source and path, read and parsed once. */
  files: Map<
    string,
    { path: string; parsed?: ParsedYaml; problem?: string } | null
  >;
  /** Followed actions by depth, source and directory, so nested actions cost linear work. */
  actions: Map<string, FollowedAction>;
  /** Called workflows by source, path and inputs. */
  workflows: Map<string, WorkflowInspection>;
  scripts: Map<Node, ScriptFacts>;
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

/** Whether a followed action runs Bazel, computed once when it is followed. */
const BLOCK_RUNS_BAZEL = new WeakMap<ActionBlockInspection, boolean>();

/** A block file read and parsed once per analysis; null when it does not exist. */
function readBlockFile(
  source: Source,
  candidates: string[],
  analysis: Analysis,
  label: string,
): { path: string; parsed?: ParsedYaml; problem?: string } | null | undefined {
  const cacheKey = `${
    source.remote ? describeRemote(source, '') : ''
  }|${candidates.join('|')}`;
  if (analysis.files.has(cacheKey)) return analysis.files.get(cacheKey);
  let found: { path: string; text: string } | undefined;
  let problem: string | undefined;
  for (const path of candidates) {
    if (!source.remote) {
      const text = analysis.options.readFile?.(path);
      if (text !== undefined) {
        found = { path, text };
        break;
      }
    } else {
      const read = analysis.options.readRemoteFile?.({ ...source, path });
      // Not followed at all: the caller says so rather than "missing".
      if (read === undefined) return undefined;
      if ('text' in read) {
        found = { path: describeRemote(source, path), text: read.text };
        break;
      }
      if ('error' in read)
        problem ??= `${describeRemote(source, path)}: ${read.error}`;
    }
  }
  if (!found) {
    const result = problem ? { path: '', problem } : null;
    analysis.files.set(cacheKey, result);
    return result;
  }
  const tooLarge = fileTooLarge(found.text);
  if (tooLarge) throw new YamlLimitError(`${label} ${found.path}: ${tooLarge}`);
  const { document, lineCounter, contents, lines, error } = parsedFile(
    found.text,
    analysis.options.parses,
  );
  const file = {
    path: found.path,
    ...(document &&
      contents && {
        parsed: {
          view: new YamlView(document, lineCounter, analysis.budget),
          contents,
          lines,
        },
      }),
    ...(error && {
      problem: `${found.path}:${error.line}:${error.column}: ${error.message}`,
    }),
  };
  analysis.files.set(cacheKey, file);
  return file;
}

/** Names the block file in a limit error: it is reported on the workflow that uses it. */
function inBlock<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isYamlLimitError(e) && !e.message.startsWith(label))
      throw new YamlLimitError(`${label}: ${e.message}`, e.node);
    throw e;
  }
}

/** `Local action x`, `Remote workflow y`: how limit errors name a block file. */
const blockLabel = (source: Source, kind: 'action' | 'workflow') =>
  `${source.remote ? 'Remote' : 'Local'} ${kind}`;

/** Why a block was not followed: from a remote source or not, its status, the reason, its file. */
type NotFollowed = [
  remote: boolean,
  status: BuildingBlockInspection['status'],
  reason: string,
  path?: string,
];

function notFollowed(
  uses: string,
  kind: 'action' | 'workflow',
  ...[remote, status, reason, path]: NotFollowed
): BuildingBlockInspection {
  return {
    uses: trimUses(uses),
    kind,
    remote,
    ...(path && { path }),
    status,
    reason,
  };
}

/**
 * The composite action a step's `uses:` names, followed: a local one through `readFile`, a remote
 * one through `readRemoteFile`. Undefined for a known Nix action or a Docker action.
 */
function followAction(
  uses: string,
  analysis: Analysis,
  depth: number,
  stack: readonly string[],
): FollowedAction | undefined {
  const local = localActionPath(uses);
  let source: Source;
  let directory: string;
  if (local !== undefined) {
    if (!analysis.options.readFile) return undefined;
    source = { remote: false };
    directory = local;
  } else {
    const remote = parseRemoteUses(uses);
    if (!remote) return undefined;
    source = { remote: true, ...remote.ref };
    directory = remote.path;
  }
  /** Not followed, with why: the action counts as doing nothing. */
  const opaque = (...why: NotFollowed): FollowedAction => ({
    block: {
      ...notFollowed(uses, 'action', ...why),
      kind: 'action',
      steps: [],
    },
    traits: NO_NIX,
    runsBazel: false,
    via: [],
  });
  const id = `${source.remote ? describeRemote(source, '') : '.'}/${directory}`;
  if (stack.includes(id))
    return opaque(source.remote, 'cycle', `${trimUses(uses)} uses itself`);
  if (depth > MAX_BLOCK_DEPTH)
    return opaque(
      source.remote,
      'too-deep',
      `Building blocks nest more than ${MAX_BLOCK_DEPTH} levels`,
    );
  const key = `${depth}:${id}`;
  const known = analysis.actions.get(key);
  if (known) return known;
  const base = directory === '' ? '' : `${directory}/`;
  const label = blockLabel(source, 'action');
  const file = readBlockFile(
    source,
    [`${base}action.yml`, `${base}action.yaml`],
    analysis,
    label,
  );
  let result: FollowedAction;
  if (file === undefined) {
    result = opaque(
      true,
      'not-followed',
      `Remote action ${trimUses(uses)} is not followed`,
    );
  } else if (file === null) {
    result = opaque(
      source.remote,
      'missing',
      `No action.yml or action.yaml at ${trimUses(uses)}`,
    );
  } else if (!file.parsed) {
    result = opaque(
      source.remote,
      'unreadable',
      file.problem ?? `${file.path} is empty`,
      file.path || undefined,
    );
  } else {
    const { view, contents, lines } = file.parsed;
    result = inBlock(`${label} ${file.path}`, () => {
      const runs = view.get(contents, 'runs')?.value ?? null;
      const using = view.string(view.get(runs, 'using')?.value ?? null);
      if (using !== undefined && using !== 'composite') {
        return opaque(
          source.remote,
          'not-followed',
          `${trimUses(uses)} is a ${using} action`,
          file.path,
        );
      }
      const steps = view
        .items(view.get(runs, 'steps')?.value ?? null)
        .filter(step => isMap(step))
        .map(step =>
          inspectStep(view, step, lines, analysis, depth, [...stack, id]),
        );
      const traits = { ...NO_NIX };
      for (const step of steps) {
        traits.usesNix ||= step.usesNix;
        // Inside one action, a cache step before the installer still means "bootstraps first" overall.
        traits.installsNix ||= step.installsNix;
        traits.cacheStep ||= step.cacheStep;
      }
      const runsBazel = steps.some(stepRunsBazel);
      const block: ActionBlockInspection = {
        uses: trimUses(uses),
        kind: 'action',
        remote: source.remote,
        path: file.path,
        status: 'followed',
        steps,
      };
      BLOCK_RUNS_BAZEL.set(block, runsBazel);
      return {
        block,
        traits,
        runsBazel,
        via:
          traits.usesNix || runsBazel
            ? [trimUses(uses), ...unionVia(steps)]
            : [],
      };
    });
  }
  analysis.actions.set(key, result);
  return result;
}

/** A step runs Bazel itself or through the action it uses. */
function stepRunsBazel(step: WorkflowStepInspection): boolean {
  return (
    step.bazel.length > 0 ||
    (!!step.block && BLOCK_RUNS_BAZEL.get(step.block) === true)
  );
}

/** Union of the steps' (or jobs') `via`, first-seen order. */
function unionVia(items: { via?: string[] }[]): string[] {
  const out = new Set<string>();
  for (const item of items) for (const v of item.via ?? []) out.add(v);
  return [...out];
}

function stepTraits(
  view: YamlView,
  step: Node,
  analysis: Analysis,
  depth: number,
  stack: readonly string[],
): NixTraits & { followed?: FollowedAction } {
  const actions = analysis.options.nixActions ?? DEFAULT_NIX_ACTIONS;
  const uses = view.string(view.get(step, 'uses')?.value ?? null);
  const runNode = view.get(step, 'run')?.value ?? null;
  const run = view.string(runNode);
  const traits: NixTraits & { followed?: FollowedAction } = { ...NO_NIX };
  if (uses) {
    const kind = nixActionKind(uses, actions);
    if (kind) {
      traits.usesNix = true;
      traits.installsNix = kind === 'installer';
      traits.cacheStep = kind === 'cache';
    } else {
      const followed = followAction(uses, analysis, depth + 1, stack);
      if (followed) {
        Object.assign(traits, followed.traits);
        traits.followed = followed;
      }
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

function inspectStep(
  view: YamlView,
  step: Node,
  lines: string[],
  analysis: Analysis,
  depth = 0,
  stack: readonly string[] = [],
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
  const { followed, ...traits } = stepTraits(
    view,
    step,
    analysis,
    depth,
    stack,
  );
  return {
    line: view.position(first?.keyNode ?? step).line,
    ...(name !== undefined && { name }),
    ...(uses !== undefined && { uses }),
    ...(run !== undefined && { run, runLine }),
    bazel,
    ...traits,
    ...(followed && { block: followed.block }),
    ...(followed && followed.via.length > 0 && { via: followed.via }),
  };
}

/** Where a workflow is being read: its source, the inputs it got, and the chain of callers. */
interface WorkflowFrame {
  source: Source;
  /** Inputs with a known value: the caller's `with:` over the callee's defaults. */
  inputs: Record<string, unknown>;
  /** Inputs the workflow declares (`workflow_call`, `workflow_dispatch`). */
  declaredInputs?: string[];
  depth: number;
  stack: readonly string[];
}

const TOP_FRAME: WorkflowFrame = {
  source: { remote: false },
  inputs: {},
  depth: 0,
  stack: [],
};

/** Matrix axes with their literal values (`include` entries add to an axis). */
function matrixAxes(matrix: unknown): Record<string, unknown[]> {
  if (!matrix || typeof matrix !== 'object' || Array.isArray(matrix)) return {};
  const axes: Record<string, unknown[]> = {};
  const add = (key: string, value: unknown) => {
    if (value === null || typeof value === 'object') return;
    (axes[key] ??= []).push(value);
  };
  for (const [key, values] of Object.entries(
    matrix as Record<string, unknown>,
  )) {
    if (key === 'include' || key === 'exclude') continue;
    if (Array.isArray(values)) values.forEach(v => add(key, v));
  }
  const include = (matrix as Record<string, unknown>).include;
  if (Array.isArray(include)) {
    for (const entry of include)
      if (entry && typeof entry === 'object' && !Array.isArray(entry))
        for (const [key, value] of Object.entries(entry)) add(key, value);
  }
  return axes;
}

/** Evaluates an expression `runs-on` (and the job's `if:`); undefined when nothing to evaluate. */
function runnerChoiceOf(
  items: string[],
  jobIf: string | undefined,
  matrix: unknown,
  frame: WorkflowFrame,
  analysis: Analysis,
  at: Node | null,
): RunnerChoiceInspection | undefined {
  const { options } = analysis;
  const evaluated = evaluateRunnerChoice(items, jobIf, {
    inputs: frame.inputs,
    declaredInputs: frame.declaredInputs ?? [],
    matrix: matrixAxes(matrix),
    variables: options.variables,
  });
  if ('unsupported' in evaluated) {
    return { choices: [], variables: [], unsupported: evaluated.unsupported };
  }
  analysis.budget.spend(evaluated.combinations, at);
  const runnerClasses = options.runnerClasses ?? DEFAULT_RUNNER_CLASSES;
  return {
    choices: evaluated.choices.map(c => ({
      labels: c.labels ?? [],
      condition: c.condition,
      runnerClass: c.labels
        ? matchRunnerClassForLabels(c.labels, runnerClasses)?.name ?? null
        : null,
      hosted: c.labels ? isHostedJob(c.labels, options.hostedLabels) : false,
    })),
    variables: evaluated.variables,
    ...(evaluated.chosen !== undefined && { chosen: evaluated.chosen }),
    ...(evaluated.skipped && { skipped: true }),
  };
}

const PURE_MATRIX = /^\$\{\{\s*matrix\.[A-Za-z_][\w-]*\s*\}\}$/;

/** The `with:` of a job-level `uses:` as plain values. */
function callerInputs(view: YamlView, job: Node): Record<string, unknown> {
  const withNode = view.get(job, 'with')?.value ?? null;
  const value = view.toJS(withNode);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  // An input the caller computes with an expression stays unknown to the callee.
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, v]) => !(typeof v === 'string' && isExpression(v)),
    ),
  );
}

/** Follows a job-level `uses:` to the reusable workflow it calls. */
function followWorkflow(
  uses: string,
  inputs: Record<string, unknown>,
  frame: WorkflowFrame,
  analysis: Analysis,
): WorkflowBlockInspection {
  /** Not followed, with why: the call runs no known jobs. */
  const opaque = (...why: NotFollowed): WorkflowBlockInspection => ({
    ...notFollowed(uses, 'workflow', ...why),
    kind: 'workflow',
    jobs: [],
  });
  const trimmed = uses.trim();
  let source: Source;
  let path: string;
  if (trimmed.startsWith('./')) {
    const local = localActionPath(trimmed);
    if (local === undefined)
      return opaque(
        frame.source.remote,
        'missing',
        `${trimmed} leaves the repository`,
      );
    // A local call inside a remote workflow names a file of that remote repository.
    source = frame.source;
    path = local;
    if (!source.remote && !analysis.options.readFile)
      return opaque(
        false,
        'not-followed',
        'Repository files are not available',
      );
  } else {
    const remote = parseRemoteUses(trimmed);
    if (!remote)
      return opaque(
        true,
        'not-followed',
        `${trimmed} is not a reusable workflow reference`,
      );
    source = { remote: true, ...remote.ref };
    path = remote.path;
  }
  const id = `${source.remote ? describeRemote(source, '') : '.'}/${path}`;
  if (frame.stack.includes(id))
    return opaque(source.remote, 'cycle', `${trimUses(uses)} calls itself`);
  if (frame.depth + 1 > MAX_BLOCK_DEPTH)
    return opaque(
      source.remote,
      'too-deep',
      `Building blocks nest more than ${MAX_BLOCK_DEPTH} levels`,
    );
  const label = blockLabel(source, 'workflow');
  const file = readBlockFile(source, [path], analysis, label);
  if (file === undefined)
    return opaque(
      true,
      'not-followed',
      `Remote workflow ${trimUses(uses)} is not followed`,
    );
  if (file === null)
    return opaque(source.remote, 'missing', `No file at ${trimUses(uses)}`);
  if (!file.parsed)
    return opaque(
      source.remote,
      'unreadable',
      file.problem ?? `${file.path} is empty`,
      file.path || undefined,
    );
  const key = `${id}|${JSON.stringify(inputs)}`;
  let inspection = analysis.workflows.get(key);
  if (!inspection) {
    const parsed = file.parsed;
    inspection = inBlock(`${label} ${file.path}`, () =>
      inspectParsed(file.path, parsed, analysis, {
        source,
        inputs,
        depth: frame.depth + 1,
        stack: [...frame.stack, id],
      }),
    );
    analysis.workflows.set(key, inspection);
  }
  return {
    uses: trimUses(uses),
    kind: 'workflow',
    remote: source.remote,
    path: file.path,
    status:
      inspection.error && inspection.jobs.length === 0
        ? 'unreadable'
        : 'followed',
    ...(inspection.error && {
      reason: `${file.path}:${inspection.error.line}: ${inspection.error.message}`,
      error: inspection.error,
    }),
    jobs: inspection.jobs,
  };
}

function inspectJob(
  view: YamlView,
  id: string,
  keyNode: Node,
  job: Node,
  lines: string[],
  analysis: Analysis,
  frame: WorkflowFrame,
): WorkflowJobInspection {
  const { options } = analysis;
  view.spend(1, keyNode);
  const line = view.position(keyNode).line;
  const ifText = view.string(view.get(job, 'if')?.value ?? null);
  const condition = ifText !== undefined ? { condition: ifText } : {};
  const usesEntry = view.get(job, 'uses');
  if (usesEntry) {
    const uses = view.string(usesEntry.value) ?? '';
    const called = followWorkflow(
      uses,
      callerInputs(view, job),
      frame,
      analysis,
    );
    const hit = called.jobs.filter(j => j.runsBazel || j.usesNix);
    const calledLabels = new Set<string>();
    for (const j of called.jobs)
      for (const label of j.calledLabels ?? j.labels) calledLabels.add(label);
    return {
      id,
      line,
      labels: [],
      group: null,
      dynamic: false,
      reusable: true,
      runnerClass: null,
      hosted: false,
      runsBazel: called.jobs.some(j => j.runsBazel),
      usesNix: called.jobs.some(j => j.usesNix),
      ...(!called.remote &&
        called.status === 'followed' && { calledLabels: [...calledLabels] }),
      via: hit.length > 0 ? [called.uses, ...unionVia(hit)] : [],
      uses,
      targetLine: view.position(usesEntry.keyNode).line,
      steps: [],
      called,
      ...condition,
    };
  }
  const runsOn = view.get(job, 'runs-on');
  const target = readRunsOn(view.toJS(runsOn?.value ?? null));
  const strategy = view.toJS(
    view.get(job, 'strategy')?.value ?? null,
  ) as Record<string, unknown> | null;
  const matrix =
    strategy && typeof strategy === 'object' ? strategy.matrix : undefined;
  let candidates = target.dynamic
    ? matrixCandidates(target.expressions, matrix)
    : [];
  let labels = target.labels;
  // Anything beyond a plain `${{ matrix.x }}`, or a job `if:` on variables, is evaluated.
  // Only a job `if:` on variables takes part: other conditions say whether, not where, it runs.
  const varsIf = ifText && /\bvars\./i.test(ifText) ? ifText : undefined;
  const evaluate =
    (target.items.some(isExpression) &&
      !target.items.every(e => !isExpression(e) || PURE_MATRIX.test(e))) ||
    !!varsIf;
  const runnerChoice = evaluate
    ? runnerChoiceOf(
        target.items,
        varsIf,
        matrix,
        frame,
        analysis,
        runsOn?.keyNode ?? keyNode,
      )
    : undefined;
  if (runnerChoice && target.dynamic && !runnerChoice.unsupported) {
    const chosen =
      runnerChoice.chosen !== undefined
        ? runnerChoice.choices[runnerChoice.chosen]
        : undefined;
    if (chosen && chosen.labels.length > 0) {
      // The known variables decide: the job runs on that list.
      labels = chosen.labels;
      candidates = [];
    } else {
      // Undecided: every candidate is checked.
      const all = new Set(candidates);
      for (const c of runnerChoice.choices) c.labels.forEach(l => all.add(l));
      candidates = [...all];
    }
  }
  const steps = view
    .items(view.get(job, 'steps')?.value ?? null)
    .filter(step => isMap(step))
    .map(step => inspectStep(view, step, lines, analysis, frame.depth, []));
  const runnerClass = matchRunnerClassForLabels(
    labels,
    options.runnerClasses ?? DEFAULT_RUNNER_CLASSES,
  );
  const runsBazel = steps.some(stepRunsBazel);
  const usesNix = steps.some(s => s.usesNix);
  return {
    id,
    line,
    labels,
    group: target.group,
    dynamic: target.dynamic,
    reusable: false,
    runnerClass: runnerClass?.name ?? null,
    // A job its `if:` skips with the known variables runs nowhere.
    hosted: !runnerChoice?.skipped && isHostedJob(labels, options.hostedLabels),
    runsBazel,
    usesNix,
    ...(candidates.length > 0 && { candidates }),
    via: unionVia(steps.filter(s => stepRunsBazel(s) || s.usesNix)),
    ...(runsOn && { targetLine: view.position(runsOn.keyNode).line }),
    steps,
    ...(runnerChoice && { runnerChoice }),
    ...condition,
  };
}

/** Defaults of `on.workflow_call.inputs` (and `workflow_dispatch`'s), for `inputs.*`. */
function inputDefaults(
  view: YamlView,
  root: Node,
): {
  call?: Record<string, string | number | boolean>;
  all: Record<string, unknown>;
  declared: string[];
} {
  const on = view.get(root, 'on')?.value ?? null;
  const all: Record<string, unknown> = {};
  const declared: string[] = [];
  let call: Record<string, string | number | boolean> | undefined;
  for (const trigger of ['workflow_dispatch', 'workflow_call']) {
    const inputs =
      view.get(view.get(on, trigger)?.value ?? null, 'inputs')?.value ?? null;
    for (const { key, value } of view.entries(inputs)) {
      declared.push(key);
      const fallback = view.toJS(view.get(value, 'default')?.value ?? null);
      if (
        typeof fallback === 'string' ||
        typeof fallback === 'number' ||
        typeof fallback === 'boolean'
      ) {
        all[key] = fallback;
        if (trigger === 'workflow_call') (call ??= {})[key] = fallback;
      }
    }
  }
  return { ...(call && { call }), all, declared };
}

/** Reads the jobs of a parsed workflow (the top file or a called one). */
function inspectParsed(
  path: string,
  parsed: ParsedYaml,
  analysis: Analysis,
  frame: WorkflowFrame,
): WorkflowInspection {
  const { view, contents, lines } = parsed;
  const result: WorkflowInspection = { path, jobs: [], error: null };
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
  const defaults = inputDefaults(view, root);
  if (defaults.call) result.callInputs = defaults.call;
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
  // The caller's `with:` wins over the callee's defaults.
  const jobFrame = {
    ...frame,
    inputs: { ...defaults.all, ...frame.inputs },
    declaredInputs: defaults.declared,
  };
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
        inspectJob(view, key, keyNode, value, lines, analysis, jobFrame),
      );
    } catch (e) {
      if (isYamlLimitError(e))
        throw Object.assign(e, {
          jobKey: key,
          jobNode: keyNode,
          jobView: view,
        });
      // Other errors (e.g. an unresolved alias) spoil only this job; the rest is still read.
      const message = `Job \`${key}\`: ${describeError(e)}`;
      result.error ??= { message, ...view.position(keyNode) };
    }
  }
  return result;
}

/**
 * Parses one workflow file and describes every job and step, following the building blocks its
 * jobs run (local composite actions and reusable workflows through `readFile`, remote ones through
 * `readRemoteFile`) and evaluating expression runners. Never throws: malformed YAML or a workflow
 * of the wrong shape gives an `error` with its position, keeping any jobs that could be read.
 * A file over `MAX_WORKFLOW_FILE_BYTES`, or whose aliases, merge keys and followed blocks expand
 * beyond the work budget, is refused as a whole: an `error` and no jobs.
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
    files: new Map(),
    actions: new Map(),
    workflows: new Map(),
    scripts: new Map(),
  };
  let view: YamlView | undefined;
  try {
    const { document, lineCounter, contents, lines, error } = parsedFile(
      text,
      options.parses,
    );
    if (error) return { ...result, error };
    if (!document || contents === null) return result;
    view = new YamlView(document, lineCounter, analysis.budget);
    return inspectParsed(path, { view, contents, lines }, analysis, TOP_FRAME);
  } catch (e) {
    if (isYamlLimitError(e)) {
      // Over a limit, nothing read so far is trusted: the file fails as a whole.
      const limit = e as YamlLimitError & {
        jobKey?: string;
        jobNode?: Node;
        jobView?: YamlView;
      };
      const top = limit.jobView === view && limit.jobKey !== undefined;
      const message = top ? `Job \`${limit.jobKey}\`: ${e.message}` : e.message;
      const at = top ? limit.jobNode : e.node;
      // Positions of a node in a followed block do not belong to this file.
      const position =
        view && (top || (at && !limit.jobView))
          ? view.position(at)
          : { line: 1, column: 1 };
      return { path, jobs: [], error: { message, ...position } };
    }
    // Last resort: whatever the input, report an error rather than crash.
    const message = describeError(e);
    return { path, jobs: [], error: { message, line: 1, column: 1 } };
  }
}

/** GitHub runs only workflows directly in `.github/workflows`. */
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/**
 * Inspects every workflow GitHub runs among a repository's files, in path order; local blocks are
 * read from the same files.
 */
export function inspectRepoWorkflows(
  files: Readonly<Record<string, string>>,
  options: Omit<WorkflowAnalysisOptions, 'readFile'>,
): WorkflowInspection[] {
  const readFile = (path: string) => files[path];
  return Object.keys(files)
    .filter(path => WORKFLOW_FILE.test(path))
    .sort()
    .map(path => inspectWorkflow(path, files[path], { ...options, readFile }));
}
