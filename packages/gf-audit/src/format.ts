import {
  Scorecard,
  ScorecardVerdict,
  WorkflowAnalysis,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows
    .map(r =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const yesNo = (value: boolean) => (value ? 'yes' : '-');

function runsOn(job: WorkflowAnalysis['jobs'][number]): string {
  if (job.reusable)
    return job.calledLabels
      ? `(reusable workflow) -> ${job.calledLabels.join(', ') || '(none)'}`
      : '(reusable workflow)';
  const parts = [...job.labels];
  if (job.group) parts.unshift(`group=${job.group}`);
  if (job.dynamic)
    parts.push(
      job.candidates ? `\${{ }} -> ${job.candidates.join('|')}` : '${{ }}',
    );
  return parts.join(', ') || '(none)';
}

/** A readable table of the jobs of every file, errors listed after it. */
export function formatWorkflowAnalyses(files: WorkflowAnalysis[]): string {
  const rows = [
    [
      'FILE:LINE',
      'JOB',
      'RUNS-ON',
      'RUNNER CLASS',
      'HOSTED',
      'BAZEL',
      'NIX',
      'VIA',
    ],
  ];
  for (const file of files) {
    for (const job of file.jobs) {
      rows.push([
        `${file.path}:${job.line}`,
        job.id,
        runsOn(job),
        job.runnerClass ?? '-',
        yesNo(job.hosted),
        yesNo(job.runsBazel),
        yesNo(job.usesNix),
        job.via.join(' > ') || '-',
      ]);
    }
  }
  const errors = files
    .filter(f => f.error)
    .map(
      f =>
        `error: ${f.path}:${f.error!.line}:${f.error!.column}: ${
          f.error!.message
        }`,
    );
  const jobs = rows.length - 1;
  return [
    jobs > 0 ? table(rows) : 'No jobs found.',
    ...errors,
    `${files.length} files, ${jobs} jobs, ${errors.length} errors`,
  ].join('\n');
}

const MARK: Record<ScorecardVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  exempt: 'EXEMPT',
  unknown: 'UNKNOWN',
};

/** The scorecard as a checklist with evidence under each check. */
export function formatScorecard(scorecard: Scorecard): string {
  const lines = [
    `Dogfood scorecard (${scorecard.defaultBranch}): ${
      MARK[scorecard.verdict]
    }`,
  ];
  for (const check of scorecard.checks) {
    lines.push(
      '',
      `${MARK[check.verdict].padEnd(7)} ${check.id} [${check.severity}] ${
        check.title
      }`,
    );
    lines.push(`        ${check.summary}`);
    for (const e of check.evidence) {
      const where = e.line ? `${e.path}:${e.line}` : e.path;
      const mark = e.verdict ? `${MARK[e.verdict]} ` : '';
      lines.push(`        - ${mark}${where}${e.note ? ` ${e.note}` : ''}`);
      if (e.excerpt) lines.push(`            ${e.excerpt}`);
      if (e.url) lines.push(`            ${e.url}`);
    }
  }
  return lines.join('\n');
}
