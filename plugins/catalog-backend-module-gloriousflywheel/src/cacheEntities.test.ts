import { ConfigReader } from '@backstage/config';
import {
  CacheConfig,
  FleetConfig,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { cacheEntities } from './cacheEntities';
import { fleetEntities } from './fleetEntities';

describe('cacheEntities', () => {
  const config = new ConfigReader({
    gloriousflywheel: {
      caches: [
        {
          name: 'attic',
          kind: 'attic',
          url: 'http://attic:8080',
          cache: 'main',
          token: 'sekrit-token',
          runnerClasses: ['tinyland-nix'],
        },
        {
          name: 'bazel-grpc',
          kind: 'bazel-grpc',
          url: 'grpc://bazel:9092',
          runnerClasses: ['tinyland-nix'],
        },
      ],
    },
  });
  const caches = CacheConfig.fromConfig(config);
  const { targets } = caches;

  it('emits one build-cache Resource per configured cache, without the token', () => {
    const entities = cacheEntities({
      owner: 'group:default/platform-team',
      targets,
      status: () => 'unknown',
    });
    expect(entities.map(e => [e.metadata.name, e.spec?.type])).toEqual([
      ['attic', 'build-cache'],
      ['bazel-grpc', 'build-cache'],
    ]);
    expect(entities[1].metadata).toMatchObject({
      title: 'bazel-grpc (Bazel remote cache (gRPC))',
      tags: ['build-cache', 'bazel-grpc'],
      annotations: {
        'gloriousflywheel.io/cache-health': 'unknown',
        'gloriousflywheel.io/cache-endpoint': 'grpc://bazel:9092',
      },
    });
    expect(JSON.stringify(entities)).not.toContain('sekrit-token');
  });

  it('makes runner classes depend on the caches they use', () => {
    const [nix] = fleetEntities({
      owner: 'group:default/platform-team',
      runnerClasses: [
        {
          name: 'tinyland-nix',
          capabilities: ['nix'],
          labels: ['tinyland-nix'],
          scaleSets: [],
        },
      ],
      scaleSets: [],
      cachesByClass: caches.cachesByRunnerClass(FleetConfig.fromConfig(config)),
    });
    expect(nix.spec?.dependsOn).toEqual([
      'resource:default/attic',
      'resource:default/bazel-grpc',
    ]);
  });
});
