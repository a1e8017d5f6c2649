import { useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import Typography from '@mui/material/Typography';
import { SourceStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';

const SOURCE_TITLES: Record<SourceStatus['source'], string> = {
  fleet: 'Fleet (ARC scale sets)',
  caches: 'Build caches',
  adoption: 'Adoption (GitHub scan)',
};

export function SourceStateBadge({ state }: { state: SourceStatus['state'] }) {
  switch (state) {
    case 'ok':
      return <StatusOK>ok</StatusOK>;
    case 'degraded':
      return <StatusWarning>degraded</StatusWarning>;
    case 'error':
      return <StatusError>error</StatusError>;
    case 'starting':
      return <StatusPending>starting</StatusPending>;
    default:
      return <StatusPending>not configured</StatusPending>;
  }
}

const columns: TableColumn<SourceStatus>[] = [
  { title: 'Source', field: 'source', render: s => SOURCE_TITLES[s.source] ?? s.source },
  { title: 'State', field: 'state', render: s => <SourceStateBadge state={s.state} /> },
  { title: 'Configured', field: 'configured', type: 'numeric' },
  { title: 'Details', field: 'message' },
];

/** The GloriousFlywheel landing page: what the plugin is connected to and how each source is doing. */
export function OverviewPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const { value, loading, error, retry } = useAsyncRetry(() => api.getHealth(), [api]);

  return (
    <PluginPage title="GloriousFlywheel" subtitle="Pooled CI substrate: runner classes, build caches, migration tranches">
        <ContentHeader title="Sources" />
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {value && (
          <>
            {value.control && !value.control.enabled && (
              <WarningPanel severity="warning" title="Pause and resume are disabled" message={value.control.message} />
            )}
            <Table<SourceStatus>
              title={`Backend plugin v${value.version}`}
              options={{ paging: false, search: false, padding: 'dense' }}
              columns={columns}
              data={value.sources}
              actions={[
                { icon: () => <span>↻</span>, tooltip: 'Refresh', isFreeAction: true, onClick: () => retry() },
              ]}
            />
            <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
              Sources come from <code>gloriousflywheel.*</code> in app-config; see the README to point
              them at a real cluster, GitHub organisation and caches.
            </Typography>
          </>
        )}
    </PluginPage>
  );
}
