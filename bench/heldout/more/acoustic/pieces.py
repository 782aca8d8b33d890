"""The 20 acoustic-set pieces: one function per piece returning a composed midi_b.Song (see __init__.py);
PIECES = {name: fn}."""
import random  # noqa: F401
from ..midi_b import *  # noqa: F401,F403

KICK, SNARE, SIDE, CHH, PHH, OHH, CRASH, RIDE, TAMB, MARAC = 36, 38, 37, 42, 44, 46, 49, 51, 54, 70
DR = 9
PIECES = {}


def piece(f):
    PIECES[f.__name__] = f
    return f


def tones_above(sym, base, n):
    pcs = set(chord_pcs(sym))
    out, p = [], base + 1
    while len(out) < n:
        if p % 12 in pcs:
            out.append(p)
        p += 1
    return out


def pedal(tr, P, end):
    for b, e, s in P.segments(end):
        tr.cc(max(0, b - 0.001), 64, 0)
        tr.cc(b + 0.1, 64, 127)


def third_below(p, tonic, scale):
    for d in (3, 4):
        if in_scale(p - d, tonic, scale):
            return p - d
    return p - 3


# 1 ---------------------------------------------------------------- nocturne, Db, 60
@piece
def nocturne():
    s = Song('nocturne', 60, 4, 'piano nocturne, LH broken-chord eighths', 8, seed=101)
    rng = s.rng
    bars = ['Db', 'Bbm', 'Gb', 'Ab7', ['Db/F', 'Bbm'], ['Ebm7', 'Ab7'], ['Db', 'Ab7'], 'Db']
    P = Prog(bars, 4)
    lh = s.track('lh', 0, 0, 96, 54, rev=60)
    rh = s.track('rh', 1, 0, 104, 74, rev=60)
    for b0, b1, ch in P.segments(28):
        b = bass_pitch(ch, 37)
        up = tones_above(ch, b + 6, 4)
        pat = [b] + up + [up[2], up[1], up[0]]
        for i in range(int(round((b1 - b0) * 2))):
            p = pat[i % 8]
            lh.n(b0 + i * .5, .6, p, (62 if i % 2 == 0 else 50) + (8 if i == 0 else 0))
    pedal(lh, P, 28); pedal(rh, P, 28)
    rhy = {'a': [(0, 1.5), (1.5, .5), (2, 1), (3, 1)], 'b': [(0, 2), (2, .5), (2.5, .5), (3, 1)],
           'c': [(0, 1), (1, .5), (1.5, .5), (2, 2)], 'd': [(0, 3), (3, .5), (3.5, .5)]}
    melody(s, rh, P, (0, 7), rhy, ['a', 'b', 'c', 'd', 'a', 'c', 'b'], 1, 'major', 65, 84, 74, rng, legato=0.97)
    lh.cc(27.9, 64, 0); lh.cc(28.1, 64, 127); rh.cc(27.9, 64, 0); rh.cc(28.1, 64, 127)
    for i, p in enumerate([37, 44, 49, 53, 56]):
        lh.n(28 + i * 0.12, 3.5, p, 60)
    rh.n(28, 3.5, [65, 68, 73], 66)
    return s


# 2 ---------------------------------------------------------------- sonata allegro, G, 120
@piece
def sonata_allegro():
    s = Song('sonata_allegro', 120, 4, 'classical sonata allegro, eighth-note Alberti bass', 15, seed=102)
    rng = s.rng
    bars = ['G', 'D7', 'D7', 'G', 'C', 'G', ['Am', 'D7'], 'G', 'Em', 'Am', 'D7', 'G', ['C', 'D7'], ['G', 'D7'], 'G']
    P = Prog(bars, 4)
    lh = s.track('lh', 0, 0, 92, 54, rev=35)
    rh = s.track('rh', 1, 0, 104, 74, rev=35)
    for bar in range(14):
        for half in (0, 2):
            beat = bar * 4 + half
            ch = P.at(beat)
            b = bass_pitch(ch, 45)
            up = tones_above(ch, b + 2, 2)
            for i, p in enumerate([b, up[1], up[0], up[1]]):
                lh.n(beat + i * .5, .45, p, 64 if i == 0 else 52)
    rhy = {'a': [(0, 1), (1, .5), (1.5, .5), (2, 1), (3, 1)],
           'b': [(0, .25), (.25, .25), (.5, .25), (.75, .25), (1, 1), (2, .5), (2.5, .5), (3, 1)],
           'c': [(0, 1.5), (1.5, .5), (2, .5), (2.5, .5), (3, .5), (3.5, .5)],
           'd': [(0, 2), (2, 1), (3, 1)],
           'e': [(0, .5), (.5, .25), (.75, .25), (1, .5), (1.5, .5), (2, .25), (2.25, .25), (2.5, .25), (2.75, .25), (3, 1)]}
    melody(s, rh, P, (0, 14), rhy, ['a', 'b', 'c', 'd', 'a', 'e', 'c', 'd', 'b', 'a', 'e', 'd', 'c', 'b'],
           7, 'major', 67, 88, 76, rng, legato=0.85)
    lh.n(56, 2, [43, 55], 70); rh.n(56, 2, [67, 71, 74, 79], 76)
    return s


