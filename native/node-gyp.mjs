// @ts-check
// Finding and running node-gyp: npm's own copy during an npm script (npm
// names it in npm_config_node_gyp), else the project's (tap brings one as a
// dev dependency), else whatever `node-gyp` is on PATH.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** @returns {string[]} the command line prefix that runs node-gyp */
export function nodeGypCommand() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm) return [process.execPath, fromNpm];
  try {
    return [process.execPath, createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return ['node-gyp'];
  }
}

/**
 * Runs `node-gyp rebuild` in `cwd`; returns its exit status (null when it could not start).
 * @param {string} cwd
 * @param {string[]} args extra arguments (--arch, --nodedir)
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} quiet keep node-gyp's chatter off the terminal (it is shown on failure)
 * @returns {{ status: number | null, output: string }}
 */
export function nodeGypRebuild(cwd, args, env, quiet) {
  const [cmd, ...pre] = nodeGypCommand();
  const r = spawnSync(cmd, [...pre, 'rebuild', ...args], {
    cwd, env, encoding: 'utf8', stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', maxBuffer: 16 << 20,
  });
  return { status: r.error ? null : r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
