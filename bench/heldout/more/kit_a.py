"""Drum map (GM channel 10) and band helpers shared by the dance and world sets, on top of midi_a:
nbars_for (bars for about 31.5 s), fill, Bass (pattern of chord degrees), Comp (voice-led comping),
crash, and ending (the final hit; sets the piece's end_beat, the last annotated beat)."""
from .midi_a import *  # noqa: F401,F403  (the style code uses these names unqualified)

KICK, KICK2, STICK, SN, CLAP, ESN = 36, 35, 37, 38, 39, 40
HH, PHH, OHH, CRASH, RIDE, BELL = 42, 44, 46, 49, 51, 53
TOMS = [50, 48, 47, 45, 43, 41]
TAMB, COW, SHAKER, CABASA, MARACA, CLAVE, GUIRO_S, GUIRO_L = 54, 56, 82, 69, 70, 75, 73, 74
CONGA_MH, CONGA_O, CONGA_L, BONGO_H, BONGO_L = 62, 63, 64, 60, 61
TIMB_H, TIMB_L, AGOGO_H, AGOGO_L, WBH, WBL, TRI = 65, 66, 67, 68, 76, 77, 81

def nbars_for(p, target=31.5):
    bar = p.meter * 60.0 / p.bpm
    return int(target // bar)

def fill(p, bar, beats=1, kind='toms', vel=95, sub=4):
    """Fill on the last `beats` beats of `bar`."""
    n = beats * sub
    st = bar * p.meter + p.meter - beats
    for i in range(n):
        b = st + i / sub
        if kind == 'snare':
            p.note(9, b, 0.1, SN, vel - 25 + int(25 * i / n))
        else:
            t = TOMS[min(len(TOMS) - 1, i * len(TOMS) // n)]
            p.note(9, b, 0.1, t if i % 3 else SN, vel - 10 + int(15 * i / n))

class Bass:
    def __init__(self, p, ch, lo=29, hi=52):
        self.p, self.ch, self.lo, self.hi = p, ch, lo, hi
    def play(self, bar, sym, nxt, pattern, oct_shift=0):
        r, ints, bpc = parse_chord(sym)
        root = in_range(bpc, self.lo, self.lo + 11) + 12 * oct_shift
        nr, _, nbpc = parse_chord(nxt)
        nroot = in_range(nbpc, self.lo, self.lo + 11) + 12 * oct_shift
        for b, d, spec, v in pattern:
            if isinstance(spec, int):
                pitch = root + spec
            else:
                m = {'R': 0, '3': third_of(ints), '5': fifth_of(ints), '7': seventh_of(ints),
                     '8': 12, '-5': fifth_of(ints) - 12, '-3': third_of(ints) - 12,
                     '10': 12 + third_of(ints), '-7': seventh_of(ints) - 12, '9': 14, '2': 2,
                     '4': 5, '6': 9, '-2': -2 if 10 in ints or 3 in ints else -1}
                if spec == 'N':
                    pitch = nroot - 1 if nroot > root else nroot + 1
                    if nroot == root:
                        pitch = root + fifth_of(ints) - 12
                elif spec == 'N2':
                    pitch = nroot - 2 if nroot > root else nroot + 2
                else:
                    pitch = root + m[spec]
            while pitch < self.lo - 5:
                pitch += 12
            while pitch > self.hi:
                pitch -= 12
            self.p.note(self.ch, bar * self.p.meter + b, d, pitch, v)

class Comp:
    def __init__(self, p, ch, lo, hi, drop_root=False, n=None, spread=0.0):
        self.p, self.ch, self.lo, self.hi = p, ch, lo, hi
        self.prev, self.drop, self.n, self.spread = None, drop_root, n, spread
    def voice(self, sym):
        v = voicing(sym, self.lo, self.hi, self.prev, self.drop, self.n)
        self.prev = v
        return v
    def hits(self, bar, sym, hits, top_only=False):
        v = self.voice(sym)
        for b, d, vel in hits:
            self.p.chord(self.ch, bar * self.p.meter + b, d, v, vel, self.spread)
        return v

def crash(p, beat, v=105):
    p.note(9, beat, 1, CRASH, v)

def ending(p, nb, chans):
    """Final downbeat hit on bar nb. chans: list of (ch, pitches, dur, vel)."""
    for ch, pitches, d, v in chans:
        for x in pitches:
            p.note(ch, nb * p.meter, d, x, v)
    p.end_beat = nb * p.meter

