import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import request from 'supertest';
import { KubernetesSandbox, eventually } from '@internal/fleet-sandbox';
import { HealthResponse } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { actorOf, readAccessConfig } from './access';
import {
  Caller,
  NS,
  USERS,
  authHeader,
  recordingAuditor,
  samplePolicyFeatures,
  startAccessBackend,
} from './__testUtils__/accessBackend';

jest.setTimeout(120_000);

const PAUSE = 'gloriousflywheel.scaleset.pause';
const RESUME = 'gloriousflywheel.scaleset.resume';
const AUDIT_READ = 'gloriousflywheel.audit.read';
const SCAN = 'gloriousflywheel.adoption.scan';

const CLASSES = [
  'tinyland-nix',
  'tinyland-docker',
  'tinyland-dind',
  'tinyland-nix-heavy',
];
const read = (data: object) =>
  readAccessConfig(new ConfigReader(data), CLASSES);

describe('readAccessConfig', () => {
  it('reads permission.enabled and the service principals with what each may do', () => {
    const access = read({
      permission: { enabled: true },
      gloriousflywheel: {
        servicePrincipals: [
          {
            subject: 'ci-bot',
            allow: [PAUSE, RESUME],
            runnerClasses: ['tinyland-nix', 'unclassified'],
          },
          { subject: 'external:mcp', allow: [AUDIT_READ] },
        ],
      },
    });
    expect(access.permissionFrameworkEnabled).toBe(true);
    expect(access.servicePrincipals.get('ci-bot')).toEqual({
      subject: 'ci-bot',
      allow: new Set([PAUSE, RESUME]),
      runnerClasses: new Set(['tinyland-nix', 'unclassified']),
    });
    expect(access.servicePrincipals.get('external:mcp')).toEqual({
      subject: 'external:mcp',
      allow: new Set([AUDIT_READ]),
      runnerClasses: undefined,
    });
  });

  it.each([[{}], [{ permission: {} }], [{ permission: { enabled: false } }]])(
    'treats %j as the framework being off',
    data => {
      expect(read(data).permissionFrameworkEnabled).toBe(false);
    },
  );

  it.each([
    [
      { subject: 'ci bot', allow: [PAUSE] },
      /servicePrincipals\[0\]\.subject "ci bot" must be a subject without spaces/,
    ],
    [
      { subject: 'x'.repeat(256), allow: [PAUSE] },
      /servicePrincipals\[0\]\.subject .* at most 255/,
    ],
    [
      { subject: 'ci-bot', allow: ['scaleset.pause'] },
      /servicePrincipals\[0\]\.allow must list permissions of .*; unknown: scaleset\.pause/,
    ],
    [
      { subject: 'ci-bot', allow: [] },
      /servicePrincipals\[0\]\.allow must list permissions/,
    ],
    [
      { subject: 'ci-bot', allow: [PAUSE], runnerClasses: ['gpu'] },
      /servicePrincipals\[0\]\.runnerClasses .*; unknown: gpu/,
    ],
    [
      { subject: 'ci-bot', allow: [PAUSE], runnerClasses: [] },
      /servicePrincipals\[0\]\.runnerClasses must list runner classes/,
    ],
    [{ allow: [PAUSE] }, /subject/],
  ])('rejects %j naming the key', (entry, message) => {
    expect(() =>
      read({ gloriousflywheel: { servicePrincipals: [entry] } }),
    ).toThrow(message);
  });

  it('rejects a subject configured twice', () => {
    const entry = { subject: 'ci-bot', allow: [PAUSE] };
    expect(() =>
      read({ gloriousflywheel: { servicePrincipals: [entry, entry] } }),
    ).toThrow(/servicePrincipals\[1\]\.subject "ci-bot" is configured twice/);
  });
});

