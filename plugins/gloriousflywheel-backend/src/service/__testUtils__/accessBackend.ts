import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { Knex } from 'knex';
import {
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  startGitHubSandbox,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import permissionBackend from '@backstage/plugin-permission-backend';
import { DEFAULT_RUNNER_CLASSES } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousflywheelPlugin } from '../../plugin';
import { GloriousflywheelSamplePolicy } from '../../control/samplePolicy';

/** The seeded catalog's people (examples/catalog/org.yaml): ownership refs = user + direct groups. */
export const USERS = {
  viewer: 'user:default/vera-viewer',
  operator: 'user:default/oscar-operator',
  admin: 'user:default/ada-admin',
} as const;
const GROUPS: Record<string, string[]> = {
  [USERS.viewer]: ['group:default/developers'],
  [USERS.operator]: ['group:default/platform-operators'],
  [USERS.admin]: ['group:default/portal-admins'],
};

/** User info whose ownership refs are the user and what `ownershipOf` gives for them. */
export function userInfoFactoryFor(
  ownershipOf: (userEntityRef: string) => string[],
) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [userEntityRef, ...ownershipOf(userEntityRef)],
        };
      },
    }),
  });
}

/** Users' ownership refs as the catalog would give them. */
export const userInfoFactory = userInfoFactoryFor(
  userEntityRef => GROUPS[userEntityRef] ?? [],
);

// Backstage's real auth keeps the calling plugin as the actor of a user token it forwards; the
// mock drops it, and the permissions registry only answers user calls that come with an actor
// (the permission backend resolving a conditional decision). Put the actor back.
export const httpAuthWithActorsFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const inner = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      async credentials(req: any, options?: any) {
        const credentials = await inner.credentials(req, options);
        const forwarded = /^Bearer\s+mock-service-token:(.+)$/.exec(
          String(req.headers.authorization ?? ''),
        )?.[1];
        const obo = forwarded && JSON.parse(forwarded).obo;
        if (
          obo &&
          (credentials.principal as { type: string }).type === 'user'
        ) {
          return mockCredentials.user(obo, {
            actor: { subject: 'plugin:permission' },
          }) as any;
        }
        return credentials;
      },
      issueUserCookie: (res: any, options?: any) =>
        inner.issueUserCookie(res, options),
    };
  },
});

/** A permission backend module that sets the given policy. */
export function policyModule(
  moduleId: string,
  permissionPolicy: PermissionPolicy,
) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy(permissionPolicy);
        },
      });
    },
  });
}

/** The product's sample policy (admin / operator / viewer). */
export const samplePolicyModule = policyModule(
  'sample-policy',
  new GloriousflywheelSamplePolicy(),
);

/** The permission backend deciding by the sample policy for the seeded catalog's users. */
export const samplePolicyFeatures = [
  permissionBackend,
  samplePolicyModule,
  userInfoFactory,
  httpAuthWithActorsFactory,
];

/** Operators own three classes; the privileged dind class has no owner of its own: it stays with `owner`. */
export const runnerClassesConfig = DEFAULT_RUNNER_CLASSES.map(c => ({
  name: c.name,
  capabilities: c.capabilities,
  labels: c.labels,
  scaleSets: c.scaleSets,
  ...(c.name === 'tinyland-dind'
    ? {}
    : { owner: 'group:default/platform-operators' }),
}));

/** Who calls: the three users, any user by entity ref, service principals by subject, or nobody. */
export type Caller =
  | keyof typeof USERS
  | 'anonymous'
  | { user: string }
  | { service: string };

/** Authorization header of a caller (mock tokens; a service token carries its subject). */
export function authHeader(caller: Caller): string {
  if (caller === 'anonymous') return 'Bearer not-a-token';
  if (typeof caller === 'object') {
    return 'user' in caller
      ? mockCredentials.user.header(caller.user)
      : `Bearer mock-service-token:${JSON.stringify({ sub: caller.service })}`;
  }
  return mockCredentials.user.header(USERS[caller]);
}

/** The name the audit log gives a caller. */
export function actorName(caller: Exclude<Caller, 'anonymous'>): string {
  if (typeof caller !== 'object') return USERS[caller];
  return 'user' in caller ? caller.user : caller.service;
}

/** One auditor event as the plugin reported it. */
export interface RecordedAuditorEvent {
  eventId: string;
  severityLevel?: string;
  /** `x-request-id` of the HTTP request, if any */
  requestId?: string;
  meta: Record<string, unknown>;
  status: 'initiated' | 'succeeded' | 'failed';
  error?: string;
}

