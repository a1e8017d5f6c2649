/**
 * Just enough of POSIX shell to find which programs a `run:` script invokes: quotes, escapes,
 * comments, line continuations, `&&`/`||`/`;`/`|` chains, subshells, command substitution and
 * heredoc bodies (which are data, not commands).
 */

/** One simple command of a script. */
export interface ShellCommand {
  words: string[];
  /** 0-based line of the script where the command starts. */
  line: number;
}

const HEREDOC = /^<<(-?)\s*(['"]?)([A-Za-z_][\w.-]*)\2/;

export function splitShellCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let startLine = 0;
  let line = 0;
  let dropNextWord = false;
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  const endWord = () => {
    if (inWord) {
      if (dropNextWord) dropNextWord = false;
      else {
        if (words.length === 0) startLine = line;
        words.push(word);
      }
    }
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, line: startLine });
    words = [];
    dropNextWord = false;
  };
  const startWord = () => {
    if (!inWord && words.length === 0 && !dropNextWord) startLine = line;
    inWord = true;
  };

  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        line++;
        i += 2;
        continue;
      }
      startWord();
      word += script[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      startWord();
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? n : end;
      const text = script.slice(i + 1, stop);
      word += text;
      line += text.split('\n').length - 1;
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      startWord();
      i++;
      while (i < n && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < n) {
          word += script[i + 1];
          if (script[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (script[i] === '\n') line++;
        word += script[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      endCommand();
      line++;
      i++;
      // Heredoc bodies are data: skip them whole.
      for (const heredoc of pendingHeredocs.splice(0)) {
        while (i < n) {
          const eol = script.indexOf('\n', i);
          const stop = eol === -1 ? n : eol;
          let text = script.slice(i, stop);
          if (heredoc.stripTabs) text = text.replace(/^\t+/, '');
          i = stop + 1;
          line++;
          if (text.trim() === heredoc.delimiter) break;
        }
      }
      continue;
    }
    if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      const match = HEREDOC.exec(script.slice(i));
      if (match) {
        endWord();
        pendingHeredocs.push({
          delimiter: match[3],
          stripTabs: match[1] === '-',
        });
        i += match[0].length;
        continue;
      }
    }
    if (c === '>' || c === '<') {
      // A redirection: its operator, any fd number before it and its target are not words.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
      while (
        i < n &&
        (script[i] === '>' || script[i] === '<' || script[i] === '|')
      )
        i++;
      if (script[i] === '&') {
        i++;
        while (i < n && /[\d-]/.test(script[i])) i++;
      } else dropNextWord = true;
      continue;
    }
    if (c === '$' && script[i + 1] === '(' && script[i + 2] !== '(') {
      endCommand();
      i += 2;
      continue;
    }
    if (c === '$' && script[i + 1] === '{') {
      // Parameter expansion, possibly a `${{ github }}` expression: part of the word.
      startWord();
      const end = script.indexOf('}', i);
      const stop = end === -1 ? n : end + (script[end + 1] === '}' ? 2 : 1);
      word += script.slice(i, stop);
      i = stop;
      continue;
    }
    if (
      c === ';' ||
      c === '&' ||
      c === '|' ||
      c === '(' ||
      c === ')' ||
      c === '`'
    ) {
      endCommand();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    startWord();
    word += c;
    i++;
  }
  endCommand();
  return commands;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  '!',
  '{',
  '}',
  'time',
  'exec',
  'command',
  'builtin',
  'nohup',
]);
const SUDO_OPTIONS_WITH_ARG = new Set([
  '-u',
  '-g',
  '-C',
  '-D',
  '-h',
  '-p',
  '-r',
  '-t',
  '-U',
  '-T',
]);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);

/** The command word of an invocation and its arguments, once wrappers and prefixes are peeled. */
interface Invocation {
  program: string;
  args: string[];
}

