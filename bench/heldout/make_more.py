#!/usr/bin/env python3
"""Four more held-out beat-tracking sets (80 pieces): renders them from the code in more/.

usage: python3 make_more.py [set|set/piece ...]     (no arguments: all four sets)

Sets (more/<set>/__init__.py says what each holds and how it is annotated):
  dance     20 dance, Latin, African and popular pieces, 4/4
  styles    20 pieces in 4/4, 3/4, 6/8, 12/8 and 2/4 (country, swing, waltzes, jig, march, hip-hop ...)
  world     20 world and popular pieces, 4/4 (son, merengue, tango, bhangra, K-pop, dubstep, amapiano ...)
  acoustic  20 slow and acoustic pieces (piano, strings, organ, guitar; 3/4, 6/8, 12/8 among them)

Written by four helpers as music no test or benchmark was tuned on; README's stop 46 then tuned on
the first 40 (dance, styles) and on two acoustic pieces (the organ hymn, the gospel ballad), and
only measured world: prefer new pieces of your own to tuning on these. Each set goes to bench/.work/heldout-more/<set>/ (HELDOUT_MORE_DIR to change
the root) as wav/NAME.wav (mono 16-bit 44.1 kHz), mid/NAME.mid and truth.json:
  {"name": {"file": "wav/name.wav", "bpm", "style", "meter", "beats": [...], "downbeats": [...],
            "time_signature": "6/8"}}      (time_signature for score.py, as in make_set.py's truth)
The beats are the score's grid before humanisation; `meter` counts annotated beats per bar (6/8 is
annotated at the dotted quarter: 2 beats a bar, 12/8: 4). Seeded, so a rerun gives the same notes.
Needs python3-numpy, fluidsynth, fluid-soundfont-gm and ffmpeg. Score a set with
  HELDOUT_DIR=bench/.work/heldout-more/dance python3 bench/heldout/score.py \\
      --truth bench/.work/heldout-more/dance/truth.json

Every rendered piece is checked (more/render.py check: not clipped, not near silent, long enough, onsets
on the beat grid); what fails is printed after the set's table and does not stop the run.
"""
import importlib, json, os, sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # no __pycache__ left in the checkout (git does not ignore it)

from more import SETS, render  # noqa: E402

# Rendered pieces, MIDI and truth.json go here (ignored by git), not beside the scripts.
ROOT = os.environ.get('HELDOUT_MORE_DIR', os.path.join(REPO, 'bench', '.work', 'heldout-more'))


def make_set(name, only=None):
    mod = importlib.import_module('more.' + name)
    out = os.path.join(ROOT, name)
    mid_dir, wav_dir = os.path.join(out, 'mid'), os.path.join(out, 'wav')
    os.makedirs(mid_dir, exist_ok=True)
    os.makedirs(wav_dir, exist_ok=True)
    order = mod.names()
    want = [n for n in order if not only or n in only]
    path = os.path.join(out, 'truth.json')
    truth = json.load(open(path)) if only and os.path.exists(path) else {}
    flagged = []
    print('== %s -> %s' % (name, out))

    def one(piece):
        t, tsig = mod.build(piece, mid_dir, wav_dir)
        t['time_signature'] = tsig   # not in the sets' first truth files; score.py prints it
        stats, problems = render.check(os.path.join(out, t['file']), t['beats'])
        return piece, t, tsig, stats, problems

    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as ex:
        for piece, t, tsig, stats, problems in ex.map(one, want):
            truth[piece] = t
            print('%-18s %-5s %6.1f bpm  %3d beats  %5.1f s  %s' % (
                piece, t['time_signature'], t['bpm'], len(t['beats']), stats['dur'], t['style']), flush=True)
            if problems:
                flagged.append('%s: %s' % (piece, '; '.join(problems)))
    truth = {k: truth[k] for k in order if k in truth}
    with open(path, 'w') as f:
        json.dump(truth, f, indent=1)
    for line in flagged:
        print('  check: ' + line)
    return flagged


def main(argv):
    chosen = {}   # set -> None (every piece) or the pieces asked for
    for a in argv:
        s, _, piece = a.partition('/')
        if s not in SETS:
            sys.exit('unknown set %r (sets: %s)' % (s, ' '.join(SETS)))
        if not piece:
            chosen[s] = None
        elif piece not in importlib.import_module('more.' + s).names():
            sys.exit('unknown piece %r in set %s' % (piece, s))
        elif chosen.get(s, ()) is not None:
            chosen.setdefault(s, set()).add(piece)
    for s in SETS:
        if not argv or s in chosen:
            make_set(s, chosen.get(s))


if __name__ == '__main__':
    main(sys.argv[1:])
