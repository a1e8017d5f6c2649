import {
  isHostedJob,
  isHostedLabel,
  matchRunnerClassForLabels,
  suggestRunnerClass,
} from '../../runnerClasses';
import {
  WorkflowBlockInspection,
  WorkflowJobInspection,
  remoteBlockFileKey,
} from '../../workflows';
import { exceptionStanding, findException } from '../exceptionRegister';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';
import { resultOfEvidence } from '../verdict';
import { sourceLine, workflowErrorEvidence } from './workflowErrors';

// Labels every self-hosted runner carries: they select no host and no class.
const GENERIC_LABELS = new Set(['self-hosted', 'linux', 'x64', 'arm64', 'arm']);

/** " (did you mean x?)" for the labels that have a near known label, else "". */
function didYouMean(context: ScorecardContext, labels: string[]): string {
  const { runnerClasses, hostedLabels } = context.config;
  const hints = labels.flatMap(l => {
    const hint = suggestRunnerClass(l, runnerClasses, hostedLabels);
    return hint ? [`${l} → ${hint.label}`] : [];
  });
  return hints.length > 0 ? ` (did you mean ${hints.join(', ')}?)` : '';
}

/**
 * The verdict of a self-hosted job no runner class serves: a bare host pin such as
 * `[self-hosted, honey]` fails; a near miss of a class label (`tinyland-nix-kvm`) or only
 * generic labels stay undecided, with a suggestion when there is one.
 */
function unclassifiedJob(
  context: ScorecardContext,
  job: WorkflowJobInspection,
): Pick<ScorecardEvidence, 'verdict' | 'note'> {
  const specific = job.labels.filter(l => !GENERIC_LABELS.has(l.toLowerCase()));
  if (job.labels.length === 0) {
    return { verdict: 'unknown', note: `Job ${job.id} has no runs-on labels` };
  }
  if (specific.length === 0) {
    return {
      verdict: 'unknown',
      note: `Job ${job.id} asks for any self-hosted runner (${job.labels.join(
        ', ',
      )}); no runner class serves it`,
    };
  }
  const hint = didYouMean(context, specific);
  const selfHosted = job.labels.some(l => l.toLowerCase() === 'self-hosted');
  if (selfHosted && hint === '') {
    return {
      verdict: 'fail',
      note: `Job ${job.id} pins self-hosted host ${specific.join(
        ', ',
      )}, outside the runner classes`,
    };
  }
  return {
    verdict: 'unknown',
    note: `Job ${job.id} asks for ${specific.join(
      ', ',
    )}, which no runner class serves${hint}`,
  };
}

/**
 * For a `runs-on` that picks a runner class or a hosted image by an Actions variable whose value
 * is not known (`vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest'`): why the
 * job is undecided. A matrix runs every value, so it is no toggle.
 */
function undecidedToggle(job: WorkflowJobInspection): string | undefined {
  const choice = job.runnerChoice;
  if (!choice || choice.chosen !== undefined) return undefined;
  const unknown = choice.variables.filter(v => v.value === undefined);
  const pooled = choice.choices.filter(c => !c.hosted);
  const hosted = choice.choices.filter(c => c.hosted);
  if (unknown.length === 0 || pooled.length === 0 || hosted.length === 0)
    return undefined;
  const describe = (c: (typeof choice.choices)[number]) =>
    `${c.labels.join(', ')}${c.condition ? ` when ${c.condition}` : ''}`;
  return `Job ${job.id} runs on ${pooled
    .map(describe)
    .join('; ')}, else on hosted ${hosted.map(describe).join('; ')}; ${unknown
    .map(v => v.name)
    .join(', ')} not known`;
}

/**
 * What a job's runner says, before exceptions: nothing to report (`pass`, or `skip` for a job its
 * `if:` turns off), an undecided or failing finding, or the hosted labels it runs on.
 */
type RunnerJudgement =
  | { kind: 'pass' }
  | { kind: 'finding'; verdict: 'fail' | 'unknown'; note: string }
  | { kind: 'hosted'; labels: string }
  /** a host pin outside the runner classes: fails unless the register exempts it, like a hosted job */
  | { kind: 'off-pool'; note: string };

