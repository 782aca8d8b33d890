export { CONFIG_FILE_NAME, ENV_OVERRIDES, loadConfig, type LoadedConfig, type LoadOptions } from './load.js';
export {
  configSchema,
  serverConfigSchema,
  workerConfigSchema,
  type Config,
  type ConfigInput,
} from './schema.js';
export {
  PROCESSOR_PLACEHOLDERS,
  placeholdersIn,
  processorSchema,
  processorsConfigSchema,
  type ProcessorConfig,
  type ProcessorsConfig,
} from './processors.js';
export { deploymentOf, poolConfigSchema, poolsConfigSchema, type PoolConfig } from './pools.js';
export { SERVER_LIMIT_DEFAULTS, SERVER_LIMITS } from './server-limits.js';
