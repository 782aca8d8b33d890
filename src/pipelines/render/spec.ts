import * as z from 'zod';
import { DEFAULT_QUALITY, PRESETS } from '../../media/encoders/quality.js';
import { unknownEncoder } from '../../media/encoders/select.js';
import { FramefleetError, show } from '../../errors.js';
import {
  codedIssue,
  filePath,
  flag,
  intRange,
  issueMessage,
  nonEmpty,
  numberRange,
  oneOf,
  outputPath,
  parseSpec,
} from '../schema.js';
import { color } from './color.js';
import { quizSchema } from './quiz-spec.js';
import { MAX_LAYERS_PER_SCENE, MAX_SCENES, renderBudgetProblem } from './spec-budget.js';
import { displayText } from './text-field.js';
import { overflow } from './text-layout.js';

export { quizSchema, type Quiz } from './quiz-spec.js';

/**
 * The render spec: a declarative timeline (scenes with a background and timed layers, transitions,
 * music and narration), or a template with its data. One schema: the CLI, the API, the OpenAPI
 * document and schemas/render-spec.schema.json all come from it. Sizes and positions are pixels of
 * the output frame; times are seconds, layer times relative to their scene's start.
 */

const MAX_SECONDS = 3600;

const seconds = (name: string) => numberRange(name, 0, MAX_SECONDS);
const pixels = (name: string) => intRange(name, 0, 8192);
const size = (name: string) => intRange(name, 1, 8192);

/** An output side: even, as the yuv420p encoders (libx264 and the hardware ones) need it. */
const evenSize = (name: string, max: number) =>
  intRange(name, 16, max).multipleOf(2, {
    error: (issue: { input?: unknown }) =>
      `expected ${show(name)} to be even (yuv420p video needs even sizes), got ${show(issue.input)}`,
  });

/** How a layer enters or leaves: a fade, or a slide from (or to) a side over `duration` seconds. */
const motion = z
  .object({
    effect: oneOf('effect', ['fade', 'slide-left', 'slide-right', 'slide-up', 'slide-down']),
    duration: numberRange('duration', 0.04, 60).default(0.5),
  })
  .strict();

const timing = {
  /** Seconds from the scene's start; default 0. */
  start: seconds('start').default(0),
  /** Seconds from the scene's start; default the scene's end. */
  end: seconds('end').optional(),
  in: motion.optional(),
  out: motion.optional(),
};

const rect = { x: pixels('x'), y: pixels('y'), width: size('width'), height: size('height') };

export const textLayerSchema = z
  .object({
    type: z.literal('text'),
    text: displayText('text', 2000),
    /** A fontconfig family name (`fc-match`), or `fontFile` for a font file of one's own. */
    font: nonEmpty('font').max(200).default('DejaVu Sans'),
    fontFile: filePath('fontFile').optional(),
    /** Largest size in pixels; long text wraps inside the box and shrinks to fit it. */
    size: intRange('size', 6, 1000).default(48),
    color: color('color').default('#ffffff'),
    ...rect,
    align: oneOf('align', ['left', 'center', 'right']).default('center'),
    valign: oneOf('valign', ['top', 'middle', 'bottom']).default('middle'),
    /** A filled box behind the text, the layer's rectangle grown by `padding`. */
    box: z
      .object({ color: color('color'), padding: intRange('padding', 0, 500).default(0) })
      .strict()
      .optional(),
    ...timing,
  })
  .strict();

export const imageLayerSchema = z
  .object({
    type: z.literal('image'),
    path: filePath('path'),
    ...rect,
    fit: oneOf('fit', ['fit', 'fill']).default('fit'),
    ...timing,
  })
  .strict();

export const boxLayerSchema = z
  .object({ type: z.literal('box'), ...rect, color: color('color'), ...timing })
  .strict();

/** A bar that fills (or drains) from left to right between the layer's start and end. */
export const progressLayerSchema = z
  .object({
    type: z.literal('progress'),
    ...rect,
    color: color('color'),
    background: color('background').default('#00000000'),
    direction: oneOf('direction', ['fill', 'drain']).default('fill'),
    ...timing,
  })
  .strict();

