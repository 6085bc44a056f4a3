"""What the commands share: the app, the consoles, the options, progress bars and the messages
they print alike."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from crowdcount.datatypes import CountEvent, FrameInfo
from crowdcount.errors import CrowdcountError
from crowdcount.progress import LoggedProgress, every_s, live_status_line

if TYPE_CHECKING:
    import pandas as pd

    from crowdcount.batch.recording import FileOutcome, Recording, RunOptions
    from crowdcount.config import CameraConfig, SiteConfig
    from crowdcount.detect.models import ModelChoice
    from crowdcount.live.preview import PreviewBoard
    from crowdcount.server.monitor import Monitor
    from crowdcount.store.events import EventStore


app = typer.Typer(
    help="Count people crossing lines and using zones in CCTV video.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _say_version(asked: bool) -> None:
    if asked:
        from crowdcount import __version__

        typer.echo(f"crowdcount {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_say_version, help="Print the version and exit."),
    ] = False,
) -> None:
    """Count people crossing lines and using zones in CCTV video."""


console = Console()
console.soft_wrap = not console.is_terminal  # in a log, a line is never broken at 80 columns


errors = Console(stderr=True, soft_wrap=True, highlight=False)  # a message is one line, never wrapped


ModelOption = Annotated[
    str | None, typer.Option(help="Detector weights: YOLOX .onnx, Ultralytics .pt/.onnx/OpenVINO.")
]


StoreOption = Annotated[
    str,
    typer.Option(
        help="Event database written by process, run or live: a SQLite file or a SQLAlchemy URL "
        "(postgresql://user:password@host/crowdcount)."
    ),
]


DbOption = Annotated[
    str | None,
    typer.Option(
        help="Event database: a SQLite file or a SQLAlchemy URL such as "
        "postgresql://user:password@host/crowdcount (default: OUT/crowdcount.db)."
    ),
]


StrideOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Run on every N-th frame. Default: paced by how fast the people in view move, "
        "7 to 3 detections per second of video (see docs/counting.md, 'Detection pacing').",
        show_default=False,
    ),
]


ImgszOption = Annotated[int | None, typer.Option(min=32, help="Detector input size in pixels.")]


RoiOption = Annotated[
    bool, typer.Option(help="Detect only around the camera's lines and zones (faster on wide views).")
]


CamerasOption = Annotated[
    list[str] | None, typer.Option("--camera", help="Only these camera ids (repeatable).")
]


ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="Site YAML: cameras, lines, zones.")]


CameraOption = Annotated[
    str | None, typer.Option("--camera", help="Camera id in the config (needed if it has several).")
]


def print_table(title: str, frame: pd.DataFrame) -> None:
    import pandas as pd

    numeric = [pd.api.types.is_numeric_dtype(frame[column]) for column in frame.columns]
    rows = [
        [
            "-" if isinstance(v, float) and math.isnan(v) else f"{v:.1f}" if isinstance(v, float) else str(v)
            for v in row
        ]
        for row in frame.itertuples(index=False)
    ]
    show_table(
        title,
        [str(c) for c in frame.columns],
        rows,
        right=[c for c, n in zip(frame.columns, numeric, strict=True) if n],
    )


def show_table(title: str, columns: list[str], rows: list[list[str]], right: Sequence[object] = ()) -> None:
    """A table, boxed in a terminal; as plain tab-separated lines, never cut, where the output goes to a
    file or a scheduler's log (rich would squeeze it into 80 columns). Cells may carry rich colours."""
    if not console.is_terminal:  # written as it is: rich would expand the tabs
        lines = ["\t".join(Text.from_markup(cell).plain for cell in line) for line in (columns, *rows)]
        console.file.write("\n".join([title, *lines, ""]))
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def warn_still(outcome: FileOutcome, tz: ZoneInfo) -> None:
    """Name the tracks that stood still for minutes, with the ``ignore`` polygon that masks each."""
    for still in outcome.still:
        at = outcome.record.start + timedelta(seconds=still.since_s) if outcome.record else None
        when = f" from {at.astimezone(tz):%H:%M:%S}" if at else ""
        console.print(
            f"[yellow]warning[/] {Path(outcome.source).name}: track {still.track_id} stood still for "
            f"{still.seconds:.0f} s{when}; if it is not a person (a sign, a statue), mask it in camera "
            f"{outcome.camera!r}: ignore: [{{polygon: {still.mask()}}}]",
            highlight=False,
        )


