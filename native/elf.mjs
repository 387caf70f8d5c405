// @ts-check
// Which CPU a shared object was built for, read from its ELF header, so the
// install and prebuild scripts can refuse a .node of the wrong architecture
// before anything dlopen()s it (node-gyp-build would load build/Release
// whatever its architecture).

import { closeSync, openSync, readSync } from 'node:fs';

/** ELF e_machine values for the architectures Node names (process.arch). */
const MACHINES = /** @type {const} */ ({ 3: 'ia32', 40: 'arm', 62: 'x64', 183: 'arm64' });

/**
 * The Node architecture name (`x64`, `arm64`, `arm`, `ia32`) of an ELF file,
 * `unknown-<e_machine>` for another CPU, or null when `file` is not ELF.
 * @param {string} file
 * @returns {string | null}
 */
export function elfArch(file) {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  let n;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 20 || head.readUInt32BE(0) !== 0x7f454c46) return null;
  const littleEndian = head[5] === 1;
  const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
  return MACHINES[/** @type {keyof typeof MACHINES} */ (machine)] ?? `unknown-${machine}`;
}
