export * from './beats/index.js';
export * from './scenes/index.js';
