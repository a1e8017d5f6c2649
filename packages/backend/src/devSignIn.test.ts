import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import authPlugin from '@backstage/plugin-auth-backend';
import { devSignInModule, DEV_USER_HEADER } from './devSignIn';

async function refresh(environment: string, headers: Record<string, string>) {
  const backend = await startTestBackend({
    features: [
      authPlugin,
      devSignInModule,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { environment, session: { secret: 'test' }, providers: { dev: {} } },
        },
      }),
    ],
  });
  try {
    const { port } = backend.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/dev/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest', ...headers },
    });
    return { status: res.status, body: await res.text() };
  } finally {
    await backend.stop();
  }
}

describe('dev sign-in', () => {
  it('does not exist outside development, even when configured', async () => {
    const res = await refresh('production', { [DEV_USER_HEADER]: 'ada-admin' });
    expect(res.status).toBe(404);
  });

  it('requires the user header in development', async () => {
    const res = await refresh('development', {});
    expect(res.status).toBe(401);
    expect(res.body).toContain(DEV_USER_HEADER);
  });

  it('refuses malformed user names', async () => {
    const res = await refresh('development', { [DEV_USER_HEADER]: '../admin' });
    expect(res.status).toBe(403);
  });
});
