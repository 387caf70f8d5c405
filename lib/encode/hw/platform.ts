// Which board this is, from files the kernel and vendor images provide: the
// device-tree model (Raspberry Pi, and most other ARM boards) and
// /etc/nv_tegra_release (NVIDIA Jetson, L4T). `root` lets tests point at a
// prepared tree instead of /.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlatformInfo } from './hw-report.js';

/** A small text file, trimmed and without NULs (device-tree strings end in one), or '' when absent. */
export function readSmall(root: string, file: string): string {
  try {
    return readFileSync(path.join(root, file), 'latin1').slice(0, 4096).replace(/\0/g, '').trim();
  } catch {
    return '';
  }
}

export function detectPlatform(root = '/', arch: string = process.arch): PlatformInfo {
  const tegra = readSmall(root, 'etc/nv_tegra_release');
  if (tegra) return { arch, board: 'jetson', model: tegra.split('\n')[0], piGeneration: 0 };
  const model = readSmall(root, 'proc/device-tree/model') || readSmall(root, 'sys/firmware/devicetree/base/model');
  const pi = /^Raspberry Pi (\d+)/.exec(model) ?? /^Raspberry Pi Compute Module (\d+)/.exec(model);
  if (model.startsWith('Raspberry Pi')) return { arch, board: 'raspberry-pi', model, piGeneration: pi ? Number(pi[1]) : 0 };
  return { arch, board: 'generic', model, piGeneration: 0 };
}
