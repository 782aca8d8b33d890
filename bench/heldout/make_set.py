#!/usr/bin/env python3
"""Held-out beat-tracking set: writes MIDI by hand, renders it with fluidsynth + FluidR3_GM,
and writes truth.json (beat / downbeat times from the score, before humanisation).

usage: python3 make_set.py [name ...]     (no names: every piece)

25 pieces (hymns, fingerpicked guitar, bossa, waltzes, 6/8 and 12/8, funk, swing, reggae, samba,
ragtime, metal, trap, drum and bass, afrobeat, a solo cello) written for issue 13 as music no test
or benchmark of the project was tuned on (11 of 25 tempos right then; 14 after stop 44's rules for
hymns and faint 6/8, the only ones checked on it): prefer new pieces of your own to tuning on
these. Written to bench/.work/heldout (HELDOUT_DIR to change it); seeded, so a rerun gives the
same files. Needs python3-numpy, fluidsynth and fluid-soundfont-gm.

Conventions
  * positions `q` are in quarter notes from the first beat (t0 seconds of lead-in silence);
    6/8 and 12/8 pieces use eighths E = 0.5 q; the beat is the dotted quarter (1.5 q).
  * the truth beats are the unhumanised grid, beat 0 .. bars*meter (the last one is the downbeat
    of the final chord); the WAV is cut shortly after that final chord (faded), so no beat is
    due after the file ends.
  * humanisation: every note onset moves by uniform +-5 ms (drums +-4 ms), guitar strums spread
    the strings by a few ms after the onset; velocities vary.
"""
import json, math, os, random, struct, subprocess, sys, tempfile, wave

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
from more.smf import vlq  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# Rendered pieces, MIDI and truth.json go here (ignored by git), not beside the scripts.
OUT = os.environ.get('HELDOUT_DIR', os.path.join(REPO, 'bench', '.work', 'heldout'))
SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
PPQ = 960
SR = 44100

# ---------------------------------------------------------------- harmony helpers
NAMES = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}
QUAL = {'': [0, 4, 7], 'm': [0, 3, 7], '7': [0, 4, 7, 10], 'maj7': [0, 4, 7, 11],
        'm7': [0, 3, 7, 10], 'm7b5': [0, 3, 6, 10], 'dim': [0, 3, 6], 'dim7': [0, 3, 6, 9],
        'sus4': [0, 5, 7], '6': [0, 4, 7, 9], 'm6': [0, 3, 7, 9], '9': [0, 4, 7, 10, 14],
        'm9': [0, 3, 7, 10, 14], 'maj9': [0, 4, 7, 11, 14], '7b9': [0, 4, 7, 10, 13],
        '13': [0, 4, 10, 14, 21], '5': [0, 7], 'add9': [0, 4, 7, 14], '7#9': [0, 4, 10, 15]}
MAJOR = [0, 2, 4, 5, 7, 9, 11]
MINOR = [0, 2, 3, 5, 7, 8, 10]


def pc(name):
    r = NAMES[name[0]]
    for ch in name[1:]:
        r += 1 if ch == '#' else -1 if ch == 'b' else 0
    return r % 12


class Chord:
    def __init__(self, sym):
        self.sym = sym
        s, bass = (sym.split('/') + [None])[:2]
        i = 2 if len(s) > 1 and s[1] in '#b' else 1
        self.root = pc(s[:i])
        self.ints = QUAL[s[i:]]
        self.bass = pc(bass) if bass else self.root
        self.pcs = sorted({(self.root + x) % 12 for x in self.ints})

    def third(self):
        return (self.root + self.ints[1]) % 12


def close(c, lo, n, pcs=None):
    """n chord tones in close position, ascending from the first one >= lo."""
    pcs = pcs or c.pcs
    out, x = [], lo
    while len(out) < n:
        if x % 12 in pcs:
            out.append(x)
        x += 1
    return out


def rootless(c, lo, n):
    pcs = [p for p in c.pcs if p != c.root] if len(c.pcs) >= 4 else c.pcs
    return close(c, lo, n, pcs)


def bp(c, lo):
    """the chord's bass note in [lo, lo+11]."""
    return lo + (c.bass - lo) % 12


def near(c, target, pcs=None):
    pcs = pcs or c.pcs
    best = None
    for x in range(target - 6, target + 7):
        if x % 12 in pcs and (best is None or abs(x - target) < abs(best - target)):
            best = x
    return best


class Chart:
    def __init__(self, syms, q_per):
        self.ch = [Chord(s) for s in syms]
        self.q_per = q_per

    def at(self, q):
        return self.ch[int(math.floor(q / self.q_per + 1e-6)) % len(self.ch)]


def weak_pcs(c, scale):
    extra = [p for p in c.pcs if p not in scale]
    ok = {s for s in scale if all(min((s - e) % 12, (e - s) % 12) > 1 for e in extra)}
    return sorted(set(c.pcs) | ok)


# ---------------------------------------------------------------- piece / SMF writer


class Piece:
    def __init__(self, name, style, bpm, meter, beat_q, bars, seed, tsig=None):
        self.name, self.style, self.bpm, self.meter, self.beat_q, self.bars = name, style, bpm, meter, beat_q, bars
        self.tsig = tsig or ('%d/4' % meter if beat_q == 1 else '%d/8' % (3 * meter))
        self.qbpm = bpm * beat_q
        self.spq = 60.0 / self.qbpm
        self.bar_q = meter * beat_q
        self.rng = random.Random(seed)
        self.t0 = round(self.rng.uniform(0.25, 0.6), 3)
        self.notes = []      # [on_tick, off_tick, ch, pitch, vel]
        self.ctl = []        # (tick, bytes)
        self.hum = 0.005
        self.final_q = bars * self.bar_q

    # time
    def sec(self, q):
        return self.t0 + q * self.spq

    def tick(self, t):
        return max(0, int(round(t / self.spq * PPQ)))

    def v(self, base, spread=7):
        return base + self.rng.uniform(-spread, spread)

    def setup(self, ch, prog, vol=100, pan=64, rev=40, chorus=0):
        self.ctl += [(0, bytes([0xC0 | ch, prog])), (0, bytes([0xB0 | ch, 7, vol])),
                     (0, bytes([0xB0 | ch, 10, pan])), (0, bytes([0xB0 | ch, 91, rev])),
                     (0, bytes([0xB0 | ch, 93, chorus]))]

    def n(self, ch, q, dur, pitch, vel, hum=None, dt=0.0):
        hum = self.hum if hum is None else hum
        h = self.rng.uniform(-hum, hum) if hum else 0.0
        t = self.sec(q) + dt + h
        te = self.sec(q + dur) + dt + h
        on, off = self.tick(t), self.tick(te)
        off = max(off, on + 2)
        vel = int(max(1, min(127, round(vel))))
        if 0 <= pitch <= 127:
            self.notes.append([on, off, ch, pitch, vel])

    def chord(self, ch, q, dur, pitches, vel, strum=0.0, up=False, hum=None, spread=5):
        hum = self.hum if hum is None else hum
        h = self.rng.uniform(-hum, hum)
        ps = sorted(pitches, reverse=up)
        for i, p in enumerate(ps):
            self.n(ch, q, dur, p, self.v(vel, spread), hum=0, dt=h + i * strum + (i and self.rng.uniform(0, 0.002)))

    def d(self, q, note, vel, hum=0.004):
        h = self.rng.uniform(-hum, hum)
        t = self.sec(q) + h
        on = self.tick(t)
        self.notes.append([on, self.tick(t + 0.12), 9, note, int(max(1, min(127, round(vel))))])

    def melody(self, ch, rhythm, chart, scale_root, scale, lo, hi, vel, legato=0.92, p0=None, acc=8):
        rng = self.rng
        scale = [(scale_root + s) % 12 for s in scale]
        p = p0 if p0 else (lo + hi) // 2
        centre = (lo + hi) / 2.0
        for q, dur in rhythm:
            c = chart.at(q)
            strong = abs(q / self.beat_q - round(q / self.beat_q)) < 1e-6
            pcs = c.pcs if strong or dur >= self.beat_q else weak_pcs(c, scale)
            cands = [x for x in range(lo, hi + 1) if x % 12 in pcs]
            ws = []
            for x in cands:
                st = abs(x - p)
                w = {0: 0.5, 1: 3, 2: 3, 3: 2.2, 4: 1.6, 5: 1.0, 7: 0.7}.get(st, 0.3 if st <= 9 else 0.05)
                w *= math.exp(-2.0 * ((x - centre) / (hi - lo)) ** 2)
                ws.append(w)
            p = rng.choices(cands, ws)[0]
            self.n(ch, q, dur * legato, p, self.v(vel + (acc if strong else 0), 6))
        return p

    # output
    def truth(self):
        nb = self.bars * self.meter + 1
        beats = [round(self.sec(k * self.beat_q), 4) for k in range(nb)]
        return {'file': 'wav/%s.wav' % self.name, 'style': self.style, 'time_signature': self.tsig,
                'meter': self.meter, 'bpm': self.bpm, 'beats': beats, 'downbeats': beats[::self.meter],
                't0': self.t0, 'bars': self.bars}

    def write_midi(self, path):
        # a note that starts while the same pitch still sounds on that channel ends the old one first
        byk = {}
        for nt in sorted(self.notes):
            byk.setdefault((nt[2], nt[3]), []).append(nt)
        for lst in byk.values():
            for a, b in zip(lst, lst[1:]):
                if a[1] >= b[0]:
                    a[1] = max(a[0] + 1, b[0] - 1)
        ev = [(t, 0, i, d) for i, (t, d) in enumerate(self.ctl)]
        for on, off, ch, p, vel in self.notes:
            ev.append((on, 2, 0, bytes([0x90 | ch, p, vel])))
            ev.append((off, 1, 0, bytes([0x80 | ch, p, 0])))
        ev.sort(key=lambda e: (e[0], e[1], e[2]))
        trk = bytearray(vlq(0) + b'\xff\x51\x03' + int(round(60e6 / self.qbpm)).to_bytes(3, 'big'))
        num = int(self.tsig.split('/')[0]); den = int(self.tsig.split('/')[1])
        trk += vlq(0) + b'\xff\x58\x04' + bytes([num, int(math.log2(den)), 24, 8])
        last = 0
        for t, _, _, data in ev:
            trk += vlq(t - last) + data
            last = t
        trk += vlq(PPQ) + b'\xff\x2f\x00'
        with open(path, 'wb') as f:
            f.write(b'MThd' + struct.pack('>IHHH', 6, 0, 1, PPQ))
            f.write(b'MTrk' + struct.pack('>I', len(trk)) + trk)

    def render(self):
        mid = os.path.join(OUT, 'midi', self.name + '.mid')
        raw = os.path.join(tempfile.gettempdir(), 'heldout_' + self.name + '.raw.wav')
        out = os.path.join(OUT, 'wav', self.name + '.wav')
        self.write_midi(mid)
        subprocess.run(['fluidsynth', '-ni', '-q', '-g', '0.6', '-r', str(SR), '-F', raw, SF2, mid], check=True,
                       stdout=subprocess.DEVNULL)
        with wave.open(raw) as w:
            nch = w.getnchannels()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, nch).astype(np.float64)
        os.remove(raw)
        period = 60.0 / self.bpm
        end_t = self.sec(self.final_q) + min(1.5, max(0.35, 0.9 * period))
        n_end = int(end_t * SR)
        if len(x) < n_end:
            x = np.concatenate([x, np.zeros((n_end - len(x), nch))])
        x = x[:n_end]
        nf = int(min(0.3, 0.6 * (end_t - self.sec(self.final_q))) * SR)
        x[-nf:] *= np.linspace(1, 0, nf)[:, None]
        x *= 0.89 * 32767 / max(1.0, np.abs(x).max())
        with wave.open(out, 'wb') as w:
            w.setnchannels(nch); w.setsampwidth(2); w.setframerate(SR)
            w.writeframes(np.round(x).astype(np.int16).tobytes())
        return end_t


