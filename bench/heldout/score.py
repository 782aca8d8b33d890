#!/usr/bin/env python3
"""Score framefleet's beat tracker on the held-out set.

usage: python3 score.py [--cli PATH] [--keep DIR] [piece ...]      (no pieces: all of truth.json)

For each piece runs `node CLI analyze beats WAV --json` (one at a time) and prints
  true bpm, reported bpm, tempo ok (within 4 %), beat F (+-70 ms, one-to-one matching),
  downbeat F (+-70 ms), and a note: the tempo ratio when the tempo is wrong (x2, x1/2, x3/2, x2/3 ...),
  "OFF-BEAT" when the beats sit half a beat off (beat F low, F against the true beats shifted by
  half a beat high), and the metrical level the beats match otherwise (double / half / third ...).
"""
import argparse, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# Rendered pieces, MIDI and truth.json go here (ignored by git), not beside the scripts.
OUT = os.environ.get('HELDOUT_DIR', os.path.join(REPO, 'bench', '.work', 'heldout'))
WIN = 0.070


def fmeasure(ref, est, win=WIN):
    """F-measure with one-to-one matching within +-win (greedy in time order, optimal on a line)."""
    ref, est = sorted(ref), sorted(est)
    if not ref and not est:
        return 1.0
    if not ref or not est:
        return 0.0
    i = j = m = 0
    while i < len(ref) and j < len(est):
        d = est[j] - ref[i]
        if abs(d) <= win:
            m += 1; i += 1; j += 1
        elif d < 0:
            j += 1
        else:
            i += 1
    if m == 0:
        return 0.0
    p, r = m / len(est), m / len(ref)
    return 2 * p * r / (p + r)


def midpoints(b):
    return [(x + y) / 2 for x, y in zip(b, b[1:])]


def subdivide(b, k):
    out = []
    for x, y in zip(b, b[1:]):
        out += [x + (y - x) * i / k for i in range(k)]
    return out + b[-1:]


RATIOS = [(2, 'x2'), (0.5, 'x1/2'), (1.5, 'x3/2'), (2 / 3, 'x2/3'), (3, 'x3'), (1 / 3, 'x1/3'),
          (4, 'x4'), (0.25, 'x1/4'), (4 / 3, 'x4/3'), (0.75, 'x3/4')]


def ratio_label(r):
    for v, lab in RATIOS:
        if abs(r / v - 1) <= 0.04:
            return lab
    return 'x%.3f' % r


def diagnose(t, est, f):
    """what the estimated beats line up with, when not the true beats."""
    ref = t['beats']
    cands = [('OFF-BEAT (half a beat late/early)', midpoints(ref))]
    cands.append(('double time (beats + off-beats)', subdivide(ref, 2)))
    cands.append(('triple subdivision', subdivide(ref, 3)))
    for ph in range(2):
        cands.append(('half time, beats %s' % ('1,3..' if ph == 0 else '2,4..'), ref[ph::2]))
    for ph in range(3):
        cands.append(('third time, beat %d of 3' % (ph + 1), ref[ph::3]))
    for ph in range(2):
        cands.append(('half time on the off-beats (%s)' % ('1&,3&..' if ph == 0 else '2&,4&..'), midpoints(ref)[ph::2]))
    best = max(((fmeasure(c, est), name) for name, c in cands), key=lambda z: z[0])
    if best[0] > max(0.6, f + 0.2):
        return '%s F=%.2f' % (best[1], best[0])
    return ''


def run_cli(cli, wav, keep=None):
    t0 = time.time()
    p = subprocess.run(['node', cli, 'analyze', 'beats', wav, '--json', '-q'], capture_output=True, text=True)
    dt = time.time() - t0
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = {'type': 'error', 'message': (p.stderr or p.stdout).strip()[-300:]}
    if keep:
        slim = {k: v for k, v in out.items() if k not in ('energy', 'onset')}
        with open(os.path.join(keep, os.path.basename(wav)[:-4] + '.json'), 'w') as f:
            json.dump(slim, f, indent=1)
    return out, dt, p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('pieces', nargs='*')
    ap.add_argument('--cli', default=os.path.join(REPO, 'dist', 'cli', 'index.js'))
    ap.add_argument('--truth', default=os.path.join(OUT, 'truth.json'))
    ap.add_argument('--keep', help='write each (slimmed) CLI result here')
    a = ap.parse_args()
    truth = json.load(open(a.truth))
    names = a.pieces or list(truth)
    bad = [n for n in names if n not in truth]
    if bad:
        sys.exit('unknown piece(s): %s' % ' '.join(bad))
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    T0 = time.time()
    print('%-15s %5s %6s %7s %3s %5s %5s %4s %5s  %s' % ('piece', 'meter', 'true', 'found', 'ok', 'beatF', 'downF', 'bpb', 'sec', 'note'))
    n_ok = 0
    fs, dfs = [], []
    for name in names:
        t = truth[name]
        wav = os.path.join(OUT, t['file'])
        out, dt, rc = run_cli(a.cli, wav, a.keep)
        tempo = out.get('tempo', out.get('bpm'))
        beats = out.get('beats') or []
        downs = out.get('downbeats') or []
        if tempo is None:
            print('%-15s %5s %6.1f %7s %3s %5.2f %5s %4s %5.1f  no tempo (rc %d) %s' % (
                name, t['time_signature'], t['bpm'], '-', 'no', 0.0, '-', '-', dt, rc,
                out.get('message', '')[:120]))
            fs.append(0.0); dfs.append(0.0)
            continue
        ok = abs(tempo / t['bpm'] - 1) <= 0.04
        n_ok += ok
        f = fmeasure(t['beats'], beats)
        df = fmeasure(t['downbeats'], downs)
        fs.append(f); dfs.append(df)
        notes = []
        if not ok:
            notes.append('tempo %s' % ratio_label(tempo / t['bpm']))
        d = diagnose(t, beats, f)
        if d:
            notes.append(d)
        if out.get('beatsPerBar') and out['beatsPerBar'] != t['meter']:
            notes.append('bar %d vs %d' % (out['beatsPerBar'], t['meter']))
        if out.get('tempoChanges'):
            notes.append('tempo changes: ' + ', '.join('%.1fs %.0f' % (c['at'], c['tempo']) for c in out['tempoChanges']))
        print('%-15s %5s %6.1f %7.1f %3s %5.2f %5.2f %4s %5.1f  %s' % (
            name, t['time_signature'], t['bpm'], tempo, 'yes' if ok else 'NO', f, df, out.get('beatsPerBar') or '-',
            dt, '; '.join(notes)))
        sys.stdout.flush()
    m = len(names)
    print('\ntempo right %d of %d; mean beat F %.3f; mean downbeat F %.3f; beat F >= 0.8 in %d of %d; wall %.1f s' % (
        n_ok, m, sum(fs) / m, sum(dfs) / m, sum(x >= 0.8 for x in fs), m, time.time() - T0))


if __name__ == '__main__':
    main()
