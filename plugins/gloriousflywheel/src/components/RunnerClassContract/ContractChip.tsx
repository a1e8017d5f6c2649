import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import {
  ContractScore,
  formatContractScore,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** "contract 5/6": green when every applicable check passes, red on a failure, amber when unknown. */
export function ContractChip({
  score,
  testId,
}: {
  score: ContractScore;
  testId?: string;
}) {
  let color: 'error' | 'warning' | 'success' = 'success';
  if (score.failed) color = 'error';
  else if (score.unknown) color = 'warning';
  const detail = [
    `${score.passed} passed`,
    score.failed ? `${score.failed} failed` : '',
    score.unknown ? `${score.unknown} unknown (no data to decide)` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Tooltip title={`Runner-class contract: ${detail}`}>
      <Chip
        size="small"
        color={color}
        label={`contract ${formatContractScore(score)}`}
        data-testid={testId}
        data-verdict={color}
      />
    </Tooltip>
  );
}