# 3 ---------------------------------------------------------------- hymn, F, 72
@piece
def hymn():
    s = Song('hymn', 72, 4, 'four-part hymn, organ, chord every beat', 9, seed=103)
    sop = [69, 69, 70, 72, 72, 70, 69, 67, 65, 65, 67, 69, 70, 69, 67, 67, 69, 72, 74, 72,
           70, 69, 67, 65, 67, 69, 70, 67, 69, 70, 67, 67, 65]
    ch = ('F Dm Gm F F Gm F/A C Dm Bb C F Gm F C C7 F Am Bb F Gm F C Dm C F Gm C7 F Gm/Bb C C7 F').split()
    org = s.track('manual', 0, 19, 92, 64, rev=70, jitter=0.6)
    ped = s.track('pedal', 1, 19, 80, 64, rev=70, jitter=0.6)
    pa, pt, pb = 65, 57, 48
    for i, (sp, sym) in enumerate(zip(sop, ch)):
        pcs = chord_pcs(sym)
        bpc = parse(sym)[2]
        bass = min([p for p in range(41, 56) if p % 12 == bpc], key=lambda x: abs(x - pb))
        cov = {sp % 12, bass % 12}
        def pick(lo, hi, prev):
            c = [p for p in range(lo, hi) if p % 12 in pcs]
            return min(c, key=lambda x: abs(x - prev) + (0 if x % 12 not in cov else 2.5))
        alto = pick(max(58, sp - 9), sp, pa); cov.add(alto % 12)
        ten = pick(max(50, bass + 3), min(alto, 67), pt)
        dur = 0.9 if i < len(sop) - 1 else 3.6
        v = 80 if i % 4 == 0 else 72
        org.n(i, dur, [sp, alto, ten], v); org.n(i, dur, bass, v)
        ped.n(i, dur, bass - 12, v)
        pa, pt, pb = alto, ten, bass
    return s


# 4 ---------------------------------------------------------------- string adagio, Dm, 56
@piece
def string_adagio():
    s = Song('string_adagio', 56, 4, 'string orchestra adagio, sustained, bass on 1 and 3', 7, seed=104)
    rng = s.rng
    bars = ['Dm', 'Bb', 'Gm', 'A7', ['Dm', 'Dm/C'], ['Bbmaj7', 'A7'], 'Dm']
    P = Prog(bars, 4)
    vn = s.track('violins', 0, 48, 100, 44, rev=80)
    va = s.track('violas', 1, 49, 84, 70, rev=80)
    vc = s.track('cellos', 2, 42, 92, 84, rev=80)
    cb = s.track('basses', 3, 43, 88, 90, rev=80)
    for b0, b1, ch in P.segments(24):
        va.n(b0, b1 - b0, voicing(ch, 60), 66)
    for beat in range(0, 24, 2):
        ch = P.at(beat)
        bp = bass_pitch(ch, 38)
        vc.n(beat, 1.95, bp + 12 if beat % 4 == 0 else bp + 19 if bp + 19 < 60 else bp + 7, 80)
        cb.n(beat, 1.95, bp, 84)
    for bar in range(6):
        for t in (va, vn):
            t.cc(bar * 4, 11, 88); t.cc(bar * 4 + 1.5, 11, 104); t.cc(bar * 4 + 3, 11, 96)
    rhy = {'a': [(0, 2), (2, 1), (3, 1)], 'b': [(0, 3), (3, 1)], 'c': [(0, 1), (1, 1), (2, 2)],
           'd': [(0, 1.5), (1.5, .5), (2, 2)]}
    melody(s, vn, P, (0, 6), rhy, ['a', 'c', 'b', 'd', 'a', 'c'], 2, 'hminor', 67, 84, 84, rng, legato=1.0)
    vn.n(24, 4, [69, 74], 80); va.n(24, 4, [62, 65], 66); vc.n(24, 4, 50, 80); cb.n(24, 4, 38, 84)
    return s


# 5 ---------------------------------------------------------------- film march, Bb, 100
@piece
def film_march():
    s = Song('film_march', 100, 4, 'film-score march: brass, snare, timpani', 12, seed=105)
    rng = s.rng
    bars = ['Bb', 'Bb', 'F7', 'Bb', 'Eb', 'Bb', 'C7', 'F7', 'Bb', 'Eb', ['Bb/F', 'F7'], 'Bb']
    P = Prog(bars, 4)
    dr = s.track('perc', DR, 48, 100, jitter=0.5)
    tp = s.track('timpani', 4, 47, 100, 64, rev=60)
    tu = s.track('tuba', 1, 58, 100, 70, rev=50)
    hn = s.track('horns', 2, 60, 88, 50, rev=60)
    tr = s.track('trumpets', 3, 56, 100, 78, rev=55)
    tb = s.track('trombones', 5, 57, 84, 84, rev=55)
    snare = [(0, 90), (.5, 60), (.75, 55), (1, 80), (1.5, 60), (2, 88), (2.5, 60), (2.75, 55), (3, 82), (3.25, 50), (3.5, 55), (3.75, 62)]
    for bar in range(11):
        b = bar * 4
        ch = P.at(b)
        for on, v in snare:
            if bar % 4 == 3 and on >= 3:
                continue
            dr.n(b + on, .1, SNARE, v)
        if bar % 4 == 3:
            for k in range(8):
                dr.n(b + 3 + k / 8, .1, SNARE, 60 + 5 * k)
        dr.n(b, .2, 35, 90); dr.n(b + 2, .2, 35, 80)
        if bar % 4 == 0:
            dr.n(b, 1, CRASH, 85)
        r = bass_pitch(ch, 34)
        tp.n(b, .4, 46 if r % 12 in (10, 3) else 41, 96); tp.n(b + 2, .4, 41, 84)
        tu.n(b, .9, r, 96); tu.n(b + 2, .9, r + 7 if r + 7 < 46 else r - 5, 90)
        v = voicing(ch, 58)
        hn.n(b + 1, .5, v, 74); hn.n(b + 3, .5, v, 74)
        tb.n(b, .9, voicing(ch, 52)[:2], 72); tb.n(b + 2, .9, voicing(ch, 52)[:2], 68)
    rhy = {'a': [(0, .75), (.75, .25), (1, 1), (2, .75), (2.75, .25), (3, 1)], 'b': [(0, 1), (1, .5), (1.5, .5), (2, 2)],
           'c': [(0, 1.5), (1.5, .5), (2, 1), (3, 1)], 'd': [(0, 3), (3, .5), (3.5, .5)]}
    melody(s, tr, P, (0, 11), rhy, ['a', 'b', 'c', 'd', 'a', 'c', 'a', 'd', 'b', 'a', 'c'], 10, 'major', 65, 82, 86, rng, legato=0.85)
    b = 44
    dr.n(b, 2, CRASH, 100); dr.n(b, .3, 35, 100)
    for k in range(12):
        tp.n(b + k / 6, .2, 46, 70 + 2 * k, hum=False)
    tu.n(b, 3, 34, 100); hn.n(b, 3, voicing('Bb', 58), 84); tb.n(b, 3, [50, 53], 84); tr.n(b, 3, [70, 74], 96)
    return s


# 6 ---------------------------------------------------------------- celtic reel, D, 112
@piece
def celtic_reel():
    s = Song('celtic_reel', 112, 4, 'Celtic reel, running eighths on fiddle, guitar boom-chick', 14, seed=106)
    rng = s.rng
    bars = ['D', 'D', 'G', 'A', 'D', 'D', ['G', 'A'], 'D', 'Bm', 'Bm', 'G', 'A', ['G', 'A'], 'D']
    P = Prog(bars, 4)
    fd = s.track('fiddle', 0, 110, 100, 50, rev=45)
    fl = s.track('flute', 1, 73, 80, 80, rev=45)
    gt = s.track('guitar', 2, 25, 90, 70, rev=35)
    bs = s.track('bass', 3, 32, 90, 64, rev=30)
    for bar in range(13):
        b = bar * 4
        for k in range(4):
            ch = P.at(b + k)
            r = bass_pitch(ch, 40)
            if k % 2 == 0:
                gt.n(b + k, .45, r if k == 0 else (r + 7 if r + 7 < 52 else r - 5), 82)
                bs.n(b + k, .8, r - 12 if r >= 40 else r, 80)
            else:
                gt.strum(b + k, .35, voicing(ch, 60, extra_top=True), 72, spread=0.008, bpm=112)
                gt.strum(b + k + .5, .2, voicing(ch, 64)[-3:], 50, spread=0.006, up=True, bpm=112)
    rhy = {'r': [(i / 2, .5) for i in range(8)], 'q': [(i / 2, .5) for i in range(6)] + [(3, 1)],
           't': [(0, .5), (.5, .25), (.75, .25)] + [(1 + i / 2, .5) for i in range(6)]}
    melody(s, fd, P, (0, 13), rhy, ['r', 'r', 't', 'q', 'r', 't', 'r', 'q', 'r', 'r', 't', 'r', 'q'], 2, 'major', 62, 86, 78, rng,
           legato=0.9, accent=12, end_root=False)
    for (bt, d, p, v, h) in list(fd.notes):
        if bt >= 32:
            fl.n(bt, d, p, v - 8)
    fd.n(52, 2, [62, 74], 84); fl.n(52, 2, 74, 76); gt.strum(52, 2, [38] + voicing('D', 57, extra_top=True), 84, bpm=112)
    bs.n(52, 2, 38, 84)
    return s


# 7 ---------------------------------------------------------------- folk waltz, G, 96
@piece
def folk_waltz():
    s = Song('folk_waltz', 96, 3, 'folk waltz 3/4, guitar bass-strum-strum, accordion', 16, seed=107)
    rng = s.rng
    bars = ['G', 'G', 'C', 'G', 'D7', 'D7', 'G', 'G', 'C', 'C', 'G', 'Em', 'Am', 'D7', 'G', 'G']
    P = Prog(bars, 3)
    gt = s.track('guitar', 0, 25, 96, 50, rev=40)
    ac = s.track('accordion', 1, 21, 84, 80, rev=45)
    bs = s.track('bass', 2, 32, 84, 64, rev=30)
    for bar in range(15):
        b = bar * 3
        ch = P.at(b)
        r = bass_pitch(ch, 40)
        bn = r if bar % 2 == 0 else (r + 7 if r + 7 < 52 else r - 5)
        gt.n(b, .9, bn, 84)
        bs.n(b, .9, r - 12 if r >= 40 else r, 76)
        v = voicing(ch, 62, extra_top=True)
        gt.strum(b + 1, .6, v, 66, spread=0.01, bpm=96)
        gt.strum(b + 2, .6, v, 62, spread=0.01, bpm=96)
    rhy = {'a': [(0, 1), (1, 1), (2, 1)], 'b': [(0, 2), (2, 1)], 'c': [(0, 1.5), (1.5, .5), (2, 1)], 'd': [(0, 3)]}
    melody(s, ac, P, (0, 15), rhy, ['a', 'c', 'a', 'b', 'a', 'c', 'a', 'd', 'c', 'a', 'c', 'b', 'a', 'c', 'b'], 7, 'major', 62, 81, 76, rng, legato=0.9)
    gt.strum(45, 2.5, [43] + voicing('G', 62, extra_top=True), 80, bpm=96); bs.n(45, 2.5, 31, 80); ac.n(45, 2.5, [67, 71], 76)
    return s


# 8 ---------------------------------------------------------------- barcarolle, A, 58 (6/8, dotted quarter)
@piece
def barcarolle():
    s = Song('barcarolle', 58, 2, 'piano barcarolle 6/8, rocking LH eighths', 14, seed=108, timesig=(6, 8))
    rng = s.rng
    E = 1 / 3
    bars = ['A', 'A', 'E7', 'E7', 'A', 'F#m', 'Bm', 'E7', 'A', 'A7', 'D', 'Dm', ['A/E', 'E7'], 'A']
    P = Prog(bars, 2)
    lh = s.track('lh', 0, 0, 94, 54, rev=60)
    rh = s.track('rh', 1, 0, 104, 74, rev=60)
    for b0, b1, ch in P.segments(26):
        b = bass_pitch(ch, 33)
        up = tones_above(ch, b + 6, 3)
        pat = [b, up[0], up[1], up[2], up[1], up[0]]
        for i in range(int(round((b1 - b0) * 3))):
            lh.n(b0 + i * E, E * 1.1, pat[i % 6], 66 if i % 3 == 0 else 48)
    pedal(lh, P, 26); pedal(rh, P, 26)
    rhy = {'a': [(0, 2 * E), (2 * E, E), (1, 2 * E), (1 + 2 * E, E)], 'b': [(0, 1), (1, E), (1 + E, E), (1 + 2 * E, E)],
           'c': [(0, 2)], 'd': [(0, 1), (1, 2 * E), (1 + 2 * E, E)]}
    melody(s, rh, P, (0, 13), rhy, ['a', 'a', 'b', 'c', 'a', 'd', 'b', 'c', 'a', 'a', 'd', 'b', 'c'], 9, 'major', 68, 85, 74, rng, legato=0.95)
    for (bt, d, p, v, h) in list(rh.notes):
        rh.n(bt, d, third_below(p, 9, 'major'), v - 14)
    lh.cc(25.95, 64, 0); lh.cc(26.1, 64, 127); rh.cc(25.95, 64, 0); rh.cc(26.1, 64, 127)
    for i, p in enumerate([33, 40, 45, 49, 52]):
        lh.n(26 + i * .08, 2, p, 62)
    rh.n(26, 2, [69, 73, 76, 81], 66)
    return s