def cameras_to_count(site: SiteConfig, ids: list[str] | None, config: Path) -> list[CameraConfig]:
    """The cameras named (all, without ``ids``) that have something to count; the drafts without a line
    or zone named in a warning (the run goes on without them)."""
    cameras, drafts = site.cameras_to_count(ids)
    if drafts:
        console.print(
            f"[yellow]warning[/] nothing to count yet on camera {', '.join(drafts)} (no line or zone): "
            f"left out; draw them with 'crowdcount setup --config {config}'",
            highlight=False,
        )
    return cameras


def load_kept(store: EventStore) -> None:
    """Store the counts an earlier run kept aside because the store refused them."""
    from crowdcount.store.unsaved import load, pending

    loaded, damaged = load(store, pending(store))
    for path, events in loaded:
        console.print(f"loaded kept counts {path}: {stored(events)}")
    warn_damaged(damaged)


def stored(events: int | None) -> str:
    return "already stored, not added again" if events is None else f"{events} events"


def warn_damaged(damaged: list[Path]) -> None:
    for path in damaged:
        console.print(f"[yellow]warning[/] {path}: not a readable side file of counts; set aside, not loaded")


def unsaved_error(store: EventStore, failure: str, kept: str) -> None:
    """One line for counts the store refused, then exit 3: where they are, how they get in."""
    target = store.path or store.shown_url
    errors.print(
        f"crowdcount: error: {failure}; {kept}: run 'crowdcount import --db {target}' once "
        "the store takes writes again (the next process or run on it loads them too)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(3)


def options_for(
    site: SiteConfig,
    model: str | None,
    imgsz: int | None,
    stride: int | None,
    roi: bool,
    workers: int = 1,
    force: bool = False,
) -> RunOptions:
    """Command-line knobs over the config's detector defaults, the model's terms said."""
    from crowdcount.batch.recording import run_options

    options = run_options(site, model, imgsz, stride, roi, workers, force)
    say_terms(options.detector.model)
    return options


def say_terms(model: ModelChoice) -> None:
    """Say the training data's terms of a model whose card has any (every run that uses it), and which
    models found in a folder were not used for want of a clean licence."""
    from crowdcount.detect.cards import card_for

    card = card_for(model.reference)
    if card is not None and card.data_terms:
        console.print(
            f"[yellow]note[/] model {Path(model.reference).name} ({card.name}): {card.data_terms}",
            soft_wrap=True,
            highlight=False,
        )
    for passed in model.passed_over:
        console.print(
            f"[yellow]note[/] not used, as not licence-clean (name it with --model to use it): {passed}",
            soft_wrap=True,
            highlight=False,
        )


def progress_bars() -> Progress:
    return LoggedProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


class FilesProgress:
    """A run's progress for people: a bar for the files (when there are several), and one for each
    file being counted; a finished file's bar stays until the next file starts."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.files: TaskID | None = None
        self.tasks: dict[str, TaskID] = {}
        self.finished_tasks: list[TaskID] = []

    def planned(self, files: int) -> None:
        if files > 1:
            self.files = self.progress.add_task("files", total=files, rate="")

    def started(self, recording: Recording) -> None:
        for task in self.finished_tasks:
            self.progress.update(task, visible=False)
        self.finished_tasks.clear()
        self.tasks[str(recording.path)] = self.progress.add_task(
            recording.path.name, total=frame_total(recording), rate=""
        )

    def frame(self, info: FrameInfo) -> None:
        advance(self.progress, self.tasks[info.source], info)

    def finished(self, outcome: FileOutcome) -> None:
        if self.files is not None:
            self.progress.advance(self.files)
        if outcome.source in self.tasks:
            self.finished_tasks.append(self.tasks.pop(outcome.source))

    def note(self, text: str) -> None:
        console.print(text)


def download_progress(progress: Progress) -> Callable[[str, int, int | None], None]:
    """A download's progress (file name, bytes so far, bytes in all) as a bar per file."""
    tasks: dict[str, TaskID] = {}

    def show(file: str, done: int, total: int | None) -> None:
        if file not in tasks:
            tasks[file] = progress.add_task(file, total=total, rate="")
        progress.update(tasks[file], completed=done, rate=f"{done / 1e6:.1f} MB")

    return show


def frame_total(recording: Recording) -> int | None:
    return recording.info.frame_count if recording.info and recording.info.frame_count else None


def advance(progress: Progress, task: TaskID, info: FrameInfo) -> None:
    """Show a file's progress in video frames (read or stepped over) and their rate."""
    progress.update(task, completed=info.index + 1)
    current = next(t for t in progress.tasks if t.id == task)
    if current.elapsed:
        progress.update(task, rate=f"{current.completed / current.elapsed:.1f} fps")


def print_totals(cam: CameraConfig, events: list[CountEvent]) -> None:
    from crowdcount.tables.aggregate import line_totals, zone_totals

    if cam.lines:
        print_table("Lines", line_totals(events, [line.id for line in cam.lines]))
    if cam.zones:
        print_table("Zones", zone_totals(events, [zone.id for zone in cam.zones]))


def timezone_named(name: str) -> str:
    from crowdcount.config import known_timezone

    try:
        return known_timezone(name)
    except ValueError as error:
        raise CrowdcountError(f"--tz {name}: {error}") from None


HostOption = Annotated[
    str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a --token is required.")
]


PortOption = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]


