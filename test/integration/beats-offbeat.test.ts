import { describe, expect, it } from 'vitest';
import { BALLAD_STYLES } from '../../bench/lib/ballad-styles.js';
import { beatFMeasure } from '../../bench/lib/beat-score.js';
import { styleScore, type BeatStyle } from '../../bench/lib/beat-styles.js';
import { OFFBEAT_STYLES } from '../../bench/lib/offbeat-styles.js';
import { renderedBeats } from '../helpers/rendered-beats.js';

const style = (name: string, from: BeatStyle[]) => from.find((s) => s.name === name)!;

/**
 * Found with grooves no test had: chords, bass or hats struck on every "and" outweigh the beats
 * in the onsets, and every beat was half a beat off (F 0) where the kick and bass (and the
 * snare's backbeat) hold the bar's start on the beat.
 */
describe('grooves whose off-beats are busier than their beats', () => {
  const rendered = renderedBeats('ff-offbeat-');
  const tracked = async (s: BeatStyle, seed: number, seconds: number) => {
    const score = styleScore(s, seconds, seed);
    const { result } = await rendered.analyze(score, s.name);
    return { result, f: beatFMeasure(result.beats, score.beats) };
  };

  it.each(['highlife-120', 'house-offbass-124'])(
    '%s is tracked on its beats, moved there by the drums',
    async (name) => {
      const { result, f } = await tracked(style(name, OFFBEAT_STYLES), 3, 30);
      expect(f).toBeGreaterThan(0.95);
      expect(result.level).toMatch(/beats moved half a beat onto the bass's bar starts/);
    },
    60_000,
  );

  // The rule's limit: an organ's held bass rises between the beats, but its chords change on them.
  it('an organ hymn keeps its beats', async () => {
    const { result, f } = await tracked(style('organ-hymn-72', BALLAD_STYLES), 5, 30);
    expect(f).toBeGreaterThan(0.8);
    expect(result.level).not.toMatch(/moved half a beat/);
  }, 60_000);

  // Found on random swung grooves no test had: the bass on every eighth and the comp on the swung
  // "and" weigh as much as the beat, and the beats sat on the swung "and", a third of a beat early
  // (F 0). The swing's empty middle eighth says where the beat is.
  it.each<[string, BeatStyle, number]>([
    [
      'a swung ride groove at 167',
      {
        name: 'swing-ride-167',
        bpm: 167,
        beatsPerBar: 4,
        kick: 'x.........x.....',
        snare: '....x..x....x...',
        hat: 'x.xxx.xxx.xxx.xx',
        bass: 'x.x.x.x.x.x.x.x.',
        comp: '..x...x...x...x.',
        swing: 1,
        ride: true,
      },
      911,
    ],
    [
      'a swung backbeat at 103',
      {
        name: 'swing-backbeat-103',
        bpm: 103,
        beatsPerBar: 4,
        kick: 'x.........x.....',
        snare: '....x.......x...',
        hat: '..x...x...x...x.',
        bass: 'x.x.x.x.x.x.x.x.',
        comp: '..x...x...x...x.',
        swing: 1,
      },
      3029,
    ],
  ])(
    '%s is tracked on its beats, not on the swung "and"',
    async (_name, s, seed) => {
      const { result, f } = await tracked(s, seed, 30);
      expect(f).toBeGreaterThan(0.95);
      expect(result.level).toMatch(/splits in three/);
    },
    60_000,
  );

  // A stress groove: a chord on every "and", the kick on one, the "and" of two and three, the snare
  // on two and four, hats on all but the "e"s. Tracked on its "and"s (F 0, aubio 0.98): the chords,
  // bass and snare each leant to the beats, none far enough alone.
  it('a groove with chords on every "and" is moved onto its beats by all three witnesses', async () => {
    const groove: BeatStyle = {
      name: 'and-chords-155',
      bpm: 155,
      beatsPerBar: 4,
      kick: 'x.....x...x.....',
      snare: '....x.......x...',
      hat: 'x.xxx.xxx.xxx.xx',
      bass: 'x.x.x.x.x.x.x.x.',
      comp: '..x...x...x...x.',
    };
    const { result, f } = await tracked(groove, 902, 30);
    expect(f).toBeGreaterThan(0.95);
    expect(result.level).toMatch(/chords, bass and snare agree on/);
  }, 60_000);

  // Found by a new user's trial of that rule's first version: kick and snare on the beats and only
  // the hats swung leave two eighths quiet, and the beats moved a third of a beat late (F 0).
  it('a groove whose hats alone swing keeps its beats', async () => {
    const swingHats: BeatStyle = {
      name: 'swing-hats-120',
      bpm: 120,
      beatsPerBar: 4,
      kick: 'x.......x.......',
      snare: '....x.......x...',
      hat: 'x.x.x.x.x.x.x.x.',
      bass: 'x...x...x...x...',
      swing: 1,
    };
    const { result, f } = await tracked(swingHats, 7, 30);
    expect(f).toBeGreaterThan(0.95);
    expect(result.level).toMatch(/splits in three/);
  }, 60_000);
});
