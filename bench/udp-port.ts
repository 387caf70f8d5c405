// A UDP port on 127.0.0.1 that is free right now (bound, read, released), for
// a receiver that binds it itself (ffmpeg, a closed-port target). Shared by the
// bench and the tests, like the stream parsers.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