def rhythms(P, bars, patterns, weights=None, start_bar=0):
    """concatenate one random pattern per bar; patterns are lists of (q_offset, dur) in quarters."""
    out = []
    for b in range(start_bar, start_bar + bars):
        pat = P.rng.choices(patterns, weights)[0]
        out += [(b * P.bar_q + o, d) for o, d in pat]
    return out


def final_chord(P, ch, c, lo_bass, lo_up, n, vel, dur=None, strum=0.0, bass_ch=None):
    q = P.final_q
    dur = dur or P.bar_q
    P.n(ch if bass_ch is None else bass_ch, q, dur, bp(c, lo_bass), vel)
    P.chord(ch, q, dur, close(c, lo_up, n), vel - 5, strum=strum)


# ---------------------------------------------------------------- the pieces
PIECES = []


def piece(fn):
    PIECES.append(fn)
    return fn


@piece
def nylon_arp_72():
    P = Piece('nylon_arp_72', 'fingerpicked nylon guitar arpeggios, soft flute (no drums)', 72, 4, 1, 9, seed=1)
    P.setup(0, 24, vol=115, pan=58, rev=50)
    P.setup(1, 73, vol=62, pan=80, rev=70)
    ch = Chart(['Em', 'Cmaj7', 'G', 'D/F#', 'Am7', 'Em', 'B7', 'Em', 'Em'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        bass = bp(c, 40)
        alt = near(c, bass + 7)
        up = close(c, 55, 4)
        P.n(0, q0, 2.0, bass, P.v(76))
        P.n(0, q0, 1.5, up[3], P.v(58))
        for off, i in [(0.5, 0), (1, 1), (1.5, 2), (2.5, 1), (3, 3), (3.5, 2)]:
            P.n(0, q0 + off, 1.5, up[i], P.v(54 if off % 1 == 0 else 46))
        P.n(0, q0 + 2, 2.0, alt, P.v(68))
    final_chord(P, 0, Chord('Em'), 40, 55, 4, 72, strum=0.012)
    r = rhythms(P, 7, [[(0, 2), (2, 1), (3, 1)], [(0, 1.5), (1.5, 0.5), (2, 2)], [(0, 3), (3, 1)], [(0, 4)]],
                start_bar=2)
    P.melody(1, r, ch, 4, MINOR, 69, 86, 60, legato=0.97)
    P.n(1, P.final_q, 3, 76, 55)
    return P


@piece
def nylon_arp_96():
    P = Piece('nylon_arp_96', 'travis-picked nylon guitar, string pad (no drums)', 96, 4, 1, 12, seed=2)
    P.setup(0, 24, vol=118, pan=60, rev=45)
    P.setup(1, 49, vol=55, pan=72, rev=70)
    ch = Chart(['D', 'Bm', 'G', 'A', 'D/F#', 'G', 'Em7', 'A7', 'Bm', 'G', 'Em7', 'A7'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        root = bp(c, 38)
        fifth = near(c, root + 7)
        mid = near(c, 52) if b % 2 else near(c, 55)
        up = close(c, 62, 3)
        for beat, note in enumerate([root, mid, fifth, mid]):
            P.n(0, q0 + beat, 0.9, note, P.v(72 if beat % 2 == 0 else 62))
        P.n(0, q0, 1.0, up[2], P.v(60))
        if b % 2 == 0:
            P.n(0, q0 + 2, 1.0, up[1], P.v(52))
        for k, i in enumerate([1, 0, 2, 1]):
            P.n(0, q0 + k + 0.5, 0.9, up[i], P.v(48))
        P.chord(1, q0, 3.95, close(c, 57, 3), 45)
    final_chord(P, 0, Chord('D'), 38, 62, 3, 72, strum=0.012)
    P.chord(1, P.final_q, 4, close(Chord('D'), 57, 3), 45)
    return P


def hymn_progression(key_pc, n_beats, rng, phrase=8):
    deg = {'I': (0, ''), 'ii': (2, 'm'), 'iii': (4, 'm'), 'IV': (5, ''), 'V': (7, ''), 'vi': (9, 'm'),
           'V7': (7, '7'), 'ii7': (2, 'm7')}
    succ = {'I': ['IV', 'V', 'vi', 'ii', 'iii', 'IV'], 'ii': ['V', 'V7', 'iii'], 'ii7': ['V', 'V7'],
            'iii': ['vi', 'IV'], 'IV': ['V', 'I', 'ii', 'ii7'], 'V': ['I', 'vi', 'iii'], 'vi': ['ii', 'IV', 'V', 'ii7'],
            'V7': ['I', 'vi']}
    names = []
    nph = n_beats // phrase
    for ph in range(nph):
        half = ph % 2 == 0 and ph != nph - 1
        while True:
            seq = ['I']
            for _ in range(phrase - 2):
                seq.append(rng.choice(succ[seq[-1]]))
            if half:
                if seq[-1] in ('ii', 'IV', 'vi', 'ii7', 'I', 'iii'):
                    seq.append('V')
                    break
            else:
                if seq[-1] in ('V', 'V7'):
                    seq.append('I')
                    break
        names += seq
    out = []
    nm = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B']
    for i, d in enumerate(names):
        r, q = deg[d]
        sym = nm[(key_pc + r) % 12] + q
        if i % phrase not in (0, phrase - 1) and d in ('I', 'IV', 'V', 'ii') and rng.random() < 0.25:
            c = Chord(sym)
            sym += '/' + nm[c.third()]
        out.append(sym)
    return out


def satb(chords, rng):
    rngs = [(38, 55), (48, 67), (55, 72), (62, 79)]
    prev = None
    out = []
    for c in chords:
        cand = [[x for x in range(lo, hi + 1) if x % 12 in c.pcs] for lo, hi in rngs]
        cand[0] = [x for x in range(38, 56) if x % 12 == c.bass]
        best, bc = None, 1e9
        for b in cand[0]:
            for t in cand[1]:
                if t <= b or t - b > 19:
                    continue
                for a in cand[2]:
                    if a <= t or a - t > 12:
                        continue
                    for s in cand[3]:
                        if s <= a or s - a > 12:
                            continue
                        got = {b % 12, t % 12, a % 12, s % 12}
                        cost = 0.0
                        if c.root not in got: cost += 8
                        if c.third() not in got: cost += 8
                        if len(c.ints) >= 4 and (c.root + c.ints[3]) % 12 not in got: cost += 3
                        if prev:
                            pb, pt, pa, ps = prev
                            cost += abs(s - ps) + abs(a - pa) + abs(t - pt) + 0.3 * abs(b - pb)
                            if s == ps: cost += 1.5
                            if abs(s - ps) > 5: cost += 4
                        else:
                            cost += abs(s - 70) + abs(a - 64) + abs(t - 57)
                        cost += rng.random() * 1.5
                        if cost < bc:
                            best, bc = (b, t, a, s), cost
        out.append(best)
        prev = best
    return out


def hymn(name, style, bpm, bars, seed, key, choir_lead):
    P = Piece(name, style, bpm, 4, 1, bars, seed)
    syms = hymn_progression(pc(key), bars * 4, P.rng)
    chords = [Chord(s) for s in syms] + [Chord(key)]
    voices = satb(chords, P.rng)
    # FluidR3's choir aahs (52) and low church-organ (19) samples swell for 150-280 ms; voice oohs (53)
    # and reed organ (20) speak within ~30-50 ms, so they carry the articulation.
    if choir_lead:
        P.setup(0, 53, vol=118, pan=64, rev=75)   # choir (oohs) SATB
        P.setup(1, 20, vol=66, pan=64, rev=75)    # reed organ, soft
        P.setup(2, 48, vol=70, pan=50, rev=70)    # strings doubling bass + tenor
        P.setup(3, 52, vol=70, pan=70, rev=80)    # aahs on S, A
    else:
        P.setup(0, 19, vol=110, pan=64, rev=80)   # church organ SATB
        P.setup(1, 20, vol=80, pan=64, rev=80)    # reed organ doubling bass and tenor
        P.setup(2, 53, vol=80, pan=70, rev=80)    # choir (oohs) on S, A
    for i, (b, t, a, s) in enumerate(voices):
        q = i
        last = i == len(voices) - 1
        dur = 4.0 if last else 0.96
        accent = 6 if i % 4 == 0 else 0
        if choir_lead:
            for p in (b, t, a, s):
                P.n(0, q, dur, p, P.v(82 + accent))
            P.chord(1, q, dur, [b, t, a, s], 60)
            P.n(2, q, dur, b, P.v(70))
            P.n(2, q, dur, t, P.v(60))
            P.n(3, q, dur, s, P.v(66))
            P.n(3, q, dur, a, P.v(58))
        else:
            # church-organ pipes speak late (steepest rise ~60 ms after note-on): key them 40 ms early
            for p in (b, t, a, s):
                P.n(0, q, dur, p, P.v(80 + accent), dt=-0.04)
            P.n(1, q, dur, b, P.v(80))
            P.n(1, q, dur, t, P.v(66))
            P.n(2, q, dur, s, P.v(70))
            P.n(2, q, dur, a, P.v(62))
    P.chords_used = syms
    return P


@piece
def hymn_organ_60():
    return hymn('hymn_organ_60', 'church organ hymn + choir, chord change every beat', 60, 8, 3, 'G', False)


@piece
def hymn_choir_84():
    return hymn('hymn_choir_84', 'choir hymn + soft organ & strings, chord change every beat', 84, 11, 4, 'F', True)


def bossa(name, bpm, seed, syms, key_root, clave, lead_prog, pad):
    P = Piece(name, 'bossa nova (nylon guitar, bass 1 & and-of-2, rim clave, shaker 8ths)', bpm, 4, 1, 16, seed)
    P.setup(0, 24, vol=105, pan=50, rev=45)
    P.setup(1, 32, vol=112, pan=64, rev=30)
    P.setup(2, lead_prog, vol=75, pan=80, rev=60)
    if pad:
        P.setup(3, 4, vol=60, pan=40, rev=60)
    ch = Chart(syms, 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        root = bp(c, 36)
        fifth = near(c, root + 7) if near(c, root + 7) <= 50 else near(c, root - 5)
        # bass: 1 and the and of 2 (tied over 3)
        P.n(1, q0, 1.4, root, P.v(92))
        P.n(1, q0 + 1.5, 1.9, fifth, P.v(82))
        if b % 2 == 1:
            nxt = bp(ch.at(q0 + 4), 36)
            P.n(1, q0 + 3.5, 0.45, nxt + (1 if P.rng.random() < 0.5 else -1), P.v(60))
        # guitar: thumb on 1 and 3, chords on the 2-bar clave
        P.n(0, q0, 0.9, bp(c, 40), P.v(62))
        P.n(0, q0 + 2, 0.9, near(c, bp(c, 40) + 7), P.v(56))
        voic = close(c, 57, 4)
        for pos in clave:
            qq = pos * 0.5 - (b % 2) * 4
            if 0 <= qq < 4:
                P.chord(0, q0 + qq, 0.45, voic, 60 + (6 if qq in (0, 2) else 0), strum=0.006)
                P.d(q0 + qq, 37, P.v(72))
        # shaker eighths, soft kick on 1 / and of 2 / 3 / and of 4, hat foot on 2 & 4
        for k in range(8):
            P.d(q0 + k * 0.5, 70, P.v(58 if k % 2 else 44, 5))
        for qq, vv in [(0, 58), (1.5, 40), (2, 50), (3.5, 36)]:
            P.d(q0 + qq, 36, P.v(vv, 4))
        if pad:
            P.d(q0 + 1, 44, P.v(40)); P.d(q0 + 3, 44, P.v(40))
            P.chord(3, q0, 3.9, rootless(c, 55, 4), 48)
    final = Chord(syms[-1])
    P.n(1, P.final_q, 3, bp(final, 36), 85)
    P.chord(0, P.final_q, 3, close(final, 57, 4) + [bp(final, 40)], 64, strum=0.015)
    P.d(P.final_q, 37, 70); P.d(P.final_q, 36, 55)
    pats = [[(0.5, 1), (1.5, 1), (2.5, 1.5)], [(0, 1.5), (1.5, 0.5), (2, 2)], [(0, 0.5), (0.5, 1), (1.5, 2.5)],
            [(1, 0.5), (1.5, 0.5), (2, 0.5), (2.5, 1.5)], [(0, 4)]]
    r = rhythms(P, 12, pats, start_bar=4)
    P.melody(2, r, ch, key_root, MAJOR, 67, 86, 70)
    return P


@piece
def bossa_128():
    return bossa('bossa_128', 128, 5, ['Cmaj7', 'Cmaj7', 'D7', 'D7', 'Dm7', 'G7', 'Cmaj7', 'A7',
                                       'Dm7', 'G7', 'Em7', 'A7', 'Dm7', 'G7', 'Cmaj7', 'Cmaj7'],
                 0, [0, 3, 6, 10, 13], 73, False)


@piece
def bossa_136():
    return bossa('bossa_136', 136, 6, ['Fmaj7', 'Fmaj7', 'G7', 'G7', 'Gm7', 'C7', 'Fmaj7', 'D7b9',
                                       'Gm7', 'C7', 'Am7', 'D7', 'Gm7', 'C7', 'Fmaj7', 'Fmaj7'],
                 5, [2, 5, 8, 11, 14], 11, True)


@piece
def waltz_150():
    P = Piece('waltz_150', 'waltz 3/4: pizz bass on 1, string chords on 2-3, soft kick on 1, violin melody',
              150, 3, 1, 24, seed=7)
    P.setup(0, 45, vol=110, pan=54, rev=60)
    P.setup(1, 48, vol=88, pan=70, rev=65)
    P.setup(2, 40, vol=92, pan=60, rev=70)
    ch = Chart(['G', 'G', 'D7', 'D7', 'D7', 'D7', 'G', 'G', 'C', 'C', 'G', 'G', 'A7', 'A7', 'D7', 'D7',
                'G', 'G', 'D7', 'D7', 'C', 'Am', 'D7', 'G'], 3)
    for b in range(P.bars):
        q0 = b * 3
        c = ch.at(q0)
        root = bp(c, 36)
        P.n(0, q0, 0.9, root if b % 2 == 0 else near(c, root + 7), P.v(90))
        P.chord(1, q0 + 1, 0.45, close(c, 60, 3), 62)
        P.chord(1, q0 + 2, 0.45, close(c, 60, 3), 56)
        P.d(q0, 36, P.v(52, 5))
    r = rhythms(P, P.bars - 2, [[(0, 1), (1, 1), (2, 1)], [(0, 2), (2, 1)], [(0, 3)], [(0, 1.5), (1.5, 0.5), (2, 1)]],
                [3, 3, 1, 2], start_bar=2)
    P.melody(2, r, ch, 7, MAJOR, 67, 88, 72, legato=0.95)
    P.n(0, P.final_q, 2, 43, 90)
    P.chord(1, P.final_q, 2.5, close(Chord('G'), 55, 4), 70)
    P.n(2, P.final_q, 2.5, 79, 70)
    P.d(P.final_q, 36, 60)
    return P


@piece
def waltz_120():
    P = Piece('waltz_120', 'slow waltz 3/4: string pad, cello on 1, harp arpeggio, soft kick on 1, clarinet',
              120, 3, 1, 20, seed=8)
    P.setup(0, 49, vol=80, pan=64, rev=70)
    P.setup(1, 42, vol=100, pan=50, rev=60)
    P.setup(2, 46, vol=105, pan=76, rev=60)
    P.setup(3, 71, vol=88, pan=64, rev=65)
    ch = Chart(['Dm', 'Dm', 'A7', 'A7', 'Dm', 'Dm', 'Gm', 'Gm', 'Dm', 'Dm', 'Bb', 'Bb', 'Gm', 'A7', 'Dm', 'Dm',
                'Gm', 'A7', 'Dm', 'A7'], 3)
    for b in range(P.bars):
        q0 = b * 3
        c = ch.at(q0)
        P.chord(0, q0, 2.95, close(c, 57, 4), 60)
        P.n(1, q0, 2.6, bp(c, 38), P.v(82))
        arp = close(c, 62, 4)
        start = 0 if b % 2 == 0 else 1
        for k in range(3):
            P.n(2, q0 + k, 1.4, arp[start + k], P.v(70 if k == 0 else 58))
        P.d(q0, 36, P.v(55, 4))
    r = rhythms(P, P.bars - 4, [[(0, 2), (2, 1)], [(0, 3)], [(0, 1), (1, 1), (2, 1)], [(0, 1), (1, 2)]], start_bar=4)
    P.melody(3, r, ch, 2, [0, 2, 3, 5, 7, 8, 10], 62, 81, 74, legato=0.95)
    f = Chord('Dm')
    P.chord(0, P.final_q, 3, close(f, 57, 4), 60)
    P.n(1, P.final_q, 3, 38, 85)
    P.n(2, P.final_q, 2, 62, 70)
    P.n(3, P.final_q, 3, 74, 70)
    P.d(P.final_q, 36, 55)
    return P


def piano68(name, bpm, bars, seed, syms, key_root, scale, cello):
    P = Piece(name, '6/8 piano: bass on 1 and 4, arpeggiated eighths, melody' + (', cello' if cello else ''),
              bpm, 2, 1.5, bars, seed)
    E = 0.5
    P.setup(0, 0, vol=112, pan=64, rev=55)
    if cello:
        P.setup(1, 42, vol=80, pan=48, rev=65)
    ch = Chart(syms, 3)
    for b in range(P.bars):
        q0 = b * 3
        c = ch.at(q0)
        bass = bp(c, 36)
        arp = close(c, 52, 4)
        P.n(0, q0, 1.5, bass, P.v(74))
        P.n(0, q0 + 3 * E, 1.5, near(c, bass + 7) if b % 2 == 0 else bass + 12, P.v(66))
        seq = [None, 0, 1, 2, 1, 0] if b % 2 == 0 else [None, 0, 1, 2, 3, 2]
        for k, i in enumerate(seq):
            if i is not None:
                P.n(0, q0 + k * E, 1.5 - (k % 3) * E + 0.2, arp[i], P.v(50 if k != 3 else 56))
        if k == 5 and True:
            pass
    r = rhythms(P, P.bars - 1, [[(0, 1.5), (1.5, 1.5)], [(0, 1), (1, 0.5), (1.5, 1.5)], [(0, 3)],
                                [(0, 1.5), (1.5, 1), (2.5, 0.5)]], start_bar=1)
    P.melody(0, r, ch, key_root, scale, 67, 84, 72, legato=0.95)
    f = Chord(syms[0])
    P.n(0, P.final_q, 3, bp(f, 36), 72)
    P.chord(0, P.final_q, 3, close(f, 52, 4) + [near(f, 76)], 64, strum=0.02)
    if cello:
        r2 = rhythms(P, P.bars - 3, [[(0, 3)], [(0, 1.5), (1.5, 1.5)], [(0, 2), (2, 1)]], start_bar=3)
        P.melody(1, r2, ch, key_root, scale, 48, 62, 66, legato=0.97)
        P.n(1, P.final_q, 3, bp(f, 48), 62)
    return P


@piece
def piano68_60():
    return piano68('piano68_60', 60, 15, 9, ['Am', 'Am', 'F', 'F', 'C', 'C', 'G', 'E7', 'Am', 'Dm', 'G', 'C', 'F', 'Dm', 'E7'],
                   9, MINOR, False)


@piece
def piano68_50():
    return piano68('piano68_50', 50, 13, 10, ['Fm', 'Db', 'Ab', 'Eb', 'Fm', 'Bbm', 'C7', 'Fm', 'Db', 'Bbm', 'Eb', 'Ab', 'C7'],
                   5, MINOR, True)


@piece
def strings68_58():
    P = Piece('strings68_58', '6/8 string pad with pizzicato eighths, contrabass, oboe', 58, 2, 1.5, 15, seed=11)
    E = 0.5
    P.setup(0, 49, vol=78, pan=64, rev=75)
    P.setup(1, 45, vol=118, pan=56, rev=60)
    P.setup(2, 43, vol=80, pan=64, rev=60)
    P.setup(3, 68, vol=84, pan=74, rev=70)
    ch = Chart(['G', 'Em', 'C', 'D', 'G', 'Bm', 'C', 'D', 'Em', 'C', 'G', 'D', 'C', 'Am7', 'D7'], 3)
    for b in range(P.bars):
        q0 = b * 3
        c = ch.at(q0)
        P.chord(0, q0, 2.95, close(c, 55, 4), 58)
        P.n(2, q0, 2.9, bp(c, 31), P.v(70))
        bass = bp(c, 43)
        up = close(c, 55, 3)
        for k, p in enumerate([bass, up[0], up[1], near(c, bass + 7), up[2], up[1]]):
            P.n(1, q0 + k * E, 0.45, p, P.v(84 if k == 0 else 76 if k == 3 else 58))
    r = rhythms(P, 11, [[(0, 1.5), (1.5, 1.5)], [(0, 3)], [(0, 1), (1, 0.5), (1.5, 1.5)]], start_bar=3)
    P.melody(3, r, ch, 7, MAJOR, 67, 83, 68, legato=0.97)
    f = Chord('G')
    P.chord(0, P.final_q, 3, close(f, 55, 4), 60)
    P.n(2, P.final_q, 3, 31, 70)
    P.chord(1, P.final_q, 1, [43, 55, 59, 62], 80)
    P.n(3, P.final_q, 3, 79, 64)
    return P


@piece
def funk_100():
    P = Piece('funk_100', 'funk: clavinet on off-beat 16ths, kick 1 & and-of-2, snare 2 & 4, 16th hats, bass, brass',
              100, 4, 1, 12, seed=12)
    P.setup(0, 7, vol=100, pan=40, rev=25)
    P.setup(1, 33, vol=115, pan=64, rev=15)
    P.setup(2, 61, vol=88, pan=86, rev=40)
    ch = Chart(['E9', 'E9', 'E9', 'E9', 'A9', 'A9', 'E9', 'E9', 'B7', 'A9', 'E9', 'E9'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        P.d(q0, 36, P.v(110, 5)); P.d(q0 + 1.5, 36, P.v(100, 5))
        if b % 2:
            P.d(q0 + 2.75, 36, P.v(80, 5))
        P.d(q0 + 1, 38, P.v(112, 5)); P.d(q0 + 3, 38, P.v(112, 5))
        for g in (1.75, 2.25, 3.75):
            if P.rng.random() < 0.6:
                P.d(q0 + g, 38, P.v(32, 5))
        for k in range(16):
            if b % 2 == 1 and k == 14:
                P.d(q0 + 3.5, 46, P.v(80)); continue
            P.d(q0 + k * 0.25, 42, P.v(82 if k % 2 == 0 else 50, 6))
        # clavinet stabs on the e and a of each beat
        voic = close(c, 60, 3)
        for beat in range(4):
            for off in (0.25, 0.75):
                if P.rng.random() < 0.8:
                    P.chord(0, q0 + beat + off, 0.14, voic, 78 if off == 0.75 else 66)
        root = 28 + (c.root - 28) % 12
        for qq, dur, iv, vv in [(0, 0.4, 0, 100), (0.75, 0.2, 12, 80), (1.5, 0.4, 0, 95), (2.5, 0.2, 10, 75),
                                (2.75, 0.2, 12, 85), (3.25, 0.2, 7, 72), (3.5, 0.4, 10, 84)]:
            P.n(1, q0 + qq, dur, root + iv, P.v(vv))
        if b % 4 == 3:
            P.chord(2, q0 + 3.5, 0.3, close(c, 62, 3), 90)
            P.chord(2, q0 + 2.75, 0.2, close(c, 62, 3), 80)
    P.d(P.final_q, 36, 115); P.d(P.final_q, 49, 100)
    P.n(1, P.final_q, 2, 28, 100)
    P.chord(0, P.final_q, 0.3, close(Chord('E9'), 60, 3), 80)
    P.chord(2, P.final_q, 1.5, close(Chord('E9'), 62, 4), 92)
    return P


@piece
def musette_170():
    P = Piece('musette_170', 'accordion musette waltz: accordion melody & chords, bass on 1, guitar on 2-3',
              170, 3, 1, 28, seed=13)
    P.setup(0, 21, vol=105, pan=64, rev=50, chorus=40)
    P.setup(1, 21, vol=70, pan=52, rev=45)
    P.setup(2, 32, vol=108, pan=60, rev=35)
    P.setup(3, 25, vol=78, pan=80, rev=40)
    ch = Chart(['Am', 'Am', 'E7', 'E7', 'E7', 'E7', 'Am', 'Am', 'Dm', 'Dm', 'Am', 'Am', 'E7', 'E7', 'Am', 'Am',
                'C', 'C', 'G7', 'G7', 'G7', 'G7', 'C', 'C', 'Dm', 'E7', 'Am', 'Am'], 3)
    for b in range(P.bars):
        q0 = b * 3
        c = ch.at(q0)
        root = bp(c, 38)
        P.n(2, q0, 0.9, root if b % 2 == 0 else near(c, root - 5) if near(c, root - 5) >= 33 else near(c, root + 7),
            P.v(92))
        for k in (1, 2):
            P.chord(1, q0 + k, 0.4, close(c, 57, 3), 58)
            P.chord(3, q0 + k, 0.25, close(c, 55, 4), 62 if k == 1 else 56, strum=0.005)
    r = rhythms(P, P.bars, [[(0, .5), (.5, .5), (1, .5), (1.5, .5), (2, 1)], [(0, 1), (1, 1), (2, 1)],
                            [(0, 2), (2, .5), (2.5, .5)], [(0, 3)], [(0, 1.5), (1.5, .5), (2, 1)]], [3, 3, 2, 1, 2])
    P.melody(0, r, ch, 9, [0, 2, 3, 5, 7, 8, 11], 69, 88, 80, legato=0.9)
    f = Chord('Am')
    P.n(2, P.final_q, 2, 45, 95)
    P.chord(1, P.final_q, 2, close(f, 57, 3), 64)
    P.chord(3, P.final_q, 1, close(f, 55, 4), 64, strum=0.012)
    P.n(0, P.final_q, 2.5, 81, 82)
    return P


@piece
def swing_140():
    P = Piece('swing_140', 'jazz swing: ride pattern, hi-hat 2 & 4, walking bass, piano comping on and-of-2/4, tenor sax',
              140, 4, 1, 16, seed=14)
    P.setup(0, 32, vol=118, pan=64, rev=35)
    P.setup(1, 0, vol=86, pan=44, rev=45)
    P.setup(2, 66, vol=84, pan=82, rev=55)
    sw = 2.0 / 3.0
    bars = [('Bbmaj7', 'Gm7'), ('Cm7', 'F7'), ('Dm7', 'G7'), ('Cm7', 'F7'), ('Fm7', 'Bb7'), ('Ebmaj7', 'Ab7'),
            ('Dm7', 'G7'), ('Cm7', 'F7'), ('Bbmaj7', 'G7'), ('Cm7', 'F7'), ('Dm7', 'Db7'), ('Cm7', 'B7'),
            ('Bbmaj7', 'Bb7'), ('Ebmaj7', 'Ebm6'), ('Dm7', 'G7'), ('Cm7', 'F7')]
    ch = Chart([s for pair in bars for s in pair], 2)
    prev = 46
    for b in range(P.bars):
        q0 = b * 4
        # drums
        for beat in range(4):
            P.d(q0 + beat, 51, P.v(76 if beat % 2 else 64, 5))
            P.d(q0 + beat, 36, P.v(26, 3))
        for beat in (1, 3):
            P.d(q0 + beat + sw, 51, P.v(54, 5))
            P.d(q0 + beat, 44, P.v(70, 5))
        if P.rng.random() < 0.6:
            P.d(q0 + P.rng.choice([0, 1, 2, 3]) + sw, 38, P.v(38, 6))
        # walking bass
        for beat in range(4):
            q = q0 + beat
            c = ch.at(q)
            if beat % 2 == 0:
                p = near(c, prev, [c.root]) if 36 <= near(c, prev, [c.root]) <= 55 else bp(c, 40)
            else:
                nxt = ch.at(q + 1)
                tgt = near(nxt, prev, [nxt.root])
                if P.rng.random() < 0.6:
                    p = tgt + P.rng.choice([-1, 1])
                else:
                    p = near(c, prev + P.rng.choice([-4, -3, 3, 4]), [(c.root + 7) % 12, c.third()])
                if p == prev:
                    p = prev + 2
            p = min(55, max(34, p))
            P.n(0, q, 0.92, p, P.v(88 if beat % 2 == 0 else 80))
            prev = p
        # comping on the (swung) and of 2 and of 4
        for half in (0, 2):
            c = ch.at(q0 + half)
            at = q0 + half + 1 + sw if P.rng.random() < 0.8 else q0 + half
            P.chord(1, at, P.rng.choice([0.3, 0.6, 1.2]), rootless(c, 55, 4), 62, spread=8)
    # sax phrases with swung eighths
    r = []
    for b in range(4, 15):
        if b % 4 == 3:
            continue
        for beat in range(4):
            if P.rng.random() < 0.75:
                r.append((b * 4 + beat, sw if P.rng.random() < 0.6 else 0.95))
                if r[-1][1] < 0.9 and P.rng.random() < 0.8:
                    r.append((b * 4 + beat + sw, 1 - sw))
    P.melody(2, r, ch, 10, MAJOR, 58, 77, 76, legato=0.95)
    f = Chord('Bb6')
    P.n(0, P.final_q, 2, 34, 90)
    P.chord(1, P.final_q, 2, rootless(f, 55, 4), 65)
    P.n(2, P.final_q, 2, 65, 70)
    P.d(P.final_q, 51, 80); P.d(P.final_q, 36, 60); P.d(P.final_q, 49, 60)
    return P


@piece
def reggae_76():
    P = Piece('reggae_76', 'reggae one-drop: kick+rim on 3 only, guitar skank 2 & 4, organ bubble, bass, trombone',
              76, 4, 1, 10, seed=15)
    P.setup(0, 28, vol=100, pan=78, rev=35)
    P.setup(1, 16, vol=70, pan=44, rev=40)
    P.setup(2, 33, vol=118, pan=64, rev=15)
    P.setup(3, 57, vol=82, pan=60, rev=60)
    ch = Chart(['Am', 'D', 'Am', 'D', 'F', 'G', 'Em', 'Am', 'F', 'G'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        # one drop
        P.d(q0 + 2, 36, P.v(104, 5)); P.d(q0 + 2, 37, P.v(96, 5))
        for k in range(8):
            if b % 2 == 1 and k == 7:
                P.d(q0 + 3.5 + 0.04, 46, P.v(64)); continue
            P.d(q0 + k * 0.5 + (0.04 if k % 2 else 0), 42, P.v(64 if k % 2 == 0 else 44, 6))
        if b % 4 == 3:
            for k in range(3):
                P.d(q0 + 3 + k / 3.0, 38, P.v(60 + 10 * k))
        # skank on 2 and 4, organ bubble
        for beat in (1, 3):
            P.chord(0, q0 + beat, 0.18, close(c, 64, 3), 84, strum=0.004, up=True)
        for qq in (0.5, 1.5, 2.5, 3.5):
            P.chord(1, q0 + qq, 0.2, close(c, 48, 3), 60)
        for qq in (1, 3):
            P.chord(1, q0 + qq, 0.3, close(c, 60, 3), 56)
        root = bp(c, 33)
        fifth = near(c, root + 7)
        for qq, dur, p, vv in [(0.5, 0.45, root, 96), (1.0, 0.7, root, 90), (2.0, 0.45, fifth, 92),
                               (2.5, 0.4, near(c, root + 12), 84), (3.0, 0.4, root + 12, 80), (3.5, 0.4, fifth, 82)]:
            P.n(2, q0 + qq, dur, p, P.v(vv))
    r = rhythms(P, 4, [[(0, 1), (1, 0.5), (1.5, 2.5)], [(0.5, 1.5), (2, 2)], [(0, 2), (2, 1), (3, 1)]], start_bar=4)
    P.melody(3, r, ch, 9, MINOR, 55, 70, 74, legato=0.9)
    P.d(P.final_q, 36, 100); P.d(P.final_q, 49, 80)
    f = Chord('Am')
    P.n(2, P.final_q, 2, 45, 95)
    P.chord(0, P.final_q, 2, close(f, 57, 4), 80, strum=0.015)
    P.chord(1, P.final_q, 2, close(f, 57, 3), 60)
    return P


@piece
def country_110():
    P = Piece('country_110', 'country train beat: snare 16ths accented 2 & 4, boom-chick bass & strums, banjo roll, fiddle',
              110, 4, 1, 14, seed=16)
    P.setup(0, 32, vol=110, pan=64, rev=25)
    P.setup(1, 25, vol=92, pan=44, rev=35)
    P.setup(2, 105, vol=80, pan=84, rev=35)
    P.setup(3, 40, vol=88, pan=64, rev=55)
    ch = Chart(['G', 'G', 'C', 'G', 'D', 'D', 'G', 'G', 'C', 'C', 'G', 'Em', 'D', 'D'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        for k in range(16):
            qq = k * 0.25
            vel = 102 if k in (4, 12) else 58 if k % 2 == 0 else 30
            P.d(q0 + qq, 38, P.v(vel, 5))
        P.d(q0, 36, P.v(96)); P.d(q0 + 2, 36, P.v(90))
        P.d(q0 + 1, 44, P.v(50)); P.d(q0 + 3, 44, P.v(50))
        root = bp(c, 40)
        fifth = near(c, root - 5) if near(c, root - 5) >= 35 else near(c, root + 7)
        P.n(0, q0, 0.9, root, P.v(94)); P.n(0, q0 + 2, 0.9, fifth, P.v(88))
        nc = ch.at(q0 + 4)
        if nc.sym != c.sym:
            tgt = bp(nc, 40)
            P.n(0, q0 + 3, 0.45, tgt - 2 if tgt - 2 >= 35 else tgt + 2, P.v(78))
            P.n(0, q0 + 3.5, 0.45, tgt - 1 if tgt - 1 >= 35 else tgt + 1, P.v(80))
        gv = close(c, 52, 5)
        P.n(1, q0, 0.9, bp(c, 40), P.v(76)); P.n(1, q0 + 2, 0.9, near(c, bp(c, 40) + 7), P.v(72))
        for qq in (1, 3):
            P.chord(1, qq + q0, 0.45, gv, 74, strum=0.008)
        for qq in (1.5, 3.5):
            P.chord(1, qq + q0, 0.3, gv[-3:], 54, strum=0.006, up=True)
        if b >= 4:
            up = close(c, 62, 3)
            for k, i in enumerate([2, 1, 0, 2, 1, 0, 2, 1]):
                P.n(2, q0 + k * 0.5, 0.45, up[i], P.v(66 if k % 2 == 0 else 54))
    r = rhythms(P, 8, [[(0, 1), (1, 1), (2, 1.5), (3.5, 0.5)], [(0, 2), (2, 2)], [(0.5, 0.5), (1, 1), (2, 1), (3, 1)]],
                start_bar=2)
    P.melody(3, r, ch, 7, MAJOR, 67, 86, 76, legato=0.92)
    f = Chord('G')
    P.n(0, P.final_q, 2, 43, 96)
    P.chord(1, P.final_q, 2, close(f, 52, 5), 80, strum=0.015)
    P.d(P.final_q, 36, 100); P.d(P.final_q, 49, 90)
    return P


@piece
def soul_ballad_54():
    P = Piece('soul_ballad_54', 'slow soul ballad 12/8: triplet piano chords, kick 1, snare on beats 2 & 4, bass, strings, sax',
              54, 4, 1.5, 7, seed=17, tsig='12/8')
    E = 0.5
    P.setup(0, 0, vol=92, pan=52, rev=55)
    P.setup(1, 33, vol=112, pan=64, rev=25)
    P.setup(2, 49, vol=66, pan=72, rev=75)
    P.setup(3, 66, vol=90, pan=64, rev=65)
    ch = Chart(['C', 'Am', 'F', 'G', 'C', 'Am', 'Dm7', 'G7', 'Em7', 'Am7', 'Dm7', 'G7', 'C', 'Fm6'], 3)
    for b in range(P.bars):
        q0 = b * 6
        for k in range(12):
            P.d(q0 + k * E, 42, P.v(66 if k % 3 == 0 else 42, 5))
        P.d(q0, 36, P.v(100)); P.d(q0 + 5 * E, 36, P.v(62)); P.d(q0 + 6 * E, 36, P.v(88))
        P.d(q0 + 3 * E, 38, P.v(100)); P.d(q0 + 9 * E, 38, P.v(104))
        if b % 2 == 1:
            P.d(q0 + 11 * E, 38, P.v(44))
        for half in (0, 1):
            qh = q0 + half * 3
            c = ch.at(qh)
            for k in range(6):
                P.chord(0, qh + k * E, 0.45, close(c, 60, 3), 58 if k % 3 == 0 else 46, spread=4)
            root = bp(c, 36)
            P.n(1, qh, 1.9, root, P.v(96))
            P.n(1, qh + 4 * E, 0.45, near(c, root + 7), P.v(70))
            nxt = bp(ch.at(qh + 3), 36)
            P.n(1, qh + 5 * E, 0.45, nxt + (1 if P.rng.random() < 0.5 else -1), P.v(72))
            P.chord(2, qh, 2.95, close(c, 55, 4), 52)
    r = []
    for b in range(1, 6):
        for beat in range(4):
            qq = b * 6 + beat * 1.5
            pat = P.rng.choice([[(0, 1.5)], [(0, 1), (1, 0.5)], [(0, 0.5), (0.5, 0.5), (1, 0.5)], []])
            r += [(qq + o, d) for o, d in pat]
    P.melody(3, r, ch, 0, MAJOR, 60, 77, 78, legato=0.95)
    f = Chord('C')
    P.d(P.final_q, 36, 100); P.d(P.final_q, 49, 70)
    P.n(1, P.final_q, 3, 36, 96)
    P.chord(0, P.final_q, 3, close(f, 60, 4) + [48], 70, strum=0.03)
    P.chord(2, P.final_q, 3, close(f, 55, 4), 55)
    P.n(3, P.final_q, 3, 72, 68)
    return P


@piece
def march_112():
    P = Piece('march_112', 'march 2/4: tuba on beats, horn after-beats, trumpet + piccolo melody, bass drum, snare',
              112, 2, 1, 28, seed=18)
    P.setup(0, 58, vol=110, pan=60, rev=45)
    P.setup(1, 60, vol=84, pan=44, rev=55)
    P.setup(2, 56, vol=100, pan=72, rev=55)
    P.setup(3, 72, vol=64, pan=84, rev=55)
    syms = ['Bb', 'Bb', 'F7', 'F7', 'F7', 'F7', 'Bb', 'Bb', 'Bb', 'Bb', 'Eb', 'Eb', 'Bb', 'F7', 'Bb', 'Bb',
            'Eb', 'Eb', 'Bb', 'Bb', 'F7', 'F7', 'Bb', 'Bb', 'Eb', 'Cm', 'F7', 'Bb']
    ch = Chart(syms, 2)
    for b in range(P.bars):
        q0 = b * 2
        c = ch.at(q0)
        root = bp(c, 34)
        P.n(0, q0, 0.7, root, P.v(98)); P.n(0, q0 + 1, 0.7, near(c, root + 7), P.v(88))
        for qq in (0.5, 1.5):
            P.chord(1, q0 + qq, 0.3, close(c, 55, 3), 66)
        P.d(q0, 35, P.v(96)); P.d(q0 + 1, 35, P.v(80))
        if b % 2 == 0:
            P.d(q0, 49, P.v(40, 4))
        if b % 4 == 3:
            for k in range(8):
                P.d(q0 + 1 + k * 0.125, 38, P.v(50 + 5 * k, 4))
        else:
            for qq, vv in [(0, 100), (0.5, 60), (0.75, 64), (1, 96), (1.5, 60)]:
                P.d(q0 + qq, 38, P.v(vv))
    r = rhythms(P, P.bars, [[(0, .75), (.75, .25), (1, 1)], [(0, .5), (.5, .5), (1, .5), (1.5, .5)],
                            [(0, 1), (1, 1)], [(0, 2)], [(0, 1), (1, .5), (1.5, .5)]], [3, 3, 3, 1, 2])
    # trumpet, piccolo doubling it an octave up from bar 12
    notes_before = len(P.notes)
    P.melody(2, r, ch, 10, MAJOR, 63, 79, 84, legato=0.85)
    for on, off, c_, p, vel in list(P.notes[notes_before:]):
        if on >= P.tick(P.sec(24)):
            P.notes.append([on, off, 3, p + 12, max(1, vel - 20)])
    f = Chord('Bb')
    P.n(0, P.final_q, 1, 34, 100)
    P.chord(1, P.final_q, 1, close(f, 55, 3), 80)
    P.n(2, P.final_q, 1.5, 70, 95)
    P.n(3, P.final_q, 1.5, 82, 70)
    P.d(P.final_q, 35, 110); P.d(P.final_q, 49, 90); P.d(P.final_q, 38, 100)
    return P


@piece
def samba_100():
    P = Piece('samba_100', 'samba 2/4 (quarter-note beat): surdo 1 & 2 (strong on 2), caixa & ganza 16ths, tamborim, '
              'agogo, cavaquinho, bass, flute', 100, 2, 1, 24, seed=19)
    P.setup(0, 33, vol=110, pan=64, rev=20)
    P.setup(1, 25, vol=84, pan=40, rev=35)
    P.setup(2, 73, vol=82, pan=80, rev=55)
    ch = Chart(['D6', 'D6', 'B7', 'B7', 'Em7', 'Em7', 'A7', 'A7', 'D6', 'D6', 'F#m7', 'B7', 'Em7', 'A7', 'D6', 'D6',
                'Gmaj7', 'Gm6', 'F#m7', 'B7', 'Em7', 'A7', 'D6', 'D6'], 2)
    tamb = [0, 2, 3, 5, 7, 8, 10, 13]
    cav = [0, 2, 3, 5, 6, 8, 10, 11, 13, 14]
    for b in range(P.bars):
        q0 = b * 2
        c = ch.at(q0)
        P.d(q0, 41, P.v(62, 5)); P.d(q0 + 1, 35, P.v(112, 5)); P.d(q0 + 1, 41, P.v(90, 5))
        for k in range(8):
            qq = q0 + k * 0.25
            P.d(qq, 38, P.v([66, 32, 46, 88][k % 4], 5))
            P.d(qq, 70, P.v([50, 34, 42, 72][k % 4], 5))
        for k in tamb:
            qq = k * 0.25 - (b % 2) * 2
            if 0 <= qq < 2:
                P.d(q0 + qq, 76, P.v(74))
        if b % 2 == 0:
            for qq, nt in [(0, 67), (0.5, 68), (0.75, 67), (1.5, 68)]:
                P.d(q0 + qq, nt, P.v(50))
        root = bp(c, 38)
        P.n(0, q0, 0.4, root, P.v(90))
        P.n(0, q0 + 0.75, 0.25, root, P.v(70))
        P.n(0, q0 + 1, 0.9, near(c, root - 5) if near(c, root - 5) >= 31 else near(c, root + 7), P.v(98))
        for k in cav:
            qq = k * 0.25 - (b % 2) * 2
            if 0 <= qq < 2:
                P.chord(1, q0 + qq, 0.2, close(c, 62, 4), 70 if k in (0, 3, 6, 10, 13) else 56, strum=0.003)
    r = rhythms(P, 14, [[(0, .5), (.5, .25), (.75, 1.25)], [(0, 1), (1, .5), (1.5, .5)], [(0.25, .5), (0.75, 1.25)],
                        [(0, 2)]], start_bar=8)
    P.melody(2, r, ch, 2, MAJOR, 69, 88, 76, legato=0.9)
    f = Chord('D6')
    P.n(0, P.final_q, 1, 38, 100)
    P.chord(1, P.final_q, 0.5, close(f, 62, 4), 80)
    P.n(2, P.final_q, 1.5, 86, 78)
    P.d(P.final_q, 35, 115); P.d(P.final_q, 49, 90)
    return P


@piece
def ragtime_90():
    P = Piece('ragtime_90', 'piano ragtime 2/4: stride left hand (bass on the beat, chord on the and), syncopated 16ths',
              90, 2, 1, 22, seed=20)
    P.setup(0, 0, vol=118, pan=64, rev=35)
    syms = ['C', 'C', 'G7', 'G7', 'G7', 'G7', 'C', 'C', 'F', 'F', 'C', 'A7', 'D7', 'G7', 'C', 'C',
            'E7', 'E7', 'Am', 'Am', 'D7', 'G7']
    ch = Chart(syms, 2)
    S = 0.25
    cells = [[(0, 1), (1, 2), (3, 1), (4, 2), (6, 2)], [(0, 2), (2, 1), (3, 2), (5, 1), (6, 2)],
             [(0, 1), (1, 1), (2, 1), (3, 2), (5, 3)], [(0, 1), (1, 2), (3, 2), (5, 1), (6, 1), (7, 1)],
             [(0, 3), (3, 3), (6, 2)], [(0, 4), (4, 1), (5, 2), (7, 1)]]
    for b in range(P.bars):
        q0 = b * 2
        c = ch.at(q0)
        root = bp(c, 36)
        alt = near(c, root + 7) if b % 2 == 0 else near(c, root + 4)
        for qq, p in ((0, root), (1, alt)):
            P.n(0, q0 + qq, 0.45, p, P.v(84))
            if p - 12 >= 28:
                P.n(0, q0 + qq, 0.45, p - 12, P.v(74))
        for qq in (0.5, 1.5):
            P.chord(0, q0 + qq, 0.4, close(c, 53, 3), 64)
    r = []
    for b in range(P.bars):
        cell = P.rng.choice(cells)
        r += [(b * 2 + o * S, d * S) for o, d in cell]
    before = len(P.notes)
    P.melody(0, r, ch, 0, MAJOR, 67, 86, 80, legato=0.85, acc=4)
    # a third below each melody note (when it fits the chord)
    for on, off, c_, p, vel in list(P.notes[before:]):
        q = (on / PPQ) - P.t0 / P.spq
        cc = ch.at(max(0, q))
        lo = [x for x in range(p - 5, p - 2) if x % 12 in cc.pcs]
        if lo:
            P.notes.append([on, off, 0, lo[-1], max(1, vel - 14)])
    f = Chord('C')
    P.n(0, P.final_q, 1.5, 36, 92); P.n(0, P.final_q, 1.5, 24, 80)
    P.chord(0, P.final_q, 1.5, close(f, 60, 4) + [84], 82, strum=0.01)
    return P


@piece
def cello_66():
    P = Piece('cello_66', 'solo cello melody, slow pulse, notes mostly on beats (melody only; bow anticipates the slow sample attack)', 66, 4, 1, 9, seed=21)
    P.setup(0, 42, vol=120, pan=64, rev=60)
    mel = [(50, 1), (53, 1), (57, 1), (62, 1),
           (60, 1.5), (58, .5), (57, 1), (55, 1),
           (53, 1), (52, 1), (53, 1), (55, 1),
           (57, 2), (45, 1), (49, 1),
           (50, 1), (52, 1), (53, 1), (57, 1),
           (58, 1), (57, 1), (55, 1), (58, 1),
           (57, 1), (55, .5), (53, .5), (52, 1), (49, 1),
           (50, 2), (53, 1), (52, 1),
           (50, 1), (45, 1), (53, 1), (52, 1)]
    q = 0.0
    for p, dur in mel:
        on_beat = abs(q - round(q)) < 1e-6
        acc = 14 if abs(q % 4) < 1e-6 else 6 if on_beat else 0
        P.n(0, q, dur * 0.95, p, P.v(70 + acc, 5), dt=-cello_speak(p))
        q += dur
    assert abs(q - P.final_q) < 1e-6, q
    P.n(0, P.final_q, 3, 50, 80, dt=-cello_speak(50))
    return P


# FluidR3 cello (program 42): ms from note-on until the rendered envelope reaches 20 % / 30 % of its
# peak, measured per pitch (single notes, no reverb). The bowed sample swells for 100-280 ms, so the
# solo cello anticipates each note (as a player does) by the mean of the two: the note speaks on the beat.
CELLO_ATTACK = {43: (78, 211), 44: (64, 112), 45: (61, 106), 46: (59, 85), 47: (56, 81), 48: (53, 76),
                49: (113, 192), 50: (100, 179), 51: (92, 165), 52: (101, 131), 53: (92, 122), 54: (88, 116),
                55: (27, 54), 56: (25, 43), 57: (24, 48), 58: (78, 139), 59: (75, 143), 60: (52, 128),
                61: (22, 33), 62: (21, 28), 63: (20, 75), 64: (61, 146)}


def cello_speak(p):
    a, b = CELLO_ATTACK[p]
    return min(150, (a + b) / 2.0) / 1000.0


@piece
def metal_180():
    P = Piece('metal_180', 'metal: double-kick 16ths, snare 2 & 4, palm-muted distorted power chords, pick bass',
              180, 4, 1, 22, seed=22)
    P.setup(0, 30, vol=100, pan=30, rev=25)
    P.setup(1, 29, vol=92, pan=98, rev=25)
    P.setup(2, 34, vol=110, pan=64, rev=15)
    ch = Chart(['E5', 'E5', 'C5', 'D5'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        blast = 4 <= b < 12 or b >= 16
        if blast:
            for k in range(16):
                P.d(q0 + k * 0.25, 36, P.v(100 if k % 2 == 0 else 90, 6))
        else:
            for k in range(8):
                P.d(q0 + k * 0.5, 36, P.v(104, 5))
        P.d(q0 + 1, 38, P.v(118, 4)); P.d(q0 + 3, 38, P.v(118, 4))
        for beat in range(4):
            P.d(q0 + beat, 51 if blast else 42, P.v(90, 6))
        if b % 4 == 0:
            P.d(q0, 49, P.v(110, 5))
        root = bp(c, 40)
        for k in range(8):
            acc = k % 2 == 0
            pitches = [root, root + 7, root + 12]
            P.chord(0, q0 + k * 0.5, 0.3, pitches, 104 if acc else 84, strum=0.002)
            P.chord(1, q0 + k * 0.5, 0.3, pitches, 100 if acc else 80, strum=0.002)
            P.n(2, q0 + k * 0.5, 0.4, root - 12 if root - 12 >= 28 else root, P.v(100 if acc else 86))
    P.d(P.final_q, 36, 120); P.d(P.final_q, 49, 120); P.d(P.final_q, 38, 110)
    P.chord(0, P.final_q, 1.2, [40, 47, 52], 110); P.chord(1, P.final_q, 1.2, [40, 47, 52], 105)
    P.n(2, P.final_q, 1.2, 28, 110)
    return P


@piece
def trap_70():
    P = Piece('trap_70', 'trap, half-time feel: annotated 70 BPM, snare+clap on 3, hi-hat rolls, 808 bass, bells, pad',
              70, 4, 1, 9, seed=23)
    P.setup(0, 39, vol=118, pan=64, rev=10)
    P.setup(1, 10, vol=80, pan=76, rev=60)
    P.setup(2, 89, vol=66, pan=52, rev=70)
    ch = Chart(['Cm', 'Ab', 'Fm', 'G'], 4)
    kicks = [[0, 1.5, 2.75], [0, 0.75, 2.5, 3.5], [0, 1.75, 2.5], [0, 0.75, 1.5, 3.25]]
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        kp = kicks[b % 4]
        for i, k in enumerate(kp):
            P.d(q0 + k, 36, P.v(110 if k == 0 else 96, 5))
            end = kp[i + 1] if i + 1 < len(kp) else 4
            P.n(0, q0 + k, min(end - k, 1.8) * 0.95, bp(c, 36) + (12 if i == len(kp) - 1 and b % 2 else 0),
                P.v(104 if k == 0 else 92))
        P.d(q0 + 2, 38, P.v(110, 4)); P.d(q0 + 2, 39, P.v(104, 4))
        # hats: 8ths, some 16ths, rolls of 32nds and 16th triplets at bar ends
        pos = []
        for k in range(8):
            pos.append(k * 0.5)
            if P.rng.random() < 0.35:
                pos.append(k * 0.5 + 0.25)
        roll = P.rng.choice(['32', 'trip', '16'])
        if roll == '32':
            pos = [p for p in pos if p < 3.5] + [3.5 + k * 0.125 for k in range(4)]
        elif roll == 'trip':
            pos = [p for p in pos if p < 3] + [3 + k / 6.0 for k in range(6)]
        else:
            pos = [p for p in pos if p < 3] + [3 + k * 0.25 for k in range(4)]
        for p in sorted(set(pos)):
            P.d(q0 + p, 42, P.v(74 if abs(p * 2 - round(p * 2)) < 1e-6 else 54, 8))
        if b % 2 == 0:
            P.d(q0 + 1.5, 46, P.v(58))
        arp = close(c, 72, 4)
        for k in range(8):
            P.n(1, q0 + k * 0.5, 0.45, arp[[0, 2, 1, 3, 2, 1, 0, 2][k]], P.v(62 if k % 2 == 0 else 52))
        P.chord(2, q0, 3.95, close(c, 60, 3), 56)
    f = Chord('Cm')
    P.d(P.final_q, 36, 110); P.d(P.final_q, 49, 80)
    P.n(0, P.final_q, 3, 36, 110)
    P.chord(2, P.final_q, 3, close(f, 60, 3), 56)
    P.n(1, P.final_q, 1, 72, 60)
    return P


@piece
def dnb_174():
    P = Piece('dnb_174', "drum'n'bass two-step: kick 1 & and-of-3, snare 2 & 4, hats, reese bass, pad, EP stabs",
              174, 4, 1, 22, seed=24)
    P.setup(0, 38, vol=112, pan=64, rev=15)
    P.setup(1, 89, vol=70, pan=64, rev=75)
    P.setup(2, 4, vol=80, pan=80, rev=55)
    ch = Chart(['Am', 'Am', 'F', 'F', 'C', 'C', 'G', 'G'], 4)
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        P.d(q0, 36, P.v(112, 5)); P.d(q0 + (2.5 if b % 2 == 0 else 2.75), 36, P.v(100, 5))
        P.d(q0 + 1, 38, P.v(118, 4)); P.d(q0 + 3, 38, P.v(118, 4))
        for g in (1.75, 3.25, 3.75):
            if P.rng.random() < 0.5:
                P.d(q0 + g, 38, P.v(36, 5))
        for k in range(8):
            P.d(q0 + k * 0.5, 42, P.v(72 if k % 2 else 56, 6))
        if b % 4 == 0:
            P.d(q0, 49, P.v(90))
        if b >= 4:
            root = bp(c, 33)
            P.n(0, q0, 1.6, root, P.v(100)); P.n(0, q0 + 2.5, 1.4, root if b % 2 == 0 else near(c, root + 7), P.v(92))
        if b % 2 == 0:
            P.chord(1, q0, 7.9, close(c, 57, 4), 54)
        if b >= 8 and P.rng.random() < 0.7:
            P.chord(2, q0 + 1.5, 0.3, close(c, 60, 4), 70)
    f = Chord('Am')
    P.d(P.final_q, 36, 115); P.d(P.final_q, 49, 100)
    P.n(0, P.final_q, 2, 33, 100)
    P.chord(1, P.final_q, 2, close(f, 57, 4), 54)
    return P


@piece
def afrobeat_110():
    P = Piece('afrobeat_110', 'afrobeat: 16th hats with opens, syncopated kick, ghosted snare, shekere, clave, '
              'interlocking guitars, bass riff, horns, organ', 110, 4, 1, 14, seed=25)
    P.setup(0, 33, vol=116, pan=64, rev=15)
    P.setup(1, 27, vol=82, pan=30, rev=30)
    P.setup(2, 28, vol=80, pan=96, rev=30)
    P.setup(3, 61, vol=86, pan=56, rev=50)
    P.setup(4, 66, vol=80, pan=72, rev=50)
    P.setup(5, 16, vol=56, pan=64, rev=50)
    ch = Chart(['Dm7', 'Dm7', 'Gm7', 'Dm7'], 4)
    clave = [0, 3, 6, 10, 12]
    riff1 = None
    for b in range(P.bars):
        q0 = b * 4
        c = ch.at(q0)
        for k in range(16):
            qq = q0 + k * 0.25
            if k in (6, 14) and P.rng.random() < 0.7:
                P.d(qq, 46, P.v(70))
            else:
                P.d(qq, 42, P.v(70 if k % 2 == 0 else 46, 6))
            P.d(qq, 69, P.v(58 if k % 4 == 2 else 36, 5))
        for k, vv in [(0, 108), (1.5, 86), (2.75, 78), (3.5, 90)]:
            P.d(q0 + k, 36, P.v(vv, 5))
        for k, vv in [(1, 100), (3, 100), (2.25, 56), (3.75, 50)]:
            P.d(q0 + k, 38, P.v(vv, 5))
        for k in (0.75, 1.75, 2.5, 3.25):
            if P.rng.random() < 0.6:
                P.d(q0 + k, 38, P.v(30, 4))
        for k in clave:
            P.d(q0 + k * 0.25, 75, P.v(64, 5))
        for k, nt in [(0.5, 63), (1.25, 62), (2.5, 64), (3, 63), (3.5, 64)]:
            P.d(q0 + k, nt, P.v(60, 6))
        root = bp(c, 38)
        for qq, dur, iv, vv in [(0, 0.5, 0, 104), (0.75, 0.25, 0, 82), (1.5, 0.5, -2, 90), (2.5, 0.25, 7, 80),
                                (2.75, 0.5, 7, 90), (3.5, 0.25, 12, 84), (3.75, 0.25, 10, 78)]:
            P.n(0, q0 + qq, dur, root + iv, P.v(vv))
        if riff1 is None or b % 4 == 0:
            riff1 = [(k, P.rng.randrange(3)) for k in range(16) if P.rng.random() < 0.6]
        up = close(c, 62, 3)
        for k, i in riff1:
            P.n(1, q0 + k * 0.25, 0.14, up[i], P.v(70))
        for qq in (0.5, 1.5, 2.5, 3.5):
            P.chord(2, q0 + qq, 0.14, close(c, 58, 4), 72)
        P.chord(5, q0, 3.95, close(c, 55, 4), 50)
        if b >= 4 and b % 2 == 1:
            for qq, dur in [(1.5, 0.25), (1.75, 0.5), (2.5, 0.25), (3.25, 0.5)]:
                P.chord(3, q0 + qq, dur, close(c, 62, 3), 86)
                P.n(4, q0 + qq, dur, close(c, 62, 3)[-1] + 2, P.v(80))
    f = Chord('Dm7')
    P.d(P.final_q, 36, 115); P.d(P.final_q, 49, 100)
    P.n(0, P.final_q, 2, 38, 104)
    P.chord(3, P.final_q, 2, close(f, 62, 3), 90)
    P.chord(5, P.final_q, 2, close(f, 55, 4), 50)
    return P


def main(argv):
    want = set(argv)
    for sub in ('midi', 'wav'):
        os.makedirs(os.path.join(OUT, sub), exist_ok=True)
    path = os.path.join(OUT, 'truth.json')
    truth = json.load(open(path)) if os.path.exists(path) and want else {}
    for fn in PIECES:
        if want and fn.__name__ not in want:
            continue
        P = fn()
        end = P.render()
        t = P.truth()
        t['duration'] = round(end, 3)
        t['quarter_bpm'] = P.qbpm
        if hasattr(P, 'chords_used'):
            t['chords'] = P.chords_used
        truth[P.name] = t
        print('%-16s %-5s %6.1f bpm  %3d beats  %5.1f s  %s' % (P.name, P.tsig, P.bpm, len(t['beats']), end, P.style))
    order = [fn.__name__ for fn in PIECES]
    truth = {k: truth[k] for k in sorted(truth, key=lambda k: order.index(k) if k in order else 999)}
    with open(path, 'w') as f:
        json.dump(truth, f, indent=1)


if __name__ == '__main__':
    main(sys.argv[1:])
