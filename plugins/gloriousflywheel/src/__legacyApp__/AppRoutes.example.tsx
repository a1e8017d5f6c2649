/* eslint-disable @backstage/no-self-package-imports, @backstage/no-undeclared-imports */
// The routes of a legacy app's App.tsx with the plugin's pages mounted. It imports the plugin by its
// package name and uses the app's own packages, as an app does; legacyApp.test.tsx renders it, and
// the marked regions are the README's install blocks (readmeSnippets.test.ts keeps them in step).
import { Navigate, Route } from 'react-router-dom';
import { FlatRoutes } from '@backstage/core-app-api';
import { CatalogEntityPage, CatalogIndexPage } from '@backstage/plugin-catalog';
// gloriousflywheel-readme:begin app-imports
import {
  AuditLogPage,
  CachesPage,
  GloriousFlywheelPage,
  RunnerClassesPage,
  TranchesPage,
} from '@tinyland/backstage-plugin-gloriousflywheel';
// gloriousflywheel-readme:end app-imports
import { entityPage } from './EntityPage.example';

export const routes = (
  <FlatRoutes>
    <Route path="/" element={<Navigate to="catalog" />} />
    <Route path="/catalog" element={<CatalogIndexPage />} />
    <Route
      path="/catalog/:namespace/:kind/:name"
      element={<CatalogEntityPage />}
    >
      {entityPage}
    </Route>
    {/* gloriousflywheel-readme:begin app-routes */}
    <Route path="/gloriousflywheel" element={<GloriousFlywheelPage />} />
    <Route
      path="/gloriousflywheel/runner-classes"
      element={<RunnerClassesPage />}
    />
    <Route path="/gloriousflywheel/caches" element={<CachesPage />} />
    <Route path="/gloriousflywheel/tranches" element={<TranchesPage />} />
    <Route path="/gloriousflywheel/audit" element={<AuditLogPage />} />
    {/* gloriousflywheel-readme:end app-routes */}
  </FlatRoutes>
);
