import { Config, ConfigReader } from '@backstage/config';
import { FleetConfig } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import {
  readAdoptionConfig,
  WEBHOOK_SECRET_MIN_LENGTH,
} from './AdoptionConfig';
import { GitHubAccess } from './GitHubClient';

/** As plugin.ts does: the fleet's config read first, the adoption keys with it. */
const readBoth = (config: Config) =>
  readAdoptionConfig(config, FleetConfig.fromConfig(config));
const read = (gloriousflywheel: object) =>
  readBoth(new ConfigReader({ gloriousflywheel }));
const SECRET = 'f3a9c1e07b5d42e8a6c1';

describe('readAdoptionConfig', () => {
  it('applies defaults', () => {
    const c = read({});
    expect(c).toMatchObject({
      orgs: [],
      host: 'github.com',
      includeForks: false,
      includeArchived: false,
      emitComponents: false,
      tranches: [],
      schedule: { frequency: { minutes: 30 } },
    });
    expect(c.webhookSecret).toBeUndefined();
    expect(c.scorecard.exceptionsPath).toBe(
      '.github/gloriousflywheel-exceptions.yaml',
    );
  });

  it('reads the github, scorecard, tranche and schedule keys', () => {
    const c = read({
      github: {
        orgs: ['tinyland-inc'],
        host: '127.0.0.1:7102',
        includeArchived: true,
        webhookSecret: SECRET,
        emitComponents: true,
      },
      scorecard: {
        exceptionsFile: '.github/exceptions.yml',
        staleEndpoints: ['*.old.*'],
      },
      runnerClasses: [
        { name: 'big', capabilities: ['nix'], owner: 'group:default/x' },
      ],
      tranches: [{ name: 'first', repos: ['tinyland-inc/lab'] }],
      schedule: {
        adoptionScan: { frequency: { minutes: 5 }, timeout: { minutes: 4 } },
      },
    });
    expect(c).toMatchObject({
      orgs: ['tinyland-inc'],
      host: '127.0.0.1:7102',
      includeArchived: true,
      webhookSecret: SECRET,
      emitComponents: true,
    });
    expect(c.scorecard).toMatchObject({
      exceptionsPath: '.github/exceptions.yml',
      staleEndpoints: ['*.old.*'],
    });
    expect(c.scorecard.runnerClasses).toEqual([
      expect.objectContaining({ name: 'big', labels: ['big'] }),
    ]);
    expect(c.tranches[0]).toMatchObject({
      name: 'first',
      repos: ['tinyland-inc/lab'],
    });
    expect(c.schedule.frequency).toEqual({ minutes: 5 });
  });

  describe('migrationPullRequests', () => {
    const prs = (migrationPullRequests?: object) =>
      read({ github: { migrationPullRequests } }).migrationPullRequests;

    it('defaults to the gloriousflywheel-migration label, 10 per repository', () => {
      expect(prs()).toEqual({
        labels: ['gloriousflywheel-migration'],
        headBranches: [],
        limit: 10,
      });
    });

    it('reads labels or head-branch globs', () => {
      expect(prs({ labels: ['migration', 'ci'], limit: 25 })).toEqual({
        labels: ['migration', 'ci'],
        headBranches: [],
        limit: 25,
      });
      expect(prs({ headBranches: ['gloriousflywheel/**'] })).toEqual({
        labels: [],
        headBranches: ['gloriousflywheel/**'],
        limit: 10,
      });
    });

    it.each([
      [
        { labels: ['a'], headBranches: ['b/*'] },
        /migrationPullRequests: set labels or headBranches, not both/,
      ],
      [
        { limit: 0 },
        /migrationPullRequests\.limit: must be a whole number from 1 to 100 \(got 0\)/,
      ],
      [
        { limit: 101 },
        /migrationPullRequests\.limit: must be a whole number from 1 to 100/,
      ],
      [{ labels: [' '] }, /must not be empty strings/],
    ])('refuses %j naming the key', (value, message) => {
      expect(() => prs(value)).toThrow(message);
    });
  });

  describe('webhookSecret', () => {
    const withEnvironment = (webhookSecret: string, environment?: string) =>
      readBoth(
        new ConfigReader({
          auth: { environment },
          gloriousflywheel: { github: { webhookSecret } },
        }),
      );

    it('keeps a real secret in any environment', () => {
      expect(withEnvironment(SECRET, 'production').webhookSecret).toBe(SECRET);
      expect(withEnvironment(SECRET).webhookSecret).toBe(SECRET);
    });

    it('refuses a short secret, naming the key but not the secret', () => {
      const short = SECRET.slice(0, WEBHOOK_SECRET_MIN_LENGTH - 1);
      expect(() => withEnvironment(short, 'development')).toThrow(
        /Invalid config gloriousflywheel\.github\.webhookSecret: must be at least 20 characters \(it has 19\)/,
      );
      expect(() => withEnvironment(short, 'development')).not.toThrow(short);
    });

    it.each([['production'], ['staging'], [undefined]])(
      "refuses the sandbox's published secret with auth.environment %s",
      environment => {
        expect(() =>
          withEnvironment('sandbox-webhook-secret', environment),
        ).toThrow(
          /gloriousflywheel\.github\.webhookSecret: is the fleet sandbox's published secret/,
        );
      },
    );

    it("accepts the sandbox's published secret with auth.environment development (the local sandbox)", () => {
      expect(
        withEnvironment('sandbox-webhook-secret', 'development').webhookSecret,
      ).toBe('sandbox-webhook-secret');
    });
  });

  it("takes the scorecard's runner classes from the fleet config, with hostedLabels", () => {
    const c = read({
      runnerClasses: [
        { name: 'big', capabilities: ['nix'], labels: ['big', 'nix-big'] },
      ],
      hostedLabels: ['self-hosted-legacy'],
    });
    expect(c.scorecard.runnerClasses).toEqual(
      FleetConfig.fromConfig(
        new ConfigReader({
          gloriousflywheel: {
            runnerClasses: [
              {
                name: 'big',
                capabilities: ['nix'],
                labels: ['big', 'nix-big'],
              },
            ],
          },
        }),
      ).runnerClasses,
    );
    expect(c.scorecard.hostedLabels).toEqual(['self-hosted-legacy']);
  });

  it.each<[string, object, RegExp]>([
    [
      'an empty hosted label',
      { hostedLabels: [' '] },
      /gloriousflywheel\.hostedLabels\[0\]: must not be empty/,
    ],
    [
      'runner classes under scorecard',
      { scorecard: { runnerClasses: [] } },
      /gloriousflywheel\.scorecard\.runnerClasses: is not a scorecard key; set gloriousflywheel\.runnerClasses/,
    ],
  ])('rejects %s naming the key', (_why, value, message) => {
    expect(() => read(value)).toThrow(message);
  });

  it.each<[string, object, RegExp]>([
    [
      'a bad org',
      { github: { orgs: ['not an org'] } },
      /gloriousflywheel\.github\.orgs\[0\]/,
    ],
    [
      'a bad scorecard key',
      { scorecard: { staleEndpoints: ['/[/'] } },
      /^Invalid portal config gloriousflywheel\.scorecard at staleEndpoints\.0: invalid regular expression/,
    ],
    [
      'a bad tranche',
      { tranches: [{ name: 'First' }] },
      /gloriousflywheel\.tranches\[0\]\.name/,
    ],
    [
      'a bad schedule',
      { schedule: { adoptionScan: { frequency: 'often' } } },
      /gloriousflywheel\.schedule\.adoptionScan/,
    ],
  ])('rejects %s naming the key', (_why, value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});

describe('GitHubAccess.fromConfig', () => {
  const logger = {
    warn() {},
    debug() {},
    info() {},
    error() {},
    child() {
      return logger;
    },
  } as any;

  it('reads the full-listing interval and the variables budget, naming the key of a bad one', () => {
    const c = read({
      github: { fullListingInterval: { hours: 6 }, variableReadsPerScan: 50 },
    });
    expect(c).toMatchObject({
      fullListingMs: 6 * 3600_000,
      variableReadsPerScan: 50,
    });
    expect(read({})).not.toHaveProperty('fullListingMs');
    expect(read({})).not.toHaveProperty('variableReadsPerScan');
    expect(() =>
      read({ github: { fullListingInterval: { hours: 0 } } }),
    ).toThrow(
      /gloriousflywheel\.github\.fullListingInterval: must be a positive duration/,
    );
    expect(() => read({ github: { fullListingInterval: 'soon' } })).toThrow(
      /gloriousflywheel\.github\.fullListingInterval/,
    );
    expect(() => read({ github: { variableReadsPerScan: -1 } })).toThrow(
      /gloriousflywheel\.github\.variableReadsPerScan: must be a whole number/,
    );
  });

  it('uses the integrations.github entry of the configured host', () => {
    const config = new ConfigReader({
      integrations: {
        github: [
          {
            host: '127.0.0.1:7102',
            apiBaseUrl: 'http://127.0.0.1:7102',
            token: 't',
          },
        ],
      },
    });
    expect(
      GitHubAccess.fromConfig(config, '127.0.0.1:7102', logger).apiBaseUrl,
    ).toBe('http://127.0.0.1:7102');
    expect(
      GitHubAccess.fromConfig(config, 'github.com', logger).apiBaseUrl,
    ).toBe('https://api.github.com');
  });

  it('names the key when no integration matches', () => {
    expect(() =>
      GitHubAccess.fromConfig(new ConfigReader({}), 'ghe.example.com', logger),
    ).toThrow(
      /gloriousflywheel\.github\.host: no integrations\.github entry with host ghe\.example\.com/,
    );
  });
});
