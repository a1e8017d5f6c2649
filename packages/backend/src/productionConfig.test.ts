/*
 * What the production configuration (app-config.yaml + app-config.production.yaml) contains, read as
 * the backend reads it. e2e/production.test.mjs starts the backend on it and checks the routes.
 */
import { ConfigSources } from '@backstage/config-loader';
import path from 'node:path';
import { readDevSignInEnabled } from './devSignIn';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = path.join(ROOT, 'app-config.yaml');
const PRODUCTION = path.join(ROOT, 'app-config.production.yaml');
const SANDBOX = path.join(ROOT, 'app-config.sandbox.yaml');

/** The effective config of these files with only this environment. */
async function effectiveConfig(
  files: string[],
  env: Record<string, string> = {},
) {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({
      argv: files.flatMap(f => ['--config', f]),
      env,
      substitutionFunc: async name => env[name]?.trim(),
      watch: false,
    }),
  );
  config.close();
  return config;
}

describe('the production config (app-config.yaml + app-config.production.yaml)', () => {
  it('holds none of the sandbox credentials and URLs', async () => {
    const sandbox = await effectiveConfig([BASE, SANDBOX]);
    const github = sandbox.getConfigArray('integrations.github');
    const clusters = sandbox.getConfigArray('gloriousflywheel.clusters');
    const caches = sandbox.getConfigArray('gloriousflywheel.caches');
    const credentials = [
      ...github.map(c => c.getString('token')),
      ...clusters.map(c => c.getString('serviceAccountToken')),
      sandbox.getString('gloriousflywheel.github.webhookSecret'),
    ];
    expect(credentials).toEqual([
      'ghp_sandbox_token',
      'sandbox-k8s-token',
      'sandbox-webhook-secret',
    ]);
    const urls = [
      ...github.map(c => c.getString('apiBaseUrl')),
      ...clusters.map(c => c.getString('url')),
      ...caches.map(c => c.getString('url')),
    ];
    expect(urls).toHaveLength(5);

    // with every variable the overlay reads set, as in a deployment
    const production = await effectiveConfig([BASE, PRODUCTION], {
      APP_BASE_URL: 'https://portal.example.com',
      BACKEND_BASE_URL: 'https://portal.example.com',
      POSTGRES_HOST: 'db.example.com',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'backstage',
      POSTGRES_PASSWORD: 'pg-password-from-the-environment',
      GITHUB_TOKEN: 'ghp_token_from_the_environment',
      GF_WEBHOOK_SECRET: 'webhook-secret-from-the-environment',
    });
    const text = JSON.stringify(production.get());
    for (const value of [...credentials, ...urls])
      expect(text).not.toContain(value);
    expect(
      production
        .getConfigArray('integrations.github')
        .map(c => c.getString('token')),
    ).toEqual(['ghp_token_from_the_environment']);
    expect(production.getString('gloriousflywheel.github.webhookSecret')).toBe(
      'webhook-secret-from-the-environment',
    );
    expect(production.getOptional('gloriousflywheel.clusters')).toBeUndefined();
    expect(production.getOptional('gloriousflywheel.caches')).toBeUndefined();
    expect(production.getOptional('catalog.locations')).toBeUndefined();
  });

  it('has no sign-in provider, no dev sign-in and no webhook secret of its own', async () => {
    const production = await effectiveConfig([BASE, PRODUCTION]);
    expect(production.getString('auth.environment')).toBe('production');
    expect(production.getConfig('auth.providers').keys()).toEqual([]);
    expect(production.getOptional('app.devSignIn')).toBeUndefined();
    expect(readDevSignInEnabled(production)).toBe(false);
    expect(
      production.getOptional('gloriousflywheel.github.webhookSecret'),
    ).toBeUndefined();
  });

  it('makes the backend refuse to start if the sandbox overlay is loaded with it', async () => {
    const mixed = await effectiveConfig([BASE, SANDBOX, PRODUCTION]);
    expect(() => readDevSignInEnabled(mixed)).toThrow(
      /needs auth\.environment: development \(it is 'production'\)/,
    );
  });

  it('leaves the dev sign-in to the sandbox overlay', async () => {
    expect(readDevSignInEnabled(await effectiveConfig([BASE]))).toBe(false);
    expect(readDevSignInEnabled(await effectiveConfig([BASE, SANDBOX]))).toBe(
      true,
    );
  });
});
