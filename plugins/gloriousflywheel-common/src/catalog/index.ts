export * from './annotations';
export * from './entities';
export * from './entityNames';