TokenOption = Annotated[
    str | None,
    typer.Option(envvar="CROWDCOUNT_TOKEN", help="Token the API and dashboard ask for (Bearer or ?token=)."),
]


LangOption = Annotated[str, typer.Option(help="Page labels: ko (default) or en (a page can switch).")]


def check_listen(host: str, port: int, token: str | None, lang: str) -> None:
    """Refuse, before anything starts, to serve beyond loopback without a token or on a busy port."""
    from crowdcount.handover.labels import labels_for
    from crowdcount.server.app import check_token, needs_token
    from crowdcount.server.serve import check_port_free

    if needs_token(host) and not token:
        raise CrowdcountError(
            f"--host {host} reaches beyond this machine; give --token (or set CROWDCOUNT_TOKEN)"
        )
    if token is not None:
        try:
            check_token(token)
        except CrowdcountError as error:
            raise CrowdcountError(f"--token: {error}") from None
    labels_for(lang)
    check_port_free(host, port)


def status_lines(monitor: Monitor, done: threading.Event) -> None:
    while not done.wait(every_s()):
        typer.echo(live_status_line(monitor.snapshot))


def base_url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def serve_monitor(
    monitor: Monitor,
    host: str,
    port: int,
    token: str | None,
    lang: str,
    page: str = "",
    config: Path | None = None,
    previews: PreviewBoard | None = None,
) -> None:
    from crowdcount.server.app import create_app
    from crowdcount.server.serve import serve_app

    base = base_url(host, port)
    opened = f"review {base}/{page}" if page else f"dashboard {base}/   audit {base}/audit"
    editor = f"   editor {base}/setup" if config is not None else ""
    console.print(f"{opened}{editor}   API {base}/docs   (Ctrl-C stops)")
    app = create_app(monitor, token, lang, config=config.resolve() if config else None, previews=previews)
    done = threading.Event()
    if monitor.live and not console.is_terminal:  # a service or a log file: say how it goes now and then
        threading.Thread(target=status_lines, args=(monitor, done), name="live-lines", daemon=True).start()
    try:
        serve_app(app, host, port)
    finally:
        done.set()
        monitor.close()
