"""The 20 dance-set pieces: one function per style filling a midi_a.Piece (see __init__.py);
PIECES = [(name, bpm, style, fn)]."""
from ..kit_a import *  # noqa: F401,F403

# =========================================================== 1 reggae one drop 72
def reggae_onedrop(p):
    prog = ['Am7', 'D9', 'Am7', 'D9', 'Fmaj7', 'G', 'Am7', 'Em7']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 33, 110, 60, 20); p.inst(2, 27, 80, 85, 50)
    p.inst(3, 16, 62, 45, 50); p.inst(4, 21, 78, 70, 60)
    B, G, O = Bass(p, 1, 31), Comp(p, 2, 60, 76, n=3), Comp(p, 3, 53, 67)
    for bar in range(nb):
        s = ch(bar)
        p.pat(9, bar, 'x.hx.hx.hx.h', HH, {'h': 55, 'x': 75})
        p.pat(9, bar, '......X.....', STICK, {'X': 105})
        p.pat(9, bar, '......X.....', KICK, {'X': 110})
        if bar % 2 == 1:
            p.pat(9, bar, '...........g', SN, {'g': 34})
        if bar % 4 == 3:
            p.note(9, bar * 4 + 3 + 1 / 3, 0.1, SN, 70); p.note(9, bar * 4 + 3 + 2 / 3, 0.1, SN, 88)
        if bar % 4 == 0 and bar > 0:
            p.note(9, bar * 4, 1, CRASH, 80)
        B.play(bar, s, ch(bar + 1), [(1.0, 0.45, 'R', 100), (1.67, 0.3, 'R', 85), (2.0, 0.6, '5', 100),
                                     (2.67, 0.3, '8', 80), (3.0, 0.5, '3', 95), (3.67, 0.3, 'N', 88)])
        G.hits(bar, s, [(1, 0.18, 88), (3, 0.18, 90)])
        v = O.voice(s)
        for b in (0.67, 1.67, 2.67, 3.67):
            p.chord(3, bar * 4 + b, 0.25, v, 60)
        for b in (1, 3):
            p.chord(3, bar * 4 + b, 0.2, [v[-1] + 12], 55)
    def rh(rel):
        return [[(0, 1.0), (1.0, 0.67), (1.67, 0.33), (2, 1.5)], [(0.67, 0.33), (1, 0.67), (2, 0.67), (2.67, 0.33), (3, 1)]][rel % 2]
    melody_line(p, 4, ch, nb - 4, rh, 9, 'dorian', 64, 81, 82, start_bar=4, repeat_every=4)
    ending(p, nb, [(1, [33], 2, 100), (2, voicing('Am9', 60, 76), 2, 85), (9, [KICK, CRASH], 1, 100)])

# =========================================================== 2 roots rock reggae 80
def roots_reggae(p):
    prog = ['Bb', 'Eb', 'Cm7', 'F', 'Bb', 'Gm7', 'Eb', 'F7']
    ch = lambda b: prog[(b - 1) % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 33, 112, 64, 20); p.inst(2, 27, 78, 90, 45)
    p.inst(3, 17, 60, 40, 50); p.inst(4, 61, 70, 64, 60)
    B, G, O, H = Bass(p, 1, 31), Comp(p, 2, 62, 77, n=3), Comp(p, 3, 55, 70), Comp(p, 4, 60, 74, n=3)
    # intro: one bar of drums alone (steppers-ish roll)
    p.pat(9, 0, 'X.x.x.x.X.x.x.x.', KICK, {'X': 110, 'x': 90})
    p.pat(9, 0, 'x.x.x.x.x.x.x.x.', HH, {'x': 70})
    p.pat(9, 0, '........x.g.xxxx', SN, {'x': 95, 'g': 40})
    for bar in range(1, nb):
        s = ch(bar)
        p.pat(9, bar, 'x.h.x.hgx.h.x.hg', HH, {'x': 80, 'h': 58, 'g': 40}, swing=0.25)
        p.pat(9, bar, 'X.......X.......', KICK, {'X': 108})
        p.pat(9, bar, '....X.......X...', SN, {'X': 100})
        p.pat(9, bar, '.......g.......g', SN, {'g': 32}, swing=0.25)
        if bar % 4 == 0:
            fill(p, bar, 1, 'toms', 95)
        if bar == 1 or bar == 5:
            crash(p, bar * 4, 100)
        B.play(bar, s, ch(bar + 1), [(0, 0.7, 'R', 105), (1.0, 0.4, 'R', 80), (1.5, 0.5, '3', 92),
                                     (2.0, 0.7, '5', 100), (3.0, 0.45, '8', 85), (3.5, 0.45, 'N', 92)])
        G.hits(bar, s, [(1, 0.15, 90), (3, 0.15, 92)])
        v = O.voice(s)
        for b in (0.5, 1.5, 2.5, 3.5):
            p.chord(3, bar * 4 + b, 0.22, v, 58)
        if bar >= 5:  # horn line answers
            hv = H.voice(s)
            p.chord(4, bar * 4 + 2.5, 0.4, hv, 78); p.chord(4, bar * 4 + 3.0, 0.8, hv, 85)
    ending(p, nb, [(1, [34], 2, 100), (2, voicing('Bb', 62, 77), 2, 85), (4, voicing('Bb', 60, 74), 1.5, 85),
                   (9, [KICK, CRASH], 1, 105)])

