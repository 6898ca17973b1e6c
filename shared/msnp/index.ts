export * from './command';
export * from './dialect';
export * from './errors';
export * from './limits';
export * from './parser';
export * from './serializer';
export * from './verbs';
