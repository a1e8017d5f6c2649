import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import {
  ContractCheckResult,
  ContractVerdict,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const VERDICT_COLOR: Record<
  ContractVerdict,
  'success' | 'error' | 'warning' | 'default'
> = {
  pass: 'success',
  fail: 'error',
  unknown: 'warning',
  'not-applicable': 'default',
};

/** A check's verdict as a coloured chip. */
function ContractVerdictChip({ verdict }: { verdict: ContractVerdict }) {
  return (
    <Chip
      size="small"
      color={VERDICT_COLOR[verdict]}
      label={verdict === 'not-applicable' ? 'n/a' : verdict}
      data-verdict={verdict}
    />
  );
}

/** The checks of a contract with the field each verdict was read from as evidence. */
export function ContractChecksTable({
  title,
  checks,
  showScaleSet,
}: {
  title: string;
  checks: ContractCheckResult[];
  /** a class's table names the scale set of each piece of evidence */
  showScaleSet?: boolean;
}) {
  const columns: TableColumn<ContractCheckResult>[] = [
    { title: 'Check', field: 'title', width: '22%' },
    {
      title: 'Verdict',
      field: 'verdict',
      width: '10%',
      render: c => <ContractVerdictChip verdict={c.verdict} />,
    },
    { title: 'Finding', field: 'message', width: '28%' },
    {
      title: 'Evidence (field path = value)',
      field: 'evidence',
      sorting: false,
      render: c => (
        <>
          {c.evidence.map((e, i) => (
            <Typography
              key={i}
              variant="body2"
              component="div"
              sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}
            >
              {showScaleSet ? `${e.scaleSet}: ` : ''}
              {e.path} = {e.value === null ? '∅' : JSON.stringify(e.value)}
              {e.note ? ` (${e.note})` : ''}
            </Typography>
          ))}
        </>
      ),
    },
  ];
  return (
    <div data-testid="contract-checks">
      <Table<ContractCheckResult>
        title={title}
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          draggable: false,
        }}
        columns={columns}
        data={checks}
      />
    </div>
  );
}
