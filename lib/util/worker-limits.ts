// Heap limits for our worker threads (encoders, the synthetic camera,
// later the tracker). They keep almost nothing on the JS heap (frames live
// in SharedArrayBuffer rings), so a small young generation keeps each
// thread's RSS down without extra GC cost.

export const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };
