import t from 'tap';
import { isRealLink, parseConnection } from '../../../lib/vehicle/link/connection-url.js';

t.test('the four forms', async (t) => {
  t.same(parseConnection('sim'), { kind: 'sim' });
  t.same(parseConnection('udpin://0.0.0.0:14540'), { kind: 'udpin', host: '0.0.0.0', port: 14540 });
  t.same(parseConnection('udpout://192.168.1.10:14580'), { kind: 'udpout', host: '192.168.1.10', port: 14580 });
  t.same(parseConnection('udpin://[::]:14540'), { kind: 'udpin', host: '::', port: 14540 });
  t.same(parseConnection('serial:///dev/ttyACM0?baud=57600'), { kind: 'serial', path: '/dev/ttyACM0', baud: 57600 });
  t.same(parseConnection('serial:///dev/ttyUSB1'), { kind: 'serial', path: '/dev/ttyUSB1', baud: 57600 });
  t.equal(isRealLink(parseConnection('sim')), false);
  t.equal(isRealLink(parseConnection('udpin://0.0.0.0:14540')), true);
});

t.test('clear errors naming the accepted forms', async (t) => {
  for (const bad of ['tcp://x:1', 'udpin://host', 'udpout://h:0', 'udpin://h:70000', 'serial:///dev/ttyACM0?baud=12345', '']) {
    t.throws(() => parseConnection(bad), { code: 'SKYFEED_ERR_BAD_CONNECTION', message: /expected sim, udpin:\/\/HOST:PORT/ }, bad);
  }
});
