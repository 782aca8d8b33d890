"""acoustic: 20 slow and acoustic pieces (first made as "trial8").

nocturne 60, sonata_allegro 120, hymn 72, string_adagio 56, film_march 100, celtic_reel 112,
folk_waltz 96 (3/4), barcarolle 58 (6/8), siciliana 50 (12/8), gospel_ballad 66, soul_ballad_68 56 (6/8),
country_ballad 72, songwriter_strum 96, guitar_68 66 (6/8), bolero 72 (3/4), jazz_waltz 150 (3/4),
bossa_nova 120, smooth_jazz 90, harp_flute 80, marimba_solo 100 (BPM of the annotated beat; the rest
4/4). Several have no drums (nocturne, adagio, harp and flute, solo guitar and marimba, strumming).

Written with midi_b.Song like the styles set (pieces.py: one function per piece, each with its own
seed). Conventions:
  * `meter` is the number of annotated beats per bar and `bpm` their tempo: 4/4 -> 4 quarters,
    3/4 -> 3 quarters, 6/8 -> 2 dotted quarters, 12/8 -> 4 dotted quarters. In the 6/8 and 12/8
    pieces the MIDI tempo is the dotted quarter's (one score beat = one MIDI quarter) and their
    eighths are thirds of a beat.
  * the truth is the score's grid before humanisation: the first beat is the first note at 0.5 s,
    the last one is the downbeat of the final held chord.
  * humanisation: note-ons move by a gaussian of sd 4 ms clipped to +-10 ms, scaled per track
    (drums 0.4-0.5, organ 0.6), velocities by +-6.
  * the WAV stops 2 s after the last note-off with a 0.4 s fade; the stereo render peaks below 0.99.
"""
from .. import render
from .pieces import PIECES

NAME = 'acoustic'


def names():
    return list(PIECES)


def build(name, mid_dir, wav_dir):
    return render.build_b(PIECES[name], mid_dir, wav_dir)
