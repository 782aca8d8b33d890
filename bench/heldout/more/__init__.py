"""Four more held-out beat-tracking sets (80 pieces), rendered by ../make_more.py.

Each sub-package is one set of 20 pieces written by hand in Python, turned into MIDI, rendered with
Debian's fluidsynth and FluidR3_GM and cut to a mono 16-bit 44.1 kHz WAV with ffmpeg:

  dance     dance, Latin, African and popular styles, all 4/4 (reggae, afrobeats, house, techno,
            UK garage, drum and bass, samba, bossa, cumbia, reggaeton, trap, ballads, rock, punk)
  styles    American, European and dance forms with 3/4, 6/8, 12/8 and 2/4 among them (country,
            bluegrass, Motown, 12/8 gospel, shuffle, swing, waltzes, minuet, jig, tarantella, march,
            polka, metal, hip-hop, baroque, electro-pop)
  world     more world and popular styles, all 4/4 (son montuno, merengue, bachata, tango, rumba
            flamenca, bhangra, K-pop, city pop, J-rock, ska punk, grunge, synthwave, dubstep,
            footwork, amapiano, gospel, ballads, neo-soul)
  acoustic  slow and acoustic pieces (piano, strings, organ, guitar, harp, marimba; hymn, adagio,
            nocturne, barcarolle, siciliana, 6/8 ballads, waltzes, bolero, bossa, smooth jazz)

Modules shared by the sets (one copy each):
  midi_a.py  MIDI writer + chord/melody helpers of dance and world (class Piece)
  kit_a.py   drum map, bass/comping/fill/ending helpers on top of midi_a (dance and world)
  midi_b.py  MIDI writer + chord/melody helpers of styles and acoustic (classes Song, Track, Prog)
  render.py  fluidsynth/ffmpeg recipes of both families and the one sanity check

Truth (truth.json, one per set): {"name": {"file": "wav/name.wav", "bpm", "style", "meter",
"beats": [...], "downbeats": [...], "time_signature"}} (time_signature added by make_more.py for
score.py). The beats are the score's grid before humanisation (every note is then moved by a few ms),
from the first beat through the downbeat of the final held chord; `meter` is the number of annotated
beats per bar and `bpm` the annotated beat's tempo (6/8 annotated at the dotted quarter, 2 a bar;
12/8 at the dotted quarter, 4 a bar). Each set's docstring gives its own conventions (lead-in,
compound meters, half-time feels). Every piece is seeded: a rerun gives the same notes and, fluidsynth
being nearly deterministic, nearly the same samples.

Each set exposes NAME, names() and build(name, mid_dir, wav_dir) -> (truth entry, time signature).
"""
SETS = ('dance', 'styles', 'world', 'acoustic')