# =========================================================== 3 afrobeats 102
def afrobeats(p):
    prog = ['Gbmaj7', 'Ab', 'Fm7', 'Bbm7']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'Gbmaj7'
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 38, 100, 64, 15); p.inst(2, 27, 82, 95, 40, 30)
    p.inst(3, 4, 72, 40, 50, 20); p.inst(4, 12, 80, 70, 50); p.inst(5, 89, 50, 64, 70)
    B, G, K, M = Bass(p, 1, 30), Comp(p, 2, 63, 79, n=3), Comp(p, 3, 56, 70), None
    # intro bar 0: guitar alone, high picked pattern
    for bar in range(nb):
        s = ch(bar)
        v = G.voice(s)
        for i, b in enumerate([0, 0.5, 0.75, 1.5, 2.0, 2.5, 2.75, 3.5]):
            p.note(2, bar * 4 + b, 0.2, v[(i * 2) % len(v)] + (12 if i % 4 == 3 else 0), 80 + (10 if i % 4 == 0 else 0))
        if bar == 0:
            continue
        p.pat(9, bar, 'X..x..x.X..x..x.', KICK, {'X': 112, 'x': 92})
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 100})
        p.pat(9, bar, '...g..g....g.g..', STICK, {'g': 55})
        p.pat(9, bar, 'x.xxx.x.x.xxx.xx', SHAKER, {'x': 70})
        p.pat(9, bar, '..x...x...x..x.x', CONGA_MH, {'x': 75})
        p.pat(9, bar, 'x.......x.....x.', CONGA_L, {'x': 70})
        if bar % 4 == 0:
            p.pat(9, bar, '............xxxx', TOMS[2], {'x': 80})
        B.play(bar, s, ch(bar + 1), [(0, 0.6, 'R', 108), (0.75, 0.25, 'R', 85), (1.5, 0.4, '5', 95),
                                     (2.5, 0.4, 'R', 100), (3.0, 0.25, '8', 80), (3.5, 0.4, 'N', 92)])
        K.hits(bar, s, [(0, 1.4, 66), (1.5, 0.4, 60), (2.75, 1.2, 64)])
        p.chord(5, bar * 4, 3.9, voicing(s, 55, 72), 55, 0)
    def rh(rel):
        return [[(0.5, 0.25), (0.75, 0.5), (1.5, 0.5), (2.0, 0.25), (2.5, 1.0)], [(0, 0.5), (0.5, 0.5), (1.0, 0.75), (2.5, 0.25), (2.75, 0.75), (3.5, 0.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 5, rh, 1, 'major', 65, 84, 88, start_bar=5, repeat_every=4)
    ending(p, nb, [(1, [30], 2, 100), (3, voicing('Gbmaj7', 56, 72), 2, 80), (9, [KICK, CRASH], 1, 100)])

# =========================================================== 4 highlife 120
def highlife(p):
    prog = ['D', 'G', 'A7', 'D', 'Bm', 'G', 'Em7', 'A7']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 0, 96); p.inst(1, 33, 108, 64, 20); p.inst(2, 27, 85, 100, 40, 20)
    p.inst(3, 25, 75, 30, 50); p.inst(4, 56, 80, 64, 60); p.inst(5, 57, 72, 50, 60)
    B, G1, G2 = Bass(p, 1, 33), Comp(p, 3, 55, 69), None
    sc = scale_notes(2, 'major', 62, 86)
    for bar in range(nb):
        s = ch(bar)
        r, ints, _ = parse_chord(s)
        # bell / timeline (highlife bell pattern)
        p.pat(9, bar, 'x.x.x.xx.x.x.x.x', COW, {'x': 62})
        p.pat(9, bar, 'x..x..x.x..x..x.', KICK, {'x': 96})
        p.pat(9, bar, '....x.g.....x..g', SN, {'x': 88, 'g': 40})
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', HH, {'x': 60})
        p.pat(9, bar, '..x...xx..x...x.', CONGA_MH, {'x': 70})
        p.pat(9, bar, '...x.......x....', CONGA_O, {'x': 72})
        if bar % 4 == 3:
            fill(p, bar, 1, 'toms', 90)
        if bar % 4 == 0 and bar:
            crash(p, bar * 4, 95)
        B.play(bar, s, ch(bar + 1), [(0, 0.45, 'R', 105), (1.0, 0.45, '5', 90), (1.5, 0.45, '8', 80),
                                     (2.0, 0.45, '3', 95), (3.0, 0.45, '5', 90), (3.5, 0.45, 'N', 88)])
        # lead guitar arpeggio pattern in 16ths-ish (palm-wine picking)
        ct = [x for x in range(62, 83) if (x - r) % 12 in [i % 12 for i in ints]]
        pos = [0, 2, 1, 3, 2, 4, 3, 1]
        for i, b in enumerate([0, 0.5, 0.75, 1.25, 1.5, 2.0, 2.5, 3.25]):
            p.note(2, bar * 4 + b, 0.3, ct[pos[i] % len(ct)], 78 + (8 if i in (0, 5) else 0))
        G1.hits(bar, s, [(0.5, 0.2, 70), (1.5, 0.2, 70), (2.5, 0.2, 72), (3.5, 0.2, 70)])
        # horns: riff in bars 4-7 and end
        if bar >= 4:
            hv = voicing(s, 62, 76, None, n=2)
            for b, d in ([(0, 0.4), (0.5, 0.4), (1.5, 1.0)] if bar % 2 == 0 else [(1.0, 0.4), (2.5, 0.4), (3.0, 0.8)]):
                p.note(4, bar * 4 + b, d, hv[-1], 92); p.note(5, bar * 4 + b, d, hv[0] - 12 + 12 * (hv[0] < 60), 84)
    ending(p, nb, [(1, [38], 2, 100), (3, voicing('D', 55, 69), 2, 85), (4, [74], 1.5, 95), (5, [66], 1.5, 90),
                   (9, [KICK, CRASH], 1, 100)])

# =========================================================== 5 funk 96
def funk(p):
    prog = ['Em7', 'Em7', 'A9', 'A9', 'Em7', 'Em7', 'Cmaj7', 'B7#9']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'Em7'
    nb = nbars_for(p)
    p.inst(9, 0, 105); p.inst(1, 33, 112, 64, 10); p.inst(2, 28, 88, 100, 25)
    p.inst(3, 4, 70, 40, 40); p.inst(4, 61, 78, 64, 50)
    B, K = Bass(p, 1, 28), Comp(p, 3, 55, 70)
    for bar in range(nb):
        s = ch(bar)
        gv = voicing(s, 60, 75, None, n=3)
        # 16th scratch guitar (intro bar alone)
        for i in range(16):
            acc = i in (2, 6, 7, 10, 14)
            mute = not acc
            p.chord(2, bar * 4 + i / 4, 0.12, gv if acc else gv[:2], 95 if acc else 45, 0.004)
        if bar == 0:
            continue
        p.pat(9, bar, 'XxxxXxxxXxxxXxxx', HH, {'X': 92, 'x': 62})
        p.pat(9, bar, '..............o.', OHH, {'o': 75}) if bar % 2 else None
        p.pat(9, bar, 'X..x..X...X..x..', KICK, {'X': 112, 'x': 95})
        p.pat(9, bar, '....X..g.g..X.g.', SN, {'X': 112, 'g': 36})
        if bar % 4 == 0:
            p.pat(9, bar, '............XxXX', SN, {'X': 105, 'x': 80})
            p.pat(9, bar, '............x.x.', TOMS[4], {'x': 96})
        if bar % 4 == 1:
            crash(p, bar * 4, 100)
        pat = [(0, 0.3, 'R', 115), (0.75, 0.2, '8', 88), (1.0, 0.15, 'R', 70), (1.5, 0.2, '7', 95),
               (1.75, 0.2, '8', 80), (2.5, 0.2, 'R', 100), (2.75, 0.15, 'R', 60), (3.0, 0.25, '5', 92),
               (3.5, 0.2, '3', 90), (3.75, 0.2, 'N', 96)]
        B.play(bar, s, ch(bar + 1), pat)
        K.hits(bar, s, [(1.75, 0.2, 72), (3.25, 0.5, 66)])
        if bar >= 5 and bar % 2 == 1:
            hv = voicing(s, 64, 79, None, n=3)
            for b, d, v in [(0, 0.2, 100), (0.5, 0.2, 90), (0.75, 0.6, 105), (2.5, 0.2, 95), (2.75, 0.4, 100)]:
                p.chord(4, bar * 4 + b, d, hv, v)
    ending(p, nb, [(1, [40], 1.5, 110), (2, voicing('E9', 60, 76), 1, 100), (4, voicing('E9', 64, 79), 1, 100),
                   (9, [KICK, CRASH], 1, 110)])

# =========================================================== 6 disco 118
def disco(p):
    prog = ['Fm7', 'Bb7', 'Ebmaj7', 'Abmaj7', 'Dbmaj7', 'Bbm7', 'C7sus4', 'C7']
    ch = lambda b: prog[(b - 2) % len(prog)] if b >= 2 else 'Fm7'
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 33, 110, 64, 15); p.inst(2, 28, 80, 100, 30)
    p.inst(3, 48, 70, 40, 70); p.inst(4, 4, 70, 64, 40); p.inst(5, 61, 75, 70, 60)
    B, S, E = Bass(p, 1, 29), Comp(p, 3, 65, 81), Comp(p, 4, 55, 70)
    for bar in range(nb):
        s = ch(bar)
        # intro: 2 bars of hi-hat + kick (drums only)
        p.pat(9, bar, 'X...X...X...X...', KICK, {'X': 110})
        p.pat(9, bar, '..o...o...o...o.', OHH, {'o': 82})
        p.pat(9, bar, 'x...x...x...x...', HH, {'x': 66})
        if bar >= 2:
            p.pat(9, bar, '.g.g.g.g.g.g.g.g', HH, {'g': 36})
        if bar < 2:
            continue
        p.pat(9, bar, '....X.......X...', SN, {'X': 105})
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 85})
        p.pat(9, bar, 'x.xxx.xxx.xxx.xx', TAMB, {'x': 55})
        if bar % 4 == 1:
            p.pat(9, bar, '............XXXX', SN, {'X': 100})
        if bar % 4 == 2:
            crash(p, bar * 4, 100)
        # octave bass
        pat = []
        for i in range(8):
            pat.append((i * 0.5, 0.28, 'R' if i % 2 == 0 else '8', 100 if i % 2 == 0 else 92))
        pat[-1] = (3.5, 0.28, 'N', 95)
        B.play(bar, s, ch(bar + 1), pat)
        gv = voicing(s, 64, 76, None, n=3)
        for i in range(16):
            if i % 4 in (1, 2):
                p.chord(2, bar * 4 + i / 4, 0.1, gv, 70 if i % 4 == 2 else 55)
        S.hits(bar, s, [(0, 3.9, 70)])
        E.hits(bar, s, [(0.5, 0.3, 62), (1.5, 0.3, 58), (2.5, 0.3, 62), (3.5, 0.3, 58)])
    def rh(rel):
        return [[(0, 0.5), (0.5, 0.5), (1.0, 1.0), (2.5, 0.5), (3.0, 1.0)], [(0.5, 0.5), (1.0, 0.5), (1.5, 1.5), (3.5, 0.5)]][rel % 2]
    melody_line(p, 5, ch, nb - 6, rh, 5, 'dorian', 65, 82, 95, start_bar=6, repeat_every=4)
    ending(p, nb, [(1, [29], 2, 105), (3, voicing('Fm9', 65, 81), 2, 80), (5, voicing('Fm7', 65, 80), 1, 100),
                   (9, [KICK, CRASH], 1, 105)])

