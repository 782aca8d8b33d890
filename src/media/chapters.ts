import { mp4WithoutChapters } from './mp4-probe.js';
import { PROBE_LIMITS } from './probe-header.js';
import { guardedInput, runFfprobe } from './run.js';

/** One chapter as the source names it: its times in its own time base. */
export interface Chapter {
  timeBase: string;
  start: number;
  end: number;
  title?: string;
}

interface RawChapter {
  time_base?: string;
  start?: number;
  end?: number;
  tags?: Record<string, string>;
}

/** The source's chapters (one header read by ffprobe); none where it has none. */
export async function probeChapters(path: string, signal?: AbortSignal): Promise<Chapter[]> {
  // A plain MP4 says it has none in-process: no ffprobe start (0.15-0.25 s) for the commonest input.
  if (await mp4WithoutChapters(path)) return [];
  const { stdout } = await runFfprobe(
    [...PROBE_LIMITS, '-show_chapters', '-of', 'json', ...guardedInput(path)],
    {
      signal,
      timeoutMs: 60_000,
      label: `read the chapters of ${path}`,
    },
  );
  const raw = (JSON.parse(stdout.toString('utf8')) as { chapters?: RawChapter[] }).chapters ?? [];
  return raw.flatMap((c) =>
    c.time_base && Number.isFinite(c.start) && Number.isFinite(c.end)
      ? [
          {
            timeBase: c.time_base,
            start: c.start!,
            end: c.end!,
            ...(c.tags?.title ? { title: c.tags.title } : {}),
          },
        ]
      : [],
  );
}

/** Chapters as an FFMETADATA file, the input `-map_chapters` takes them from. Pure. */
export function chaptersMetadata(chapters: readonly Chapter[]): string {
  // The format's special characters are escaped with a backslash.
  const escape = (text: string) => text.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
  const blocks = chapters.map((c) =>
    [
      '[CHAPTER]',
      `TIMEBASE=${c.timeBase}`,
      `START=${c.start}`,
      `END=${c.end}`,
      ...(c.title !== undefined ? [`title=${escape(c.title)}`] : []),
    ].join('\n'),
  );
  return `;FFMETADATA1\n${blocks.join('\n')}\n`;
}
