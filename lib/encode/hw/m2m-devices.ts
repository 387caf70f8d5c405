// V4L2 memory-to-memory encoders the kernel offers. sysfs gives each
// /dev/videoN's driver name; known names say what a node does (the Pi's
// bcm2835-codec registers one node per function). Where v4l2-ctl
// (v4l-utils) is installed its caps and coded formats confirm it; the V4L2
// addon opens capture devices only, so it cannot probe these. `root` lets
// tests point at a prepared tree.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readSmall } from './platform.js';

export type M2mRole = 'h264-encoder' | 'jpeg-encoder' | 'other';

export interface M2mDevice {
  /** /dev/videoN */
  device: string;
  /** sysfs name, e.g. bcm2835-codec-encode */
  name: string;
  role: M2mRole;
  /** How the role was found. */
  by: 'name' | 'v4l2-ctl';
}

/** Driver node names whose function is known. Pi 5 has none of the encoders (no H.264/JPEG block). */
const KNOWN: Record<string, M2mRole> = {
  'bcm2835-codec-encode': 'h264-encoder',
  'bcm2835-codec-encode_image': 'jpeg-encoder',
};
/** V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_VIDEO_M2M. */
const CAP_M2M = 0x4000 | 0x8000;

/** Parses `v4l2-ctl --info --list-formats` output: M2M or not, and the coded formats on its capture queue. */
export function parseV4l2Ctl(text: string): { m2m: boolean; formats: string[] } {
  const caps = /Device Caps\s*:\s*0x([0-9a-f]+)/i.exec(text) ?? /Capabilities\s*:\s*0x([0-9a-f]+)/i.exec(text);
  const m2m = caps ? (parseInt(caps[1], 16) & CAP_M2M) !== 0 : false;
  const formats = [...text.matchAll(/\[\d+\]:\s*'([0-9A-Z ]{4})'/g)].map((m) => m[1].trim());
  return { m2m, formats };
}

/** Role from v4l2-ctl's view of the node, when it answers within `timeoutMs`; null when it cannot be asked. */
function probeWithV4l2Ctl(device: string, timeoutMs: number): Promise<M2mRole | null> {
  return new Promise((resolve) => {
    execFile('v4l2-ctl', ['-d', device, '--info', '--list-formats'], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return resolve(null);
      const { m2m, formats } = parseV4l2Ctl(stdout);
      if (!m2m) return resolve('other');
      if (formats.includes('H264')) return resolve('h264-encoder');
      if (formats.includes('JPEG') || formats.includes('MJPG')) return resolve('jpeg-encoder');
      resolve('other');
    });
  });
}

/**
 * Video nodes under `root` with their role. `useV4l2Ctl` (default true on the
 * real root) confirms roles with v4l2-ctl when it is installed.
 */
export async function listM2mDevices(root = '/', useV4l2Ctl = root === '/', timeoutMs = 3000): Promise<M2mDevice[]> {
  const cls = path.join(root, 'sys/class/video4linux');
  let nodes: string[];
  try {
    nodes = readdirSync(cls).filter((n) => /^video\d+$/.test(n));
  } catch {
    return [];
  }
  nodes.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const out: M2mDevice[] = [];
  for (const node of nodes) {
    const device = `/dev/${node}`;
    if (!existsSync(path.join(root, 'dev', node))) continue;
    const name = readSmall(root, `sys/class/video4linux/${node}/name`);
    const probed = useV4l2Ctl ? await probeWithV4l2Ctl(device, timeoutMs) : null;
    if (probed) out.push({ device, name, role: probed, by: 'v4l2-ctl' });
    else out.push({ device, name, role: KNOWN[name] ?? 'other', by: 'name' });
  }
  return out;
}
