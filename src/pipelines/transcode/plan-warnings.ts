import { show } from '../../errors.js';
import type { PlanContext } from '../../engine/types.js';
import type { MediaInfo } from '../../media/probe.js';

/**
 * Says what of the input the output will not have: tracks after the first video and audio, video
 * before a cut-in GOP's keyframe. With `keepAudio` false (`--audio none`) no audio track is kept,
 * as asked: only the subtitles are worth a word then.
 */
export function warnUnkept(source: MediaInfo, ctx: PlanContext, keepAudio = true): void {
  const { subtitle } = source.unkept;
  const audio = keepAudio ? source.unkept.audio : 0;
  const parts = [
    ...(audio ? [`${audio} more audio track${audio === 1 ? '' : 's'}`] : []),
    ...(subtitle ? [`${subtitle} subtitle track${subtitle === 1 ? '' : 's'}`] : []),
  ];
  const lead = source.video?.undecodableLead;
  if (lead) {
    ctx.log.warn(
      { jobId: ctx.jobId, undecodable: lead },
      `input ${show(source.path)} starts mid-GOP: its first ${lead} video packet${lead === 1 ? '' : 's'} (before its first keyframe) cannot be decoded, so the output starts at that keyframe, ${source.video!.startTimeSec.toFixed(3)} s`,
    );
  }
  if (parts.length === 0) return;
  ctx.log.warn(
    { jobId: ctx.jobId, audio, subtitle },
    `input ${show(source.path)} has ${parts.join(' and ')} that the output will not have: only the first video ${keepAudio ? 'and audio tracks are' : 'track is'} kept`,
  );
}
