import { Document, LineCounter, Node, parseAllDocuments } from 'yaml';
import type { WorkflowParseError } from './types';
import { firstDuplicateKey } from './yamlView';

/** A file's YAML as parsed, before any analysis: its one document (or why there is none) and lines. */
export interface ParsedFile {
  document?: Document;
  lineCounter: LineCounter;
  contents: Node | null;
  error?: WorkflowParseError;
  lines: string[];
}

/** The one place workflow and building-block files are parsed. */
function parseFile(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const lines = text.split(/\r?\n/);
  const docs = parseAllDocuments(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    // Checked below by firstDuplicateKey: yaml's own check is quadratic in a mapping's size.
    uniqueKeys: false,
  });
  const failed = (error: WorkflowParseError): ParsedFile => ({
    lineCounter,
    contents: null,
    error,
    lines,
  });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (!Array.isArray(docs)) {
    // An empty stream (a file of only comments) comes back as an EmptyStream.
    return { lineCounter, contents: null, lines };
  }
  for (const doc of docs) {
    const problem = doc.errors[0];
    const duplicate = firstDuplicateKey(doc);
    if (duplicate !== undefined && (!problem || duplicate < problem.pos[0])) {
      return failed({
        message: 'Map keys must be unique',
        ...position(duplicate),
      });
    }
    if (problem) {
      const message = problem.message.replace(
        / at line \d+, column \d+:?[\s\S]*$/,
        '',
      );
      return failed({ message, ...position(problem.pos[0]) });
    }
  }
  const nonEmpty = docs.filter(d => d.contents !== null);
  if (nonEmpty.length > 1) {
    return failed({
      message:
        'Source contains multiple YAML documents; a workflow file must hold exactly one',
      ...position(nonEmpty[1].range[0]),
    });
  }
  const document = nonEmpty[0] ?? docs[0];
  if (!document) return { lineCounter, contents: null, lines };
  return {
    document,
    lineCounter,
    contents: document.contents as Node | null,
    lines,
  };
}

interface CachedFiles {
  files: Map<string, ParsedFile>;
  /** Characters of text held, against the cache's limit. */
  chars: number;
  maxChars: number;
}

const FILES = new WeakMap<WorkflowParseCache, CachedFiles>();

/**
 * Workflow and building-block files parsed once, by their text, for every analysis given the same
 * cache in {@link WorkflowAnalysisOptions.parses}: a scan inspects repositories' workflows while
 * it finds their remote blocks and again for the scorecard, and parses each file once (identical
 * files in several repositories once in all). Work budgets stay per analysis. A parsed document
 * takes roughly 20 times its text in memory, so the cache holds at most `maxTextChars` characters
 * of text (default 4 Mi); files past that are parsed each time they are asked for.
 *
 * @public
 */
export class WorkflowParseCache {
  constructor(options?: { maxTextChars?: number }) {
    FILES.set(this, {
      files: new Map(),
      chars: 0,
      maxChars: options?.maxTextChars ?? 4 * 1024 * 1024,
    });
  }

  /** Files held. */
  get size(): number {
    return FILES.get(this)!.files.size;
  }
}

/** The parsed file, from the cache when one is given and holds it. */
export function parsedFile(
  text: string,
  cache: WorkflowParseCache | undefined,
): ParsedFile {
  const held = cache && FILES.get(cache);
  if (!held) return parseFile(text);
  let file = held.files.get(text);
  if (!file) {
    file = parseFile(text);
    if (held.chars + text.length <= held.maxChars) {
      held.files.set(text, file);
      held.chars += text.length;
    }
  }
  return file;
}
