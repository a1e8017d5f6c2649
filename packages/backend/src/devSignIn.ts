import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import { Config } from '@backstage/config';
import { NotAllowedError, AuthenticationError } from '@backstage/errors';

/** Header the app's dev sign-in page sends to pick the seeded user to act as. */
export const DEV_USER_HEADER = 'x-gloriousflywheel-dev-user';

const USER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Whether the dev sign-in is on: only with `auth.providers.dev.enabled: true` and `auth.environment:
 * development`, both set explicitly (app-config.sandbox.yaml). `enabled: true` with any other
 * environment, or none, throws: a deployment must not start with it, not even by inheriting it.
 */
export function readDevSignInEnabled(config: Config): boolean {
  if (config.getOptionalBoolean('auth.providers.dev.enabled') !== true)
    return false;
  const environment = config.getOptionalString('auth.environment');
  if (environment !== 'development') {
    throw new Error(
      `Invalid config auth.providers.dev.enabled: sign-in as any catalog user is for local development only and needs auth.environment: development (it is ${
        environment === undefined ? 'not set' : `'${environment}'`
      })`,
    );
  }
  return true;
}

/**
 * Development sign-in: act as any User in the catalog (e.g. the seeded viewer, operator and admin)
 * so that roles can be tried and tested locally. Registered only when readDevSignInEnabled says so.
 */
export const devSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'gloriousflywheel-dev-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!readDevSignInEnabled(config)) return;
        logger.warn(
          'dev sign-in enabled: anyone reaching this backend can act as any catalog user',
        );
        providers.registerProvider({
          providerId: 'dev',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { user: string }) => ({
                profile: { displayName: result.user },
              }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const user = req.header(DEV_USER_HEADER);
                if (!user)
                  throw new AuthenticationError(
                    `missing ${DEV_USER_HEADER} header`,
                  );
                if (!USER_NAME.test(user))
                  throw new NotAllowedError(`invalid user name "${user}"`);
                return { result: { user } };
              },
            }),
            // Only users that exist in the catalog, with their real group memberships.
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'User',
                  namespace: 'default',
                  name: result.user,
                },
              }),
          }),
        });
      },
    });
  },
});
