"""Rendering (MIDI -> fluidsynth -> ffmpeg -> mono WAV) and the one sanity check shared by the four sets.

Two recipes, one per MIDI writer, each exactly the one its set was first made with:

  * `build_a` (midi_a: dance, world): fluidsynth -ni -g 0.7 -r 44100 with FluidR3_GM, then ffmpeg to
    mono s16 44.1 kHz cut at min(35 s, last beat + 2.5 s) with a 1.5 s fade-out. When the stereo
    render or the mono file peaks above 0.9, the piece is composed again from the same seed (same
    notes, same humanisation) with every channel volume scaled down, up to `attempts` times.
  * `build_b` (midi_b: styles, acoustic): same fluidsynth call, ffmpeg to mono s16 44.1 kHz cut at the
    last note-off + the song's tail (2 s) with a 0.4 s fade-out; the stereo render must peak below 0.99.

`check` folds the ad-hoc check scripts the sets were first made with into one test: not clipped,
not near silent, the file reaches the last annotated beat, and the onsets line up with the beat grid.
"""
import os, subprocess, tempfile, wave

import numpy as np

SF2 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
SR = 44100


def fluidsynth(mid, raw):
    subprocess.run(['fluidsynth', '-ni', '-g', '0.7', '-r', str(SR), '-F', raw, SF2, mid],
                   check=True, capture_output=True)


def read_wav(path):
    """all samples (channels interleaved) as floats in [-1, 1), and the channel count."""
    with wave.open(path) as w:
        nch = w.getnchannels()
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(float) / 32768
    return x, nch


def peak_of(path):
    return float(np.abs(read_wav(path)[0]).max())


def _raw_path(name):
    fd, raw = tempfile.mkstemp(prefix='heldout_more_%s_' % name, suffix='.wav')
    os.close(fd)
    return raw


def build_a(Piece, pieces, name, mid_dir, wav_dir, attempts):
    """pieces: [(name, bpm, style, fn)]; the seed is 1000 + the piece's index in that list."""
    i = [p[0] for p in pieces].index(name)
    _, bpm, style, fn = pieces[i]
    mid = os.path.join(mid_dir, name + '.mid')
    out = os.path.join(wav_dir, name + '.wav')
    raw = _raw_path(name)
    scale = 1.0
    try:
        for _ in range(attempts):
            p = Piece(name, bpm, style, seed=1000 + i)   # same seed -> identical notes each attempt
            fn(p)
            p.vol_scale = scale
            p.render_midi(mid)
            fluidsynth(mid, raw)
            beats, downs = p.truth()
            end = min(35.0, beats[-1] + 2.5)
            subprocess.run(['ffmpeg', '-y', '-loglevel', 'error', '-i', raw, '-t', f'{end:.3f}',
                            '-af', f'afade=t=out:st={end - 1.5:.3f}:d=1.5', '-ac', '1', '-ar', str(SR),
                            '-sample_fmt', 's16', out], check=True)
            pk = max(peak_of(raw), peak_of(out))
            if pk <= 0.9:
                break
            scale *= (0.85 / pk) ** 0.5
    finally:
        if os.path.exists(raw):
            os.remove(raw)
    truth = dict(file=f'wav/{name}.wav', bpm=bpm, style=style, meter=p.meter, beats=beats, downbeats=downs)
    return truth, '%d/4' % p.meter


def build_b(fn, mid_dir, wav_dir):
    """fn() -> a composed midi_b.Song."""
    s = fn()
    name = s.name
    mid = os.path.join(mid_dir, name + '.mid')
    out = os.path.join(wav_dir, name + '.wav')
    s.write(mid)
    raw = _raw_path(name)
    try:
        fluidsynth(mid, raw)
        subprocess.run(['ffmpeg', '-y', '-loglevel', 'error', '-i', raw, '-ac', '1', '-ar', str(SR),
                        '-t', f'{s.end_time:.3f}', '-af', f'afade=t=out:st={s.end_time - 0.4:.3f}:d=0.4',
                        '-c:a', 'pcm_s16le', out], check=True)
        st_peak = peak_of(raw)
    finally:
        if os.path.exists(raw):
            os.remove(raw)
    assert st_peak < 0.99, (name, st_peak)
    beats, downs = s.truth()
    truth = {'file': f'wav/{name}.wav', 'bpm': s.bpm, 'style': s.style, 'meter': s.meter,
             'beats': beats, 'downbeats': downs}
    return truth, '%d/%d' % s.timesig


def check(path, beats, max_lag=0.030):
    """(stats, problems) for one rendered piece: peak, RMS, duration, and the lag (-80..+80 ms) at which
    a spectral-flux onset curve sampled on the truth beats is strongest. Problems: clipped (peak >= 0.99),
    near silent (RMS < 0.005), shorter than the last beat, |lag| > max_lag. A bowed or swelling sound
    (string chorales, log drums) may lag on its own; that is a note to read, not a failed build."""
    x, nch = read_wav(path)
    if nch > 1:
        x = x.reshape(-1, nch).mean(1)
    dur = len(x) / SR
    peak = float(np.abs(x).max())
    rms = float(np.sqrt((x ** 2).mean()))
    hop, n = 128, 1024
    fr = np.lib.stride_tricks.sliding_window_view(np.pad(x, (n // 2, n)), n)[::hop] * np.hanning(n)
    S = np.log1p(100 * np.abs(np.fft.rfft(fr, axis=1)))
    d = np.concatenate([[0], np.maximum(0, np.diff(S, axis=0)).sum(1)])
    d /= d.max() + 1e-9
    b = np.asarray(beats)
    lags = np.arange(-80, 81) / 1000.0
    sc = []
    for L in lags:
        idx = np.round((b + L) * SR / hop).astype(int)
        idx = idx[(idx >= 0) & (idx < len(d))]
        sc.append(d[idx].mean() if len(idx) else 0.0)
    lag = float(lags[int(np.argmax(sc))])
    problems = []
    if peak >= 0.99:
        problems.append('clipped (peak %.3f)' % peak)
    if rms < 0.005:
        problems.append('near silent (RMS %.4f)' % rms)
    if dur < b[-1]:
        problems.append('ends at %.2f s, before the last beat %.2f s' % (dur, b[-1]))
    if abs(lag) > max_lag:
        problems.append('onsets %+.0f ms off the beat grid' % (1000 * lag))
    return dict(dur=dur, peak=peak, rms=rms, lag=lag), problems
