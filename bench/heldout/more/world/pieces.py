"""The 20 world-set pieces (1-10, then 11-20): one function per style filling a midi_a.Piece (see __init__.py);
PIECES = [(name, bpm, style, fn)]."""
from ..kit_a import *  # noqa: F401,F403

def kit(p, bar, pats, swing=0.0, vel=None):
    for pitch, s in pats.items():
        p.pat(9, bar, s, pitch, vel, swing=swing)

# ------------------------------------------------ 1 son montuno 100 (G major)
def son_montuno(p):
    prog = ['G', 'C/G', 'D7', 'C']          # I-IV-V7-IV, one chord per bar
    ch = lambda b: prog[b % 4]
    nb = nbars_for(p)
    p.inst(0, 0, 100, 50, 35); p.inst(1, 32, 118, 64, 20); p.inst(2, 56, 78, 80, 50)
    p.inst(3, 56, 70, 48, 50); p.inst(9, 0, 92)
    B = Bass(p, 1, 31, 50)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        r, ints, _ = parse_chord(s)
        # piano montuno: syncopated broken octave figure (intro: piano alone, bar 0)
        v = voicing(s, 64, 77, n=3)
        fig = [(0, 0), (0.5, 1), (1.0, 2), (1.5, 1), (2.5, 0), (3.0, 2), (3.5, 1)] if bar % 2 == 0 else \
              [(0.5, 2), (1.0, 1), (1.5, 0), (2.0, 1), (2.5, 2), (3.5, 0)]
        for b, k in fig:
            p.note(0, bar * 4 + b, 0.3, v[k], 92 if b % 1 else 84)
            p.note(0, bar * 4 + b, 0.3, v[k] - 12, 78)
        if bar == 0:
            continue
        # tumbao: 2& and 4 (4 anticipates next bar's root), nothing on 1
        B.play(bar, s, n, [(1.5, 0.45, 'R', 100), (3.0, 0.9, 0, 96)])
        nr = parse_chord(n)[2]
        p.notes = p.notes[:-1]
        p.note(1, bar * 4 + 3.0, 0.95, in_range(nr, 31, 42), 100)
        p.note(1, bar * 4 + 2.5, 0.3, in_range(r + fifth_of(ints), 31, 45), 80) if bar % 2 else None
        # 2-3 son clave
        cl = '....x...x.......' if bar % 2 == 1 else 'x.....x.....x...'
        p.pat(9, bar, cl, CLAVE, {'x': 92})
        # congas tumbao: slap on 2, open tones on 4 and 4&, heel/toe ghosts
        p.pat(9, bar, 'g.g.X.g.g.g.x.x.', CONGA_MH, {'g': 40, 'X': 100})
        p.pat(9, bar, '............x.x.', CONGA_O, {'x': 92})
        p.pat(9, bar, '...............x' if bar % 2 else '................', CONGA_L, {'x': 88})
        # bongo martillo
        p.pat(9, bar, 'x.g.x.g.x.g.xgg.', BONGO_H, {'x': 85, 'g': 45})
        p.pat(9, bar, '..........h....x', BONGO_L, {'h': 70, 'x': 82})
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', GUIRO_S, {'x': 45})
        if bar >= 5:
            p.pat(9, bar, 'X...x...X...x...', COW, {'X': 80, 'x': 62})
    # trumpets: short mambo riff from bar 5
    for bar in range(5, nb):
        s = ch(bar); v = voicing(s, 67, 79, n=3)
        hits = [(0.5, 0.4), (1.5, 0.4), (2.5, 0.3), (3.0, 0.6)] if bar % 2 else [(1.0, 0.3), (1.5, 0.8), (3.5, 0.4)]
        for b, d in hits:
            p.note(2, bar * 4 + b, d, v[-1], 92); p.note(3, bar * 4 + b, d, v[-2], 84)
    ending(p, nb, [(1, [43], 2, 100), (0, voicing('G6', 55, 76), 2, 90), (9, [CONGA_O, CLAVE], 1, 100)])

# ------------------------------------------------ 2 merengue 130 (A major)
def merengue(p):
    prog = ['A', 'A', 'E7', 'E7', 'A', 'D', 'E7', 'A']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 21, 90, 70, 40); p.inst(1, 33, 116); p.inst(2, 0, 72, 40, 40); p.inst(3, 65, 76, 84, 50)
    p.inst(9, 0, 96)
    B, P = Bass(p, 1, 33, 52), Comp(p, 2, 62, 76, n=3)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # guira: 8th + two 16ths pattern (scrape)
        p.pat(9, bar, 'X.xxX.xxX.xxX.xx', CABASA, {'X': 95, 'x': 60})
        # tambora: beat 1 slap, rolls into 4 with rim ticks
        p.pat(9, bar, 'x...g.g.x...g.xx', TIMB_L, {'x': 95, 'g': 50})
        p.pat(9, bar, '..x...x...x...x.', TIMB_H, {'x': 70})
        if bar % 4 == 3:
            p.pat(9, bar, '............xxxx', TIMB_H, {'x': 85})
        p.pat(9, bar, 'x...x...x...x...', KICK, {'x': 88})
        # bass: merengue anticipations (on beat 4&-ish)
        B.play(bar, s, n, [(0, 0.4, 'R', 100), (1.0, 0.4, '5', 88), (2.0, 0.4, '8', 92), (3.0, 0.4, '5', 84), (3.5, 0.4, 'N', 95)])
        P.hits(bar, s, [(0.5, 0.2, 80), (1.5, 0.2, 78), (2.5, 0.2, 80), (3.5, 0.2, 82)])
        # accordion: running 8ths jaleo figure
        v = voicing(s, 69, 84)
        seq = [v[2], v[1], v[0], v[1], v[2], v[1], v[0] + 12 if v[0] + 12 <= 88 else v[0], v[2]]
        for i, x in enumerate(seq):
            p.note(0, bar * 4 + i * 0.5, 0.42, x, 90 if i % 2 == 0 else 74)
    def rh(rel):
        return [[(0, 0.5), (0.5, 0.5), (1, 1), (2.5, 0.5), (3, 1)], [(0, 1.5), (1.5, 0.5), (2, 2)]][rel % 2]
    melody_line(p, 3, ch, nb - 4, rh, 9, 'major', 64, 81, 92, start_bar=4, repeat_every=4)
    ending(p, nb, [(1, [33], 1, 100), (2, voicing('A', 57, 76), 1, 90), (9, [KICK, CRASH, TIMB_L], 1, 110)])

