import fs from 'node:fs';
import {
  buildClientSchema,
  DocumentNode,
  execute,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  parse,
  SelectionSetNode,
  validate,
  valueFromAST,
} from 'graphql';
import { GitHubStore } from './store';
import { nodeId } from './representations';
import { findGitHubPackageFile } from './modules';
import { gitObjectNodes } from './graphqlGitObjects';
import type { GraphqlNodes } from './graphqlNodes';
import { pullRequestNodes } from './graphqlPullRequests';
import { repositoryNodes } from './graphqlRepositories';

/**
 * GraphQL against GitHub's real public schema (`@octokit/graphql-schema`), with resolvers only for
 * the subset the scanner uses. Unknown fields/arguments fail validation as on GitHub; connection
 * limits, node count and cost follow GitHub's documented rules.
 */

let cachedSchema: GraphQLSchema | undefined;

/** Where `@octokit/graphql-schema` keeps `schema.json` (its exports map is ESM-only, so we look). */
export function findGitHubSchemaFile(): string {
  return findGitHubPackageFile('@octokit/graphql-schema', 'schema.json');
}

/** GitHub's public GraphQL schema (parsed once per process). */
export function loadGitHubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const json = JSON.parse(fs.readFileSync(findGitHubSchemaFile(), 'utf8'));
    cachedSchema = buildClientSchema(json.data ?? json);
  }
  return cachedSchema;
}

export interface GitHubGraphqlError {
  type?: string;
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export const MAX_NODES = 500_000;
export const MAX_PAGE = 100;

export interface QueryLimits {
  /** GitHub's formula: requests (one per connection per parent node) / 100, rounded, min 1 */
  cost: number;
  nodeCount: number;
  errors: GitHubGraphqlError[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Checks pagination boundaries and the node limit, and computes the cost, as GitHub documents
 * (docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api).
 */
export function analyzeGitHubQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  maxNodes = MAX_NODES,
): QueryLimits {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const errors: GitHubGraphqlError[] = [];
  let requests = 0;
  let nodes = 0;
  let nodeError = false;

  const walk = (
    set: SelectionSetNode | undefined,
    parent: GraphQLNamedType | null | undefined,
    multiplier: number,
    pathSoFar: string[],
  ) => {
    if (!set || !parent) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition
          ? schema.getType(sel.typeCondition.name.value)
          : parent;
        walk(sel.selectionSet, t, multiplier, pathSoFar);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f)
          walk(
            f.selectionSet,
            schema.getType(f.typeCondition.name.value),
            multiplier,
            pathSoFar,
          );
        continue;
      }
      const field = sel as FieldNode;
      if (field.name.value.startsWith('__')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const def = parent.getFields()[field.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      const here = [...pathSoFar, field.alias?.value ?? field.name.value];
      const argValue = (name: string) => {
        const argDef = def.args.find(a => a.name === name);
        const node = field.arguments?.find(a => a.name.value === name);
        if (!argDef || !node) return undefined;
        return valueFromAST(node.value, argDef.type, variables) as
          | number
          | null
          | undefined;
      };
      const isConnection =
        named.name.endsWith('Connection') &&
        def.args.some(a => a.name === 'first') &&
        def.args.some(a => a.name === 'last');
      if (isConnection) {
        const first = argValue('first');
        const last = argValue('last');
        const size = first ?? last;
        if (size === undefined || size === null) {
          errors.push({
            type: 'MISSING_PAGINATION_BOUNDARIES',
            path: here,
            locations: field.loc
              ? [
                  {
                    line: field.loc.startToken.line,
                    column: field.loc.startToken.column,
                  },
                ]
              : undefined,
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name.value}\` connection.`,
          });
          continue;
        }
        const argName =
          first !== undefined && first !== null ? 'first' : 'last';
        if (size > MAX_PAGE || size < 0) {
          errors.push({
            type: 'EXCESSIVE_PAGINATION',
            path: here,
            message: `Requesting ${size} records on the \`${field.name.value}\` connection exceeds the \`${argName}\` limit of ${MAX_PAGE} records.`,
          });
          continue;
        }
        requests += multiplier;
        nodes += multiplier * size;
        if (nodes > maxNodes && !nodeError) {
          nodeError = true;
          errors.push({
            type: 'MAX_NODE_LIMIT_EXCEEDED',
            path: here,
            message: `By the time this query traverses to the ${
              field.name.value
            } connection, it is requesting up to ${fmt(
              nodes,
            )} possible nodes which exceeds the maximum limit of ${fmt(
              maxNodes,
            )}.`,
          });
        }
        walk(field.selectionSet, named, multiplier * Math.max(size, 1), here);
      } else {
        walk(field.selectionSet, named, multiplier, here);
      }
    }
  };
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : schema.getQueryType();
  walk(operation.selectionSet, root, 1, []);
  return {
    cost: Math.max(1, Math.round(requests / 100)),
    nodeCount: nodes,
    errors,
  };
}

