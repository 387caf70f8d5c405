#!/usr/bin/env python3
# OpenCV's trackers for skyfeed's tracking bench (bench/tracking/opencv.ts).
# Usage: opencv-tracker.py KCF|CSRT WIDTH HEIGHT X Y W H
# Reads raw RGB24 frames (WIDTH*HEIGHT*3 bytes each) from stdin; the first
# frame initialises the tracker on the box, every later one is an update.
# Writes one line per frame: "ok x y w h ms" (ms: the init/update call alone,
# not the colour conversion), or "error <text>" and exits 2.
import sys
import time

try:
    import cv2
    import numpy as np
except Exception as e:  # reported, not raised: the bench notes it and goes on
    print(f"error import: {e}", flush=True)
    sys.exit(2)


def make(kind):
    if kind == "KCF":
        return cv2.TrackerKCF_create()
    if kind == "CSRT":
        return cv2.TrackerCSRT_create()
    raise ValueError(f"unknown tracker {kind}")


def main():
    kind = sys.argv[1]
    w, h = int(sys.argv[2]), int(sys.argv[3])
    box = tuple(int(round(float(v))) for v in sys.argv[4:8])
    cv2.setNumThreads(1)  # one core, as our trackers get
    tracker = make(kind)
    size = w * h * 3
    stdin = sys.stdin.buffer
    first = True
    print(f"version {cv2.__version__}", flush=True)
    while True:
        buf = stdin.read(size)
        if not buf or len(buf) < size:
            break
        rgb = np.frombuffer(buf, dtype=np.uint8).reshape((h, w, 3))
        bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
        t0 = time.perf_counter()
        if first:
            tracker.init(bgr, box)
            ok, b = True, box
            first = False
        else:
            ok, b = tracker.update(bgr)
        ms = (time.perf_counter() - t0) * 1000
        x, y, bw, bh = (float(v) for v in b)
        print(f"{1 if ok else 0} {x:.2f} {y:.2f} {bw:.2f} {bh:.2f} {ms:.3f}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        print(f"error {e}", flush=True)
        sys.exit(2)
