"""Commands that place lines and serve pages: ``check``, ``setup``, ``live``, ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crowdcount.cli.common import (
    CamerasOption,
    ConfigOption,
    DbOption,
    HostOption,
    ImgszOption,
    LangOption,
    ModelOption,
    PortOption,
    StoreOption,
    TokenOption,
    app,
    base_url,
    cameras_to_count,
    check_listen,
    console,
    options_for,
    serve_monitor,
    timezone_named,
)
from crowdcount.errors import CrowdcountError
from crowdcount.paths import CHECK_OUT, DEFAULT_OUT, folder_to_be

if TYPE_CHECKING:
    pass


@app.command(epilog="Example: crowdcount init /mnt/festival-2026 --out site.yaml")
def init(
    folder: Annotated[
        Path, typer.Argument(help="The folder of recordings: a sub-folder per camera, or files.")
    ],
    out: Annotated[Path, typer.Option(help="The site YAML to write (never over an existing file).")] = Path(
        "site.yaml"
    ),
    tz: Annotated[str, typer.Option("--tz", help="The site's timezone (IANA name).")] = "Asia/Seoul",
) -> None:
    """Write a commented site YAML from a folder of recordings: a camera per sub-folder (else per
    file-name prefix, else per file), start times from file names or containers, the period and opening
    hours guessed from the footage and marked 'check'. Cameras start without lines: draw them with
    'crowdcount setup'."""
    from crowdcount.setup.starter import filmed_words, write_starter

    site = write_starter(folder, out, timezone_named(tz))
    for guess, filmed in site.cameras:
        console.print(f"camera {guess.id}: {filmed_words(guess, filmed)}", highlight=False, markup=False)
        for problem in filmed.unreadable:
            console.print(f"[yellow]warning[/] camera {guess.id}: {problem}", highlight=False)
    if site.period:
        console.print(f"period (guessed): {site.period[0]} to {site.period[1]}", highlight=False)
    if site.hours:
        console.print(f"opening hours (guessed): {site.hours[0]}-{site.hours[1]}", highlight=False)
    console.print(
        f"-> {out}: check what is marked 'check', then: crowdcount setup --config {out}", markup=False
    )


@app.command(epilog="Example: crowdcount check --config examples/pets09.yaml --out out/check")
def check(
    config: ConfigOption,
    camera: CamerasOption = None,
    seconds: Annotated[
        float, typer.Option(min=5, max=3600, help="Footage per camera: its first recording's first seconds.")
    ] = 120,
    out: Annotated[Path, typer.Option(help="Folder for <camera>.png and <camera>.paths.json.")] = CHECK_OUT,
    model: ModelOption = None,
    imgsz: ImgszOption = None,
    lang: Annotated[str, typer.Option(help="Messages and the picture's words: ko (default) or en.")] = "ko",
) -> None:
    """Check where the lines and zones are placed: count a sample of each camera's footage and print
    one warning line per finding, with what to do (a line or zone on the frame edge, people picked up at
    a line, people too small at it, a line along the flow, a zone over something that never moves,
    crossings that flicker, a line nobody crossed), and each line's in/out and zone's entries/exits in
    the sample. Writes the frame with the lines and zones (display names), sampled tracks and numbered
    warnings, and the paths people took, which the editor ('crowdcount setup') draws under the lines.
    A camera without lines yet is sampled for its paths. Exits 0 with warnings; non-zero only on errors."""
    from crowdcount.config import load_config
    from crowdcount.handover.labels import labels_for
    from crowdcount.setup.check import check_camera, check_lines, write_paths, write_picture

    labels_for(lang)  # an unknown language: one line, before any work
    site = load_config(config)
    cameras = [site.camera(c) for c in camera] if camera else site.cameras
    folder_to_be(out, "--out")
    options = options_for(site, model, imgsz, None, False)
    detector = options.detector.load()
    for cam in cameras:
        checked = check_camera(site, cam, detector, seconds, options.detector.imgsz, lang)
        picture, paths = write_picture(checked, out), write_paths(checked, out)
        typer.echo("\n".join(check_lines(cam, checked, lang)))
        typer.echo(f"  -> {picture}, {paths}")


@app.command(epilog="Example: crowdcount setup --config examples/pets09.yaml --camera pets-view1")
def setup(
    config: ConfigOption,
    camera: Annotated[
        str | None, typer.Option(help="The camera the page opens (default: the first).")
    ] = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8080,
    token: TokenOption = None,
    lang: LangOption = "ko",
    paths: Annotated[
        Path,
        typer.Option(help="The folder of check's <camera>.paths.json, drawn under the lines on request."),
    ] = CHECK_OUT,
) -> None:
    """Draw a camera's lines and zones in the browser (a tablet too), on a frame of its source (file,
    folder or stream), over the paths people took (from 'crowdcount check'): place and drag points, set
    each line's in-direction, names, groups and zone alert thresholds, the camera's display name, and
    save. A camera without lines may be saved (a draft). Unsaved work of each camera is kept while
    switching cameras. The config is checked as every command checks it before it is written, with its
    comments and order kept (the previous version stays beside it as SITE.yaml.bak)."""
    from crowdcount.server.app import create_editor_app
    from crowdcount.server.serve import serve_app
    from crowdcount.setup.editor import cameras_of, read_document

    check_listen(host, port, token, lang)
    document = read_document(config)  # a broken file stops here, not in the browser
    if camera is not None and camera not in {c["id"] for c in cameras_of(document)}:
        known = ", ".join(c["id"] for c in cameras_of(document))
        raise CrowdcountError(f"--camera {camera}: not in {config}; cameras: {known}")
    query = f"?camera={camera}" if camera else ""
    console.print(f"editor {base_url(host, port)}/setup{query}   (Ctrl-C stops)")
    serve_app(create_editor_app(config.resolve(), token, lang, paths), host, port)


@app.command(epilog="Example: crowdcount live --config festival-live.yaml --port 8000 --lang ko")
def live(
    config: ConfigOption,
    camera: CamerasOption = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Output folder (database).")] = DEFAULT_OUT,
    model: ModelOption = None,
    imgsz: ImgszOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "ko",
    preview_blur: Annotated[
        bool, typer.Option("--preview-blur", help="Blur people in the camera pictures the dashboard shows.")
    ] = False,
) -> None:
    """Count live streams (rtsp://, http(s)://, webcam index) and serve the API and dashboard.

    One process per camera reads the newest frame (no growing lag), reconnects with
    backoff when a stream drops and records the outage as a gap. Events go to the same
    store as batch mode, every second. Ctrl-C stops: open zone visits are closed and stored.
    """
    from crowdcount.config import load_config
    from crowdcount.server.live_site import counting_live, stream_cameras
    from crowdcount.store.events import EventStore

    site = load_config(config)
    cameras = stream_cameras(site, [c.id for c in cameras_to_count(site, camera, config)])
    check_listen(host, port, token, lang)
    options = options_for(site, model, imgsz, 1, False)
    store = EventStore(db or out / "crowdcount.db")
    console.print(f"counting {len(cameras)} camera(s) live -> {store.shown_url}")
    with counting_live(site, cameras, store, options.detector, preview_blur) as (monitor, previews):
        try:
            serve_monitor(monitor, host, port, token, lang, config=config, previews=previews)
        finally:
            console.print("stopping cameras (storing what they counted)...")
    console.print(f"stored -> {store.shown_url}")


@app.command(epilog="Example: crowdcount serve --db out/crowdcount.db --config examples/pets09.yaml")
def serve(
    db: StoreOption,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Site YAML, for zone alert thresholds.")
    ] = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "ko",
) -> None:
    """Serve the live API and dashboard over a store (a finished batch run, or one being written)."""
    from crowdcount.config import alert_thresholds, load_config
    from crowdcount.server.monitor import Monitor
    from crowdcount.server.outputs import outputs_for
    from crowdcount.store.events import EventStore

    check_listen(host, port, token, lang)
    store = EventStore(db, create=False)
    site = load_config(config) if config else None
    monitor = Monitor(
        store,
        live=False,
        thresholds=alert_thresholds(site) if site else None,
        outputs=outputs_for(site),
    )
    serve_monitor(monitor, host, port, token, lang, config=config)