export const layerSchema = z.discriminatedUnion('type', [
  textLayerSchema,
  imageLayerSchema,
  boxLayerSchema,
  progressLayerSchema,
]);

const backgroundSchema = z
  .object({
    color: color('color').default('#000000'),
    image: filePath('image').optional(),
    video: filePath('video').optional(),
    /** Video in-point, seconds; the video is held on its last frame if it ends before the scene. */
    in: seconds('in').default(0),
    /** Fit inside the frame (bars of `color`) or fill it (cropped). */
    fit: oneOf('fit', ['fit', 'fill']).default('fill'),
  })
  .strict()
  .refine((b) => !(b.image && b.video), { message: 'give a background `image` or `video`, not both' });

const transitionSchema = z
  .object({
    type: oneOf('type', ['cut', 'crossfade']).default('cut'),
    duration: numberRange('duration', 0.04, 10).default(0.5),
  })
  .strict();

export const sceneSchema = z
  .object({
    duration: numberRange('duration', 0.001, MAX_SECONDS),
    background: backgroundSchema.default({ color: '#000000', in: 0, fit: 'fill' }),
    layers: z.array(layerSchema).max(MAX_LAYERS_PER_SCENE).default([]),
    /** How this scene gives way to the next one. */
    transition: transitionSchema.optional(),
  })
  .strict();

const musicSchema = z
  .object({
    path: filePath('path'),
    /** Timeline seconds where it starts. */
    start: seconds('start').default(0),
    volume: numberRange('volume', 0, 4).default(1),
    fadeIn: seconds('fadeIn').default(0),
    fadeOut: seconds('fadeOut').default(0),
    loop: flag('loop').default(false),
  })
  .strict();

const narrationSchema = z
  .object({
    path: filePath('path'),
    start: seconds('start').default(0),
    volume: numberRange('volume', 0, 4).default(1),
  })
  .strict();

const audioSchema = z
  .object({
    music: z.array(musicSchema).max(20).default([]),
    narration: z.array(narrationSchema).max(500).default([]),
  })
  .strict();

const specObject = z
  .object({
    /** Where an editor finds this schema (`./schemas/render-spec.schema.json`); ignored. */
    $schema: z.string().max(2000).optional(),
    output: outputPath('output', ['mp4', 'm4v', 'mov', 'mkv']).pipe(filePath('output')),
    overwrite: flag('overwrite').default(false),
    faststart: flag('faststart').default(true),
    width: evenSize('width', 7680).default(1280),
    height: evenSize('height', 4320).default(720),
    fps: intRange('fps', 1, 120).default(30),
    /** A template instead of scenes: `trivia` with a `quiz`. */
    template: oneOf('template', ['trivia']).optional(),
    quiz: quizSchema.optional(),
    scenes: z.array(sceneSchema).min(1).max(MAX_SCENES).optional(),
    audio: audioSchema.optional(),
    encoder: nonEmpty('encoder').default('auto'),
    codec: oneOf('codec', ['h264', 'hevc', 'av1']).default('h264'),
    quality: intRange('quality', 1, 100).default(DEFAULT_QUALITY),
    preset: oneOf('preset', PRESETS).default('balanced'),
    gopSeconds: numberRange('gopSeconds', 0.5, 20).default(2),
    hwaccel: oneOf('hwaccel', ['auto', 'nvenc', 'vaapi', 'qsv', 'amf', 'videotoolbox', 'none']).default(
      'auto',
    ),
  })
  .strict();