describe('actorOf', () => {
  it('names users by entity ref and services by subject', () => {
    expect(actorOf(mockCredentials.user(USERS.viewer))).toBe(USERS.viewer);
    expect(actorOf(mockCredentials.service('ci-bot'))).toBe('ci-bot');
    expect(actorOf(mockCredentials.none())).toBe('anonymous');
  });

  it('fits any subject into the audit actor column (255), keeping long ones apart', () => {
    const a = actorOf(mockCredentials.service(`external:${'a'.repeat(300)}`));
    const b = actorOf(mockCredentials.service(`external:${'a'.repeat(301)}`));
    expect(a).toHaveLength(255);
    expect(b).toHaveLength(255);
    expect(a).not.toBe(b);
    expect(a.startsWith('external:aaaa')).toBe(true);
    expect(actorOf(mockCredentials.service('bot\u0000x'))).toBe('bot\uFFFDx');
  });
});

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

type Outcome = number | 'allowed';

type CallArgs = [
  caller: Caller,
  method: 'get' | 'post',
  path: string,
  body?: object,
];

/** A request to the plugin as the caller, with a JSON body when given. */
function callAs(
  server: Parameters<typeof request>[0],
  ...[caller, method, path, body]: CallArgs
) {
  const r = request(server)
    [method](`/api/gloriousflywheel${path}`)
    .set('authorization', authHeader(caller));
  return body ? r.send(body) : r;
}

