/** Checks a webhook body against its `x-hub-signature-256` with the configured secret. */
export type WebhookVerifier = (
  secret: string,
  payload: string,
  signature: string,
) => Promise<boolean>;

/**
 * GitHub's own verification (`@octokit/webhooks`), loaded on the first delivery. The package is
 * ESM whose dependency `@octokit/webhooks-methods` exports only an `import` condition: Node
 * resolves it, jest's resolver does not, so tests inject the same `verify` through the sandbox's
 * loader instead.
 */
export const octokitWebhookVerifier: WebhookVerifier = async (
  secret,
  payload,
  signature,
) => {
  const { Webhooks } = await import('@octokit/webhooks');
  return new Webhooks({ secret }).verify(payload, signature);
};
