import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimal } from 'node-mavlink';
import { MavlinkDecoder, MavlinkEncoder } from '../../../lib/vehicle/link/mavlink-codec.js';
import { MavlinkLink } from '../../../lib/vehicle/link/mavlink-link.js';
import { SerialTransport } from '../../../lib/vehicle/link/serial-transport.js';
import { VehicleService } from '../../../lib/vehicle/vehicle-service.js';
import { testConfig, until } from '../vehicle-fixtures.js';

// A real serial device cannot exist here; a pseudo-terminal (python3's pty) is
// the closest: the same open/termios/read/write path through serialport, no UART.
const relay = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/vehicle/fixtures/pty-relay.py');
const python = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

t.test('MAVLink over a serial line (a pty): packets split across reads, both directions', { skip: !python && 'python3 not available' }, async (t) => {
  const py = spawn('python3', [relay], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => { py.kill(); });
  const tty = await new Promise<string>((r) => py.stdout.once('data', (d: Buffer) => r(d.toString().trim())));
  let fromLink = '';
  py.stdout.on('data', (d: Buffer) => { fromLink += d.toString(); });
  const link = new MavlinkLink({
    transport: new SerialTransport(tty, 57600), connection: `serial://${tty}`, systemId: 1, componentId: 191, targetSystem: 0, signingPassphrase: '', heartbeatTimeoutMs: 3000,
  });
  await link.start();
  t.teardown(() => link.close());
  const hb = new minimal.Heartbeat();
  hb.type = 2 as minimal.MavType;
  hb.autopilot = 12 as minimal.MavAutopilot;
  hb.customMode = 0x60000;
  const bytes = new MavlinkEncoder(1, 1, null).encode(hb);
  py.stdin.write(bytes.subarray(0, 5).toString('hex') + '\n');
  await new Promise((r) => setTimeout(r, 50));
  py.stdin.write(bytes.subarray(5).toString('hex') + '\n');
  t.ok(await until(() => link.connected, 2000), 'a HEARTBEAT split over two reads is reassembled');
  t.equal(link.state.flight_mode_text, 'Offboard');
  t.ok(await until(() => fromLink.length > 0, 2000), 'the link writes to the port');
  const got: number[] = [];
  new MavlinkDecoder(true).push(Buffer.from(fromLink.replace(/\s/g, ''), 'hex'), (p) => got.push(p.msgid));
  t.ok(got.includes(0), 'our HEARTBEAT came out of the serial line');
});

t.test('a serial device that does not exist is a clear start error', async (t) => {
  const svc = new VehicleService(testConfig({ vehicle: { connection: 'serial:///dev/ttyNOPE0?baud=115200' } }));
  await t.rejects(svc.start(), { code: 'SKYFEED_ERR_LINK_UNAVAILABLE', message: /cannot open the vehicle link \(serial \/dev\/ttyNOPE0 @ 115200\)/ });
  await svc.close();
});
