import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_SCORECARD_CONFIG,
  ScorecardConfig,
  WorkflowRunSummary,
  readScorecardConfig,
  runScorecard,
  WorkflowAnalysis,
  analyzeWorkflow,
  RemoteBlockFile,
  RemoteFileRead,
  gatherRemoteFiles,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  collectWorkflowFiles,
  readCheckout,
  readRepositoryFile,
  repositoryRootOf,
} from './checkout';
import { formatScorecard, formatWorkflowAnalyses } from './format';

/** Exit codes: 0 ok, 1 a scorecard check failed, 2 a file could not be analysed or bad usage. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_UNANALYSABLE = 2;

/** The config keys `--config` reads, wrapped for the usage text (from the defaults, so none is missed). */
function configKeyLines(indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const key of Object.keys(DEFAULT_SCORECARD_CONFIG)) {
    const word = `${key},`;
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line.replace(/,$/, ''));
  return lines.map(l => `${indent}${l}`).join('\n');
}

export const USAGE = `Usage:
  gf-audit workflows <file|dir>... [--json] [--config <file>] [--remote <owner/repo=dir>]... [--var <NAME=VALUE>]...
      Runner targets, Bazel and Nix use of every job. Exit 2 if a file does not parse.
  gf-audit repo [dir] [--json] [--config <file>] [--runs <file>] [--remote <owner/repo=dir>]... [--var <NAME=VALUE>]...
      The dogfood scorecard of a checkout. Exit 1 if any check fails.

Options:
  --json           machine-readable output
  --config <file>  YAML or JSON (or an app-config gloriousflywheel block), any of:
${configKeyLines('                   ')}
  --runs <file>    JSON array of latest default-branch runs {workflowPath, conclusion, url}
  --remote <owner/repo=dir>  follow remote building blocks of owner/repo from a local checkout
                   (repeatable; its files are read whatever ref the caller pins)
  --var <NAME=VALUE>  an Actions variable (vars.NAME) for runs-on and job if: (repeatable)
`;

class UsageError extends Error {}

/** What the analysis may read besides the files named: remote checkouts and variables. */
interface Surroundings {
  remotes: Map<string, string>;
  variables: Record<string, string>;
}

function parsePairs(
  values: string[] | undefined,
  what: string,
): [string, string][] {
  return (values ?? []).map(value => {
    const eq = value.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`${what} must look like NAME=VALUE: ${value}`);
    return [value.slice(0, eq), value.slice(eq + 1)];
  });
}

function readSurroundings(
  remote: string[] | undefined,
  vars: string[] | undefined,
): Surroundings {
  const remotes = new Map<string, string>();
  for (const [repo, dir] of parsePairs(remote, '--remote')) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo))
      throw new UsageError(`--remote needs owner/repo=dir: ${repo}`);
    remotes.set(repo.toLowerCase(), resolve(dir));
  }
  return { remotes, variables: Object.fromEntries(parsePairs(vars, '--var')) };
}

/** Reads a remote block from its `--remote` checkout; undefined for repositories not given. */
function remoteReader(s: Surroundings) {
  return (file: RemoteBlockFile): RemoteFileRead | undefined => {
    const dir = s.remotes.get(`${file.owner}/${file.repo}`.toLowerCase());
    if (!dir) return undefined;
    const text = readRepositoryFile(dir, file.path);
    return text === undefined ? { missing: true } : { text };
  };
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
}

const defaultIo: CliIo = {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  now: () => new Date(),
};

