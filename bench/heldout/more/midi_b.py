"""MIDI writer + composition helpers of the styles and acoustic sets (standard library only).

class Song with Tracks: notes in beats, 0.5 s of lead-in before beat 0 (the first note), humanised when
written (write: note-ons by a gaussian of sd 4 ms clipped to +-10 ms times the track's jitter,
velocity +-6; a note that starts while the same pitch sounds ends the old one), the file ending the
song's tail (2 s) after the last note-off (end_time). truth() gives the unhumanised grid through the
downbeat of the final bar. Format 1 SMF, PPQ 960, one tempo (for 6/8 and 12/8, the dotted quarter's).
Chord parsing, voicings, swing, progressions (Prog), melody and drum fills for the piece code."""
import random, struct, math
from .smf import vlq

PPQ = 960
NOTE = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}
QUAL = {
    '': [0, 4, 7], 'm': [0, 3, 7], '7': [0, 4, 7, 10], 'm7': [0, 3, 7, 10],
    'maj7': [0, 4, 7, 11], '6': [0, 4, 7, 9], 'm6': [0, 3, 7, 9], '9': [0, 4, 7, 10, 14],
    'dim': [0, 3, 6], 'dim7': [0, 3, 6, 9], 'm7b5': [0, 3, 6, 10], 'sus4': [0, 5, 7],
    '7sus4': [0, 5, 7, 10], 'add9': [0, 4, 7, 14], 'm9': [0, 3, 7, 10, 14],
    'maj9': [0, 4, 7, 11, 14], '13': [0, 4, 10, 14, 21], '7b9': [0, 4, 7, 10, 13],
    '7#9': [0, 4, 7, 10, 15], '5': [0, 7], 'm11': [0, 3, 7, 10, 14, 17], 'aug': [0, 4, 8],
    'mmaj7': [0, 3, 7, 11], '6/9': [0, 4, 7, 9, 14],
}
SCALES = {
    'major': [0, 2, 4, 5, 7, 9, 11], 'minor': [0, 2, 3, 5, 7, 8, 10],
    'hminor': [0, 2, 3, 5, 7, 8, 11], 'mixo': [0, 2, 4, 5, 7, 9, 10],
    'dorian': [0, 2, 3, 5, 7, 9, 10], 'blues': [0, 3, 5, 6, 7, 10],
    'pent': [0, 2, 4, 7, 9], 'mpent': [0, 3, 5, 7, 10],
}


def pcn(s):
    v = NOTE[s[0]]
    for c in s[1:]:
        v += {'b': -1, '#': 1}[c]
    return v % 12


def parse(sym):
    """'Bbm7/F' -> (root_pc, intervals, bass_pc)"""
    bass = None
    if '/' in sym and not sym.endswith('6/9'):
        sym, b = sym.split('/')
        bass = pcn(b)
    i = 1
    while i < len(sym) and sym[i] in 'b#':
        i += 1
    root = pcn(sym[:i])
    q = QUAL[sym[i:]]
    return root, q, (root if bass is None else bass)


def chord_pcs(sym):
    r, q, b = parse(sym)
    return [(r + x) % 12 for x in q]


def near(pc, center):
    """pitch of class pc nearest to center"""
    p = center - ((center - pc) % 12)
    if center - p > 6:
        p += 12
    return p


def voicing(sym, center=60, drop_root=False, extra_top=False):
    r, q, b = parse(sym)
    ivs = list(q)
    if drop_root and len(ivs) >= 4:
        ivs = [x for x in ivs if x != 0]
    ps = sorted(set(near((r + x) % 12, center) for x in ivs))
    if extra_top:
        ps.append(ps[0] + 12)
    return ps


def bass_pitch(sym, lo=33):
    r, q, b = parse(sym)
    return lo + ((b - lo) % 12)


def in_scale(p, tonic, scale):
    return (p - tonic) % 12 in SCALES[scale]


def scale_pitches(tonic, scale, lo, hi):
    return [p for p in range(lo, hi + 1) if in_scale(p, tonic, scale)]


def swing(b, r=2 / 3.0, unit=1.0):
    """swing the off-subdivision: unit=1 -> swung 8ths, unit=0.5 -> swung 16ths"""
    k = math.floor(b / unit + 1e-9)
    f = b / unit - k
    f2 = f * 2 * r if f <= 0.5 else r + (f - 0.5) * 2 * (1 - r)
    return (k + f2) * unit