# =========================================================== 7 deep house 122
def deep_house(p):
    prog = ['Cm9', 'Abmaj7', 'Fm9', 'G7sus4']
    ch = lambda b: prog[(b // 2) % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 25, 100); p.inst(1, 38, 100, 64, 10); p.inst(2, 4, 78, 55, 60, 40); p.inst(3, 89, 55, 64, 80)
    p.inst(4, 11, 55, 80, 70)
    B, R = Bass(p, 1, 31), Comp(p, 2, 55, 72)
    for bar in range(nb):
        s = ch(bar)
        p.pat(9, bar, 'X...X...X...X...', KICK, {'X': 115})   # intro 2 bars: kick alone
        if bar < 2:
            continue
        p.pat(9, bar, '..x...x...x...x.', OHH, {'x': 72})
        p.pat(9, bar, 'g.g.g.g.g.g.g.gg', HH, {'g': 45})
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 95})
        p.pat(9, bar, 'x.xxx.xxx.xxx.xx', SHAKER, {'x': 50})
        if bar % 4 == 3:
            p.pat(9, bar, '...........x..x.', CONGA_MH, {'x': 70})
        if bar == 2 or bar == 10:
            crash(p, bar * 4, 90)
        B.play(bar, s, ch(bar + 1), [(0.5, 0.35, 'R', 105), (1.5, 0.35, 'R', 100), (1.75, 0.2, '8', 70),
                                     (2.5, 0.35, 'R', 105), (3.5, 0.35, '5' if bar % 2 else '7', 98)])
        R.hits(bar, s, [(0, 0.4, 74), (0.75, 0.3, 60), (1.5, 0.6, 70), (3.25, 0.5, 64)] if bar >= 4 else [(0, 1.5, 60)])
        if bar % 2 == 0:
            p.chord(3, bar * 4, 7.8, voicing(s, 60, 76), 60)
        if bar >= 6:
            r, ints, _ = parse_chord(s)
            ct = [x for x in range(72, 90) if (x - r) % 12 in [i % 12 for i in ints]]
            for i, b in enumerate([0, 0.75, 1.5, 2.5, 3.0]):
                p.note(4, bar * 4 + b, 0.4, ct[(i * 2 + bar) % len(ct)], 70)
    ending(p, nb, [(1, [36], 1.5, 100), (3, voicing('Cm9', 60, 76), 2, 70), (9, [KICK, CRASH], 1, 100)])

