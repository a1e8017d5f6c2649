import Chip from '@mui/material/Chip';
import { AdoptionStage, ScorecardVerdict } from '@tinyland/backstage-plugin-gloriousflywheel-common';

const VERDICT_COLOR = { pass: 'success', fail: 'error', exempt: 'info', unknown: 'default' } as const;
const STAGE_COLOR = { adopted: 'success', 'in-progress': 'info', blocked: 'error', 'not-started': 'default' } as const;

/** A scorecard verdict; unknown is never shown as a pass. */
export function VerdictChip({ verdict }: { verdict: ScorecardVerdict }) {
  return <Chip size="small" color={VERDICT_COLOR[verdict]} label={verdict} data-verdict={verdict} />;
}

/** Where a repository is in its migration. */
export function StageChip({ stage }: { stage: AdoptionStage }) {
  return <Chip size="small" variant="outlined" color={STAGE_COLOR[stage]} label={stage} data-stage={stage} />;
}
