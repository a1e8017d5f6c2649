// The documentation site (mkdocs.yml + docs/, published by TechDocs) stays honest: every page is in
// the nav and exists, every link, anchor and image resolves, every screenshot a page shows is
// written by a browser test, and the error messages the guides quote still exist in the source.
// Pure file checks: no browser, no portal, no Python.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = path.join(ROOT, 'docs');
// `yaml` as the gf-audit package declares it (the repository root declares no YAML parser)
const YAML = createRequire(path.join(ROOT, 'packages/gf-audit/package.json'))(
  'yaml',
);

const rel = p => path.relative(ROOT, p);
const read = p => fs.readFileSync(p, 'utf8');

function walk(dir, keep) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p, keep);
    return keep(p) ? [p] : [];
  });
}

function loadYaml(file) {
  const doc = YAML.parseDocument(read(file));
  assert.deepEqual(
    doc.errors.map(e => e.message),
    [],
    `${rel(file)} parses`,
  );
  return doc.toJS();
}

const mkdocs = loadYaml(path.join(ROOT, 'mkdocs.yml'));
const pages = walk(DOCS, p => p.endsWith('.md'));
const guides = pages.filter(p => path.dirname(p) === path.join(DOCS, 'guides'));

/** The nav's page paths, in order (entries are `Title: page.md` or `Title: [nested]`). */
function navPages(nav) {
  return nav.flatMap(item => {
    if (typeof item === 'string') return [item];
    return Object.values(item).flatMap(v =>
      Array.isArray(v) ? navPages(v) : [v],
    );
  });
}

/** Markdown with fenced code blocks and inline code spans blanked (their text is not markup). */
function proseOf(markdown) {
  return markdown
    .replace(/^( {0,3}|\t)(```|~~~)[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, '')
    .replace(/`[^`\n]+`/g, '``');
}

/** Link and image targets: inline `[x](t)` / `![x](t)`, reference definitions, `<img src>`. */
function linksOf(markdown) {
  const prose = proseOf(markdown);
  const out = [];
  for (const m of prose.matchAll(
    /(!?)\[(?:[^\]\n]|\][^(\n])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
  )) {
    out.push({ image: m[1] === '!', target: m[2] });
  }
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm))
    out.push({ image: false, target: m[1] });
  for (const m of prose.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g))
    out.push({ image: true, target: m[1] });
  return out;
}

/** Heading ids as Python-Markdown's toc extension makes them (MkDocs, TechDocs). */
function anchorsOf(markdown) {
  const seen = new Map();
  const ids = new Set();
  const text = markdown.replace(
    /^( {0,3}|\t)(```|~~~)[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm,
    '',
  );
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '');
    const slug = plain
      .normalize('NFKD')
      .replace(/[^\x00-\x7f]/g, '')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[-\s]+/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    ids.add(n ? `${slug}_${n}` : slug);
  }
  return ids;
}

/** Heading ids as GitHub renders a Markdown file (for links to the repository's files). */
function githubAnchorsOf(markdown) {
  const seen = new Map();
  const ids = new Set();
  const text = markdown.replace(
    /^( {0,3}|\t)(```|~~~)[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm,
    '',
  );
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    ids.add(n ? `${slug}-${n}` : slug);
  }
  return ids;
}

test('mkdocs.yml is a TechDocs site whose nav holds every page under docs/, and only existing ones', () => {
  assert.equal(typeof mkdocs.site_name, 'string');
  assert.ok(mkdocs.site_name.length > 0, 'site_name');
  assert.equal(mkdocs.docs_dir ?? 'docs', 'docs');
  assert.ok(
    (mkdocs.plugins ?? []).some(
      p =>
        p === 'techdocs-core' ||
        (typeof p === 'object' && p && 'techdocs-core' in p),
    ),
    'plugins include techdocs-core (what TechDocs builds with)',
  );
  assert.ok(Array.isArray(mkdocs.nav) && mkdocs.nav.length > 0, 'nav');
  const nav = navPages(mkdocs.nav);
  for (const page of nav) {
    assert.ok(
      fs.existsSync(path.join(DOCS, page)),
      `nav entry ${page} exists under docs/`,
    );
  }
  assert.equal(new Set(nav).size, nav.length, 'no page is twice in the nav');
  const missing = pages
    .map(p => path.relative(DOCS, p).split(path.sep).join('/'))
    .filter(p => !nav.includes(p));
  assert.deepEqual(missing, [], 'every page under docs/ is in the nav');
  for (const page of [
    'index.md',
    'guides/developer.md',
    'guides/platform-team.md',
    'guides/admin.md',
    'guides/installer.md',
  ]) {
    assert.ok(nav.includes(page), `the nav has ${page}`);
  }
});

