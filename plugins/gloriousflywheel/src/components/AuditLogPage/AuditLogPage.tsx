import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  ResponseErrorPanel,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import useAsync from 'react-use/esm/useAsync';
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

const PAGE = 25;

function ChainStatus() {
  const api = useApi(gloriousFlywheelApiRef);
  const verify = useAsync(() => api.verifyAudit(), [api]);
  if (verify.loading || verify.error || !verify.value) return null;
  return verify.value.ok ? (
    <Alert severity="success" data-testid="audit-chain">
      Hash chain intact: {verify.value.checked} records verified.
    </Alert>
  ) : (
    <Alert severity="error" data-testid="audit-chain">
      Hash chain broken at record {verify.value.firstBrokenId}:{' '}
      {verify.value.message}
    </Alert>
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
  if (canRead.loading) body = null;
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
        {audit.error && !audit.value ? (
          <ResponseErrorPanel error={audit.error} />
        ) : (
          <AuditTable
            title="Pause and resume attempts"
            records={audit.value?.items ?? []}
            loading={audit.loading && !audit.value}
            total={audit.value?.total ?? 0}
            page={page}
            pageSize={PAGE}
            onPageChange={setPage}
          />
        )}
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
