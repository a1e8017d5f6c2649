#!/usr/bin/env node
// Stock-app check: can a platform team add the suite to a fresh Backstage app by following the READMEs?
//
//  1. Builds and packs the six publishable packages (`yarn pack`, as a publish would) and checks that
//     each tarball holds only built files and that its entry points lead into them.
//  2. Generates an app with `npx @backstage/create-app` at the version that makes the release in
//     backstage.json (new frontend system), plus the `--legacy` template's packages/app as the
//     workspace packages/app-legacy (legacy frontend system).
//     The packed gf-audit, installed with plain npm and run with `npx`, must print the same JSON and
//     exit code as the in-repository CLI on the fixture workflows and repositories.
//  3. Applies the install snippets of the READMEs, extracted from them (so README and check cannot
//     drift), then installs, type-checks (`yarn tsc` over the app, snippets included), builds both
//     frontends, starts the stock backend against the fleet sandbox and, in Chromium, signs in as
//     guest, opens Runner classes (the four tinyland classes) and a Component's Runners & dogfood
//     tab (its runner classes and scorecard), in both apps. Screenshots: docs/screenshots/stock-app-*.png.
//
// README convention. A fenced block is applied when its info string has `edit="..."`; `title` names the
// file, relative to the app's root:
//   ```sh title="app root" edit="run"        lines of `yarn --cwd <dir> add <package>...`, run in the app
//   ```ts title="<file>" edit="create"       the file's whole content (it must not exist yet)
//   ```yaml title="<file>" edit="append"     appended to the file
//   ```diff title="<file>" edit="patch"      a unified diff without line numbers: ' ' context, '-' removed,
//                                            '+' added lines (matched ignoring indentation); a hunk line
//                                            `@@ <text> @@` makes the next hunk start at the first line
//                                            containing <text>; hunks apply in order
// `app="legacy"` sends a block to the legacy app (packages/app/... becomes packages/app-legacy/...);
// other blocks go to the default app, and `yarn --cwd packages/app add` runs in both. Blocks without
// `edit` are illustrations and are not applied. READMEs: backend plugin, catalog module, frontend,
// applied in that order.
//
// Quirks of a fresh app, handled here and listed in the backend README's "Known issues with a fresh app":
//  - create-app cannot fetch its yarn.lock seed here, so the template's caret ranges would mix releases
//    (plugin-signals-backend 0.3.21 beside backend-defaults 0.18.0: `httpRouter.addWebSocketHandler is
//    not a function` at start-up). Every @backstage/* dependency of the app is pinned to the release
//    the packages are built against (examples/stock-app/backstage-versions.txt), what
//    `backstage-cli versions:bump` does with a release manifest it cannot reach here. The check then
//    requires one version of each @backstage/* package in the app's lock.
//  - node-gyp (better-sqlite3) cannot download Node's headers offline: npm_config_nodedir points at the
//    running Node's own (scripts/bootstrap.sh exports it when it installs Node 22 from npm).
//  - CI=true makes Yarn refuse to change a lockfile; a user adding packages does change it, so the
//    app's yarn runs with YARN_ENABLE_IMMUTABLE_INSTALLS=false.
//  - The packages are not on the registry: the app's root `resolutions` map their names to the packed
//    tarballs, and a README's `yarn add <name>` becomes `yarn add <name>@^<version>`.
//  - The sandbox stands in for the cluster and GitHub: a local config overlay (app-config.<app>.local.yaml,
//    the kind of file a developer keeps local settings in) replaces the README's cluster with the
//    sandbox's (TLS with the CA the sandbox makes at start, as caData), points the github.com
//    integration's API at the sandbox's, lists the catalog fixture examples/stock-app/catalog-info.yaml
//    and, for the legacy frontend, names its package (app.packageName) so the stock backend serves it.
//
// Cache: the generated app with its node_modules lives in
// ~/.cache/gloriousflywheel/stock-app-<create-app version>-<hash of what shapes its install>; a warm run
// restores the app's files to their generated state, keeps node_modules and yarn.lock, and re-adds
// only the tarballs; a frontend whose inputs did not change is not rebuilt. GF_STOCK_APP_CACHE moves it.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_DIRS = [
  'plugins/gloriousflywheel-common',
  'plugins/gloriousflywheel-node',
  'plugins/gloriousflywheel-backend',
  'plugins/catalog-backend-module-gloriousflywheel',
  'plugins/gloriousflywheel',
  'packages/gf-audit',
];
const FRONTEND_PACKAGES = [
  'plugins/gloriousflywheel',
  'plugins/gloriousflywheel-common',
];
const READMES = [
  'plugins/gloriousflywheel-backend/README.md',
  'plugins/catalog-backend-module-gloriousflywheel/README.md',
  'plugins/gloriousflywheel/README.md',
];
const FRONTEND_README = 'plugins/gloriousflywheel/README.md';
const PINS_FILE = 'examples/stock-app/backstage-versions.txt';
const CATALOG_FIXTURE = path.join(ROOT, 'examples/stock-app/catalog-info.yaml');
const FIXTURE_COMPONENT = { name: 'lab', classes: ['tinyland-nix'] };
const RUNNER_CLASSES = [
  'tinyland-nix',
  'tinyland-docker',
  'tinyland-dind',
  'tinyland-nix-heavy',
];
const APPS = [
  { id: 'new', dir: 'packages/app', label: 'new frontend system' },
  { id: 'legacy', dir: 'packages/app-legacy', label: 'legacy frontend system' },
];
const LOG_DIR = path.join(ROOT, '.gf/stock-app');
const CACHE_BASE =
  process.env.GF_STOCK_APP_CACHE ??
  path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
    'gloriousflywheel',
  );
