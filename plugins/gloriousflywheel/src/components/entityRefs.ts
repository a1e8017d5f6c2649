import { scaleSetEntityName } from '@tinyland/backstage-plugin-gloriousflywheel-common';

// Catalog pages of the Resources the backend's catalog module emits.
export const runnerClassEntityPath = (name: string) =>
  `/catalog/default/resource/${name}`;

export const scaleSetEntityPath = (s: {
  cluster: string;
  namespace: string;
  name: string;
}) => `/catalog/default/resource/${scaleSetEntityName(s)}`;
