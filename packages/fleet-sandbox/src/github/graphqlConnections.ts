import { GraphQLError } from 'graphql';

function decodeCursor(cursor: unknown): [string | number, number] | undefined {
  if (typeof cursor !== 'string') return undefined;
  try {
    const text = Buffer.from(cursor, 'base64').toString('utf8');
    if (!text.startsWith('cursor:v2:')) return undefined;
    const v = JSON.parse(text.slice('cursor:v2:'.length));
    return Array.isArray(v) && v.length === 2
      ? (v as [string | number, number])
      : undefined;
  } catch {
    return undefined;
  }
}

const encodeCursor = (key: string | number, id: number) =>
  Buffer.from(`cursor:v2:${JSON.stringify([key, id])}`).toString('base64');

/** A connection over a short list in its given order (cursor = position). */
export function listConnection(nodes: any[], args: any) {
  return cursorPage(
    nodes.map((node, i) => ({
      key: [i, i] as [number, number],
      node: () => node,
    })),
    args,
    (a, b) => a[1] - b[1],
  );
}

/** first/last/after/before over items already in connection order; nodes are built only for the page. */
export function cursorPage(
  items: { key: [string | number, number]; node: () => unknown }[],
  args: any,
  cmp: (a: [string | number, number], b: [string | number, number]) => number,
) {
  const totalCount = items.length;
  const after = decodeCursor(args.after);
  const before = decodeCursor(args.before);
  if ((args.after && !after) || (args.before && !before))
    throw new GraphQLError(
      `\`${args.after ?? args.before}\` does not appear to be a valid cursor.`,
      { extensions: { type: 'INVALID_CURSOR_ARGUMENTS' } },
    );
  let all = items;
  if (after) all = all.filter(x => cmp(x.key, after) > 0);
  if (before) all = all.filter(x => cmp(x.key, before) < 0);
  let page = all;
  let hasNextPage = false;
  let hasPreviousPage = Boolean(after);
  if (typeof args.first === 'number') {
    page = all.slice(0, args.first);
    hasNextPage = all.length > args.first;
  } else if (typeof args.last === 'number') {
    page = all.slice(Math.max(0, all.length - args.last));
    hasPreviousPage = all.length > args.last;
    hasNextPage = Boolean(before);
  }
  const edges = page.map(x => ({
    cursor: encodeCursor(x.key[0], x.key[1]),
    node: x.node,
  }));
  return {
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    edges,
    nodes: () => page.map(x => x.node()),
  };
}
