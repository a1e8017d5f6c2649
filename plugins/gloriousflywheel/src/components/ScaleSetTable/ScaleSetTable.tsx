import { Link, Progress, Table, TableColumn } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import TablePagination from '@mui/material/TablePagination';
import Tooltip from '@mui/material/Tooltip';
import {
  QueueStatsList,
  ScaleSet,
  scaleSetKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { formatSeconds } from '../Queue/QueueFigures';
import { scaleSetEntityPath } from '../entityRefs';
import { ScaleSetControlButton } from '../ScaleSetControl';
import { Truncated } from '../Truncated';
import { chipTextSx } from '../chipContrast';

const maxLabel = (max: number | null) => (max === null ? '∞' : String(max));

const baseColumns: TableColumn<ScaleSet>[] = [
  {
    title: 'Scale set',
    field: 'name',
    highlight: true,
    render: s => (
      <Link to={scaleSetEntityPath(s)}>
        <Truncated text={s.name} maxWidth={240} />
      </Link>
    ),
  },
  { title: 'Cluster', field: 'cluster' },
  { title: 'Namespace', field: 'namespace' },
  {
    title: 'Runner class',
    field: 'runnerClass',
    cellStyle: { whiteSpace: 'nowrap' },
    render: s => s.runnerClass ?? <i>unclassified</i>,
  },
  { title: 'Owner', field: 'owner' },
  {
    title: 'Min / max',
    field: 'maxRunners',
    align: 'right',
    cellStyle: { whiteSpace: 'nowrap' },
    render: s => `${s.minRunners} / ${maxLabel(s.maxRunners)}`,
    customSort: (a, b) =>
      (a.maxRunners ?? Infinity) - (b.maxRunners ?? Infinity),
  },
  { title: 'Current', field: 'runners.current', type: 'numeric' },
  { title: 'Pending', field: 'runners.pending', type: 'numeric' },
  { title: 'Running', field: 'runners.running', type: 'numeric' },
  { title: 'Failed', field: 'runners.failed', type: 'numeric' },
  {
    title: 'State',
    field: 'paused',
    render: s => (
      <>
        {s.paused && s.pauseReverted && (
          <Tooltip
            title={`paused by ${s.paused.by} at ${s.paused.at}; pause reverted by ${s.pauseReverted.by} at ${s.pauseReverted.at}: it runs jobs again`}
          >
            <Chip size="small" color="error" label="pause reverted" />
          </Tooltip>
        )}
        {s.paused && !s.pauseReverted && (
          <Tooltip
            title={`paused by ${s.paused.by} at ${s.paused.at}: ${s.paused.reason}`}
          >
            <Chip
              size="small"
              color="warning"
              sx={chipTextSx('warning')}
              label="paused"
            />
          </Tooltip>
        )}
        {!s.paused && (
          <Chip
            size="small"
            color="success"
            variant="outlined"
            label="active"
          />
        )}
        {s.managedBy && (
          <Tooltip
            title={`Managed by ${s.managedBy}: changes made here may be reverted`}
          >
            <Chip
              size="small"
              variant="outlined"
              label={s.managedBy}
              sx={{ ml: 0.5 }}
            />
          </Tooltip>
        )}
      </>
    ),
  },
];

/** One page of a list the server pages: `scaleSets` are its items. */
export interface ScaleSetTablePage {
  /** zero-based */
  page: number;
  pageSize: number;
  /** how many scale sets match on the server */
  total: number;
  onPageChange: (page: number) => void;
}

/**
 * Drill-down table of scale sets, with pause/resume where the user may use them. Given `serverPage`,
 * it shows that page with page controls (sorted as the server lists them); otherwise it pages and
 * searches the given list itself.
 */
export function ScaleSetTable({
  scaleSets,
  title = 'Scale sets',
  loading,
  onChanged,
  queue,
  serverPage,
}: {
  scaleSets: ScaleSet[];
  serverPage?: ScaleSetTablePage;
  /** queue figures per scale set; a column when given */
  queue?: QueueStatsList['scaleSets'];
  title?: string;
  loading?: boolean;
  /** called after a pause/resume so the caller reloads */
  onChanged?: () => void;
}) {
  const queueOf = (s: ScaleSet) =>
    queue?.find(q => q.scaleSet === scaleSetKey(s));
  const columns: TableColumn<ScaleSet>[] = [
    ...baseColumns,
    ...(queue
      ? [
          {
            title: 'Queued (p95 24 h)',
            field: 'name',
            align: 'right' as const,
            cellStyle: { whiteSpace: 'nowrap' as const },
            customSort: (a: ScaleSet, b: ScaleSet) =>
              (queueOf(a)?.queued ?? 0) - (queueOf(b)?.queued ?? 0),
            render: (s: ScaleSet) => {
              const q = queueOf(s);
              return q
                ? `${q.queued} (${formatSeconds(q.p95Seconds24h)})`
                : '—';
            },
          },
        ]
      : []),
    {
      title: '',
      field: 'name',
      sorting: false,
      render: s => <ScaleSetControlButton scaleSet={s} onChanged={onChanged} />,
    },
  ];
  // A named progress bar, not the table's own loading overlay (a progressbar without a name, which
  // axe calls serious).
  if (loading)
    return <Progress aria-label={`Loading ${title.toLowerCase()}`} />;
  const table = (
    <Table<ScaleSet>
      title={title}
      options={
        serverPage
          ? {
              paging: false,
              padding: 'dense',
              search: false,
              sorting: false,
              draggable: false,
            }
          : {
              paging: scaleSets.length > 20,
              pageSize: 20,
              padding: 'dense',
              search: true,
              draggable: false,
            }
      }
      columns={columns}
      data={scaleSets}
      emptyContent={<div style={{ padding: 16 }}>No scale sets match.</div>}
    />
  );
  if (!serverPage) return table;
  return (
    <>
      {table}
      {serverPage.total > serverPage.pageSize && (
        <TablePagination
          component="div"
          count={serverPage.total}
          page={serverPage.page}
          rowsPerPage={serverPage.pageSize}
          rowsPerPageOptions={[serverPage.pageSize]}
          onPageChange={(_e, page) => serverPage.onPageChange(page)}
          data-testid="scale-set-pages"
        />
      )}
    </>
  );
}