# ------------------------------------------------ 3 bachata 128 (B minor)
def bachata(p):
    prog = ['Bm', 'G', 'D', 'F#7']
    ch = lambda b: prog[b % 4]
    nb = nbars_for(p)
    p.inst(0, 24, 104, 70, 45, 20); p.inst(1, 24, 76, 40, 40); p.inst(2, 33, 112); p.inst(9, 0, 90)
    B, G = Bass(p, 2, 31, 50), Comp(p, 1, 55, 69)
    sc = scale_notes(11, 'harm', 66, 88)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        r, ints, _ = parse_chord(s)
        # requinto: arpeggiated 8ths with passing 16ths (solo for 2-bar intro)
        v = voicing(s, 66, 83)
        top = v + [v[0] + 12]
        fig = [3, 2, 1, 2, 0, 1, 2, 3] if bar % 2 == 0 else [2, 3, 1, 2, 3, 2, 1, 0]
        for i, k in enumerate(fig):
            p.note(0, bar * 4 + i * 0.5, 0.45, top[k % len(top)], 88 if i % 2 == 0 else 72)
        if bar % 2 == 1:
            p.note(0, bar * 4 + 3.75, 0.2, top[0] - 1 if top[0] - 1 in sc else top[0] - 2, 64)
        if bar < 2:
            continue
        # rhythm guitar: chord on 1 and 3, muted 8ths
        vv = G.voice(s)
        for b in (0, 2):
            p.chord(1, bar * 4 + b, 0.4, vv, 78, 0.012)
        for b in (1, 1.5, 3, 3.5):
            p.chord(1, bar * 4 + b, 0.15, vv[1:], 58, 0.008)
        # bass: syncopated bachata pattern (1, 2&, 3, 4&)
        B.play(bar, s, n, [(0, 0.9, 'R', 100), (1.5, 0.4, '5', 86), (2.0, 0.9, '8', 94), (3.5, 0.45, 'N', 88)])
        # bongo: martillo; guira 8ths; kick-ish on 4 (bass drum accent in bachata moderna)
        p.pat(9, bar, 'x.g.x.g.x.g.xgx.', BONGO_H, {'x': 82, 'g': 42})
        p.pat(9, bar, '......x.......x.', BONGO_L, {'x': 76})
        p.pat(9, bar, 'X.xxx.x.X.xxx.x.', GUIRO_L if bar % 2 else GUIRO_S, {'X': 78, 'x': 50})
        p.pat(9, bar, 'x.......x.......', KICK, {'x': 80})
    ending(p, nb, [(2, [35], 1.5, 100), (1, voicing('Bm', 55, 69), 1.5, 85), (0, [71, 74, 78], 2, 90), (9, [BONGO_L], 1, 90)])

# ------------------------------------------------ 4 tango 120 (D minor), marcato en 4
def tango(p):
    prog = ['Dm', 'Dm', 'A7', 'A7', 'Gm', 'Dm/A', 'E7', 'A7']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 23, 100, 60, 40); p.inst(1, 32, 110, 64, 30); p.inst(2, 0, 86, 40, 40)
    p.inst(3, 40, 90, 84, 55); p.inst(4, 48, 60, 64, 55)
    B, P, Bd = Bass(p, 1, 31, 50), Comp(p, 2, 50, 64), Comp(p, 0, 57, 71, n=3)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        r, ints, _ = parse_chord(s)
        # marcato: all 4 beats, accent on 1 and 3, short and heavy
        bassline = [(0, 0.35, 'R', 112), (1, 0.3, '5', 92), (2, 0.35, '8', 104), (3, 0.3, '5', 90)]
        if bar % 4 == 3:   # arrastre/drag into the next bar
            bassline = bassline[:3] + [(3.0, 0.2, '5', 88), (3.5, 0.2, '3', 90), (3.75, 0.2, 'N', 96)]
        B.play(bar, s, n, bassline)
        P.hits(bar, s, [(0, 0.3, 100), (1, 0.25, 80), (2, 0.3, 96), (3, 0.25, 80)])
        p.note(2, bar * 4, 0.3, in_range(parse_chord(s)[2], 36, 47), 100)
        p.note(2, bar * 4 + 2, 0.3, in_range(parse_chord(s)[2], 36, 47), 92)
        # bandoneon: marcato chords (staccato) all 4, with a syncopa in every 4th bar
        v = Bd.voice(s)
        beats = [0, 1, 2, 3] if bar % 4 != 1 else [0, 0.75, 1.5, 3]
        for b in beats:
            p.chord(0, bar * 4 + b, 0.28, v, 100 if b in (0, 2) else 84)
        p.cc.append((4, bar * 4, 11, 70 + 10 * (bar % 2)))
        p.chord(4, bar * 4, 3.9, voicing(s, 62, 76, n=3), 60)
    # violin melody from bar 2: long notes with pick-ups
    def rh(rel):
        return [[(0, 1.5), (1.5, 0.5), (2, 1.75), (3.75, 0.25)], [(0, 0.75), (0.75, 0.75), (1.5, 0.5), (2, 2)]][rel % 2]
    melody_line(p, 3, ch, nb - 2, rh, 2, 'harm', 69, 86, 92, start_bar=2, repeat_every=4, legato=0.98)
    ending(p, nb, [(1, [38, 26 + 12], 0.4, 112), (2, [50, 53, 57, 62], 0.4, 105), (0, [62, 65, 69], 0.4, 105)])

# ------------------------------------------------ 5 flamenco rumba 110 (A minor / E phrygian)
def rumba_flamenca(p):
    prog = ['Am', 'G', 'F', 'E', 'Am', 'G', 'F', 'E7']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 24, 108, 50, 40); p.inst(1, 24, 96, 80, 45); p.inst(2, 32, 104, 64, 25); p.inst(9, 0, 96)
    B = Bass(p, 2, 28, 50)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        v = voicing(s, 52, 71)
        v = sorted(set([in_range(parse_chord(s)[2], 40, 51)] + v))
        # rumba strum: down on 1, up 1e..., chck (muted golpe) on 2 and 4 — 16th pattern
        patt = 'D.uDg.uDu.uDg.ud' if bar % 2 == 0 else 'D.uDg.uDu.uDg.uu'
        for i, c in enumerate(patt):
            b = bar * 4 + i / 4
            if c == 'D':
                p.chord(0, b, 0.35, v, 100 if i % 4 == 0 else 84, 0.008)
            elif c == 'u':
                p.chord(0, b, 0.2, list(reversed(v[-4:])), 66, 0.006)
            elif c == 'd':
                p.chord(0, b, 0.2, v[:4], 70, 0.006)
            elif c == 'g':   # golpe: muted percussive chord
                p.chord(0, b, 0.06, v[-3:], 96, 0.004)
        if bar < 1:
            continue
        # palmas: 2 and 4 strong, sordas on the offbeats
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 110})
        p.pat(9, bar, '..g...g.g.g...g.', CLAP, {'g': 52})
        # cajon: bass on 1 and 2a/3, slap on 2 and 4
        p.pat(9, bar, 'x......x.x......', KICK, {'x': 92})
        p.pat(9, bar, '....X..g....X.gg', SN, {'X': 88, 'g': 35})
        B.play(bar, s, n, [(0, 0.7, 'R', 100), (1.75, 0.25, '5', 80), (2, 0.7, '8', 90), (3.5, 0.4, 'N', 88)])
    # lead guitar falseta from bar 2
    def rh(rel):
        return [[(0, 0.5), (0.5, 0.25), (0.75, 0.25), (1, 0.5), (1.5, 0.5), (2, 1), (3, 0.5), (3.5, 0.5)],
                [(0, 1.5), (1.5, 0.25), (1.75, 0.25), (2, 0.5), (2.5, 0.5), (3, 1)]][rel % 2]
    melody_line(p, 1, ch, nb - 2, rh, 9, 'harm', 64, 84, 96, start_bar=2, repeat_every=4)
    ending(p, nb, [(2, [33], 1.5, 100), (0, [45, 52, 57, 60, 64], 2, 100), (9, [CLAP, KICK], 1, 105)])

