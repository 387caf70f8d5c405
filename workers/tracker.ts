// Tracker thread: the work is lib/vision/tracker-thread.ts; this entry binds
// it to the thread's data and port.

import { parentPort, workerData } from 'node:worker_threads';
import { runTrackerThread, type TrackerThreadData } from '../lib/vision/tracker-thread.js';

runTrackerThread(workerData as TrackerThreadData, parentPort!);
