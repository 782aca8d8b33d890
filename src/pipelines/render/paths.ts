import type { RenderSpec } from './spec.js';

/**
 * Rewrites every file path a spec names (scenes, audio, the quiz's logo), in place; `fn` also gets
 * the path's place in the spec (`scenes.0.background.video`), for messages.
 */
export function mapSpecPaths(spec: RenderSpec, fn: (path: string, where: string) => string): RenderSpec {
  for (const [i, scene] of (spec.scenes ?? []).entries()) {
    const bg = scene.background;
    if (bg.image) bg.image = fn(bg.image, `scenes.${i}.background.image`);
    if (bg.video) bg.video = fn(bg.video, `scenes.${i}.background.video`);
    for (const [j, layer] of scene.layers.entries()) {
      if (layer.type === 'image') layer.path = fn(layer.path, `scenes.${i}.layers.${j}.path`);
      if (layer.type === 'text' && layer.fontFile)
        layer.fontFile = fn(layer.fontFile, `scenes.${i}.layers.${j}.fontFile`);
    }
  }
  for (const kind of ['music', 'narration'] as const)
    for (const [i, track] of (spec.audio?.[kind] ?? []).entries())
      track.path = fn(track.path, `audio.${kind}.${i}.path`);
  if (spec.quiz?.logo) spec.quiz.logo = fn(spec.quiz.logo, 'quiz.logo');
  return spec;
}