# ------------------------------------------------ 6 bhangra 100 (C mixolydian), dhol chaal
def bhangra(p):
    prog = ['C', 'C', 'Bb', 'C', 'F', 'C', 'Bb', 'C']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 105, 96, 80, 35); p.inst(1, 38, 104, 64, 15); p.inst(2, 50, 60, 45, 50)
    p.inst(3, 104, 72, 30, 45); p.inst(9, 0, 104)
    B = Bass(p, 1, 31, 52)
    DAGGA, TILLI = 41, 60  # low floor tom for the dhol bass head, hi bongo for the thin side
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # dhol chaal: dagga on 1, a-of-1, 3, a-of-3 (long-short), tilli 16ths (1-bar dhol intro)
        p.pat(9, bar, 'X..x..x.X..x..x.', DAGGA, {'X': 120, 'x': 96})
        p.pat(9, bar, 'x.gxx.gxx.gxx.gx', TILLI, {'x': 80, 'g': 48})
        p.pat(9, bar, '....x.......x...', TIMB_H, {'x': 88})
        if bar == 0:
            continue
        p.pat(9, bar, 'x.......x.......', KICK, {'x': 100})
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 100})
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', TAMB, {'x': 55})
        if bar % 4 == 3:
            p.pat(9, bar, '........xxxxXXXX', DAGGA, {'x': 90, 'X': 110})
        B.play(bar, s, n, [(0, 0.4, 'R', 104), (0.75, 0.25, 'R', 84), (1.5, 0.4, '8', 92), (2, 0.4, 'R', 100), (2.75, 0.25, '5', 84), (3.5, 0.4, 'N', 92)])
        p.chord(2, bar * 4, 3.9, voicing(s, 55, 70, n=3), 62)
        # tumbi riff: repeated high plucks
        root = in_range(parse_chord(s)[0], 72, 83)
        riff = [(0, 0), (0.5, 0), (0.75, 2), (1, 4), (1.5, 2), (2, 0), (2.5, 7), (3, 4), (3.5, 2)] if bar % 2 else \
               [(0, 7), (0.5, 4), (1, 2), (1.25, 4), (1.5, 2), (2, 0), (3, -3), (3.5, 0)]
        for b, iv in riff:
            p.note(0, bar * 4 + b, 0.2, root + iv, 96 if b % 1 == 0 else 80)
        # sitar-ish drone accents on 1
        if bar % 2 == 1:
            p.note(3, bar * 4, 1.8, root - 12, 70); p.note(3, bar * 4 + 2, 1.8, root - 5, 66)
    ending(p, nb, [(1, [36], 1.5, 100), (0, [72, 76, 79], 1, 100), (9, [DAGGA, CRASH], 1, 120)])

