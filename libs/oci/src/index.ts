export * from './errors';
export * from './media-types';
export * from './digest';
export * from './names';
export * from './descriptor';
export * from './manifest';
export * from './json-text';
export * from './descriptor-urls';
