// The plugin's own pages, where the overview links to them (mounted as in alpha.tsx and the README).
export const PAGE_PATHS = {
  runnerClasses: '/gloriousflywheel/runner-classes',
  caches: '/gloriousflywheel/caches',
  tranches: '/gloriousflywheel/tranches',
  auditLog: '/gloriousflywheel/audit',
} as const;
