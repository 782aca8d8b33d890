import { detectCapabilities } from '../cluster/capabilities.js';
import { describeRequirements, feature } from '../engine/routing.js';
import { FramefleetError, show } from '../errors.js';
import { offeredProcessors, resolveChain, type Processors } from '../pipelines/transcode/index.js';

/**
 * Before a local job: every named processor is configured (UNKNOWN_PROCESSOR, exit 2) and this
 * machine meets its requirements; the embedded engine would otherwise wait for hardware forever.
 */
export async function checkProcessorsHere(names: readonly string[], processors: Processors): Promise<void> {
  const chain = resolveChain(names, processors);
  const offered = new Set(offeredProcessors(processors, await detectCapabilities()));
  for (const [i, name] of names.entries()) {
    if (offered.has(feature('proc', name))) continue;
    const { device, minVramMb, features } = chain[i]!.requires;
    const needs = describeRequirements({ device, features, ...(minVramMb ? { minVramMb } : {}) });
    throw new FramefleetError(
      'INVALID_ARGUMENT',
      `processor ${show(name)} needs ${needs.replace(/^a worker with /, '')}, which this machine lacks; run the job on a fleet with --redis`,
    );
  }
}