test('catalog-info.yaml registers this repository with its TechDocs and the same GitHub slug as the site', () => {
  const file = path.join(ROOT, 'catalog-info.yaml');
  const docs = YAML.parseAllDocuments(read(file));
  for (const d of docs)
    assert.deepEqual(
      d.errors.map(e => e.message),
      [],
      'catalog-info.yaml parses',
    );
  const component = docs.map(d => d.toJS()).find(e => e?.kind === 'Component');
  assert.ok(component, 'a Component');
  assert.equal(component.apiVersion, 'backstage.io/v1alpha1');
  const annotations = component.metadata.annotations ?? {};
  const ref = annotations['backstage.io/techdocs-ref'];
  assert.match(
    ref ?? '',
    /^dir:/,
    'backstage.io/techdocs-ref is a dir: reference',
  );
  const siteDir = path.resolve(ROOT, ref.slice('dir:'.length));
  assert.ok(
    fs.existsSync(path.join(siteDir, 'mkdocs.yml')),
    `${ref} holds mkdocs.yml`,
  );
  const slug = annotations['github.com/project-slug'];
  assert.equal(
    `https://github.com/${slug}`,
    mkdocs.repo_url,
    'project slug and mkdocs repo_url name the same repository',
  );
  const pkgRepo = JSON.parse(
    read(path.join(ROOT, 'plugins/gloriousflywheel/package.json')),
  ).repository.url;
  assert.equal(
    pkgRepo,
    mkdocs.repo_url,
    'the packages name the same repository',
  );
  assert.ok(
    component.spec.owner && component.spec.lifecycle && component.spec.type,
    'spec.owner, lifecycle, type',
  );
});