const SHOTS = path.join(ROOT, 'docs/screenshots');
// Files of the app that a run may change and the next run must keep (install and build state).
const KEEP = new Set([
  'node_modules',
  'dist',
  'dist-types',
  '.gf-tarballs',
  'yarn.lock',
  '.git',
]);
const KEEP_YARN = new Set(['cache', 'install-state.gz', 'unplugged']);

const started = Date.now();
let lastLog; // log file of the step that failed, shown on failure
const say = msg =>
  console.log(
    `[stock-app] ${msg} (${Math.round((Date.now() - started) / 1000)} s)`,
  );
const sha256 = data => crypto.createHash('sha256').update(data).digest('hex');
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

class CheckError extends Error {}
const fail = msg => {
  throw new CheckError(msg);
};

/** Runs a command, output to a log file; rejects with the log's tail. */
function run(cmd, args, { cwd, env, log }) {
  const logFile = path.join(LOG_DIR, `${log}.log`);
  lastLog = logFile;
  const out = fs.openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    child.on('error', reject);
    child.on('exit', code => {
      fs.closeSync(out);
      if (code === 0) resolve(fs.readFileSync(logFile, 'utf8'));
      else
        reject(
          new CheckError(
            `\`${cmd} ${args.join(
              ' ',
            )}\` in ${cwd} exited ${code} (log: ${logFile})`,
          ),
        );
    });
  });
}

function tail(file, lines) {
  if (!file || !fs.existsSync(file)) return '';
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The packed CLI, as `npx @tinyland/gf-audit` runs it: installed from the tarballs with plain npm (the
// common package standing in for the registry's copy), no repository, no TypeScript transform.

const CLI_RUNS = [
  [
    'workflows',
    'plugins/gloriousflywheel-common/src/__fixtures__/workflows',
    '--json',
  ],
  [
    'repo',
    'plugins/gloriousflywheel-common/src/__fixtures__/repos/dogfood-gaps',
    '--json',
  ],
  [
    'repo',
    'plugins/gloriousflywheel-common/src/__fixtures__/repos/adopted',
    '--json',
  ],
];

/** Runs a CLI to the end; resolves with its exit code and output, whatever the code. */
function runCli(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('exit', code => resolve({ code, stdout, stderr }));
  });
}

