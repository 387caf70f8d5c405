// Structured logs: one JSON line per event on stderr (pino), with `level`,
// `time` (epoch ms) and the component that logged it; a person at a
// terminal gets the same lines formatted (log-pretty.ts). stdout is not a
// log: it keeps what scripts parse (the "skyfeed listening on ..." line)
// and what a person must read once (a new admin token).
//
// The level is process-wide: config `log.level`, overridden by the
// environment's SKYFEED_LOG_LEVEL (a unit file or a shell sets it without
// editing the config). Nothing logs per frame: the call sites are
// connections, failures and state changes.

import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyLine } from './log-pretty.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type Log = Logger;

export const LOG_LEVEL_ENV = 'SKYFEED_LOG_LEVEL';
/** Log bytes held while stderr's reader is slow: thousands of lines, a bounded few MB at worst. */
const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/** The process's root logger, made on first use. */
let root: Logger | null = null;
/** The destination, kept for flushLog(). */
let dest: DestinationStream | null = null;
/** One child per component (a fixed set named in the code, so the map stays small). */
const children = new Map<string, Logger>();

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);
}

/** The environment's level, or null when unset or not a level (said once on the log). */
function envLevel(): LogLevel | null {
  const v = process.env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  if (!v) return null;
  if (isLogLevel(v)) return v;
  invalidEnv = v;
  return null;
}
let invalidEnv: string | null = null;

function destination(): DestinationStream {
  // Asynchronous writes (pino flushes what is buffered at process exit, so a
  // line logged just before process.exit is kept). Synchronous writes block
  // the event loop whenever the reader of stderr is slow (SonicBoom sleeps
  // and retries on EAGAIN): measured under tap, a WebRTC viewer got 65-73
  // frames instead of 78-93 in the same 2.5 s window.
  // maxLength bounds what waits for a slow reader; beyond it lines are dropped, not queued.
  if (!process.stderr.isTTY) return pino.destination({ fd: 2, sync: false, maxLength: LOG_BUFFER_BYTES });
  return { write: (line: string) => void process.stderr.write(prettyLine(line)) };
}

function rootLogger(): Logger {
  if (root) return root;
  dest = destination();
  root = pino({ level: envLevel() ?? 'info', base: { pid: process.pid } }, dest);
  if (invalidEnv !== null) {
    root.warn({ component: 'log', value: invalidEnv.slice(0, 32) }, `${LOG_LEVEL_ENV} is not one of ${LOG_LEVELS.join(', ')}; ignored`);
  }
  return root;
}

/**
 * Writes out what the log holds now (before a line on stdout that must come
 * after it, such as the listening line). Best effort: a write in progress is
 * left to finish on its own.
 */
export function flushLog(): void {
  try {
    (dest as { flushSync?(): void } | null)?.flushSync?.();
  } catch {
    // not ready or busy: the lines follow shortly
  }
}

/** The logger of `component` (`http`, `stream`, `video`, ...): its lines carry `component`. */
export function logger(component: string): Log {
  let child = children.get(component);
  if (!child) {
    child = rootLogger().child({ component });
    children.set(component, child);
  }
  return child;
}

/**
 * Sets the level from the configuration, unless SKYFEED_LOG_LEVEL says
 * otherwise. Children made earlier follow (pino copies the level into a
 * child when it is made).
 */
export function setLogLevel(configured: LogLevel): LogLevel {
  const level = envLevel() ?? configured;
  const r = rootLogger();
  r.level = level;
  for (const child of children.values()) child.level = level;
  return level;
}
