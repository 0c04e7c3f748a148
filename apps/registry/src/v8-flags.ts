// Imported first by main.ts, in the primary and in every worker, before the heap has grown.
//
// A push keeps 20-35 MB of socket chunks and write batches alive outside the JavaScript heap while
// the heap itself hardly grows. V8 counts that memory against the old generation's limit and,
// seeing an idle-looking heap, keeps the limit tight: a registry process then ran a full
// mark-compact every 50-90 ms of a push, each marking the whole ~28 MB heap to free next to nothing.
import { setFlagsFromString } from 'node:v8';

/**
 * Heap settings of the cluster workers, given on their command line: a heap is sized when its
 * process starts. Three chunked 256 MB pushes to two workers ran ~40 mark-compacts and took 2.2-2.9
 * s of user CPU with V8's defaults, 0-1 and 0.9-1.2 s with these. The limit grows from there as
 * the heap does; it is not a cap.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=128'];

// What a running process can still change. Served from one process (REGISTRY_WORKERS=1), the same
// pushes ran ~40 mark-compacts with V8's memory reducer and 0-12 without it.
setFlagsFromString('--no-memory-reducer');
