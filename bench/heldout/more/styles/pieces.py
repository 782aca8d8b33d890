"""The 20 styles-set pieces: one function per piece returning a composed midi_b.Song (see __init__.py);
PIECES = {name: fn}."""
import random  # noqa: F401
from ..midi_b import *  # noqa: F401,F403

KICK, SNARE, SIDE, CLAP, CHH, PHH, OHH, CRASH, RIDE, BELL, TAMB, COWB = 36, 38, 37, 39, 42, 44, 46, 49, 51, 53, 54, 56
TOMS = (50, 48, 47, 45, 43, 41)
DR = 9
PIECES = {}


def piece(f):
    PIECES[f.__name__] = f
    return f


def walk_to(tr, beat, frm, to_root, n, vel, scale_tonic, scale='major', step_dur=1.0, leg=0.9):
    """n scale/chromatic notes approaching to_root starting after beat"""
    sc = scale_pitches(scale_tonic, scale, 28, 60)
    # approach from below
    tgt = to_root
    cand = [p for p in sc if p < tgt][-n:]
    if len(cand) < n:
        cand = [tgt - n + i for i in range(n)]
    for i, p in enumerate(cand):
        tr.n(beat + i * step_dur, step_dur * leg, p, vel)


# ---------------------------------------------------------------- 1 country train beat
@piece
def country_train():
    s = Song('country_train', 110, 4, 'country train beat', 14, seed=11)
    rng = s.rng
    bars = ['G', 'G', 'C', 'C', 'G', 'G', 'D', 'D7', 'G', 'G7', 'C', ['C', 'D7'], 'G', 'G']
    P = Prog(bars, 4)
    dr = s.track('drums', DR, 0, 100, jitter=0.6)
    bs = s.track('bass', 1, 32, 110, 58)
    gt = s.track('guitar', 2, 25, 92, 80, cho=30)
    fd = s.track('fiddle', 3, 110, 88, 44, rev=55)
    el = s.track('tele', 4, 27, 70, 90)
    for bar in range(13):
        b = bar * 4
        ch = P.at(b)
        # train beat: 16th snare (brushy), accents on 2/4, kick 1/3
        for i in range(16):
            beat = b + i / 4
            v = [52, 28, 62, 30][i % 4]
            if i in (4, 12):
                v = 104
            if bar == 12 and i >= 12:
                continue
            dr.n(beat, 0.1, SNARE, v + rng.randint(-4, 4))
        dr.n(b, .2, KICK, 100); dr.n(b + 2, .2, KICK, 92)
        dr.n(b + 1, .2, PHH, 60); dr.n(b + 3, .2, PHH, 60)
        if bar in (3, 7, 11):
            drum_fill(dr, b + 3, 1, 95, toms=(48, 45, 43))
        if bar in (0, 4, 8):
            dr.n(b, .5, CRASH, 80 if bar else 70)
        # bass boom-chick with walk-ups
        r = bass_pitch(ch, 36)
        nxt = P.at(b + 4)
        bs.n(b, .9, r, 100)
        if parse(nxt)[0] != parse(ch)[0] and bar < 12:
            walk_to(bs, b + 2, r, bass_pitch(nxt, 36), 2, 88, 7)
        else:
            bs.n(b + 2, .9, r + 7 if r + 7 < 52 else r - 5, 92)
        # guitar: chop on 2, 4 + light upstroke on 4&
        voc = voicing(ch, 60, extra_top=True)
        gt.strum(b, .4, [r + 12] + voc, 70, bpm=110)
        gt.strum(b + 1, .3, voc, 88, bpm=110)
        gt.strum(b + 2, .4, [r + 19 if r + 19 < 60 else r + 7] + voc, 68, bpm=110)
        gt.strum(b + 3, .3, voc, 88, bpm=110)
        gt.strum(b + 3.5, .2, voc[-3:], 55, up=True, bpm=110)
        # tele chicken-pickin double stops on & of 2 in second half
        if bar >= 4:
            ds = voicing(ch, 72)[-2:]
            el.n(b + 1.5, .2, ds, 60); el.n(b + 3.5, .2, ds, 58)
    rh = {'a': [(0, 1), (1, .5), (1.5, .5), (2, 1.5), (3.5, .5)],
          'b': [(0, .5), (.5, .5), (1, .5), (1.5, .5), (2, 2)],
          'c': [(0, 1.5), (1.5, .5), (2, .5), (2.5, .5), (3, 1)],
          'd': [(0, 3), (3, .5), (3.5, .5)]}
    melody(s, fd, P, (0, 13), rh, ['a', 'b', 'c', 'd', 'a', 'b', 'a', 'd', 'c', 'b', 'a', 'c', 'd'],
           7, 'major', 62, 86, 84, rng, legato=0.95)
    b = 13 * 4
    dr.n(b, 2, CRASH, 90); dr.n(b, .3, KICK, 100)
    bs.n(b, 3, 43, 100); gt.strum(b, 3, [43] + voicing('G', 60, extra_top=True), 85, bpm=110)
    fd.n(b, 3, 67, 85)
    return s


# ---------------------------------------------------------------- 2 bluegrass
@piece
def bluegrass():
    s = Song('bluegrass', 130, 4, 'bluegrass', 17, seed=22)
    rng = s.rng
    bars = ['A', 'A', 'D', 'A', 'A', 'A', 'E', 'E', 'A', 'A7', 'D', 'D', 'A', 'E', 'A', 'A', 'A']
    P = Prog(bars, 4)
    bj = s.track('banjo', 1, 105, 95, 84, rev=35)
    bs = s.track('bass', 2, 32, 115, 60)
    gt = s.track('guitar', 3, 25, 88, 44)
    fd = s.track('fiddle', 4, 110, 85, 70, rev=50)
    mn = s.track('mandolin_chop', 5, 24, 70, 30)
    for bar in range(16):
        b = bar * 4
        ch = P.at(b)
        r, q, _ = parse(ch)
        # banjo forward roll: thumb(lower tone) index(mid) middle(high) pattern, drone 5th string = high E
        root = near(r, 55); third = near((r + q[1]) % 12, 62); fifth = near((r + 7) % 12, 59)
        top = near(r, 67); drone = 76
        roll = [root, third, top, drone, third, top, root, drone] if bar % 2 == 0 else \
               [third, top, drone, root, top, drone, third, top]
        for i, p in enumerate(roll):
            bj.n(b + i / 2, .45, p, (82 if i % 3 == 0 else 66))
        # bass root on 1, fifth on 3, walk before changes
        br = bass_pitch(ch, 33)
        nxt = P.at(b + 4)
        bs.n(b, .9, br, 105)
        if parse(nxt)[0] != r and bar < 15 and rng.random() < 0.7:
            walk_to(bs, b + 2, br, bass_pitch(nxt, 33), 2, 95, 9)
        else:
            bs.n(b + 2, .9, br + 7 if br + 7 < 48 else br - 5, 98)
        # guitar: bass-strum, G-run style boom-chick (strums on 2 & 4)
        v = voicing(ch, 57, extra_top=True)
        gt.n(b, .4, br + 12, 80); gt.strum(b + 1, .3, v, 78, bpm=130)
        gt.n(b + 2, .4, (br + 19) if br + 19 < 57 else br + 7, 76); gt.strum(b + 3, .3, v, 78, bpm=130)
        # mandolin-ish chop on 2 and 4 (short, high)
        mn.n(b + 1, .12, voicing(ch, 70), 85); mn.n(b + 3, .12, voicing(ch, 70), 85)
    rh = {'a': [(i / 2, .5) for i in range(8)],
          'b': [(0, 1), (1, .5), (1.5, .5), (2, .5), (2.5, .5), (3, 1)],
          'c': [(0, .5), (.5, .5), (1, .5), (1.5, .5), (2, 2)],
          'd': [(0, 2), (2, 1), (3, .5), (3.5, .5)]}
    melody(s, fd, P, (0, 16), rh, ['b', 'a', 'c', 'd', 'a', 'a', 'b', 'd', 'b', 'a', 'c', 'a', 'a', 'b', 'c', 'd'],
           9, 'major', 64, 88, 86, rng)
    b = 16 * 4
    bj.n(b, 2, [57, 61, 64, 69], 90); bs.n(b, 2, 33, 105); gt.strum(b, 2.5, voicing('A', 57, extra_top=True), 85, bpm=130)
    fd.n(b, 2.5, 69, 85)
    return s


