#!/usr/bin/env python3
"""Reference decoders beside Caliber's badge reader: zxing-cpp and zbar (pyzbar) over the same
images. Prints read rate, wrong texts (decoded, but not the expected text), median and p95
milliseconds per image for each folder given. Times are the thread's CPU time, as in the
Rust benchmark, so other work on a shared machine does not inflate them.

Usage: reference.py DIR [DIR...]   (each image N.ext has its expected text in N.txt; folders
are searched recursively; each row is named after its folder)
"""
import pathlib
import statistics
import sys
import time

from PIL import Image
import zxingcpp
from pyzbar import pyzbar

EXTS = {".png", ".jpg", ".jpeg", ".webp"}


def images(root):
    for p in sorted(pathlib.Path(root).rglob("*")):
        if p.suffix.lower() in EXTS and p.with_suffix(".txt").exists():
            yield p, p.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")


def zxing(img):
    res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.text for r in res]


def zbar(img):
    return [r.data.decode("utf-8", errors="replace") for r in pyzbar.decode(img, symbols=[pyzbar.ZBarSymbol.QRCODE])]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * q))] if xs else 0.0


def main(dirs):
    print(f"| {'set':<40} | {'decoder':<9} | {'images':>6} | {'read':>7} | {'wrong':>5} | {'med ms':>8} | {'p95 ms':>8} |")
    for d in dirs:
        items = [(p, t, Image.open(p).convert("L")) for p, t in images(d)]
        for name, fn in (("zxing-cpp", zxing), ("zbar", zbar)):
            ok, wrong, times = 0, 0, []
            for _, expected, img in items:
                t0 = time.thread_time()
                try:
                    got = fn(img)
                except Exception:  # a reference decoder failing counts as not read
                    got = []
                times.append((time.thread_time() - t0) * 1000)
                ok += expected in got
                wrong += bool(got) and expected not in got
            rate = 100.0 * ok / max(1, len(items))
            label = pathlib.Path(d).name
            print(f"| {label:<40} | {name:<9} | {len(items):>6} | {rate:>6.1f}% | {wrong:>5} | {statistics.median(times) if times else 0:>8.2f} | {pct(times, 0.95):>8.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:] or ["../shared/qr-corpus"])
