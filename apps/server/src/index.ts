export * from './api-keys.js';
export * from './server.js';
