import { isHostedJob, isHostedLabel } from '../../runnerClasses';
import { findException, isExceptionExpired } from '../exceptionRegister';
import { ScorecardCheck, ScorecardEvidence } from '../types';
import { verdictOfEvidence } from '../verdict';
import { sourceLine, workflowErrorEvidence } from './workflowErrors';

/** @public */
export const hostedRunnersCheck: ScorecardCheck = {
  id: 'hosted-runners',
  title: 'No hosted runners on default-branch workflows',
  severity: 'error',
  rationale:
    'Default-branch CI should ride the pooled substrate; a hosted job is allowed only as a named, owned and dated exception.',
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
        const hostedCandidates = (job.candidates ?? []).filter(l =>
          isHostedLabel(l, config.hostedLabels),
        );
        const hosted =
          isHostedJob(job.labels, config.hostedLabels) ||
          hostedCandidates.length > 0;
        if (!hosted) {
          if (
            job.dynamic &&
            !job.runnerClass &&
            (job.candidates ?? []).length === 0
          ) {
            evidence.push({
              ...at,
              verdict: 'unknown',
              note: `Job ${job.id} picks its runner with an expression`,
            });
          }
          continue;
        }
        const labels = [...job.labels, ...hostedCandidates].join(', ');
        const exception = findException(exceptions, workflow.path, job.id);
        if (!exception) {
          evidence.push({
            ...at,
            verdict: 'fail',
            note: `Job ${job.id} runs on hosted ${labels} with no exception`,
          });
        } else if (isExceptionExpired(exception, now)) {
          evidence.push({
            ...at,
            verdict: 'fail',
            note: `Exception for ${job.id} (owner ${exception.owner}) expired on ${exception.expires}`,
          });
        } else {
          evidence.push({
            ...at,
            verdict: 'exempt',
            note: `Exempt until ${exception.expires} (owner ${exception.owner}): ${exception.reason}`,
          });
        }
      }
    }
    const verdict = verdictOfEvidence(evidence);
    const failing = evidence.filter(e => e.verdict === 'fail').length;
    const summary =
      verdict === 'pass'
        ? `${jobs} jobs in ${context.workflows.length} workflows, none on hosted runners`
        : `${failing} failing, ${
            evidence.filter(e => e.verdict === 'exempt').length
          } exempt, ${
            evidence.filter(e => e.verdict === 'unknown').length
          } undecided of ${jobs} jobs`;
    return { verdict, summary, evidence };
  },
};