# ------------------------------------------------ 7 K-pop 125 (F# minor)
def kpop(p):
    prog = ['D', 'E', 'C#m7', 'F#m', 'Bm7', 'E', 'Amaj7', 'C#7']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 81, 72, 70, 40); p.inst(1, 38, 106); p.inst(2, 89, 68, 64, 60); p.inst(3, 4, 74, 40, 40)
    p.inst(4, 80, 76, 84, 50); p.inst(9, 25, 100)
    B, K, Pd = Bass(p, 1, 30, 52), Comp(p, 3, 60, 76), Comp(p, 2, 55, 72)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        drop = bar >= 8
        # 1-bar synth pluck intro
        v = voicing(s, 64, 80)
        for i, k in enumerate([0, 1, 2, 1, 3 % len(v), 2, 1, 2, 0, 1, 2, 1, 3 % len(v), 2, 1, 2]):
            if i % 2 == 0 or drop:
                p.note(0, bar * 4 + i / 4, 0.2, v[k], 78 if i % 4 else 92)
        if bar == 0:
            continue
        kick = 'x...x...x...x...' if drop or bar < 4 else 'x.....x...x.....'
        p.pat(9, bar, kick, KICK, {'x': 112})
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 108})
        p.pat(9, bar, '....x.......x..g', SN, {'x': 80, 'g': 40})
        p.pat(9, bar, 'x.xxx.x.x.xxx.x.' if drop else '..x...x...x...x.', HH if drop else OHH, {'x': 70})
        if bar % 4 == 3:
            p.pat(9, bar, '........x.x.xxxx', SN, {'x': 84})
        if bar in (4, 8):
            crash(p, bar * 4, 105)
        B.play(bar, s, n, [(0, 0.4, 'R', 104), (0.75, 0.2, 'R', 80), (1.5, 0.4, '8', 90), (2, 0.4, 'R', 98),
                           (2.75, 0.2, '5', 80), (3.25, 0.2, '8', 84), (3.5, 0.4, 'N', 92)])
        K.hits(bar, s, [(0, 0.4, 80), (1.5, 0.3, 74), (2.5, 0.3, 76)])
        p.chord(2, bar * 4, 3.95, Pd.voice(s), 56)
    def rh(rel):
        return [[(0, 0.5), (0.5, 0.5), (1, 0.25), (1.25, 0.25), (1.5, 0.5), (2.5, 0.5), (3, 1)],
                [(0.5, 0.5), (1, 0.5), (1.5, 1), (2.5, 0.5), (3, 0.5), (3.5, 0.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 4, rh, 6, 'minor', 66, 83, 90, start_bar=4, repeat_every=4)
    ending(p, nb, [(1, [30], 1, 105), (2, voicing('F#m9', 57, 76), 2, 80), (9, [KICK, CRASH], 1, 110)])

# ------------------------------------------------ 8 city pop 110 (Bb major)
def citypop(p):
    prog = ['Ebmaj7', 'D7', 'Gm7', 'C9', 'Cm7', 'F7sus4', 'Bbmaj7', 'Bb7']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 4, 86, 45, 45, 30); p.inst(1, 36, 104); p.inst(2, 27, 72, 90, 40, 40); p.inst(3, 61, 74, 70, 50)
    p.inst(4, 73, 80, 60, 60); p.inst(5, 48, 55, 64, 60); p.inst(9, 0, 96)
    B, E, G, S = Bass(p, 1, 31, 55), Comp(p, 0, 55, 72, drop_root=True), Comp(p, 2, 62, 76, n=3), Comp(p, 5, 60, 79)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        kit(p, bar, {KICK: 'x.....x...x.....' if bar % 2 == 0 else 'x.....x.x.....x.',
                     SN: 'g...X..g.g..X.g.', HH: 'xhxhxhxhxhxhxhxh'}, vel={'h': 58, 'x': 80, 'g': 34})
        if bar % 4 == 3:
            p.pat(9, bar, '..........x.x.xx', TOMS[2], {'x': 88}); p.pat(9, bar, 'x.x.x.x.x.......', HH, {'x': 75})
        if bar % 4 == 0:
            crash(p, bar * 4, 94 if bar else 100)
        B.play(bar, s, n, [(0, 0.45, 'R', 106), (0.75, 0.2, '8', 86), (1.5, 0.3, '5', 84), (2, 0.2, 'R', 90), (2.5, 0.2, '8', 96),
                           (3, 0.25, '7', 82), (3.5, 0.3, '5', 86), (3.75, 0.2, 'N', 82)])
        E.hits(bar, s, [(0, 1.4, 74), (1.5, 0.4, 66), (2.75, 1.0, 70)])
        v = G.voice(s)   # 16th cutting guitar
        for i in range(16):
            if i % 4 in (1, 3) or i in (6, 14):
                p.chord(2, bar * 4 + i / 4, 0.1, v, 70 if i in (6, 14) else 50, 0.005)
        p.chord(5, bar * 4, 3.9, S.voice(s), 56)
        if bar % 2 == 1:
            vv = voicing(s, 65, 79, n=3)
            for b in (2.5, 3.5):
                p.chord(3, bar * 4 + b, 0.3, vv, 88)
    def rh(rel):
        return [[(0.5, 0.5), (1, 0.5), (1.5, 0.75), (2.5, 0.5), (3, 1)], [(0, 1.5), (1.75, 0.25), (2, 0.5), (2.5, 1.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 2, rh, 10, 'major', 65, 84, 88, start_bar=2, repeat_every=4)
    ending(p, nb, [(1, [34], 1.5, 100), (0, voicing('Ebmaj9', 55, 74), 2, 80), (9, [KICK, CRASH], 1, 105)])

# ------------------------------------------------ 9 J-rock 170 (D major)
def jrock(p):
    prog = ['G', 'A', 'F#m', 'Bm', 'Em', 'A', 'D', 'D/C#', 'Bm', 'G', 'A', 'A']
    ch = lambda b: prog[b % 12]
    nb = nbars_for(p, 32)
    p.inst(0, 29, 84, 30, 30); p.inst(1, 30, 78, 98, 30); p.inst(2, 34, 110); p.inst(3, 81, 70, 64, 45); p.inst(9, 0, 100)
    B = Bass(p, 2, 31, 52)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        r = parse_chord(s)[2]
        pc = in_range(r, 40, 51)
        # overdriven rhythm guitar: 8th power chords with accents (2-bar solo intro)
        for i in range(8):
            acc = i in (0, 3, 6)
            p.chord(0, bar * 4 + i / 2, 0.45, [pc, pc + 7, pc + 12], 100 if acc else 78, 0.004)
        if bar < 2:
            continue
        v = voicing(s, 62, 76, n=3)
        p.chord(1, bar * 4, 1.4, v, 80); p.chord(1, bar * 4 + 1.5, 2.4, v, 76)
        kit(p, bar, {KICK: 'x.....x.x.....x.' if bar % 2 == 0 else 'x.....x.x.x.....',
                     SN: '....X.......X..g', HH if bar < 6 else RIDE: 'x.x.x.x.x.x.x.x.'}, vel={'g': 40})
        if bar % 4 == 1:
            p.pat(9, bar, 'x...............', CRASH, {'x': 105})
        if bar % 4 == 1 + 0 and bar > 2:
            pass
        if bar % 4 == 0 and bar > 2:
            fill(p, bar - 1, 1, 'toms', 100)
        B.play(bar, s, n, [(i / 2, 0.4, 'R' if i < 6 else ('5' if i == 6 else 'N'), 100 if i % 2 == 0 else 86) for i in range(8)])
    def rh(rel):
        return [[(0, 1), (1, 0.5), (1.5, 1), (2.5, 0.5), (3, 1)], [(0, 0.5), (0.5, 0.5), (1, 0.5), (1.5, 1.5), (3, 0.5), (3.5, 0.5)]][rel % 2]
    melody_line(p, 3, ch, nb - 4, rh, 2, 'major', 66, 86, 94, start_bar=4, repeat_every=4)
    ending(p, nb, [(2, [38], 2, 110), (0, [38, 45, 50], 2, 110), (9, [KICK, CRASH], 1, 115)])

# ------------------------------------------------ 10 ska punk 180 (Bb major)
def ska_punk(p):
    prog = ['Bb', 'Gm', 'Eb', 'F', 'Bb', 'Gm', 'Cm', 'F']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p, 32)
    p.inst(0, 27, 84, 80, 30); p.inst(1, 29, 78, 30, 30); p.inst(2, 34, 112); p.inst(3, 56, 86, 70, 45)
    p.inst(4, 57, 84, 56, 45); p.inst(9, 0, 100)
    B, G = Bass(p, 2, 31, 53), Comp(p, 0, 62, 76, n=3)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        punk = (bar // 4) % 2 == 1
        kit(p, bar, {KICK: 'x...x...x...x...' if not punk else 'x.x...x.x.x...x.',
                     SN: 'g.g.X...g.g.X...' if not punk else '....X.......X...',
                     (HH if not punk else CRASH if bar % 4 == 0 else RIDE): 'x.x.x.x.x.x.x.x.'},
            vel={'g': 36, 'x': 86})
        if bar % 4 == 3:
            fill(p, bar, 1, 'snare', 105)
        v = G.voice(s)
        if not punk:   # ska upstrokes on the offbeats
            for b in (0.5, 1.5, 2.5, 3.5):
                p.chord(0, bar * 4 + b, 0.18, v, 92, 0.004)
            B.play(bar, s, n, [(0, 0.45, 'R', 104), (0.5, 0.4, '3', 86), (1, 0.45, '5', 92), (1.5, 0.4, '6', 84),
                               (2, 0.45, '8', 96), (2.5, 0.4, '6', 84), (3, 0.45, '5', 90), (3.5, 0.4, 'N', 88)])
        else:          # punk chorus: distorted 8th power chords
            pc = in_range(parse_chord(s)[2], 40, 51)
            for i in range(8):
                p.chord(1, bar * 4 + i / 2, 0.45, [pc, pc + 7, pc + 12], 96 if i % 2 == 0 else 80)
            B.play(bar, s, n, [(i / 2, 0.4, 'R', 100 if i % 2 == 0 else 88) for i in range(8)])
        # horn riff (trumpet + trombone in thirds)
        r = parse_chord(s)[0]
        hv = voicing(s, 65, 79, n=3)
        riff = [(0, 0.4), (1, 0.4), (1.5, 0.9), (3, 0.4), (3.5, 0.4)] if bar % 2 == 0 else [(0.5, 0.4), (1, 0.4), (2, 1.5)]
        for b, d in riff:
            p.note(3, bar * 4 + b, d, hv[-1], 94); p.note(4, bar * 4 + b, d, hv[-2] - 12, 86)
    ending(p, nb, [(2, [34], 1, 110), (1, [46, 53, 58], 1.5, 110), (3, [70], 1.5, 100), (9, [KICK, CRASH], 1, 115)])

PIECES_A = [
    ('son_montuno', 100, 'son montuno', son_montuno),
    ('merengue', 130, 'merengue', merengue),
    ('bachata', 128, 'bachata', bachata),
    ('tango', 120, 'Argentine tango (marcato en 4)', tango),
    ('rumba_flamenca', 110, 'flamenco rumba', rumba_flamenca),
    ('bhangra', 100, 'bhangra (dhol chaal)', bhangra),
    ('kpop', 125, 'K-pop', kpop),
    ('citypop', 110, 'city pop', citypop),
    ('jrock', 170, 'J-rock', jrock),
    ('ska_punk', 180, 'ska punk', ska_punk),
]

# ------------------------------------------------ pieces 11-20

# ------------------------------------------------ 11 grunge 120 (drop D)
def grunge(p):
    riffA = [('D5', 0), ('D5', 0), ('F5', 0), ('G5', 0)]
    prog = ['D5', 'F5', 'G5', 'Bb5', 'D5', 'F5', 'C5', 'G5']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 30, 82, 28, 30); p.inst(1, 30, 76, 100, 30); p.inst(2, 34, 112); p.inst(3, 29, 70, 64, 50); p.inst(9, 0, 100)
    B = Bass(p, 2, 26, 50)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        pc = in_range(parse_chord(s)[0], 38, 49)
        loud = bar >= 6
        # 2-bar clean-ish (overdrive) guitar intro, then sludgy distortion riff
        rhythm = [(0, 0.7), (0.75, 0.2), (1, 0.45), (1.5, 0.9), (2.5, 0.45), (3, 0.45), (3.5, 0.45)]
        for b, d in rhythm:
            p.chord(0 if loud or bar >= 2 else 3, bar * 4 + b, d, [pc, pc + 7, pc + 12], 100 if b in (0, 1.5) else 82, 0.006)
            if loud:
                p.chord(1, bar * 4 + b, d, [pc + 12, pc + 19], 90)
        if bar < 2:
            continue
        kit(p, bar, {KICK: 'x.....x.x.....x.' if bar % 2 == 0 else 'x.x...x...x.....',
                     SN: '....X......gX...', (CRASH if loud and bar % 2 == 0 else OHH if loud else HH): 'x...x...x...x...' if loud else 'x.x.x.x.x.x.x.x.'},
            vel={'g': 42, 'x': 84, 'X': 122})
        if bar % 4 == 1 and bar < nb - 1:
            fill(p, bar, 2, 'toms', 110)
        B.play(bar, s, n, [(b, d, 'R', 104) for b, d in rhythm])
    melody_line(p, 3, ch, 4, lambda rel: [(0, 1.5), (1.5, 0.5), (2, 2)], 2, 'minpent', 62, 76, 90, start_bar=6, repeat_every=2)
    ending(p, nb, [(2, [26], 2, 110), (0, [38, 45, 50], 2, 110), (9, [KICK, CRASH], 1, 120)])

# ------------------------------------------------ 12 indie rock 140 (A major)
def indie_rock(p):
    prog = ['A', 'A', 'F#m7', 'F#m7', 'Dmaj7', 'Dmaj7', 'E', 'Esus4']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 27, 84, 35, 35); p.inst(1, 29, 72, 95, 35, 20); p.inst(2, 33, 110); p.inst(3, 26, 76, 64, 50); p.inst(9, 0, 100)
    B, G = Bass(p, 2, 31, 52), Comp(p, 0, 57, 76)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # jangly arpeggiated 8ths + driving 8th chords
        v = G.voice(s)
        for i in range(8):
            p.note(0, bar * 4 + i / 2, 0.6, v[[0, 2, 1, 3, 2, 1, 3, 2][i] % len(v)], 84 if i % 2 == 0 else 70)
        kit(p, bar, {KICK: 'x.x.....x.x.....' if bar % 2 == 0 else 'x.x.....x...x.x.',
                     SN: '....X.......X...', HH: 'x.x.x.x.x.x.x.x.' if bar < 4 else 'xxxxxxxxxxxxxxxx',
                     TAMB: '....x.......x...'}, vel={'x': 80})
        if bar % 4 == 3:
            fill(p, bar, 1, 'snare', 100)
        if bar % 4 == 0:
            crash(p, bar * 4, 100 if bar else 96)
        B.play(bar, s, n, [(i / 2, 0.4, 'R' if i != 7 else 'N', 98 if i % 2 == 0 else 84) for i in range(8)])
        if bar >= 4:
            pc = in_range(parse_chord(s)[2], 45, 56)
            for i in range(8):
                p.chord(1, bar * 4 + i / 2, 0.4, [pc, pc + 7], 84 if i % 2 == 0 else 70)
    def rh(rel):
        return [[(0, 0.5), (0.5, 1), (1.5, 0.5), (2, 0.5), (2.5, 1.5)], [(0.5, 0.5), (1, 1), (2, 1), (3, 1)]][rel % 2]
    melody_line(p, 3, ch, nb - 2, rh, 9, 'major', 66, 83, 92, start_bar=2, repeat_every=4)
    ending(p, nb, [(2, [33], 2, 105), (0, voicing('Aadd9', 57, 76), 2, 100), (9, [KICK, CRASH], 1, 115)])

# ------------------------------------------------ 13 synthwave 100 (F minor)
def synthwave(p):
    prog = ['Fm', 'Db', 'Ab', 'Eb', 'Fm', 'Db', 'Bbm', 'C']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 81, 66, 80, 40); p.inst(1, 38, 102); p.inst(2, 90, 60, 64, 70, 50); p.inst(3, 81, 76, 50, 60, 30)
    p.inst(9, 25, 100)
    B, Pd = Bass(p, 1, 29, 52), Comp(p, 2, 56, 74)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        v = voicing(s, 60, 76)
        arp = [v[0], v[1], v[2], v[0] + 12, v[2], v[1]]
        for i in range(16):  # 16th arpeggio (1-bar solo intro)
            p.note(0, bar * 4 + i / 4, 0.2, arp[i % 6], 80 if i % 4 == 0 else 62)
        if bar == 0:
            continue
        kit(p, bar, {KICK: 'x.......x.x.....', SN: '....X.......X...', HH: 'x.x.x.x.x.x.x.x.' if bar < 5 else 'xxxxxxxxxxxxxxxx'},
            vel={'x': 74, 'X': 120})
        p.pat(9, bar, '....x.......x...', CLAP, {'x': 82})
        if bar % 4 == 0:
            crash(p, bar * 4, 96)
        if bar % 4 == 3:
            p.pat(9, bar, '........x.x.x.x.', TOMS[3], {'x': 100}); p.pat(9, bar, '............x.x.', TOMS[5], {'x': 105})
        B.play(bar, s, n, [(i / 2, 0.35, 'R' if i not in (3, 7) else '8', 100 if i % 2 == 0 else 84) for i in range(8)])
        p.chord(2, bar * 4, 3.95, Pd.voice(s), 62)
    def rh(rel):
        return [[(0, 1.5), (1.5, 0.5), (2, 1), (3, 1)], [(0, 2), (2, 0.5), (2.5, 0.5), (3, 1)]][rel % 2]
    melody_line(p, 3, ch, nb - 4, rh, 5, 'minor', 65, 82, 92, start_bar=4, repeat_every=4, legato=0.98)
    ending(p, nb, [(1, [29], 2, 100), (2, voicing('Fm9', 55, 76), 2.5, 80), (9, [KICK, CRASH], 1, 110)])

