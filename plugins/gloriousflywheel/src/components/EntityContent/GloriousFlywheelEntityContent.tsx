import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  StructuredMetadataTable,
  WarningPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { ClusterSyncBanner } from '../ClusterSyncBanner';
import { ago } from '../RelativeTime';
import { ScaleSetTable } from '../ScaleSetTable';
import { ScaleSetControlButton } from '../ScaleSetControl';
import { QueueCard } from '../Queue';
import { AuditTable } from '../AuditLogPage';
import { AsyncContent, AsyncTable } from '../AsyncContent';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  auditReadPermission,
  CacheDetail,
  CacheList,
  CacheProbeCheck,
  CATALOG_RESOURCE_TYPES,
  catalogResourceType,
  FLEET_ANNOTATIONS,
  RunnerClassDetail,
  ScaleSet,
  ScaleSetDetail,
  UNCLASSIFIED_RUNNER_CLASS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { CacheHistoryCard, formatCacheSize } from '../CachesPage';
import { CacheStatusChip } from '../CacheStatusChip';
import {
  ContractChecksTable,
  ContractChip,
  PauseRevertedNotice,
} from '../RunnerClassContract';

function RunnerClassOverview({ name }: { name: string }) {
  const api = useApi(gloriousFlywheelApiRef);
  const caches = usePolling(() => api.getCaches(), [api], 15000);
  const state = usePolling(() => api.getRunnerClass(name), [api, name]);
  return (
    <AsyncContent state={state}>
      {value => (
        <RunnerClassFacts
          value={value}
          caches={caches.value}
          onChanged={state.retry}
        />
      )}
    </AsyncContent>
  );
}

function RunnerClassFacts({
  value,
  caches,
  onChanged,
}: {
  value: RunnerClassDetail;
  /** cache health is extra context: without it the chips are left out */
  caches?: CacheList;
  onChanged: () => void;
}) {
  const c = value.item;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <ClusterSyncBanner clusters={value.clusters} />
      </Grid>
      <Grid item xs={12} lg={5}>
        <InfoCard title={`Runner class ${c.name}`}>
          <StructuredMetadataTable
            metadata={{
              capabilities: c.capabilities.join(', ') || '—',
              'runs-on labels': c.labels.join(', '),
              'scale sets': c.scaleSets.length,
              owners: c.owners.join(', ') || '—',
              'runners (current / max)': `${c.runners.current} / ${
                c.maxRunners === null ? 'unlimited' : c.maxRunners
              }`,
              pending: c.runners.pending,
              running: c.runners.running,
              failed: c.runners.failed,
              paused: c.pausedScaleSets,
            }}
          />
          <div data-testid="class-caches">
            {(caches?.items ?? [])
              .filter(k => k.runnerClasses.includes(c.name))
              .map(k => (
                <CacheStatusChip
                  key={k.name}
                  status={k.status}
                  label={`${k.name}: ${k.status}`}
                />
              ))}
          </div>
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={7}>
        <ScaleSetTable
          title="Scale sets"
          scaleSets={value.scaleSets}
          onChanged={onChanged}
        />
      </Grid>
      <Grid item xs={12}>
        <QueueCard runnerClass={c.name} />
      </Grid>
      {value.scaleSets.map(s => (
        <Grid
          item
          xs={12}
          key={`${s.cluster}/${s.namespace}/${s.name}`}
          sx={{ '&:empty': { display: 'none' } }}
        >
          <PauseRevertedNotice scaleSet={s} />
        </Grid>
      ))}
      {c.contract && (
        <Grid item xs={12}>
          <ContractChecksTable
            title={`Contract of ${c.name}: ${c.contract.passed}/${c.contract.applicable} checks pass`}
            checks={c.contract.checks}
            showScaleSet
          />
        </Grid>
      )}
    </Grid>
  );
}