# 9 ---------------------------------------------------------------- siciliana, Gm, 50 (12/8)
@piece
def siciliana():
    s = Song('siciliana', 50, 4, 'baroque siciliana 12/8: flute, harp, strings, cello', 7, seed=109, timesig=(12, 8))
    rng = s.rng
    E = 1 / 3
    bars = [['Gm', 'Cm'], ['D7', 'Gm'], ['Eb', 'Cm'], ['D', 'D7'], ['Gm', 'Bb'], ['Cm', 'D7'], 'Gm']
    P = Prog(bars, 4)
    fl = s.track('flute', 0, 73, 100, 70, rev=60)
    hp = s.track('harp', 1, 46, 90, 50, rev=55)
    st = s.track('strings', 2, 49, 66, 64, rev=70)
    vc = s.track('cello', 3, 42, 92, 84, rev=55)
    for b0, b1, ch in P.segments(24):
        st.n(b0, b1 - b0, voicing(ch, 58), 56)
    for beat in range(24):
        ch = P.at(beat)
        bp = bass_pitch(ch, 38)
        vc.n(beat, 2 * E * 0.95, bp, 80); vc.n(beat + 2 * E, E * 0.9, bp + 12 if bp + 12 < 55 else bp, 60)
        up = tones_above(ch, 54, 3)
        for i, p in enumerate(up):
            hp.n(beat + i * E, E * 1.5, p, 66 if i == 0 else 52)
    rhy = {'a': [(0, .5), (.5, 1 / 6), (2 * E, E), (1, 2 * E), (1 + 2 * E, E), (2, .5), (2.5, 1 / 6), (2 + 2 * E, E), (3, 1)],
           'b': [(0, 1), (1, .5), (1.5, 1 / 6), (1 + 2 * E, E), (2, 2 * E), (2 + 2 * E, E), (3, 1)],
           'c': [(0, .5), (.5, 1 / 6), (2 * E, E), (1, 1), (2, 2)]}
    melody(s, fl, P, (0, 6), rhy, ['a', 'b', 'a', 'c', 'a', 'b'], 7, 'hminor', 67, 86, 82, rng, legato=0.95)
    fl.n(24, 2.5, 67, 80); hp.n(24, 2.5, [43, 50, 55, 58, 62], 66); st.n(24, 2.5, voicing('Gm', 58), 56); vc.n(24, 2.5, 43, 80)
    return s


# 10 ---------------------------------------------------------------- gospel ballad, Ab, 66
@piece
def gospel_ballad():
    s = Song('gospel_ballad', 66, 4, 'gospel ballad: piano, organ, soft drums, bass', 9, seed=110)
    rng = s.rng
    bars = ['Ab', ['Db', 'Ab/C'], ['Bbm7', 'Eb7'], ['Ab', 'Fm7'], ['Db', 'Dbm6'], ['Ab/C', 'F7'], ['Bbm7', 'Eb7sus4'],
            ['Ab', 'Eb7'], 'Ab']
    P = Prog(bars, 4)
    pn = s.track('piano', 0, 0, 100, 60, rev=55)
    og = s.track('organ', 1, 16, 62, 74, rev=60)
    bs = s.track('bass', 2, 33, 92, 64, rev=25)
    dr = s.track('drums', DR, 0, 76, jitter=0.5)
    for b0, b1, ch in P.segments(32):
        og.n(b0, b1 - b0, voicing(ch, 64, drop_root=True), 70)
    for bar in range(8):
        b = bar * 4
        for k in range(4):
            ch = P.at(b + k)
            v = voicing(ch, 68, extra_top=True)
            pn.n(b + k, .9, v, [70, 56, 64, 56][k])
            if k in (0, 2):
                r = bass_pitch(ch, 32)
                pn.n(b + k, 1.8, [r, r + 12], 64)
                bs.n(b + k, 1.4, r if r >= 36 else r + 12, 88)
        if bar % 2 == 1:
            top = voicing(P.at(b + 3), 76)
            for j, p in enumerate(top):
                pn.n(b + 3 + j / 3, 1 / 3, p, 50 + 6 * j)
        nxt = bass_pitch(P.at(b + 4), 36)
        bs.n(b + 3.5, .45, nxt - 1 if bar < 7 else nxt + 2, 70)
        dr.n(b, .2, KICK, 70); dr.n(b + 2, .2, KICK, 60); dr.n(b + 2 + 2 / 3, .2, KICK, 46)
        dr.n(b + 1, .2, SIDE, 64); dr.n(b + 3, .2, SIDE, 66)
        for k in range(4):
            dr.n(b + k, .2, CHH, 44); dr.n(b + k + 2 / 3, .2, CHH, 28)
    pn.n(32, 3, [44, 56] + voicing('Ab', 68, extra_top=True), 70); og.n(32, 3, voicing('Ab', 64), 70); bs.n(32, 3, 44, 86)
    dr.n(32, .2, KICK, 70); dr.n(32, 2, 49, 50)
    return s


