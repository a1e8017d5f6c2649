import {
  isHostedJob,
  isHostedLabel,
  matchRunnerClassForLabels,
  suggestRunnerClass,
} from '../../runnerClasses';
import { WorkflowJobInspection } from '../../workflows';
import { exceptionStanding, findException } from '../exceptionRegister';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';
import { verdictOfEvidence } from '../verdict';
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
  return `Job ${job.id} runs on ${pooled.map(describe).join('; ')}, else on hosted ${hosted
    .map(describe)
    .join('; ')}; ${unknown.map(v => v.name).join(', ')} not known`;
}

/** @public */
export const hostedRunnersCheck: ScorecardCheck = {
  id: 'hosted-runners',
  title: 'Default-branch jobs run on runner classes',
  severity: 'error',
  rationale:
    'Default-branch CI should ride the pooled substrate: a hosted job is allowed only as a named, owned, dated and categorised exception, and a self-hosted job outside the runner classes (a host pin) is not on the pool.',
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
        if (job.reusable) {
          // A local reusable workflow is checked as a file of its own.
          if (!job.uses?.startsWith('./')) {
            evidence.push({
              ...at,
              verdict: 'unknown',
              note: `Runner chosen by remote reusable workflow ${job.uses}`,
            });
          }
          continue;
        }
        if (job.runnerChoice?.skipped) continue;
        const toggle = undecidedToggle(job);
        if (toggle) {
          evidence.push({ ...at, verdict: 'unknown', note: toggle });
          continue;
        }
        const hostedCandidates = (job.candidates ?? []).filter(l =>
          isHostedLabel(l, config.hostedLabels),
        );
        const hosted =
          isHostedJob(job.labels, config.hostedLabels) ||
          hostedCandidates.length > 0;
        if (!hosted) {
          if (job.runnerClass) continue;
          if (job.dynamic) {
            const candidates = job.candidates ?? [];
            // a candidate label no class serves: the job may land outside the pool
            const outside = candidates.filter(
              l =>
                !GENERIC_LABELS.has(l.toLowerCase()) &&
                !matchRunnerClassForLabels([l], config.runnerClasses),
            );
            if (candidates.length === 0) {
              evidence.push({
                ...at,
                verdict: 'unknown',
                note: `Job ${job.id} picks its runner with an expression`,
              });
            } else if (outside.length > 0) {
              evidence.push({
                ...at,
                verdict: 'unknown',
                note: `Job ${job.id} may run on ${outside.join(
                  ', ',
                )}, which no runner class serves${didYouMean(context, outside)}`,
              });
            }
            continue;
          }
          evidence.push({ ...at, ...unclassifiedJob(context, job) });
          continue;
        }
        const hostedLabels = [...job.labels, ...hostedCandidates].filter(l =>
          isHostedLabel(l, config.hostedLabels),
        );
        const labels = `${[...job.labels, ...hostedCandidates].join(
          ', ',
        )}${didYouMean(context, hostedLabels)}`;
        const exception = findException(exceptions, workflow.path, job.id);
        if (!exception) {
          evidence.push({
            ...at,
            verdict: 'fail',
            note: `Job ${job.id} runs on hosted ${labels} with no exception`,
          });
          continue;
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
            note: `Exception for ${job.id} (${owner}) ${why}`,
          });
        }
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
    const verdict = verdictOfEvidence(evidence);
    const count = (v: string) => evidence.filter(e => e.verdict === v).length;
    const summary =
      verdict === 'pass'
        ? `${jobs} jobs in ${context.workflows.length} workflows, all on runner classes`
        : `${count('fail')} failing, ${count('exempt')} exempt, ${count(
            'unknown',
          )} undecided of ${jobs} jobs`;
    return { verdict, summary, evidence };
  },
};
