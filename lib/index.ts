// The public face: load a configuration and create a server from it.
export { createServer, type SkyfeedServer } from './server.js';
export { loadConfig, validateConfig, ConfigError } from './config/load.js';
export type { SkyfeedConfig } from './config/types.js';
