export interface Config {
  auth?: {
    providers?: {
      /**
       * Development sign-in as any catalog user (src/devSignIn.ts). Off unless `enabled` is true;
       * `enabled: true` needs `auth.environment: development` set explicitly, otherwise the backend
       * refuses to start. Only app-config.sandbox.yaml (the local portal and the tests) turns it on.
       */
      dev?: {
        enabled?: boolean;
      };
    };
  };
}
