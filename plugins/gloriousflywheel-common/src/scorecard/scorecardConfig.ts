import { z } from 'zod';
import {
  DEFAULT_RUNNER_CLASSES,
  RUNNER_CLASS_CAPABILITIES,
} from '../runnerClasses';
import { ScorecardConfig } from './types';

/**
 * Defaults: the GloriousFlywheel contract as of the dogfood gap analysis.
 *
 * @public
 */
export const DEFAULT_SCORECARD_CONFIG: Readonly<ScorecardConfig> = {
  runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
  hostedLabels: [],
  staleEndpoints: ['attic-cache-dev'],
  staleEndpointSurfaces: [
    '.github/workflows/**',
    '.github/actions/**',
    '**/.bazelrc',
    '**/*.bazelrc',
    '**/*.nix',
    '**/.env',
    '**/.env.*',
    '**/*.env',
    '**/.envrc',
    '.gitlab-ci.yml',
    '.gitlab/**',
    // where the seeds found the drift: org config and example configs
    'config/**',
    '**/*.example.*',
    '**/*.example',
    'examples/**',
    'tofu/**/*.tfvars',
  ],
  staleEndpointDocSurfaces: [
    'README*',
    '**/README*',
    'docs/**/*.md',
    'docs/**/*.mdx',
  ],
  cacheEndpoints: [],
  historicalPaths: [
    'docs/research/**',
    'docs/archive/**',
    'docs/history/**',
    '**/adr/**',
    '**/adrs/**',
    '**/decisions/**',
    'CHANGELOG*',
    '**/CHANGELOG*',
  ],
  bazelDocSurfaces: [
    'README*',
    '**/README*',
    'docs/**/*.md',
    'docs/**/*.mdx',
    'examples/**',
  ],
  cacheAttachmentPreflight: 'scripts/cache-attachment-contract.sh --strict',
  nixInstallerActions: [
    'cachix/install-nix-action',
    'DeterminateSystems/nix-installer-action',
    'DeterminateSystems/determinate-nix-action',
    'nixbuild/nix-quick-install-action',
    // the platform's building block; setup-flywheel only points at the caches
    'tinyland-inc/GloriousFlywheel/.github/actions/nix-job',
  ],
  scriptPaths: ['scripts/**'],
  exceptionCategories: ['control-plane'],
  bazelWrapper: 'scripts/bazel-cache-backed.sh',
  bazelSubstrateMode: 'shared-cache-backed',
  bazelWrappedSubcommands: ['build', 'test'],
  proofWorkflows: [],
  exceptionsPath: '.github/gloriousflywheel-exceptions.yaml',
  claimSurfaces: ['README*', '**/README*', 'docs/**/*.md', 'docs/**/*.mdx'],
  ignoredPaths: [
    '**/__fixtures__/**',
    '**/testdata/**',
    '**/test/fixtures/**',
    '**/node_modules/**',
  ],
  checks: {},
};

const regexPattern = /^\/(.+)\/([a-z]*)$/;

const endpointPattern = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const match = regexPattern.exec(value);
    if (!match) return;
    try {
      RegExp(match[1], match[2]);
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `invalid regular expression: ${(e as Error).message}`,
      });
    }
  });

const runnerClassSchema = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  capabilities: z
    .array(z.enum(RUNNER_CLASS_CAPABILITIES as [string, ...string[]]))
    .default([]),
  labels: z.array(z.string().min(1)).optional(),
  scaleSets: z.array(z.string().min(1)).optional(),
});

const configSchema = z
  .object({
    runnerClasses: z.array(runnerClassSchema),
    hostedLabels: z.array(z.string().min(1)),
    staleEndpoints: z.array(endpointPattern),
    staleEndpointSurfaces: z.array(z.string().min(1)),
    staleEndpointDocSurfaces: z.array(z.string().min(1)),
    cacheEndpoints: z.array(z.string().min(1)),
    historicalPaths: z.array(z.string().min(1)),
    bazelDocSurfaces: z.array(z.string().min(1)),
    cacheAttachmentPreflight: z.string(),
    nixInstallerActions: z.array(
      z
        .string()
        .regex(
          /^[^/\s@]+\/[^/\s@]+(\/[^\s@]+)?$/,
          'must be owner/repo or owner/repo/path',
        ),
    ),
    scriptPaths: z.array(z.string().min(1)),
    exceptionCategories: z.array(z.string().min(1)),
    bazelWrapper: z.string().min(1),
    bazelSubstrateMode: z.string().min(1),
    bazelWrappedSubcommands: z.array(z.string().min(1)),
    proofWorkflows: z.array(z.string().min(1)),
    exceptionsPath: z.string().min(1),
    claimSurfaces: z.array(z.string().min(1)),
    ignoredPaths: z.array(z.string().min(1)),
    checks: z.record(
      z
        .object({
          enabled: z.boolean().optional(),
          severity: z.enum(['error', 'warning']).optional(),
        })
        .strict(),
    ),
  })
  .partial()
  .strict();

/**
 * Reads scorecard configuration from a parsed YAML/JSON value, either flat or shaped like
 * app-config (`gloriousflywheel: { runnerClasses, scorecard: {...} }`), and applies defaults.
 * Throws an Error naming the offending key and, through `options.source`, whose config it is
 * (default `gf-audit config`).
 *
 * @public
 */
export function readScorecardConfig(
  value: unknown,
  options?: { source?: string },
): ScorecardConfig {
  let raw: unknown = value ?? {};
  const appConfigShaped =
    !!raw && typeof raw === 'object' && 'gloriousflywheel' in raw;
  if (appConfigShaped)
    raw = (raw as Record<string, unknown>).gloriousflywheel ?? {};
  if (
    raw &&
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    (appConfigShaped || 'scorecard' in raw)
  ) {
    // app-config holds clusters, caches etc. next to these; only the audit's keys are read.

    const { scorecard, ...rest } = raw as Record<string, unknown>;
    const picked = Object.fromEntries(
      Object.entries(rest).filter(
        ([key]) => key === 'runnerClasses' || key === 'hostedLabels',
      ),
    );
    raw = { ...picked, ...(scorecard as object | undefined) };
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || '(root)';
    const source = options?.source ?? 'gf-audit config';
    throw new Error(`Invalid ${source} at ${key}: ${issue.message}`);
  }
  const input = parsed.data;
  return {
    ...DEFAULT_SCORECARD_CONFIG,
    ...input,
    runnerClasses: input.runnerClasses
      ? input.runnerClasses.map(c => ({
          ...c,
          capabilities:
            c.capabilities as ScorecardConfig['runnerClasses'][number]['capabilities'],
          // A class registered only by name is selected by that name.
          labels: c.labels ?? [c.name],
          scaleSets: c.scaleSets ?? [c.name],
        }))
      : DEFAULT_SCORECARD_CONFIG.runnerClasses,
    checks: { ...DEFAULT_SCORECARD_CONFIG.checks, ...input.checks },
  } as ScorecardConfig;
}
