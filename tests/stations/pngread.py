"""Just enough of a PNG decoder (greyscale, 1 or 8 bits, non-interlaced) to read a QR code's modules back.

Reading the image, rather than checking a few header bytes, is what shows that a code scans as the
link it should: the modules sampled from the pixels must equal those of the expected content.
"""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(data):
    """(width, height, rows): rows of 0 (dark) / 1 (light) per pixel; checks signature, chunk CRCs and IEND."""
    assert data[:8] == SIGNATURE, "not a PNG"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert colour == 0 and depth in (1, 8) and interlace == 0, (colour, depth, interlace)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = (width * depth + 7) // 8
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous)
        rows.append([_pixel(line, x, depth) for x in range(width)])
        previous = line
    return width, height, rows


def modules(data, size, border):
    """The size×size modules of a QR code drawn with a `border`-module quiet zone: True where dark."""
    width, height, rows = read_png(data)
    assert width == height and width % (size + 2 * border) == 0, (width, size, border)
    scale = width // (size + 2 * border)
    centre = scale // 2
    return [[rows[(border + r) * scale + centre][(border + c) * scale + centre] == 0 for c in range(size)]
            for r in range(size)]


def _pixel(line, x, depth):
    if depth == 8:
        return 0 if line[x] < 128 else 1
    return (line[x // 8] >> (7 - x % 8)) & 1


def _unfilter(kind, line, previous):
    for i in range(len(line)):
        left = line[i - 1] if i else 0
        up, up_left = previous[i], previous[i - 1] if i else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - up_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
    return line
