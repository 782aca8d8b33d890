export { FleetWorker, type FleetWorkerOptions } from './fleet-worker.js';
export { startHealthServer, type HealthSource } from './health-server.js';
export { SlotPool, type SlotClass } from './slot-pool.js';
export { WorkerMetrics } from './worker-metrics.js';
