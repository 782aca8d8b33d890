"""MIDI writer + composition helpers of the dance and world sets (standard library only).

class Piece: notes in beats from the first beat, humanised when written (render_midi: note-ons by a
gaussian of sd 4 ms clipped to +-jitter_ms, note-offs sd 6 ms clipped to +-20 ms, velocity +-6), with
LEAD_IN_BEATS (half a beat) of silence first; truth() gives the unhumanised grid, beat 0 through
end_beat (the final downbeat). Format 1 SMF, PPQ 960, one tempo. Chord parsing, voicings, scales and
melody_line for the style code."""
import random, struct, math
from .smf import vlq

PPQ = 960
LEAD_IN_BEATS = 0.5  # silence before the first note (so humanised notes never go < 0)

# ---------------------------------------------------------------- MIDI writer

def track_chunk(events):
    """events: list of (tick, order, bytes). Sorted, delta-encoded, EOT appended."""
    events = sorted(events, key=lambda e: (e[0], e[1]))
    data = bytearray()
    last = 0
    for t, _, b in events:
        data += vlq(t - last) + b
        last = t
    data += vlq(0) + b'\xFF\x2F\x00'
    return b'MTrk' + struct.pack('>I', len(data)) + bytes(data)

def write_midi(path, tempo_us, num, den, tracks):
    """tracks: list of event lists (see track_chunk). Format 1; track 0 = conductor."""
    dd = int(math.log2(den))
    cond = [(0, 0, b'\xFF\x51\x03' + tempo_us.to_bytes(3, 'big')),
            (0, 0, bytes([0xFF, 0x58, 0x04, num, dd, 24, 8]))]
    chunks = [track_chunk(cond)] + [track_chunk(t) for t in tracks]
    hdr = b'MThd' + struct.pack('>IHHH', 6, 1, len(chunks), PPQ)
    with open(path, 'wb') as f:
        f.write(hdr + b''.join(chunks))

# ---------------------------------------------------------------- theory
PC = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}
QUAL = {
    '': [0, 4, 7], 'm': [0, 3, 7], '7': [0, 4, 7, 10], 'm7': [0, 3, 7, 10],
    'maj7': [0, 4, 7, 11], 'm9': [0, 3, 7, 10, 14], '9': [0, 4, 7, 10, 14],
    'maj9': [0, 4, 7, 11, 14], 'sus4': [0, 5, 7], 'sus2': [0, 2, 7],
    '7sus4': [0, 5, 7, 10], 'm7b5': [0, 3, 6, 10], 'dim': [0, 3, 6],
    'dim7': [0, 3, 6, 9], '6': [0, 4, 7, 9], 'm6': [0, 3, 7, 9], 'add9': [0, 4, 7, 14],
    '13': [0, 4, 10, 14, 21], '7b9': [0, 4, 7, 10, 13], '5': [0, 7], '69': [0, 4, 7, 9, 14],
    'm11': [0, 3, 7, 10, 14, 17], '7#9': [0, 4, 7, 10, 15], 'aug': [0, 4, 8],
}

def parse_chord(sym):
    """'F#m7/C#' -> (root_pc, intervals, bass_pc)"""
    bass = None
    if '/' in sym:
        sym, b = sym.split('/')
        bass = (PC[b[0]] + (1 if '#' in b else -1 if 'b' in b[1:] else 0)) % 12
    r = PC[sym[0]]
    i = 1
    if len(sym) > 1 and sym[1] in '#b':
        r += 1 if sym[1] == '#' else -1
        i = 2
    r %= 12
    q = sym[i:]
    ints = QUAL[q]
    return r, ints, (bass if bass is not None else r)

def third_of(ints):
    return 3 if 3 in ints else (4 if 4 in ints else (5 if 5 in ints else 4))

def fifth_of(ints):
    return 6 if (6 in ints and 7 not in ints) else (8 if 8 in ints else 7)

def seventh_of(ints):
    for x in (10, 11, 9):
        if x in ints:
            return x
    return 10 if 3 in ints else 12

def in_range(pc, lo, hi):
    """lowest pitch of class pc >= lo (fallback below hi)"""
    p = lo + ((pc - lo) % 12)
    return p if p <= hi else p - 12