class Track:
    def __init__(self, name, ch, prog=0, vol=100, pan=64, rev=40, cho=0, jitter=1.0):
        self.name, self.ch, self.prog, self.vol, self.pan = name, ch, prog, vol, pan
        self.rev, self.cho, self.jitter = rev, cho, jitter
        self.notes = []  # (beat, dur, pitch, vel, hum)
        self.ccs = []    # (beat, ctrl, val)
        self.progs = []  # (beat, prog)

    def n(self, beat, dur, pitch, vel, hum=True):
        if isinstance(pitch, (list, tuple)):
            for p in pitch:
                self.n(beat, dur, p, vel, hum)
            return
        self.notes.append((beat, dur, int(pitch), int(vel), hum))

    def strum(self, beat, dur, pitches, vel, spread=0.012, up=False, bpm=120):
        """strum: spread in seconds between strings"""
        ps = list(pitches)[::-1] if up else list(pitches)
        for i, p in enumerate(ps):
            self.n(beat + i * spread * bpm / 60.0, dur, p, vel - (i * 2 if up else 0))

    def cc(self, beat, ctrl, val):
        self.ccs.append((beat, ctrl, int(val)))


class Song:
    def __init__(self, name, bpm, meter, style, nbars, sub=2, lead=0.5, tail=2.0, seed=1,
                 timesig=None):
        self.name, self.bpm, self.meter, self.style, self.nbars = name, bpm, meter, style, nbars
        self.sub, self.lead, self.tail = sub, lead, tail
        self.tracks = []
        self.rng = random.Random(seed)
        self.timesig = timesig or (meter, 4)
        self.lead_ticks = int(round(lead * bpm / 60.0 * PPQ))

    def track(self, *a, **k):
        t = Track(*a, **k)
        self.tracks.append(t)
        return t

    def spb(self):
        return 60.0 / self.bpm

    def tick(self, beat):
        return self.lead_ticks + int(round(beat * PPQ))

    def t_of_tick(self, tk):
        return tk * 60.0 / (self.bpm * PPQ)

    def truth(self):
        # beats through the downbeat of the final bar (final bar = held ending chord)
        nb = (self.nbars - 1) * self.meter + 1
        beats = [round(self.t_of_tick(self.tick(b)), 6) for b in range(nb)]
        downs = [round(self.t_of_tick(self.tick(b * self.meter)), 6) for b in range(self.nbars)]
        return beats, downs

    def write(self, path):
        rng = self.rng
        tps = self.bpm / 60.0 * PPQ  # ticks per second
        end_tick = self.tick(self.nbars * self.meter) if False else None
        last = 0
        trk_events = []
        # conductor track
        us = int(round(60e6 / self.bpm))
        nn, dd = self.timesig
        cond = [(0, 0, b'\xff\x51\x03' + us.to_bytes(3, 'big')),
                (0, 0, bytes([0xff, 0x58, 4, nn, int(math.log2(dd)), 24, 8]))]
        for t in self.tracks:
            ev = []
            ch = t.ch
            if ch != 9:
                ev.append((0, 0, bytes([0xB0 | ch, 0, 0])))
            ev.append((0, 0, bytes([0xC0 | ch, t.prog])))
            ev.append((0, 0, bytes([0xB0 | ch, 7, t.vol])))
            ev.append((0, 0, bytes([0xB0 | ch, 10, t.pan])))
            ev.append((0, 0, bytes([0xB0 | ch, 91, t.rev])))
            ev.append((0, 0, bytes([0xB0 | ch, 93, t.cho])))
            ev.append((0, 0, bytes([0xB0 | ch, 11, 127])))
            for b, p in t.progs:
                ev.append((self.tick(b), 0, bytes([0xC0 | ch, p])))
            for b, c, v in t.ccs:
                ev.append((self.tick(b), 0, bytes([0xB0 | ch, c, max(0, min(127, v))])))
            # humanise + overlap fix
            notes = []
            for b, d, p, v, hum in t.notes:
                on = self.tick(b)
                off = self.tick(b + d)
                if hum:
                    j = max(-10e-3, min(10e-3, rng.gauss(0, 4e-3))) * t.jitter
                    on += int(round(j * tps))
                    v += rng.randint(-6, 6)
                on = max(0, on)
                off = max(on + 10, off)
                notes.append([on, off, p, max(1, min(127, v))])
            notes.sort()
            lastidx = {}
            for i, nt in enumerate(notes):
                k = nt[2]
                if k in lastidx:
                    pr = notes[lastidx[k]]
                    if pr[1] > nt[0] - 5:
                        pr[1] = max(pr[0] + 5, nt[0] - 5)
                lastidx[k] = i
            for on, off, p, v in notes:
                ev.append((on, 1, bytes([0x90 | ch, p, v])))
                ev.append((off, 0, bytes([0x80 | ch, p, 0])))
                last = max(last, off)
            trk_events.append(ev)
        endt = max(last, self.tick((self.nbars - 1) * self.meter)) + int(self.tail * tps)
        self.end_time = self.t_of_tick(endt)
        chunks = [cond] + trk_events
        out = b'MThd' + struct.pack('>IHHH', 6, 1, len(chunks), PPQ)
        for ev in chunks:
            ev = sorted(ev, key=lambda e: (e[0], e[1]))
            data = b''
            now = 0
            for tk, _, msg in ev:
                data += vlq(tk - now) + msg
                now = tk
            data += vlq(endt - now) + b'\xff\x2f\x00'
            out += b'MTrk' + struct.pack('>I', len(data)) + data
        open(path, 'wb').write(out)




