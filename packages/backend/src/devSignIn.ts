import { createBackendModule, coreServices } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
  createProxyAuthenticator,
} from '@backstage/plugin-auth-node';
import { NotAllowedError, AuthenticationError } from '@backstage/errors';

/** Header the app's dev sign-in page sends to pick the seeded user to act as. */
export const DEV_USER_HEADER = 'x-gloriousflywheel-dev-user';

const USER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Development sign-in: act as any User in the catalog (e.g. the seeded viewer, operator and admin)
 * so that roles can be tried and tested locally. Registered only with `auth.environment:
 * development` and an `auth.providers.dev` entry; production configs have neither.
 */
export const devSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'gloriousflywheel-dev-sign-in',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint, config: coreServices.rootConfig, logger: coreServices.logger },
      async init({ providers, config, logger }) {
        const environment = config.getOptionalString('auth.environment') ?? 'development';
        if (environment !== 'development' || !config.has('auth.providers.dev')) return;
        logger.warn('dev sign-in enabled: anyone reaching this backend can act as any catalog user');
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
                if (!user) throw new AuthenticationError(`missing ${DEV_USER_HEADER} header`);
                if (!USER_NAME.test(user)) throw new NotAllowedError(`invalid user name "${user}"`);
                return { result: { user } };
              },
            }),
            // Only users that exist in the catalog, with their real group memberships.
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: { kind: 'User', namespace: 'default', name: result.user } }),
          }),
        });
      },
    });
  },
});
