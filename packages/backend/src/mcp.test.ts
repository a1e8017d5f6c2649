/*
 * The portal's MCP server (@backstage/plugin-mcp-actions-backend) offers the GloriousFlywheel
 * actions of backend.actions.pluginSources (tools named `<plugin>.<action>`): diagnose-job is
 * listed and called over the MCP endpoint, with the plugin's own permission check and answers.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AddressInfo } from 'node:net';
import gloriousflywheelPlugin from '@tinyland/backstage-plugin-gloriousflywheel-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';

const MCP = '/api/mcp-actions/v1';

async function startPortal(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) {
  const backend = await startTestBackend({
    features: [
      gloriousflywheelPlugin,
      mcpActionsPlugin,
      mockServices.permissions.factory({ result }),
      mockServices.rootConfig.factory({
        data: {
          backend: { actions: { pluginSources: ['gloriousflywheel'] } },
          permission: { enabled: true },
          gloriousflywheel: {
            clusters: [
              {
                name: 'honey',
                url: 'http://127.0.0.1:9',
                serviceAccountToken: 'x',
              },
            ],
          },
        },
      }),
    ],
  });
  return backend;
}

/** One JSON-RPC call over MCP's streamable HTTP transport (stateless: no session). */
async function rpc(
  server: { address(): AddressInfo | string | null },
  method: string,
  params: Record<string, unknown> = {},
) {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${MCP}`, {
    method: 'POST',
    headers: {
      authorization: mockCredentials.user.header(),
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  expect(res.status).toBe(200);
  // the transport answers as a server-sent event: `event: message` / `data: {json}`
  const data = (await res.text())
    .split('\n')
    .filter(l => l.startsWith('data: '))
    .map(l => JSON.parse(l.slice(6)));
  expect(data).toHaveLength(1);
  return data[0];
}

describe('MCP actions', () => {
  it('lists diagnose-job as a read-only tool and calls it with the plugin’s answers', async () => {
    const backend = await startPortal(AuthorizeResult.ALLOW);
    try {
      const list = await rpc(backend.server, 'tools/list');
      const tool = list.result.tools.find(
        (t: { name: string }) => t.name === 'gloriousflywheel.diagnose-job',
      );
      expect(tool).toBeDefined();
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
      expect(Object.keys(tool.inputSchema.properties).sort()).toEqual([
        'jobId',
        'repo',
        'url',
      ]);

      const missing = await rpc(backend.server, 'tools/call', {
        name: 'gloriousflywheel.diagnose-job',
        arguments: {
          url: 'https://github.com/tinyland-inc/lab/actions/runs/1/job/2',
        },
      });
      expect(missing.result.isError).toBe(true);
      expect(missing.result.content[0].text).toContain(
        'job 2 of tinyland-inc/lab is not known to the portal or GitHub',
      );

      const bad = await rpc(backend.server, 'tools/call', {
        name: 'gloriousflywheel.diagnose-job',
        arguments: { repo: 'tinyland-inc/lab' },
      });
      expect(bad.result.isError).toBe(true);
      expect(bad.result.content[0].text).toContain(
        'give url (a job URL) or repo (owner/name) and jobId',
      );
    } finally {
      await backend.stop();
    }
  });

  it('refuses callers without gloriousflywheel.queue.read', async () => {
    const backend = await startPortal(AuthorizeResult.DENY);
    try {
      const denied = await rpc(backend.server, 'tools/call', {
        name: 'gloriousflywheel.diagnose-job',
        arguments: { repo: 'tinyland-inc/lab', jobId: 2 },
      });
      expect(denied.result.isError).toBe(true);
      expect(denied.result.content[0].text).toContain('may not diagnose jobs');
    } finally {
      await backend.stop();
    }
  });
});