/** What the schema cannot say field by field; `budget` false for a template's scenes (see below). */
const specChecks = (budget: boolean) => (s: z.output<typeof specObject>, ctx: Refine) => {
  if (s.template !== undefined) {
    if (!s.quiz)
      ctx.addIssue({ code: 'custom', path: ['quiz'], message: `template ${s.template} needs a \`quiz\`` });
    const both = 'give `scenes` or a `template`, not both';
    if (s.scenes) ctx.addIssue({ code: 'custom', path: ['scenes'], message: both });
  } else if (!s.scenes) {
    ctx.addIssue({ code: 'custom', path: ['scenes'], message: 'missing `scenes` (or a `template`)' });
  }
  const problem = unknownEncoder(s.encoder, s.codec);
  if (problem) ctx.addIssue(codedIssue(problem, ['encoder'], s.encoder));
  // Over the budget, no text is laid out (the API refuses such a body before any schema runs).
  const over = budget && renderBudgetProblem(s);
  if (over) return void ctx.addIssue({ code: 'custom', path: [s.scenes ? 'scenes' : 'quiz'], message: over });
  for (const [i, scene] of (s.scenes ?? []).entries()) checkScene(scene, i, s, ctx);
};

export const renderSpecSchema = specObject.superRefine(specChecks(true));
/** The checks a template's scenes pass, all but the budget: a 100-question quiz makes 3,900 layers. */
export const templateScenesSchema = specObject.superRefine(specChecks(false));

type Refine = z.core.$RefinementCtx<unknown>;

/** What one schema cannot say field by field: layers inside the frame and the scene, transitions that fit. */
function checkScene(
  scene: Scene,
  i: number,
  s: { width: number; height: number; fps: number; scenes?: Scene[] },
  ctx: Refine,
) {
  // Shorter than a frame, a scene would be shown for one (sceneFrames), and the video grow with them.
  if (scene.duration * s.fps < 1 - 1e-9) {
    const message = `scene of ${scene.duration} s is shorter than one frame at ${s.fps} fps (${+(1 / s.fps).toFixed(4)} s): make it longer or the frame rate higher`;
    ctx.addIssue({ code: 'custom', path: ['scenes', i, 'duration'], message });
  }
  for (const [j, layer] of scene.layers.entries()) {
    const path = ['scenes', i, 'layers', j];
    if (layer.x + layer.width > s.width || layer.y + layer.height > s.height) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${layer.type} layer ${layer.x},${layer.y} ${layer.width}x${layer.height} lies outside the ${s.width}x${s.height} frame`,
      });
    }
    const tooMuch =
      layer.type === 'text' ? overflow(layer.text, layer.width, layer.height, layer.size) : undefined;
    if (tooMuch) ctx.addIssue({ code: 'custom', path: [...path, 'text'], message: tooMuch });
    const end = layer.end ?? scene.duration;
    if (layer.start >= end || end > scene.duration + 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, layer.end === undefined ? 'start' : 'end'],
        message: `layer times ${layer.start}-${end} s must be an interval inside the scene's ${scene.duration} s`,
      });
    }
  }
  const next = s.scenes?.[i + 1];
  if (scene.transition?.type === 'crossfade') {
    const d = scene.transition.duration;
    if (!next) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenes', i, 'transition'],
        message: 'the last scene has no next scene to crossfade into',
      });
    } else if (d * 2 > Math.min(scene.duration, next.duration)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scenes', i, 'transition', 'duration'],
        message: `crossfade of ${d} s is longer than half of scene ${i} (${scene.duration} s) or scene ${i + 1} (${next.duration} s)`,
      });
    }
  }
}

export type RenderSpec = z.output<typeof renderSpecSchema>;
export type Scene = z.output<typeof sceneSchema>;
export type Layer = z.output<typeof layerSchema>;
export type TextLayer = z.output<typeof textLayerSchema>;
export type Motion = z.output<typeof motion>;

/** Validates a spec; the error names the JSON path of the first problem (`scenes.2.layers.0.width`). */
export function parseRenderSpec(input: unknown): RenderSpec {
  const result = renderSpecSchema.safeParse(input, { reportInput: true });
  if (result.success) {
    const { $schema: _editorOnly, ...spec } = result.data;
    return spec;
  }
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const coded = issue.code === 'custom' ? (issue.params?.code as string | undefined) : undefined;
  if (coded) return parseSpec(renderSpecSchema, input, 'render spec');
  throw new FramefleetError('INVALID_SPEC', `invalid render spec at ${where}: ${issueMessage(issue)}`, {
    details: { path: where, issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) },
  });
}
