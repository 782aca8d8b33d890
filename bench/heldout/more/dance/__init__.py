"""dance: 20 dance, Latin, African and popular pieces in 4/4 (first made as "trial5").

reggae_onedrop 72, roots_reggae 80, afrobeats 102, highlife 120, funk 96, disco 118, deep_house 122,
techno 132, uk_garage 134, drum_and_bass 172, samba 98, bossa_nova 140, cumbia 94, reggaeton 92,
trap 70, piano_ballad 66, string_chorale 92, folk_fingerpicking 108, rock 150, punk 190 (BPM).

Written with midi_a.Piece and the kit_a helpers (pieces.py: one function per style, each filling a
Piece seeded 1000 + its index in PIECES). Conventions:
  * every piece is 4/4 and annotated at the quarter note (meter 4); trap is a half-time feel
    annotated at 70 with the snare on 3; bossa_nova is annotated at 140 quarters.
  * the truth is the score's grid before humanisation: the first beat is half a beat after 0
    (LEAD_IN_BEATS = 0.5), the last one is the downbeat of the final chord (`ending`).
  * humanisation: note-ons move by a gaussian of sd 4 ms clipped to +-10 ms, note-offs by sd 6 ms
    clipped to +-20 ms, velocities by +-6; swung parts are swung in the score (the grid is not).
  * the WAV stops at min(35 s, last beat + 2.5 s) with a 1.5 s fade; channel volumes are scaled until
    the peak is at most 0.9 (at most 5 tries, same notes each time).
"""
from .. import render
from ..midi_a import Piece
from .pieces import PIECES

NAME = 'dance'


def names():
    return [p[0] for p in PIECES]


def build(name, mid_dir, wav_dir):
    return render.build_a(Piece, PIECES, name, mid_dir, wav_dir, attempts=5)
