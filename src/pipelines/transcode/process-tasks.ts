import type { TaskSpec } from '../../engine/types.js';
import { seekFrom } from '../../media/keyframe-seek.js';
import { firstDecoded } from '../../media/range-input.js';
import type { TranscodeLayout } from './layout.js';
import type { SegmentPayload } from './payloads.js';
import type { SegmentRange } from './plan-segments.js';
import type { ProcessSegmentPayload } from './process-executor.js';

/**
 * A segment task of a processed transcode: the same frames, plus the context its processors need
 * (clamped at the file's edges, where a one-pass run has none either), routed to the pool of its
 * processors (`ff.<device>.proc-NAME`). Pure.
 */
export function processedSegment(
  task: TaskSpec<SegmentPayload>,
  layout: TranscodeLayout,
  range: SegmentRange,
): TaskSpec<ProcessSegmentPayload> {
  const { step, requires } = layout.process!;
  const before = Math.min(step.before, range.start);
  const after = Math.min(step.after, layout.frames - range.end);
  // The decode starts `before` frames early: it seeks for that frame, not the segment's first.
  const index = layout.seekIndex ?? 'keyframes';
  const seek = seekFrom(
    layout.keyframes,
    firstDecoded(range.start - before, layout.deinterlace),
    layout.fps,
    index,
  );
  return {
    ...task,
    requires: { ...requires, maxPixels: Math.max(layout.width * layout.height, step.width * step.height) },
    // The processors' work dominates: weight by the frames they see.
    weight: range.end - range.start + before + after,
    payload: {
      ...task.payload,
      seekKey: seek.seekKey,
      seekBefore: seek.seekBefore,
      process: step,
      before,
      after,
      width: layout.width,
      height: layout.height,
    },
  };
}
