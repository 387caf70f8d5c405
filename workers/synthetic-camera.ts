// Capture thread of the synthetic camera: the loop is
// lib/capture/synthetic/camera-loop.ts; this entry binds it to the thread.

import { parentPort, workerData } from 'node:worker_threads';
import { runSyntheticCamera, type SyntheticCameraData } from '../lib/capture/synthetic/camera-loop.js';

runSyntheticCamera(workerData as SyntheticCameraData, parentPort!);
