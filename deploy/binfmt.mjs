// @ts-check
// Registers qemu-user as the kernel's handler for aarch64 ELF files
// (binfmt_misc), so an arm64 process can start arm64 children (the server's
// tests spawn process.execPath). The F flag opens the interpreter now, so it
// also works from other mount namespaces. Everything done here is undone by
// release(): the entry is removed, and binfmt_misc is unmounted if this
// module mounted it. Needs root.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

const MISC = '/proc/sys/fs/binfmt_misc';
/** ELF64, little endian, ET_EXEC/ET_DYN, EM_AARCH64 (183): the header bytes qemu's own binfmt files match. */
const AARCH64_MAGIC = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const AARCH64_MASK = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

export class BinfmtUnavailable extends Error {}

/**
 * @typedef {{ name: string, release(): void }} BinfmtEntry
 */

function mounted() {
  return existsSync(`${MISC}/register`);
}

/**
 * Registers `interpreter` for aarch64 ELF under `name` (an entry left by a
 * killed run under the same name is replaced). Throws BinfmtUnavailable with
 * the reason when this machine cannot do it.
 * @param {string} interpreter e.g. /usr/bin/qemu-aarch64-static
 * @param {string} [name]
 * @returns {BinfmtEntry}
 */
export function registerAarch64(interpreter, name = 'skyfeed-qemu-aarch64') {
  if (process.getuid?.() !== 0) throw new BinfmtUnavailable('registering a binfmt_misc handler needs root');
  if (!existsSync(interpreter)) throw new BinfmtUnavailable(`${interpreter} is missing (Debian: apt-get install qemu-user-static)`);
  let weMounted = false;
  if (!mounted()) {
    const r = spawnSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', MISC], { encoding: 'utf8' });
    if (r.status !== 0 || !mounted()) {
      throw new BinfmtUnavailable(`cannot mount binfmt_misc on ${MISC}: ${(r.stderr || String(r.error ?? '')).trim() || 'mount failed'}`);
    }
    weMounted = true;
  }
  const entry = `${MISC}/${name}`;
  if (existsSync(entry)) writeFileSync(entry, '-1');
  try {
    writeFileSync(`${MISC}/register`, `:${name}:M::${AARCH64_MAGIC}:${AARCH64_MASK}:${interpreter}:F`);
  } catch (err) {
    if (weMounted) spawnSync('umount', [MISC]);
    throw new BinfmtUnavailable(`binfmt_misc refused the registration: ${err instanceof Error ? err.message : err}`);
  }
  if (!/^enabled/m.test(readFileSync(entry, 'utf8'))) throw new BinfmtUnavailable(`${entry} is not enabled (is binfmt_misc disabled?)`);
  let released = false;
  return {
    name,
    release() {
      if (released) return;
      released = true;
      try {
        if (existsSync(entry)) writeFileSync(entry, '-1');
      } finally {
        // Unmount only what we mounted, and only if nobody registered anything meanwhile.
        if (weMounted && readdirSync(MISC).every((f) => f === 'register' || f === 'status')) spawnSync('umount', [MISC]);
      }
    },
  };
}