# 11 ---------------------------------------------------------------- soul ballad 6/8, Db, 56
@piece
def soul_ballad_68():
    s = Song('soul_ballad_68', 56, 2, 'soul ballad 6/8: triplet EP, backbeat on 2nd dotted quarter', 14, seed=111, timesig=(6, 8))
    rng = s.rng
    E = 1 / 3
    bars = ['Db', 'Bbm7', 'Gbmaj7', 'Ab7', 'Db', 'Fm7', 'Gbmaj7', ['Ab7sus4', 'Ab7'], 'Bbm7', 'Fm7', 'Gbmaj7', 'Ebm7',
            ['Ab7sus4', 'Ab7'], 'Db']
    P = Prog(bars, 2)
    ep = s.track('epiano', 0, 4, 96, 54, rev=45)
    bs = s.track('bass', 1, 33, 96, 64, rev=20)
    sx = s.track('sax', 2, 65, 86, 78, rev=55)
    stg = s.track('strings', 3, 49, 60, 70, rev=70)
    dr = s.track('drums', DR, 0, 86, jitter=0.5)
    for b0, b1, ch in P.segments(26):
        stg.n(b0, b1 - b0, voicing(ch, 62), 56)
    for bar in range(13):
        b = bar * 2
        for i in range(6):
            ch = P.at(b + i * E)
            ep.n(b + i * E, E * 0.9, voicing(ch, 64), [70, 50, 54, 66, 50, 54][i])
            dr.n(b + i * E, .1, CHH, [58, 36, 40, 50, 36, 40][i])
        r = bass_pitch(P.at(b), 37)
        bs.n(b, 2 * E + E * .8, r, 92); bs.n(b + 1, 2 * E, r + 7 if r + 7 < 52 else r - 5, 80)
        bs.n(b + 1 + 2 * E, E * .8, bass_pitch(P.at(b + 2), 37) - 1 if bar < 12 else r, 66)
        dr.n(b, .2, KICK, 92); dr.n(b + 1 + 2 * E, .2, KICK, 56)
        dr.n(b + 1, .2, SNARE, 94)
        if bar % 4 == 3:
            dr.n(b + 1 + E, .2, SNARE, 44); dr.n(b + 1 + 2 * E, .2, SNARE, 56)
    rhy = {'a': [(0, 1), (1, E), (1 + E, 2 * E)], 'b': [(0, 2 * E), (2 * E, E), (1, 1)], 'c': [(0, 2)],
           'd': [(E, E), (2 * E, E), (1, 2 * E), (1 + 2 * E, E)]}
    melody(s, sx, P, (1, 12), rhy, ['a', 'b', 'c', 'd', 'a', 'c'], 1, 'major', 61, 78, 78, rng, legato=0.95)
    ep.n(26, 2, voicing('Db', 64, extra_top=True), 66); bs.n(26, 2, 37, 88); stg.n(26, 2, voicing('Db', 62), 56)
    dr.n(26, .2, KICK, 90); dr.n(26, 2, CRASH, 60)
    return s


# 12 ---------------------------------------------------------------- country ballad, E, 72
@piece
def country_ballad():
    s = Song('country_ballad', 72, 4, 'country ballad: fingerpicked guitar, fiddle, piano, brushes-ish kit', 9, seed=112)
    rng = s.rng
    bars = ['E', 'B/D#', 'C#m', 'A', 'E', 'A', 'F#m7', 'B7', 'E']
    P = Prog(bars, 4)
    gt = s.track('guitar', 0, 25, 96, 44, rev=40)
    fd = s.track('fiddle', 1, 110, 86, 84, rev=60)
    pn = s.track('piano', 2, 0, 76, 70, rev=50)
    bs = s.track('bass', 3, 32, 92, 64, rev=20)
    dr = s.track('drums', DR, 40, 80, jitter=0.5)
    for bar in range(8):
        b = bar * 4
        ch = P.at(b)
        r = bass_pitch(ch, 40)
        fifth = r + 7 if r + 7 < 52 else r - 5
        up = tones_above(ch, 54, 3)
        pat = [r, up[1], fifth, up[2], r, up[0], fifth, up[1]]
        for i, p in enumerate(pat):
            gt.n(b + i * .5, .9 if i % 2 == 0 else .5, p, 76 if i % 2 == 0 else 56)
        bs.n(b, 1.6, r - 12 if r >= 40 else r, 86); bs.n(b + 2, 1.6, fifth - 12 if fifth >= 40 else fifth, 80)
        dr.n(b, .2, KICK, 74); dr.n(b + 2, .2, KICK, 66)
        dr.n(b + 1, .2, SIDE, 64); dr.n(b + 3, .2, SIDE, 66)
        for k in range(8):
            dr.n(b + k / 2, .1, CHH, 42 if k % 2 == 0 else 28)
        if bar % 2 == 1:
            pn.n(b + 2.5, .5, voicing(ch, 76)[-2:], 54); pn.n(b + 3, .9, voicing(ch, 74), 58)
    rhy = {'a': [(0, 1.5), (1.5, .5), (2, 2)], 'b': [(0, 1), (1, 1), (2, 1), (3, 1)], 'c': [(0, 3), (3, 1)],
           'd': [(0, .5), (.5, .5), (1, 1), (2, 2)]}
    melody(s, fd, P, (0, 8), rhy, ['a', 'b', 'c', 'd', 'a', 'd', 'b', 'c'], 4, 'major', 64, 83, 80, rng, legato=1.0)
    gt.strum(32, 3, [40, 47, 52, 56, 59, 64], 72, spread=0.03, bpm=72); bs.n(32, 3, 28, 84); fd.n(32, 3, 68, 76)
    pn.n(32, 3, [64, 68, 71, 76], 56); dr.n(32, .2, KICK, 70)
    return s


