// Encode worker thread (a piscina task module). The work is in
// lib/encode/encode-step.ts; this file only binds it to the worker's data.

import { workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { createEncoder } from '../lib/encode/encode-step.js';
import type { EncodeWorkerData } from '../lib/encode/messages.js';

// One libvips thread per encode: parallelism comes from the pool's workers,
// and libvips' own threads would only fight them for the same cores.
sharp.concurrency(1);
sharp.cache(false);

export default await createEncoder(workerData as EncodeWorkerData);
