import { findInvocations } from '../../workflows/shellScript';
import { ScorecardContext } from '../types';
import { fileLines } from './workflowErrors';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);
// How a run: step may anchor a path at the checkout; the rest is repo-relative already.
const WORKSPACE_PREFIX =
  /^(?:\$\{?GITHUB_WORKSPACE\}?\/|\$\{\{\s*github\.workspace\s*\}\}\/|\.\/)+/;

/** A repository script a `run:` script calls, with the arguments it passes. */
export interface ScriptCall {
  /** Repo-relative path, e.g. `scripts/bazel-cache-backed.sh`. */
  path: string;
  args: string[];
  /** 0-based line within the script. */
  line: number;
}

/** A repo-relative path for a program word, or undefined when it is not one (a command, `$VAR`). */
function repoPath(word: string | undefined): string | undefined {
  if (!word) return undefined;
  const path = word.replace(WORKSPACE_PREFIX, '');
  if (path === word && !word.includes('/')) return undefined;
  if (path.startsWith('/') || path.includes('$') || path.includes('..'))
    return undefined;
  return path;
}

/** The repository scripts a `run:` script executes, directly, through `bash x.sh` or a launcher. */
export function scriptCalls(run: string): ScriptCall[] {
  const calls: ScriptCall[] = [];
  for (const inv of findInvocations(run)) {
    if (SHELLS.has(inv.program)) {
      const [first, ...rest] = inv.args;
      const path = first?.startsWith('-') ? undefined : repoPath(first);
      if (path) calls.push({ path, args: rest, line: inv.line });
      continue;
    }
    const path = repoPath(inv.program);
    if (path) calls.push({ path, args: inv.args, line: inv.line });
  }
  return calls;
}

/** The configured preflight (`scripts/x.sh --strict`) as a path and the arguments it needs. */
export function preflightCommand(
  command: string,
): { path: string; args: string[] } | undefined {
  const [script, ...args] = command.trim().split(/\s+/);
  const path = repoPath(script) ?? script;
  return path ? { path, args } : undefined;
}

/** Whether a call runs the preflight with all the arguments it needs (`--strict`). */
export function isPreflightCall(
  call: ScriptCall,
  preflight: { path: string; args: string[] },
): boolean {
  return (
    call.path === preflight.path &&
    preflight.args.every(a => call.args.includes(a))
  );
}

/** Conditions that are always true for a step that is reached at all. */
const ALWAYS =
  /^(?:\$\{\{\s*)?(?:always\(\)|success\(\)|!\s*cancelled\(\)|true)(?:\s*\}\})?$/;

/**
 * What a step's own keys say, read from the workflow text at the step's first line: its `if:`
 * (when it can make the step not run) and whether it sets `working-directory`.
 */
export function stepKeys(
  context: ScorecardContext,
  path: string,
  stepLine: number,
): { condition?: string; workingDirectory: boolean } {
  const lines = fileLines(context, path);
  const first = lines[stepLine - 1] ?? '';
  const head = /^(\s*)(-\s+)?/.exec(first)!;
  const indent = head[0].length;
  const keys: { condition?: string; workingDirectory: boolean } = {
    workingDirectory: false,
  };
  const read = (text: string) => {
    const m = /^(if|working-directory)\s*:\s*(.*?)\s*$/.exec(text);
    if (!m) return;
    if (m[1] === 'working-directory') keys.workingDirectory = true;
    else {
      const value = m[2].replace(/^(['"])(.*)\1$/, '$2');
      if (!ALWAYS.test(value)) keys.condition = value || '(block)';
    }
  };
  const flow = /^\{(.*)\}\s*$/.exec(first.slice(indent));
  if (flow) {
    for (const part of flow[1].split(',')) read(part.trim());
    return keys;
  }
  read(first.slice(indent));
  for (let i = stepLine; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const lead = /^\s*/.exec(text)![0].length;
    if (lead < indent) break;
    if (lead === indent) read(text.slice(indent));
  }
  return keys;
}
