import type { RenderSpec } from './spec.js';

/** Rewrites every file path a spec names (scenes, audio, the quiz's logo), in place. */
export function mapSpecPaths(spec: RenderSpec, fn: (path: string) => string): RenderSpec {
  for (const scene of spec.scenes ?? []) {
    if (scene.background.image) scene.background.image = fn(scene.background.image);
    if (scene.background.video) scene.background.video = fn(scene.background.video);
    for (const layer of scene.layers) {
      if (layer.type === 'image') layer.path = fn(layer.path);
      if (layer.type === 'text' && layer.fontFile) layer.fontFile = fn(layer.fontFile);
    }
  }
  for (const track of [...(spec.audio?.music ?? []), ...(spec.audio?.narration ?? [])])
    track.path = fn(track.path);
  if (spec.quiz?.logo) spec.quiz.logo = fn(spec.quiz.logo);
  return spec;
}
