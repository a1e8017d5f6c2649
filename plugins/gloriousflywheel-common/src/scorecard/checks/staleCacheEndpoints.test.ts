import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import {
  staleEndpointMatcher,
  staleEndpointRegExp,
  staleCacheEndpointsCheck,
  staleCacheEndpointsDocsCheck,
} from './staleCacheEndpoints';

const STALE = 'grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092';

describe('staleEndpointRegExp', () => {
  it.each([
    ['*.attic-cache-dev.*', STALE, true],
    ['*.attic-cache-dev.*', 'http://attic.nix-cache.svc.cluster.local', false],
    // `*.name.*` reads as the label name: the name alone is a host too
    ['*.attic-cache-dev.*', 'attic-cache-dev', true],
    ['/old-cache\\.example\\.com/', 'https://old-cache.example.com/main', true],
    ['/OLD/i', 'old', true],
  ])('%s on %s -> %s', (pattern, text, expected) => {
    expect(staleEndpointRegExp(pattern).test(text)).toBe(expected);
  });
});

describe('stale-cache-endpoints check', () => {
  it('passes when no live surface names a stale endpoint', () => {
    const result = evaluateCheck(staleCacheEndpointsCheck, {
      '.github/workflows/ci.yml': workflow('tinyland-nix'),
      '.bazelrc':
        'build --remote_cache=grpc://bazel-cache.nix-cache.svc.cluster.local:9092\n',
    });
    expect(result.verdict).toBe('pass');
  });

  it.each([
    ['.github/workflows/ci.yml', `env:\n  BAZEL_REMOTE_CACHE: ${STALE}\n`],
    ['.bazelrc', `build --remote_cache=${STALE}\n`],
    ['tools/ci.bazelrc', `build --remote_cache=${STALE}\n`],
    [
      'nix/cache.nix',
      `{ substituters = [ "http://attic.attic-cache-dev.svc/main" ]; }\n`,
    ],
    ['.env', `ATTIC_SERVER=http://attic.attic-cache-dev.svc.cluster.local\n`],
    [
      'deploy/prod.env',
      `ATTIC_SERVER=http://attic.attic-cache-dev.svc.cluster.local\n`,
    ],
    ['.gitlab-ci.yml', `variables:\n  BAZEL_REMOTE_CACHE: ${STALE}\n`],
  ])('fails on %s with file:line evidence', (path, text) => {
    const result = evaluateCheck(staleCacheEndpointsCheck, { [path]: text });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toHaveLength(1);
    expect(result.evidence[0]).toMatchObject({
      path,
      excerpt: expect.stringContaining('attic-cache-dev'),
    });
    expect(text.split('\n')[result.evidence[0].line! - 1]).toContain(
      'attic-cache-dev',
    );
  });

  it('ignores files outside the live surfaces (docs are the warning-level check)', () => {
    const result = evaluateCheck(staleCacheEndpointsCheck, {
      'docs/history/2025.md': `was ${STALE}\n`,
    });
    expect(result.verdict).toBe('pass');
  });

  it('uses the configured deny-list and surfaces', () => {
    const files = { 'deploy/org.yaml': 'url: https://cache.legacy.example\n' };
    expect(evaluateCheck(staleCacheEndpointsCheck, files).verdict).toBe('pass');
    const config = {
      staleEndpoints: ['*.legacy.example'],
      staleEndpointSurfaces: ['deploy/**'],
    };
    expect(
      evaluateCheck(staleCacheEndpointsCheck, files, { config }).verdict,
    ).toBe('fail');
  });
});

// issue 15: the stale name as a DNS label anywhere in a host
describe('stale endpoint names match whole DNS labels', () => {
  it.each([
    ['https://attic-cache-dev.example.internal/main', true],
    ['grpc://attic-cache-dev:9092', true],
    ['BAZEL_REMOTE_CACHE=grpc://bazel-cache.attic-cache-dev:9092', true],
    [STALE, true],
    ['endpoint: "attic-cache-dev"', true],
    ['http://ATTIC-CACHE-DEV.svc', true],
    ['https://my-attic-cache-dev.example', false],
    ['https://attic-cache-devel.example', false],
    ['ATTIC_CACHE_DEV_TOKEN=x', false],
    ['http://attic.nix-cache.svc.cluster.local', false],
  ])('attic-cache-dev in %s -> %s', (text, expected) => {
    expect(staleEndpointMatcher('attic-cache-dev').test(text)).toBe(expected);
    expect(staleEndpointMatcher('*.attic-cache-dev.*').test(text)).toBe(
      expected,
    );
  });

  it.each([
    [
      'config/organization-s3.example.yaml',
      'attic_server: https://attic-cache-dev.x/main\n',
    ],
    ['config/backends/dev.hcl', 'address = "http://attic-cache-dev:8080"\n'],
    [
      'tofu/stacks/attic/terraform.tfvars.example',
      'namespace = "attic-cache-dev"\n',
    ],
    ['.env.example', 'ATTIC_SERVER=http://attic.attic-cache-dev.svc\n'],
    [
      'examples/github/cache-backed-workflow.yml',
      `env: {BAZEL_REMOTE_CACHE: "${STALE}"}\n`,
    ],
  ])('reads %s, where the seeds say the drift lives', (path, text) => {
    const result = evaluateCheck(staleCacheEndpointsCheck, { [path]: text });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({ path, line: 1, verdict: 'fail' }),
    ]);
  });
});

