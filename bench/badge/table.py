#!/usr/bin/env python3
"""One table from a badge benchmark run: Caliber's rows (cargo bench output) with zxing-cpp's
and zbar's read rate and wrong texts on the same files (reference.py output) beside each.

Usage: table.py CALIBER_OUTPUT REFERENCE_OUTPUT
"""
import sys


def rows(path):
    """The cells of every table row in a file, header and rule lines left out."""
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] not in ("set", "") and not cells[0].startswith("-"):
            yield cells


def main(caliber, reference):
    refs = {}
    for name, decoder, _images, read, wrong, median, _p95 in rows(reference):
        refs[(name, decoder)] = (read, wrong, median)
    print("| set | frames | Caliber read | wrong | med ms | p95 ms "
          "| zxing-cpp read | wrong | med ms | zbar read | wrong |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, frames, read, wrong, median, p95 in rows(caliber):
        # Synthetic rows are "clean 640x480", their folders clean_640x480; the corpus rows
        # "qr-corpus, stream mode" and "qr-corpus, exhaustive" share the corpus folder.
        key = name.split(",")[0] if name.startswith("qr-corpus") else name.replace(" ", "_")
        z = refs.get((key, "zxing-cpp"), ("–", "–", "–"))
        b = refs.get((key, "zbar"), ("–", "–", "–"))
        print(f"| {name} | {frames} | {read} | {wrong} | {median} | {p95} "
              f"| {z[0]} | {z[1]} | {z[2]} | {b[0]} | {b[1]} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
