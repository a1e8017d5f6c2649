import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  apiVersionOf,
  ARC_API_VERSION,
  ARC_GROUP,
  ARC_VERSION,
  ResourceDefinition,
} from './crds';
import { applyJsonPatch, applyMergePatch } from './patch';
import { Matcher, parseFieldSelector, parseLabelSelector } from './selectors';
import { ApiError, errors, successStatus, K8sStatus } from './status';
import { ClusterStore, K8sObject, StoreEvent, target } from './store';

/** Request kinds the sandbox counts (benchmarks read them). */
export type RequestKind =
  | 'list'
  | 'watch'
  | 'get'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  | 'discovery'
  | 'other';

export type RequestCounts = Record<RequestKind | 'total' | 'rejected', number>;

export const emptyCounts = (): RequestCounts => ({
  list: 0,
  watch: 0,
  get: 0,
  create: 0,
  update: 0,
  patch: 0,
  delete: 0,
  deletecollection: 0,
  discovery: 0,
  other: 0,
  total: 0,
  rejected: 0,
});

/** Faults injected into the Kubernetes API (not into /_sandbox). */
export interface K8sFaults {
  /** the next N API requests answer `failStatus` (default 500 InternalError) */
  failNextRequests: number;
  failStatus: number;
  /** added to every API request, ms (capped at 60 s) */
  latencyMs: number;
  /** the next N watches get an ERROR event 410 Expired and end, as after etcd compaction */
  expireNextWatches: number;
  /** every watch answers 403 Forbidden while list and get still work, as with RBAC lacking `watch` */
  forbidWatch: boolean;
}

export const noFaults = (): K8sFaults => ({
  failNextRequests: 0,
  failStatus: 500,
  latencyMs: 0,
  expireNextWatches: 0,
  forbidWatch: false,
});

export type Access = 'read-write' | 'read-only';

export interface ApiContext {
  store: ClusterStore;
  tokens: Map<string, { user: string; access: Access }>;
  faults: K8sFaults;
  counts: RequestCounts;
  /** server-side watch timeout when the client sends no timeoutSeconds (seconds) */
  watchTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  serverAddress: () => string;
  sleep: (ms: number) => Promise<void>;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const MAX_BODY = 3 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, s: K8sStatus) {
  send(res, s.code, s);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Request entity too large: limit is 3145728',
        reason: 'RequestEntityTooLarge',
        code: 413,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** A request on one named object (GET, PUT, PATCH, DELETE), as the route parsed it. */
interface ObjectCall {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  def: ResourceDefinition;
  /** undefined for cluster-scoped resources */
  namespace: string;
  name: string;
  subresource?: 'status';
}

/** A POST or PUT body: JSON only (the sandbox speaks no protobuf or YAML). */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = mediaType(req);
  if (type !== 'application/json') throw errors.unsupportedMediaType(type);
  return readJson(req);
}

// ---- discovery -------------------------------------------------------------------------------

function versionInfo() {
  return {
    major: '1',
    minor: '33',
    gitVersion: 'v1.33.0-fleet-sandbox',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-25T00:00:00Z',
    goVersion: 'go1.24.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function groupVersion() {
  return { groupVersion: ARC_API_VERSION, version: ARC_VERSION };
}

function apiGroup() {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: ARC_GROUP,
    versions: [groupVersion()],
    preferredVersion: groupVersion(),
  };
}

