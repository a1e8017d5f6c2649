import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { AddressInfo } from 'node:net';
import authPlugin from '@backstage/plugin-auth-backend';
import { devSignInModule, DEV_USER_HEADER } from './devSignIn';

function start(auth: { environment?: string; providers: object }) {
  return startTestBackend({
    features: [
      authPlugin,
      devSignInModule,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { session: { secret: 'test' }, ...auth },
        },
      }),
    ],
  });
}

async function refresh(
  auth: { environment?: string; providers: object },
  headers: Record<string, string>,
) {
  const backend = await start(auth);
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

const enabled = { dev: { enabled: true } };

describe('dev sign-in', () => {
  it('does not exist unless enabled explicitly, even in development', async () => {
    const res = await refresh(
      { environment: 'development', providers: { dev: {} } },
      { [DEV_USER_HEADER]: 'ada-admin' },
    );
    expect(res.status).toBe(404);
  });

  it.each([
    [
      'production',
      /auth\.providers\.dev\.enabled.*needs auth\.environment: development \(it is 'production'\)/,
    ],
    ['staging', /\(it is 'staging'\)/],
    [undefined, /\(it is not set\)/],
  ])(
    'refuses to start when enabled with auth.environment %s',
    async (environment, message) => {
      await expect(start({ environment, providers: enabled })).rejects.toThrow(
        message,
      );
    },
  );

  it('requires the user header in development', async () => {
    const res = await refresh(
      { environment: 'development', providers: enabled },
      {},
    );
    expect(res.status).toBe(401);
    expect(res.body).toContain(DEV_USER_HEADER);
  });

  it('refuses malformed user names', async () => {
    const res = await refresh(
      { environment: 'development', providers: enabled },
      { [DEV_USER_HEADER]: '../admin' },
    );
    expect(res.status).toBe(403);
  });
});
