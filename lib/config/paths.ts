import { fileURLToPath } from 'node:url';
import path from 'node:path';

// dist/lib/config/paths.js and lib/config/paths.ts both sit three levels
// below the package root once `dist` is accounted for, so find the root by
// walking up to the folder that holds config/default.yaml's package.json.
const here = path.dirname(fileURLToPath(import.meta.url));
const up = here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..';

export const packageRoot = path.resolve(here, up);
export const configDir = path.join(packageRoot, 'config');
export const defaultConfigPath = path.join(configDir, 'default.yaml');
export const schemaPath = path.join(configDir, 'schema.json');
/** The user's file when the server is started without --config (git-ignored). */
export const defaultUserConfigPath = path.join(configDir, 'user.yaml');