# ---------------------------------------------------------------- 3 Motown
@piece
def motown():
    s = Song('motown', 120, 4, 'Motown soul', 16, seed=33)
    rng = s.rng
    bars = ['Bb', 'Gm7', 'Eb', 'F7', 'Bb', 'Gm7', ['Cm7', 'F7'], 'Bb',
            'Eb', 'Ebm6', 'Bb/D', 'Gm7', 'Cm7', 'F7sus4', ['F7', 'F7'], 'Bb']
    P = Prog(bars, 4)
    dr = s.track('drums', DR, 0, 100, jitter=0.6)
    bs = s.track('bass', 1, 33, 112, 60)
    pn = s.track('piano', 2, 0, 80, 50)
    gt = s.track('guitar', 3, 27, 78, 90)
    st = s.track('strings', 4, 48, 62, 70, rev=60)
    sx = s.track('sax', 5, 65, 92, 60, rev=50)
    vb = s.track('vibes', 6, 11, 60, 40)
    for bar in range(15):
        b = bar * 4
        ch = P.at(b)
        # drums: snare on every beat (lighter on 1,3), tambourine 2/4 + 8ths, kick syncopated
        for k in range(4):
            dr.n(b + k, .2, SNARE, 100 if k % 2 else 60)
            dr.n(b + k, .1, CHH, 70); dr.n(b + k + .5, .1, CHH, 45)
        dr.n(b + 1, .2, TAMB, 100); dr.n(b + 3, .2, TAMB, 100)
        dr.n(b + 1.5, .1, TAMB, 50); dr.n(b + 3.5, .1, TAMB, 50)
        dr.n(b, .2, KICK, 100); dr.n(b + 1.5, .2, KICK, 70); dr.n(b + 2, .2, KICK, 95); dr.n(b + 2.5, .2, KICK, 65)
        if bar in (7, 14):
            drum_fill(dr, b + 3, 1, 95)
        if bar in (0, 8):
            dr.n(b, 1, CRASH, 85)
        # Jamerson-ish bass: root, syncopated 8ths, chromatic approach
        br = bass_pitch(ch, 34)
        nb_ = bass_pitch(P.at(b + 4), 34)
        r, q, _ = parse(ch)
        pat = [(0, br, 1.0), (1.5, br + 12, .4), (2, br + 7 if br + 7 < 50 else br - 5, .5), (2.5, br + q[1], .4),
               (3, br + 7 if br + 7 < 50 else br - 5, .4), (3.5, nb_ - 1 if nb_ != br else br + 2, .4)]
        for o, p, d in pat:
            bs.n(b + o, d, p, 100 if o in (0, 2) else 85)
        ch2 = P.at(b + 2)
        # piano: offbeat stabs + guitar chops on 2 and 4
        for o in (0.5, 1.5, 2.5, 3.5):
            pn.n(b + o, .3, voicing(P.at(b + o), 66), 72)
        gt.n(b + 1, .15, voicing(P.at(b + 1), 72)[-3:], 88); gt.n(b + 3, .15, voicing(P.at(b + 3), 72)[-3:], 88)
        if bar >= 4:
            st.n(b, 4, voicing(ch, 76), 70)
        if bar % 2 == 1:
            vb.n(b + 3.5, .5, voicing(ch, 79)[-1], 70)
    rh = {'a': [(0, 1.5), (1.5, .5), (2, .5), (2.5, 1.5)],
          'b': [(.5, .5), (1, .5), (1.5, 1), (2.5, .5), (3, 1)],
          'c': [(0, .5), (.5, .5), (1, 1), (2, 2)],
          'd': [(0, 3), (3.5, .5)]}
    melody(s, sx, P, (0, 15), rh, ['a', 'b', 'a', 'd', 'b', 'b', 'c', 'd', 'a', 'b', 'a', 'c', 'b', 'c', 'd'],
           10, 'major', 62, 82, 86, rng)
    b = 60
    dr.n(b, 2, CRASH, 95); dr.n(b, .3, KICK, 100); dr.n(b, .3, SNARE, 100); dr.n(b, .2, TAMB, 100)
    bs.n(b, 3, 34, 105); pn.n(b, 3, voicing('Bb6/9', 66), 80); st.n(b, 3, voicing('Bb', 76), 75); sx.n(b, 3, 70, 88)
    return s