describe.each(databases.eachSupportedId())(
  'access boundary on %p',
  databaseId => {
    let k8s: KubernetesSandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    let stop: () => Promise<void>;
    const actions = actionsRegistryServiceMock();
    const auditor = recordingAuditor();

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ k8s, server, stop } = await startAccessBackend({
        knex,
        features: [
          ...samplePolicyFeatures,
          auditor.factory,
          createServiceFactory({
            service: actionsRegistryServiceRef,
            deps: {},
            factory: () => actions,
          }),
        ],
        github: { webhookSecret: 'access-test-webhook-secret' },
        config: {
          permissionEnabled: true,
          servicePrincipals: [
            {
              subject: 'mcp-agent',
              allow: [PAUSE, RESUME, AUDIT_READ],
              runnerClasses: ['tinyland-nix'],
            },
            { subject: 'scan-bot', allow: [SCAN] },
          ],
        },
        syncedAs: authHeader('admin'),
      }));
    });

    afterAll(async () => {
      await stop?.();
    });

    const call = (...args: CallArgs) => callAs(server, ...args);
    const control = (
      caller: Caller,
      action: 'pause' | 'resume',
      target: string,
      reason = 'access test',
    ) => call(caller, 'post', `/scale-sets/${target}/${action}`, { reason });
    const auditRows = (where: Record<string, string>) =>
      knex('gloriousflywheel_audit')
        .where(where)
        .orderBy('time', 'desc')
        .select();

    const CALLERS: Record<string, Caller> = {
      anonymous: 'anonymous',
      viewer: 'viewer',
      operator: 'operator',
      admin: 'admin',
      'unlisted static token': { service: 'ci-bot' },
      'mcp-agent (pause/resume nix, audit)': { service: 'mcp-agent' },
      'scan-bot (scans only)': { service: 'scan-bot' },
    };

    it('lets each caller do exactly what the policy or gloriousflywheel.servicePrincipals grants', async () => {
      const nix = `honey/${NS}/tinyland-nix`;
      const dind = `honey/${NS}/tinyland-dind`;
      // pause is followed by resume, so each row starts from the seeded state
      const routes: Array<
        [string, (c: Caller) => Promise<request.Response>, Outcome[]]
      > = [
        [
          'pause nix',
          c => control(c, 'pause', nix),
          [401, 403, 200, 200, 403, 200, 403],
        ],
        [
          'resume nix',
          c => control(c, 'resume', nix),
          [401, 403, 200, 200, 403, 200, 403],
        ],
        [
          'pause dind (no owner: platform team)',
          c => control(c, 'pause', dind),
          [401, 403, 403, 200, 403, 403, 403],
        ],
        [
          'resume dind',
          c => control(c, 'resume', dind),
          [401, 403, 403, 200, 403, 403, 403],
        ],
        [
          'GET /audit',
          c => call(c, 'get', '/audit'),
          [401, 403, 200, 200, 403, 200, 403],
        ],
        [
          'GET /audit?format=csv',
          c => call(c, 'get', '/audit?format=csv'),
          [401, 403, 200, 200, 403, 200, 403],
        ],
        [
          'GET /audit/verify',
          c => call(c, 'get', '/audit/verify'),
          [401, 403, 200, 200, 403, 200, 403],
        ],
        [
          'POST /adoption/scan',
          c => call(c, 'post', '/adoption/scan'),
          [401, 403, 'allowed', 'allowed', 403, 403, 'allowed'],
        ],
        [
          'GET /fleet/scale-sets (a read)',
          c => call(c, 'get', '/fleet/scale-sets'),
          [401, 200, 200, 200, 200, 200, 200],
        ],
      ];
      const got: Record<string, Record<string, Outcome>> = {};
      const want: Record<string, Record<string, Outcome>> = {};
      for (const [name, run, expected] of routes) {
        got[name] = {};
        want[name] = {};
        for (const [i, [label, caller]] of Object.entries(CALLERS).entries()) {
          const { status } = await run(caller);
          // a scan answers 202, or 409 while the previous one still runs: either way it was allowed
          got[name][label] =
            status === 202 || status === 409 ? 'allowed' : status;
          want[name][label] = expected[i];
        }
      }
      expect(got).toEqual(want);
      expect(k8s.getScaleSet(NS, 'tinyland-nix')!.spec).toMatchObject({
        minRunners: 1,
        maxRunners: 8,
      });
      expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
        minRunners: 0,
        maxRunners: 4,
      });
    });

    it('records a refused service principal with its subject and why, in the audit table and as auditor events', async () => {
      const res = await control(
        { service: 'ci-bot' },
        'pause',
        `honey/${NS}/tinyland-dind`,
        'ci-bot tries dind',
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `ci-bot may not pause scale set honey/${NS}/tinyland-dind: this service principal is not listed in gloriousflywheel.servicePrincipals`,
      );
      const [row] = await auditRows({ reason: 'ci-bot tries dind' });
      expect(row).toMatchObject({
        actor: 'ci-bot',
        outcome: 'denied',
        action: 'pause',
        runner_class: 'tinyland-dind',
      });

      const outside = await control(
        { service: 'mcp-agent' },
        'pause',
        `honey/${NS}/tinyland-docker`,
        'mcp tries docker',
      );
      expect(outside.status).toBe(403);
      expect(outside.body.error.message).toMatch(
        /gloriousflywheel\.servicePrincipals allows it runner classes tinyland-nix only$/,
      );
      expect(await auditRows({ reason: 'mcp tries docker' })).toEqual([
        expect.objectContaining({ actor: 'mcp-agent', outcome: 'denied' }),
      ]);

      const auditRead = await call({ service: 'ci-bot' }, 'get', '/audit').set(
        'x-request-id',
        `${databaseId}-ci-bot-audit`,
      );
      expect(auditRead.status).toBe(403);
      const scan = await call(
        { service: 'scan-bot' },
        'post',
        '/adoption/scan',
      ).set('x-request-id', `${databaseId}-scan-bot`);
      expect([202, 409]).toContain(scan.status);
      const verify = await call(
        { service: 'mcp-agent' },
        'get',
        '/audit/verify',
      ).set('x-request-id', `${databaseId}-mcp-verify`);
      expect(verify.status).toBe(200);
      await eventually(() =>
        expect(
          auditor.events.filter(e => e.requestId?.startsWith(`${databaseId}-`)),
        ).toEqual([
          expect.objectContaining({
            eventId: 'audit-log-fetch',
            status: 'failed',
            meta: expect.objectContaining({
              actor: 'ci-bot',
              outcome: 'denied',
              permission: AUDIT_READ,
            }),
            error: expect.stringMatching(
              /^ci-bot may not read the audit log: .*not listed/,
            ),
          }),
          expect.objectContaining({
            eventId: 'adoption-scan-start',
            status: scan.status === 202 ? 'succeeded' : 'failed',
            meta: expect.objectContaining({
              actor: 'scan-bot',
              status: scan.status,
            }),
          }),
          expect.objectContaining({
            eventId: 'audit-log-verify',
            status: 'succeeded',
            meta: expect.objectContaining({ actor: 'mcp-agent', ok: true }),
          }),
        ]),
      );
    });

    it('applies the same decision to the actions (MCP)', async () => {
      const input = (name: string) => ({
        cluster: 'honey',
        namespace: NS,
        name,
        reason: 'via MCP',
      });
      await expect(
        actions.invoke({
          id: 'test:pause-scale-set',
          input: input('tinyland-dind'),
          credentials: mockCredentials.service('ci-bot'),
        }),
      ).rejects.toThrow(
        /ci-bot may not pause .*not listed in gloriousflywheel\.servicePrincipals/,
      );
      await expect(
        actions.invoke({
          id: 'test:pause-scale-set',
          input: input('tinyland-dind'),
          credentials: mockCredentials.service('mcp-agent'),
        }),
      ).rejects.toThrow(/runner classes tinyland-nix only/);
      const paused: any = await actions.invoke({
        id: 'test:pause-scale-set',
        input: input('tinyland-nix'),
        credentials: mockCredentials.service('mcp-agent'),
      });
      expect(paused.output).toMatchObject({ changed: true });
      const resumed: any = await actions.invoke({
        id: 'test:resume-scale-set',
        input: input('tinyland-nix'),
        credentials: mockCredentials.service('mcp-agent'),
      });
      expect(resumed.output).toMatchObject({ changed: true });
      // scan-bot may scan, not pause
      await expect(
        actions.invoke({
          id: 'test:pause-scale-set',
          input: input('tinyland-nix'),
          credentials: mockCredentials.service('scan-bot'),
        }),
      ).rejects.toThrow(/does not allow it gloriousflywheel\.scaleset\.pause/);
      const rows = await auditRows({ reason: 'via MCP' });
      expect(
        rows.map(r => [r.actor, r.action, r.name, r.outcome]).sort(),
      ).toEqual([
        ['ci-bot', 'pause', 'tinyland-dind', 'denied'],
        ['mcp-agent', 'pause', 'tinyland-dind', 'denied'],
        ['mcp-agent', 'pause', 'tinyland-nix', 'succeeded'],
        ['mcp-agent', 'resume', 'tinyland-nix', 'succeeded'],
        ['scan-bot', 'pause', 'tinyland-nix', 'denied'],
      ]);
    });

    it('answers 400 for names longer than their columns and 404 outside the configured clusters and namespaces, before recording or calling Kubernetes', async () => {
      const before = await knex('gloriousflywheel_audit')
        .count({ n: '*' })
        .first();
      k8s.resetRequestCounts();
      const cases: Array<[string, number, RegExp]> = [
        [
          `${'c'.repeat(253)}/${NS}/tinyland-nix`,
          400,
          /invalid path: cluster: .*63/,
        ],
        [`${'c'.repeat(64)}/${NS}/tinyland-nix`, 400, /invalid path: cluster/],
        [
          `honey/${'n'.repeat(64)}/tinyland-nix`,
          400,
          /invalid path: namespace/,
        ],
        [`honey/${NS}/${'s'.repeat(254)}`, 400, /invalid path: name/],
        [
          `Honey/${NS}/tinyland-nix`,
          400,
          /invalid path: cluster: must be a cluster name/,
        ],
        [
          `nowhere/${NS}/tinyland-nix`,
          404,
          /^cluster nowhere is not configured$/,
        ],
        [
          'lab/kube-system/tinyland-nix',
          404,
          /^namespace kube-system is not configured for cluster lab$/,
        ],
      ];
      for (const [target, status, message] of cases) {
        const res = await control('admin', 'pause', target);
        expect([
          target.slice(0, 20),
          res.status,
          res.body.error?.message,
        ]).toEqual([
          target.slice(0, 20),
          status,
          expect.stringMatching(message),
        ]);
      }
      expect(k8s.requestCounts.get + k8s.requestCounts.patch).toBe(0);
      expect(
        await knex('gloriousflywheel_audit').count({ n: '*' }).first(),
      ).toEqual(before);

      // the longest names that fit are recorded (PostgreSQL enforces the widths)
      const longest = `honey/${'n'.repeat(63)}/${'s'.repeat(253)}`;
      const res = await control('admin', 'pause', longest, 'longest names');
      expect(res.status).toBe(404); // the cluster has no such scale set
      expect(await auditRows({ reason: 'longest names' })).toEqual([
        expect.objectContaining({ outcome: 'failed', cluster: 'honey' }),
      ]);
      // a cluster without a namespace list is asked about any namespace
      expect(k8s.requestCounts.get).toBe(1);
    });

    it('refuses a reason with control characters (PostgreSQL cannot store NUL), and accepts line breaks', async () => {
      const nul = await control(
        'admin',
        'pause',
        `honey/${NS}/tinyland-docker`,
        'drain\u0000now',
      );
      expect(nul.status).toBe(400);
      expect(nul.body.error.message).toMatch(/control characters/);
      const ok = await control(
        'admin',
        'pause',
        `honey/${NS}/tinyland-docker`,
        'drain\nsee INC-9',
      );
      expect(ok.status).toBe(200);
      expect(
        (
          await control(
            'admin',
            'resume',
            `honey/${NS}/tinyland-docker`,
            'back',
          )
        ).status,
      ).toBe(200);
    });

    it('says on /health that control is on and who besides users may use it', async () => {
      const health: HealthResponse = (await call('viewer', 'get', '/health'))
        .body;
      expect(health.control).toEqual({
        enabled: true,
        message:
          'Pause and resume are decided by the permission policy for users and by gloriousflywheel.servicePrincipals for 1 service principal.',
      });
    });
  },
);

