import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import {
  staleEndpointRegExp,
  staleCacheEndpointsCheck,
} from './staleCacheEndpoints';

const STALE = 'grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092';

describe('staleEndpointRegExp', () => {
  it.each([
    ['*.attic-cache-dev.*', STALE, true],
    ['*.attic-cache-dev.*', 'http://attic.nix-cache.svc.cluster.local', false],
    ['*.attic-cache-dev.*', 'attic-cache-dev', false],
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

  it('ignores files outside the live surfaces (archived notes)', () => {
    const result = evaluateCheck(staleCacheEndpointsCheck, {
      'docs/history/2025.md': `was ${STALE}\n`,
    });
    expect(result.verdict).toBe('pass');
  });

  it('uses the configured deny-list and surfaces', () => {
    const files = { 'config/org.yaml': 'url: https://cache.legacy.example\n' };
    expect(evaluateCheck(staleCacheEndpointsCheck, files).verdict).toBe('pass');
    const config = {
      staleEndpoints: ['*.legacy.example'],
      staleEndpointSurfaces: ['config/**'],
    };
    expect(
      evaluateCheck(staleCacheEndpointsCheck, files, { config }).verdict,
    ).toBe('fail');
  });
});
