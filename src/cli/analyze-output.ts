import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FramefleetError, show } from '../errors.js';
import type { AnalysisResult } from './analyze-run.js';
import { echoWarnings } from './cli-logger.js';

/** An analysis result as `analyze` shows it: its warnings on stderr, then JSON or a summary. */
export async function printResult(
  result: AnalysisResult,
  flags: { json?: boolean; output?: string },
): Promise<void> {
  echoWarnings(resultWarnings(result));
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const { analysisSummary } = await import('./analysis-summary.js');
    process.stdout.write(`${analysisSummary(result, flags.output)}\n`);
  }
}

/** The warnings of a result, or of each result of a list. Pure. */
function resultWarnings(result: AnalysisResult): string[] | undefined {
  if ('kind' in result && result.kind === 'scenes-list')
    return result.results.flatMap((r) => r.warnings ?? []);
  return (result as { warnings?: string[] }).warnings;
}

/** Writes JSON next to the output under a temporary name, then publishes it (never over an input). */
export async function writeJson(
  output: string,
  value: unknown,
  inputs: readonly string[],
  target: { overwrite?: boolean; overwriteHint: string },
): Promise<void> {
  const path = resolve(output);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const { publishOutput } = await import('../storage/output-target.js');
    await writeFile(temp, `${JSON.stringify(value)}\n`);
    await publishOutput(temp, path, inputs, target);
  } catch (cause) {
    if (cause instanceof FramefleetError) throw cause;
    throw new FramefleetError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${show(output)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  } finally {
    await rm(temp, { force: true });
  }
}
