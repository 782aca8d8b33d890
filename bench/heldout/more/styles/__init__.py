"""styles: 20 pieces in many meters, 3/4, 6/8, 12/8 and 2/4 among them (first made as "trial6").

country_train 110, bluegrass 130, motown 120, gospel_12_8 84 (12/8), blues_shuffle 96, jazz_swing 160,
jazz_ballad 60, viennese_waltz 174 (3/4), minuet 100 (3/4), irish_jig 116 (6/8), tarantella 140 (6/8),
march 116 (2/4), polka 120 (2/4), metal 100, boom_bap 88, lofi 76, new_jack_swing 108, pop_ballad 76,
baroque 84, electro_pop 128 (BPM of the annotated beat; the rest 4/4).

Written with midi_b.Song (pieces.py: one function per piece, each with its own seed). Conventions:
  * `meter` is the number of annotated beats per bar and `bpm` their tempo: 4/4 -> 4 quarters,
    3/4 -> 3 quarters, 2/4 -> 2 quarters, 6/8 -> 2 dotted quarters, 12/8 -> 4 dotted quarters. In
    the 6/8 and 12/8 pieces the MIDI tempo is the dotted quarter's (one score beat = one MIDI
    quarter), their eighths are thirds of a beat, and the time signature meta says 6/8 or 12/8.
  * the truth is the score's grid before humanisation: the first beat is the first note at 0.5 s,
    the last one is the downbeat of the final held chord.
  * humanisation: note-ons move by a gaussian of sd 4 ms clipped to +-10 ms, scaled per track
    (drums 0.3-1.0), velocities by +-6; swing and shuffle are in the score (the grid is not swung).
  * the WAV stops 2 s after the last note-off with a 0.4 s fade; the stereo render peaks below 0.99.
"""
from .. import render
from .pieces import PIECES

NAME = 'styles'


def names():
    return list(PIECES)


def build(name, mid_dir, wav_dir):
    return render.build_b(PIECES[name], mid_dir, wav_dir)
