import { useMemo, useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  ContentHeader,
  InfoCard,
  Link,
  SupportButton,
} from '@backstage/core-components';
import useDebounce from 'react-use/esm/useDebounce';
import { usePermission } from '@backstage/plugin-permission-react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Drawer from '@mui/material/Drawer';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Line, LineChart, ResponsiveContainer, Tooltip } from 'recharts';
import {
  ADOPTION_STAGES,
  AdoptionScanStatus,
  AdoptionStage,
  RepoAdoption,
  TrancheSummary,
  adoptionScanPermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { PluginPage } from '../PluginPage';
import { gloriousFlywheelApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { RepoAdoptionView } from '../RepoAdoptionContent';
import { StageChip } from '../VerdictChip';
import { ago } from '../ClusterSyncBanner';
import { AdoptionMatrix } from './AdoptionMatrix';
import { adoptionCsv } from './adoptionCsv';
import { downloadFile } from '../download';
import { SelectFilter } from '../SelectFilter';
import { AsyncContent } from '../AsyncContent';
import { repoAt, RepoListFilter, useRepoPages } from './useRepoPages';

/** Check columns in first-seen order over the rows given. */
function checkColumns(
  pages: Iterable<RepoAdoption[]>,
): { id: string; title: string }[] {
  const seen = new Map<string, string>();
  for (const rows of pages)
    for (const r of rows)
      for (const c of r.scorecard.checks)
        if (!seen.has(c.id)) seen.set(c.id, c.title);
  return [...seen].map(([id, title]) => ({ id, title }));
}

function TrancheCard({
  tranche,
  onSelect,
}: {
  tranche: TrancheSummary;
  onSelect: () => void;
}) {
  return (
    <InfoCard title={tranche.title} subheader={`${tranche.repos} repositories`}>
      <div data-testid={`tranche-${tranche.name}`}>
        <Stack direction="row" alignItems="center" spacing={1}>
          <LinearProgress
            variant="determinate"
            value={tranche.progress}
            aria-label={`${tranche.title}: ${tranche.stages.adopted ?? 0} of ${
              tranche.repos
            } repositories adopted`}
            sx={{ flexGrow: 1, height: 8, borderRadius: 4 }}
          />
          <Typography variant="body2">{tranche.progress}% adopted</Typography>
        </Stack>
        <Stack
          direction="row"
          spacing={1}
          useFlexGap
          sx={{ my: 1, flexWrap: 'wrap' }}
        >
          {ADOPTION_STAGES.map(s => (
            <span key={s} style={{ whiteSpace: 'nowrap' }}>
              <StageChip stage={s} /> {tranche.stages[s] ?? 0}
            </span>
          ))}
        </Stack>
        {tranche.trend.length > 1 && (
          <ResponsiveContainer width="100%" height={60}>
            <LineChart
              data={tranche.trend.map(t => ({
                day: t.day,
                adopted: t.stages.adopted,
              }))}
            >
              <Tooltip />
              <Line
                dataKey="adopted"
                stroke="#4caf50"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        )}
        {tranche.blockers.length > 0 && (
          <>
            <Typography variant="subtitle2">Blockers</Typography>
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {tranche.blockers.map(b => (
                <li key={`${b.issue}-${b.repo ?? ''}`}>
                  {b.url ? (
                    <Link to={b.url} underline="always">
                      {b.issue}
                    </Link>
                  ) : (
                    b.issue
                  )}{' '}
                  ({b.kind}){b.repo ? ` blocks ${b.repo}` : ''}
                  {b.title ? `: ${b.title}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        <Button size="small" onClick={onSelect} sx={{ mt: 1 }}>
          Show in matrix
        </Button>
      </div>
    </InfoCard>
  );
}

function ScanBar({
  scan,
  onScanned,
}: {
  scan: AdoptionScanStatus;
  onScanned: () => void;
}) {
  const api = useApi(gloriousFlywheelApiRef);
  const alertApi = useApi(alertApiRef);
  const canScan = usePermission({ permission: adoptionScanPermission });
  const running = scan.state === 'running';
  return (
    <Stack
      direction="row"
      spacing={2}
      alignItems="center"
      data-testid="scan-status"
    >
      <Typography variant="body2">
        {running
          ? `Scanning: ${scan.reposDone} / ${scan.reposTotal} repositories`
          : `Last scan ${scan.finishedAt ? ago(scan.finishedAt) : 'never'}${
              scan.state === 'failed' ? ` failed: ${scan.lastError}` : ''
            }`}
        {' · '}GitHub requests: {scan.requestsUsed.graphql} GraphQL,{' '}
        {scan.requestsUsed.rest} REST ({scan.requestsUsed.rest304} free 304s)
        {scan.rateLimit.remaining !== null
          ? ` · rate limit left ${scan.rateLimit.remaining}`
          : ''}
      </Typography>
      {running && (
        <LinearProgress
          sx={{ width: 120 }}
          aria-label="Scan progress"
          variant="determinate"
          value={scan.reposTotal ? (100 * scan.reposDone) / scan.reposTotal : 0}
        />
      )}
      {canScan.allowed && (
        <Button
          size="small"
          variant="outlined"
          disabled={running}
          onClick={async () => {
            try {
              await api.startAdoptionScan();
              onScanned();
            } catch (e) {
              alertApi.post({
                message: `Rescan failed: ${(e as Error).message}`,
                severity: 'error',
                display: 'transient',
              });
            }
          }}
        >
          Rescan now
        </Button>
      )}
    </Stack>
  );
}

/** Most rows one request may ask for (the server's limit): the CSV export's page. */
const EXPORT_PAGE = 2000;
const REFRESH_MS = 30000;

/** Platform view: every repository's migration stage and dogfood checks, grouped by tranche. */
export function TranchesPage() {
  const api = useApi(gloriousFlywheelApiRef);
  const alertApi = useApi(alertApiRef);
  const tranches = usePolling(() => api.getTranches(), [api], REFRESH_MS);
  const [tranche, setTranche] = useState('');
  const [stage, setStage] = useState<'' | AdoptionStage>('');
  const [q, setQ] = useState('');
  // typing sends one request when it pauses, not one per key
  const [qSent, setQSent] = useState('');
  useDebounce(() => setQSent(q.trim()), 300, [q]);
  const [failingOnly, setFailingOnly] = useState(false);
  const [open, setOpen] = useState<RepoAdoption | null>(null);
  const [exporting, setExporting] = useState(false);

  // filtered, sorted and paged by the server
  const filter: RepoListFilter = useMemo(
    () => ({
      sort: 'name',
      ...(qSent && { q: qSent }),
      ...(tranche && { tranche }),
      ...(stage && { stage }),
      ...(failingOnly && { failing: true }),
    }),
    [qSent, tranche, stage, failingOnly],
  );
  const repos = useRepoPages(api, filter, REFRESH_MS);
  const { value } = repos;

  // columns: the checks of the rows loaded so far (every scanned repository has the same ones)
  const checks = useMemo(
    () => checkColumns(value?.pages.values() ?? []),
    [value],
  );
  // the org's size from the tranche summaries ("(none)" holds the repositories no tranche claims)
  const orgTotal = tranches.value?.items.reduce((n, t) => n + t.repos, 0);
  const filtered = (f: RepoListFilter) =>
    Object.keys(f).some(k => k !== 'sort');

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all: RepoAdoption[] = [];
      for (let offset = 0; ; offset += EXPORT_PAGE) {
        const page = await api.getAdoptionRepos({
          ...filter,
          limit: EXPORT_PAGE,
          offset,
        });
        all.push(...page.items);
        if (!page.items.length || offset + EXPORT_PAGE >= page.total) break;
      }
      downloadFile(
        'gloriousflywheel-adoption.csv',
        adoptionCsv(
          all,
          checkColumns([all]).map(c => c.id),
        ),
      );
    } catch (e) {
      alertApi.post({
        message: `Export failed: ${(e as Error).message}`,
        severity: 'error',
        display: 'transient',
      });
    } finally {
      setExporting(false);
    }
  };

  const body = (
    <AsyncContent
      // the cards and the matrix appear together, as soon as both first loads are in
      state={{
        value: tranches.value || tranches.error ? value : undefined,
        loading: repos.loading || tranches.loading,
        error: repos.error,
        retry: repos.retry,
      }}
      isEmpty={v => v.total === 0 && !filtered(v.filter)}
      empty={v => ({
        title: 'No repositories scanned yet',
        description:
          'Configure gloriousflywheel.github.orgs and a GitHub integration (docs/adoption.md); the first scan starts shortly after the backend does.',
        action: <ScanBar scan={v.scan} onScanned={repos.retry} />,
      })}
    >
      {v => (
        <Stack spacing={2}>
          <ScanBar scan={v.scan} onScanned={repos.retry} />
          {tranches.error && (
            <Alert severity="warning">
              Tranche summaries unavailable: {tranches.error.message}
            </Alert>
          )}
          {repos.error && (
            <Alert severity="warning">
              Repositories could not be refreshed: {repos.error.message}
            </Alert>
          )}
          {/* in a div: Stack's spacing would replace the Grid's negative margins and push it right */}
          <div>
            <Grid container spacing={2}>
              {(tranches.value?.items ?? []).map(t => (
                <Grid item xs={12} sm={6} lg={4} key={t.name}>
                  <TrancheCard
                    tranche={t}
                    onSelect={() => setTranche(t.name)}
                  />
                </Grid>
              ))}
            </Grid>
          </div>
          <Stack
            direction="row"
            spacing={2}
            useFlexGap
            alignItems="center"
            sx={{ flexWrap: 'wrap' }}
          >
            <TextField
              size="small"
              label="Repository"
              value={q}
              onChange={e => setQ(e.target.value)}
            />
            <SelectFilter
              label="Tranche"
              value={tranche}
              options={(tranches.value?.items ?? []).map(t => ({
                value: t.name,
                label: t.title,
              }))}
              onChange={setTranche}
            />
            <SelectFilter
              label="Stage"
              value={stage}
              options={ADOPTION_STAGES}
              onChange={setStage}
            />
            <FormControlLabel
              control={
                <Switch
                  checked={failingOnly}
                  onChange={e => setFailingOnly(e.target.checked)}
                />
              }
              label="failing checks only"
              sx={{ whiteSpace: 'nowrap' }}
            />
            <Button
              variant="outlined"
              size="small"
              onClick={exportCsv}
              disabled={exporting}
            >
              {exporting ? 'Exporting…' : 'Export CSV'}
            </Button>
            <Typography variant="caption">
              {orgTotal !== undefined || !filtered(v.filter)
                ? `${v.total} of ${orgTotal ?? v.total} repositories`
                : `${v.total} repositories match`}
            </Typography>
          </Stack>
          <AdoptionMatrix
            key={v.key}
            count={v.total}
            row={i => repoAt(v, i)}
            onRows={repos.showRows}
            checks={checks}
            onOpen={setOpen}
          />
        </Stack>
      )}
    </AsyncContent>
  );

  return (
    <PluginPage
      title="Tranches"
      subtitle="Where every repository is in the migration onto the shared runners, and what blocks it"
    >
      <ContentHeader title="Adoption">
        <SupportButton>
          Stages come from each repository's dogfood scorecard and the blockers
          in config. ✓ pass, ✗ fail, ○ exempt, ? unknown.
        </SupportButton>
      </ContentHeader>
      {body}
      <Drawer
        anchor="right"
        open={open !== null}
        onClose={() => setOpen(null)}
        PaperProps={{ sx: { width: 'min(1100px, 90vw)', p: 2 } }}
      >
        {open && (
          <>
            <Typography variant="h5" gutterBottom>
              <Link to={open.url}>
                {open.owner}/{open.name}
              </Link>
            </Typography>
            <RepoAdoptionView adoption={open} />
          </>
        )}
      </Drawer>
    </PluginPage>
  );
}
