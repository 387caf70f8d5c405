// The public face: load a configuration and create a server from it.
export { createServer, type SkyfeedServer, type ServerOptions } from './server.js';
export type { AppController, ControllerFlags } from './app/controller.js';
export { loadConfig, validateConfig, ConfigError } from './config/load.js';
export type { SkyfeedConfig } from './config/types.js';
