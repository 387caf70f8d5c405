// PX4 flight modes as MAVLink carries them: HEARTBEAT.custom_mode =
// main_mode << 16 | sub_mode << 24 (OFFBOARD = 6 << 16 = 0x60000), and
// DO_SET_MODE with param1 = MAV_MODE_FLAG_CUSTOM_MODE_ENABLED, param2 = main,
// param3 = sub. Names as QGroundControl shows them.

export const PX4_MAIN = {
  MANUAL: 1, ALTCTL: 2, POSCTL: 3, AUTO: 4, ACRO: 5, OFFBOARD: 6, STABILIZED: 7, RATTITUDE: 8, SIMPLE: 9, TERMINATION: 10,
} as const;

export const PX4_AUTO = {
  READY: 1, TAKEOFF: 2, LOITER: 3, MISSION: 4, RTL: 5, LAND: 6, FOLLOW_TARGET: 8, PRECLAND: 9, VTOL_TAKEOFF: 10,
} as const;

/** MAV_MODE_FLAG_CUSTOM_MODE_ENABLED: param1 of DO_SET_MODE for a PX4 custom mode. */
export const CUSTOM_MODE_ENABLED = 1;
/** MAV_MODE_FLAG_SAFETY_ARMED in HEARTBEAT.base_mode. */
export const SAFETY_ARMED = 128;
export const MAV_AUTOPILOT_PX4 = 12;
export const MAV_AUTOPILOT_INVALID = 8;

export interface Px4Mode {
  main: number;
  sub: number;
}

export function px4CustomMode(main: number, sub = 0): number {
  return ((main & 0xff) << 16 | (sub & 0xff) << 24) >>> 0;
}

export function decodePx4Mode(customMode: number): Px4Mode {
  return { main: (customMode >>> 16) & 0xff, sub: (customMode >>> 24) & 0xff };
}

/** The modes skyfeed asks for. */
export const MODES = {
  offboard: { main: PX4_MAIN.OFFBOARD, sub: 0 },
  hold: { main: PX4_MAIN.AUTO, sub: PX4_AUTO.LOITER },
  position: { main: PX4_MAIN.POSCTL, sub: 0 },
  land: { main: PX4_MAIN.AUTO, sub: PX4_AUTO.LAND },
  rtl: { main: PX4_MAIN.AUTO, sub: PX4_AUTO.RTL },
} as const satisfies Record<string, Px4Mode>;

const MAIN_TEXT: Record<number, string> = {
  1: 'Manual', 2: 'Altitude', 3: 'Position', 5: 'Acro', 6: 'Offboard', 7: 'Stabilized', 8: 'Rattitude', 9: 'Simple', 10: 'Termination',
};
const AUTO_TEXT: Record<number, string> = {
  1: 'Ready', 2: 'Takeoff', 3: 'Hold', 4: 'Mission', 5: 'Return', 6: 'Land', 8: 'Follow Me', 9: 'Precision Land', 10: 'VTOL Takeoff',
};
const POSCTL_TEXT: Record<number, string> = { 0: 'Position', 1: 'Orbit', 2: 'Position Slow' };

export function px4ModeText(customMode: number): string {
  const { main, sub } = decodePx4Mode(customMode);
  if (main === PX4_MAIN.AUTO) return AUTO_TEXT[sub] ?? `Auto (sub ${sub})`;
  if (main === PX4_MAIN.POSCTL) return POSCTL_TEXT[sub] ?? `Position (sub ${sub})`;
  return MAIN_TEXT[main] ?? `Unknown (0x${customMode.toString(16)})`;
}

export function isOffboard(customMode: number): boolean {
  return decodePx4Mode(customMode).main === PX4_MAIN.OFFBOARD;
}

/** Text for any autopilot: PX4's names, else the raw number (ArduPilot's modes differ per vehicle type). */
export function modeText(autopilot: number, customMode: number): string {
  return autopilot === MAV_AUTOPILOT_PX4 ? px4ModeText(customMode) : `custom_mode ${customMode}`;
}