async function checkPackedCli(tarballs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-audit-npx-'));
  try {
    const files = [
      '@tinyland/backstage-plugin-gloriousflywheel-common',
      '@tinyland/gf-audit',
    ].map(n => tarballs[n].file);
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--prefix',
        dir,
        ...files,
      ],
      { cwd: dir, log: 'gf-audit-npm-install' },
    );
    for (const args of CLI_RUNS) {
      const target = [args[0], path.join(ROOT, args[1]), ...args.slice(2)];
      const packed = await runCli(
        'npx',
        ['--no-install', 'gf-audit', ...target],
        dir,
      );
      const inRepo = await runCli(
        process.execPath,
        [path.join(ROOT, 'packages/gf-audit/bin/gf-audit'), ...target],
        ROOT,
      );
      const what = `gf-audit ${args.join(' ')}`;
      if (!packed.stdout.trim().startsWith('{'))
        fail(
          `${what} from the packed tarball printed no JSON (exit ${
            packed.code
          }): ${packed.stderr.slice(0, 400)}`,
        );
      if (packed.code !== inRepo.code)
        fail(
          `${what}: exit ${packed.code} from the tarball, ${inRepo.code} in the repository`,
        );
      // the scorecard's evaluatedAt is the time of the run, the one field two runs may not share
      const comparable = out =>
        JSON.stringify(JSON.parse(out), (k, v) =>
          k === 'evaluatedAt' ? undefined : v,
        );
      if (comparable(packed.stdout) !== comparable(inRepo.stdout)) {
        fail(
          `${what}: the packed CLI's JSON differs from the in-repository CLI's`,
        );
      }
    }
    say(
      `packed gf-audit (npx, plain Node ${process.versions.node}) gives the in-repository JSON for ${CLI_RUNS.length} runs`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// The app's environment (quirks: offline node-gyp headers, CI's immutable installs)

function appEnv() {
  const env = {
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_ENABLE_PROGRESS_BARS: 'false',
  };
  if (!process.env.npm_config_nodedir) {
    const nodeDir = path.resolve(
      path.dirname(fs.realpathSync(process.execPath)),
      '..',
    );
    if (fs.existsSync(path.join(nodeDir, 'include/node/node.h')))
      env.npm_config_nodedir = nodeDir;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------
// Pins: the Backstage release the packages are built against

/** name -> version to pin; a package listed twice may resolve to its second version too (allowed). */
function readPins() {
  const pins = {};
  const allowed = new Map();
  for (const line of fs
    .readFileSync(path.join(ROOT, PINS_FILE), 'utf8')
    .split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const at = l.lastIndexOf('@');
    const [name, version] = [l.slice(0, at), l.slice(at + 1)];
    pins[name] ??= version;
    if (!allowed.has(name)) allowed.set(name, new Set());
    allowed.get(name).add(version);
  }
  return { pins, allowed };
}

/** name -> set of versions of every @backstage/* package in a yarn.lock */
function lockedBackstageVersions(lockText) {
  const versions = new Map();
  const re = /^"(@backstage\/[^@"]+)@[^\n]*\n\s+version: ([^\n]+)/gm;
  for (let m; (m = re.exec(lockText)); ) {
    if (!versions.has(m[1])) versions.set(m[1], new Set());
    versions.get(m[1]).add(m[2].trim());
  }
  return versions;
}

function checkPinsMatchRepo(pins) {
  const repo = lockedBackstageVersions(
    fs.readFileSync(path.join(ROOT, 'yarn.lock'), 'utf8'),
  );
  const off = Object.entries(pins)
    .filter(([name, v]) => repo.has(name) && !repo.get(name).has(v))
    .map(
      ([name, v]) =>
        `${name}@${v} (repository: ${[...repo.get(name)].join(', ')})`,
    );
  if (off.length)
    fail(
      `${PINS_FILE} is not the release in the repository's yarn.lock: ${off.join(
        '; ',
      )}`,
    );
}

// ---------------------------------------------------------------------------------------------------
// create-app: the version that generates backstage.json's release

async function createAppVersionFor(release) {
  const memo = path.join(CACHE_BASE, `create-app-for-${release}`);
  if (fs.existsSync(memo)) return fs.readFileSync(memo, 'utf8').trim();
  const versions = JSON.parse(
    await run('npm', ['view', '@backstage/create-app', 'versions', '--json'], {
      cwd: ROOT,
      log: 'npm-view',
    }),
  ).filter(v => /^\d+\.\d+\.\d+$/.test(v));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-create-app-'));
  try {
    // newest first; a create-app release embeds the Backstage release it generates
    for (const v of versions.reverse().slice(0, 12)) {
      const out = await run(
        'npm',
        [
          'pack',
          `@backstage/create-app@${v}`,
          '--pack-destination',
          tmp,
          '--silent',
        ],
        {
          cwd: tmp,
          log: 'npm-pack-create-app',
        },
      );
      const tgz = path.join(tmp, out.trim().split('\n').pop());
      const pkg = await run(
        'tar',
        ['-xzOf', tgz, 'package/dist/package.json.cjs.js'],
        { cwd: tmp, log: 'tar' },
      );
      const made = /version = "([^"]+)"/.exec(pkg)?.[1];
      if (made === release) {
        fs.mkdirSync(CACHE_BASE, { recursive: true });
        fs.writeFileSync(memo, v);
        return v;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return fail(
    `no @backstage/create-app among the newest 12 generates Backstage ${release} (backstage.json)`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Packing

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(
      newest,
      e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs,
    );
  }
  return newest;
}

async function packAll(outDir) {
  // package builds bundle the declarations tsc emits into dist-types/; ./gf test has just run it
  const buildInfo = path.join(ROOT, 'dist-types/tsconfig.tsbuildinfo');
  const srcNewest = Math.max(
    ...PACKAGE_DIRS.map(d => newestMtime(path.join(ROOT, d, 'src'))),
  );
  if (!fs.existsSync(buildInfo) || fs.statSync(buildInfo).mtimeMs < srcNewest) {
    say('yarn tsc (declarations for the package builds)');
    // type errors are the type-check's to report; tsc still emits the declarations the builds need
    await run('yarn', ['tsc'], { cwd: ROOT, log: 'repo-tsc' }).catch(() =>
      say('yarn tsc reported type errors; packing what it emitted'),
    );
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const tarballs = {};
  for (const dir of PACKAGE_DIRS) {
    const pkgDir = path.join(ROOT, dir);
    const manifestFile = path.join(pkgDir, 'package.json');
    const manifest = fs.readFileSync(manifestFile, 'utf8');
    const { name, version } = JSON.parse(manifest);
    const base = path.basename(dir);
    try {
      await run('yarn', ['backstage-cli', 'package', 'build'], {
        cwd: pkgDir,
        log: `build-${base}`,
      });
      const tgz = path.join(outDir, `${base}.tgz`);
      await run('yarn', ['pack', '--out', tgz], {
        cwd: pkgDir,
        log: `pack-${base}`,
      });
      const hash = sha256(fs.readFileSync(tgz)).slice(0, 12);
      const file = path.join(outDir, `${base}-${hash}.tgz`);
      fs.renameSync(tgz, file);
      tarballs[name] = { name, version, dir, file, hash };
    } finally {
      // prepack rewrites package.json and postpack restores it: make sure it did
      if (fs.readFileSync(manifestFile, 'utf8') !== manifest) {
        fs.writeFileSync(manifestFile, manifest);
        fail(`${dir}/package.json was left changed by yarn pack (restored)`);
      }
      // the repository runs its packages from src/: a stale dist/ must not outlive the check
      fs.rmSync(path.join(pkgDir, 'dist'), { recursive: true, force: true });
    }
  }
  for (const t of Object.values(tarballs)) await verifyTarball(t);
  return tarballs;
}

/** Only built files, entry points into them, no workspace: ranges. */
async function verifyTarball({ name, file }) {
  const entries = (await run('tar', ['-tzf', file], { cwd: ROOT, log: 'tar' }))
    .trim()
    .split('\n');
  const files = new Set(entries.map(e => e.replace(/^package\//, '')));
  const manifest = JSON.parse(
    await run('tar', ['-xzOf', file, 'package/package.json'], {
      cwd: ROOT,
      log: 'tar',
    }),
  );
  const problems = [];
  for (const f of files) {
    const top = f.split('/')[0];
    if (
      ![
        'dist',
        'migrations',
        'proto',
        'bin',
        'config.schema.json',
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
      ].includes(top)
    ) {
      problems.push(`unexpected file ${f}`);
    }
  }
  const targets = [];
  const collect = v =>
    typeof v === 'string'
      ? targets.push(v)
      : v && typeof v === 'object' && Object.values(v).forEach(collect);
  collect([
    manifest.main,
    manifest.types,
    manifest.module,
    manifest.bin,
    manifest.exports,
    manifest.typesVersions,
    manifest.configSchema,
  ]);
  for (const t of targets) {
    if (t.startsWith('@backstage/')) continue; // export condition markers such as "@backstage/FrontendPlugin"
    const f = t.replace(/^\.\//, '');
    if (
      f !== 'package.json' &&
      !/^(dist|bin)\//.test(f) &&
      f !== 'config.schema.json'
    )
      problems.push(`entry point ${t} is not built output`);
    if (!files.has(f)) problems.push(`entry point ${t} is not in the tarball`);
  }
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (String(range).startsWith('workspace:'))
      problems.push(`dependency ${dep}@${range}`);
  }
  if (problems.length) fail(`${name} tarball: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------
// The generated app (cached)

function listFiles(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), {
    withFileTypes: true,
  })) {
    const r = path.join(rel, e.name);
    if (KEEP.has(e.name) || (rel === '.yarn' && KEEP_YARN.has(e.name)))
      continue;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out;
}

/** Puts the app's files back as generated (and pinned); install and build state stay. */
function restorePristine(appDir, pristineDir) {
  const pristine = new Set(listFiles(pristineDir));
  for (const f of listFiles(appDir))
    if (!pristine.has(f)) fs.rmSync(path.join(appDir, f));
  for (const f of pristine) {
    const from = path.join(pristineDir, f);
    const to = path.join(appDir, f);
    if (fs.existsSync(to) && fs.readFileSync(to).equals(fs.readFileSync(from)))
      continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

/** Pins every @backstage/* dependency of the app's workspaces to one release (versions:bump). */
function pinBackstage(appDir, pins) {
  const missing = new Set();
  for (const ws of [
    '.',
    'packages/app',
    'packages/app-legacy',
    'packages/backend',
  ]) {
    const file = path.join(appDir, ws, 'package.json');
    const pkg = readJson(file);
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(pkg[field] ?? {})) {
        if (!name.startsWith('@backstage/')) continue;
        if (pins[name]) pkg[field][name] = pins[name];
        else missing.add(name);
      }
    }
    writeJson(file, pkg);
  }
  if (missing.size)
    fail(
      `the stock app depends on ${[...missing].join(
        ', ',
      )}, which ${PINS_FILE} does not pin`,
    );
}

async function generateApp(cacheDir, createAppVersion, release, pins) {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  const env = { BACKSTAGE_APP_NAME: 'stock-app' }; // answers create-app's only prompt
  const npx = [
    '--yes',
    `@backstage/create-app@${createAppVersion}`,
    '--skip-install',
  ];
  await run('npx', [...npx, '--path', 'app'], {
    cwd: cacheDir,
    env,
    log: 'create-app',
  });
  await run('npx', [...npx, '--legacy', '--path', 'legacy-template'], {
    cwd: cacheDir,
    env,
    log: 'create-app-legacy',
  });
  const appDir = path.join(cacheDir, 'app');
  const made = readJson(path.join(appDir, 'backstage.json')).version;
  if (made !== release)
    fail(
      `create-app ${createAppVersion} generated Backstage ${made}, backstage.json says ${release}`,
    );
  // the legacy template's frontend becomes a second workspace of the same app: one install for both
  const legacyApp = path.join(appDir, 'packages/app-legacy');
  fs.cpSync(path.join(cacheDir, 'legacy-template/packages/app'), legacyApp, {
    recursive: true,
  });
  fs.rmSync(path.join(cacheDir, 'legacy-template'), {
    recursive: true,
    force: true,
  });
  const legacyPkg = readJson(path.join(legacyApp, 'package.json'));
  writeJson(path.join(legacyApp, 'package.json'), {
    ...legacyPkg,
    name: 'app-legacy',
  });
  pinBackstage(appDir, pins);
  fs.rmSync(path.join(appDir, '.git'), { recursive: true, force: true });
  const pristineDir = path.join(cacheDir, 'pristine');
  for (const f of listFiles(appDir)) {
    fs.mkdirSync(path.dirname(path.join(pristineDir, f)), { recursive: true });
    fs.copyFileSync(path.join(appDir, f), path.join(pristineDir, f));
  }
}

/** Everything that shapes the generated app and its install: a change makes a new cache entry. */
function cacheKey(createAppVersion) {
  return sha256(
    [
      createAppVersion,
      fs.readFileSync(path.join(ROOT, PINS_FILE), 'utf8'),
      generateApp,
      pinBackstage,
      appEnv,
    ]
      .map(String)
      .join('\n'),
  ).slice(0, 12);
}

async function withCacheLock(fn) {
  fs.mkdirSync(CACHE_BASE, { recursive: true });
  const lock = path.join(CACHE_BASE, 'stock-app.lock');
  const deadline = Date.now() + 20 * 60 * 1000;
  for (let told = false; ; ) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(
        fs.readFileSync(path.join(lock, 'pid'), {
          encoding: 'utf8',
          flag: 'a+',
        }),
      );
      let alive = false;
      try {
        // no pid yet: the holder is between mkdir and writing it, unless the lock is old
        alive =
          pid > 0
            ? process.kill(pid, 0)
            : Date.now() - fs.statSync(lock).mtimeMs < 60000;
      } catch {
        alive = false;
      }
      if (!alive) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        fail(`another stock-app check (pid ${pid}) holds ${lock}`);
      if (!told) say(`waiting for another stock-app check (pid ${pid})`);
      told = true;
      await new Promise(r => setTimeout(r, 5000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// README snippets

function readSnippets(readme) {
  const text = fs.readFileSync(path.join(ROOT, readme), 'utf8');
  const snippets = [];
  const fence = /^```(\S*)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m; (m = fence.exec(text)); ) {
    const attrs = Object.fromEntries(
      [...m[2].matchAll(/([\w-]+)="([^"]*)"/g)].map(a => [a[1], a[2]]),
    );
    if (!attrs.edit) continue;
    const where = `${readme}:${text.slice(0, m.index).split('\n').length}`;
    if (!['run', 'create', 'append', 'patch'].includes(attrs.edit))
      fail(`${where}: unknown edit="${attrs.edit}"`);
    if (attrs.edit !== 'run' && !attrs.title)
      fail(`${where}: edit="${attrs.edit}" needs title="<file>"`);
    snippets.push({
      where,
      lang: m[1],
      edit: attrs.edit,
      file: attrs.title,
      app: attrs.app,
      body: m[3],
    });
  }
  return snippets;
}

/** `yarn --cwd <dir> add <names>`, with our packages at their packed version and @backstage/* pinned. */
function addCommands(snippet, tarballs, pins) {
  const commands = [];
  for (const line of snippet.body.split('\n').map(l => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const m = /^yarn --cwd (\S+) add ((?:\S+ ?)+)$/.exec(line);
    if (!m)
      fail(
        `${snippet.where}: the check runs only \`yarn --cwd <dir> add <package>...\`, got: ${line}`,
      );
    const specs = m[2]
      .trim()
      .split(/\s+/)
      .map(name => {
        if (tarballs[name]) return `${name}@^${tarballs[name].version}`;
        if (pins[name]) return `${name}@${pins[name]}`;
        return fail(
          `${snippet.where}: ${name} is neither one of the packed packages nor pinned in ${PINS_FILE}`,
        );
      });
    const dirs = m[1] === 'packages/app' ? APPS.map(a => a.dir) : [m[1]];
    for (const dir of dirs) commands.push({ dir, specs });
  }
  return commands;
}

function parseHunks(snippet) {
  const hunks = [];
  let hunk;
  for (const raw of snippet.body.replace(/\n$/, '').split('\n')) {
    const header = /^@@(.*?)@@\s*$/.exec(raw);
    if (header || !hunk) {
      hunk = { anchor: header ? header[1].trim() : '', lines: [] };
      hunks.push(hunk);
      if (header) continue;
    }
    if (raw === '') hunk.lines.push({ op: ' ', text: '' });
    else if ('+- '.includes(raw[0]))
      hunk.lines.push({ op: raw[0], text: raw.slice(1) });
    else fail(`${snippet.where}: diff line without ' ', '+' or '-': ${raw}`);
  }
  return hunks.filter(h => h.lines.length);
}

function applyPatch(text, snippet) {
  const lines = text.split('\n');
  const same = (a, b) => a.trim() === b.trim();
  let cursor = 0;
  for (const hunk of parseHunks(snippet)) {
    let from = cursor;
    if (hunk.anchor) {
      from = lines.findIndex((l, i) => i >= cursor && l.includes(hunk.anchor));
      if (from < 0)
        fail(
          `${snippet.where}: ${snippet.file} has no line containing "${hunk.anchor}"`,
        );
    }
    const old = hunk.lines.filter(l => l.op !== '+');
    if (!old.length)
      fail(
        `${snippet.where}: a hunk needs context or removed lines to find its place`,
      );
    let at = -1;
    for (let i = from; i + old.length <= lines.length && at < 0; i++) {
      if (old.every((l, k) => same(lines[i + k], l.text))) at = i;
    }
    if (at < 0) {
      fail(
        `${snippet.where}: ${snippet.file} has no lines\n${old
          .map(l => `  ${l.text}`)
          .join('\n')}\n(after line ${from + 1})`,
      );
    }
    const replacement = [];
    let k = at;
    for (const l of hunk.lines) {
      if (l.op === '+') replacement.push(l.text);
      else {
        if (l.op === ' ') replacement.push(lines[k]);
        k++;
      }
    }
    lines.splice(at, old.length, ...replacement);
    cursor = at + replacement.length;
  }
  return lines.join('\n');
}

async function applyReadmes(appDir, tarballs, pins) {
  const applied = [];
  for (const readme of READMES) {
    for (const s of readSnippets(readme)) {
      if (s.edit === 'run') {
        for (const { dir, specs } of addCommands(s, tarballs, pins)) {
          say(`${s.where}: yarn --cwd ${dir} add ${specs.join(' ')}`);
          await run('yarn', ['--cwd', dir, 'add', ...specs], {
            cwd: appDir,
            env: appEnv(),
            log: `yarn-add-${path.basename(dir)}-${applied.length}`,
          });
          applied.push(s.where);
        }
        continue;
      }
      const rel =
        s.app === 'legacy'
          ? s.file.replace(/^packages\/app\//, 'packages/app-legacy/')
          : s.file;
      const file = path.join(appDir, rel);
      if (s.edit === 'create') {
        if (fs.existsSync(file))
          fail(`${s.where}: ${rel} already exists in a fresh app`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, s.body);
      } else if (!fs.existsSync(file)) {
        fail(`${s.where}: a fresh app has no ${rel}`);
      } else if (s.edit === 'append') {
        fs.appendFileSync(file, `\n${s.body}`);
      } else {
        fs.writeFileSync(
          file,
          applyPatch(fs.readFileSync(file, 'utf8'), { ...s, file: rel }),
        );
      }
      say(`${s.where}: ${s.edit} ${rel}`);
      applied.push(s.where);
    }
  }
  if (!applied.length) fail('no README snippet with edit="..." found');
  return applied;
}

/** Extension IDs the frontend README documents (its table). */
function documentedExtensionIds() {
  const text = fs.readFileSync(path.join(ROOT, FRONTEND_README), 'utf8');
  return [
    ...new Set(
      [
        ...text.matchAll(
          /^\| `([a-z-]+:gloriousflywheel(?:\/[a-z-]+)?)` +\|/gm,
        ),
      ].map(m => m[1]),
    ),
  ].sort();
}

// ---------------------------------------------------------------------------------------------------
// Build, start, look

function frontendBuildKey(appDir, app, tarballs) {
  const files = listFiles(path.join(appDir, app.dir)).sort();
  const lock = fs
    .readFileSync(path.join(appDir, 'yarn.lock'), 'utf8')
    .split('\n')
    .filter(l => !l.includes('.gf-tarballs'))
    .join('\n');
  const ours = Object.values(tarballs)
    .filter(t => FRONTEND_PACKAGES.includes(t.dir))
    .map(t => t.hash);
  return sha256(
    [
      ...files.map(
        f => `${f}:${sha256(fs.readFileSync(path.join(appDir, app.dir, f)))}`,
      ),
      sha256(fs.readFileSync(path.join(appDir, 'app-config.yaml'))),
      sha256(lock),
      ...ours,
    ].join('\n'),
  );
}

async function buildFrontend(appDir, app, tarballs) {
  const keyFile = path.join(appDir, app.dir, 'dist/.gf-build-key');
  const key = frontendBuildKey(appDir, app, tarballs);
  if (fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) {
    say(`${app.dir}: inputs unchanged since its last build, kept`);
    return;
  }
  say(`building ${app.dir} (${app.label})`);
  await run('yarn', ['build'], {
    cwd: path.join(appDir, app.dir),
    env: appEnv(),
    log: `build-${path.basename(app.dir)}`,
  });
  fs.writeFileSync(keyFile, key);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const processes = [];
function startProcess(name, cmd, args, { cwd, env }) {
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const proc = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  proc.logFile = logFile;
  proc.name = name;
  processes.push(proc);
  return proc;
}

async function stopAll() {
  for (const proc of processes.reverse()) {
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    const exited = new Promise(r => proc.once('exit', r));
    // SIGINT lets Backstage run its shutdown hooks
    try {
      process.kill(-proc.pid, 'SIGINT');
    } catch {
      continue;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 10000);
    await exited;
    clearTimeout(timer);
  }
}

async function waitForHttp(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      fail(
        `${proc.name} exited with code ${proc.exitCode} before it was ready`,
      );
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 500));
  }
  fail(`${proc.name} not ready at ${url} after ${timeoutMs / 1000} s`);
}

async function startSandbox() {
  const ports = {
    k8s: await freePort(),
    github: await freePort(),
    caches: await freePort(),
    grpc: await freePort(),
  };
  const caFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'gf-stock-ca-')),
    'k8s-ca.pem',
  );
  const proc = startProcess(
    'sandbox',
    process.execPath,
    [
      path.join(ROOT, 'packages/fleet-sandbox/bin/fleet-sandbox'),
      ...Object.entries(ports).flatMap(([k, v]) => [`--${k}-port`, String(v)]),
      '--ca-file',
      caFile,
    ],
    { cwd: ROOT },
  );
  await waitForHttp(
    `http://127.0.0.1:${ports.github}/_sandbox/github/app`,
    proc,
    60000,
  );
  // the CA is written before the Kubernetes API listens, and that starts before GitHub's
  return { ...ports, caData: fs.readFileSync(caFile, 'utf8') };
}

/** The backend of the stock app, serving the given frontend, against the sandbox. */
async function startBackend(appDir, app, sandbox) {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const overlay = {
    app: {
      baseUrl,
      ...(app.id === 'legacy' ? { packageName: 'app-legacy' } : {}),
    },
    backend: { baseUrl, listen: { port, host: '127.0.0.1' } },
    integrations: {
      github: [
        {
          host: 'github.com',
          apiBaseUrl: `http://127.0.0.1:${sandbox.github}`,
          token: 'ghp_sandbox_token',
        },
      ],
    },
    catalog: { locations: [{ type: 'file', target: CATALOG_FIXTURE }] },
    gloriousflywheel: {
      clusters: [
        {
          name: 'honey',
          url: `https://127.0.0.1:${sandbox.k8s}`,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'sandbox-k8s-token',
          caData: sandbox.caData,
          namespaces: ['arc-runners'],
        },
      ],
      github: { orgs: ['tinyland-inc'] },
    },
  };
  const configFile = path.join(appDir, `app-config.${app.id}.local.yaml`);
  fs.writeFileSync(configFile, JSON.stringify(overlay, null, 2));
  const proc = startProcess(
    `backend-${app.id}`,
    'yarn',
    [
      'backstage-cli',
      'package',
      'start',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    { cwd: path.join(appDir, 'packages/backend'), env: appEnv() },
  );
  await waitForHttp(`${baseUrl}/.backstage/health/v1/readiness`, proc, 180000);
  return { baseUrl, proc };
}

async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) fail(`guest sign-in on the backend answered ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** The README's policy replaced allow-all: a guest is a viewer and may not pause. */
async function checkGuestMayNotPause(baseUrl) {
  const res = await fetch(
    `${baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-nix/pause`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await guestToken(baseUrl)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: 'stock-app check: must be refused' }),
    },
  );
  if (res.status !== 403)
    fail(
      `a guest's pause answered ${res.status}, not 403: is the allow-all policy still in place?`,
    );
}

async function waitForEntity(baseUrl, name, timeoutMs) {
  const token = await guestToken(baseUrl);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/component/default/${name}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    if (r.ok) return;
    if (Date.now() > deadline)
      fail(
        `component:default/${name} not in the catalog after ${
          timeoutMs / 1000
        } s (${r.status})`,
      );
    await new Promise(r2 => setTimeout(r2, 500));
  }
}

async function launchBrowser() {
  const { chromium } = createRequire(path.join(ROOT, 'package.json'))(
    'playwright-core',
  );
  return chromium.launch({
    executablePath: process.env.GF_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

async function step(label, fn) {
  try {
    return await fn();
  } catch (e) {
    throw new CheckError(`${label}: ${e.message.split('\n')[0]}`);
  }
}

/** Signs in as guest, opens Runner classes and the Component's Runners & dogfood tab. */
async function lookAtApp(browser, app, baseUrl) {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
  });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  try {
    await step(`${app.label}: guest sign-in`, async () => {
      await page.goto(baseUrl);
      await page
        .getByRole('button', { name: /^enter$/i })
        .click({ timeout: 60000 });
    });
    await step(`${app.label}: Runner classes in the sidebar`, async () => {
      await page
        .getByRole('link', { name: 'Runner classes' })
        .first()
        .click({ timeout: 30000 });
      await page.waitForURL(/\/gloriousflywheel\/runner-classes$/, {
        timeout: 30000,
      });
    });
    for (const name of RUNNER_CLASSES) {
      await step(`${app.label}: Runner classes page shows ${name}`, () =>
        page
          .getByText(name, { exact: true })
          .first()
          .waitFor({ timeout: 60000 }),
      );
    }
    await page.screenshot({
      path: path.join(SHOTS, `stock-app-${app.id}-runner-classes.png`),
    });

    await step(
      `${app.label}: component ${FIXTURE_COMPONENT.name} in the catalog`,
      () => waitForEntity(baseUrl, FIXTURE_COMPONENT.name, 60000),
    );
    await page.goto(
      `${baseUrl}/catalog/default/component/${FIXTURE_COMPONENT.name}`,
    );
    await step(`${app.label}: Runners & dogfood tab`, async () => {
      await page
        .getByText('Runners & dogfood', { exact: true })
        .first()
        .click({ timeout: 60000 });
      await page.waitForURL(/\/runners$/, { timeout: 30000 });
    });
    // the first adoption scan starts about 15 s after the backend
    await step(`${app.label}: Runners & dogfood shows the scan`, async () => {
      const deadline = Date.now() + 120000;
      for (;;) {
        const shown = await page
          .getByText('Dogfood scorecard')
          .first()
          .waitFor({ timeout: 10000 })
          .then(
            () => true,
            () => false,
          );
        if (shown) break;
        if (Date.now() > deadline) throw new Error('no scorecard after 120 s');
        await page.reload();
      }
      for (const c of FIXTURE_COMPONENT.classes)
        await page
          .getByText(c, { exact: true })
          .first()
          .waitFor({ timeout: 30000 });
    });
    await page.screenshot({
      path: path.join(SHOTS, `stock-app-${app.id}-runners-and-dogfood.png`),
      fullPage: true,
    });

    if (app.id === 'new') {
      await step(
        `${app.label}: the README's permission policy refuses a guest's pause`,
        () => checkGuestMayNotPause(baseUrl),
      );
      await step(
        `${app.label}: extension IDs of the README exist in the app`,
        async () => {
          await page.goto(`${baseUrl}/visualizer/text`);
          await page
            .getByText('page:gloriousflywheel', { exact: false })
            .first()
            .waitFor({ timeout: 30000 });
          const text = await page.locator('body').innerText();
          const inApp = [
            ...new Set(
              [
                ...text.matchAll(/\b([a-z-]+:gloriousflywheel(?:\/[a-z-]+)?)/g),
              ].map(m => m[1]),
            ),
          ].sort();
          const documented = documentedExtensionIds();
          const missing = inApp.filter(id => !documented.includes(id));
          const stale = documented.filter(id => !inApp.includes(id));
          if (missing.length || stale.length) {
            throw new Error(
              `README table vs app: undocumented ${
                missing.join(', ') || '-'
              }; not in the app ${stale.join(', ') || '-'}`,
            );
          }
        },
      );
    }
    if (errors.length)
      fail(`${app.label}: page errors: ${errors.slice(0, 3).join(' | ')}`);
  } catch (e) {
    const shot = path.join(LOG_DIR, `failure-${app.id}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    throw new CheckError(
      `${e.message} (page ${page.url()}, screenshot ${shot})`,
    );
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const release = readJson(path.join(ROOT, 'backstage.json')).version;
  const { pins, allowed } = readPins();
  checkPinsMatchRepo(pins);
  const createAppVersion = await createAppVersionFor(release);
  const cacheDir = path.join(
    CACHE_BASE,
    `stock-app-${createAppVersion}-${cacheKey(createAppVersion)}`,
  );
  const appDir = path.join(cacheDir, 'app');
  const times = {};
  const timed = async (name, fn) => {
    const t = Date.now();
    const r = await fn();
    times[name] = Math.round((Date.now() - t) / 1000);
    return r;
  };

  return withCacheLock(async () => {
    for (const e of fs.readdirSync(CACHE_BASE)) {
      if (e.startsWith('stock-app-') && path.join(CACHE_BASE, e) !== cacheDir) {
        say(`removing the outdated cache ${e}`);
        fs.rmSync(path.join(CACHE_BASE, e), { recursive: true, force: true });
      }
    }
    const cold = !fs.existsSync(path.join(cacheDir, '.installed'));
    say(
      `create-app ${createAppVersion} (Backstage ${release}); ${
        cold ? 'cold: generating the app' : 'warm'
      } in ${cacheDir}`,
    );
    // the stock install runs while our packages build
    const install = (async () => {
      if (!cold) return;
      await timed('generate', () =>
        generateApp(cacheDir, createAppVersion, release, pins),
      );
      say('yarn install of the stock app (first run: a few minutes)');
      await timed('install', () =>
        run('yarn', ['install'], {
          cwd: appDir,
          env: appEnv(),
          log: 'yarn-install',
        }),
      );
      fs.writeFileSync(
        path.join(cacheDir, '.installed'),
        new Date().toISOString(),
      );
    })();
    say('building and packing the six packages');
    // both settle before a failure is reported: a pack must never be left half-done in the repository
    const [packed, installed] = await Promise.allSettled([
      timed('pack', () => packAll(path.join(LOG_DIR, 'tarballs'))),
      install,
    ]);
    for (const r of [packed, installed])
      if (r.status === 'rejected') throw r.reason;
    const tarballs = packed.value;
    say(
      `packed: ${Object.values(tarballs)
        .map(t => path.basename(t.file))
        .join(', ')}`,
    );
    await timed('cli', () =>
      step('packed gf-audit via npx', () => checkPackedCli(tarballs)),
    );

    restorePristine(appDir, path.join(cacheDir, 'pristine'));
    const tarballDir = path.join(appDir, '.gf-tarballs');
    fs.rmSync(tarballDir, { recursive: true, force: true });
    fs.mkdirSync(tarballDir);
    const rootPkg = readJson(path.join(appDir, 'package.json'));
    for (const t of Object.values(tarballs)) {
      fs.copyFileSync(t.file, path.join(tarballDir, path.basename(t.file)));
      rootPkg.resolutions[t.name] = `file:./.gf-tarballs/${path.basename(
        t.file,
      )}`;
    }
    writeJson(path.join(appDir, 'package.json'), rootPkg);

    await timed('readmes', () => applyReadmes(appDir, tarballs, pins));
    const mixed = [
      ...lockedBackstageVersions(
        fs.readFileSync(path.join(appDir, 'yarn.lock'), 'utf8'),
      ),
    ]
      .filter(([n, v]) => [...v].some(version => !allowed.get(n)?.has(version)))
      .map(([n, v]) => `${n} (${[...v].join(', ')})`);
    if (mixed.length)
      fail(
        `the app resolved versions of the release not in ${PINS_FILE}: ${mixed.join(
          ', ',
        )}`,
      );

    say(
      'yarn tsc in the app (the README snippets against the published types)',
    );
    await timed('tsc', () =>
      run('yarn', ['tsc'], { cwd: appDir, env: appEnv(), log: 'app-tsc' }),
    );
    await timed('build', async () => {
      for (const app of APPS) await buildFrontend(appDir, app, tarballs);
    });

    await timed('browser', async () => {
      const sandbox = await step('fleet sandbox', startSandbox);
      say(
        'starting the stock backend twice (one per frontend) against the sandbox',
      );
      const backends = await Promise.all(
        APPS.map(app =>
          step(`${app.label}: backend start`, () =>
            startBackend(appDir, app, sandbox),
          ),
        ),
      );
      const browser = await launchBrowser();
      try {
        for (const [i, app] of APPS.entries()) {
          say(`Chromium: ${app.label} at ${backends[i].baseUrl}`);
          lastLog = backends[i].proc.logFile;
          await lookAtApp(browser, app, backends[i].baseUrl);
        }
      } finally {
        await browser.close();
      }
    });
    await stopAll();
    say(
      `passed (${cold ? 'cold' : 'warm'}); seconds per phase: ${JSON.stringify(
        times,
      )}`,
    );
  });
}

main().catch(async e => {
  await stopAll().catch(() => {});
  console.error(
    `[stock-app] FAILED: ${e instanceof CheckError ? e.message : e.stack}`,
  );
  const backend =
    processes.find(
      p => p.name.startsWith('backend') && p.logFile === lastLog,
    ) ?? processes.find(p => p.name.startsWith('backend'));
  const shown = backend?.logFile ?? lastLog;
  if (shown) console.error(`--- last lines of ${shown}\n${tail(shown, 60)}`);
  console.error(
    `[stock-app] logs: ${LOG_DIR}; to start again from a newly generated app, delete ${CACHE_BASE}/stock-app-*`,
  );
  process.exitCode = 1;
});