# ---------------------------------------------------------------- 4 gospel 12/8
@piece
def gospel_12_8():
    s = Song('gospel_12_8', 84, 4, 'gospel shuffle 12/8 (beat = dotted quarter)', 11, seed=44, timesig=(12, 8))
    rng = s.rng
    bars = ['Ab', ['Db', 'Ab/C'], ['Bbm7', 'Eb7'], ['Ab', 'Ab7'], ['Db', 'Dbm6'], ['Ab/Eb', 'F7'],
            ['Bbm7', 'Eb7'], ['Ab', 'Eb7sus4'], ['Ab', 'Ab7/Gb'], ['Db/F', 'Eb7'], 'Ab']
    P = Prog(bars, 4)
    dr = s.track('drums', DR, 0, 100, jitter=0.6)
    bs = s.track('bass', 1, 33, 110, 60)
    og = s.track('organ', 2, 16, 70, 40, rev=60)
    pn = s.track('piano', 3, 0, 82, 84)
    ch_ = s.track('choir', 4, 52, 62, 64, rev=70)
    sx = s.track('alto', 5, 65, 88, 55, rev=60)
    T = 1 / 3
    for bar in range(10):
        b = bar * 4
        for k in range(4):
            for j in range(3):
                dr.n(b + k + j * T, .1, CHH if k % 2 == 0 or j else OHH, 72 if j == 0 else 50)
            if k % 2:
                dr.n(b + k, .2, SNARE, 108)
            else:
                dr.n(b + k, .2, KICK, 100)
            dr.n(b + k + 2 * T, .1, SNARE, 30)  # ghost on the last triplet
        dr.n(b + 2 * T + 2, .2, KICK, 70)
        if bar in (3, 7):
            for i in range(6):
                dr.n(b + 3 + i / 6, .1, TOMS[i // 2 + 1] if i > 1 else SNARE, 80 + i * 4)
        if bar in (0, 4, 8):
            dr.n(b, 1, CRASH, 80)
        for k in range(4):
            c = P.at(b + k)
            br = bass_pitch(c, 32)
            bs.n(b + k, .6, br, 100 if k % 2 == 0 else 88)
            bs.n(b + k + 2 * T, .25, br + 12 if k == 1 else br + 7 if br + 7 < 48 else br - 5, 70)
            v = voicing(c, 67, extra_top=True)
            for j in range(3):
                pn.n(b + k + j * T, .28, v, 78 if j == 0 else 55)
            pn.n(b + k, .6, br + 12, 70)
        for half in (0, 2):
            c = P.at(b + half)
            og.n(b + half, 2, voicing(c, 62), 80)
            if bar >= 2:
                ch_.n(b + half, 2, voicing(c, 72), 70)
    rh = {'a': [(0, 1), (1, 2 * T), (1 + 2 * T, T), (2, 2)],
          'b': [(0, 2 * T), (2 * T, T), (1, 1), (2, 2 * T), (2 + 2 * T, T), (3, 1)],
          'c': [(0, 2), (2, 1), (3, 2 * T), (3 + 2 * T, T)],
          'd': [(0, 3), (3, 1)]}
    melody(s, sx, P, (0, 10), rh, ['a', 'b', 'c', 'd', 'b', 'a', 'b', 'd', 'c', 'b'], 8, 'major', 62, 82, 86, rng,
           legato=0.97)
    b = 40
    dr.n(b, 3, CRASH, 95); dr.n(b, .3, KICK, 105)
    bs.n(b, 3, 32, 105); og.n(b, 3, voicing('Ab', 62), 85); pn.n(b, 3, voicing('Ab', 67, extra_top=True) + [44], 85)
    ch_.n(b, 3, voicing('Ab', 72), 75); sx.n(b, 3, 72, 86)
    return s


# ---------------------------------------------------------------- 5 blues shuffle
@piece
def blues_shuffle():
    s = Song('blues_shuffle', 96, 4, 'blues shuffle (swung 8ths)', 13, seed=55)
    rng = s.rng
    bars = ['A7', 'D7', 'A7', 'A7', 'D7', 'D7', 'A7', 'A7', 'E7', 'D7', 'A7', ['D7', 'E7'], 'A7']
    P = Prog(bars, 4)
    sw = lambda x: swing(x, 2 / 3)
    dr = s.track('drums', DR, 0, 100, jitter=0.6)
    bs = s.track('bass', 1, 33, 110, 60)
    gt = s.track('rhythm_gtr', 2, 27, 88, 30)
    pn = s.track('piano', 3, 0, 70, 90)
    hp = s.track('harmonica', 4, 22, 84, 64, rev=50)
    for bar in range(12):
        b = bar * 4
        ch = P.at(b)
        for i in range(8):
            dr.n(b + sw(i / 2), .1, RIDE if bar >= 4 else CHH, 74 if i % 2 == 0 else 54)
        for k in range(4):
            dr.n(b + k, .2, SNARE if k % 2 else KICK, 104 if k % 2 else 92)
            if rng.random() < 0.5:
                dr.n(b + sw(k + .5), .1, SNARE, 28)
        dr.n(b + 1, .1, PHH, 55); dr.n(b + 3, .1, PHH, 55)
        if bar in (3, 7, 11):
            for i in range(3):
                dr.n(b + 3 + i / 3, .1, [SNARE, 47, 43][i], 85 + i * 5)
        if bar in (0, 4, 8):
            dr.n(b, 1, CRASH, 80)
        # boogie walking bass in swung 8ths-ish quarters: 1 3 5 6 b7 6 5 3
        br = bass_pitch(ch, 33)
        line = [0, 4, 7, 9, 10, 9, 7, 4]
        for i, iv in enumerate(line):
            bs.n(b + sw(i / 2), .4, br + iv, 98 if i % 2 == 0 else 80)
        # shuffle guitar: 5-6 figure
        g = bass_pitch(ch, 45)
        for i in range(8):
            ext = 7 if (i // 2) % 2 == 0 else 9
            gt.n(b + sw(i / 2), .3, [g, g + ext], 76 if i % 2 == 0 else 62)
        # piano: comp on & of 2 and 4 (swung), with triplet fill occasionally
        pn.n(b + sw(1.5), .3, voicing(ch, 70), 70); pn.n(b + sw(3.5), .3, voicing(ch, 70), 66)
    # harmonica: call and response licks from blues scale
    rh = {'a': [(0, .5), (.5, .5), (1, 1), (2, 1.5)],
          'b': [(.5, .5), (1, .5), (1.5, .5), (2, 2)],
          'r': [(0, 2.5)],
          'c': [(0, 1), (1, .5), (1.5, .5), (2, .5), (2.5, 1.5)]}
    melody(s, hp, P, (0, 12), rh, ['a', 'r', 'b', 'r', 'a', 'r', 'c', 'r', 'b', 'c', 'a', 'r'], 9, 'blues', 64, 84,
           92, rng, swing_fn=sw)
    b = 48
    dr.n(b, 3, CRASH, 95); dr.n(b, .3, KICK, 105)
    bs.n(b, 3, 33, 105); gt.n(b, 3, [45, 52, 55, 61], 85); pn.n(b, 3, voicing('A9', 70), 80); hp.n(b, 3, 69, 90)
    return s


# ---------------------------------------------------------------- 6 jazz swing 160
@piece
def jazz_swing():
    s = Song('jazz_swing', 160, 4, 'jazz swing', 21, seed=66)
    rng = s.rng
    bars = ['Cm7', 'F7', 'Bbmaj7', 'Ebmaj7', 'Am7b5', 'D7', 'Gm7', 'G7',
            'Cm7', 'F7', 'Bbmaj7', 'Ebmaj7', 'Am7b5', 'D7b9', ['Gm7', 'C7'], ['Fm7', 'Bb7'],
            'Ebmaj7', ['Am7b5', 'D7'], 'Gm7', ['Cm7', 'F7'], 'Bb6']
    P = Prog(bars, 4)
    sw = lambda x: swing(x, 0.64)
    dr = s.track('drums', DR, 32, 100, jitter=0.6)
    bs = s.track('bass', 1, 32, 118, 60)
    pn = s.track('piano', 2, 0, 78, 84, rev=45)
    tp = s.track('tenor', 3, 66, 90, 50, rev=50)
    prevb = None
    for bar in range(20):
        b = bar * 4
        # ride spang-a-lang
        for o, v in ((0, 78), (1, 90), (sw(1.5), 60), (2, 78), (3, 90), (sw(3.5), 60)):
            dr.n(b + o, .2, RIDE, v)
        dr.n(b + 1, .1, PHH, 70); dr.n(b + 3, .1, PHH, 70)
        for k in range(4):
            dr.n(b + k, .1, KICK, 35)
        for _ in range(2):
            if rng.random() < 0.6:
                dr.n(b + sw(rng.choice([0.5, 1.5, 2.5, 3.5, 2, 3])), .1, SNARE, rng.randint(30, 62))
        if bar in (7, 15):
            dr.n(b + sw(3.5), .1, SNARE, 90); dr.n(b + 4, .1, KICK, 80)
        # walking bass
        for k in range(4):
            c = P.at(b + k)
            r, q, _ = parse(c)
            nxt = P.at(b + k + 1)
            if k == 0 or P.at(b + k - 1) != c:
                p = near(r, 40 if prevb is None else prevb)
                p = p if 31 <= p <= 50 else bass_pitch(c, 33)
            elif P.at(b + k + 1) != c or k == 3:
                tr_ = near(parse(nxt)[0], prevb)
                p = tr_ + rng.choice([-1, 1, 2 if q[1] == 4 else -2])
            else:
                opts = [near((r + x) % 12, prevb) for x in q[1:]] + [prevb + rng.choice([-2, 2])]
                p = rng.choice([o for o in opts if o != prevb] or opts)
            p = max(31, min(52, p))
            bs.n(b + k, .95, p, 100 if k % 2 == 0 else 92)
            prevb = p
        # piano comping: rootless voicings, Charleston and anticipations
        pat = rng.choice([[(0, .7), (sw(1.5), .3)], [(sw(.5), .4), (2, .6)], [(sw(1.5), .4), (sw(3.5), .4)],
                          [(0, .4), (sw(2.5), .4)]])
        for o, d in pat:
            c = P.at(b + o + 0.2)
            pn.n(b + o, d, voicing(c, 64, drop_root=True), 68)
    rh = {'a': [(sw(i / 2), .5) for i in range(8)],
          'b': [(0, 1), (sw(1.5), .5), (2, .5), (sw(2.5), .5), (3, 1)],
          'c': [(sw(.5), .5), (1, .5), (sw(1.5), .5), (2, 2)],
          'd': [(0, 2), (sw(2.5), .5), (3, 1)],
          'r': [(0, 1.5)]}
    melody(s, tp, P, (0, 20), rh, ['b', 'c', 'd', 'r', 'a', 'c', 'd', 'r', 'b', 'a', 'a', 'd', 'c', 'a', 'b', 'r',
                                     'a', 'a', 'c', 'd'], 10, 'major', 55, 77, 88, rng, legato=0.9)
    b = 80
    dr.n(b, 2, 49, 85); dr.n(b, .2, KICK, 85)
    bs.n(b, 3, 34, 105); pn.n(b, 3, voicing('Bb6/9', 62), 80); tp.n(b, 3, 62, 88)
    return s


# ---------------------------------------------------------------- 7 jazz ballad 60
@piece
def jazz_ballad():
    s = Song('jazz_ballad', 60, 4, 'jazz ballad, brushes, bass in 2', 8, seed=77)
    rng = s.rng
    bars = [['Ebmaj7', 'Cm7'], ['Fm7', 'Bb7'], ['Gm7', 'C7b9'], ['Fm7', 'Bb7'],
            ['Ebmaj7', 'Eb7'], ['Abmaj7', 'Abm6'], ['Gm7', 'C7'], ['Fm7', 'Bb7sus4'], 'Ebmaj9']
    P = Prog(bars, 4)
    s.nbars = 8
    sw = lambda x: swing(x, 0.64)
    dr = s.track('brushes', DR, 40, 100, jitter=0.6)
    bs = s.track('bass', 1, 32, 118, 60)
    pn = s.track('piano', 2, 0, 80, 74, rev=60)
    tp = s.track('tenor', 3, 66, 86, 50, rev=65)
    for bar in range(7):
        b = bar * 4
        for k in range(4):
            # brush: swish 8ths on snare (soft), slap on 2 & 4
            dr.n(b + k, .3, SNARE, 66 if k % 2 else 38)
            dr.n(b + sw(k + .5), .2, SNARE, 30)
            if k % 2 == 0:
                dr.n(b + k, .2, KICK, 40)
        dr.n(b + 1, .1, PHH, 55); dr.n(b + 3, .1, PHH, 55)
        # bass in 2 with pickups
        for half in (0, 2):
            c = P.at(b + half)
            br = bass_pitch(c, 31)
            bs.n(b + half, 1.9 if rng.random() < .6 else 1.4, br, 100)
            if rng.random() < .4:
                nx = bass_pitch(P.at(b + half + 2), 31)
                bs.n(b + half + sw(1.5), .4, nx + rng.choice([-1, 1]), 80)
        # piano: sustained voicings + gentle arpeggiated decoration
        for half in (0, 2):
            c = P.at(b + half)
            v = voicing(c, 62, drop_root=True)
            pn.n(b + half, 1.8, v, 62)
            pn.n(b + half + sw(1.5), .4, voicing(c, 74)[-2:], 48)
    rh = {'a': [(0, 1.5), (1.5, .5), (2, 2)],
          'b': [(sw(.5), .5), (1, .5), (sw(1.5), .5), (2, 1), (3, 1)],
          'c': [(0, 3), (3, .5), (sw(3.5), .5)],
          'd': [(0, 1), (1, 1), (2, 2)]}
    melody(s, tp, P, (0, 7), rh, ['a', 'b', 'c', 'd', 'b', 'a', 'c'], 3, 'major', 58, 77, 80, rng, legato=0.98)
    b = 28
    dr.n(b, .3, SNARE, 50); dr.n(b, 3, RIDE, 50)
    bs.n(b, 4, 31, 100); pn.strum(b, 4, [39] + voicing('Ebmaj9', 64), 72, spread=0.05, bpm=60); tp.n(b, 4, 70, 80)
    return s


# ---------------------------------------------------------------- 8 Viennese waltz
@piece
def viennese_waltz():
    s = Song('viennese_waltz', 174, 3, 'Viennese waltz 3/4 (beat = quarter)', 30, seed=88)
    rng = s.rng
    bars = ['D', 'D', 'A7', 'A7', 'A7', 'A7', 'D', 'D', 'D', 'D7', 'G', 'G', 'D/A', 'A7', 'D', 'D',
            'Bm', 'Bm', 'F#7', 'F#7', 'Bm', 'Bm', 'E7', 'A7', 'D', 'D', 'G', 'A7', 'D', 'D']
    P = Prog(bars, 3)
    bs = s.track('contrabass', 1, 43, 100, 50, rev=60)
    vc = s.track('cello', 2, 42, 90, 54, rev=60)
    st = s.track('strings', 3, 48, 70, 70, rev=60)
    pz = s.track('pizz', 7, 45, 96, 76, rev=50)
    hn = s.track('horns', 8, 60, 70, 30, rev=60)
    vn = s.track('violins', 4, 48, 98, 40, rev=65)
    fl = s.track('flute', 5, 73, 78, 80, rev=60)
    hp = s.track('harp', 6, 46, 70, 90, rev=60)
    pc = s.track('perc', DR, 48, 80, jitter=0.5)
    for bar in range(29):
        b = bar * 3
        c = P.at(b)
        br = bass_pitch(c, 38)
        alt = br if bar % 2 == 0 else (br + 7 if br + 7 < 50 else br - 5)
        bs.n(b, .9, alt, 96); vc.n(b, .9, alt + 12, 80)
        v = voicing(c, 64)
        pz.n(b + 1, .4, v, 84); pz.n(b + 2, .4, v, 76)
        hn.n(b + 1, .35, voicing(c, 58)[-2:], 62); hn.n(b + 2, .35, voicing(c, 58)[-2:], 56)
        if bar % 2 == 0:
            st.n(b, 6, voicing(c, 70), 50)
        pz.n(b, .5, alt, 90)
        pc.n(b, .2, 81 if bar % 2 else 80, 40)   # triangle
        if bar % 4 == 0:
            if bar % 8 == 0:
                pc.n(b, .3, 57, 60)
            pc.n(b, .3, 41, 70)  # timpani-ish low tom in orch kit
        if bar % 2 == 1:
            hp.n(b, .5, voicing(c, 76)[0], 60); hp.n(b + 1, .5, voicing(c, 76)[1], 56); hp.n(b + 2, .5, voicing(c, 76)[-1], 56)
    rh = {'a': [(0, 2), (2, 1)], 'b': [(0, 1), (1, 1), (2, 1)], 'c': [(0, 3)], 'd': [(0, .5), (.5, .5), (1, 1), (2, 1)],
          'e': [(0, 1.5), (1.5, .5), (2, 1)]}
    form = ['a', 'b', 'c', 'c', 'b', 'b', 'e', 'c'] * 4
    melody(s, vn, P, (0, 29), rh, form, 2, 'major', 69, 91, 92, rng, legato=0.97)
    # flute doubles an octave up in the second half
    for nt in list(vn.notes):
        if nt[0] >= 16 * 3:
            fl.n(nt[0], nt[1], nt[2] + 12 if nt[2] + 12 <= 96 else nt[2], nt[3] - 10, nt[4])
    b = 29 * 3
    bs.n(b, 2.5, 38, 100); vc.n(b, 2.5, 50, 90); st.n(b, 2.5, voicing('D', 64, extra_top=True), 85)
    vn.n(b, 2.5, 74, 92); pc.n(b, 1, 57, 80); pc.n(b, .3, 41, 90)
    return s


# ---------------------------------------------------------------- 9 minuet
@piece
def minuet():
    s = Song('minuet', 100, 3, 'slow minuet 3/4, harpsichord + strings', 17, seed=99)
    rng = s.rng
    bars = ['G', ['C', 'D'], 'G', ['Em', 'Am'], 'D', ['G', 'A7'], 'D', ['D', 'D7'],
            'G', ['G7', 'C'], ['Am', 'D'], ['Bm', 'Em'], ['C', 'Am'], ['G/D', 'D7'], 'G', 'G', 'G']
    P = Prog(bars, 3)
    hc = s.track('harpsichord', 1, 6, 92, 64, rev=45)
    vn = s.track('violin', 2, 40, 92, 44, rev=55)
    va = s.track('viola', 3, 41, 68, 74, rev=55)
    vc = s.track('cello', 4, 42, 92, 84, rev=55)
    for bar in range(16):
        b = bar * 3
        c = P.at(b)
        br = bass_pitch(c, 36)
        # continuo: cello quarters moving, harpsichord LH + RH chords on 2 & 3
        line = [br, br + (12 if rng.random() < .5 else 7 if br + 7 < 52 else -5), br + 12]
        c2 = P.at(b + 1.5)
        if c2 != c:
            line = [br, br + 12, bass_pitch(c2, 36)]
        for k, p in enumerate(line):
            vc.n(b + k, .85, p, 88 if k == 0 else 74)
            hc.n(b + k, .8, p, 80 if k == 0 else 66)
        for k in (1, 2):
            hc.n(b + k, .6, voicing(P.at(b + k), 64), 62)
        va.n(b, 2.8, voicing(c, 62)[1], 58)
    rh = {'a': [(0, 1), (1, .5), (1.5, .5), (2, 1)], 'b': [(0, .5), (.5, .5), (1, .5), (1.5, .5), (2, 1)],
          'c': [(0, 2), (2, 1)], 'd': [(0, 3)], 'e': [(0, 1.5), (1.5, .5), (2, 1)]}
    form = ['a', 'b', 'a', 'c', 'b', 'e', 'b', 'd', 'a', 'b', 'e', 'b', 'a', 'c', 'b', 'd']
    melody(s, vn, P, (0, 16), rh, form, 7, 'major', 67, 88, 86, rng, legato=0.9)
    # harpsichord doubles melody ornaments: echo melody an octave down on some bars
    for nt in list(vn.notes):
        if 8 * 3 <= nt[0] < 12 * 3:
            hc.n(nt[0], nt[1], nt[2], 68)
    b = 48
    hc.strum(b, 3, [31, 43, 55, 59, 62, 67], 85, spread=0.03, bpm=100); vc.n(b, 3, 43, 90); va.n(b, 3, 59, 65)
    vn.n(b, 3, 67, 88)
    return s


# ---------------------------------------------------------------- 10 Irish jig
@piece
def irish_jig():
    s = Song('irish_jig', 116, 2, 'Irish jig 6/8 (beat = dotted quarter)', 30, seed=1010, timesig=(6, 8))
    rng = s.rng
    A = ['D', 'D', 'G', 'A', 'D', 'Bm', ['G', 'A'], 'D']
    B = ['D', 'G', 'D', 'A', 'Bm', 'G', ['Em', 'A'], 'D']
    bars = A + A + B + B[:5] + ['G', 'A', 'D']
    P = Prog(bars, 2)
    fd = s.track('fiddle', 1, 110, 96, 50, rev=45)
    wh = s.track('whistle', 2, 72, 72, 80, rev=50)
    gt = s.track('guitar', 3, 25, 86, 76)
    bs = s.track('bouzouki_bass', 4, 32, 96, 60)
    dr = s.track('bodhran', DR, 0, 100, jitter=0.6)
    T = 1 / 3
    tune = []
    for bar in range(29):
        b = bar * 2
        c = P.at(b)
        # bodhran: low tom on beats, mid on triplet pickups
        for k in range(2):
            dr.n(b + k, .2, 41, 96)
            dr.n(b + k + T, .1, 45, 42)
            dr.n(b + k + 2 * T, .1, 43, 62)
        # guitar: strum on 1 and 3rd eighth of each beat (boom - chick)
        for k in range(2):
            cc = P.at(b + k)
            v = voicing(cc, 57, extra_top=True)
            gt.strum(b + k, .3, v, 84, bpm=116); gt.strum(b + k + 2 * T, .2, v[-3:], 62, up=True, bpm=116)
            bs.n(b + k, .6, bass_pitch(cc, 38), 90)
    # jig melody: mostly running triplet 8ths, sometimes quarter-eighth
    rh = {'a': [(i * T, T) for i in range(6)], 'b': [(0, 2 * T), (2 * T, T), (1, T), (1 + T, T), (1 + 2 * T, T)],
          'c': [(0, T), (T, T), (2 * T, T), (1, 2 * T), (1 + 2 * T, T)], 'd': [(0, 1), (1, 2 * T), (1 + 2 * T, T)],
          'e': [(0, 2)]}
    formA = ['a', 'b', 'a', 'c', 'a', 'b', 'c', 'd']
    melody(s, fd, P, (0, 8), rh, formA, 2, 'major', 62, 86, 88, rng, legato=0.95, accent=14)
    first8 = list(fd.notes)
    for nt in first8:  # repeat A
        fd.n(nt[0] + 16, nt[1], nt[2], nt[3])
    melody(s, fd, P, (16, 13), rh, ['a', 'a', 'b', 'c', 'a', 'b', 'c', 'd', 'a', 'a', 'b', 'c', 'a'], 2, 'major',
           66, 88, 88, rng, legato=0.95, accent=14)
    for nt in fd.notes:
        if nt[0] >= 16:
            wh.n(nt[0], nt[1], nt[2] + 12 if nt[2] < 84 else nt[2], nt[3] - 14)
    b = 58
    fd.n(b, 1.5, 74, 90); wh.n(b, 1.5, 86, 75); gt.strum(b, 1.8, voicing('D', 57, extra_top=True), 88, bpm=116)
    bs.n(b, 1.8, 38, 95); dr.n(b, .3, 41, 100)
    return s


# ---------------------------------------------------------------- 11 tarantella
@piece
def tarantella():
    s = Song('tarantella', 140, 2, 'tarantella 6/8 (beat = dotted quarter)', 36, seed=1111, timesig=(6, 8))
    rng = s.rng
    A = ['Am', 'Am', 'E7', 'E7', 'E7', 'E7', 'Am', 'Am', 'Am', 'A7', 'Dm', 'Dm', 'Am', 'E7', 'Am', 'Am']
    Bp = ['C', 'C', 'G7', 'G7', 'G7', 'G7', 'C', 'C', 'Dm', 'Dm', 'Am', 'Am', 'E7', 'E7', 'Am', 'E7']
    bars = A + Bp + ['Am', 'E7', 'Am', 'Am']
    P = Prog(bars, 2)
    T = 1 / 3
    ac = s.track('accordion', 1, 21, 76, 80, rev=40)
    bs = s.track('bass', 2, 32, 108, 60)
    mn = s.track('mandolin', 3, 24, 78, 40)
    cl = s.track('clarinet', 4, 71, 90, 50, rev=45)
    vn = s.track('violin', 5, 40, 80, 70, rev=45)
    dr = s.track('tamb', DR, 0, 100, jitter=0.6)
    for bar in range(35):
        b = bar * 2
        c = P.at(b)
        br = bass_pitch(c, 33)
        bs.n(b, .6, br, 104); bs.n(b + 1, .6, br + 7 if br + 7 < 48 else br - 5, 92)
        v = voicing(c, 62)
        for k in range(2):
            ac.n(b + k + T, .25, v, 70); ac.n(b + k + 2 * T, .25, v, 64)
            dr.n(b + k, .1, TAMB, 100)
            dr.n(b + k + T, .1, TAMB, 55); dr.n(b + k + 2 * T, .1, TAMB, 65)
            dr.n(b + k, .1, KICK if k == 0 else 45, 80)
        # mandolin tremolo-ish repeated 16ths on top note on long chords
        top = voicing(c, 74)[-1]
        for i in range(6):
            mn.n(b + i * T, .15, [top, top - (3 if 'm' in c else 4)], 58 if i % 3 else 72)
        if bar % 8 == 7:
            dr.n(b + 1, .1, SNARE, 80); dr.n(b + 1 + T, .1, SNARE, 85); dr.n(b + 1 + 2 * T, .1, SNARE, 95)
    rh = {'a': [(i * T, T) for i in range(6)], 'b': [(0, 2 * T), (2 * T, T), (1, 2 * T), (1 + 2 * T, T)],
          'c': [(0, 1), (1, T), (1 + T, T), (1 + 2 * T, T)], 'd': [(0, 1), (1, 1)], 'e': [(0, 2)]}
    form = ['b', 'b', 'a', 'd', 'b', 'a', 'c', 'e'] * 5
    melody(s, cl, P, (0, 35), rh, form, 9, 'hminor', 64, 86, 90, rng, accent=12)
    for nt in cl.notes:
        if nt[0] >= 32:
            vn.n(nt[0], nt[1], nt[2] + 12 if nt[2] < 86 else nt[2], nt[3] - 12)
    b = 70
    bs.n(b, 1.5, 33, 105); ac.n(b, 1.5, voicing('Am', 62), 85); cl.n(b, 1.5, 69, 95); vn.n(b, 1.5, 81, 85)
    dr.n(b, .2, TAMB, 110); dr.n(b, .2, KICK, 100); mn.n(b, 1.5, [69, 72, 76], 80)
    return s


# ---------------------------------------------------------------- 12 march
@piece
def march():
    s = Song('march', 116, 2, 'military/concert march 2/4 (beat = quarter)', 30, seed=1212, timesig=(2, 4))
    rng = s.rng
    A = ['Bb', 'Bb', 'F7', 'F7', 'F7', 'F7', 'Bb', 'Bb', 'Bb', 'Bb7', 'Eb', 'Eb', 'Bb/F', 'F7', 'Bb', ['Bb', 'F7']]
    Bt = ['Eb', 'Eb', 'Bb7', 'Bb7', 'Bb7', 'Bb7', 'Eb', 'Eb', 'Ab', 'Ab', 'Eb', 'C7', 'Fm', 'Bb7', 'Eb', 'Eb']
    bars = A + Bt[:13] + ['Eb']
    P = Prog(bars, 2)
    dr = s.track('drums', DR, 48, 100, jitter=0.5)
    tb = s.track('tuba', 1, 58, 105, 60, rev=50)
    hn = s.track('horns', 2, 60, 80, 40, rev=55)
    tr = s.track('trumpets', 3, 56, 96, 76, rev=50)
    tbn = s.track('trombones', 4, 57, 80, 90, rev=55)
    pc = s.track('piccolo', 5, 72, 66, 54, rev=50)
    for bar in range(29):
        b = bar * 2
        c = P.at(b)
        br = bass_pitch(c, 34)
        tb.n(b, .7, br, 100); tb.n(b + 1, .7, br + 7 if br + 7 < 48 else br - 5, 92)
        v = voicing(P.at(b), 62)
        hn.n(b + .5, .35, v, 76); hn.n(b + 1.5, .35, voicing(P.at(b + 1), 62), 76)
        tbn.n(b + .5, .35, voicing(P.at(b), 52), 62); tbn.n(b + 1.5, .35, voicing(P.at(b + 1), 52), 62)
        dr.n(b, .2, 36, 100); dr.n(b + 1, .2, 36, 88)
        dr.n(b, .3, 57, 66)  # cymbal plate on the 1
        # snare: military patterns with rolls (buzz as 32nds) into downbeats
        pat = bar % 4
        if pat in (0, 2):
            for o, v_ in ((0, 96), (.5, 60), (.75, 70), (1, 92), (1.5, 64)):
                dr.n(b + o, .1, SNARE, v_)
        elif pat == 1:
            for i in range(8):  # 8 x 32nds roll over beat 1 with accent end
                dr.n(b + i / 8, .1, SNARE, 55 + i * 5)
            dr.n(b + 1, .1, SNARE, 105); dr.n(b + 1.5, .1, SNARE, 62); dr.n(b + 1.75, .1, SNARE, 70)
        else:
            dr.n(b, .1, SNARE, 95); dr.n(b + .5, .1, SNARE, 62)
            for i in range(8):
                dr.n(b + 1 + i / 8, .1, SNARE, 50 + i * 7)
        if bar == 15:
            dr.n(b + 2, 1, CRASH, 100)
    rh = {'a': [(0, .75), (.75, .25), (1, .5), (1.5, .5)], 'b': [(0, .5), (.5, .5), (1, 1)], 'c': [(0, 1.5), (1.5, .5)],
          'd': [(0, 2)], 'e': [(0, .5), (.5, .25), (.75, .25), (1, .5), (1.5, .5)]}
    form = ['a', 'b', 'a', 'c', 'e', 'b', 'a', 'd']
    melody(s, tr, P, (0, 29), rh, form, 10, 'major', 62, 82, 94, rng, legato=0.85, accent=10)
    for nt in tr.notes:
        if nt[0] >= 32:
            pc.n(nt[0], nt[1], nt[2] + 12, nt[3] - 8)
    b = 58
    tb.n(b, 1.8, 39, 105); hn.n(b, 1.8, voicing('Eb', 62), 90); tbn.n(b, 1.8, voicing('Eb', 52), 85)
    tr.n(b, 1.8, 70, 100); pc.n(b, 1.8, 87, 80); dr.n(b, .2, 36, 110); dr.n(b, 1, CRASH, 100)
    for i in range(4):
        dr.n(b - .5 + i / 8, .1, SNARE, 70 + i * 8)
    dr.n(b, .1, SNARE, 110)
    return s


# ---------------------------------------------------------------- 13 polka
@piece
def polka():
    s = Song('polka', 120, 2, 'polka 2/4 (beat = quarter)', 31, seed=1313, timesig=(2, 4))
    rng = s.rng
    A = ['F', 'F', 'C7', 'C7', 'C7', 'C7', 'F', 'F', 'F', 'F7', 'Bb', 'Bb', 'F/C', 'C7', 'F', 'F']
    B = ['Bb', 'Bb', 'F', 'F', 'C7', 'C7', 'F', 'F', 'Bb', 'Bb', 'F', 'Dm', 'Gm', 'C7']
    bars = A + B + ['F']
    P = Prog(bars, 2)
    tb = s.track('tuba', 1, 58, 105, 60, rev=40)
    ac = s.track('accordion', 2, 21, 78, 80, rev=40)
    cl = s.track('clarinet', 3, 71, 92, 40, rev=45)
    tp = s.track('trumpet', 4, 56, 82, 90, rev=45)
    dr = s.track('drums', DR, 0, 100, jitter=0.6)
    for bar in range(30):
        b = bar * 2
        c = P.at(b)
        br = bass_pitch(c, 34)
        tb.n(b, .45, br, 112); tb.n(b + 1, .45, br + 7 if br + 7 < 48 else br - 5, 106)
        for k in range(2):
            ac.n(b + k + .5, .25, voicing(c, 64), 66)
            dr.n(b + k, .1, KICK, 112)
            dr.n(b + k, .1, CHH, 50)
            dr.n(b + k + .5, .1, SNARE, 58)
            dr.n(b + k + .5, .1, CHH, 48)
        if bar % 8 == 7:
            for i in range(4):
                dr.n(b + 1 + i / 4, .1, SNARE, 70 + 8 * i)
        if bar % 8 == 0:
            dr.n(b, .5, CRASH, 80)
    rh = {'a': [(0, .25), (.25, .25), (.5, .5), (1, .5), (1.5, .5)], 'b': [(0, .5), (.5, .5), (1, .5), (1.5, .5)],
          'c': [(0, 1), (1, .5), (1.5, .5)], 'd': [(0, 1), (1, 1)], 'e': [(0, .5), (.5, .25), (.75, .25), (1, 1)]}
    form = ['a', 'b', 'c', 'b', 'a', 'e', 'c', 'd']
    melody(s, cl, P, (0, 30), rh, form, 5, 'major', 65, 89, 92, rng, legato=0.8, accent=10)
    for nt in cl.notes:
        if 16 <= nt[0] / 2 < 30:
            tp.n(nt[0], nt[1], nt[2] - 3 if (nt[2] - 3 - 5) % 12 in SCALES['major'] else nt[2] - 4, nt[3] - 10)
    b = 60
    tb.n(b, .5, 29, 105); ac.n(b, .5, voicing('F', 64), 90); cl.n(b, .5, 77, 95); tp.n(b, .5, 72, 90)
    dr.n(b, .2, KICK, 110); dr.n(b, .2, SNARE, 100); dr.n(b, 1, CRASH, 100)
    return s


# ---------------------------------------------------------------- 14 metal
@piece
def metal():
    s = Song('metal', 100, 4, 'metal, double-kick 16ths', 13, seed=1414)
    rng = s.rng
    bars = ['E5', ['C5', 'D5'], 'E5', ['G5', 'F#5'], 'E5', ['C5', 'D5'], 'E5', ['B5', 'B5'],
            ['C5', 'D5'], ['E5', 'G5'], ['A5', 'G5'], ['F#5', 'B5'], 'E5']
    P = Prog(bars, 4)
    dr = s.track('drums', DR, 16, 100, jitter=0.4)
    g1 = s.track('gtrL', 1, 30, 76, 20, rev=25)
    g2 = s.track('gtrR', 2, 30, 76, 108, rev=25)
    bs = s.track('bass', 3, 34, 100, 64)
    ld = s.track('lead', 4, 29, 80, 64, rev=50)
    for bar in range(12):
        b = bar * 4
        for i in range(16):
            dr.n(b + i / 4, .1, KICK, 100 if i % 4 == 0 else 84)
        dr.n(b + 1, .2, SNARE, 115); dr.n(b + 3, .2, SNARE, 115)
        for k in range(4):
            dr.n(b + k, .3, CRASH if bar >= 8 or k == 0 else RIDE, 90 if k == 0 else 72)
        if bar in (3, 7, 11):
            for i in range(8):
                dr.n(b + 2 + i / 4, .1, [SNARE, SNARE, 48, 48, 45, 45, 43, 43][i], 90 + i * 3)
        for i in range(16):
            beat = b + i / 4
            c = P.at(beat)
            r = bass_pitch(c, 28)
            accent = (i % 4 == 0) or i in (6, 10)
            if accent:
                ch = [r + 12, r + 19, r + 24] if r < 40 else [r, r + 7, r + 12]
                dur = .23
            else:
                ch = [r + 12 if r < 40 else r]
                dur = .12  # palm mute
            g1.n(beat, dur, ch, 92 if accent else 70)
            g2.n(beat, dur, ch, 90 if accent else 68)
            bs.n(beat, .2, r, 90 if accent else 75)
    rh = {'a': [(0, 1.5), (1.5, .5), (2, 2)], 'b': [(0, .5), (.5, .5), (1, 1), (2, 1), (3, 1)], 'c': [(0, 4)],
          'd': [(0, .25), (.25, .25), (.5, .5), (1, 1), (2, .5), (2.5, .5), (3, 1)]}
    melody(s, ld, P, (4, 8), rh, ['a', 'b', 'a', 'c', 'd', 'b', 'd', 'c'], 4, 'hminor', 64, 88, 90, rng,
           legato=1.0, end_root=True)
    b = 48
    dr.n(b, 3, CRASH, 120); dr.n(b, .2, KICK, 120); dr.n(b, .2, SNARE, 120)
    g1.n(b, 3, [40, 47, 52], 100); g2.n(b, 3, [40, 47, 52], 100); bs.n(b, 3, 28, 100); ld.n(b, 3, 76, 90)
    return s


# ---------------------------------------------------------------- 15 boom bap
@piece
def boom_bap():
    s = Song('boom_bap', 88, 4, 'hip-hop boom bap', 11, seed=1515)
    rng = s.rng
    bars = ['Cm9', 'Abmaj7', 'Fm9', ['G7sus4', 'G7'], 'Cm9', 'Abmaj7', 'Fm9', ['G7sus4', 'G7#9'],
            'Cm9', 'Abmaj7', 'Cm9']
    P = Prog(bars, 4)
    sw = lambda x: swing(x, 0.58, 0.5)
    dr = s.track('drums', DR, 8, 100, jitter=0.8)
    bs = s.track('bass', 1, 33, 112, 60)
    ep = s.track('rhodes', 2, 4, 84, 50, rev=45, cho=40)
    vb = s.track('vibes', 3, 11, 72, 84, rev=60)
    fl = s.track('flute', 4, 73, 70, 40, rev=60)
    for bar in range(10):
        b = bar * 4
        # kick: 1, 1a (ghost), 3&, snare 2,4, hats 8ths with accents, occasional open hat
        for o, v in ((0, 110), (0.75, 60), (sw(2.5), 100), (2.75 if bar % 2 else 3.25, 70)):
            dr.n(b + sw(o) if o != 2.75 else b + sw(o), .2, KICK, v)
        dr.n(b + 1, .2, SNARE, 115); dr.n(b + 3, .2, SNARE, 115)
        dr.n(b + sw(1.75), .1, SNARE, 30); dr.n(b + sw(3.25), .1, SNARE, 28)
        for i in range(8):
            dr.n(b + sw(i / 2), .1, CHH, 82 if i % 2 == 0 else 55)
        if bar % 4 == 3:
            dr.n(b + sw(3.5), .4, OHH, 70)
        c = P.at(b)
        br = bass_pitch(c, 31)
        bs.n(b, 1.4, br, 105); bs.n(b + sw(1.75), .2, br, 70); bs.n(b + sw(2.5), .9, br + (7 if br + 7 < 46 else -5), 95)
        bs.n(b + sw(3.5), .4, br + 12 if bar % 2 else br + 10, 80)
        # rhodes: chord on 1 held, re-hit on & of 2
        v = voicing(P.at(b), 62, drop_root=True)
        ep.n(b, 1.4, v, 72); ep.n(b + sw(1.5), .8, v, 58)
        c2 = P.at(b + 2)
        ep.n(b + 2.5 if c2 == c else b + 2, 1.3, voicing(c2, 62, drop_root=True), 64)
    # sample-like vibes hook (2-bar loop, varied), flute counter line second half
    rh = {'a': [(0, .5), (.5, .5), (1.5, 1), (3, .5), (3.5, .5)], 'b': [(0, 1.5), (2, .5), (2.5, 1.5)],
          'c': [(.5, .5), (1, .5), (2, 2)]}
    melody(s, vb, P, (0, 10), rh, ['a', 'b', 'a', 'c'], 0, 'minor', 63, 84, 80, rng, swing_fn=sw)
    melody(s, fl, P, (4, 6), {'l': [(0, 3), (3, 1)], 'm': [(0, 2), (2, 2)]}, ['l', 'm'], 0, 'minor', 67, 86, 72, rng,
           legato=0.98)
    b = 40
    dr.n(b, .3, KICK, 110); dr.n(b, 2, CRASH, 70)
    bs.n(b, 3, 36, 100); ep.n(b, 3, voicing('Cm9', 62, drop_root=True), 75); vb.n(b, 3, 72, 80)
    return s


# ---------------------------------------------------------------- 16 lo-fi
@piece
def lofi():
    s = Song('lofi', 76, 4, 'lo-fi hip-hop, swung hats', 10, seed=1616)
    rng = s.rng
    bars = ['Dbmaj9', 'C7#9', 'Fm9', 'Bbm9', 'Dbmaj9', 'C7b9', 'Fm9', ['Ebm9', 'Ab13'], 'Dbmaj9', 'Fm9']
    P = Prog(bars, 4)
    sw = lambda x: swing(x, 0.62, 0.5)
    dr = s.track('drums', DR, 8, 92, jitter=1.0)
    bs = s.track('bass', 1, 33, 108, 60)
    ep = s.track('ep', 2, 4, 86, 54, rev=60, cho=60)
    gt = s.track('gtr', 3, 26, 70, 84, rev=60)
    for bar in range(9):
        b = bar * 4
        for o, v in ((0, 96), (sw(1.75), 60), (sw(2.5), 86)):
            dr.n(b + o, .2, KICK, v)
        if bar % 2:
            dr.n(b + sw(3.75), .2, KICK, 55)
        dr.n(b + 1, .2, SNARE, 86); dr.n(b + 3, .2, SNARE, 86)
        dr.n(b + sw(2.25), .1, SIDE, 32)
        for i in range(16):
            dr.n(b + sw(i / 4), .1, CHH, [62, 30, 48, 34][i % 4])
        c = P.at(b)
        br = bass_pitch(c, 32)
        bs.n(b, 1.6, br, 100); bs.n(b + sw(2.5), .6, br + 7 if br + 7 < 48 else br - 5, 85); bs.n(b + sw(3.25), .6, br + 10, 76)
        v = voicing(c, 63, drop_root=True)
        ep.strum(b, 1.8, v, 66, spread=.02, bpm=76)
        c2 = P.at(b + 2)
        ep.strum(b + sw(2.25), 1.5, voicing(c2, 63, drop_root=True), 56, spread=.02, bpm=76)
    rh = {'a': [(0, .75), (.75, .25), (1, 1), (2.5, .5), (3, .5)], 'b': [(sw(.5), .5), (1, 1.5), (3, 1)],
          'c': [(0, 2), (2, .5), (2.5, 1.5)], 'd': [(0.25, .25), (.5, .5), (1, .5), (1.5, 2.5)]}
    melody(s, gt, P, (0, 9), rh, ['a', 'b', 'c', 'd', 'a', 'b', 'd', 'c', 'a'], 1, 'major', 60, 80, 78, rng,
           swing_fn=sw)
    b = 36
    bs.n(b, 4, 37, 95); ep.strum(b, 4, voicing('Dbmaj9', 63), 70, spread=.05, bpm=76); gt.n(b, 4, 72, 75)
    dr.n(b, .3, KICK, 90)
    return s


# ---------------------------------------------------------------- 17 new jack swing
@piece
def new_jack_swing():
    s = Song('new_jack_swing', 108, 4, 'new jack swing (swung 16ths)', 14, seed=1717)
    rng = s.rng
    bars = ['Dm9', 'G9', 'Bbmaj7', 'A7#9'] * 3 + ['Dm9', 'Dm9']
    P = Prog(bars, 4)
    sw = lambda x: swing(x, 0.62, 0.5)
    dr = s.track('drums', DR, 25, 72, jitter=0.5)
    bs = s.track('synthbass', 1, 38, 84, 60)
    br_ = s.track('brass', 2, 62, 42, 44, rev=35)
    ep = s.track('ep', 3, 5, 72, 84, rev=40)
    ld = s.track('lead', 4, 80, 66, 60, rev=50)
    for bar in range(13):
        b = bar * 4
        for o in (0, sw(.75), sw(1.75), 2, sw(2.5), sw(3.25)):
            dr.n(b + o, .2, KICK, 110 if o in (0, 2) else 90)
        dr.n(b + 1, .2, SNARE, 110); dr.n(b + 3, .2, SNARE, 110)
        dr.n(b + 1, .2, CLAP, 92); dr.n(b + 3, .2, CLAP, 92)
        dr.n(b + sw(3.75), .1, SNARE, 60)
        for i in range(16):
            dr.n(b + sw(i / 4), .1, CHH, [90, 50, 70, 55][i % 4])
        if bar % 4 == 3:
            dr.n(b + sw(2.5), .3, OHH, 80)
        c = P.at(b)
        r = bass_pitch(c, 33)
        for o, iv, d in ((0, 0, .4), (sw(.75), 0, .2), (sw(1.5), 12, .2), (sw(1.75), 10, .2), (2, 7, .4),
                         (sw(2.75), 0, .2), (sw(3.25), 3, .2), (sw(3.5), 5, .3)):
            bs.n(b + o, d, r + iv, 100 if o in (0, 2) else 80)
        v = voicing(c, 67, drop_root=True)
        for o in (sw(.75), sw(2.25)) if bar % 2 == 0 else (sw(.75), sw(1.5), sw(3.5)):
            br_.n(b + o, .2, v, 88)
        ep.n(b, 1.8, voicing(c, 60), 60); ep.n(b + 2, 1.8, voicing(c, 60), 56)
    rh = {'a': [(0, .5), (sw(.75), .25), (1, .5), (2, 1)], 'b': [(sw(.25), .25), (.5, .5), (sw(1.25), .75), (2.5, 1.5)],
          'c': [(0, 2), (2, .5), (2.5, .5), (3, 1)], 'r': [(0, 1)]}
    melody(s, ld, P, (4, 9), rh, ['a', 'b', 'a', 'c', 'a', 'b', 'c', 'r', 'c'], 2, 'minor', 64, 84, 84, rng,
           swing_fn=sw)
    b = 52
    dr.n(b, .2, KICK, 120); dr.n(b, .2, SNARE, 120); dr.n(b, 2, CRASH, 100)
    bs.n(b, 2, 38, 100); br_.n(b, 1, voicing('Dm9', 67, drop_root=True), 95); ep.n(b, 3, voicing('Dm9', 60), 70)
    return s


# ---------------------------------------------------------------- 18 pop ballad
@piece
def pop_ballad():
    s = Song('pop_ballad', 76, 4, 'pop ballad (piano, strings; soft drums enter bar 9)', 11, seed=1818)
    rng = s.rng
    bars = ['Eb', 'Bb/D', 'Cm7', 'Ab', 'Eb/G', 'Ab', ['Fm7', 'Bb7sus4'], ['Eb', 'Bb'], 'Cm7', ['Ab', 'Bb'], 'Eb']
    P = Prog(bars, 4)
    pn = s.track('piano', 1, 0, 96, 64, rev=60)
    pm = s.track('piano_melody', 2, 0, 96, 64, rev=60)
    st = s.track('strings', 3, 49, 76, 64, rev=75)
    bs = s.track('bass', 4, 33, 100, 60)
    dr = s.track('drums', DR, 0, 86, jitter=0.6)
    for bar in range(10):
        b = bar * 4
        for k in range(8):
            c = P.at(b + k / 2)
            br = bass_pitch(c, 39)
            v = voicing(c, 62)
            fig = [br, br + 7, v[0] + 12 if v[0] < 58 else v[0], v[1], v[-1], v[1], br + 12, v[0]]
            pn.n(b + k / 2, .9 if k % 2 == 0 else .45, fig[k], 70 if k % 4 == 0 else 56)
        if bar >= 4:
            st.n(b, 2, voicing(P.at(b), 67), 70); st.n(b + 2, 2, voicing(P.at(b + 2), 67), 66)
            st.n(b, 4, bass_pitch(P.at(b), 48), 62)
            bs.n(b, 1.8, bass_pitch(P.at(b), 31), 92); bs.n(b + 2, 1.3, bass_pitch(P.at(b + 2), 31), 85)
            bs.n(b + 3.5, .4, bass_pitch(P.at(b + 4), 31) - 2 if bar < 9 else 34, 70)
        if bar >= 8:
            dr.n(b, .2, KICK, 80); dr.n(b + 2.5, .2, KICK, 66)
            dr.n(b + 1, .2, SIDE, 82); dr.n(b + 3, .2, SIDE, 82)
            for i in range(8):
                dr.n(b + i / 2, .1, CHH, 56 if i % 2 == 0 else 36)
    rh = {'a': [(0, 1), (1, .5), (1.5, .5), (2, 1.5)], 'b': [(.5, .5), (1, .5), (1.5, 1.5), (3, 1)],
          'c': [(0, 2), (2, 1), (3, 1)], 'd': [(0, 3)]}
    melody(s, pm, P, (0, 10), rh, ['a', 'b', 'c', 'd', 'a', 'b', 'a', 'd', 'b', 'c'], 3, 'major', 67, 84, 80, rng,
           legato=0.97)
    b = 40
    pn.strum(b, 2, [27, 39, 46, 55, 58, 63, 67], 80, spread=.04, bpm=76); st.n(b, 2, voicing('Eb', 67), 78)
    bs.n(b, 2, 27, 90); pm.n(b, 2, 79, 82); dr.n(b, .2, KICK, 80); dr.n(b, 2, CRASH, 60)
    s.tail = 0.95
    return s


# ---------------------------------------------------------------- 19 baroque
@piece
def baroque():
    s = Song('baroque', 84, 4, 'baroque (harpsichord 16ths, bass in quarters)', 11, seed=1919)
    rng = s.rng
    bars = [['Am', 'Dm/F'], ['E7/G#', 'Am'], ['Dm', 'G7'], ['C', 'F'], ['Bdim', 'E7'], ['Am', 'A7'],
            ['Dm', 'G'], ['C', 'Am'], ['Dm', 'E7'], ['Am', 'E7'], 'Am']
    P = Prog(bars, 4)
    rh_ = s.track('harpsichord_RH', 1, 6, 98, 70, rev=45)
    lh = s.track('harpsichord_LH', 2, 6, 92, 58, rev=45)
    vc = s.track('cello', 3, 42, 76, 40, rev=50)
    rec = s.track('recorder', 4, 74, 70, 84, rev=55)
    prevtop = 72
    for bar in range(10):
        b = bar * 4
        for k in range(4):
            c = P.at(b + k)
            ps = [p for p in range(62, 86) if p % 12 in chord_pcs(c)]
            # 16th figure: low-high-mid-high broken chord, or scalar run on beats 2/4 sometimes
            base = min(ps, key=lambda x: abs(x - (prevtop - 7)))
            i0 = ps.index(base)
            if k % 2 == 1 and rng.random() < 0.4:
                sc = scale_pitches(9, 'hminor', 60, 90)
                j = min(range(len(sc)), key=lambda j: abs(sc[j] - prevtop))
                d = rng.choice([-1, 1])
                fig = [sc[max(0, min(len(sc) - 1, j + d * t))] for t in range(4)]
            else:
                sel = [i0, i0 + 2, i0 + 1, i0 + 2] if rng.random() < .5 else [i0, i0 + 1, i0 + 2, i0 + 1]
                fig = [ps[min(len(ps) - 1, x)] for x in sel]
            for t, p in enumerate(fig):
                rh_.n(b + k + t / 4, .24, p, 82 if t == 0 else 68)
            prevtop = fig[-1]
            # bass quarters: root, then stepwise toward next chord
            bp = bass_pitch(c, 40)
            if k % 2 == 1 and P.at(b + k - 1) == c:
                # passing tone (scale step) leading to the next chord's bass
                nb_ = bass_pitch(P.at(b + k + 1), 40)
                r0 = bass_pitch(c, 40)
                sc = scale_pitches(9, 'hminor', 33, 60)
                if nb_ > r0:
                    bp = max([p for p in sc if p < nb_] or [r0])
                elif nb_ < r0:
                    bp = min([p for p in sc if p > nb_] or [r0])
                else:
                    bp = r0 + 7 if r0 + 7 < 56 else r0 - 5
                if abs(bp - r0) > 7:
                    bp = r0 + (7 if r0 + 7 < 56 else -5)
            lh.n(b + k, .9, bp, 84); vc.n(b + k, .9, bp - 12 if bp > 47 else bp, 70)
    rec_rh = {'a': [(0, 2), (2, 1), (3, 1)], 'b': [(0, 1), (1, 1), (2, 2)], 'c': [(0, 3), (3, 1)]}
    melody(s, rec, P, (2, 8), rec_rh, ['a', 'b', 'c', 'b', 'a', 'b', 'c', 'b'], 9, 'hminor', 72, 88, 70, rng,
           legato=0.98)
    b = 40
    rh_.strum(b, 3, [57, 60, 64, 69, 72, 76], 90, spread=.03, bpm=84); lh.n(b, 3, 33, 90); vc.n(b, 3, 33, 80)
    rec.n(b, 3, 81, 72)
    return s


# ---------------------------------------------------------------- 20 electro pop
@piece
def electro_pop():
    s = Song('electro_pop', 128, 4, 'electro-pop, sidechain-pumping pad', 17, seed=2020)
    rng = s.rng
    bars = ['Am', 'F', 'C', 'G'] * 4 + ['Am']
    bars[7] = ['G', 'Esus4']
    bars[15] = ['G', 'E7']
    P = Prog(bars, 4)
    dr = s.track('drums', DR, 24, 76, jitter=0.3)
    bs = s.track('synthbass', 1, 39, 84, 60)
    pd = s.track('pad', 2, 89, 84, 64, rev=60, cho=60)
    ar = s.track('pluck', 3, 81, 54, 90, rev=50)
    ld = s.track('lead', 4, 80, 70, 44, rev=55)
    for bar in range(16):
        b = bar * 4
        for k in range(4):
            dr.n(b + k, .2, KICK, 115)
            dr.n(b + k + .5, .1, OHH, 70)
            if k % 2:
                dr.n(b + k, .2, CLAP, 110); dr.n(b + k, .2, 40, 90)
            for j in (0, .25, .75):
                dr.n(b + k + j, .05, CHH, 60 if j == 0 else 42)
        if bar % 4 == 3:
            for i in range(8):
                dr.n(b + 2 + i / 4, .1, 40, 60 + i * 6)
        if bar % 4 == 0:
            dr.n(b, 2, CRASH, 90)
        c = P.at(b)
        r = bass_pitch(c, 33)
        for k in range(4):
            cc = P.at(b + k)
            rr = bass_pitch(cc, 33)
            bs.n(b + k + .5, .35, rr, 100); bs.n(b + k + .75, .2, rr + 12, 70)
        # pad held, pumped by expression CC11 per beat
        pd.n(b, 4, voicing(c, 64, extra_top=True), 90)
        if bars[bar] and isinstance(bars[bar], list):
            pd.n(b + 2, 2, voicing(P.at(b + 2), 64, extra_top=True), 90)
        # pluck arp 16ths in second half
        if bar >= 4:
            vv = voicing(P.at(b), 72, extra_top=True)
            for i in range(16):
                cc = P.at(b + i / 4)
                vv = voicing(cc, 72, extra_top=True)
                ar.n(b + i / 4, .15, vv[[0, 1, 2, 3, 2, 1, 2, 3][i % 8] % len(vv)], 70 if i % 4 == 0 else 56)
    for x in range(16 * 4 * 8):
        beat = x / 8
        f = (beat % 1)
        val = 35 + int(92 * min(1.0, f / 0.6) ** 1.5)
        pd.cc(beat, 11, val)
    pd.cc(64, 11, 127)
    rh = {'a': [(0, .75), (.75, .75), (1.5, .5), (2, 1.5)], 'b': [(.5, .5), (1, .5), (1.5, .5), (2, .5), (2.5, 1.5)],
          'c': [(0, 1), (1, 1), (2, 2)], 'd': [(0, .5), (.5, .25), (.75, .75), (1.5, 2.5)]}
    melody(s, ld, P, (8, 8), rh, ['a', 'b', 'a', 'c', 'a', 'b', 'd', 'c'], 9, 'minor', 64, 84, 88, rng)
    b = 64
    dr.n(b, .2, KICK, 120); dr.n(b, 2, CRASH, 100)
    bs.n(b, 2, 33, 100); pd.n(b, 4, voicing('Am', 64, extra_top=True), 95); ld.n(b, 2, 69, 90)
    return s