describe('current cache endpoints (allow-list)', () => {
  const config = {
    cacheEndpoints: [
      'http://attic.nix-cache.svc.cluster.local/main',
      'grpc://bazel-cache.nix-cache.svc.cluster.local:9092',
    ],
  };
  it.each([
    ['ATTIC_SERVER: http://attic.nix-cache.svc.cluster.local/main', 'pass'],
    ['ATTIC_SERVER: http://attic.nix-cache/main', 'pass'],
    [
      'BAZEL_REMOTE_CACHE: grpc://bazel-cache.nix-cache.svc.cluster.local:9092',
      'pass',
    ],
    ['ATTIC_SERVER: https://attic.tinyland.dev/main', 'fail'],
    ['build --remote_cache=grpcs://cache.old-builds.net', 'fail'],
    ['substituters = https://attic-prod.tinyland.dev/main', 'fail'],
    [
      'substituters = https://cache.nixos.org https://nix-community.cachix.org',
      'pass',
    ],
    ['ATTIC_SERVER: http://localhost:8080', 'pass'],
    ['ATTIC_SERVER: ${{ vars.ATTIC_SERVER }}', 'pass'],
    // templated hosts and RFC 2606 placeholders are not judged
    ['ATTIC_SERVER: https://attic-cache.${KUBE_INGRESS_BASE_DOMAIN}', 'pass'],
    ['url: https://attic-cache-${CI_COMMIT_REF_SLUG}.${DOMAIN}', 'pass'],
    ['ATTIC_SERVER: "https://nix-cache.example.com"', 'pass'],
    ['ATTIC_SERVER: https://attic.cluster.test/main', 'pass'],
  ])('%s -> %s', (line, verdict) => {
    const files = {
      '.github/workflows/ci.yml': `${workflow(
        'tinyland-nix',
      )}env:\n  ${line}\n`,
    };
    expect(
      evaluateCheck(staleCacheEndpointsCheck, files, { config }).verdict,
    ).toBe(verdict);
    // without an allow-list only the deny-list counts
    expect(evaluateCheck(staleCacheEndpointsCheck, files).verdict).toBe('pass');
  });

  it('names the host that is not current', () => {
    const files = { '.env': 'ATTIC_SERVER=https://attic.tinyland.dev/main\n' };
    expect(
      evaluateCheck(staleCacheEndpointsCheck, files, { config }).evidence[0]
        .note,
    ).toBe(
      'Cache host attic.tinyland.dev is not one of the current cache endpoints',
    );
  });
});

describe('stale-cache-endpoints-docs check', () => {
  it.each([
    ['docs/infrastructure/overlay-creation.md', 'fail'],
    ['README.md', 'fail'],
    ['docs/research/2026-04-15-gap-matrix.md', 'pass'],
    ['docs/adr/0003-cache.md', 'pass'],
    ['src/notes.md', 'pass'],
  ])('%s naming the stale endpoint -> %s', (path, verdict) => {
    const result = evaluateCheck(staleCacheEndpointsDocsCheck, {
      [path]: `Point the overlay at ${STALE}.\n`,
    });
    expect(result.verdict).toBe(verdict);
  });

  it('is a warning and leaves live surfaces to the error-level check', () => {
    expect(staleCacheEndpointsDocsCheck.severity).toBe('warning');
    const files = { '.github/workflows/README.md': `${STALE}\n` };
    expect(evaluateCheck(staleCacheEndpointsDocsCheck, files).verdict).toBe(
      'pass',
    );
    expect(evaluateCheck(staleCacheEndpointsCheck, files).verdict).toBe('fail');
  });
});

describe('comments in live surfaces', () => {
  it.each([
    [
      '.gitlab-ci.yml',
      '# Default endpoint assumes the attic-cache-dev namespace\n',
      'pass',
    ],
    ['nix/cache.nix', '  # was http://attic.attic-cache-dev.svc\n', 'pass'],
    ['config/app.example.json5', '// attic-cache-dev was retired\n', 'pass'],
    ['.gitlab-ci.yml', `  BAZEL_REMOTE_CACHE: ${STALE} # old\n`, 'fail'],
  ])('%s: %j -> %s', (path, text, verdict) => {
    expect(
      evaluateCheck(staleCacheEndpointsCheck, { [path]: text }).verdict,
    ).toBe(verdict);
  });
});