# ---------------- composition helpers ----------------

class Prog:
    """chord progression: list per bar of symbols (one, or list of (beat, sym))"""

    def __init__(self, bars, meter):
        self.meter = meter
        self.ev = []
        for i, bar in enumerate(bars):
            if isinstance(bar, str):
                bar = bar.split()
            if isinstance(bar, (list, tuple)) and bar and isinstance(bar[0], str):
                n = len(bar)
                step = meter / n
                for j, s in enumerate(bar):
                    self.ev.append((i * meter + j * step, s))
            else:
                for bb, s in bar:
                    self.ev.append((i * meter + bb, s))
        self.ev.sort()

    def at(self, beat):
        cur = self.ev[0][1]
        for b, s in self.ev:
            if b <= beat + 1e-6:
                cur = s
            else:
                break
        return cur

    def next_change(self, beat):
        for b, s in self.ev:
            if b > beat + 1e-6:
                return b, s
        return None, None

    def segments(self, end):
        out = []
        for i, (b, s) in enumerate(self.ev):
            e = self.ev[i + 1][0] if i + 1 < len(self.ev) else end
            out.append((b, min(e, end), s))
        return out


def melody(song, tr, prog, bars, rhythms, form, tonic, scale, lo, hi, vel, rng,
           legato=0.92, swing_fn=None, strong=None, start=None, accent=8, end_root=True):
    """bars: (first_bar, nbars). rhythms: dict name -> list of (onset, dur) within a bar.
    form: list of rhythm names per bar.  Pitches: chord tones on strong onsets, scale steps
    otherwise, contour random walk with phrase-end landing on chord tones."""
    m = song.meter
    sc = scale_pitches(tonic, scale, lo, hi)
    prev = start if start is not None else sc[len(sc) // 2]
    direction = rng.choice([-1, 1])
    b0, nb = bars
    strong = strong or (lambda x: abs(x - round(x)) < 1e-6)
    motif_cache = {}
    for i in range(nb):
        bar = b0 + i
        rname = form[i % len(form)]
        rh = rhythms[rname]
        phrase_end = (i % 4 == 3) or i == nb - 1
        for k, (on, d) in enumerate(rh):
            beat = bar * m + on
            ch = prog.at(beat)
            cpc = set(chord_pcs(ch))
            spc = set((tonic + x) % 12 for x in SCALES[scale])
            bad = {x for x in spc if x not in cpc and any(((x + d) % 12 in cpc and (x + d) % 12 not in spc)
                                                          for d in (-1, 1))}
            loc = (spc - bad) | cpc
            sc = [p for p in range(lo, hi + 1) if p % 12 in loc]
            cts = [p for p in range(lo, hi + 1) if p % 12 in cpc]
            if rng.random() < 0.3:
                direction = -direction
            if prev > hi - 4:
                direction = -1
            if prev < lo + 4:
                direction = 1
            step = rng.choice([1, 1, 1, 2, 2, 3])
            idx = min(range(len(sc)), key=lambda j: abs(sc[j] - prev))
            tgt = sc[max(0, min(len(sc) - 1, idx + direction * step))]
            last_in_phrase = phrase_end and k == len(rh) - 1
            if last_in_phrase and end_root:
                r = parse(ch)[0]
                cands = [p for p in cts if p % 12 in (r, (r + parse(ch)[1][1]) % 12)] or cts
                p = min(cands, key=lambda x: abs(x - prev))
            elif strong(on) and cts:
                p = min(cts, key=lambda x: abs(x - tgt) + (0.5 if x == prev else 0))
            else:
                p = tgt
            v = vel + (accent if strong(on) else 0)
            ob = on if swing_fn is None else swing_fn(on)
            tr.n(bar * m + ob, d * legato, p, v)
            prev = p


def drum_fill(tr, start_beat, nbeats, vel=90, toms=(50, 48, 47, 45, 43, 41), div=4, rng=None,
              snare=38):
    n = int(nbeats * div)
    for i in range(n):
        which = toms[min(len(toms) - 1, i * len(toms) // n)] if i >= n // 3 else snare
        tr.n(start_beat + i / div, 0.2, which, vel - 10 + int(20 * i / n))