# =========================================================== 8 techno 132
def techno(p):
    prog = ['Dm', 'Dm', 'Bb', 'C']
    ch = lambda b: prog[(b // 2) % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 24, 100); p.inst(1, 39, 95, 64, 10); p.inst(2, 81, 58, 64, 70, 40); p.inst(3, 90, 55, 64, 80)
    B = Bass(p, 1, 26)
    for bar in range(nb):
        s = ch(bar)
        p.pat(9, bar, 'X...X...X...X...', KICK, {'X': 120})  # intro 2 bars kick alone
        if bar < 2:
            continue
        p.pat(9, bar, '..X...X...X...X.', OHH, {'X': 80})
        p.pat(9, bar, 'xgxgxgxgxgxgxgxg', HH, {'x': 55, 'g': 35})
        p.pat(9, bar, '....x.......x...', CLAP, {'x': 90})
        if bar >= 4:
            p.pat(9, bar, '...x..x....x..x.', RIDE, {'x': 55})
            p.pat(9, bar, '.......x.x......', TOMS[5], {'x': 70})
        if bar % 8 == 7:
            p.pat(9, bar, '........xxxxxxxx', CLAP, {'x': 85})
        if bar in (4, 12):
            crash(p, bar * 4, 95)
        # rolling 16th bass off the kick
        B.play(bar, s, ch(bar + 1), [(0.25, 0.2, 'R', 95), (0.5, 0.2, 'R', 105), (1.25, 0.2, 'R', 95), (1.5, 0.2, '8', 100),
                                     (2.25, 0.2, 'R', 95), (2.5, 0.2, 'R', 105), (3.25, 0.2, '5', 95), (3.5, 0.2, 'R', 100)])
        if bar >= 4:
            v = voicing(s, 62, 74, None, n=3)
            for b in [0.5, 1.25, 2.0, 2.75, 3.5] if bar % 2 == 0 else [0.75, 1.5, 3.0]:
                p.chord(2, bar * 4 + b, 0.2, v, 80)
        if bar % 4 == 0:
            p.chord(3, bar * 4, 15.5, voicing(s, 57, 72), 50)
    ending(p, nb, [(1, [26], 1, 100), (2, voicing('Dm', 62, 74), 1, 80), (9, [KICK, CRASH], 1, 110)])

# =========================================================== 9 UK garage 2-step 134
def ukg(p):
    prog = ['Gm9', 'Ebmaj7', 'Cm9', 'D7']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'Gm9'
    nb = nbars_for(p)
    sw = 0.33
    p.inst(9, 25, 100); p.inst(1, 38, 100, 64, 10); p.inst(2, 4, 75, 50, 60, 30); p.inst(3, 50, 60, 80, 80)
    p.inst(4, 80, 55, 64, 70)
    B, R = Bass(p, 1, 31), Comp(p, 2, 57, 74)
    for bar in range(nb):
        s = ch(bar)
        R.hits(bar, s, [(0, 0.3, 80), (0.75 + sw * 0.25, 0.25, 66), (1.5, 0.4, 72), (2.75 + sw * 0.25, 0.3, 66), (3.5, 0.3, 70)])
        if bar == 0:   # intro: organ/rhodes stabs alone
            continue
        p.pat(9, bar, 'X.........X.....', KICK, {'X': 115}, swing=sw)
        p.pat(9, bar, '.......x.....x..', KICK, {'x': 88}, swing=sw)
        p.pat(9, bar, '....X.......X...', SN, {'X': 100}, swing=sw)
        p.pat(9, bar, '....X.......X...', CLAP, {'X': 80}, swing=sw)
        p.pat(9, bar, '..x...x.g.x...xg', HH, {'x': 70, 'g': 45}, swing=sw)
        p.pat(9, bar, '.g.g.g.g.g.g.g.g', SHAKER, {'g': 50}, swing=sw)
        p.pat(9, bar, '..........o.....', OHH, {'o': 60}, swing=sw)
        p.pat(9, bar, '.........g....g.', STICK, {'g': 45}, swing=sw)
        if bar % 4 == 0:
            p.pat(9, bar, '............x.xx', SN, {'x': 85}, swing=sw)
        if bar in (1, 5):
            crash(p, bar * 4, 90)
        B.play(bar, s, ch(bar + 1), [(0, 0.6, 'R', 108), (0.75 + sw * .25, 0.2, 'R', 80), (1.5, 0.3, '8', 92),
                                     (2.5, 0.4, '5', 95), (3.25 + sw * .25, 0.2, '7', 80), (3.5, 0.4, 'N', 95)])
        if bar % 2 == 1:
            p.chord(3, bar * 4, 7.8, voicing(s, 62, 79), 58)
    def rh(rel):
        return [[(0.5, 0.25), (0.75 + sw * 0.25, 0.5), (1.5, 0.75), (2.5, 0.25), (3.0, 0.75)], [(0.0, 0.5), (1.0, 0.25), (1.25 + sw * .25, 1.0), (3.5, 0.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 5, rh, 7, 'minor', 67, 84, 80, start_bar=5, repeat_every=4)
    ending(p, nb, [(1, [31], 1.5, 100), (2, voicing('Gm9', 57, 74), 1.5, 80), (9, [KICK, CRASH], 1, 100)])

# =========================================================== 10 drum and bass 172
def dnb(p):
    prog = ['Bm9', 'Bm9', 'Gmaj7', 'Gmaj7', 'Em9', 'Em9', 'F#m7', 'F#7']
    ch = lambda b: prog[(b - 2) % len(prog)] if b >= 2 else 'Bm9'
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 38, 100, 64, 5); p.inst(2, 89, 62, 64, 90); p.inst(3, 4, 64, 45, 60, 40); p.inst(4, 11, 66, 85, 70)
    B, Pd = Bass(p, 1, 26), Comp(p, 2, 57, 76)
    for bar in range(nb):
        s = ch(bar)
        # intro: rhodes chords alone for 2 bars; pad enters with the drums
        rv = voicing(s, 60, 76)
        for b, d, v in [(0, 1.4, 80), (1.5, 0.4, 66), (2.5, 1.2, 72), (3.5, 0.4, 62)]:
            p.chord(3, bar * 4 + b, d, rv, v, 0.005)
        if bar < 2:
            continue
        if bar % 2 == 0:
            Pd.hits(bar, s, [(0, 7.8, 55)])
        # two-step dnb beat with ghost notes
        alt = bar % 2
        p.pat(9, bar, 'X.........X.....' if not alt else 'X.........x..X..', KICK, {'X': 115, 'x': 90})
        p.pat(9, bar, '....X..g.g..X..g' if not alt else '....X..g.g..X.g.', SN, {'X': 115, 'g': 40})
        p.pat(9, bar, 'x.x.x.xxx.x.x.x.', HH, {'x': 65})
        p.pat(9, bar, 'x.......x.......', RIDE, {'x': 55})
        if bar % 4 == 1:
            p.pat(9, bar, '........XxXxXXXX', SN, {'X': 105, 'x': 75})
        if bar % 8 == 2:
            crash(p, bar * 4, 105)
        B.play(bar, s, ch(bar + 1), [(0, 1.2, 'R', 110), (1.5, 0.4, 'R', 95), (2.5, 0.9, '5' if alt else '-2', 100), (3.5, 0.4, 'N', 90)])
        if bar >= 6:
            r, ints, _ = parse_chord(s)
            ct = [x for x in range(69, 88) if (x - r) % 12 in [i % 12 for i in ints]]
            for i, b in enumerate([0, 0.75, 1.5] if alt == 0 else [0.5, 2.0]):
                p.note(4, bar * 4 + b, 0.6, ct[(i + bar) % len(ct)], 75)
    ending(p, nb, [(1, [35], 2, 105), (2, voicing('Bm9', 57, 76), 3, 70), (9, [KICK, CRASH], 1, 110)])

# =========================================================== 11 samba 98
def samba(p):
    prog = ['A6', 'F#7', 'Bm7', 'E7', 'C#m7', 'F#7', 'Bm7', 'E7']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'A6'
    nb = nbars_for(p)
    p.inst(9, 0, 105); p.inst(1, 32, 105, 64, 25); p.inst(2, 24, 88, 90, 45); p.inst(3, 56, 70, 50, 60)
    p.inst(4, 73, 70, 64, 60)
    B, G = Bass(p, 1, 33), Comp(p, 2, 55, 70, n=4)
    SURDO_L, SURDO_H = 41, 43  # low floor tom, high floor tom as surdos
    for bar in range(nb):
        s = ch(bar)
        # surdo: muted on 1, open strong on 2 ... (intro bar: surdo alone)
        for half in (0, 2):
            p.note(9, bar * 4 + half, 0.3, SURDO_H, 70)
            p.note(9, bar * 4 + half + 1, 0.6, SURDO_L, 120)
            p.note(9, bar * 4 + half + 1.75, 0.2, SURDO_L, 60)
        if bar == 0:
            continue
        p.pat(9, bar, 'XxxXXxxXXxxXXxxX', SHAKER, {'X': 85, 'x': 50})  # ganza
        p.pat(9, bar, 'x.xx.x.x.xx.x.x.', STICK, {'x': 70})           # tamborim
        p.pat(9, bar, 'x..x..x...x..x..', AGOGO_H, {'x': 70})
        p.pat(9, bar, '......x.......x.', AGOGO_L, {'x': 70})
        p.pat(9, bar, 'g.gxg.gxg.gxg.gx', SN, {'x': 70, 'g': 35})      # caixa
        p.pat(9, bar, 'x...x...x...x...', KICK, {'x': 70})
        if bar % 4 == 0:
            p.pat(9, bar, '........x.x.xxxx', TIMB_H, {'x': 95})
        if bar == 1 or bar == 5:
            crash(p, bar * 4, 90)
        B.play(bar, s, ch(bar + 1), [(0, 0.45, 'R', 90), (1, 0.8, '-5', 105), (1.75, 0.25, '-5', 70),
                                     (2, 0.45, 'R', 90), (3, 0.5, '5', 100), (3.75, 0.25, 'N', 80)])
        G.hits(bar, s, [(0, 0.2, 75), (0.5, 0.2, 60), (0.75, 0.2, 80), (1.5, 0.2, 78), (2.25, 0.2, 75), (2.75, 0.2, 80), (3.5, 0.3, 78)])
    def rh(rel):
        return [[(0.25, 0.25), (0.5, 0.5), (1.0, 0.25), (1.25, 0.75), (2.5, 0.5), (3, 0.75)], [(0.5, 0.25), (0.75, 0.75), (1.75, 0.25), (2.0, 1.5)]][rel % 2]
    melody_line(p, 4, ch, nb - 5, rh, 9, 'major', 69, 88, 90, start_bar=5, repeat_every=4)
    ending(p, nb, [(1, [33], 2, 100), (2, voicing('A6', 55, 70), 2, 85), (9, [SURDO_L, CRASH, TIMB_L], 1, 110)])

# =========================================================== 12 bossa nova 140
def bossa(p):
    prog = ['Ebmaj7', 'Ebmaj7', 'F7', 'F7', 'Fm7', 'Bb7', 'Ebmaj7', 'Cm7', 'Abmaj7', 'G7', 'Cm7', 'Bb7']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    # bossa usually 2-bar clave; annotate quarter note = 140
    p.inst(9, 40, 85); p.inst(1, 32, 100, 64, 30); p.inst(2, 24, 90, 70, 50); p.inst(3, 73, 76, 55, 70)
    p.inst(4, 0, 55, 40, 50)
    B, G = Bass(p, 1, 31), Comp(p, 2, 52, 67, n=4)
    clave = ['x..x..x...x..x..', '..x..x..x..x..x.']
    for bar in range(nb):
        s = ch(bar)
        v = G.voice(s)
        # guitar: thumb on 1 and 3 (root/fifth), chords on syncopated pattern; intro 2 bars guitar alone
        r, ints, bpc = parse_chord(s)
        root = in_range(bpc, 40, 51)
        p.note(2, bar * 4, 0.9, root, 78); p.note(2, bar * 4 + 2, 0.9, root + 7 - (12 if root + 7 > 52 else 0), 72)
        for b in ([0, 1.5, 2.5, 3.5] if bar % 2 == 0 else [1.0, 2.0, 3.0]):
            p.chord(2, bar * 4 + b, 0.4, v, 66, 0.006)
        if bar < 2:
            continue
        p.pat(9, bar, clave[bar % 2], STICK, {'x': 70})
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', HH, {'x': 45})
        p.pat(9, bar, 'xgxgxgxgxgxgxgxg', SHAKER, {'x': 50, 'g': 30})
        p.pat(9, bar, 'x..xx..xx..xx..x', KICK, {'x': 70})
        B.play(bar, s, ch(bar + 1), [(0, 1.4, 'R', 95), (1.5, 0.45, '5', 80), (2, 1.4, '5', 90), (3.5, 0.45, 'N', 80)])
        if bar % 4 == 2:
            p.chord(4, bar * 4 + 1.5, 2, [x + 12 for x in v], 50)
    def rh(rel):
        return [[(0, 1.5), (1.5, 0.5), (2, 1.0), (3, 1.0)], [(0.5, 1.0), (1.5, 2.5)]][rel % 2]
    melody_line(p, 3, ch, nb - 4, rh, 3, 'major', 67, 86, 80, start_bar=4, repeat_every=4)
    ending(p, nb, [(1, [39], 3, 90), (2, voicing('Ebmaj9', 52, 70), 3, 70), (3, [79], 3, 75)])

# =========================================================== 13 cumbia 94
def cumbia(p):
    prog = ['C', 'G7', 'G7', 'C', 'C', 'F', 'G7', 'C']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'C'
    nb = nbars_for(p)
    p.inst(9, 0, 100); p.inst(1, 33, 105, 64, 20); p.inst(2, 21, 90, 70, 50); p.inst(3, 27, 72, 100, 40)
    B, G = Bass(p, 1, 31), Comp(p, 3, 60, 74, n=3)
    for bar in range(nb):
        s = ch(bar)
        # guacharaca (guiro) alone in intro bar
        for i in range(4):
            p.note(9, bar * 4 + i, 0.4, GUIRO_L, 85)
            p.note(9, bar * 4 + i + 0.5, 0.1, GUIRO_S, 62)
            p.note(9, bar * 4 + i + 0.75, 0.1, GUIRO_S, 70)
        if bar == 0:
            continue
        p.pat(9, bar, 'x.......x.......', KICK, {'x': 100})
        p.pat(9, bar, '....x.......x...', STICK, {'x': 82})
        p.pat(9, bar, '..o...o...o...o.', CONGA_O, {'o': 80})
        p.pat(9, bar, 'g.g.....g.g.....', CONGA_MH, {'g': 50})
        p.pat(9, bar, '....x.......x...', CONGA_L, {'x': 75})
        if bar % 4 == 0:
            p.pat(9, bar, '............xxxx', TIMB_H, {'x': 95})
        if bar in (1, 5):
            p.note(9, bar * 4, 1, CRASH, 85)
        B.play(bar, s, ch(bar + 1), [(0, 0.9, 'R', 105), (1.5, 0.45, '5', 90), (2, 0.9, '5', 100), (3.5, 0.45, 'N', 90)])
        G.hits(bar, s, [(0.5, 0.2, 78), (1.5, 0.2, 78), (2.5, 0.2, 80), (3.5, 0.2, 78)])
    # accordion melody: 16th/8th runs typical of cumbia
    def rh(rel):
        return [[(0, 0.5), (0.5, 0.25), (0.75, 0.25), (1.0, 0.5), (1.5, 0.5), (2.0, 1.0), (3.0, 0.5), (3.5, 0.5)],
                [(0, 1.0), (1.0, 0.5), (1.5, 0.5), (2.5, 0.25), (2.75, 0.25), (3.0, 1.0)]][rel % 2]
    melody_line(p, 2, ch, nb - 1, rh, 0, 'major', 67, 86, 92, start_bar=1, repeat_every=4)
    ending(p, nb, [(1, [36], 1.5, 100), (2, voicing('C', 67, 79), 1.5, 90), (3, voicing('C', 60, 74), 1, 80),
                   (9, [KICK, CRASH], 1, 100)])

# =========================================================== 14 reggaeton / dembow 92
def reggaeton(p):
    prog = ['C#m', 'A', 'B', 'G#m']
    ch = lambda b: prog[(b - 1) % len(prog)] if b >= 1 else 'C#m'
    nb = nbars_for(p)
    p.inst(9, 25, 105); p.inst(1, 38, 100, 64, 5); p.inst(2, 90, 60, 64, 70); p.inst(3, 24, 80, 80, 50)
    p.inst(4, 81, 55, 64, 60)
    B, Pd, G = Bass(p, 1, 25), Comp(p, 2, 56, 71), Comp(p, 3, 60, 72, n=3)
    for bar in range(nb):
        s = ch(bar)
        r, ints, _ = parse_chord(s)
        # intro: nylon guitar arpeggio alone
        ct = [x for x in range(61, 80) if (x - r) % 12 in [i % 12 for i in ints]]
        for i in range(8):
            p.note(3, bar * 4 + i * 0.5, 0.45, ct[[0, 2, 1, 3, 2, 4, 3, 1][i] % len(ct)], 75 if i % 2 else 85)
        if bar == 0:
            continue
        p.pat(9, bar, 'X...X...X...X...', KICK, {'X': 118})
        p.pat(9, bar, '...X..X....X..X.', SN, {'X': 100})   # dembow: 3e... snare on a of 1 and & of 2
        p.pat(9, bar, '...X..X....X..X.', CLAP, {'X': 75})
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', HH, {'x': 60})
        p.pat(9, bar, '..........x...x.', TIMB_H, {'x': 55})
        if bar % 4 == 0:
            p.pat(9, bar, '..........x.xxxx', SN, {'x': 85})
        if bar in (1, 5):
            crash(p, bar * 4, 95)
        B.play(bar, s, ch(bar + 1), [(0, 0.7, 'R', 112), (0.75, 0.5, 'R', 90), (1.5, 0.4, 'R', 95), (2, 0.7, 'R', 112), (2.75, 0.5, 'R', 90), (3.5, 0.4, '5', 95)])
        Pd.hits(bar, s, [(0, 3.9, 60)])
        if bar >= 5:
            v = voicing(s, 67, 79, None, n=3)
            for b in (0.75, 1.5, 2.75, 3.5):
                p.chord(4, bar * 4 + b, 0.2, v, 65)
    ending(p, nb, [(1, [25], 1.5, 110), (2, voicing('C#m', 56, 71), 2, 70), (9, [KICK, CRASH], 1, 110)])

# =========================================================== 15 trap (written at 70, snare on 3)
def trap(p):
    prog = ['F#m', 'D', 'Bm', 'C#7']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    p.inst(9, 25, 105); p.inst(1, 38, 110, 64, 5); p.inst(2, 48, 70, 64, 80); p.inst(3, 12, 68, 80, 60)
    p.inst(4, 10, 55, 40, 70)
    B, S = Bass(p, 1, 30, 48), Comp(p, 2, 54, 69)
    for bar in range(nb):
        s = ch(bar)
        r, ints, _ = parse_chord(s)
        # bell/marimba motif (also intro bar alone)
        ct = [x for x in range(66, 86) if (x - r) % 12 in [i % 12 for i in ints]]
        for i, b in enumerate([0, 0.5, 1.0, 1.75, 2.5, 3.0]):
            p.note(3, bar * 4 + b, 0.4, ct[[2, 1, 0, 3, 1, 2][i] % len(ct)], 78)
        if bar == 0:
            continue
        S.hits(bar, s, [(0, 3.9, 62)])
        # 808 kick/bass
        p.pat(9, bar, 'X......x..X.....' if bar % 2 else 'X.....x...x..x..', KICK, {'X': 118, 'x': 100})
        p.pat(9, bar, '........X.......', CLAP, {'X': 112})
        p.pat(9, bar, '........X.......', SN, {'X': 95})
        if bar % 2 == 0:
            p.pat(9, bar, '..............g.', SN, {'g': 50})
        # hats: 8ths with 16th/32nd/triplet rolls
        hat = []
        for beat in range(4):
            kind = (bar * 4 + beat) % 8
            if kind in (3,):
                hat += [(beat + i / 8, 60 + 4 * i) for i in range(8)]     # 32nd roll
            elif kind == 6:
                hat += [(beat + i / 6, 60 + 5 * i) for i in range(6)]     # 16th triplets
            elif kind == 7 and bar % 2:
                hat += [(beat + i / 12, 50 + 3 * i) for i in range(12)]   # fast roll
            else:
                hat += [(beat + i / 4, 82 if i % 2 == 0 else 60) for i in range(4)]
        for b, v in hat:
            p.note(9, bar * 4 + b, 0.05, HH, v)
        if bar % 4 == 1:
            p.note(9, bar * 4 + 1.5, 0.3, OHH, 70)
        B.play(bar, s, ch(bar + 1), [(0, 1.4, 'R', 115), (1.75, 0.6, 'R', 100), (2.5, 1.0, '-5' if bar % 2 else 'R', 105), (3.5, 0.4, '8', 90)])
        if bar >= 5:
            p.note(4, bar * 4 + 0, 2, ct[0] - 12, 60); p.note(4, bar * 4 + 2, 2, ct[1] - 12, 60)
    ending(p, nb, [(1, [30], 2, 110), (2, voicing('F#m', 54, 69), 2, 70), (3, [ct[0]], 1, 80), (9, [KICK, CRASH], 1, 105)])

# =========================================================== 16 piano ballad 66
def piano_ballad(p):
    prog = ['G', 'D/F#', 'Em7', 'Cmaj7', 'Am7', 'D7sus4', 'G/B', 'C', 'Am7', 'D']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    p.inst(0, 0, 127, 64, 60)
    R = Comp(p, 0, 55, 69)
    for bar in range(nb):
        s = ch(bar)
        r, ints, bpc = parse_chord(s)
        root = in_range(bpc, 36, 47)
        # left hand: root - fifth - octave - tenth arpeggio in 8ths
        ct = [x for x in range(root + 1, root + 24) if (x - r) % 12 in [i % 12 for i in ints[:4]]]
        seq = [root, ct[1], ct[2], ct[3], ct[4] if len(ct) > 4 else ct[3] + 12, ct[3], ct[2], ct[1]]
        for i in range(8):
            p.note(0, bar * 4 + i * 0.5, 0.9 if i == 0 else 0.55, seq[i], 76 if i == 0 else 64 + (4 if i == 4 else 0))
        # right hand: chord on beat 1 (soft) + melody
        v = R.voice(s)
        p.chord(0, bar * 4, 1.8, v, 62, 0.01)
        p.chord(0, bar * 4 + 2, 1.8, v, 56, 0.01)
    def rh(rel):
        return [[(0, 1.5), (1.5, 0.5), (2, 1.0), (3, 1.0)], [(0, 0.5), (0.5, 0.5), (1, 2.0), (3, 0.5), (3.5, 0.5)], [(0, 1.0), (1, 1.0), (2, 2.0)], [(0.5, 0.5), (1.0, 1.0), (2, 1.5), (3.5, 0.5)]][rel % 4]
    melody_line(p, 0, ch, nb - 1, rh, 7, 'major', 71, 86, 92, start_bar=1, repeat_every=None, legato=1.0)
    ending(p, nb, [(0, [31, 43, 55, 59, 62, 67, 71], 3, 70)])

# =========================================================== 17 string quartet chorale 92
def string_chorale(p):
    # chord per half bar; hymn-like progression in F
    prog = ['F', 'C/E', 'Dm', 'Bb', 'F/C', 'C7', 'F', 'F', 'Bb', 'Gm/Bb', 'F/C', 'C', 'Dm', 'Am/C', 'Bb', 'C7',
            'F', 'C/E', 'Dm', 'Dm/C', 'Bb', 'Gm7', 'C7sus4', 'C7']
    nb = nbars_for(p)
    p.inst(0, 40, 100, 44, 70); p.inst(1, 40, 92, 54, 70); p.inst(2, 41, 92, 74, 70); p.inst(3, 42, 100, 84, 70)
    import math
    sc = scale_notes(5, 'major', 55, 86)
    H = nb * 2
    # pass 1: soprano line (chord tone near a gently rising/falling contour, stepwise preferred)
    sops, sop_prev = [], 72
    for h in range(H):
        r, ints, bpc = parse_chord(prog[h % len(prog)])
        pcs = [(r + i) % 12 for i in ints]
        target = 74 + 4 * math.sin(h * 2 * math.pi / 12)
        cands = [x for x in range(67, 82) if x % 12 in pcs]
        sop = min(cands, key=lambda x: abs(x - sop_prev) + 0.6 * abs(x - target) + (1.5 if x == sop_prev else 0) + 0.5 * p.rng.random())
        sops.append(sop); sop_prev = sop
    sops.append(77)
    for h in range(H):
        s_ = prog[h % len(prog)]
        r, ints, bpc = parse_chord(s_)
        pcs = [(r + i) % 12 for i in ints[:3]] + ([(r + ints[3]) % 12] if len(ints) > 3 else [])
        bass = in_range(bpc, 41, 52)
        sop = sops[h]
        need = [pc for pc in pcs if pc not in (sop % 12, bass % 12)] or [r]
        alt_c = [x for x in range(sop - 9, sop) if x % 12 in pcs]
        alto = max([x for x in alt_c if x % 12 in need] or alt_c)
        ten_c = [x for x in range(max(bass + 3, 48), alto) if x % 12 in pcs]
        rest = [x for x in ten_c if x % 12 not in (alto % 12, sop % 12)] or ten_c or [alto - 5]
        tenor = max(rest)
        b = h * 2
        vel = 72 + (10 if h % 4 == 0 else 0) + int(8 * math.sin(h / 3))
        last = (h % 8 == 7)  # cadence: hold a half note
        # soprano: quarter-note motion (passing tone toward the next note, or a chord-tone leap)
        nxt = sops[h + 1]
        if last:
            p.note(0, b, 1.95, sop, vel + 5)
        else:
            between = [x for x in sc if min(sop, nxt) < x < max(sop, nxt)]
            if between:
                s2 = between[len(between) // 2]
            else:
                oth = [x for x in range(sop - 5, sop + 6) if x % 12 in pcs and x != sop]
                s2 = min(oth, key=lambda x: abs(x - sop)) if oth else sop
            p.note(0, b, 0.95, sop, vel + 5); p.note(0, b + 1, 0.95, s2, vel)
        p.note(1, b, 1.95, alto, vel - 5)
        # tenor: re-strike or move to another chord tone on beat 2 every other half-bar
        if h % 2 == 0 and not last:
            t2 = [x for x in ten_c if x != tenor and abs(x - tenor) <= 5]
            p.note(2, b, 0.95, tenor, vel - 5); p.note(2, b + 1, 0.95, t2[0] if t2 else tenor, vel - 8)
        else:
            p.note(2, b, 1.95, tenor, vel - 5)
        # bass: passing tone on beat 2 when the next bass is a third away, else octave/fifth motion
        nbp = in_range(parse_chord(prog[(h + 1) % len(prog)])[2], 41, 52)
        if not last and abs(nbp - bass) in (3, 4):
            p.note(3, b, 0.95, bass, vel)
            p.note(3, b + 1, 0.95, bass + (2 if nbp > bass else -2) if abs(nbp - bass) == 4 else bass + (1 if nbp > bass else -1) * 2, vel - 8)
        else:
            p.note(3, b, 1.95, bass, vel)
    p.note(0, nb * 4, 3, 77, 80); p.note(1, nb * 4, 3, 69, 72); p.note(2, nb * 4, 3, 60, 72); p.note(3, nb * 4, 3, 41, 80)
    p.end_beat = nb * 4

# =========================================================== 18 folk fingerpicking 108
def folk(p):
    prog = ['E', 'A/E', 'C#m', 'B', 'A', 'E/G#', 'F#m7', 'B7sus4', 'E', 'C#m7', 'A', 'B']
    ch = lambda b: prog[b % len(prog)]
    nb = nbars_for(p)
    p.inst(0, 25, 110, 60, 50); p.inst(1, 25, 75, 70, 50)
    for bar in range(nb):
        s = ch(bar)
        r, ints, bpc = parse_chord(s)
        root = in_range(bpc, 40, 51)
        ctb = [x for x in range(root - 7, root + 10) if (x - r) % 12 in [i % 12 for i in ints[:3]] and x != root]
        alt_bass = min(ctb, key=lambda x: abs(x - (root + 7)))
        hi = voicing(s, 59, 71, None, n=3)
        # Travis picking: thumb alternates on beats, fingers on offbeats
        for beat in range(4):
            thumb = root if beat % 2 == 0 else alt_bass
            p.note(0, bar * 4 + beat, 0.9, thumb, 80 if beat == 0 else 70)
            p.note(0, bar * 4 + beat + 0.5, 0.45, hi[(beat + 1) % 3] + (12 if beat == 1 else 0) * 0, 62)
            if beat in (0, 2):
                p.note(0, bar * 4 + beat, 0.9, hi[-1], 66)
            if beat == 3:
                p.note(0, bar * 4 + beat + 0.75, 0.2, hi[0], 52)
        # second guitar melody from bar 4 (ornaments, slides-like grace)
    def rh(rel):
        return [[(0, 1.0), (1, 0.5), (1.5, 0.5), (2, 1.5), (3.5, 0.5)], [(0, 0.5), (0.5, 0.5), (1.0, 1.0), (2.5, 1.5)]][rel % 2]
    melody_line(p, 1, ch, nb - 4, rh, 4, 'major', 71, 88, 82, start_bar=4, repeat_every=4)
    ending(p, nb, [(0, [40, 47, 52, 56, 59, 64], 3, 85)])

# =========================================================== 19 rock 150
def rock(p):
    prog = ['Ab', 'Eb', 'Fm', 'Db', 'Ab', 'Eb/G', 'Fm', 'Db', 'Bbm7', 'Db', 'Eb', 'Eb']
    ch = lambda b: prog[(b - 2) % len(prog)] if b >= 2 else 'Ab'
    nb = nbars_for(p)
    p.inst(9, 16, 105); p.inst(1, 34, 110, 64, 15); p.inst(2, 29, 82, 35, 30); p.inst(3, 30, 72, 95, 30)
    p.inst(4, 18, 55, 64, 50)
    B = Bass(p, 1, 32)
    for bar in range(nb):
        s = ch(bar)
        r, ints, bpc = parse_chord(s)
        root = in_range(r, 40, 51)
        pw = [root, root + 7, root + 12]
        # rhythm guitar 8th chugs with accents (intro 2 bars alone)
        for i in range(8):
            acc = i in (0, 3, 6) 
            p.chord(2, bar * 4 + i * 0.5, 0.4 if acc else 0.22, pw, 100 if acc else 78, 0.004)
        if bar < 2:
            continue
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', HH, {'x': 80})
        p.pat(9, bar, 'X.....X.X.....x.' if bar % 2 == 0 else 'X.....X.X..x....', KICK, {'X': 115, 'x': 95})
        p.pat(9, bar, '....X.......X...', SN, {'X': 118})
        p.pat(9, bar, '.......g........', SN, {'g': 40})
        if bar % 4 == 1:
            p.pat(9, bar, '........XXxxXXxx', TOMS[1], {'X': 105, 'x': 100})
            p.pat(9, bar, '............XXXX', TOMS[4], {'X': 108})
        if bar % 4 == 2:
            crash(p, bar * 4, 110)
        B.play(bar, s, ch(bar + 1), [(i * 0.5, 0.42, 'R' if i < 7 else 'N', 100 if i % 2 == 0 else 88) for i in range(8)])
        # lead guitar line
        if bar >= 6:
            ct = [x for x in range(64, 84) if (x - r) % 12 in [i % 12 for i in ints]]
            for i, (b, d) in enumerate([(0, 1), (1, 0.5), (1.5, 0.5), (2, 1.5), (3.5, 0.5)] if bar % 2 == 0 else [(0, 0.5), (0.5, 0.5), (1, 1.0), (2.5, 1.5)]):
                p.note(3, bar * 4 + b, d * 0.95, ct[(i + bar) % len(ct)], 90)
        p.chord(4, bar * 4, 3.9, voicing(s, 56, 70), 60)
    ending(p, nb, [(1, [32], 2, 110), (2, [44, 51, 56], 2, 110), (3, [68, 75], 2, 95), (9, [KICK, CRASH], 1.5, 115)])

# =========================================================== 20 punk 190
def punk(p):
    prog = ['G#5', 'E5', 'B5', 'F#5', 'G#5', 'E5', 'B5', 'C#5']
    ch = lambda b: prog[((b - 1) // 2) % len(prog)] if b >= 1 else 'G#5'
    nb = nbars_for(p)
    p.inst(9, 16, 110); p.inst(1, 34, 110, 64, 10); p.inst(2, 30, 85, 30, 25); p.inst(3, 30, 80, 100, 25)
    p.inst(4, 29, 70, 64, 40)
    B = Bass(p, 1, 28)
    for bar in range(nb):
        s = ch(bar)
        # intro: 1 bar drums alone (hi-hat/snare pickup pattern)
        if bar == 0:
            p.pat(9, 0, 'X.x.X.x.X.X.XXXX', SN, {'X': 110, 'x': 70})
            p.pat(9, 0, 'X.......X.......', KICK, {'X': 110})
            p.pat(9, 0, 'x...x...x...x...', HH, {'x': 80})
            continue
        p.pat(9, bar, 'x.x.x.x.x.x.x.x.', HH if bar < 9 else RIDE, {'x': 85})
        if bar < 9:   # verse: straight fast rock beat, snare on 2 and 4
            p.pat(9, bar, 'X.......X.x.....' if bar % 2 else 'X.......X.....x.', KICK, {'X': 115, 'x': 95})
            p.pat(9, bar, '....X.......X...', SN, {'X': 118})
        else:         # chorus: double-time "skate" beat, kick on beats, snare on every off-beat
            p.pat(9, bar, 'X...X...X...X...', KICK, {'X': 115})
            p.pat(9, bar, '..X...X...X...X.', SN, {'X': 112})
        if bar % 8 == 0:
            p.pat(9, bar, '........XXXXXXXX', SN, {'X': 110})
        if bar % 8 == 1:
            crash(p, bar * 4, 115)
        r, ints, bpc = parse_chord(s)
        root = in_range(bpc, 40, 51)
        for i in range(8):
            p.chord(2, bar * 4 + i * 0.5, 0.42, [root, root + 7, root + 12], 100 if i % 4 == 0 else 88)
            p.chord(3, bar * 4 + i * 0.5, 0.42, [root + 12, root + 19], 90)
        B.play(bar, s, ch(bar + 1), [(i * 0.5, 0.42, 'R', 105 if i % 2 == 0 else 92) for i in range(8)])
        if bar >= 9:
            mel = [root + 24, root + 24 + 2, root + 24 + 4 - (1 if bar % 4 == 0 else 0), root + 24 + 7]
            for i, b in enumerate([0, 1, 2, 3]):
                p.note(4, bar * 4 + b, 0.9, mel[(i + bar) % 4] - 12, 88)
    ending(p, nb, [(1, [32], 2, 115), (2, [44, 51, 56], 2, 115), (3, [56, 63], 2, 100), (9, [KICK, CRASH], 1.5, 120)])

PIECES = [
    ('reggae_onedrop', 72, 'reggae one-drop', reggae_onedrop),
    ('roots_reggae', 80, 'roots rock reggae', roots_reggae),
    ('afrobeats', 102, 'afrobeats', afrobeats),
    ('highlife', 120, 'highlife', highlife),
    ('funk', 96, 'funk', funk),
    ('disco', 118, 'disco', disco),
    ('deep_house', 122, 'deep house', deep_house),
    ('techno', 132, 'techno', techno),
    ('uk_garage', 134, 'UK garage 2-step', ukg),
    ('drum_and_bass', 172, 'drum and bass', dnb),
    ('samba', 98, 'samba', samba),
    ('bossa_nova', 140, 'bossa nova', bossa),
    ('cumbia', 94, 'cumbia', cumbia),
    ('reggaeton', 92, 'reggaeton / dembow', reggaeton),
    ('trap', 70, 'trap (half-time feel, snare on 3)', trap),
    ('piano_ballad', 66, 'soft piano ballad', piano_ballad),
    ('string_chorale', 92, 'string quartet chorale', string_chorale),
    ('folk_fingerpicking', 108, 'acoustic fingerpicking folk', folk),
    ('rock', 150, 'rock', rock),
    ('punk', 190, 'punk', punk),
]
