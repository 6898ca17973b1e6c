export * from './presence';
export * from './contacts';
export * from './conversation';
export * from './errors';
export * from './events';
export * from './session';