# ------------------------------------------------ 14 dubstep 140 (G minor), half-time: snare on beat 3
def dubstep(p):
    prog = ['Gm', 'Gm', 'Eb', 'D', 'Gm', 'Gm', 'Cm', 'D']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p, 32)
    p.inst(0, 38, 110, 64, 10); p.inst(1, 87, 76, 64, 20); p.inst(2, 91, 58, 64, 70); p.inst(3, 83, 72, 90, 50); p.inst(9, 25, 105)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        r = parse_chord(s)[2]
        low = in_range(r, 31, 42)
        # 1-bar pad/lead intro: sparse pluck on the beats
        p.chord(2, bar * 4, 3.95, voicing(s, 55, 72), 60)
        for b in (0, 1, 2, 3):
            p.note(3, bar * 4 + b, 0.3, in_range(r, 67, 78) + (7 if b == 2 else 0), 76 if b else 90)
        if bar == 0:
            continue
        # half-time drums
        kit(p, bar, {KICK: 'x.........x.....' if bar % 2 == 0 else 'x......x..x...x.',
                     SN: '........X.......', CLAP: '........X.......',
                     HH: 'x.x.x.x.xxx.x.xx', OHH: '..............x.'}, vel={'x': 84, 'X': 124})
        p.pat(9, bar, '.....g.......g..', SN, {'g': 40})
        if bar % 4 == 3:
            p.pat(9, bar, '............xxxx', SN, {'x': 100})
        if bar % 4 == 0:
            crash(p, bar * 4, 110)
        # wobble bass: rhythmic bass with 8th-triplet / 16th wobbles
        if bar % 2 == 0:
            seg = [(0, 1.0)] + [(1 + i / 3, 1 / 3) for i in range(3)] + [(2.5, 0.25), (2.75, 0.25)] + [(3 + i / 6, 1 / 6) for i in range(6)]
        else:
            seg = [(0, 0.5), (0.5, 0.5), (1, 0.25), (1.25, 0.25), (1.5, 0.5)] + [(2 + i / 4, 0.25) for i in range(4)] + [(3, 0.75), (3.75, 0.25)]
        for i, (b, d) in enumerate(seg):
            pitch = low + (12 if i % 4 == 3 else 0) + (3 if b == 3.75 else 0)
            p.note(0, bar * 4 + b, d * 0.9, pitch, 104 - 10 * (i % 2))
            p.note(1, bar * 4 + b, d * 0.9, pitch + 12, 80)
    ending(p, nb, [(0, [31], 2, 110), (9, [KICK, CRASH, SN], 1, 120)])