function judgeRunner(
  context: ScorecardContext,
  job: WorkflowJobInspection,
): RunnerJudgement {
  const { config } = context;
  if (job.runnerChoice?.skipped) return { kind: 'pass' };
  const toggle = undecidedToggle(job);
  if (toggle) return { kind: 'finding', verdict: 'unknown', note: toggle };
  const hostedCandidates = (job.candidates ?? []).filter(l =>
    isHostedLabel(l, config.hostedLabels),
  );
  const hosted =
    isHostedJob(job.labels, config.hostedLabels) || hostedCandidates.length > 0;
  if (!hosted) {
    if (job.runnerClass) return { kind: 'pass' };
    if (job.dynamic) {
      const candidates = job.candidates ?? [];
      // a candidate label no class serves: the job may land outside the pool
      const outside = candidates.filter(
        l =>
          !GENERIC_LABELS.has(l.toLowerCase()) &&
          !matchRunnerClassForLabels([l], config.runnerClasses),
      );
      if (candidates.length === 0)
        return {
          kind: 'finding',
          verdict: 'unknown',
          note: `Job ${job.id} picks its runner with an expression`,
        };
      if (outside.length > 0)
        return {
          kind: 'finding',
          verdict: 'unknown',
          note: `Job ${job.id} may run on ${outside.join(
            ', ',
          )}, which no runner class serves${didYouMean(context, outside)}`,
        };
      return { kind: 'pass' };
    }
    const unclassified = unclassifiedJob(context, job);
    if (unclassified.verdict === 'fail')
      return { kind: 'off-pool', note: unclassified.note! };
    return {
      kind: 'finding',
      verdict: unclassified.verdict as 'fail' | 'unknown',
      note: unclassified.note!,
    };
  }
  const hostedLabels = [...job.labels, ...hostedCandidates].filter(l =>
    isHostedLabel(l, config.hostedLabels),
  );
  return {
    kind: 'hosted',
    labels: `${[...job.labels, ...hostedCandidates].join(', ')}${didYouMean(
      context,
      hostedLabels,
    )}`,
  };
}

/** The text of a called workflow's line: a repository file, or a stored remote block file. */
function calleeLine(
  context: ScorecardContext,
  called: WorkflowBlockInspection,
  line: number,
): string {
  const path = called.path ?? '';
  if (!called.remote) return sourceLine(context, path, line);
  const m = /^([^/]+)\/([^/]+)\/(.+)@([^@]+)$/.exec(path);
  const read =
    m &&
    context.snapshot.blocks?.remoteFiles?.[
      remoteBlockFileKey({ owner: m[1], repo: m[2], path: m[3], ref: m[4] })
    ];
  const text = read && 'text' in read ? read.text : '';
  return (text.split(/\r?\n/)[line - 1] ?? '').trim();
}

/** A finding of a called job, said at the caller: what its caller called, then where in the callee. */
interface CalledFinding {
  verdict: 'fail' | 'unknown';
  note: string;
  /**
   * Set when the finding is a hosted runner, which an exception for the caller may exempt; for a
   * job of a local workflow, also an exception for that job in its own file.
   */
  hosted?: { path?: string; job: string };
}

/**
 * Judges the jobs a reusable workflow call runs, with the caller's inputs (the callee's lines as
 * evidence). A call that was not followed is undecided with the reason, never a pass.
 */
function judgeCall(
  context: ScorecardContext,
  called: WorkflowBlockInspection,
  chain: string,
): CalledFinding[] {
  if (called.status !== 'followed')
    return [
      {
        verdict: 'unknown',
        note: `${chain}: ${called.reason ?? called.status}`,
      },
    ];
  const findings: CalledFinding[] = [];
  if (called.error)
    findings.push({ verdict: 'unknown', note: `${chain}: ${called.reason}` });
  if (called.jobs.length === 0 && !called.error)
    findings.push({ verdict: 'unknown', note: `${chain}, which has no jobs` });
  for (const job of called.jobs) {
    if (job.reusable && job.called) {
      findings.push(
        ...judgeCall(
          context,
          job.called,
          `${chain}, whose job ${job.id} calls ${job.called.uses}`,
        ),
      );
      continue;
    }
    const judgement = judgeRunner(context, job);
    if (judgement.kind === 'pass') continue;
    const line = job.targetLine ?? job.line;
    const where = ` (${called.path}:${line}: ${calleeLine(
      context,
      called,
      line,
    )})`;
    findings.push(
      judgement.kind === 'hosted'
        ? {
            verdict: 'fail',
            hosted: {
              ...(!called.remote && { path: called.path }),
              job: job.id,
            },
            note: `${chain}, whose job ${job.id} runs on hosted ${judgement.labels}${where}`,
          }
        : {
            // a host pin inside a called workflow is the callee's to fix: no caller entry exempts it
            verdict: judgement.kind === 'off-pool' ? 'fail' : judgement.verdict,
            note: `${chain}: ${judgement.note}${where}`,
          },
    );
  }
  return findings;
}