function resourceList(defs: ResourceDefinition[], listGroupVersion: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: listGroupVersion,
    resources: defs.flatMap(d => [
      {
        name: d.plural,
        singularName: d.singular,
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: [
          'delete',
          'deletecollection',
          'get',
          'list',
          'patch',
          'create',
          'update',
          'watch',
        ],
        ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
      },
      ...(d.hasStatus
        ? [
            {
              name: `${d.plural}/status`,
              singularName: '',
              namespaced: d.namespaced,
              kind: d.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

// ---- watch -----------------------------------------------------------------------------------

/** One open watch stream (newline-delimited JSON events). */
export class WatchStream {
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly def: ResourceDefinition,
    private readonly matches: Matcher,
    private readonly onEnd: (w: WatchStream) => void,
  ) {}

  get open() {
    return !this.ended;
  }

  write(type: string, object: unknown) {
    if (this.ended) return;
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** Translates a store event for this watch, like the watch cache does with selectors. */
  deliver(e: StoreEvent) {
    if (e.def !== this.def) return;
    const now = this.matches(e.object);
    const before = e.prev ? this.matches(e.prev) : false;
    if (e.type === 'ADDED') {
      if (now) this.write('ADDED', e.object);
    } else if (e.type === 'DELETED') {
      if (before) this.write('DELETED', e.object);
    } else if (now && before) this.write('MODIFIED', e.object);
    else if (now) this.write('ADDED', e.object);
    else if (before) this.write('DELETED', e.object);
  }

  bookmark(rv: number, annotations?: Record<string, string>) {
    this.write('BOOKMARK', {
      kind: this.def.kind,
      apiVersion: apiVersionOf(this.def),
      metadata: {
        resourceVersion: String(rv),
        ...(annotations ? { annotations } : {}),
      },
    });
  }

  start(
    store: ClusterStore,
    timeoutMs: number,
    bookmarkMs: number | undefined,
  ) {
    this.unsubscribe = store.subscribe(e => this.deliver(e));
    this.timers.push(
      setTimeout(() => {
        if (bookmarkMs !== undefined) this.bookmark(store.resourceVersion);
        this.end();
      }, timeoutMs),
    );
    if (bookmarkMs !== undefined) {
      this.timers.push(
        setInterval(() => this.bookmark(store.resourceVersion), bookmarkMs),
      );
    }
    this.res.on('close', () => this.end());
  }

  /** Ends the stream cleanly (the client sees end of body). */
  end() {
    if (this.ended) return;
    this.ended = true;
    this.timers.forEach(t => clearTimeout(t));
    this.unsubscribe?.();
    if (!this.res.destroyed) this.res.end();
    this.onEnd(this);
  }

  /** Cuts the connection (the client sees a socket error). */
  destroy() {
    if (this.ended) return;
    this.res.destroy();
    this.end();
  }
}

// ---- the API ---------------------------------------------------------------------------------

interface Route {
  kind: RequestKind;
  def?: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: 'status';
  respond: () => Promise<void> | void;
}

export class KubernetesApi {
  readonly watches = new Set<WatchStream>();

  constructor(private readonly ctx: ApiContext) {}

  private encodeContinue(rv: number, start: string) {
    return Buffer.from(
      JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }),
    ).toString('base64');
  }

  private decodeContinue(token: string): { rv: number; start: string } {
    try {
      const c = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
      if (
        c.v !== 'meta.k8s.io/v1' ||
        !Number.isInteger(c.rv) ||
        typeof c.start !== 'string'
      )
        throw new Error();
      return { rv: c.rv, start: c.start };
    } catch {
      throw errors.badRequest(
        `continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`,
      );
    }
  }

  /** Resolves the route for a request; throws 404/405 Status errors. */
  private route(req: IncomingMessage, url: URL, res: ServerResponse): Route {
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const { store } = this.ctx;
    const get = (body: () => unknown): Route => ({
      kind: 'discovery',
      respond: () => {
        if (method !== 'GET') throw errors.methodNotAllowed();
        send(res, 200, body());
      },
    });
    const p = parts.join('/');
    if (p === 'version') return get(versionInfo);
    if (p === 'api') {
      return get(() => ({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: this.ctx.serverAddress() },
        ],
      }));
    }
    const coreDefs = store.defs.filter(d => d.group === '');
    const arcDefs = store.defs.filter(d => d.group === ARC_GROUP);
    if (p === 'api/v1') return get(() => resourceList(coreDefs, 'v1'));
    if (p === 'apis') {
      return get(() => ({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [apiGroup()],
      }));
    }
    if (p === `apis/${ARC_GROUP}`) return get(apiGroup);
    if (p === `apis/${ARC_GROUP}/${ARC_VERSION}`)
      return get(() => resourceList(arcDefs, ARC_API_VERSION));

    let rest: string[];
    let defs: ResourceDefinition[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      rest = parts.slice(2);
      defs = coreDefs;
    } else if (
      parts[0] === 'apis' &&
      parts[1] === ARC_GROUP &&
      parts[2] === ARC_VERSION
    ) {
      rest = parts.slice(3);
      defs = arcDefs;
    } else {
      throw errors.pathNotFound();
    }
    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      defs.some(d => d.namespaced && d.plural === rest[2])
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const def = defs.find(d => d.plural === (rest[0] ?? ''));
    if (!def || rest.length > 3 || (rest.length === 3 && rest[2] !== 'status'))
      throw errors.pathNotFound();
    const name = rest[1];
    const subresource = rest[2] === 'status' ? ('status' as const) : undefined;
    const isWatch = ['1', 'true'].includes(url.searchParams.get('watch') ?? '');

    if (!name) {
      if (method === 'GET') {
        return isWatch
          ? {
              kind: 'watch',
              def,
              namespace,
              respond: () => this.watch(req, res, url, def, namespace),
            }
          : {
              kind: 'list',
              def,
              namespace,
              respond: () => this.list(req, res, url, def, namespace),
            };
      }
      if (method === 'POST' && (namespace || !def.namespaced)) {
        return {
          kind: 'create',
          def,
          namespace,
          respond: () => this.create(req, res, url, def, namespace),
        };
      }
      if (method === 'DELETE' && namespace) {
        return {
          kind: 'deletecollection',
          def,
          namespace,
          respond: () => this.deleteCollection(res, url, def, namespace),
        };
      }
      return {
        kind: 'other',
        def,
        namespace,
        respond: () => {
          throw errors.methodNotAllowed();
        },
      };
    }
    if (!namespace && def.namespaced) throw errors.pathNotFound();
    const call: ObjectCall = {
      req,
      res,
      url,
      def,
      namespace: namespace!,
      name,
      subresource,
    };
    switch (method) {
      case 'GET':
        return {
          kind: 'get',
          def,
          namespace,
          name,
          subresource,
          respond: () => {
            const obj = store.get(def.plural, namespace, name);
            if (!obj) throw errors.notFound(target(def, name));
            send(res, 200, obj);
          },
        };
      case 'PUT':
      case 'PATCH': {
        const kind = method === 'PUT' ? 'update' : 'patch';
        return {
          kind,
          def,
          namespace,
          name,
          subresource,
          respond: () => this.update(kind, call),
        };
      }
      case 'DELETE':
        if (subresource)
          return {
            kind: 'other',
            respond: () => {
              throw errors.methodNotAllowed();
            },
          };
        return {
          kind: 'delete',
          def,
          namespace,
          name,
          respond: () => this.delete(call),
        };
      default:
        return {
          kind: 'other',
          def,
          namespace,
          name,
          respond: () => {
            throw errors.methodNotAllowed();
          },
        };
    }
  }

  /** Handles one Kubernetes API request (auth, faults, routing); never throws. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const { ctx } = this;
    try {
      if (ctx.faults.latencyMs > 0)
        await ctx.sleep(Math.min(ctx.faults.latencyMs, 60_000));
      const path = url.pathname;
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
      const auth = /^Bearer\s+(.+)$/i.exec(
        String(req.headers.authorization ?? ''),
      );
      const user = auth ? ctx.tokens.get(auth[1].trim()) : undefined;
      if (!user) {
        ctx.counts.rejected++;
        throw errors.unauthorized();
      }
      const route = this.route(req, url, res);
      ctx.counts[route.kind]++;
      ctx.counts.total++;
      if (
        user.access === 'read-only' &&
        !READ_VERBS.has(route.kind) &&
        route.kind !== 'discovery'
      ) {
        const verb =
          route.kind === 'other'
            ? (req.method ?? '').toLowerCase()
            : route.kind;
        throw errors.forbidden(
          user.user,
          verb,
          target(route.def!, route.name),
          route.namespace,
        );
      }
      if (ctx.faults.forbidWatch && route.kind === 'watch') {
        throw errors.forbidden(
          user.user,
          'watch',
          target(route.def!),
          route.namespace,
        );
      }
      if (ctx.faults.failNextRequests > 0) {
        ctx.faults.failNextRequests--;
        const code = ctx.faults.failStatus || 500;
        if (code === 500)
          throw errors.internal('injected fault (fleet sandbox)');
        const reasons: Record<number, string> = {
          429: 'TooManyRequests',
          503: 'ServiceUnavailable',
          504: 'Timeout',
        };
        throw new ApiError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'injected fault (fleet sandbox)',
          reason: reasons[code] ?? 'InternalError',
          code,
        });
      }
      await route.respond();
    } catch (e) {
      if (e instanceof ApiError) sendStatus(res, e.status);
      else
        sendStatus(
          res,
          errors.internal((e as Error)?.message ?? String(e)).status,
        );
    }
  }

  private list(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    def: ResourceDefinition,
    namespace: string | undefined,
  ) {
    const { store } = this.ctx;
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam ? Number(limitParam) : 0;
    if (!Number.isInteger(limit) || limit < 0)
      throw errors.badRequest(`invalid limit: ${limitParam}`);
    const cont = url.searchParams.get('continue');
    const rvParam = url.searchParams.get('resourceVersion');
    let listRv = store.resourceVersion;
    let start = '';
    let items: K8sObject[];
    if (cont) {
      if (rvParam)
        throw errors.badRequest(
          'specifying resource version is not allowed when using continue',
        );
      const c = this.decodeContinue(cont);
      const at = store.listAt(def.plural, c.rv);
      if (!at) {
        const status = errors.expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        ).status;
        status.metadata.continue = this.encodeContinue(
          store.resourceVersion,
          c.start,
        );
        sendStatus(res, status);
        return;
      }
      listRv = c.rv;
      start = c.start;
      items = at;
    } else {
      items = store.list(def.plural);
    }
    const keyOf = (o: K8sObject) =>
      `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const selected = items.filter(
      o =>
        (!namespace || o.metadata.namespace === namespace) &&
        labels(o) &&
        fields(o) &&
        keyOf(o) > start,
    );
    const page = limit > 0 ? selected.slice(0, limit) : selected;
    const metadata: Record<string, unknown> = {
      resourceVersion: String(listRv),
    };
    if (limit > 0 && selected.length > limit) {
      metadata.continue = this.encodeContinue(
        listRv,
        keyOf(page[page.length - 1]),
      );
      if (
        !url.searchParams.get('labelSelector') &&
        !url.searchParams.get('fieldSelector')
      ) {
        metadata.remainingItemCount = selected.length - limit;
      }
    }
    if (wantsTable(req)) {
      send(res, 200, table(def, page, metadata));
      return;
    }
    send(res, 200, {
      apiVersion: apiVersionOf(def),
      items: page,
      kind: def.listKind,
      metadata,
    });
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    def: ResourceDefinition,
    namespace: string | undefined,
  ) {
    const { store, faults } = this.ctx;
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    const matches: Matcher = o =>
      (!namespace || o.metadata.namespace === namespace) &&
      labels(o) &&
      fields(o);
    const rvParam = url.searchParams.get('resourceVersion') ?? '';
    const timeoutParam = url.searchParams.get('timeoutSeconds');
    const bookmarks = ['1', 'true'].includes(
      url.searchParams.get('allowWatchBookmarks') ?? '',
    );
    const sendInitialEvents =
      url.searchParams.get('sendInitialEvents') === 'true';
    if (
      sendInitialEvents &&
      url.searchParams.get('resourceVersionMatch') !== 'NotOlderThan'
    ) {
      throw errors.invalid(target(def), [
        {
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan',
          field: 'sendInitialEvents',
        },
      ]);
    }
    let fromRv: number | undefined;
    if (rvParam !== '' && rvParam !== '0') {
      fromRv = Number(rvParam);
      if (!/^\d+$/.test(rvParam)) {
        throw errors.badRequest(`invalid resource version: ${rvParam}`);
      }
    }
    const timeoutSeconds = timeoutParam
      ? Number(timeoutParam)
      : this.ctx.watchTimeoutSeconds * (1 + Math.random());
    if (!(timeoutSeconds >= 0))
      throw errors.badRequest(`invalid timeoutSeconds: ${timeoutParam}`);

    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      'transfer-encoding': 'chunked',
    });
    res.flushHeaders();
    const stream = new WatchStream(res, def, matches, w =>
      this.watches.delete(w),
    );
    this.watches.add(stream);
    req.socket.setNoDelay(true);

    const expire = (message: string) => {
      stream.write('ERROR', errors.expired(message).status);
      stream.end();
    };
    if (faults.expireNextWatches > 0) {
      faults.expireNextWatches--;
      expire(
        `too old resource version: ${rvParam || 0} (${
          store.resourceVersion
        }) (injected fault)`,
      );
      return;
    }
    if (fromRv === undefined || sendInitialEvents) {
      // "start at most recent": synthetic ADDED for the current state, then changes
      for (const o of store.list(def.plural))
        if (matches(o)) stream.write('ADDED', o);
      if (sendInitialEvents)
        stream.bookmark(store.resourceVersion, {
          'k8s.io/initial-events-end': 'true',
        });
    } else {
      const events = store.eventsSince(fromRv);
      if (!events) {
        expire(
          `too old resource version: ${fromRv} (${
            store.compactedResourceVersion + 1
          })`,
        );
        return;
      }
      for (const e of events) stream.deliver(e);
    }
    stream.start(
      store,
      timeoutSeconds * 1000,
      bookmarks ? this.ctx.bookmarkIntervalMs : undefined,
    );
  }

  private async create(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    def: ResourceDefinition,
    namespace: string | undefined,
  ) {
    const body = await readJsonBody(req);
    const created = this.ctx.store.create(def, namespace, body, {
      dryRun: isDryRun(url),
    });
    send(res, 201, created);
  }

  /** PUT (`update`) and PATCH: the body in a media type the verb accepts, then one store update. */
  private async update(kind: 'update' | 'patch', call: ObjectCall) {
    const { res, url, def, namespace, name, subresource } = call;
    const next =
      kind === 'update'
        ? await readJsonBody(call.req)
        : await this.patched(call);
    // metadata.resourceVersion in a patch is a precondition (checked by update); a PUT needs one
    const updated = this.ctx.store.update(def, namespace, name, next, {
      subresource,
      requireResourceVersion: kind === 'update',
      dryRun: isDryRun(url),
    });
    send(res, 200, updated);
  }

  /** The stored object with the patch applied. */
  private async patched({
    req,
    def,
    namespace,
    name,
  }: ObjectCall): Promise<unknown> {
    const type = mediaType(req);
    if (type === 'application/strategic-merge-patch+json') {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    }
    if (type === 'application/apply-patch+yaml') {
      // server-side apply is not implemented by the sandbox: say so instead of guessing
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'server-side apply is not supported by the fleet sandbox',
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    }
    if (
      type !== 'application/merge-patch+json' &&
      type !== 'application/json-patch+json'
    ) {
      throw errors.unsupportedMediaType(type);
    }
    const body = await readJson(req);
    const current = this.ctx.store.get(def.plural, namespace, name);
    if (!current) throw errors.notFound(target(def, name));
    if (type === 'application/json-patch+json')
      return applyJsonPatch(current, body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw errors.badRequest(
        'the patch is not a JSON object (application/merge-patch+json)',
      );
    }
    return applyMergePatch(current, body);
  }

  private async delete({ req, res, url, def, namespace, name }: ObjectCall) {
    const text = await readBody(req);
    let preconditions: { uid?: string; resourceVersion?: string } = {};
    if (text.trim()) {
      try {
        preconditions = JSON.parse(text).preconditions ?? {};
      } catch (e) {
        throw errors.badRequest(
          `couldn't decode DeleteOptions: ${(e as Error).message}`,
        );
      }
    }
    const deleted = this.ctx.store.delete(def, namespace, name, preconditions, {
      dryRun: isDryRun(url),
    });
    send(res, 200, deleted);
  }

  private deleteCollection(
    res: ServerResponse,
    url: URL,
    def: ResourceDefinition,
    namespace: string,
  ) {
    const { store } = this.ctx;
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    const victims = store
      .list(def.plural)
      .filter(
        o => o.metadata.namespace === namespace && labels(o) && fields(o),
      );
    const dryRun = isDryRun(url);
    const items = victims.map(o =>
      store.delete(def, namespace, o.metadata.name, {}, { dryRun }),
    );
    send(res, 200, {
      apiVersion: apiVersionOf(def),
      kind: def.listKind,
      metadata: { resourceVersion: String(store.resourceVersion) },
      items,
    });
  }
}

/** kubectl asks for server-side printing: `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…` */
function wantsTable(req: IncomingMessage) {
  return String(req.headers.accept ?? '')
    .split(',')
    .some(a => /;\s*as=Table/.test(a) && /;\s*g=meta\.k8s\.io/.test(a));
}

/** Age as kubectl shows it (e.g. 45s, 12m, 3h, 2d). */
function age(timestamp: string | undefined) {
  const s = Math.max(
    0,
    Math.floor((Date.now() - Date.parse(timestamp ?? '')) / 1000),
  );
  if (!Number.isFinite(s)) return '<unknown>';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** A meta.k8s.io/v1 Table with the columns kubectl shows for the resource. */
function table(
  def: ResourceDefinition,
  items: K8sObject[],
  metadata: Record<string, unknown>,
) {
  const col = (name: string, description: string, priority = 0) => ({
    name,
    type: 'string',
    format: name === 'Name' ? 'name' : '',
    description,
    priority,
  });
  let columns = [col('Name', 'Name must be unique within a namespace.')];
  let cells = (o: K8sObject): unknown[] => [o.metadata.name];
  if (def.plural === 'pods') {
    columns = [
      ...columns,
      col(
        'Ready',
        'The aggregate readiness state of this pod for accepting traffic.',
      ),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'The number of times the containers in this pod have been restarted.',
      ),
    ];
    cells = o => {
      const statuses: any[] = o.status?.containerStatuses ?? [];
      const total = o.spec?.containers?.length ?? statuses.length;
      return [
        o.metadata.name,
        `${statuses.filter(c => c.ready).length}/${total}`,
        o.status?.reason ?? o.status?.phase ?? 'Unknown',
        String(statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
      ];
    };
  } else if (def.plural === 'namespaces') {
    columns = [...columns, col('Status', 'The status of the namespace')];
    cells = o => [o.metadata.name, o.status?.phase ?? 'Active'];
  }
  columns.push(
    col(
      'Age',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
  );
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns,
    rows: items.map(o => ({
      cells: [...cells(o), age(o.metadata.creationTimestamp)],
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: o.metadata,
      },
    })),
  };
}

function isDryRun(url: URL) {
  const v = url.searchParams.getAll('dryRun');
  if (v.some(x => x !== 'All'))
    throw errors.badRequest(`Invalid dryRun value: ${v.join(',')}`);
  return v.length > 0;
}

export { successStatus };
