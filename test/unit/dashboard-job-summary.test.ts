import { describe, expect, it } from 'vitest';

interface Ui {
  jobSources(spec: unknown, show?: (path: string) => string): string;
  jobOutput(spec: unknown, show?: (path: string) => string): string;
  jobEncoder(job: unknown): string;
  basename(path: string): string;
}
// The dashboard's plain browser module (no build step); these helpers touch no DOM.
const ui = (await import('../../web/ui.js' as string)) as Ui;

// A new user's fleet trial: the jobs list showed "→" with nothing after it for a scenes job (no
// input field, no output), and a running transcode's encoder as "auto".
describe('dashboard job summaries', () => {
  it('name what each kind of job reads and writes', () => {
    const b = ui.basename;
    expect(ui.jobSources({ input: '/in/a.mp4', output: '/out/b.mp4' }, b)).toBe('a.mp4');
    expect(ui.jobOutput({ input: '/in/a.mp4', output: '/out/b.mp4' }, b)).toBe('b.mp4');
    expect(ui.jobSources({ inputs: ['/in/a.mp4'] }, b)).toBe('a.mp4');
    expect(ui.jobSources({ inputs: ['/in/a.mp4', '/in/b.mp4', '/in/c.mp4'] })).toBe('/in/a.mp4 + 2 more');
    expect(ui.jobOutput({ inputs: ['/in/a.mp4'] })).toBe('');
    expect(ui.jobSources({ clips: ['/c/1.mp4', '/c/2.mp4'], music: '/m/song.mp3' }, b)).toBe(
      '2 clips + song.mp3',
    );
    expect(ui.jobSources({ quiz: { questions: [{}, {}, {}] }, output: 'q.mp4' })).toBe('quiz of 3 questions');
    expect(ui.jobSources({ scenes: [{}], output: 'r.mp4' })).toBe('1 scene');
    expect(ui.jobSources(undefined)).toBe('');
  });

  it('show the encoder the plan chose while the job runs, and the result’s once done', () => {
    const running = {
      spec: { encoder: 'auto' },
      tasks: [
        { requires: { device: 'cpu' } },
        { requires: { device: 'cpu', features: ['enc:libx264'], maxPixels: 921_600 } },
      ],
    };
    expect(ui.jobEncoder(running)).toBe('libx264');
    expect(ui.jobEncoder({ ...running, result: { encoder: 'h264_nvenc' } })).toBe('h264_nvenc');
    expect(ui.jobEncoder({ spec: { encoder: 'auto' }, tasks: [] })).toBe('auto');
    expect(
      ui.jobEncoder({ spec: { inputs: ['a.mp4'] }, tasks: [{ requires: { features: ['hwaccel:cuda'] } }] }),
    ).toBe('');
  });
});
