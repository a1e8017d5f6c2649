import Chip from '@mui/material/Chip';
import {
  AdoptionJobException,
  AdoptionStage,
  exceptionExempts,
  ScorecardVerdict,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

// primary, not info: MUI's default info blue is below 4.5:1 against white for chip text (axe color-contrast)
const VERDICT_COLOR = {
  pass: 'success',
  fail: 'error',
  exempt: 'primary',
  unknown: 'default',
} as const;
const STAGE_COLOR = {
  adopted: 'success',
  'in-progress': 'primary',
  blocked: 'error',
  'not-started': 'default',
} as const;

/** A scorecard verdict; unknown is never shown as a pass. */
export function VerdictChip({ verdict }: { verdict: ScorecardVerdict }) {
  return (
    <Chip
      size="small"
      color={VERDICT_COLOR[verdict]}
      label={verdict}
      data-verdict={verdict}
    />
  );
}

/** Where a repository is in its migration. */
export function StageChip({ stage }: { stage: AdoptionStage }) {
  return (
    <Chip
      size="small"
      variant="outlined"
      color={STAGE_COLOR[stage]}
      label={stage}
      data-stage={stage}
    />
  );
}

/** Why a registered exception does not exempt its job, or '' when it does. */
export function exceptionProblem(exception: AdoptionJobException): string {
  if (exceptionExempts(exception)) return '';
  switch (exception.standing) {
    case 'uncategorised':
      return 'no category';
    case 'category-not-allowed':
      return `category ${exception.category} does not exempt`;
    default:
      return 'expired';
  }
}

/**
 * A job on GitHub-hosted runners: covered by a valid exception, or not (expired or none: it fails
 * the hosted-runners check, hence the error colour; MUI's warning orange is too light for text).
 */
export function HostedChip({
  exception,
}: {
  exception: AdoptionJobException | null;
}) {
  const covered = exceptionExempts(exception);
  return (
    <Chip
      size="small"
      variant="outlined"
      color={covered ? 'primary' : 'error'}
      label="GitHub-hosted"
      data-covered={covered}
    />
  );
}
