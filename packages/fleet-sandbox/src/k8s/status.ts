/** Kubernetes `Status` objects and the errors that carry them, shaped like the API server's. */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface K8sStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An API error: thrown inside the sandbox, written to the client as a Status object. */
export class ApiError extends Error {
  constructor(readonly status: K8sStatus) {
    super(status.message);
  }
  get code() {
    return this.status.code;
  }
}

export interface Target {
  group: string;
  plural: string;
  kind: string;
  name?: string;
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: K8sStatus['details'],
): K8sStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const qualified = (t: Target) =>
  t.group ? `${t.plural}.${t.group}` : t.plural;

export const errors = {
  notFound: (t: Target) =>
    new ApiError(
      failure(404, 'NotFound', `${qualified(t)} "${t.name}" not found`, {
        name: t.name,
        group: t.group,
        kind: t.plural,
      }),
    ),
  namespaceNotFound: (ns: string) =>
    new ApiError(
      failure(404, 'NotFound', `namespaces "${ns}" not found`, {
        name: ns,
        kind: 'namespaces',
      }),
    ),
  pathNotFound: () =>
    new ApiError(
      failure(
        404,
        'NotFound',
        'the server could not find the requested resource',
        {},
      ),
    ),
  alreadyExists: (t: Target) =>
    new ApiError(
      failure(
        409,
        'AlreadyExists',
        `${qualified(t)} "${t.name}" already exists`,
        {
          name: t.name,
          group: t.group,
          kind: t.plural,
        },
      ),
    ),
  conflict: (
    t: Target,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ) =>
    new ApiError(
      failure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": ${why}`,
        {
          name: t.name,
          group: t.group,
          kind: t.plural,
        },
      ),
    ),
  invalid: (t: Target, causes: StatusCause[]) =>
    new ApiError(
      failure(
        422,
        'Invalid',
        `${t.group ? `${t.kind}.${t.group}` : t.kind} "${
          t.name ?? ''
        }" is invalid: ${causes
          .map(c => (c.field ? `${c.field}: ${c.message}` : c.message))
          .join(', ')}`,
        { name: t.name, group: t.group, kind: t.kind, causes },
      ),
    ),
  badRequest: (message: string) =>
    new ApiError(failure(400, 'BadRequest', message)),
  unauthorized: () =>
    new ApiError(failure(401, 'Unauthorized', 'Unauthorized')),
  forbidden: (user: string, verb: string, t: Target, namespace?: string) =>
    new ApiError(
      failure(
        403,
        'Forbidden',
        `${qualified(t)}${
          t.name ? ` "${t.name}"` : ''
        } is forbidden: User "${user}" cannot ${verb} resource "${
          t.plural
        }" in API group "${t.group}"${
          namespace
            ? ` in the namespace "${namespace}"`
            : ' at the cluster scope'
        }`,
        { name: t.name, group: t.group, kind: t.plural },
      ),
    ),
  methodNotAllowed: () =>
    new ApiError(
      failure(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
        {},
      ),
    ),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(
      failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json; got ${
          contentType || 'none'
        }`,
      ),
    ),
  expired: (message: string) => new ApiError(failure(410, 'Expired', message)),
  internal: (message: string) =>
    new ApiError(
      failure(500, 'InternalError', `Internal error occurred: ${message}`, {
        causes: [{ reason: 'UnexpectedServerResponse', message }],
      }),
    ),
  patchNotApplicable: (message: string) =>
    new ApiError(failure(422, 'Invalid', message)),
  timeout: (message: string) => new ApiError(failure(504, 'Timeout', message)),
};

export function successStatus(t: Target, uid?: string): K8sStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    message: '',
    reason: '',
    details: { name: t.name, group: t.group, kind: t.plural, uid },
    code: 200,
  };
}