/** graphql-js validation messages rewritten the way GitHub words the common ones. */
function githubValidationError(e: GraphQLError): GitHubGraphqlError {
  const locations = e.locations?.map(l => ({ line: l.line, column: l.column }));
  let m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(e.message);
  if (m)
    return {
      path: undefined,
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
      locations,
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
    };
  m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(e.message);
  if (m)
    return {
      extensions: {
        code: 'argumentNotAccepted',
        name: m[3],
        typeName: 'Field',
        argumentName: m[1],
      },
      locations,
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
    };
  m = /^Field "(\w+)" argument "(\w+)" of type "[^"]+" is required/.exec(
    e.message,
  );
  if (m)
    return {
      extensions: {
        code: 'missingRequiredArguments',
        className: 'Field',
        name: m[1],
        arguments: m[2],
      },
      locations,
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
    };
  return { locations, message: e.message };
}

/**
 * Why a document would fail validation on GitHub (syntax or schema), as messages; empty when it
 * passes. For clients' tests: each query they build is checked against GitHub's real schema.
 */
export function validateGitHubGraphql(query: string): string[] {
  try {
    return validate(loadGitHubSchema(), parse(query)).map(e => e.message);
  } catch (e) {
    return [(e as Error).message];
  }
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  body: { data?: unknown; errors?: GitHubGraphqlError[] };
  /** points to charge (0 when rejected before execution or a dry run) */
  cost: number;
  /** true when the query was rejected before execution (syntax, validation, limits) */
  rejected: boolean;
  rateLimited?: boolean;
}

export interface GraphqlContext {
  store: GitHubStore;
  org: string;
  api: string;
  blobTextLimit: number;
  maxNodes: number;
  /** returns false when the budget cannot pay `cost`; called once before execution */
  charge(cost: number, dryRun: boolean): boolean;
  /** the graphql bucket after charging (for `rateLimit {...}`) */
  rateState(): {
    limit: number;
    remaining: number;
    used: number;
    reset: number;
  };
  rateLimitedMessage: string;
}

class NotFound extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { type: 'NOT_FOUND' } });
  }
}

