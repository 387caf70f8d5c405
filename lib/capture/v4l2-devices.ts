// Enumerates V4L2 capture devices and what they offer (formats, sizes, rates).

import { readdirSync } from 'node:fs';
import { loadV4l2Addon, type V4l2Format } from './v4l2-addon.js';

export interface V4l2DeviceInfo {
  path: string;
  driver: string;
  card: string;
  busInfo: string;
  formats: V4l2Format[];
}

/** /dev/video* paths, in numeric order. */
export function videoDevicePaths(): string[] {
  let names: string[] = [];
  try {
    names = readdirSync('/dev').filter((n) => /^video\d+$/.test(n));
  } catch {
    return [];
  }
  return names.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((n) => `/dev/${n}`);
}

/** Capture devices among `paths` (default: /dev/video*); nodes that are not capture devices are left out. */
export function listV4l2Devices(paths: string[] = videoDevicePaths()): V4l2DeviceInfo[] {
  const addon = loadV4l2Addon();
  const out: V4l2DeviceInfo[] = [];
  for (const p of paths) {
    let h;
    try {
      h = addon.open(p);
    } catch {
      continue; // metadata node, busy, or not a capture device
    }
    try {
      const cap = addon.querycap(h);
      out.push({ path: p, driver: cap.driver, card: cap.card, busInfo: cap.busInfo, formats: addon.formats(h) });
    } finally {
      addon.close(h);
    }
  }
  return out;
}
