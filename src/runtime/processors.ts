import { dirname } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import type { Capabilities } from '../engine/capabilities.js';
import type { Pipeline } from '../engine/types.js';
import { offeredProcessors, type Processors } from '../pipelines/transcode/index.js';
import { transcodePipelineWith } from '../pipelines/transcode/index.js';

/**
 * The processors of the config file (--config, else FRAMEFLEET_CONFIG, else ./framefleet.yaml),
 * with `{config_dir}` in their commands replaced by the folder of that file (scripts shipped beside
 * it), or by `cwd` when there is no file.
 */
export async function loadProcessors(file?: string, cwd = process.cwd()): Promise<Processors> {
  return processorsOf(await loadConfig({ ...(file ? { file } : {}), cwd }), cwd);
}

/** The processors of a config already read (the CLI reads it once, before the command runs). */
export function processorsOf(loaded: LoadedConfig, cwd = process.cwd()): Processors {
  const folder = loaded.file ? dirname(loaded.file) : cwd;
  return Object.fromEntries(
    Object.entries(loaded.config.processors).map(([name, p]) => [
      name,
      {
        ...p,
        command: p.command.map((arg) =>
          arg.replace(/\{\{|\}\}|\{config_dir\}/g, (m) => (m === '{config_dir}' ? folder : m)),
        ),
      },
    ]),
  );
}

/** The job types that depend on configured processors (the transcode), to register over the defaults. */
export function processorPipelines(processors: Processors | undefined): Pipeline[] {
  return processors ? [transcodePipelineWith(processors) as unknown as Pipeline] : [];
}

/** A worker's capabilities plus `proc:NAME` for each configured processor whose requirements it meets. */
export function withProcessorFeatures(
  capabilities: Capabilities,
  processors: Processors | undefined,
): Capabilities {
  if (!processors) return capabilities;
  const offered = offeredProcessors(processors, capabilities);
  return { ...capabilities, features: [...new Set([...(capabilities.features ?? []), ...offered])] };
}
