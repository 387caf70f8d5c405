// Placeholder until the panel lands (issue 14): a heading only.

import type { MountPanel } from '../context.js';

export const mountTelemetry: MountPanel = (el) => {
  el.innerHTML = '<h2>telemetry</h2>';
};
