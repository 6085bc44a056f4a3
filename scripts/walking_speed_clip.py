#!/usr/bin/env python3
"""The PETS clip as real city CCTV films real walkers: 1440x1080 H.264 at 25 fps, people at their own speed.

    .venv/bin/python scripts/walking_speed_clip.py                 # -> out/pets_1440x1080_25fps_walking.mp4
    .venv/bin/python scripts/walking_speed_clip.py --frames 60 --out /tmp/short.mp4

The 1440x1080 copy in ``../shared`` declares 25 fps for frames captured at 7 fps, so its people move
3.6 times as far per second as real walkers and the detection pacer detects it far more often than
real footage. This script makes the frames between: the 7 fps capture is motion-interpolated by
FFmpeg's ``minterpolate`` (motion-compensated, as PyAV's FFmpeg has it) to 25 fps, scaled to
1440x1080 (bicubic) and encoded like the shared copy (libx264 veryfast, CRF 23, a keyframe every
2 s, B-frames). The people, their paths and so the line crossings are the capture's: the PETS ground
truth and the config's lines hold, scaled by 1.875 (``bench.py --scale 1.875``). About 6 minutes
on 2 cores. The README's 1080p section measures the default on it.

``--repeat-frames`` makes the same 25 fps clip by repeating each captured frame instead of inventing
the ones between (FFmpeg's ``fps`` filter): real pictures, uneven steps; under a minute.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CROWDCOUNT_SHARED", ROOT.parent / "shared"))
CAPTURE = SHARED / "footage" / "pets09_s2l1" / "vtest.avi"
CAPTURE_FPS = 7  # PETS S2.L1's real frame rate (the AVI declares 10)
FPS, WIDTH, HEIGHT = 25, 1440, 1080
INTERPOLATION = "fps=25:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1"
ENCODING = {"preset": "veryfast", "crf": "23", "g": str(2 * FPS)}


def make_clip(capture: Path, out: Path, frames: int | None = None, repeat: bool = False) -> int:
    """Write the interpolated clip (``repeat``: frames repeated); the number of frames written."""
    import av
    import av.filter

    written = 0
    with av.open(str(capture)) as source, av.open(str(out), "w") as target:
        stream = source.streams.video[0]
        graph = av.filter.Graph()
        chain = [
            graph.add_buffer(template=stream),
            graph.add("setpts", f"N/{CAPTURE_FPS}/TB"),
            graph.add("fps", str(FPS)) if repeat else graph.add("minterpolate", INTERPOLATION),
            graph.add("scale", f"{WIDTH}:{HEIGHT}:flags=bicubic"),
            graph.add("buffersink"),
        ]
        for before, after in itertools.pairwise(chain):
            before.link_to(after)
        graph.configure()
        encoder = target.add_stream("libx264", rate=FPS, options=ENCODING)
        encoder.width, encoder.height, encoder.pix_fmt = WIDTH, HEIGHT, "yuv420p"

        def encode_ready() -> None:
            nonlocal written
            while True:
                try:
                    frame = graph.pull()
                except (av.BlockingIOError, av.EOFError):
                    return
                assert isinstance(frame, av.VideoFrame)
                frame.pts = None  # the encoder numbers the frames at 25 fps
                target.mux(encoder.encode(frame))
                written += 1

        for index, frame in enumerate(source.decode(stream)):
            if frames is not None and index >= frames:
                break
            graph.push(frame)
            encode_ready()
        graph.push(None)
        encode_ready()
        target.mux(encoder.encode(None))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--capture", type=Path, default=CAPTURE, help="the 7 fps PETS S2.L1 capture")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "pets_1440x1080_25fps_walking.mp4")
    parser.add_argument("--frames", type=int, default=None, help="only the first N frames of the capture")
    parser.add_argument("--repeat-frames", action="store_true", help="repeat frames instead of interpolating")
    args = parser.parse_args()
    if not args.capture.is_file():
        sys.exit(f"walking_speed_clip: {args.capture} not found; pass --capture or set CROWDCOUNT_SHARED")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = make_clip(args.capture, args.out, args.frames, args.repeat_frames)
    took = time.perf_counter() - started
    print(f"{args.out}: {written} frames at {FPS} fps, {WIDTH}x{HEIGHT}, in {took:.0f} s")


if __name__ == "__main__":
    main()