/** Resolver objects: plain objects whose function-valued fields take (args). */
function makeResolvers(ctx: GraphqlContext) {
  const { store } = ctx;
  // the node builders by resource; they refer to each other through `nodes`
  const nodes = {} as GraphqlNodes;
  Object.assign(
    nodes,
    gitObjectNodes(ctx, nodes),
    repositoryNodes(ctx, nodes),
    pullRequestNodes(nodes),
  );
  const { orgNode, repoNode } = nodes;

  const rateLimitNode = (cost: number, nodeCount: number) => () => {
    const s = ctx.rateState();
    return {
      cost,
      limit: s.limit,
      remaining: s.remaining,
      used: s.used,
      resetAt: new Date(s.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      nodeCount,
    };
  };

  const root = (cost: number, nodeCount: number) => ({
    organization: ({ login }: { login: string }) => {
      if (login.toLowerCase() !== ctx.org.toLowerCase())
        throw new NotFound(
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      return orgNode();
    },
    repositoryOwner: ({ login }: { login: string }) =>
      login.toLowerCase() === ctx.org.toLowerCase() ? orgNode() : null,
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = store.get(owner, name);
      if (!r)
        throw new NotFound(
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      return repoNode(r);
    },
    node: ({ id }: { id: string }) => findNode(id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 100)
        throw new GraphQLError(
          `You may not request more than 100 nodes at once (requested ${ids.length}).`,
          {
            extensions: { type: 'EXCESSIVE_PAGINATION' },
          },
        );
      return ids.map(id => findNode(id));
    },
    rateLimit: rateLimitNode(cost, nodeCount),
  });

  function findNode(id: string) {
    const r = store.list().find(x => nodeId('R', x.id) === id);
    if (!r)
      throw new NotFound(
        `Could not resolve to a node with the global id of '${id}'`,
      );
    return repoNode(r);
  }

  return { root };
}

/** Refuses fields the sandbox has no data for, loudly, instead of returning null silently. */
const fieldResolver: GraphQLFieldResolver<any, any> = (
  source,
  args,
  _ctx,
  info,
) => {
  if (source === null || source === undefined) return null;
  if (!(info.fieldName in source)) {
    throw new GraphQLError(
      `fleet sandbox: ${info.parentType.name}.${info.fieldName} exists in GitHub's schema but the sandbox does not serve it`,
      { extensions: { type: 'SANDBOX_NOT_IMPLEMENTED' } },
    );
  }
  const v = source[info.fieldName];
  return typeof v === 'function' ? v.call(source, args) : v;
};

function formatError(e: GraphQLError): GitHubGraphqlError {
  const type = e.extensions?.type as string | undefined;
  return {
    ...(type ? { type } : {}),
    path: e.path ? [...e.path] : undefined,
    locations: e.locations?.map(l => ({ line: l.line, column: l.column })),
    message: e.message,
  };
}

export function runGitHubGraphql(
  req: GraphqlRequest,
  ctx: GraphqlContext,
): GraphqlOutcome {
  const schema = loadGitHubSchema();
  const reject = (errors: GitHubGraphqlError[]): GraphqlOutcome => ({
    body: { errors },
    cost: 0,
    rejected: true,
  });
  if (typeof req.query !== 'string' || req.query.trim() === '')
    return reject([
      { message: 'A query attribute must be specified and must be a string.' },
    ]);
  let document: DocumentNode;
  try {
    document = parse(req.query);
  } catch (e) {
    const g = e as GraphQLError;
    return reject([
      { message: g.message, locations: g.locations?.map(l => ({ ...l })) },
    ]);
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length)
    return reject(validationErrors.map(githubValidationError));

  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  let operation: OperationDefinitionNode | undefined;
  if (typeof req.operationName === 'string')
    operation = ops.find(o => o.name?.value === req.operationName);
  else if (ops.length === 1) operation = ops[0];
  if (!operation)
    return reject([
      {
        message:
          typeof req.operationName === 'string'
            ? `No operation named "${req.operationName}"`
            : 'An operation name is required',
      },
    ]);
  if (operation.operation !== 'query')
    return reject([
      {
        message: `fleet sandbox: only queries are served (got ${operation.operation})`,
      },
    ]);
  const inputs =
    req.variables && typeof req.variables === 'object'
      ? (req.variables as Record<string, unknown>)
      : {};
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    inputs,
  );
  if (coerced.errors)
    return reject(
      coerced.errors.map(e => ({
        message: e.message,
        locations: e.locations?.map(l => ({ ...l })),
      })),
    );

  const limits = analyzeGitHubQuery(
    schema,
    document,
    operation,
    coerced.coerced,
    ctx.maxNodes,
  );
  if (limits.errors.length) return reject(limits.errors);

  const dryRun = operation.selectionSet.selections.some(
    s =>
      s.kind === Kind.FIELD &&
      s.name.value === 'rateLimit' &&
      s.arguments?.some(
        a =>
          a.name.value === 'dryRun' &&
          valueFromAST(
            a.value,
            schema.getQueryType()!.getFields().rateLimit.args[0].type,
            coerced.coerced,
          ) === true,
      ),
  );
  if (!ctx.charge(limits.cost, dryRun)) {
    return {
      body: {
        errors: [{ type: 'RATE_LIMITED', message: ctx.rateLimitedMessage }],
      },
      cost: 0,
      rejected: true,
      rateLimited: true,
    };
  }
  const { root } = makeResolvers(ctx);
  const result = execute({
    schema,
    document,
    operationName: operation.name?.value,
    rootValue: root(dryRun ? 0 : limits.cost, limits.nodeCount),
    variableValues: inputs,
    fieldResolver,
    typeResolver: (value: any) => value?.__typename,
  });
  if (result instanceof Promise) throw new Error('resolvers are synchronous');
  const body: GraphqlOutcome['body'] = {};
  if (result.data !== undefined) body.data = result.data;
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return { body, cost: dryRun ? 0 : limits.cost, rejected: false };
}