/** @public */
export const hostedRunnersCheck: ScorecardCheck = {
  id: 'hosted-runners',
  title: 'Default-branch jobs run on runner classes',
  severity: 'error',
  rationale:
    'Default-branch CI should ride the pooled substrate: a hosted job is allowed only as a named, owned, dated and categorised exception, and a self-hosted job outside the runner classes (a host pin) is not on the pool; a job that calls a reusable workflow is judged by the jobs it calls.',
  rule: context => {
    const { config, exceptions, now } = context;
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    for (const problem of exceptions.problems) {
      evidence.push({
        path: exceptions.path,
        line: problem.line,
        excerpt: problem.message,
        verdict: 'fail',
        note: 'Invalid exception register entry',
      });
    }
    let jobs = 0;
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        jobs++;
        const line = job.targetLine ?? job.line;
        const at = {
          path: workflow.path,
          line,
          excerpt: sourceLine(context, workflow.path, line),
        };
        /**
         * A hosted runner or a host pin: fails unless the register exempts this job (or the local
         * called one).
         */
        const hostedFinding = (
          note: string,
          callee?: CalledFinding['hosted'],
        ) => {
          const exception =
            findException(exceptions, workflow.path, job.id) ??
            (callee?.path
              ? findException(exceptions, callee.path, callee.job)
              : undefined);
          if (!exception) {
            evidence.push({
              ...at,
              verdict: 'fail',
              note: `${note} with no exception`,
            });
            return;
          }
          const standing = exceptionStanding(
            exception,
            now,
            config.exceptionCategories,
          );
          const owner = `owner ${exception.owner}`;
          if (standing === 'valid') {
            evidence.push({
              ...at,
              verdict: 'exempt',
              note: `Exempt as ${exception.category} until ${exception.expires} (${owner}): ${exception.reason}`,
            });
          } else {
            const why = {
              expired: `expired on ${exception.expires}`,
              uncategorised: `has no category (one of ${config.exceptionCategories.join(
                ', ',
              )})`,
              'category-not-allowed': `is ${
                exception.category
              }, a category that does not exempt (allowed: ${config.exceptionCategories.join(
                ', ',
              )})`,
            }[standing];
            evidence.push({
              ...at,
              verdict: 'fail',
              note: `Exception for ${exception.job} (${owner}) ${why}`,
            });
          }
        };
        if (job.reusable) {
          if (job.runnerChoice?.skipped) continue;
          const called = job.called;
          const chain = `Job ${job.id} calls ${called?.uses ?? job.uses}`;
          if (!called) {
            evidence.push({
              ...at,
              verdict: 'unknown',
              note: `${chain}, which was not followed`,
            });
            continue;
          }
          for (const finding of judgeCall(context, called, chain)) {
            if (finding.hosted) hostedFinding(finding.note, finding.hosted);
            else
              evidence.push({
                ...at,
                verdict: finding.verdict,
                note: finding.note,
              });
          }
          continue;
        }
        const judgement = judgeRunner(context, job);
        if (judgement.kind === 'pass') continue;
        if (judgement.kind === 'finding') {
          evidence.push({
            ...at,
            verdict: judgement.verdict,
            note: judgement.note,
          });
          continue;
        }
        if (judgement.kind === 'off-pool') {
          hostedFinding(judgement.note);
          continue;
        }
        hostedFinding(`Job ${job.id} runs on hosted ${judgement.labels}`);
      }
    }
    if (jobs === 0 && evidence.length === 0) {
      return {
        verdict: 'unknown',
        summary:
          context.workflows.length === 0
            ? 'No CI: no workflows in .github/workflows'
            : `No CI: ${context.workflows.length} workflows with no jobs`,
        evidence: [],
      };
    }
    return resultOfEvidence(evidence, (verdict, count) =>
      verdict === 'pass'
        ? `${jobs} jobs in ${context.workflows.length} workflows, all on runner classes`
        : `${count('fail')} failing, ${count('exempt')} exempt, ${count(
            'unknown',
          )} undecided of ${jobs} jobs`,
    );
  },
};
