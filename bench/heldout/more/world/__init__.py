"""world: 20 world and popular pieces in 4/4 (first made as "trial7").

son_montuno 100, merengue 130, bachata 128, tango 120, rumba_flamenca 110, bhangra 100, kpop 125,
citypop 110, jrock 170, ska_punk 180, grunge 120, indie_rock 140, synthwave 100, dubstep 140,
footwork 160, amapiano 112, gospel 132, power_ballad 68, soft_rock 84, neo_soul 78 (BPM).

Written with midi_a.Piece and the kit_a helpers, like the dance set (pieces.py: one function per
style, each filling a Piece seeded 1000 + its index in PIECES). Conventions:
  * every piece is 4/4 and annotated at the quarter note (meter 4); dubstep is a half-time feel
    annotated at 140 with the snare on 3; neo_soul has swung 16ths and a snare laid back about 27 ms
    in the score (the grid is not moved); son_montuno's first bar is piano alone.
  * the truth is the score's grid before humanisation: the first beat is half a beat after 0
    (LEAD_IN_BEATS = 0.5), the last one is the downbeat of the final chord (`ending`).
  * humanisation: note-ons move by a gaussian of sd 4 ms clipped to +-10 ms, note-offs by sd 6 ms
    clipped to +-20 ms, velocities by +-6.
  * the WAV stops at min(35 s, last beat + 2.5 s) with a 1.5 s fade; channel volumes are scaled until
    the peak is at most 0.9 (at most 10 tries, same notes each time).
"""
from .. import render
from ..midi_a import Piece
from .pieces import PIECES

NAME = 'world'


def names():
    return [p[0] for p in PIECES]


def build(name, mid_dir, wav_dir):
    return render.build_a(Piece, PIECES, name, mid_dir, wav_dir, attempts=10)
