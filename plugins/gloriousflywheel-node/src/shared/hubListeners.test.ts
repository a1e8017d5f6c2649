import { createBackendPlugin, ServiceRef } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { cacheHealthHubServiceRef } from '../caches/CacheHealthHub';
import { adoptionHubServiceRef } from '../adoption/AdoptionHub';
import type { RepoAdoption } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** The root-scoped service as a plugin gets it from a started backend, with a mock root logger. */
async function serviceFromBackend<T>(ref: ServiceRef<T, 'root', 'singleton'>) {
  // the backend's own services log through children; the hubs log on the root logger itself
  const rootLogger = mockServices.rootLogger.mock({
    child: () => mockServices.logger.mock(),
  });
  let service: T | undefined;
  const backend = await startTestBackend({
    features: [
      rootLogger.factory,
      createBackendPlugin({
        pluginId: 'probe',
        register(env) {
          env.registerInit({
            deps: { service: ref },
            async init(deps) {
              service = deps.service;
            },
          });
        },
      }),
    ],
  });
  return { service: service!, rootLogger, backend };
}

describe('the hubs as services', () => {
  it('the cache-health hub logs a listener that throws and still calls the others', async () => {
    const { service, rootLogger, backend } = await serviceFromBackend(
      cacheHealthHubServiceRef,
    );
    const heard: string[] = [];
    service.onChange(() => heard.push('first'));
    service.onChange(() => {
      throw new Error('listener broke');
    });
    service.onChange(() => heard.push('third'));
    service.publish([
      {
        cache: 'attic',
        kind: 'attic',
        status: 'healthy',
        latencyMs: 1,
        checkedAt: '2026-12-01T10:00:00Z',
        details: { endpoint: 'x', checks: [] },
      },
    ]);
    expect(heard).toEqual(['first', 'third']);
    expect(rootLogger.error).toHaveBeenCalledWith(
      'cache health listener failed: Error: listener broke',
    );
    await backend.stop();
  });

  it('the adoption hub logs a listener that throws and still calls the others', async () => {
    const { service, rootLogger, backend } = await serviceFromBackend(
      adoptionHubServiceRef,
    );
    const heard: string[][] = [];
    service.onChange(() => {
      throw new Error('listener broke');
    });
    service.onChange(changed => heard.push(changed));
    service.publish([
      {
        owner: 'Tinyland-Inc',
        name: 'lab',
        scannedAt: '2026-12-01T10:00:00Z',
        runnerClasses: [],
        hostedJobs: 0,
        scorecard: { counts: {} },
      } as unknown as RepoAdoption,
    ]);
    expect(heard).toEqual([['tinyland-inc/lab']]);
    expect(rootLogger.error).toHaveBeenCalledWith(
      'adoption listener failed: Error: listener broke',
    );
    await backend.stop();
  });
});
