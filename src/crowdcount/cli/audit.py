"""``crowdcount audit plan|import|show|serve``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crowdcount.cli.common import (
    CamerasOption,
    HostOption,
    LangOption,
    PortOption,
    StoreOption,
    TokenOption,
    app,
    check_listen,
    console,
    print_table,
    progress_bars,
    serve_monitor,
)
from crowdcount.datatypes import DEFAULT_SAMPLES, DEFAULT_WINDOW_S
from crowdcount.errors import CrowdcountError
from crowdcount.paths import folder_to_be

if TYPE_CHECKING:
    from crowdcount.store.events import EventStore


audit_app = typer.Typer(
    help="Audit the counts: review a random sample of windows, get each count with a 95 % interval.",
    no_args_is_help=True,
)


app.add_typer(audit_app, name="audit")


@audit_app.command(
    "plan", epilog="Example: crowdcount audit plan --db out/crowdcount.db --samples 30 --out out/audit"
)
def audit_plan(
    db: StoreOption,
    out: Annotated[Path, typer.Option(help="Folder for plan.csv, answers.csv and clips/.")],
    camera: CamerasOption = None,
    counter: Annotated[
        list[str] | None, typer.Option("--counter", help="Only these line or zone ids (repeatable).")
    ] = None,
    samples: Annotated[int, typer.Option(min=2, help="Windows drawn per counter.")] = DEFAULT_SAMPLES,
    seconds: Annotated[float, typer.Option(min=1, max=3600, help="Length of a window.")] = DEFAULT_WINDOW_S,
    seed: Annotated[int, typer.Option(help="Seed of the draw: the same seed makes the same plan.")] = 0,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Site YAML, only for stores that do not keep their lines and zones."
        ),
    ] = None,
) -> None:
    """Draw the audit's sample: each counter's footage cut into windows, SAMPLES of them drawn at
    random (spread over the hours of day), a clip of each with its line or zone drawn, plan.csv
    listing them and answers.csv to fill in. The plan is recorded in the store (replacing an older
    one; reviews already made are kept). Review them with 'crowdcount audit serve' or fill in
    answers.csv and run 'crowdcount audit import'.
    """
    from crowdcount.audit import make_plan
    from crowdcount.config import camera_geometry, load_config
    from crowdcount.store.events import EventStore

    store = EventStore(db, create=False).writable()  # an existing store only
    geometry = {c.id: camera_geometry(c) for c in load_config(config).cameras} if config else None
    folder_to_be(out, "--out")  # refused before anything is read; made once the plan can be
    with progress_bars() as progress:
        task = progress.add_task("clips", total=None, rate="")
        plan = make_plan(
            store,
            out,
            camera or (),
            counter or (),
            samples,
            seconds,
            seed,
            geometry,
            lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(
        f"{len(plan.items)} windows of {seconds:g} s to review -> {out / 'plan.csv'}, clips in "
        f"{out / 'clips'}; review: crowdcount audit serve --db {db}",
        soft_wrap=True,
    )


@audit_app.command("import", epilog="Example: crowdcount audit import --db out/crowdcount.db --answers a.csv")
def audit_import(
    db: StoreOption,
    answers: Annotated[
        Path, typer.Option(help="CSV: item_id,true_in,true_out (optional false_in,false_out,reviewer).")
    ],
) -> None:
    """Store reviews made elsewhere (a spreadsheet, a second reviewer): for each item of the plan,
    how many people truly crossed each way (zones: entered, left). A review replaces an earlier one
    of its window. Prints the estimates.
    """
    from crowdcount.audit import read_answers
    from crowdcount.store.events import EventStore

    store = EventStore(db, create=False).writable()  # an existing store only
    plan = store.audit_plan()
    if plan is None:
        raise CrowdcountError(f"{db} has no audit plan; make one with 'crowdcount audit plan' first")
    reviewed = read_answers(answers, plan)
    store.save_reviews(reviewed)
    console.print(f"{len(reviewed)} reviews from {answers} -> {store.shown_url}")
    _print_audits(store)


@audit_app.command("show", epilog="Example: crowdcount audit show --db out/crowdcount.db")
def audit_show(db: StoreOption) -> None:
    """Print each audited counter's corrected total with its 95 % interval, precision and miss rate."""
    from crowdcount.store.events import EventStore

    _print_audits(EventStore(db, create=False))


def _print_audits(store: EventStore) -> None:
    import pandas as pd

    from crowdcount.audit import audit_rows, store_audits

    rows = audit_rows(store_audits(store))
    if not rows:
        console.print("no audit yet: the counts are unaudited ('crowdcount audit plan' starts one)")
        return
    several = len({r["camera"] for r in rows}) > 1
    table = pd.DataFrame(
        [
            {
                "counter": f"{r['camera']}/{r['counter']}" if several else r["counter"],
                "way": r["direction"],
                "counted": r["counted"],
                "estimate": r["estimate"],
                "95 %": "-" if r["low"] is None else f"{r['low']:g}-{r['high']:g}",
                "reviewed": f"{r['reviewed']}/{r['windows']}",
                "precision": _percent(r["precision"]),
                "miss": _percent(r["miss_rate"]),
            }
            for r in rows
        ]
    )
    cameras = "" if several else f"camera {rows[0]['camera']}, "
    print_table(f"Audit ({cameras}planned {str(rows[0]['planned'])[:16]} UTC)", table)
    if not all(row["rates_exact"] for row in rows):
        console.print(
            "precision is an upper bound and miss rate a lower one where reviews did not mark false counts"
        )


def _percent(value: object) -> str:
    return "-" if value is None else f"{100 * float(str(value)):.0f} %"


@audit_app.command("serve", epilog="Example: crowdcount audit serve --db out/crowdcount.db --lang ko")
def audit_serve(
    db: StoreOption,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    lang: LangOption = "ko",
) -> None:
    """Open the review page: play each window's clip, step frame by frame, enter how many people
    truly crossed; each review is saved at once. The page is also at /audit under serve and live.
    """
    from crowdcount.server.monitor import Monitor
    from crowdcount.store.events import EventStore

    check_listen(host, port, token, lang)
    store = EventStore(db, create=False).writable()  # an existing store only
    if store.audit_plan() is None:
        raise CrowdcountError(f"{db} has no audit plan; make one with 'crowdcount audit plan' first")
    serve_monitor(Monitor(store, live=False), host, port, token, lang, "audit")
