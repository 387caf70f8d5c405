// vehicle.connection: where the autopilot is. Parsed once at start-up; a bad
// string is a clear error naming the accepted forms.

import { VehicleError } from '../vehicle-error.js';

export type ConnectionSpec =
  | { kind: 'sim' }
  | { kind: 'udpin'; host: string; port: number }
  | { kind: 'udpout'; host: string; port: number }
  | { kind: 'serial'; path: string; baud: number };

const FORMS = 'sim, udpin://HOST:PORT, udpout://HOST:PORT or serial:///dev/ttyACM0?baud=57600';
/** Baud rates a serial link may use (the common ones telemetry radios and USB autopilots take). */
const BAUDS = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 921600, 1500000, 3000000];

function bad(s: string, why: string): VehicleError {
  return new VehicleError('SKYFEED_ERR_BAD_CONNECTION', `vehicle.connection ${JSON.stringify(s)}: ${why}; expected ${FORMS}`);
}

export function parseConnection(s: string): ConnectionSpec {
  if (s === 'sim') return { kind: 'sim' };
  const m = /^(udpin|udpout):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d+)$/.exec(s);
  if (m) {
    const port = Number(m[3]);
    const host = m[2].replace(/^\[|\]$/g, '');
    if (m[1] === 'udpin' && !(port >= 0 && port <= 65535)) throw bad(s, `port ${port} is not 0..65535`);
    if (m[1] === 'udpout' && !(port >= 1 && port <= 65535)) throw bad(s, `port ${port} is not 1..65535`);
    return { kind: m[1] as 'udpin' | 'udpout', host, port };
  }
  const ser = /^serial:\/\/(\/[^?\s]+)(?:\?baud=(\d+))?$/.exec(s);
  if (ser) {
    const baud = ser[2] === undefined ? 57600 : Number(ser[2]);
    if (!BAUDS.includes(baud)) throw bad(s, `baud ${baud} is not one of ${BAUDS.join(', ')}`);
    return { kind: 'serial', path: ser[1], baud };
  }
  throw bad(s, 'not a connection string');
}

/** Real links start with the circuit breaker on (auto); the sim without. */
export function isRealLink(spec: ConnectionSpec): boolean {
  return spec.kind !== 'sim';
}