# ------------------------------------------------ 15 footwork 160 (E minor)
def footwork(p):
    prog = ['Em7', 'Em7', 'Cmaj7', 'D']
    ch = lambda b: prog[b % 4]
    nb = nbars_for(p, 32)
    p.inst(0, 38, 104); p.inst(1, 53, 84, 64, 40); p.inst(2, 4, 62, 40, 50); p.inst(9, 25, 104)
    K808 = 35
    for bar in range(nb):
        s = ch(bar)
        # chopped vocal stabs (voice oohs) in syncopated triplet/16th chops; 1-bar vocal-chop intro
        v = voicing(s, 64, 76, n=3)
        chops = [(0, 0.25), (0.75, 0.25), (1.5, 0.25), (2.25, 0.25), (3, 0.25), (3.5, 0.2)] if bar % 2 == 0 else \
                [(0, 0.25), (0.25, 0.25), (0.75, 0.25), (1.5, 0.5), (2.25, 0.25), (3, 0.25), (3.25, 0.2), (3.5, 0.2)]
        for b, d in chops:
            p.note(1, bar * 4 + b, d, v[-1] if b % 1 == 0 else v[-2], 96 if b % 1 == 0 else 80)
        if bar == 0:
            continue
        # footwork kicks: syncopated, tresillo-based 808s
        kit(p, bar, {K808: 'x..x..x...x..x..' if bar % 2 else 'x..x..x.x..x..x.',
                     CLAP: '....x.......x...', SN: '....x.......x...' if bar % 2 else '....x.......x.xx',
                     HH: 'xxxxxxxxxxxxxxxx', STICK: '..x...x...x...x.'}, vel={'x': 96})
        p.pat(9, bar, 'x..x..x..x..x..x', HH, {'x': 60})
        if bar % 4 == 3:   # triplet-snare roll
            for i in range(6):
                p.note(9, bar * 4 + 2 + i / 3, 0.1, SN, 70 + 6 * i)
        r = parse_chord(s)[2]
        low = in_range(r, 28, 39)
        for b, d in ((0, 0.7), (0.75, 0.6), (1.5, 0.4), (2.5, 0.7), (3.25, 0.4)):
            p.note(0, bar * 4 + b, d, low + (12 if b == 3.25 else 0), 106)
        if bar >= 4:
            p.chord(2, bar * 4, 1.8, voicing(s, 57, 72), 58); p.chord(2, bar * 4 + 2.5, 1.3, voicing(s, 57, 72), 54)
    ending(p, nb, [(0, [28], 2, 110), (1, [64, 67, 71], 1, 90), (9, [K808, CRASH], 1, 115)])