def voicing(sym, lo, hi, prev=None, drop_root=False, n=None):
    """Close-position voicing of chord within [lo,hi], choosing the inversion nearest prev."""
    r, ints, _ = parse_chord(sym)
    pcs = [(r + i) % 12 for i in ints]
    pcs = list(dict.fromkeys(pcs))
    if drop_root and len(pcs) >= 4:
        pcs = pcs[1:]
    if n and len(pcs) > n:
        # drop the fifth first
        f = (r + 7) % 12
        if f in pcs and len(pcs) > n:
            pcs.remove(f)
        pcs = pcs[:n]
    cands = []
    for inv in range(len(pcs)):
        order = pcs[inv:] + pcs[:inv]
        for base in range(lo, lo + 12):
            if base % 12 != order[0]:
                continue
            v = [base]
            for pc in order[1:]:
                p = v[-1] + 1
                while p % 12 != pc:
                    p += 1
                v.append(p)
            if v[-1] <= hi:
                cands.append(v)
            v2 = [x + 12 for x in v]
            if v2[-1] <= hi:
                cands.append(v2)
    if not cands:
        cands = [[in_range(pc, lo, hi + 12) for pc in pcs]]
    target = prev if prev else None
    if target:
        tc = sum(target) / len(target)
        cands.sort(key=lambda v: abs(sum(v) / len(v) - tc) + 0.3 * abs(v[-1] - target[-1]))
    else:
        mid = (lo + hi) / 2
        cands.sort(key=lambda v: abs(sum(v) / len(v) - mid))
    return sorted(cands[0])

SCALES = {'major': [0, 2, 4, 5, 7, 9, 11], 'minor': [0, 2, 3, 5, 7, 8, 10],
          'dorian': [0, 2, 3, 5, 7, 9, 10], 'mixo': [0, 2, 4, 5, 7, 9, 10],
          'minpent': [0, 3, 5, 7, 10], 'majpent': [0, 2, 4, 7, 9],
          'harm': [0, 2, 3, 5, 7, 8, 11]}

def scale_notes(key_pc, mode, lo, hi):
    s = [(key_pc + x) % 12 for x in SCALES[mode]]
    return [p for p in range(lo, hi + 1) if p % 12 in s]

# ---------------------------------------------------------------- piece
class Piece:
    def __init__(self, name, bpm, style, seed, meter=4, jitter_ms=10.0):
        self.name, self.bpm, self.style, self.meter = name, bpm, style, meter
        self.rng = random.Random(seed)
        self.tracks = {}   # ch -> dict
        self.notes = []    # (ch, beat, dur, pitch, vel, human)
        self.cc = []       # (ch, beat, cc, val)
        self.jitter_ms = jitter_ms
        self.tempo_us = int(round(60e6 / bpm))
        self.nbars = None
        self.end_beat = None
        self.vol_scale = 1.0

    def sec_per_beat(self):
        return self.tempo_us / 1e6

    def inst(self, ch, program, vol=100, pan=64, rev=40, cho=0, bank=0):
        self.tracks[ch] = dict(program=program, vol=vol, pan=pan, rev=rev, cho=cho, bank=bank)

    def note(self, ch, beat, dur, pitch, vel, human=True):
        if pitch is None:
            return
        self.notes.append((ch, beat, dur, int(pitch), int(vel), human))

    def chord(self, ch, beat, dur, pitches, vel, spread=0.0):
        for i, p in enumerate(pitches):
            self.note(ch, beat + i * spread, dur - i * spread, p, vel - 4 * (i % 2))

    def pat(self, ch, bar, s, pitch, vel=None, swing=0.0, dur=0.1, start=0.0, length=None):
        """Drum/step pattern string over one bar. Chars: X accent, x normal, g ghost, h half,
        '.' rest. swing: fraction of a step by which odd steps (in 16-step grids) are delayed."""
        vel = vel or {}
        V = {'X': 118, 'x': 96, 'h': 72, 'g': 38, 'o': 85}
        V.update(vel)
        length = length if length is not None else self.meter
        n = len(s)
        step = length / n
        for i, c in enumerate(s):
            if c == '.' or c == ' ':
                continue
            b = bar * self.meter + start + i * step
            if swing and i % 2 == 1:
                b += swing * step
            self.note(ch, b, dur, pitch, V[c])

    def gaus_ms(self, sd=4.0, lim=None):
        lim = self.jitter_ms if lim is None else lim
        return max(-lim, min(lim, self.rng.gauss(0, sd)))

    def render_midi(self, path):
        tps = PPQ / self.sec_per_beat()  # ticks per second
        lead = int(LEAD_IN_BEATS * PPQ)
        evs = {ch: [] for ch in self.tracks}
        for ch, t in self.tracks.items():
            e = evs[ch]
            if ch == 9:
                e.append((0, 0, bytes([0xC9, t['program']])))
            else:
                e.append((0, 0, bytes([0xB0 | ch, 0, t['bank']])))
                e.append((0, 0, bytes([0xC0 | ch, t['program']])))
            e.append((0, 0, bytes([0xB0 | ch, 7, max(1, min(127, int(round(t['vol'] * self.vol_scale))))])))
            e.append((0, 0, bytes([0xB0 | ch, 10, t['pan']])))
            e.append((0, 0, bytes([0xB0 | ch, 91, t['rev']])))
            e.append((0, 0, bytes([0xB0 | ch, 93, t['cho']])))
        for ch, beat, cc, val in self.cc:
            evs[ch].append((lead + int(round(beat * PPQ)), 1, bytes([0xB0 | ch, cc, val])))
        for ch, beat, dur, pitch, vel, human in self.notes:
            on = lead + beat * PPQ
            off = on + max(0.05, dur) * PPQ
            if human:
                on += self.gaus_ms(4.0) / 1000 * tps
                off += self.gaus_ms(6.0, 20) / 1000 * tps
                vel = vel + self.rng.randint(-6, 6)
            on = max(1, int(round(on)))
            off = max(on + 10, int(round(off)))
            vel = max(1, min(127, vel))
            evs[ch].append((on, 3, bytes([0x90 | ch, pitch, vel])))
            evs[ch].append((off, 2, bytes([0x80 | ch, pitch, 0])))
        write_midi(path, self.tempo_us, self.meter, 4, [evs[c] for c in sorted(evs)])

    def truth(self):
        spb = self.sec_per_beat()
        t0 = LEAD_IN_BEATS * spb
        first = min(n[1] for n in self.notes)
        assert abs(first) < 1e-9, (self.name, first)
        nb = int(round(self.end_beat))
        beats = [round(t0 + i * spb, 6) for i in range(nb + 1)]
        downs = [round(t0 + i * spb, 6) for i in range(0, nb + 1, self.meter)]
        return beats, downs

