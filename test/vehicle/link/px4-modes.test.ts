import t from 'tap';
import { decodePx4Mode, isOffboard, modeText, px4CustomMode, px4ModeText } from '../../../lib/vehicle/link/px4-modes.js';

t.test('custom_mode = main << 16 | sub << 24', async (t) => {
  t.equal(px4CustomMode(6), 0x60000, 'OFFBOARD');
  t.equal(px4CustomMode(4, 3), 0x03040000, 'AUTO.LOITER');
  t.same(decodePx4Mode(0x05040000), { main: 4, sub: 5 });
  t.ok(isOffboard(0x60000));
  t.notOk(isOffboard(0x03040000));
});

t.test('names as QGroundControl shows them', async (t) => {
  t.equal(px4ModeText(0x60000), 'Offboard');
  t.equal(px4ModeText(px4CustomMode(4, 3)), 'Hold');
  t.equal(px4ModeText(px4CustomMode(4, 5)), 'Return');
  t.equal(px4ModeText(px4CustomMode(4, 6)), 'Land');
  t.equal(px4ModeText(px4CustomMode(3)), 'Position');
  t.equal(modeText(3, 4), 'custom_mode 4', 'ArduPilot: the number');
});