# ------------------------------------------------ 16 amapiano 112 (C minor)
def amapiano(p):
    prog = ['Cm9', 'Fm9', 'Abmaj7', 'G7#9']
    ch = lambda b: prog[b % 4]
    nb = nbars_for(p)
    p.inst(0, 117, 110, 64, 15); p.inst(1, 38, 82, 64, 10); p.inst(2, 0, 84, 44, 55); p.inst(3, 89, 56, 64, 70); p.inst(9, 25, 96)
    P = Comp(p, 2, 58, 77)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # jazzy piano chords, syncopated (1-bar piano intro)
        P.hits(bar, s, [(0, 0.9, 76), (1.5, 0.4, 66), (2.75, 0.9, 70)] if bar % 2 == 0 else [(0.5, 0.4, 70), (1.5, 0.9, 68), (3.25, 0.6, 64)])
        if bar == 0:
            continue
        # drums: soft four-on-floor kick, shaker 16ths, off-beat open hats, rim pattern
        kit(p, bar, {SHAKER: 'xhxhxhxhxhxhxhxh', OHH: '..x...x...x...x.',
                     STICK: '...x..x....x..x.', CLAP: '....x.......x...'},
            vel={'x': 80, 'h': 52})
        p.pat(9, bar, 'x...x...x...x...', KICK, {'x': 104})
        p.pat(9, bar, 'x...x...x...x...', SHAKER, {'x': 90})
        p.chord(3, bar * 4, 3.95, voicing(s, 55, 70, n=4), 52)
        # log drum bass: bouncy, slides across octaves
        r = parse_chord(s)[2]
        low = in_range(r, 33, 44)
        log = [(0.75, 0, 0.5), (1.5, 12, 0.4), (2.0, 7, 0.3), (2.5, 0, 0.6), (3.25, 10, 0.4), (3.75, 12, 0.3)] if bar % 2 else \
              [(0.5, 0, 0.5), (1.25, 0, 0.3), (1.75, 12, 0.4), (2.5, 7, 0.4), (3.0, 0, 0.4), (3.5, 3, 0.3)]
        for b, iv, d in log:
            p.note(0, bar * 4 + b, d, low + iv, 112)
            p.note(1, bar * 4 + b, d, low + iv, 80)
    ending(p, nb, [(0, [36], 1, 110), (2, voicing('Cm9', 55, 76), 2, 80), (9, [KICK, SHAKER], 1, 95)])

# ------------------------------------------------ 17 gospel praise 132 (Ab major)
def gospel(p):
    prog = ['Ab', 'Db/Ab', 'Fm7', 'Eb7', 'Db', 'C7', 'Fm7', 'Eb']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 16, 84, 40, 50); p.inst(1, 33, 110); p.inst(2, 0, 82, 80, 45); p.inst(3, 52, 70, 64, 70); p.inst(9, 0, 100)
    B, O, P, C = Bass(p, 1, 32, 55), Comp(p, 0, 56, 74), Comp(p, 2, 60, 80), Comp(p, 3, 60, 74, n=3)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # organ: held chords with rhythmic stabs (1-bar organ intro)
        v = O.voice(s)
        p.chord(0, bar * 4, 1.4, v, 88); p.chord(0, bar * 4 + 1.5, 0.4, v, 80); p.chord(0, bar * 4 + 2, 1.9, v, 84)
        if bar == 0:
            continue
        kit(p, bar, {KICK: 'x.....x.x.....x.' if bar % 2 == 0 else 'x.....x.x..x....',
                     SN: 'g.g.X.gg.gg.X.g.', CLAP: '....x.......x...', HH: 'x.x.x.x.x.x.x.x.', TAMB: '..x...x...x...x.'},
            vel={'g': 36, 'x': 92, 'X': 112})
        if bar % 4 == 0:
            crash(p, bar * 4, 100)
        if bar % 4 == 3:
            p.pat(9, bar, '........xxx.xxxx', SN, {'x': 90}); p.pat(9, bar, '..........x.....', TOMS[1], {'x': 96})
        B.play(bar, s, n, [(0, 0.45, 'R', 108), (0.75, 0.2, '8', 84), (1, 0.4, '5', 92), (1.5, 0.4, '6', 86), (2, 0.45, '8', 98),
                           (2.75, 0.2, '7', 84), (3, 0.4, '5', 90), (3.5, 0.4, 'N', 92)])
        P.hits(bar, s, [(0.5, 0.3, 82), (1.5, 0.3, 76), (2.5, 0.3, 82), (3.5, 0.4, 84)])
        if bar >= 3:  # choir pads on each chord with a push on 4&
            p.chord(3, bar * 4, 3.4, C.voice(s), 76)
    def rh(rel):
        return [[(0, 1), (1, 0.5), (1.5, 0.5), (2, 1.5), (3.5, 0.5)], [(0, 0.5), (0.5, 0.5), (1, 1), (2, 2)]][rel % 2]
    melody_line(p, 2, ch, nb - 4, rh, 8, 'majpent', 72, 88, 88, start_bar=4, repeat_every=4)
    ending(p, nb, [(1, [32], 2, 110), (0, voicing('Ab', 56, 76), 2, 100), (3, voicing('Ab', 60, 74), 2, 85), (9, [KICK, CRASH], 1, 115)])