/** What the scale set's template and labels say: ARC version, runner image, resources, env. */
function TemplateFacts({ s }: { s: ScaleSet }) {
  const r = s.runner;
  const env = r?.env ?? [];
  return (
    <InfoCard title="Runner template">
      <StructuredMetadataTable
        metadata={{
          'ARC version': s.arc?.version
            ? `${s.arc.version}${s.arc.chart ? ` (chart ${s.arc.chart})` : ''}`
            : 'unknown (no version label)',
          'registered for': s.githubConfigScope ?? '—',
          'runner image':
            r?.image ??
            (r?.containerPath ? '—' : 'no runner container in spec.template'),
          'memory (request / limit)': `${r?.memoryRequest ?? '—'} / ${
            r?.memoryLimit ?? 'no limit'
          }`,
          'CPU (request / limit)': `${r?.cpuRequest ?? '—'} / ${
            r?.cpuLimit ?? 'no limit'
          }`,
          environment: env.length
            ? env.map(
                e => `${e.name}=${e.valueFrom ? `<${e.valueFrom}>` : e.value}`,
              )
            : '—',
        }}
      />
    </InfoCard>
  );
}

function RecentAudit({
  cluster,
  namespace,
  name,
}: {
  cluster: string;
  namespace: string;
  name: string;
}) {
  const api = useApi(gloriousFlywheelApiRef);
  const canRead = usePermission({ permission: auditReadPermission });
  const audit = usePolling(
    () =>
      canRead.allowed
        ? api.getAudit({ target: `${cluster}/${namespace}/${name}`, limit: 10 })
        : Promise.resolve(undefined),
    [api, cluster, namespace, name, canRead.allowed],
  );
  if (!canRead.allowed) return null;
  return (
    <AsyncTable state={audit}>
      {({ value, loading }) => (
        <AuditTable
          title="Recent pause / resume"
          records={value?.items ?? []}
          loading={loading}
        />
      )}
    </AsyncTable>
  );
}

function ScaleSetOverview({
  cluster,
  namespace,
  name,
}: {
  cluster: string;
  namespace: string;
  name: string;
}) {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(
    () => api.getScaleSet(cluster, namespace, name),
    [api, cluster, namespace, name],
  );
  return (
    <AsyncContent state={state}>
      {value => (
        <ScaleSetFacts
          cluster={cluster}
          namespace={namespace}
          name={name}
          value={value}
          onChanged={state.retry}
        />
      )}
    </AsyncContent>
  );
}