function peel(words: string[], depth: number): Invocation[] {
  // An index, not `rest` copies: copying per peeled word is quadratic on `x=1 x=1 ...` lines.
  let i = 0;
  for (;;) {
    if (i >= words.length) return [];
    const head = words[i];
    if (KEYWORDS.has(head) || ASSIGNMENT.test(head)) {
      i++;
      continue;
    }
    if (
      head === 'sudo' ||
      head === 'env' ||
      head === 'nice' ||
      head === 'stdbuf' ||
      head === 'xvfb-run'
    ) {
      let j = i + 1;
      while (
        j < words.length &&
        (words[j].startsWith('-') ||
          (head === 'env' && ASSIGNMENT.test(words[j])))
      ) {
        if (
          (head === 'sudo' && SUDO_OPTIONS_WITH_ARG.has(words[j])) ||
          (head !== 'sudo' && /^-[nuS]$/.test(words[j]))
        )
          j++;
        j++;
      }
      i = j;
      continue;
    }
    if (head === 'timeout') {
      let j = i + 1;
      while (j < words.length && words[j].startsWith('-'))
        j += /^-(s|k)$/.test(words[j]) ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (head === 'direnv' && words[i + 1] === 'exec') {
      i += 3;
      continue;
    }
    const rest = words.slice(i + 1);
    const inner = depth < 4 ? innerInvocations(head, rest, depth) : [];
    return [{ program: head, args: rest }, ...inner];
  }
}

/** Programs run by launchers: `nix develop --command`, `nix-shell --run`, `bash -c`. */
function innerInvocations(
  program: string,
  args: string[],
  depth: number,
): Invocation[] {
  if (program === 'nix' && (args[0] === 'develop' || args[0] === 'shell')) {
    const at = args.findIndex(a => a === '--command' || a === '-c');
    return at === -1 ? [] : peel(args.slice(at + 1), depth + 1);
  }
  if (program === 'nix' && args[0] === 'run') {
    // `nix run nixpkgs#bazelisk -- build //...` runs Bazel itself.
    const installable = args.slice(1).find(a => !a.startsWith('-'));
    const separator = args.indexOf('--');
    if (
      installable &&
      separator !== -1 &&
      /#bazel(isk)?(_\d+)?$/.test(installable)
    ) {
      return [{ program: 'bazel', args: args.slice(separator + 1) }];
    }
    return [];
  }
  if (program === 'nix-shell') {
    const at = args.findIndex(a => a === '--run' || a === '--command');
    return at === -1 || at + 1 >= args.length
      ? []
      : scriptInvocations(args[at + 1], depth + 1);
  }
  if (SHELLS.has(program) || program === 'eval') {
    if (program === 'eval') return scriptInvocations(args.join(' '), depth + 1);
    const at = args.findIndex(a => /^-[a-z]*c[a-z]*$/.test(a));
    return at === -1 || at + 1 >= args.length
      ? []
      : scriptInvocations(args[at + 1], depth + 1);
  }
  return [];
}

function scriptInvocations(script: string, depth: number): Invocation[] {
  return splitShellCommands(script).flatMap(c => peel(c.words, depth));
}

/** A program a script runs, with the script line it starts on. */
export interface ScriptInvocation extends Invocation {
  line: number;
}

/** Every program the script invokes, wrappers included (`nix develop` and the `bazel` it runs). */
export function findInvocations(script: string): ScriptInvocation[] {
  return splitShellCommands(script).flatMap(command =>
    peel(command.words, 0).map(inv => ({ ...inv, line: command.line })),
  );
}

/** A direct Bazel invocation found in a script. */
export interface BazelInvocation {
  subcommand: string;
  /** 0-based line within the script. */
  line: number;
}

function programName(program: string): string {
  // Absolute paths name the real binary; relative ones (./tools/bazel) are repo wrapper scripts.
  return program.startsWith('/')
    ? program.slice(program.lastIndexOf('/') + 1)
    : program;
}

/** `bazel`/`bazelisk` run with a subcommand, directly or through a launcher. */
export function findBazelInvocations(script: string): BazelInvocation[] {
  return bazelInvocations(findInvocations(script));
}

/** The Bazel runs among a script's invocations (`findInvocations`), to read a script once. */
export function bazelInvocations(
  invocations: readonly ScriptInvocation[],
): BazelInvocation[] {
  const found: BazelInvocation[] = [];
  for (const inv of invocations) {
    const name = programName(inv.program);
    if (name !== 'bazel' && name !== 'bazelisk') continue;
    const subcommand = inv.args.find(a => !a.startsWith('-'));
    if (subcommand && /^[a-z][a-z_-]*$/.test(subcommand)) {
      found.push({ subcommand, line: inv.line });
    }
  }
  return found;
}

const NIX_PROGRAMS = new Set([
  'nix-shell',
  'nix-build',
  'nix-instantiate',
  'nix-env',
  'attic',
]);

/** Whether the invocation is a Nix CLI or Attic command (`nix <cmd>`, `nix-shell`, `attic`, ...). */
export function isNixInvocation(inv: Invocation): boolean {
  const name = programName(inv.program);
  if (name === 'nix') return inv.args.some(a => !a.startsWith('-'));
  return NIX_PROGRAMS.has(name);
}

/** Whether the invocation pushes to or configures a binary cache (`attic`, `cachix`). */
export function isCacheInvocation(inv: Invocation): boolean {
  const name = programName(inv.program);
  return name === 'attic' || name === 'cachix';
}

const NIX_INSTALLER_URL =
  /install\.determinate\.systems\/nix|nixos\.org\/nix\/install|releases\.nixos\.org\/nix\/[^\s]*install/;

/** Whether the script downloads and runs a Nix installer. */
export function runsNixInstaller(script: string): boolean {
  return NIX_INSTALLER_URL.test(script);
}