# 13 ---------------------------------------------------------------- singer-songwriter, C#m, 96
@piece
def songwriter_strum():
    s = Song('songwriter_strum', 96, 4, 'singer-songwriter, down-up sixteenth strumming, no drums', 12, seed=113)
    rng = s.rng
    bars = ['C#m', 'A', 'E', 'B', 'C#m', 'A', 'E', 'B', 'A', 'B', ['F#m7', 'B'], 'E']
    P = Prog(bars, 4)
    gt = s.track('guitar', 0, 25, 100, 54, rev=35)
    hm = s.track('harmonica', 1, 22, 72, 78, rev=50)
    hits = {0: 92, 2: 54, 3: 40, 4: 96, 6: 58, 7: 44, 8: 86, 10: 56, 11: 42, 12: 96, 13: 38, 14: 58, 15: 46}
    for bar in range(11):
        b = bar * 4
        for i, v in hits.items():
            ch = P.at(b + i / 4)
            r = bass_pitch(ch, 40)
            full = [r] + voicing(ch, 59, extra_top=True)
            up = i % 2 == 1
            ps = full[-3:] if up else (full if i % 4 == 0 else full[1:])
            gt.strum(b + i / 4, .3 if i % 4 else .5, ps, v, spread=0.007 if up else 0.009, up=up, bpm=96)
    rhy = {'a': [(.5, .5), (1, .5), (1.5, 1), (2.5, .5), (3, 1)], 'b': [(0, 2), (2.5, .5), (3, 1)], 'c': [(0, 3)],
           'd': [(1, .5), (1.5, .5), (2, .5), (2.5, 1.5)]}
    melody(s, hm, P, (4, 7), rhy, ['a', 'b', 'd', 'c'], 1, 'minor', 64, 80, 72, rng, legato=0.95)
    gt.strum(44, 3, [40, 47, 52, 56, 59, 64], 84, spread=0.02, bpm=96)
    return s


# 14 ---------------------------------------------------------------- fingerpicked guitar 6/8, Am, 66
@piece
def guitar_68():
    s = Song('guitar_68', 66, 2, 'solo nylon guitar 6/8 fingerpicking', 16, seed=114, timesig=(6, 8))
    rng = s.rng
    E = 1 / 3
    bars = ['Am', 'G', 'F', 'E', 'Am', 'G', 'F', 'E', 'Dm', 'Am', 'Dm', 'G', 'C', 'F', 'E7', 'Am']
    P = Prog(bars, 2)
    gt = s.track('guitar', 0, 24, 100, 60, rev=45)
    mel = s.track('guitar_melody', 1, 24, 106, 68, rev=45)
    for bar in range(15):
        b = bar * 2
        ch = P.at(b)
        r = bass_pitch(ch, 40)
        fifth = r + 7 if r + 7 < 52 else r - 5
        up = tones_above(ch, 54, 3)
        pat = [(0, r, 74), (E, up[0], 48), (2 * E, up[1], 50), (1, fifth, 66), (1 + E, up[2], 50), (1 + 2 * E, up[1], 46)]
        for on, p, v in pat:
            gt.n(b + on, 2 * E if on in (0, 1) else E * 1.4, p, v)
    rhy = {'a': [(0, 2 * E), (2 * E, E), (1, 1)], 'b': [(0, 1), (1, 1)], 'c': [(0, 2)], 'd': [(0, E), (E, E), (2 * E, E), (1, 1)]}
    melody(s, mel, P, (0, 15), rhy, ['a', 'b', 'a', 'c', 'd', 'b', 'a', 'c', 'a', 'a', 'b', 'c', 'd', 'b', 'c'], 9, 'hminor', 64, 79, 74, rng, legato=1.0)
    for i, p in enumerate([45, 52, 57, 60, 64, 69]):
        gt.n(30 + i * 0.05, 2, p, 70)
    return s


# 15 ---------------------------------------------------------------- bolero, C, 72
@piece
def bolero():
    s = Song('bolero', 72, 3, 'bolero 3/4: Ravel snare rhythm, pizzicato ostinato, flute/clarinet', 12, seed=115)
    rng = s.rng
    T = 1 / 6
    bars = ['C', 'C', 'Am', 'G7', 'C', 'C', 'F', 'G7', 'C', 'Am', 'G7', 'C']
    P = Prog(bars, 3)
    dr = s.track('snare', DR, 0, 80, jitter=0.4)
    pz = s.track('pizz', 0, 45, 96, 44, rev=55)
    vl = s.track('viola_pizz', 1, 45, 86, 84, rev=55)
    fl = s.track('flute', 2, 73, 94, 60, rev=60)
    cl = s.track('clarinet', 3, 71, 96, 70, rev=60)
    r1 = [0, .5, .5 + T, .5 + 2 * T, 1, 1.5, 1.5 + T, 1.5 + 2 * T, 2, 2.5]
    r2 = [0, .5, .5 + T, .5 + 2 * T, 1, 1.5, 1.5 + T, 1.5 + 2 * T, 2, 2 + T, 2 + 2 * T, 2.5, 2.5 + T, 2.5 + 2 * T]
    for bar in range(11):
        b = bar * 3
        cres = int(bar * 2.5)
        for on in (r1 if bar % 2 == 0 else r2):
            v = (62 if abs(on - round(on)) < 1e-6 else 46) + cres
            dr.n(b + on, .1, SNARE, v)
        ch = P.at(b)
        r = bass_pitch(ch, 36)
        pz.n(b, .5, [r, r + 7], 86); pz.n(b + 2, .5, r + 7, 72)
        v = voicing(ch, 60)
        vl.n(b + 1, .4, v, 70); vl.n(b + 1.5, .4, v, 60); vl.n(b + 2, .4, v, 66); vl.n(b + 2.5, .4, v, 60)
    rhy = {'a': [(0, 2), (2, T * 2), (2 + T * 2, T * 2), (2 + T * 4, T * 2)], 'b': [(0, 1), (1, .5), (1.5, .5), (2, 1)],
           'c': [(0, 1.5), (1.5, .25), (1.75, .25), (2, 1)], 'd': [(0, 3)]}
    melody(s, fl, P, (0, 6), rhy, ['a', 'b', 'c', 'd', 'a', 'c'], 0, 'major', 67, 86, 78, rng, legato=0.98)
    melody(s, cl, P, (6, 5), rhy, ['a', 'c', 'b', 'c', 'd'], 0, 'major', 58, 76, 82, rng, legato=0.98)
    dr.n(33, .2, SNARE, 92); pz.n(33, 1, [36, 43, 48], 96); vl.n(33, 2, voicing('C', 60), 80)
    fl.n(33, 2, 72, 84); cl.n(33, 2, 64, 84)
    return s