# ------------------------------------------------ 18 80s power ballad 68 (D major)
def power_ballad(p):
    prog = ['D', 'A/C#', 'Bm', 'G', 'Em7', 'A', 'D/F#', 'Gadd9' if False else 'G']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 0, 90, 50, 60); p.inst(1, 33, 104); p.inst(2, 29, 66, 90, 50); p.inst(3, 48, 60, 64, 70); p.inst(4, 30, 78, 64, 60)
    p.inst(9, 16, 104)
    B, P, S = Bass(p, 1, 31, 52), Comp(p, 0, 55, 74), Comp(p, 3, 60, 79)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # piano 8th arpeggios (2-bar solo intro)
        v = P.voice(s)
        bass_n = in_range(parse_chord(s)[2], 38, 49)
        arp = [bass_n, v[0], v[1], v[2], bass_n + 12, v[2], v[1], v[0]]
        for i, x in enumerate(arp):
            p.note(0, bar * 4 + i / 2, 0.9, x, 76 if i % 2 else 84)
        if bar < 2:
            continue
        p.chord(3, bar * 4, 3.95, S.voice(s), 58)
        if bar < 4:   # toms build, bass enters
            p.pat(9, bar, 'x.......x.......', KICK, {'x': 82})
            p.pat(9, bar, '..........x.x...' if bar == 2 else '........x.x.xxxx', TOMS[4], {'x': 88})
            p.pat(9, bar, 'x...x...x...x...', RIDE, {'x': 52})
            B.play(bar, s, n, [(0, 1.9, 'R', 94), (2, 1.9, 'R', 88)])
        else:         # big snare on 2 and 4
            kit(p, bar, {KICK: 'x.......x.x.....', SN: '....X.......X...', HH: 'x.x.x.x.x.x.x.x.'}, vel={'X': 124, 'x': 70})
            if bar == 4:
                crash(p, bar * 4, 112)
            if bar % 2 == 1:
                p.pat(9, bar, '............xxxx', TOMS[1] if bar % 4 == 1 else TOMS[3], {'x': 100})
            B.play(bar, s, n, [(0, 1.4, 'R', 102), (1.5, 0.45, 'R', 86), (2, 1.4, 'R', 96), (3.5, 0.45, 'N', 88)])
            pc = in_range(parse_chord(s)[2], 40, 51)
            p.chord(2, bar * 4, 1.9, [pc, pc + 7, pc + 12], 84); p.chord(2, bar * 4 + 2, 1.9, [pc, pc + 7, pc + 12], 80)
    def rh(rel):
        return [[(0, 1.5), (1.5, 0.5), (2, 0.75), (2.75, 0.25), (3, 1)], [(0, 0.5), (0.5, 0.5), (1, 2), (3, 0.5), (3.5, 0.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 4, rh, 2, 'major', 64, 83, 92, start_bar=4, repeat_every=2, legato=0.98)
    ending(p, nb, [(1, [38], 3, 105), (0, [50, 57, 62, 66, 69], 3, 90), (9, [KICK, CRASH], 1, 115)])

# ------------------------------------------------ 19 soft rock 84 (E major)
def soft_rock(p):
    prog = ['E', 'B/D#', 'C#m7', 'Amaj7', 'E/G#', 'A', 'F#m7', 'B7sus4']
    ch = lambda b: prog[b % 8]
    nb = nbars_for(p)
    p.inst(0, 25, 90, 40, 40); p.inst(1, 33, 104); p.inst(2, 4, 72, 84, 45, 30); p.inst(3, 48, 54, 64, 65); p.inst(4, 65, 74, 64, 60)
    p.inst(9, 0, 96)
    B, G, E = Bass(p, 1, 31, 52), Comp(p, 0, 52, 71), Comp(p, 2, 60, 76, drop_root=True)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        v = G.voice(s)   # acoustic guitar strum, 8ths with 16th pushes
        for b, vel, up in ((0, 90, 0), (1, 70, 0), (1.5, 60, 1), (2, 84, 0), (2.5, 60, 1), (2.75, 54, 1), (3, 76, 0), (3.5, 62, 1)):
            p.chord(0, bar * 4 + b, 0.45, list(reversed(v)) if up else v, vel, 0.01)
        if bar < 1:
            continue
        kit(p, bar, {KICK: 'x.....x.x.......' if bar % 2 == 0 else 'x.......x.....x.', SN: '....X..g....X...' if bar >= 2 else '....x.......x...',
                     HH: 'xhxhxhxhxhxhxhxh'}, vel={'h': 48, 'x': 70, 'X': 104, 'g': 32})
        if bar == 1:
            p.notes = [nt for nt in p.notes if not (nt[0] == 9 and nt[3] == SN and 4 <= nt[1] < 8)]
            p.pat(9, bar, '....x.......x...', STICK, {'x': 90})
        if bar % 4 == 3:
            p.pat(9, bar, '............xxxx', TOMS[2], {'x': 84})
        B.play(bar, s, n, [(0, 1.4, 'R', 100), (1.5, 0.45, '5', 84), (2, 0.9, '8', 90), (3, 0.45, '5', 84), (3.5, 0.45, 'N', 86)])
        E.hits(bar, s, [(0, 1.9, 64), (2, 1.9, 60)])
        if bar >= 4:
            p.chord(3, bar * 4, 3.95, voicing(s, 64, 79, n=3), 56)
    def rh(rel):
        return [[(0.5, 0.5), (1, 0.5), (1.5, 1), (2.5, 0.5), (3, 1)], [(0, 2), (2.5, 0.5), (3, 1)]][rel % 2]
    melody_line(p, 4, ch, nb - 3, rh, 4, 'major', 64, 81, 88, start_bar=3, repeat_every=4, legato=0.97)
    ending(p, nb, [(1, [28], 3, 100), (0, voicing('Eadd9', 52, 71), 3, 90), (9, [KICK, CRASH], 1, 100)])

# ------------------------------------------------ 20 neo-soul 78 (Eb minor), swung 16ths, late snare
def neo_soul(p):
    prog = ['Ebm9', 'Ab13', 'Dbmaj9', 'Bbm7']
    ch = lambda b: prog[b % 4]
    nb = nbars_for(p)
    p.inst(0, 4, 92, 50, 50, 30); p.inst(1, 33, 108); p.inst(2, 27, 60, 90, 45); p.inst(3, 89, 46, 64, 70); p.inst(9, 0, 96)
    SW = 0.16   # fraction of a 16th step the off 16ths are delayed (≈ 58:42 swing)
    LATE = 0.035  # snare laid back ~27 ms in the score (beat grid unchanged)
    B, E = Bass(p, 1, 27, 50), Comp(p, 0, 55, 74, drop_root=True)
    for bar in range(nb):
        s, n = ch(bar), ch(bar + 1)
        # Rhodes: 1-bar intro alone; swung comping
        E.hits(bar, s, [(0, 1.2, 74), (1.5 + 0.25 * SW * 0, 0.4, 60), (2.25 + 0.25 * SW, 0.6, 66), (3.5, 0.4, 58)])
        if bar == 0:
            continue
        p.pat(9, bar, 'x......x..x.....' if bar % 2 == 0 else 'x.....x...x..x..', KICK, {'x': 96}, swing=SW)
        p.pat(9, bar, 'xhxhxhxhxhxhxhxh', HH, {'x': 66, 'h': 40}, swing=SW)
        p.pat(9, bar, '.g....g..g....g.', SN, {'g': 30}, swing=SW)
        for b in (1, 3):
            p.note(9, bar * 4 + b + LATE, 0.1, SN, 104)
            p.note(9, bar * 4 + b + LATE, 0.1, STICK, 60)
        if bar % 4 == 3:
            p.pat(9, bar, '..............xx', SN, {'x': 70}, swing=SW)
        B.play(bar, s, n, [(0, 0.9, 'R', 100), (1.5 + 0.25 * SW * 0, 0.2, '8', 72), (1.75 + 0.25 * SW, 0.4, '7', 84),
                           (2.5, 0.6, '5', 88), (3.25 + 0.25 * SW, 0.2, '3', 76), (3.5, 0.4, 'N', 86)])
        if bar >= 2:
            p.chord(3, bar * 4, 3.95, voicing(s, 58, 74, n=4), 54)
            v = voicing(s, 67, 79, n=2)
            p.chord(2, bar * 4 + 1.75 + 0.25 * SW, 0.2, v, 64); p.chord(2, bar * 4 + 3.75 + 0.25 * SW, 0.2, v, 58)
    ending(p, nb, [(1, [27], 3, 100), (0, voicing('Ebm11', 55, 77), 3, 80), (9, [KICK, CRASH], 1, 90)])

PIECES = PIECES_A + [
    ('grunge', 120, 'grunge', grunge),
    ('indie_rock', 140, 'indie rock', indie_rock),
    ('synthwave', 100, 'synthwave', synthwave),
    ('dubstep', 140, 'dubstep (half-time feel, snare on 3)', dubstep),
    ('footwork', 160, 'footwork / juke', footwork),
    ('amapiano', 112, 'amapiano (log drum)', amapiano),
    ('gospel', 132, 'gospel praise', gospel),
    ('power_ballad', 68, '80s power ballad', power_ballad),
    ('soft_rock', 84, 'soft rock', soft_rock),
    ('neo_soul', 78, 'neo-soul (swung 16ths, late snare)', neo_soul),
]
