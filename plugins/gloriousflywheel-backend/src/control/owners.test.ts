import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isPermission,
} from '@backstage/plugin-permission-common';
import permissionBackend from '@backstage/plugin-permission-backend';
import catalogModuleGloriousflywheel from '@tinyland/backstage-plugin-catalog-backend-module-gloriousflywheel';
import request from 'supertest';
import {
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import {
  scaleSetPausePermission,
  scaleSetResumePermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousflywheelPlugin } from '../plugin';
import {
  createScaleSetConditionalDecision,
  scaleSetConditions,
} from './scaleSetPermissionRules';
import {
  authHeader,
  httpAuthWithActorsFactory,
  policyModule,
  userInfoFactoryFor,
} from '../service/__testUtils__/accessBackend';

type Entity = Extract<
  EntityProviderMutation,
  { type: 'full' }
>['entities'][number]['entity'];

jest.setTimeout(120_000);

/** What the catalog would hold after the provider's mutations. */
class RecordingConnection implements EntityProviderConnection {
  entities = new Map<string, Entity>();
  async applyMutation(m: EntityProviderMutation) {
    if (m.type === 'full')
      this.entities = new Map(
        m.entities.map(d => [d.entity.metadata.name, d.entity]),
      );
    else
      for (const d of m.added)
        this.entities.set(d.entity.metadata.name, d.entity);
  }
  async refresh() {}
}

// Each user's ownership refs are set by the test: exactly one owner ref besides themselves.
const memberships = new Map<string, string>();
const userInfo = userInfoFactoryFor(userEntityRef =>
  memberships.has(userEntityRef) ? [memberships.get(userEntityRef)!] : [],
);

// Everyone may pause/resume what they own, by the rule under test, and nothing else.
const ownersPolicy = policyModule('owners-policy', {
  async handle(req, user) {
    const { permission } = req;
    if (
      user &&
      (isPermission(permission, scaleSetPausePermission) ||
        isPermission(permission, scaleSetResumePermission))
    ) {
      return createScaleSetConditionalDecision(
        permission,
        scaleSetConditions.isOwnedByUser({
          ownershipEntityRefs: [
            user.info.userEntityRef,
            ...user.info.ownershipEntityRefs,
          ],
        }),
      );
    }
    return { result: AuthorizeResult.DENY };
  },
});

const CONFIGS: Array<[string, Record<string, unknown>]> = [
  [
    'without gloriousflywheel.owner (the default owner)',
    {
      runnerClasses: [
        {
          name: 'tinyland-nix',
          scaleSets: ['tinyland-nix'],
          owner: 'platform-operators',
        },
        {
          name: 'tinyland-docker',
          scaleSets: ['tinyland-docker'],
          owner: 'user:default/dana-docker',
        },
        {
          name: 'tinyland-dind',
          capabilities: ['docker', 'privileged-dind'],
          scaleSets: ['tinyland-dind'],
        },
        {
          name: 'tinyland-nix-heavy',
          capabilities: ['nix', 'heavy'],
          scaleSets: ['tinyland-nix-heavy'],
        },
      ],
    },
  ],
  [
    'with a short-form gloriousflywheel.owner',
    {
      owner: 'platform',
      runnerClasses: [
        {
          name: 'tinyland-nix',
          scaleSets: ['tinyland-nix'],
          owner: 'group:default/platform-operators',
        },
        {
          name: 'tinyland-dind',
          capabilities: ['docker', 'privileged-dind'],
          scaleSets: ['tinyland-dind'],
        },
      ],
    },
  ],
];

describe.each(CONFIGS)('runner class owners %s', (_, gloriousflywheel) => {
  let k8s: KubernetesSandbox;
  let server: Parameters<typeof request>[0];
  let stop: () => Promise<void>;
  const providers: EntityProvider[] = [];
  const catalog = new RecordingConnection();

  beforeAll(async () => {
    const seed = createFleetSeed();
    // a scale set no class claims: it belongs to the default owner
    seed.scaleSets.push({
      ...seed.scaleSets[0],
      name: 'gpu-runners',
      runnerScaleSetName: 'gpu-runners',
      runnerScaleSetLabels: ['gpu'],
      annotations: {},
    });
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed,
    });
    const backend = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...p: any[]) => providers.push(...p.flat()),
            addProcessor: () => {},
          } as any,
        ],
      ],
      features: [
        gloriousflywheelPlugin,
        catalogModuleGloriousflywheel,
        catalogServiceMock.factory(),
        permissionBackend,
        ownersPolicy,
        userInfo,
        httpAuthWithActorsFactory,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            gloriousflywheel: {
              ...gloriousflywheel,
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
    stop = () => backend.stop();
    const fleetProvider = providers.find(
      p => p.getProviderName() === 'gloriousflywheel-fleet',
    )!;
    await fleetProvider.connect(catalog);
    await eventually(() => {
      const emitted = [...catalog.entities.values()].filter(
        e => e.spec?.type === 'runner-scale-set',
      ).length;
      if (emitted !== 6)
        throw new Error(`${emitted} scale-set entities so far`);
    });
  });

  afterAll(async () => {
    await stop?.();
    await k8s?.close();
  });

  const post = (entity: Entity, user: string, action: string) => {
    const a = entity.metadata.annotations!;
    const path = `${a['gloriousflywheel.io/cluster']}/${a['gloriousflywheel.io/namespace']}/${a['gloriousflywheel.io/scale-set']}`;
    return request(server)
      .post(`/api/gloriousflywheel/scale-sets/${path}/${action}`)
      .set('authorization', authHeader({ user }))
      .send({ reason: 'owner test' });
  };

  it('lets exactly the owner the catalog shows on a scale set pause and resume it', async () => {
    const scaleSets = [...catalog.entities.values()].filter(
      e => e.spec?.type === 'runner-scale-set',
    );
    const classOwners = new Map(
      [...catalog.entities.values()]
        .filter(e => e.spec?.type === 'runner-class')
        .map(e => [e.metadata.name, e.spec!.owner]),
    );
    const results: Array<{
      scaleSet: string;
      owner: string;
      classOwner: unknown;
      statuses: number[];
    }> = [];
    for (const [i, entity] of scaleSets.entries()) {
      const owner = String(entity.spec!.owner);
      const runnerClass =
        entity.metadata.annotations!['gloriousflywheel.io/runner-class'];
      // the owner itself when it is a user, else a member of the owning group
      const member = owner.startsWith('user:')
        ? owner
        : `user:default/member-${i}`;
      if (member !== owner) memberships.set(member, owner);
      memberships.set(`user:default/stranger-${i}`, 'group:default/strangers');
      const statuses = [
        (await post(entity, member, 'pause')).status,
        (await post(entity, member, 'resume')).status,
        (await post(entity, `user:default/stranger-${i}`, 'pause')).status,
      ];
      // unclassified scale sets have no class entity: they show the default owner
      results.push({
        scaleSet: entity.metadata.name,
        owner,
        classOwner: runnerClass ? classOwners.get(runnerClass) : owner,
        statuses,
      });
    }
    expect(results).toEqual(
      results.map(r => ({
        ...r,
        classOwner: r.owner,
        statuses: [200, 200, 403],
      })),
    );
    // no entity is left without an owner in full entity-ref form
    expect(
      results.filter(r => !/^(group|user):default\/[a-z-]+$/.test(r.owner)),
    ).toEqual([]);
  });
});