# 16 ---------------------------------------------------------------- jazz waltz, F, 150
@piece
def jazz_waltz():
    s = Song('jazz_waltz', 150, 3, 'jazz waltz 3/4: piano comp, walking bass, ride, vibes', 24, seed=116)
    rng = s.rng
    bars = ['Fmaj7', 'Fmaj7', 'Gm7', 'C7', 'Am7', 'D7', 'Gm7', 'C7', 'Fmaj7', 'F7', 'Bbmaj7', 'Bbm6', 'Am7', 'D7', 'Gm7',
            'C7', 'Fmaj7', 'Gm7', 'C7', 'Am7', 'D7', 'Gm7', 'C7', 'Fmaj7']
    P = Prog(bars, 3)
    pn = s.track('piano', 0, 0, 90, 70, rev=40)
    bs = s.track('bass', 1, 32, 104, 60, rev=20)
    vb = s.track('vibes', 2, 11, 92, 50, rev=50)
    dr = s.track('drums', DR, 0, 76, jitter=0.5)
    comps = [[0, 1.5], [0, 2], [.5, 2], [0, 1.5, 2.5]]
    for bar in range(23):
        b = bar * 3
        ch = P.at(b)
        r = bass_pitch(ch, 36)
        nxt = bass_pitch(P.at(b + 3), 36)
        third = r + parse(ch)[1][1]
        bs.n(b, .95, r, 92); bs.n(b + 1, .95, third if bar % 2 else r + 7, 78); bs.n(b + 2, .95, nxt + rng.choice([-1, 1]), 80)
        for on in rng.choice(comps):
            pn.n(b + swing(on), .45, voicing(ch, 62, drop_root=True), 62 if on == 0 else 56)
        dr.n(b, .3, RIDE, 70); dr.n(b + 1, .3, RIDE, 62); dr.n(b + swing(1.5), .3, RIDE, 50); dr.n(b + 2, .3, RIDE, 62)
        dr.n(b + 1, .2, PHH, 50)
        if bar % 4 == 0:
            dr.n(b, .2, KICK, 50)
    rhy = {'a': [(0, 1), (1, 1), (2, 1)], 'b': [(0, 2), (2, .5), (2.5, .5)], 'c': [(0, 3)], 'd': [(0, 1), (1, .5), (1.5, .5), (2, 1)]}
    melody(s, vb, P, (0, 23), rhy, ['a', 'b', 'd', 'c'] * 6, 5, 'major', 65, 84, 80, rng, legato=0.9,
           swing_fn=lambda x: swing(x))
    pn.n(69, 2.5, voicing('Fmaj7', 62, drop_root=True), 66); bs.n(69, 2.5, 41, 90); vb.n(69, 2.5, 77, 80); dr.n(69, 1, RIDE, 72)
    return s


# 17 ---------------------------------------------------------------- bossa nova, D, 120
@piece
def bossa_nova():
    s = Song('bossa_nova', 120, 4, 'bossa nova: nylon guitar, bass, cross-stick, tenor sax', 15, seed=117)
    rng = s.rng
    bars = ['Dmaj7', 'Dmaj7', 'E9', 'E9', 'Em7', 'A7', 'F#m7', 'B7', 'Em7', 'A7', 'Dmaj7', 'Bm7', 'Em7', 'A7', 'D6/9']
    P = Prog(bars, 4)
    gt = s.track('guitar', 0, 24, 100, 50, rev=40)
    bs = s.track('bass', 1, 32, 96, 64, rev=20)
    sx = s.track('sax', 2, 66, 88, 80, rev=55)
    dr = s.track('drums', DR, 0, 74, jitter=0.5)
    clave = [[0, 1.5, 3], [1, 2.5]]
    for bar in range(14):
        b = bar * 4
        ch = P.at(b)
        r = bass_pitch(ch, 38)
        fifth = r + 7 if r + 7 < 50 else r - 5
        gt.n(b, .9, r + 12 if r + 12 < 52 else r, 70); gt.n(b + 2, .9, fifth + 12 if fifth + 12 < 52 else fifth, 64)
        for on in clave[bar % 2]:
            gt.n(b + on, .45, voicing(ch, 62, drop_root=True), 60)
            dr.n(b + on, .2, SIDE, 60)
        bs.n(b, 1.4, r, 90); bs.n(b + 1.5, .45, fifth, 70); bs.n(b + 2, 1.4, fifth, 84); bs.n(b + 3.5, .45, bass_pitch(P.at(b + 4), 38), 70)
        for k in range(8):
            dr.n(b + k / 2, .1, CHH, 44 if k % 2 == 0 else 30)
        dr.n(b, .2, KICK, 56); dr.n(b + 1.5, .2, KICK, 40); dr.n(b + 2, .2, KICK, 52); dr.n(b + 3.5, .2, KICK, 40)
    rhy = {'a': [(0, 1.5), (1.5, 1), (2.5, 1.5)], 'b': [(0, .5), (.5, .5), (1, .5), (1.5, 1), (2.5, .5), (3, 1)],
           'c': [(0, 3), (3.5, .5)], 'd': [(0, 1), (1, 1), (2, 2)]}
    melody(s, sx, P, (0, 14), rhy, ['a', 'b', 'c', 'd', 'a', 'b', 'd', 'c'] * 2, 2, 'major', 60, 76, 76, rng, legato=0.95)
    gt.n(56, 3, [38] + voicing('D6/9', 62, drop_root=True), 66); bs.n(56, 3, 38, 86); sx.n(56, 3, 66, 72); dr.n(56, .2, KICK, 50)
    return s


