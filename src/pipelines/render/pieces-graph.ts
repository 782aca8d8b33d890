import { isCrossfade, type Piece, type ScenePart } from './payloads.js';
import { sceneGraph, type Frame, type SceneGraph, type SceneResources } from './scene-graph.js';

/**
 * The filtergraph that draws consecutive pieces of a timeline as one stream: each scene part as its
 * scene graph, each crossfade as both parts blended with xfade, then all of them concatenated in
 * order. The frames are those of drawing each piece on its own. `resources(k)` serves the k-th
 * scene part drawn (each needs its own text folder). Pure.
 */
export function piecesGraph(
  pieces: readonly Piece[],
  frame: Frame,
  resources: (k: number) => SceneResources,
  label = 'p',
): SceneGraph {
  const graph: SceneGraph = { inputs: [], inputCount: 0, chains: [], out: '', texts: [] };
  let drawn = 0;
  const draw = (part: ScenePart, name: string): string => {
    const g = sceneGraph(
      part.scene,
      frame,
      { from: part.start, to: part.end },
      resources(drawn++),
      name,
      graph.inputCount,
    );
    graph.inputs.push(...g.inputs);
    graph.inputCount += g.inputCount;
    graph.chains.push(...g.chains);
    graph.texts.push(...g.texts);
    return g.out;
  };
  const outs: string[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (!isCrossfade(piece)) {
      outs.push(draw(piece, `${label}${i}s`));
      continue;
    }
    const a = draw(piece.from, `${label}${i}a`);
    const b = draw(piece.to, `${label}${i}b`);
    const seconds = (piece.from.end - piece.from.start) / frame.fps;
    graph.chains.push(`[${a}][${b}]xfade=transition=fade:duration=${seconds}:offset=0[${label}${i}x]`);
    outs.push(`${label}${i}x`);
  }
  graph.out = outs[0]!;
  if (outs.length > 1) {
    graph.out = `${label}cat`;
    // concat starts each piece where the last one's final frame ends, a length it guesses from the
    // piece's mean frame spacing: a one-frame piece (a short scene, a one-frame crossfade) has none,
    // and the next piece's first frame would take its time. Every piece is fps frames a second.
    graph.chains.push(
      `${outs.map((o) => `[${o}]`).join('')}concat=n=${outs.length}:v=1:a=0,setpts=N/(${frame.fps}*TB)[${graph.out}]`,
    );
  }
  return graph;
}