test('every link, anchor and image in docs/ resolves', () => {
  const repoBlob = new RegExp(
    `^${mkdocs.repo_url.replace(
      /[.*+?^${}()|[\]\\]/g,
      '\\$&',
    )}/(?:blob|tree)/main/([^#?]+)`,
  );
  const problems = [];
  const anchorCache = new Map();
  const anchors = file => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(read(file)));
    return anchorCache.get(file);
  };
  let checked = 0;
  for (const page of pages) {
    for (const { target } of linksOf(read(page))) {
      checked++;
      const where = `${rel(page)}: ${target}`;
      const inRepo = repoBlob.exec(target);
      if (inRepo) {
        const file = path.join(ROOT, decodeURIComponent(inRepo[1]));
        const anchor = target.split('#')[1];
        if (!fs.existsSync(file))
          problems.push(`${where}: no such file in this repository`);
        else if (
          anchor &&
          file.endsWith('.md') &&
          !githubAnchorsOf(read(file)).has(anchor)
        ) {
          problems.push(`${where}: no heading #${anchor} in ${rel(file)}`);
        }
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // another site: not checked offline
      if (target.startsWith('/')) {
        problems.push(
          `${where}: absolute path (TechDocs serves the site under its own path)`,
        );
        continue;
      }
      const [file, anchor] = target.split('#');
      const resolved = file
        ? path.resolve(path.dirname(page), decodeURIComponent(file))
        : page;
      if (!resolved.startsWith(DOCS + path.sep)) {
        problems.push(
          `${where}: outside docs/, not part of the site (link to the file on GitHub instead)`,
        );
      } else if (!fs.existsSync(resolved)) {
        problems.push(`${where}: does not exist`);
      } else if (
        anchor &&
        resolved.endsWith('.md') &&
        !anchors(resolved).has(anchor)
      ) {
        problems.push(`${where}: no heading #${anchor} in ${rel(resolved)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 50, `links found (${checked}): the link parser works`);
});

test('every screenshot the docs show is written by a browser test, and every guide shows some', () => {
  const e2eSources = walk(
    path.join(ROOT, 'e2e'),
    p => p.endsWith('.mjs') && p !== fileURLToPath(import.meta.url),
  )
    .map(read)
    .join('\n');
  const screenshots = path.join(DOCS, 'screenshots');
  const problems = [];
  for (const page of pages) {
    const images = linksOf(read(page)).filter(
      l => l.image && !/^[a-z]+:/i.test(l.target),
    );
    const shots = images
      .map(l => path.resolve(path.dirname(page), l.target))
      .filter(p => p.startsWith(screenshots + path.sep));
    for (const shot of shots) {
      const name = `docs/screenshots/${path
        .relative(screenshots, shot)
        .split(path.sep)
        .join('/')}`;
      if (!e2eSources.includes(`'${name}'`))
        problems.push(`${rel(page)}: ${name} is written by no test in e2e/`);
    }
    if (guides.includes(page) && shots.length === 0)
      problems.push(`${rel(page)}: a guide without a screenshot`);
  }
  assert.deepEqual(problems, []);
  assert.equal(
    guides.length,
    4,
    'four guides: developer, platform team, admin, installer',
  );
});

// ---- quoted messages -------------------------------------------------------------------------

/**
 * String and template literals of a TypeScript source, each as a regex source (a template's
 * `${…}` parts match anything). Comments and regex literals are skipped.
 */
function literalsOf(src) {
  const out = [];
  const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const unescape = s =>
    s.replace(
      /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g,
      (_, c) => {
        if (c[0] === 'u' || c[0] === 'x')
          return String.fromCodePoint(parseInt(c.replace(/[ux{}]/g, ''), 16));
        return { n: '\n', t: '\t', r: '\r' }[c] ?? c;
      },
    );
  let i = 0;
  let prev = ''; // last significant character, to tell a regex literal from a division
  const skipString = q => {
    let s = '';
    for (i++; i < src.length && src[i] !== q; i++)
      s += src[i] === '\\' ? src[i] + src[++i] : src[i];
    i++;
    return s;
  };
  const template = () => {
    // at the opening backtick; returns the regex source of this template
    let re = '';
    let chunk = '';
    for (i++; i < src.length && src[i] !== '`'; ) {
      if (src[i] === '\\') {
        chunk += src[i] + src[i + 1];
        i += 2;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        re += escape(unescape(chunk)) + '[\\s\\S]*';
        chunk = '';
        i += 2;
        code(1);
      } else chunk += src[i++];
    }
    i++;
    return re + escape(unescape(chunk));
  };
  const code = depth => {
    // scans code until the brace that closes `depth` (0: to the end)
    while (i < src.length) {
      const c = src[i];
      if (c === '/' && src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i++;
      } else if (c === '/' && src[i + 1] === '*') {
        i = src.indexOf('*/', i + 2) + 2 || src.length;
      } else if (
        c === '/' &&
        (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev))
      ) {
        for (i++; i < src.length && src[i] !== '/'; i++) {
          if (src[i] === '\\') i++;
          else if (src[i] === '[')
            while (++i < src.length && src[i] !== ']') if (src[i] === '\\') i++;
        }
        i++;
        prev = 'r';
      } else if (c === "'" || c === '"') {
        out.push(escape(unescape(skipString(c))));
        prev = 's';
      } else if (c === '`') {
        out.push(template());
        prev = 's';
      } else if (c === '{') {
        depth && depth++;
        i++;
        prev = c;
      } else if (c === '}') {
        i++;
        prev = c;
        if (depth && --depth === 0) return;
      } else {
        if (!/\s/.test(c)) prev = c;
        i++;
      }
    }
  };
  code(0);
  return out;
}

test('the error messages the guides quote are the ones the code produces', () => {
  const sources = [
    ...walk(
      path.join(ROOT, 'plugins'),
      p => /\/src\/.*\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p),
    ),
    ...walk(
      path.join(ROOT, 'packages/backend/src'),
      p => /\.ts$/.test(p) && !/\.test\.ts$/.test(p),
    ),
  ];
  const templates = sources
    .flatMap(f => literalsOf(read(f)))
    .map(re => re.trim())
    // at least some fixed text: `${a}: ${b}` alone would match anything
    .filter(
      re => re.replace(/\[\\s\\S\]\*/g, '').replace(/\\(.)/g, '$1').length >= 8,
    )
    .map(re => new RegExp(`^${re}$`));
  assert.ok(
    templates.length > 200,
    `string literals found in the sources (${templates.length}): the scanner works`,
  );

  const problems = [];
  let quoted = 0;
  for (const page of guides) {
    const lines = read(page).split('\n');
    for (let n = 0; n < lines.length; n++) {
      // a table whose first column is headed "message": each row quotes one message, `<x>` = variable
      if (!/^\|\s*message\s*\|/i.test(lines[n])) continue;
      for (n += 2; n < lines.length && lines[n].startsWith('|'); n++) {
        const cell = lines[n].split('|')[1];
        const code = /`([^`]+)`/.exec(cell);
        if (!code) {
          problems.push(
            `${rel(page)}:${n + 1}: a message row without a quoted message`,
          );
          continue;
        }
        quoted++;
        const message = code[1].replace(/<[^<>]+>/g, 'X');
        if (!templates.some(t => t.test(message)))
          problems.push(
            `${rel(page)}:${n + 1}: "${code[1]}" is in no source file`,
          );
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(quoted >= 10, `messages quoted by the guides (${quoted})`);
});