function loadConfig(file: string | undefined): ScorecardConfig {
  if (!file) return readScorecardConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read config ${file}: ${(e as Error).message}`);
  }
  try {
    // JSON is YAML, so one parser reads both.
    return readScorecardConfig(parseYaml(text));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

function loadRuns(file: string | undefined): WorkflowRunSummary[] | undefined {
  if (!file) return undefined;
  try {
    const runs = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(runs)) throw new Error('expected a JSON array');
    return runs as WorkflowRunSummary[];
  } catch (e) {
    throw new UsageError(`Cannot read runs ${file}: ${(e as Error).message}`);
  }
}

function workflowsCommand(
  paths: string[],
  json: boolean,
  config: ScorecardConfig,
  surroundings: Surroundings,
  io: CliIo,
): number {
  if (paths.length === 0)
    throw new UsageError(
      'gf-audit workflows needs at least one file or directory',
    );
  const { files, missing } = collectWorkflowFiles(paths);
  const analyses: WorkflowAnalysis[] = files.map(file => {
    const root = repositoryRootOf(file);
    const display = file.split(sep).join('/');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return {
        path: display,
        jobs: [],
        error: { message: (e as Error).message, line: 1, column: 1 },
      };
    }
    return analyzeWorkflow(display, text, {
      runnerClasses: config.runnerClasses,
      hostedLabels: config.hostedLabels,
      readFile: root ? path => readRepositoryFile(root, path) : undefined,
      readRemoteFile: remoteReader(surroundings),
      variables: surroundings.variables,
    });
  });
  for (const path of missing)
    io.stderr(`gf-audit: no such file or directory: ${path}\n`);
  io.stdout(
    json
      ? `${JSON.stringify({ files: analyses })}\n`
      : `${formatWorkflowAnalyses(analyses)}\n`,
  );
  return missing.length > 0 || analyses.some(a => a.error)
    ? EXIT_UNANALYSABLE
    : EXIT_OK;
}

function repoCommand(
  dir: string,
  json: boolean,
  config: ScorecardConfig,
  runs: WorkflowRunSummary[] | undefined,
  surroundings: Surroundings,
  io: CliIo,
): number {
  let snapshot;
  try {
    snapshot = readCheckout(resolve(dir), config);
  } catch (e) {
    throw new UsageError(
      `Cannot read checkout ${dir}: ${(e as Error).message}`,
    );
  }
  // Remote blocks are gathered the way the backend scan does, then analysed from the snapshot.
  const read = remoteReader(surroundings);
  const remoteFiles = gatherRemoteFiles(
    snapshot.files,
    [...surroundings.remotes.keys()].map(repo => repo.split('/')[0]),
    read,
    { runnerClasses: config.runnerClasses, hostedLabels: config.hostedLabels },
  );
  const scorecard = runScorecard(
    {
      ...snapshot,
      ...(runs && { latestRuns: runs }),
      blocks: { remoteFiles, variables: surroundings.variables },
    },
    { config, now: io.now() },
  );
  io.stdout(
    json ? `${JSON.stringify(scorecard)}\n` : `${formatScorecard(scorecard)}\n`,
  );
  return scorecard.checks.some(c => c.verdict === 'fail')
    ? EXIT_CHECK_FAILED
    : EXIT_OK;
}

/** Runs `gf-audit` with the given arguments and returns its exit code. */
export function runGfAudit(argv: string[], io: CliIo = defaultIo): number {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        config: { type: 'string' },
        runs: { type: 'string' },
        remote: { type: 'string', multiple: true },
        var: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    const config = loadConfig(values.config);
    const surroundings = readSurroundings(values.remote, values.var);
    if (command === 'workflows')
      return workflowsCommand(rest, values.json!, config, surroundings, io);
    if (command === 'repo') {
      if (rest.length > 1)
        throw new UsageError('gf-audit repo takes one directory');
      return repoCommand(
        rest[0] ?? '.',
        values.json!,
        config,
        loadRuns(values.runs),
        surroundings,
        io,
      );
    }
    throw new UsageError(
      command ? `Unknown command: ${command}` : 'Missing command',
    );
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(
      `gf-audit: ${message}\n${
        e instanceof UsageError ||
        (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
          ? `\n${USAGE}`
          : ''
      }`,
    );
    return EXIT_UNANALYSABLE;
  }
}
