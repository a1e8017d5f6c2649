export interface Config {
  app?: {
    /**
     * Local development only: seeded catalog users the sign-in page offers to act as, through the
     * backend's `dev` auth provider. Leave out in production (the page then offers guest only).
     */
    devSignIn?: {
      /** @visibility frontend */
      users?: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        title: string;
        /** @visibility frontend */
        description?: string;
      }>;
    };
  };
}
