export * from './GloriousFlywheelApi';
export * from './GloriousFlywheelClient';