function ScaleSetFacts({
  cluster,
  namespace,
  name,
  value,
  onChanged,
}: {
  cluster: string;
  namespace: string;
  name: string;
  value: ScaleSetDetail;
  onChanged: () => void;
}) {
  const s = value.item;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        {value.cluster && <ClusterSyncBanner clusters={[value.cluster]} />}
        <PauseRevertedNotice scaleSet={s} />
        {s.paused && !s.pauseReverted && (
          <WarningPanel
            severity="warning"
            title={`Paused by ${s.paused.by} ${ago(s.paused.at)} (${new Date(
              s.paused.at,
            ).toLocaleString()})`}
            message={`Reason: ${s.paused.reason}. Resume restores min ${
              s.paused.minRunners ?? 0
            } / max ${s.paused.maxRunners ?? 'unlimited'}.`}
          />
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard
          title={`Scale set ${s.name}`}
          action={
            <>
              {value.contract && (
                <ContractChip
                  score={value.contract}
                  testId="scale-set-contract"
                />
              )}
              <ScaleSetControlButton scaleSet={s} onChanged={onChanged} />
            </>
          }
        >
          <StructuredMetadataTable
            metadata={{
              cluster: s.cluster,
              namespace: s.namespace,
              'runner scale set name': s.runnerScaleSetName,
              'runner class': s.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS,
              'matched by': s.matchedBy ?? '—',
              'GitHub config URL': s.githubConfigUrl,
              'runner group': s.runnerGroup ?? '—',
              labels: s.labels.join(', ') || '—',
              'managed by': s.managedBy ?? '—',
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Runners">
          <StructuredMetadataTable
            metadata={{
              'min / max': `${s.minRunners} / ${
                s.maxRunners === null ? 'unlimited' : s.maxRunners
              }`,
              current: s.runners.current,
              pending: s.runners.pending,
              running: s.runners.running,
              failed: s.runners.failed,
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <TemplateFacts s={s} />
      </Grid>
      {value.contract && (
        <Grid item xs={12}>
          <ContractChecksTable
            title={`Contract of ${s.runnerClass}`}
            checks={value.contract.checks}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <QueueCard scaleSet={`${cluster}/${namespace}/${name}`} />
      </Grid>
      <Grid item xs={12}>
        <RecentAudit cluster={cluster} namespace={namespace} name={name} />
      </Grid>
    </Grid>
  );
}

const checkColumns: TableColumn<CacheProbeCheck>[] = [
  { title: 'Request', field: 'name' },
  { title: 'Outcome', field: 'outcome' },
  { title: 'Latency', field: 'latencyMs', render: c => `${c.latencyMs} ms` },
  {
    title: 'Status',
    field: 'httpStatus',
    render: c => c.httpStatus ?? c.grpcCode ?? '',
  },
  {
    title: 'Detail',
    field: 'message',
    render: c => c.message ?? c.errorKind ?? '',
  },
];

function CacheOverview({ name }: { name: string }) {
  const api = useApi(gloriousFlywheelApiRef);
  const state = usePolling(() => api.getCache(name), [api, name], 15000);
  return (
    <AsyncContent state={state}>
      {value => <CacheFacts value={value} />}
    </AsyncContent>
  );
}

function CacheFacts({ value }: { value: CacheDetail }) {
  const c = value.item;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} lg={5}>
        <InfoCard
          title={`Cache ${c.name}`}
          action={<CacheStatusChip status={c.status} />}
        >
          <StructuredMetadataTable
            metadata={{
              kind: c.kind,
              endpoint: c.endpoint,
              status: c.message ? `${c.status}: ${c.message}` : c.status,
              latency: c.latencyMs === null ? '—' : `${c.latencyMs} ms`,
              'size / capacity': `${formatCacheSize(
                c.sizeBytes,
              )} / ${formatCacheSize(c.capacityBytes)}`,
              'remote execution': c.remoteExecution ?? '—',
              'used by': c.runnerClasses.join(', ') || '—',
              'stale endpoint': c.staleEndpoint
                ? `${c.staleEndpoint.pattern}: ${c.staleEndpoint.message}`
                : 'no',
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={7}>
        <Table<CacheProbeCheck>
          title="Latest probe"
          options={{
            paging: false,
            search: false,
            padding: 'dense',
            draggable: false,
          }}
          columns={checkColumns}
          data={value.checks}
        />
      </Grid>
      <Grid item xs={12}>
        <CacheHistoryCard name={c.name} />
      </Grid>
    </Grid>
  );
}

/** Entity tab for the plugin's Resources (runner class, scale set, build cache): live state. */
export function GloriousFlywheelEntityContent() {
  const { entity } = useEntity();
  const ann = entity.metadata.annotations ?? {};
  const type = catalogResourceType(entity);
  const runnerClass = ann[FLEET_ANNOTATIONS.runnerClass];
  if (type === CATALOG_RESOURCE_TYPES.runnerClass && runnerClass) {
    return <RunnerClassOverview name={runnerClass} />;
  }
  if (type === CATALOG_RESOURCE_TYPES.buildCache)
    return <CacheOverview name={entity.metadata.name} />;
  const cluster = ann[FLEET_ANNOTATIONS.cluster];
  const namespace = ann[FLEET_ANNOTATIONS.namespace];
  const scaleSet = ann[FLEET_ANNOTATIONS.scaleSet];
  if (
    type === CATALOG_RESOURCE_TYPES.scaleSet &&
    cluster &&
    namespace &&
    scaleSet
  ) {
    return (
      <ScaleSetOverview
        cluster={cluster}
        namespace={namespace}
        name={scaleSet}
      />
    );
  }
  return (
    <WarningPanel
      title="Not a GloriousFlywheel resource"
      message="This entity lacks the gloriousflywheel.io annotations the fleet module sets."
    />
  );
}
