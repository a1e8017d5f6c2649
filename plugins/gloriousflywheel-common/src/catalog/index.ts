export * from './annotations';
export * from './entities';
export * from './entityNames';
export * from './projectSlug';