# ---------------------------------------------------------------- melodic helpers
def melody_line(p, ch, chords, bars, rhythm_fn, key_pc, mode, lo, hi, vel=90,
                start_bar=0, repeat_every=None, legato=0.95):
    """Generate a melody: strong beats land on chord tones, others walk the scale.
    chords: function bar->symbol. rhythm_fn(bar_in_phrase)-> list of (beat_in_bar, dur).
    If repeat_every is given, the pitches of the first phrase are reused (re-fitted
    to the chord when a note is not in it)."""
    rng = p.rng
    sc = scale_notes(key_pc, mode, lo, hi)
    prev = sc[len(sc) // 2]
    memory = {}
    for bar in range(start_bar, start_bar + bars):
        sym = chords(bar)
        r, ints, _ = parse_chord(sym)
        ctones = [x for x in range(lo, hi + 1) if (x - r) % 12 in [i % 12 for i in ints[:4]]]
        rel = bar - start_bar
        key = rel % repeat_every if repeat_every else None
        for j, (b, d) in enumerate(rhythm_fn(rel)):
            mk = (key, j)
            if repeat_every and rel >= repeat_every and mk in memory:
                pitch = memory[mk]
                if abs(b - round(b)) < 1e-6 and (pitch - r) % 12 not in [i % 12 for i in ints]:
                    pitch = min(ctones, key=lambda x: abs(x - pitch))
                if rng.random() < 0.15:  # small variation
                    idx = sc.index(pitch) if pitch in sc else None
                    if idx is not None:
                        pitch = sc[max(0, min(len(sc) - 1, idx + rng.choice([-1, 1])))]
            else:
                strong = abs(b - round(b)) < 1e-6 and int(round(b)) % 2 == 0
                if strong or j == 0:
                    c = sorted(ctones, key=lambda x: abs(x - prev) + rng.random() * 3)
                    pitch = c[0] if rng.random() < 0.6 else c[min(1, len(c) - 1)]
                else:
                    idx = min(range(len(sc)), key=lambda i: abs(sc[i] - prev))
                    step = rng.choice([-2, -1, -1, 1, 1, 2, 0])
                    # gravity toward middle of range
                    if sc[idx] > (lo + hi) / 2 + 5:
                        step = -abs(step) if step else -1
                    if sc[idx] < (lo + hi) / 2 - 5:
                        step = abs(step) if step else 1
                    pitch = sc[max(0, min(len(sc) - 1, idx + step))]
                if repeat_every:
                    memory[mk] = pitch
            prev = pitch
            acc = 8 if abs(b - round(b)) < 1e-6 else 0
            p.note(ch, bar * p.meter + b, d * legato, pitch, vel + acc - rng.randint(0, 10))
