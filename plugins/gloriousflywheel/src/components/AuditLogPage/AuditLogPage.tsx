import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  Progress,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  AUDIT_OUTCOMES,
  AuditOutcome,
  AUDIT_ACTIONS,
  AuditAction,
  AuditQuery,
  auditReadPermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { AuditTable } from './AuditTable';
import { downloadFile } from '../download';
import { SelectFilter } from '../SelectFilter';
import { AsyncContent, AsyncTable } from '../AsyncContent';

const PAGE = 25;

function ChainStatus() {
  const api = useApi(gloriousFlywheelApiRef);
  const verify = useAsyncRetry(() => api.verifyAudit(), [api]);
  return (
    <AsyncContent
      state={verify}
      loadingLabel="Checking the hash chain"
      // not knowing whether the chain holds is worth saying, in the same place as the verdict
      renderError={error => (
        <Alert
          severity="warning"
          data-testid="audit-chain"
          action={
            <Button
              color="inherit"
              size="small"
              onClick={verify.retry}
              disabled={verify.loading}
            >
              Retry
            </Button>
          }
        >
          Hash chain not checked: {error.message}
        </Alert>
      )}
    >
      {value =>
        value.ok ? (
          <Alert severity="success" data-testid="audit-chain">
            Hash chain intact: {value.checked} records verified.
          </Alert>
        ) : (
          <Alert severity="error" data-testid="audit-chain">
            Hash chain broken at record {value.firstBrokenId}: {value.message}
          </Alert>
        )
      }
    </AsyncContent>
  );
}

/** Who paused or resumed what, when and why; filterable, exportable as CSV. */
export function AuditLogPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const canRead = usePermission({ permission: auditReadPermission });
  const [filters, setFilters] = useState<{
    actor: string;
    target: string;
    action: '' | AuditAction;
    outcome: '' | AuditOutcome;
  }>({
    actor: '',
    target: '',
    action: '',
    outcome: '',
  });
  const [page, setPage] = useState(0);
  const query: AuditQuery = {
    actor: filters.actor.trim() || undefined,
    target: filters.target.trim() || undefined,
    action: filters.action || undefined,
    outcome: filters.outcome || undefined,
    limit: PAGE,
    offset: page * PAGE,
  };
  const key = JSON.stringify(query);
  const audit = usePolling(
    () => (canRead.allowed ? api.getAudit(query) : Promise.resolve(undefined)),
    [api, key, canRead.allowed],
    15000,
  );

  const exportCsv = async () =>
    downloadFile('gloriousflywheel-audit.csv', await api.getAuditCsv(query));

  const setFilter = (k: keyof typeof filters, value: string) => {
    setPage(0);
    setFilters(f => ({ ...f, [k]: value }));
  };
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) =>
    setFilter(k, e.target.value);

  let body;
  if (canRead.loading)
    body = <Progress aria-label="Checking your access to the audit log" />;
  else if (!canRead.allowed) {
    body = (
      <WarningPanel
        title="You may not read the audit log"
        message="Reading the audit log needs the gloriousflywheel.audit.read permission (operators and admins in the sample policy)."
      />
    );
  } else {
    body = (
      <Stack spacing={2}>
        <ChainStatus />
        <Stack direction="row" spacing={2} alignItems="center">
          <TextField
            size="small"
            label="Actor"
            placeholder="user:default/ada-admin"
            value={filters.actor}
            onChange={set('actor')}
          />
          <TextField
            size="small"
            label="Target"
            placeholder="honey/arc-runners"
            value={filters.target}
            onChange={set('target')}
          />
          <SelectFilter
            label="Action"
            value={filters.action}
            options={AUDIT_ACTIONS}
            onChange={v => setFilter('action', v)}
            minWidth={120}
          />
          <SelectFilter
            label="Outcome"
            value={filters.outcome}
            options={AUDIT_OUTCOMES}
            onChange={v => setFilter('outcome', v)}
            minWidth={130}
          />
          <Button variant="outlined" onClick={exportCsv}>
            Export CSV
          </Button>
        </Stack>
        <AsyncTable state={audit} errorTitle="The audit log could not be read">
          {({ value, loading }) => (
            <AuditTable
              title="Pause and resume attempts"
              records={value?.items ?? []}
              loading={loading}
              total={value?.total ?? 0}
              page={page}
              pageSize={PAGE}
              onPageChange={setPage}
            />
          )}
        </AsyncTable>
      </Stack>
    );
  }

  return (
    <PluginPage
      title="Audit log"
      subtitle="Every pause and resume attempt, allowed or denied, hash-chained"
    >
      <ContentHeader title="Records and chain check">
        <SupportButton>
          Records are append-only; the chain check recomputes every record's
          hash.
        </SupportButton>
      </ContentHeader>
      {body}
    </PluginPage>
  );
}
