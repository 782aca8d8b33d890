export {
  applyDeclared,
  detectCapabilities,
  type Capabilities,
  type DetectOptions,
  type GpuInfo,
  type GpuVendor,
} from './capabilities.js';
export {
  declaredCapabilitiesSchema,
  loadCapabilityConfig,
  parseDeclaredCapabilities,
  type DeclaredCapabilities,
} from './capability-config.js';
export { detectGpus, type GpuDetection, type GpuDetectOptions } from './gpu-detect.js';
export {
  deviceClassOf,
  jobCost,
  parsePriceTable,
  priceOf,
  PRICE_CLASS_LABEL,
  type JobCost,
  type PriceTable,
  type TaskRun,
} from './cost.js';
export { runTool, type ToolRunner } from './run-tool.js';
