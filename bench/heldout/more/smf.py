"""What every held-out set's MIDI writer shares (make_set.py's too)."""


def vlq(n):
    """A standard MIDI file's variable-length quantity: 7 bits a byte, high bit set on all but the last."""
    n = max(0, int(n))
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))
