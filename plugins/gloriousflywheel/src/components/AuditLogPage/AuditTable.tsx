import { Progress, Table, TableColumn } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import {
  AuditOutcome,
  AuditRecord,
  ScaleSetBounds,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { RelativeTime } from '../RelativeTime';
import { chipTextSx } from '../chipContrast';
import { Truncated } from '../Truncated';

const OUTCOME_COLOR = {
  succeeded: 'success',
  failed: 'error',
  denied: 'warning',
  initiated: 'default',
} as const;

/** The outcome of an audited attempt, coloured the same wherever it is shown. */
export function AuditOutcomeChip({ outcome }: { outcome: AuditOutcome }) {
  return (
    <Chip
      size="small"
      color={OUTCOME_COLOR[outcome]}
      sx={chipTextSx(OUTCOME_COLOR[outcome])}
      label={outcome}
      data-outcome={outcome}
    />
  );
}

const fmt = (b: ScaleSetBounds | null) =>
  b ? `${b.minRunners ?? 0}/${b.maxRunners ?? '∞'}` : '—';

const columns: TableColumn<AuditRecord>[] = [
  { title: 'Time', field: 'time', render: r => <RelativeTime iso={r.time} /> },
  {
    title: 'Actor',
    field: 'actor',
    render: r => <Truncated text={r.actor} maxWidth={170} />,
  },
  { title: 'Action', field: 'action' },
  // one line each, cut with the whole name on hover: they wrapped to a word per line
  {
    title: 'Scale set',
    field: 'name',
    render: r => (
      <Truncated
        text={`${r.cluster}/${r.namespace}/${r.name}`}
        maxWidth={200}
      />
    ),
  },
  {
    title: 'Runner class',
    field: 'runnerClass',
    cellStyle: { whiteSpace: 'nowrap' },
    render: r => r.runnerClass ?? '—',
  },
  { title: 'Reason', field: 'reason', cellStyle: { minWidth: 200 } },
  {
    title: 'Outcome',
    field: 'outcome',
    render: r => <AuditOutcomeChip outcome={r.outcome} />,
  },
  {
    title: 'Min/max before → after',
    field: 'before',
    align: 'right',
    cellStyle: { whiteSpace: 'nowrap' },
    render: r => `${fmt(r.before)} → ${fmt(r.after)}`,
  },
  {
    title: 'Error',
    field: 'error',
    cellStyle: { minWidth: 180 },
    render: r => r.error ?? '',
  },
];

/** Audit records (who did what, when, why, with what result). */
export function AuditTable(props: {
  title: string;
  records: AuditRecord[];
  loading?: boolean;
  total?: number;
  page?: number;
  pageSize?: number;
  onPageChange?: (page: number) => void;
}) {
  const remote = props.onPageChange !== undefined;
  // The table's own loading overlay is a progressbar without a name (axe: serious).
  if (props.loading) return <Progress aria-label={`Loading ${props.title}`} />;
  return (
    <Table<AuditRecord>
      title={props.title}
      columns={columns}
      data={props.records}
      totalCount={remote ? props.total : undefined}
      page={remote ? props.page : undefined}
      onPageChange={remote ? p => props.onPageChange!(p) : undefined}
      options={{
        paging: remote,
        pageSize: props.pageSize ?? 25,
        pageSizeOptions: [props.pageSize ?? 25],
        search: false,
        padding: 'dense',
        // no column drag handles: unnamed role=button wrappers around the sort buttons (axe)
        draggable: false,
        sorting: false,
      }}
      emptyContent={<div style={{ padding: 16 }}>No audit records match.</div>}
    />
  );
}