describe('with the permission framework off', () => {
  let k8s: KubernetesSandbox;
  let knex: Knex;
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ k8s, server, stop } = await startAccessBackend({
      knex,
      config: {
        permissionEnabled: false,
        servicePrincipals: [
          { subject: 'mcp-agent', allow: [PAUSE, AUDIT_READ] },
        ],
      },
      syncedAs: authHeader('viewer'),
    }));
  });

  afterAll(async () => {
    await stop?.();
  });

  const call = (...args: CallArgs) => callAs(server, ...args);

  it('refuses every pause and resume with 503 naming permission.enabled, audited as denied, and changes nothing', async () => {
    k8s.resetRequestCounts();
    for (const caller of [
      'viewer',
      'admin',
      { service: 'mcp-agent' },
    ] as Caller[]) {
      for (const action of ['pause', 'resume']) {
        const res = await call(
          caller,
          'post',
          `/scale-sets/honey/${NS}/tinyland-dind/${action}`,
          { reason: 'framework off' },
        );
        expect([res.status, res.body.error.message]).toEqual([
          503,
          expect.stringMatching(/set permission\.enabled: true/),
        ]);
      }
    }
    expect(k8s.requestCounts.patch + k8s.requestCounts.get).toBe(0);
    const rows = await knex('gloriousflywheel_audit')
      .where({ reason: 'framework off' })
      .select();
    expect(rows.map(r => [r.actor, r.outcome]).sort()).toEqual(
      [
        ['mcp-agent', 'denied'],
        ['mcp-agent', 'denied'],
        [USERS.admin, 'denied'],
        [USERS.admin, 'denied'],
        [USERS.viewer, 'denied'],
        [USERS.viewer, 'denied'],
      ].sort(),
    );
    expect(rows.every(r => /permission framework is off/.test(r.error))).toBe(
      true,
    );
  });

  it('says so on /health', async () => {
    const health: HealthResponse = (await call('viewer', 'get', '/health'))
      .body;
    expect(health.control).toEqual({
      enabled: false,
      message: expect.stringMatching(
        /^Pause and resume are disabled: .*permission\.enabled: true/,
      ),
    });
  });

  it('leaves audit reads to Backstage (signed-in users allowed) and still to the list for services', async () => {
    expect((await call('viewer', 'get', '/audit')).status).toBe(200);
    expect((await call({ service: 'mcp-agent' }, 'get', '/audit')).status).toBe(
      200,
    );
    expect((await call({ service: 'ci-bot' }, 'get', '/audit')).status).toBe(
      403,
    );
  });
});

