import type { SubmitFlags } from './submit.js';
import { requireStorage } from './config-apply.js';
import { transcodeCommand } from './transcode-run.js';

/** `submit` is `transcode --redis`: the same command, always on the fleet. */
export async function submitCommand(input: string, flags: SubmitFlags): Promise<void> {
  await transcodeCommand(input, { ...flags, storage: requireStorage(flags.storage, 'submit') });
}