# 18 ---------------------------------------------------------------- smooth jazz, Eb, 90
@piece
def smooth_jazz():
    s = Song('smooth_jazz', 90, 4, 'smooth jazz: Rhodes, fretless, 16th hats, soprano sax', 11, seed=118)
    rng = s.rng
    bars = ['Ebmaj9', 'Abmaj9', 'Fm9', 'Bb7sus4', 'Gm7', 'Cm9', 'Abmaj7', 'Bb7sus4', 'Gm7', ['Fm9', 'Bb7sus4'], 'Ebmaj9']
    P = Prog(bars, 4)
    ep = s.track('rhodes', 0, 4, 92, 50, rev=50, cho=40)
    bs = s.track('bass', 1, 35, 100, 64, rev=20)
    sx = s.track('sax', 2, 64, 84, 76, rev=60)
    pd = s.track('pad', 3, 50, 52, 64, rev=70)
    dr = s.track('drums', DR, 0, 82, jitter=0.4)
    for b0, b1, ch in P.segments(40):
        pd.n(b0, b1 - b0, voicing(ch, 60), 50)
    for bar in range(10):
        b = bar * 4
        ch = P.at(b)
        v = voicing(ch, 64, drop_root=True)
        ep.n(b, 1.4, v, 66); ep.n(b + 1.5, .4, v, 54); ep.n(b + 2.5, 1.2, voicing(P.at(b + 2.5), 64, drop_root=True), 58)
        r = bass_pitch(ch, 36)
        bs.n(b, .9, r, 90); bs.n(b + 1.5, .4, r + 12, 66); bs.n(b + 2, .7, r + 7 if r + 7 < 50 else r - 5, 80)
        bs.n(b + 3.5, .4, bass_pitch(P.at(b + 4), 36), 70)
        dr.n(b, .2, KICK, 86); dr.n(b + 1.75, .2, KICK, 56); dr.n(b + 2.5, .2, KICK, 70)
        dr.n(b + 1, .2, SNARE, 80); dr.n(b + 3, .2, SNARE, 82)
        for k in range(16):
            dr.n(b + k / 4, .1, CHH, [52, 26, 38, 28][k % 4])
    rhy = {'a': [(0, .75), (.75, .25), (1, .5), (1.5, 1.5), (3, 1)], 'b': [(.5, .5), (1, .25), (1.25, .25), (1.5, .5), (2, 2)],
           'c': [(0, 2.5), (2.5, .5), (3, 1)], 'd': [(0, 1), (1, .5), (1.5, .5), (2, .5), (2.5, 1.5)]}
    melody(s, sx, P, (1, 9), rhy, ['a', 'c', 'b', 'd', 'a', 'c', 'd', 'b', 'c'], 3, 'major', 67, 84, 80, rng, legato=0.95)
    ep.n(40, 3, voicing('Ebmaj9', 64, drop_root=True), 66); bs.n(40, 3, 39, 88); pd.n(40, 3, voicing('Ebmaj9', 60), 50)
    sx.n(40, 3, 70, 74); dr.n(40, .2, KICK, 80); dr.n(40, 2, CRASH, 54)
    return s


# 19 ---------------------------------------------------------------- harp & flute duet, Em, 80
@piece
def harp_flute():
    s = Song('harp_flute', 80, 4, 'harp and flute duet, no drums', 10, seed=119)
    rng = s.rng
    bars = ['Em', 'Cmaj7', 'G', 'D', 'Am7', 'Em/G', 'Cmaj7', 'B7', ['Am7', 'B7'], 'Em']
    P = Prog(bars, 4)
    hp = s.track('harp', 0, 46, 100, 50, rev=60)
    fl = s.track('flute', 1, 73, 96, 78, rev=60)
    for b0, b1, ch in P.segments(36):
        b = bass_pitch(ch, 40)
        c = tones_above(ch, b + 6, 6)
        pat = [b, c[1], c[0], c[2], c[1], c[3], c[2], c[4]]
        for i in range(int(round((b1 - b0) * 2))):
            hp.n(b0 + i * .5, 1.2, pat[i % 8], 70 if i == 0 else 56 if i % 2 == 0 else 48)
    rhy = {'a': [(0, 1.5), (1.5, .5), (2, 1), (3, 1)], 'b': [(0, .5), (.5, .5), (1, 1), (2, 2)], 'c': [(0, 3), (3, .5), (3.5, .5)],
           'd': [(0, 2), (2, 1.5), (3.5, .5)]}
    melody(s, fl, P, (0, 9), rhy, ['a', 'b', 'c', 'd', 'a', 'd', 'b', 'c', 'a'], 4, 'minor', 67, 86, 80, rng, legato=0.97)
    for i, p in enumerate([40, 47, 52, 55, 59, 64, 67]):
        hp.n(36 + i * 0.08, 3, p, 64)
    fl.n(36, 3, 71, 76)
    return s


# 20 ---------------------------------------------------------------- solo marimba, F, 100
@piece
def marimba_solo():
    s = Song('marimba_solo', 100, 4, 'solo marimba, running sixteenths, accents on beats', 12, seed=120)
    rng = s.rng
    bars = ['F', 'Dm', 'Bb', 'C', 'F', 'Am', 'Bb', 'C7', 'Dm', 'Bb', 'C7', 'F']
    P = Prog(bars, 4)
    rh = s.track('marimba_rh', 0, 12, 100, 74, rev=40)
    lh = s.track('marimba_lh', 1, 12, 96, 54, rev=40)
    shapes = [[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 1, 3], [0, 1, 2, 1], [2, 1, 0, 1]]
    prev = 72
    for bar in range(11):
        b = bar * 4
        ch = P.at(b)
        r = bass_pitch(ch, 41)
        lh.n(b, 1.5, [r, r + 12], 88); lh.n(b + 2, 1.5, r + 7 if r + 7 < 56 else r - 5, 76)
        for k in range(4):
            ct = [p for p in range(65, 90) if p % 12 in chord_pcs(P.at(b + k))]
            shp = rng.choice(shapes)
            i0 = min(range(len(ct) - 3), key=lambda j: abs(ct[j] - prev) + rng.random() * 3)
            for j, o in enumerate(shp):
                p = ct[i0 + o]
                rh.n(b + k + j / 4, .25, p, (100 if k % 2 == 0 else 92) if j == 0 else rng.choice([56, 60, 64]))
                prev = p
    lh.n(44, 2, [41, 53], 90)
    for k in range(12):
        rh.n(44 + k / 8, .12, [77, 81] if k % 2 else [72, 77], 60 + 2 * k, hum=False)
    return s
