import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { Knex } from 'knex';
import request from 'supertest';
import { KubernetesSandbox, eventually } from '@internal/fleet-sandbox';
import { ANNOTATION_PAUSED_FROM } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  NS,
  USERS,
  authHeader,
  samplePolicyFeatures,
  startAccessBackend,
} from '../service/__testUtils__/accessBackend';

// Only databases this machine provides without Docker (see CacheProbeStore.test.ts).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const { viewer: VIEWER, operator: OPERATOR } = USERS;

type Role = 'viewer' | 'operator' | 'admin' | 'anonymous';

describe.each(databases.eachSupportedId())(
  'control and audit on %p',
  databaseId => {
    let k8s: KubernetesSandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    let stop: () => Promise<void>;
    const actions = actionsRegistryServiceMock();

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ k8s, server, stop } = await startAccessBackend({
        knex,
        features: [
          ...samplePolicyFeatures,
          createServiceFactory({
            service: actionsRegistryServiceRef,
            deps: {},
            factory: () => actions,
          }),
        ],
        config: { permissionEnabled: true, labUnreachable: true },
        syncedAs: authHeader('admin'),
        syncedClusters: ['honey'],
      }));
    }, 60_000);

    afterAll(async () => {
      await stop?.();
    });

    const api = (role: Role) => ({
      get: (path: string) =>
        request(server)
          .get(`/api/gloriousflywheel${path}`)
          .set('authorization', authHeader(role)),
      post: (path: string, body: unknown) =>
        request(server)
          .post(`/api/gloriousflywheel${path}`)
          .set('authorization', authHeader(role))
          .send(body as object),
    });
    const control = (
      role: Role,
      action: 'pause' | 'resume',
      name: string,
      reason: unknown = `${role} ${action}s`,
      cluster = 'honey',
    ) =>
      api(role).post(`/scale-sets/${cluster}/${NS}/${name}/${action}`, {
        reason,
      });
    const auditOf = async (filter: string) =>
      (await api('admin').get(`/audit?${filter}&limit=500`)).body;

    it('authorizes every route per role with the sample policy (authz matrix)', async () => {
      const routes: Array<
        [
          string,
          (role: Role) => Promise<request.Response>,
          Record<Role, number>,
        ]
      > = [
        [
          'GET /fleet/scale-sets',
          r => api(r).get('/fleet/scale-sets'),
          { viewer: 200, operator: 200, admin: 200, anonymous: 401 },
        ],
        [
          'pause owned class',
          r => control(r, 'pause', 'tinyland-nix'),
          { viewer: 403, operator: 200, admin: 200, anonymous: 401 },
        ],
        [
          'resume owned class',
          r => control(r, 'resume', 'tinyland-nix'),
          { viewer: 403, operator: 200, admin: 200, anonymous: 401 },
        ],
        [
          'pause class owned by another group',
          r => control(r, 'pause', 'tinyland-dind'),
          { viewer: 403, operator: 403, admin: 200, anonymous: 401 },
        ],
        [
          'resume class owned by another group',
          r => control(r, 'resume', 'tinyland-dind'),
          { viewer: 403, operator: 403, admin: 200, anonymous: 401 },
        ],
        [
          'GET /audit',
          r => api(r).get('/audit'),
          { viewer: 403, operator: 200, admin: 200, anonymous: 401 },
        ],
        [
          'GET /audit?format=csv',
          r => api(r).get('/audit?format=csv'),
          { viewer: 403, operator: 200, admin: 200, anonymous: 401 },
        ],
        [
          'GET /audit/verify',
          r => api(r).get('/audit/verify'),
          { viewer: 403, operator: 200, admin: 200, anonymous: 401 },
        ],
      ];
      const got: Record<string, Record<string, number>> = {};
      const want: Record<string, Record<string, number>> = {};
      for (const [name, call, expected] of routes) {
        got[name] = {};
        want[name] = expected;
        for (const role of [
          'viewer',
          'operator',
          'admin',
          'anonymous',
        ] as Role[]) {
          got[name][role] = (await call(role)).status;
        }
      }
      expect(got).toEqual(want);
      // pause and resume ran in pairs: the scale sets are back where they were
      expect(k8s.getScaleSet(NS, 'tinyland-nix')!.spec).toMatchObject({
        minRunners: 1,
        maxRunners: 8,
      });
      expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
        minRunners: 0,
        maxRunners: 4,
      });
    }, 60_000);

    it('audits denied attempts with the actor, and answers 403 with a clear message', async () => {
      const res = await control('viewer', 'pause', 'tinyland-docker', 'try');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `${VIEWER} may not pause scale set honey/${NS}/tinyland-docker`,
      );
      const { items } = await auditOf(
        `actor=${encodeURIComponent(
          VIEWER,
        )}&target=honey/${NS}/tinyland-docker`,
      );
      expect(items[0]).toMatchObject({
        outcome: 'denied',
        action: 'pause',
        reason: 'try',
        runnerClass: 'tinyland-docker',
        before: null,
      });
      expect(items[0].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(
        k8s.getScaleSet(NS, 'tinyland-docker')!.metadata.annotations ?? {},
      ).not.toHaveProperty(ANNOTATION_PAUSED_FROM);
    });

    it('pauses and resumes exactly (absent maxRunners included), idempotently and audited', async () => {
      const paused = await control(
        'operator',
        'pause',
        'tinyland-nix-heavy',
        'incident INC-7',
      );
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({
        changed: true,
        runnerClass: 'tinyland-nix-heavy',
        before: { minRunners: 0, maxRunners: null },
        after: { minRunners: 0, maxRunners: 0 },
        paused: { by: OPERATOR, reason: 'incident INC-7', maxRunners: null },
        // the seeded scale sets are Helm releases, as the arc-runner module makes them
        warnings: ['managed by Helm: it may revert this pause'],
      });
      expect(k8s.getScaleSet(NS, 'tinyland-nix-heavy')!.spec).toMatchObject({
        minRunners: 0,
        maxRunners: 0,
      });
      const again = await control(
        'operator',
        'pause',
        'tinyland-nix-heavy',
        'twice',
      );
      expect(again.body).toMatchObject({ changed: false });
      const resumed = await control(
        'operator',
        'resume',
        'tinyland-nix-heavy',
        'fixed',
      );
      expect(resumed.body).toMatchObject({
        changed: true,
        after: { minRunners: 0, maxRunners: null },
        paused: null,
      });
      const obj = k8s.getScaleSet(NS, 'tinyland-nix-heavy')!;
      expect(obj.spec).not.toHaveProperty('maxRunners');
      expect(obj.metadata.annotations ?? {}).not.toHaveProperty(
        ANNOTATION_PAUSED_FROM,
      );

      const { items } = await auditOf(`target=honey/${NS}/tinyland-nix-heavy`);
      expect(items.map((r: any) => [r.action, r.outcome, r.reason])).toEqual([
        ['resume', 'succeeded', 'fixed'],
        ['pause', 'succeeded', 'twice'],
        ['pause', 'succeeded', 'incident INC-7'],
      ]);
      expect(items[2]).toMatchObject({
        actor: OPERATOR,
        before: { minRunners: 0, maxRunners: null },
        after: { minRunners: 0, maxRunners: 0 },
      });
      // the paused state reaches the fleet view too
      await eventually(async () => {
        const s = await api('viewer').get(
          `/fleet/scale-sets/honey/${NS}/tinyland-nix-heavy`,
        );
        expect(s.body.item.paused).toBeNull();
      });
    });

    it('answers 400 for a missing or too long reason, 404 for unknown scale sets, 502 for an unreachable cluster', async () => {
      expect((await control('admin', 'pause', 'tinyland-nix', '')).status).toBe(
        400,
      );
      expect(
        (
          await api('admin').post(
            `/scale-sets/honey/${NS}/tinyland-nix/pause`,
            {},
          )
        ).status,
      ).toBe(400);
      const long = await control(
        'admin',
        'pause',
        'tinyland-nix',
        'x'.repeat(501),
      );
      expect(long.status).toBe(400);
      expect(long.body.error.message).toMatch(/at most 500/);
      expect(
        (await control('admin', 'pause', 'tinyland-nix', 'x'.repeat(500)))
          .status,
      ).toBe(200);
      expect(
        (await control('admin', 'resume', 'tinyland-nix', 'ok')).status,
      ).toBe(200);
      expect(
        (
          await api('admin').post(
            `/scale-sets/honey/${NS}/tinyland-nix/pause`,
            { reason: 'x', extra: 1 },
          )
        ).status,
      ).toBe(400);

      expect((await control('admin', 'pause', 'nope')).status).toBe(404);
      // operators may only act on scale sets the fleet knows (and whose class they own)
      expect((await control('operator', 'pause', 'nope')).status).toBe(403);
      const down = await control(
        'admin',
        'pause',
        'tinyland-nix',
        'drain',
        'lab',
      );
      expect(down.status).toBe(502);
      expect(down.body.error.message).toMatch(/cluster lab is unreachable/);
      const { items } = await auditOf('target=lab');
      expect(items[0]).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/cluster lab is unreachable/),
      });
    });

    it('keeps 100 concurrent pause/resume requests consistent, audited and chained', async () => {
      const prefix = `burst-${databaseId}-`;
      const started = Date.now();
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(server)
            .post(
              `/api/gloriousflywheel/scale-sets/honey/${NS}/tinyland-nix/${
                i % 2 ? 'resume' : 'pause'
              }`,
            )
            .set('authorization', authHeader(i % 3 ? 'admin' : 'operator'))
            .set('x-request-id', `${prefix}${i}`)
            .send({ reason: `burst ${i}` }),
        ),
      );
      const elapsedMs = Date.now() - started;
      const statuses = responses.map(r => r.status);
      expect(statuses.filter(s => s !== 200 && s !== 409)).toEqual([]);
      const ok = responses.filter(r => r.status === 200).map(r => r.body);
      // the object holds exactly what the last successful write (highest resourceVersion) made of it
      const writes = ok
        .filter(b => b.changed)
        .sort((a, b) => Number(a.resourceVersion) - Number(b.resourceVersion));
      const obj = k8s.getScaleSet(NS, 'tinyland-nix')!;
      expect(writes.length).toBeGreaterThan(0);
      const last = writes[writes.length - 1];
      expect(obj.metadata.resourceVersion).toBe(last.resourceVersion);
      expect(obj.spec).toMatchObject({
        minRunners: last.after.minRunners,
        maxRunners: last.after.maxRunners,
      });
      expect(Boolean(obj.metadata.annotations?.[ANNOTATION_PAUSED_FROM])).toBe(
        last.action === 'pause',
      );
      // the prior values never got lost: every pause recorded 1/8 and the final resume restores them
      for (const b of writes.filter(w => w.action === 'pause'))
        expect(b.paused).toMatchObject({ minRunners: 1, maxRunners: 8 });
      expect(
        (await control('admin', 'resume', 'tinyland-nix', 'after the burst'))
          .status,
      ).toBe(200);
      expect(k8s.getScaleSet(NS, 'tinyland-nix')!.spec).toMatchObject({
        minRunners: 1,
        maxRunners: 8,
      });

      const { items } = await auditOf(
        'target=honey/arc-runners/tinyland-nix&from=2000-01-01T00:00:00Z',
      );
      const burst = items.filter((r: any) => r.requestId.startsWith(prefix));
      expect(burst).toHaveLength(100);
      expect(burst.filter((r: any) => r.outcome === 'initiated')).toEqual([]);
      expect(burst.filter((r: any) => r.outcome === 'succeeded')).toHaveLength(
        ok.length,
      );
      const verify = await api('admin').get('/audit/verify');
      expect(verify.body).toMatchObject({ ok: true });
      expect(verify.body.checked).toBeGreaterThanOrEqual(100);
      // eslint-disable-next-line no-console
      console.log(
        `[${databaseId}] 100 concurrent pause/resume: ${elapsedMs} ms, ${ok.length} succeeded (${writes.length} writes), ` +
          `${
            statuses.filter(s => s === 409).length
          } conflicts after retries; chain of ${
            verify.body.checked
          } records verified`,
      );
    }, 120_000);

    it('exports the log as CSV, and notices a tampered record', async () => {
      const csv = await api('operator').get(
        `/audit?format=csv&target=honey/${NS}/tinyland-nix-heavy`,
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(
        /attachment; filename="gloriousflywheel-audit.csv"/,
      );
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^id,seq,time,completedAt,actor,action,/);
      expect(lines).toHaveLength(4);
      expect(lines[1]).toContain(
        ',resume,honey,arc-runners,tinyland-nix-heavy,tinyland-nix-heavy,fixed,',
      );

      const { items } = await auditOf(
        `target=honey/${NS}/tinyland-nix-heavy&action=pause&outcome=succeeded`,
      );
      const victim = items[items.length - 1];
      await knex('gloriousflywheel_audit')
        .where({ id: victim.id })
        .update({ reason: 'nothing happened' });
      const verify = await api('admin').get('/audit/verify');
      expect(verify.body).toMatchObject({
        ok: false,
        firstBrokenId: victim.id,
      });
      await knex('gloriousflywheel_audit')
        .where({ id: victim.id })
        .update({ reason: victim.reason });
      expect((await api('admin').get('/audit/verify')).body.ok).toBe(true);
    });

    it('marks a pause a GitOps re-apply undid, audits it once as the system actor, and keeps the chain valid', async () => {
      expect(
        (
          await control(
            'admin',
            'pause',
            'tinyland-dind',
            'drain for the node upgrade',
          )
        ).status,
      ).toBe(200);
      await eventually(async () => {
        const s = await api('viewer').get(
          `/fleet/scale-sets/honey/${NS}/tinyland-dind`,
        );
        expect(s.body.item).toMatchObject({
          maxRunners: 0,
          pauseReverted: null,
        });
      });
      // the sandbox plays `tofu apply` re-applying the Helm release: the bounds come back
      k8s.reapplyScaleSet(NS, 'tinyland-dind');
      await eventually(async () => {
        const { items } = await auditOf(
          `target=honey/${NS}/tinyland-dind&action=pause-reverted`,
        );
        expect(items).toHaveLength(1);
      });
      const s = await api('viewer').get(
        `/fleet/scale-sets/honey/${NS}/tinyland-dind`,
      );
      expect(s.body.item).toMatchObject({
        maxRunners: 4,
        paused: { reason: 'drain for the node upgrade' },
        pauseReverted: { by: 'Helm' },
      });
      const { items } = await auditOf(
        `target=honey/${NS}/tinyland-dind&action=pause-reverted`,
      );
      expect(items[0]).toMatchObject({
        actor: 'system:gloriousflywheel',
        outcome: 'succeeded',
        before: { minRunners: 0, maxRunners: 0 },
        after: { minRunners: 0, maxRunners: 4 },
        reason: expect.stringMatching(/undone by Helm/),
      });
      // "reverted at" is when the fleet first saw it, at or before the record
      expect(Date.parse(s.body.item.pauseReverted.at)).toBeLessThanOrEqual(
        Date.parse(items[0].time),
      );
      // more changes do not record it again
      k8s.patchScaleSet(NS, 'tinyland-dind', { status: { currentRunners: 2 } });
      k8s.reapplyScaleSet(NS, 'tinyland-dind');
      await new Promise(resolve => setTimeout(resolve, 600));
      expect(
        (
          await auditOf(
            `target=honey/${NS}/tinyland-dind&action=pause-reverted`,
          )
        ).items,
      ).toHaveLength(1);
      expect((await api('admin').get('/audit/verify')).body).toMatchObject({
        ok: true,
      });
      // a resume through the portal clears it
      expect(
        (await control('admin', 'resume', 'tinyland-dind', 'upgrade done'))
          .status,
      ).toBe(200);
      await eventually(async () => {
        const after = await api('viewer').get(
          `/fleet/scale-sets/honey/${NS}/tinyland-dind`,
        );
        expect(after.body.item).toMatchObject({
          paused: null,
          pauseReverted: null,
        });
      });
    });

    it('offers list/pause/resume as actions through the same permission and audit path', async () => {
      const listed: any = await actions.invoke({
        id: 'test:list-scale-sets',
        input: { runnerClass: 'tinyland-docker' },
        credentials: mockCredentials.user(VIEWER),
      });
      expect(listed.output.items.map((s: any) => s.name)).toEqual([
        'tinyland-docker',
      ]);

      const input = {
        cluster: 'honey',
        namespace: NS,
        name: 'tinyland-docker',
        reason: 'via agent',
      };
      await expect(
        actions.invoke({
          id: 'test:pause-scale-set',
          input,
          credentials: mockCredentials.user(VIEWER),
        }),
      ).rejects.toThrow(/may not pause/);
      const paused: any = await actions.invoke({
        id: 'test:pause-scale-set',
        input,
        credentials: mockCredentials.user(OPERATOR),
      });
      expect(paused.output).toMatchObject({
        changed: true,
        before: { minRunners: 0, maxRunners: 6 },
      });
      const resumed: any = await actions.invoke({
        id: 'test:resume-scale-set',
        input,
        credentials: mockCredentials.user(OPERATOR),
      });
      expect(resumed.output).toMatchObject({
        changed: true,
        after: { minRunners: 0, maxRunners: 6 },
      });

      const { items } = await auditOf(`target=honey/${NS}/tinyland-docker`);
      expect(
        items
          .filter((r: any) => r.reason === 'via agent')
          .map((r: any) => [r.actor, r.action, r.outcome]),
      ).toEqual([
        [OPERATOR, 'resume', 'succeeded'],
        [OPERATOR, 'pause', 'succeeded'],
        [VIEWER, 'pause', 'denied'],
      ]);
    });
  },
);
