import type { AnalysisResult } from './analyze-run.js';
import { plural } from './common.js';

const MAX_TIMES = 12;

/** A short human summary of an analysis result; `written` names the file the JSON went to. Pure. */
export function analysisSummary(result: AnalysisResult, written?: string): string {
  const lines = summaryLines(result);
  if (written && !('sizeBytes' in result)) lines.push(`written to ${written}`);
  return lines.join('\n');
}

function summaryLines(result: AnalysisResult): string[] {
  if ('sizeBytes' in result) {
    return [
      `${result.output}: proxy ${result.width}x${result.height}, ${result.frames} frames, ` +
        `${result.durationSec.toFixed(1)} s, ${megabytes(result.sizeBytes)}`,
    ];
  }
  switch (result.kind) {
    case 'scenes-list':
      return result.results.flatMap((r) => summaryLines(r));
    case 'scenes': {
      const hard = result.cuts.filter((c) => c.kind === 'hard').length;
      // The last shot ends where the video does (its frames' own times when the rate varies).
      const last = result.shots.at(-1);
      const end = last ? last.startTime + last.duration : NaN;
      const seconds = Number.isFinite(end)
        ? end
        : result.source.fps > 0
          ? result.frames / result.source.fps
          : 0;
      const head =
        `${result.source.path}: ${plural(result.shots.length, 'shot')}, ` +
        `${plural(result.cuts.length, 'cut')} (${hard} hard, ` +
        `${result.cuts.length - hard} gradual) in ${result.frames} frames (${seconds.toFixed(1)} s)`;
      return result.cuts.length ? [head, `cuts at ${times(result.cuts.map((c) => c.time))}`] : [head];
    }
    case 'scenes-partial':
      return [
        `${result.source.path}: shard ${result.shard.index + 1} of ${result.shard.count} measured ` +
          `(frames ${result.shard.start}-${result.shard.end}); aggregate the partials for the cuts`,
      ];
    case 'beats': {
      if (result.tempo === null) {
        return [
          `${result.source.path}: no beat found in ${result.durationSec.toFixed(1)} s` +
            (result.message ? ` (${result.message})` : ''),
        ];
      }
      // Why this tempo and how sure, in the JSON alone before (a new user's trial: a string quartet
      // read at double, at confidence 0.52, looked as sure as any).
      const why = [
        result.level && `level: ${result.level}`,
        result.confidence !== undefined && `confidence ${result.confidence.toFixed(2)}`,
      ]
        .filter(Boolean)
        .join('; ');
      return [
        `${result.source.path}: ${result.tempo.toFixed(1)} BPM, ${plural(result.beats.length, 'beat')} in ` +
          `${result.durationSec.toFixed(1)} s`,
        `beats at ${times(result.beats)}`,
        // The bars and a tempo that changes were in the JSON alone (a new user's trial).
        ...(result.beatsPerBar && result.downbeats.length
          ? [`${result.beatsPerBar} beats a bar, bars at ${times(result.downbeats)}`]
          : []),
        ...(result.tempoChanges && result.tempoChanges.length > 1
          ? [
              `tempo changes: ${result.tempoChanges
                .map((c) => `${c.tempo.toFixed(1)} BPM from ${c.at.toFixed(2)}s`)
                .join(', ')}`,
            ]
          : []),
        ...(why ? [why] : []),
      ];
    }
  }
}

function times(seconds: readonly number[]): string {
  const shown = seconds.slice(0, MAX_TIMES).map((t) => `${t.toFixed(2)}s`);
  const more = seconds.length - shown.length;
  return more > 0 ? `${shown.join(' ')} … (${more} more; --json or -o for all)` : shown.join(' ');
}

function megabytes(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
