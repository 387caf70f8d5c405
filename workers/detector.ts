// Detector thread: the work is lib/vision/detector-thread.ts; this entry binds
// it to the thread's data and port.

import { parentPort, workerData } from 'node:worker_threads';
import { runDetectorThread, type DetectorThreadData } from '../lib/vision/detector-thread.js';

void runDetectorThread(workerData as DetectorThreadData, parentPort!);
