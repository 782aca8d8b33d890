import type { Capabilities } from '../../cluster/capabilities.js';
import { canServe, describeRequirements } from '../../cluster/routing.js';
import type { Requirements } from '../types.js';

/**
 * Why a job cannot progress: the first requirement no live worker can serve, described by the
 * parts nobody has ("waiting for a worker with encoder h264_nvenc"); undefined when all are
 * servable. Pure.
 */
export function waitingFor(
  requirements: readonly Requirements[],
  workers: readonly Capabilities[],
): string | undefined {
  if (requirements.length > 0 && workers.length === 0) return 'waiting for a worker to come online';
  for (const wanted of requirements) {
    if (workers.some((w) => canServe(w, wanted))) continue;
    return `waiting for ${describeRequirements(unmetParts(wanted, workers))}`;
  }
  return undefined;
}

/** The parts of a requirement that no worker meets on its own; the whole one when each is met somewhere. */
export function unmetParts(wanted: Requirements, workers: readonly Capabilities[]): Requirements {
  const unmet: Requirements = {};
  for (const [field, value] of Object.entries(wanted) as [keyof Requirements, never][]) {
    if (value === undefined || (field === 'device' && value === 'cpu')) continue;
    const single: Requirements = { [field]: value };
    if (!workers.some((w) => canServe(w, single))) Object.assign(unmet, single);
  }
  return Object.keys(unmet).length > 0 ? unmet : wanted;
}

/** The encoder a planning error says is missing ("encoder `h264_nvenc` is not usable here"). Pure. */
export function missingEncoder(error: { code: string; message: string }): string | undefined {
  if (error.code !== 'ENCODER_UNAVAILABLE') return undefined;
  return /encoder `([^`]+)`/.exec(error.message)?.[1];
}