describe('static tokens through Backstage auth (backend.auth.externalAccess)', () => {
  let k8s: KubernetesSandbox;
  let knex: Knex;
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ k8s, server, stop } = await startAccessBackend({
      knex,
      features: [authServiceFactory, httpAuthServiceFactory],
      config: {
        permissionEnabled: true,
        servicePrincipals: [
          { subject: 'mcp-agent', allow: [PAUSE, RESUME] },
          { subject: 'restricted-agent', allow: [PAUSE, AUDIT_READ] },
        ],
        extra: {
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: 'ci-bot-token-0123', subject: 'ci-bot' },
                },
                {
                  type: 'static',
                  options: {
                    token: 'mcp-agent-token-0123',
                    subject: 'mcp-agent',
                  },
                },
                {
                  type: 'static',
                  options: {
                    token: 'restricted-token-0123',
                    subject: 'restricted-agent',
                  },
                  accessRestrictions: [
                    { plugin: 'gloriousflywheel', permission: AUDIT_READ },
                  ],
                },
              ],
            },
          },
        },
      },
      syncedAs: 'Bearer ci-bot-token-0123',
    }));
  });

  afterAll(async () => {
    await stop?.();
  });

  const control = (token: string, action: string, name: string) =>
    request(server)
      .post(`/api/gloriousflywheel/scale-sets/honey/${NS}/${name}/${action}`)
      .set('authorization', `Bearer ${token}`)
      .send({ reason: `static ${token}` });

  it('refuses an unrestricted static token that is not listed: no pausing dind, no audit log', async () => {
    const res = await control('ci-bot-token-0123', 'pause', 'tinyland-dind');
    expect(res.status).toBe(403);
    expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
      minRunners: 0,
      maxRunners: 4,
    });
    // the subject is spelled as configured: `ci-bot`, not `external:ci-bot`
    const rows = await knex('gloriousflywheel_audit')
      .where({ reason: 'static ci-bot-token-0123' })
      .select();
    expect(rows).toEqual([
      expect.objectContaining({ actor: 'ci-bot', outcome: 'denied' }),
    ]);
    const audit = await request(server)
      .get('/api/gloriousflywheel/audit')
      .set('authorization', 'Bearer ci-bot-token-0123');
    expect(audit.status).toBe(403);
  });

  it('lets a listed token do what it is given, and keeps the token’s own access restrictions', async () => {
    expect(
      (await control('mcp-agent-token-0123', 'pause', 'tinyland-dind')).status,
    ).toBe(200);
    expect(
      (await control('mcp-agent-token-0123', 'resume', 'tinyland-dind')).status,
    ).toBe(200);
    const rows = await knex('gloriousflywheel_audit')
      .where({ reason: 'static mcp-agent-token-0123' })
      .select();
    expect(rows.map(r => [r.actor, r.action, r.outcome]).sort()).toEqual([
      ['mcp-agent', 'pause', 'succeeded'],
      ['mcp-agent', 'resume', 'succeeded'],
    ]);
    // listed for pause, but the token itself is restricted to the audit log
    expect(
      (await control('restricted-token-0123', 'pause', 'tinyland-nix')).status,
    ).toBe(403);
    const audit = await request(server)
      .get('/api/gloriousflywheel/audit')
      .set('authorization', 'Bearer restricted-token-0123');
    expect(audit.status).toBe(200);
  });
});