/** An auditor that keeps every event, to check what was audited. */
export function recordingAuditor() {
  const events: RecordedAuditorEvent[] = [];
  const auditor: AuditorService = {
    async createEvent(options: AuditorServiceCreateEventOptions) {
      const event: RecordedAuditorEvent = {
        eventId: options.eventId,
        severityLevel: options.severityLevel,
        requestId: options.request?.get('x-request-id'),
        meta: { ...options.meta },
        status: 'initiated',
      };
      events.push(event);
      return {
        async success(params) {
          Object.assign(event, {
            status: 'succeeded',
            meta: { ...event.meta, ...params?.meta },
          });
        },
        async fail(params) {
          Object.assign(event, {
            status: 'failed',
            error: params.error.message,
            meta: { ...event.meta, ...params.meta },
          });
        },
      };
    },
  };
  return {
    events,
    factory: createServiceFactory({
      service: coreServices.auditor,
      deps: {},
      factory: () => auditor,
    }),
  };
}

/** The namespace of the seeded scale sets. */
export const NS = 'arc-runners';

/** What the test backends' config varies in. */
export interface TestConfigOptions {
  /** the sandbox's API server; with TLS its CA (PEM) */
  k8s: { url: string; token: string; caData?: string };
  github?: { url: string; token: string; webhookSecret: string };
  permissionEnabled: boolean;
  servicePrincipals?: Array<{
    subject: string;
    allow: string[];
    runnerClasses?: string[];
  }>;
  /** `lab` at an address nothing answers on instead of the sandbox */
  labUnreachable?: boolean;
  extra?: Record<string, unknown>;
}

/**
 * App config of the test backends: the sandbox cluster twice (`honey` watching every namespace,
 * `lab` only arc-runners), the GitHub sandbox for adoption when given, and the access settings.
 */
export function testConfig(options: TestConfigOptions) {
  const { k8s, github } = options;
  return {
    ...options.extra,
    permission: { enabled: options.permissionEnabled },
    ...(github
      ? {
          integrations: {
            github: [
              {
                host: new URL(github.url).host,
                apiBaseUrl: github.url,
                token: github.token,
              },
            ],
          },
        }
      : {}),
    gloriousflywheel: {
      owner: 'group:default/platform-team',
      runnerClasses: runnerClassesConfig,
      clusters: [
        {
          name: 'honey',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          caData: k8s.caData,
        },
        options.labUnreachable
          ? {
              name: 'lab',
              url: 'http://127.0.0.1:9',
              serviceAccountToken: 'x',
              skipTLSVerify: true,
              namespaces: [NS],
            }
          : {
              name: 'lab',
              url: k8s.url,
              serviceAccountToken: k8s.token,
              caData: k8s.caData,
              namespaces: [NS],
            },
      ],
      ...(github
        ? {
            github: {
              orgs: ['tinyland-inc'],
              host: new URL(github.url).host,
              webhookSecret: github.webhookSecret,
            },
          }
        : {}),
      ...(options.servicePrincipals
        ? { servicePrincipals: options.servicePrincipals }
        : {}),
    },
  };
}

/** Waits until every configured cluster of the started backend (or each one named) has synced. */
export async function untilSynced(
  server: Parameters<typeof request>[0],
  authorization: string,
  clusters?: string[],
) {
  await eventually(async () => {
    const r = await request(server)
      .get('/api/gloriousflywheel/fleet/clusters')
      .set('authorization', authorization);
    const states: string[] = (r.body.items ?? [])
      .filter((c: { name: string }) => !clusters || clusters.includes(c.name))
      .map((c: { state: string }) => c.state);
    if (!states.length || states.some(s => s !== 'synced'))
      throw new Error(`clusters are ${states.join(', ') || 'not listed'}`);
  });
}

/** A started test backend with its sandboxes. */
export interface AccessBackend {
  k8s: KubernetesSandbox;
  server: Parameters<typeof request>[0];
  /** stops the backend, then the sandboxes */
  stop(): Promise<void>;
}

/**
 * Starts the Kubernetes sandbox (and the GitHub one when `github` is given) and a test backend
 * with the plugin on `knex`, configured by {@link testConfig}; waits until the clusters (or the
 * ones named in `syncedClusters`) have synced, asking as `syncedAs`.
 */
export async function startAccessBackend(options: {
  knex: Knex;
  /** besides the plugin, its database and config */
  features?: BackendFeature[];
  github?: { webhookSecret: string };
  config: Omit<TestConfigOptions, 'k8s' | 'github'>;
  syncedAs: string;
  syncedClusters?: string[];
}): Promise<AccessBackend> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    const k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    stops.push(() => k8s.close());
    let github: TestConfigOptions['github'];
    if (options.github) {
      const { webhookSecret } = options.github;
      const gh = await startGitHubSandbox({
        host: '127.0.0.1',
        port: 0,
        seed: createFleetSeed({ longTailRepos: 2 }),
        webhookSecret,
      });
      stops.push(() => gh.close());
      github = { url: gh.url, token: gh.token, webhookSecret };
    }
    const backend = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        ...(options.features ?? []),
        mockServices.database.factory({ knex: options.knex }),
        mockServices.rootConfig.factory({
          data: testConfig({ ...options.config, k8s, github }),
        }),
      ],
    });
    stops.push(() => backend.stop());
    await untilSynced(backend.server, options.syncedAs, options.syncedClusters);
    return { k8s, server: backend.server, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
