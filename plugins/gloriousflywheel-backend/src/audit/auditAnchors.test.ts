import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  RootLoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import {
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import { AuditVerifyResult } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousflywheelPlugin } from '../plugin';
import { rewriteNewestRecord } from './__testUtils__/rewriteNewestRecord';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const NS = 'arc-runners';
const ADMIN = mockCredentials.user.header('user:default/ada-admin');

/**
 * A log shipper's view: every log entry the real auditor writes (`isAuditEvent`), with its fields.
 * This is the external copy that anchors the chain.
 */
type LogEntry = Record<string, any>;
function shippingRootLogger(
  shipped: LogEntry[],
  fields: LogEntry = {},
): RootLoggerService {
  const log = (_message: string, meta?: unknown) => {
    const entry: LogEntry = {
      ...fields,
      ...(meta instanceof Error ? {} : (meta as LogEntry)),
    };
    if (entry.isAuditEvent) shipped.push(entry);
  };
  return {
    error: log,
    warn: log,
    info: log,
    debug: log,
    child: meta => shippingRootLogger(shipped, { ...fields, ...meta }),
  };
}

interface ShippedEntry {
  auditId: string;
  seq: number;
  hash: string;
  status: string;
}

describe.each(databases.eachSupportedId())(
  'audit chain anchored by auditor events on %p',
  databaseId => {
    let k8s: KubernetesSandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    let stopBackend: () => Promise<void>;
    const shipped: LogEntry[] = [];

    beforeAll(async () => {
      k8s = await startKubernetesSandbox({
        host: '127.0.0.1',
        port: 0,
        tls: true,
        seed: createFleetSeed(),
      });
      knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          gloriousflywheelPlugin,
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          createServiceFactory({
            service: coreServices.rootLogger,
            deps: {},
            factory: () => shippingRootLogger(shipped),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              gloriousflywheel: {
                clusters: [
                  {
                    name: 'honey',
                    url: k8s.url,
                    serviceAccountToken: k8s.token,
                    caData: k8s.caData,
                  },
                ],
              },
            },
          }),
        ],
      });
      server = backend.server;
      stopBackend = () => backend.stop();
      await eventually(async () => {
        const r = await request(server)
          .get('/api/gloriousflywheel/fleet/clusters')
          .set('authorization', ADMIN);
        const state = r.body.items.find((c: any) => c.name === 'honey').state;
        if (state !== 'synced') throw new Error(`honey is ${state}`);
      });
    }, 60_000);

    afterAll(async () => {
      await stopBackend?.();
      await k8s?.close();
    });

    const verify = async (query = ''): Promise<AuditVerifyResult> => {
      const res = await request(server)
        .get(`/api/gloriousflywheel/audit/verify${query}`)
        .set('authorization', ADMIN);
      expect(res.status).toBe(200);
      return res.body;
    };
    const control = (action: 'pause' | 'resume', reason: string) =>
      request(server)
        .post(
          `/api/gloriousflywheel/scale-sets/honey/${NS}/tinyland-nix/${action}`,
        )
        .set('authorization', ADMIN)
        .send({ reason });
    /** The chain entries the shipped scale-set-control events carry. */
    const shippedEntries = (): ShippedEntry[] =>
      shipped
        .filter(e => e.eventId === 'scale-set-control')
        .map(e => ({
          auditId: e.meta.auditId,
          seq: e.meta.auditSeq,
          hash: e.meta.auditHash,
          status: e.status,
        }));
    const newest = (entries: ShippedEntry[]) =>
      entries.reduce((a, b) => (b.seq > a.seq ? b : a));

    it('never reports a false break while 60 pause/resume requests complete, and every entry reaches the shipped log', async () => {
      const start = (await verify()).head!;
      let writing = true;
      const checks: AuditVerifyResult[] = [];
      const checking = (async () => {
        do checks.push(await verify());
        while (writing);
      })();
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          control(i % 2 ? 'resume' : 'pause', `burst ${i}`),
        ),
      );
      writing = false;
      await checking;
      expect(
        responses.map(r => r.status).filter(s => s !== 200 && s !== 409),
      ).toEqual([]);

      const end = await verify();
      expect(end).toMatchObject({ ok: true, head: { seq: start.seq + 120 } });
      expect(checks.filter(c => !c.ok)).toEqual([]);
      // the checks really ran while records were being written
      expect(
        checks.some(
          c => c.head!.seq > start.seq && c.head!.seq < end.head!.seq,
        ),
      ).toBe(true);

      // each request shipped its initiation entry and its completion entry: every position, once
      const entries = shippedEntries().filter(e => e.seq > start.seq);
      expect(entries.filter(e => e.status === 'initiated')).toHaveLength(60);
      expect(entries.map(e => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 120 }, (_, i) => start.seq + i + 1),
      );
      expect(newest(entries)).toMatchObject(end.head!);
      for (const anchor of entries) {
        expect(
          await verify(`?anchorSeq=${anchor.seq}&anchorHash=${anchor.hash}`),
        ).toMatchObject({ ok: true });
      }
    }, 120_000);

    it('notices a tail rewritten in the database through the newest shipped event', async () => {
      expect((await control('pause', 'incident INC-9')).status).toBe(200);
      const anchor = newest(shippedEntries());
      const query = `?anchorSeq=${anchor.seq}&anchorHash=${anchor.hash}`;
      expect(await verify(query)).toMatchObject({
        ok: true,
        head: { seq: anchor.seq, hash: anchor.hash },
      });

      // someone with write access to the database changes the record and recomputes the hashes
      const rewritten = await rewriteNewestRecord(knex, {
        reason: 'routine maintenance',
      });
      expect(rewritten.id).toBe(anchor.auditId);
      const plain = await verify();
      expect(plain).toMatchObject({ ok: true, head: { seq: anchor.seq } });
      expect(plain.head!.hash).not.toBe(anchor.hash);
      expect(await verify(query)).toEqual({
        ok: false,
        checked: expect.any(Number),
        firstBrokenId: anchor.auditId,
        message: `entry ${anchor.seq} does not match the anchor: the chain was rewritten at or before it`,
      });

      // or removes the record and moves the head back
      const previous = shippedEntries().find(e => e.seq === anchor.seq - 2)!;
      await knex('gloriousflywheel_audit')
        .where({ id: anchor.auditId })
        .delete();
      await knex('gloriousflywheel_audit_chain')
        .where({ id: 1 })
        .update({ seq: previous.seq, hash: previous.hash });
      expect(await verify()).toMatchObject({
        ok: true,
        head: { seq: previous.seq },
      });
      expect(await verify(query)).toMatchObject({
        ok: false,
        message: expect.stringMatching(
          /before the anchor .* newer entries were removed/,
        ),
      });
    });

    it('answers 400 for a half or malformed anchor', async () => {
      const hash = 'a'.repeat(64);
      for (const query of [
        '?anchorSeq=3',
        `?anchorHash=${hash}`,
        `?anchorSeq=0&anchorHash=${hash}`,
        '?anchorSeq=3&anchorHash=xyz',
        '?anchor=3',
      ]) {
        const res = await request(server)
          .get(`/api/gloriousflywheel/audit/verify${query}`)
          .set('authorization', ADMIN);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.error.message).toMatch(/^invalid query: /);
      }
    });
  },
);
