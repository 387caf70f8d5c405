// V4L2 capture thread: the loop is lib/capture/v4l2-capture-loop.ts; this
// entry point binds it to the thread's data and port.

import { parentPort, workerData } from 'node:worker_threads';
import { runV4l2Capture, type V4l2CaptureData } from '../lib/capture/v4l2-capture-loop.js';

runV4l2Capture(workerData as V4l2CaptureData, parentPort!);
