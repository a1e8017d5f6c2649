import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { gloriousflywheelPlugin } from './plugin';
import { HealthResponse } from '@tinyland/backstage-plugin-gloriousflywheel-common';

describe('gloriousflywheel backend plugin', () => {
  it('serves /health with the version and one status per source', async () => {
    const { server } = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        mockServices.rootConfig.factory({
          data: {
            gloriousflywheel: {
              clusters: [{ name: 'honey', url: 'http://127.0.0.1:1' }],
              github: { orgs: [] },
            },
          },
        }),
      ],
    });
    const res = await request(server)
      .get('/api/gloriousflywheel/health')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const body = res.body as HealthResponse;
    expect(body.plugin).toBe('gloriousflywheel');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    const bySource = Object.fromEntries(body.sources.map(s => [s.source, s]));
    // The fleet reports its live state (the configured cluster is unreachable here).
    expect(bySource.fleet.configured).toBe(1);
    expect(['starting', 'error']).toContain(bySource.fleet.state);
    expect(bySource.caches).toMatchObject({
      state: 'not-configured',
      configured: 0,
    });
    expect(bySource.adoption.message).toContain('gloriousflywheel.github.orgs');
  });

  it('rejects anonymous callers with 401 and no data', async () => {
    // The mock httpAuth treats a missing header as a user unless told otherwise.
    const { server } = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    const res = await request(server).get('/api/gloriousflywheel/health');
    expect(res.status).toBe(401);
    expect(res.body.sources).toBeUndefined();
  });
});
