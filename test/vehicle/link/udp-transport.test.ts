// The UDP transport's port is readable at any time: /status reads the link
// state while the server shuts down (the socket closing) and after a bind
// that failed; a throw there killed the server on SIGTERM under load.

import t from 'tap';
import { createSocket } from 'node:dgram';
import { UdpTransport } from '../../../lib/vehicle/link/udp-transport.js';

t.test('localPort: the bound port while open, null after close, null after a failed bind; never throws', async (t) => {
  const tr = new UdpTransport('in', '127.0.0.1', 0);
  t.equal(tr.localPort, null, 'before open');
  await tr.open(() => {}, () => {});
  const port = tr.localPort;
  t.ok(typeof port === 'number' && port > 0, `bound to ${port}`);
  const closing = tr.close();
  t.equal(tr.localPort, null, 'while closing');
  await closing;
  t.equal(tr.localPort, null, 'after close');

  const squatter = createSocket('udp4');
  await new Promise<void>((r) => squatter.bind(0, '127.0.0.1', r));
  t.teardown(() => squatter.close());
  const busy = new UdpTransport('in', '127.0.0.1', squatter.address().port);
  await t.rejects(busy.open(() => {}, () => {}), /EADDRINUSE/);
  t.equal(busy.localPort, null, 'a failed bind has no port');
  await busy.close();
});
