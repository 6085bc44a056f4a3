"""``crowdcount models list|get|add`` and ``export-model``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crowdcount.cli.common import app, console, download_progress, progress_bars
from crowdcount.errors import CrowdcountError

if TYPE_CHECKING:
    pass


models_app = typer.Typer(
    help="Detector models: list them, get a known one, add files carried in.", no_args_is_help=False
)


app.add_typer(models_app, name="models")


DirOption = Annotated[
    list[Path] | None,
    typer.Option("--dir", help="Folders to search (default: $CROWDCOUNT_MODEL_DIR and models/)."),
]


@models_app.callback(invoke_without_command=True)
def models(context: typer.Context, folder: DirOption = None) -> None:
    """List the detector models (as 'models list' does when no command is given)."""
    if context.invoked_subcommand is None:
        models_list(folder)


@models_app.command("list", epilog="Example: crowdcount models list --dir ../shared/models")
def models_list(folder: DirOption = None) -> None:
    """List the models: the embedded default, the user's model cache, and models found in folders,
    each with its licence, training-data terms and checksum state; and the known models not yet here.

    What a model is comes from its card (WEIGHTS.card.yaml beside it, or crowdcount's built-in
    cards by file hash), never from its name. With nothing named, crowdcount counts with a
    licence-clean model you described with a card in a model folder, else the embedded one.
    """
    from crowdcount.detect.models import inventory, model_folders
    from crowdcount.detect.registry import DEFAULT_MODEL, cache_folder

    for listed in inventory(folder or model_folders()):
        card = listed.card
        default = "  (the default)" if listed.name == DEFAULT_MODEL and listed.where == "embedded" else ""
        console.print(
            f"[bold]{listed.name}[/]  {listed.where}  checksum: {listed.state}{default}",
            highlight=False,
            soft_wrap=True,
        )
        console.print(
            f"  {card.name if card else 'no model card: what it is and its licence are unknown'}",
            highlight=False,
            soft_wrap=True,
        )
        if card is not None:
            data = "; ".join(part for part in (card.training_data, card.data_terms) if part) or "not stated"
            console.print(
                f"  licence: {card.licence}; training data: {data}", highlight=False, soft_wrap=True
            )
        if listed.path is not None:
            console.print(f"  {listed.path}", highlight=False, soft_wrap=True)
    console.print(f"model cache: {cache_folder()}", highlight=False, soft_wrap=True)


@models_app.command("get", epilog="Example: crowdcount models get person-detection-0202")
def models_get(
    name: Annotated[str, typer.Argument(help="A known model's name ('crowdcount models list' shows them).")],
    mirror: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A server holding the files by name, instead of their official URLs "
            "(default: $CROWDCOUNT_MODEL_MIRROR).",
        ),
    ] = None,
) -> None:
    """Download a known model into the user's model cache: each file resumed where a stopped transfer
    left it, checked against its SHA-256 before it is put in place. Nothing else ever downloads."""
    from crowdcount.detect.registry import KNOWN, fetch, known_model

    known = known_model(name)
    if known is None:
        raise CrowdcountError(f"no known model {name!r}; known models: {', '.join(KNOWN)}")
    with progress_bars() as progress:
        path = fetch(known, mirror, download_progress(progress))
    console.print(f"{known.name}: verified -> {path.parent}  (use: --model {known.name})", soft_wrap=True)


@models_app.command("add", epilog="Example: crowdcount models add /media/usb/person-detection-0202.*")
def models_add(
    files: Annotated[
        list[Path], typer.Argument(help="Model files carried in (an OpenVINO .xml with its .bin).")
    ],
    card: Annotated[
        Path | None, typer.Option(help="The model card of files crowdcount does not know (models/README.md).")
    ] = None,
) -> None:
    """Import model files into the user's model cache, for sites without internet: files of a known
    model are recognised by their checksums; other files are taken only with their card."""
    from crowdcount.detect.registry import add_files

    for added in add_files(files, card):
        how = "verified" if added.known else "with its card"
        console.print(f"{added.source} -> {added.target} ({added.model}, {how})", soft_wrap=True)


class ModelFormat(StrEnum):
    onnx = "onnx"
    openvino = "openvino"


@app.command("export-model", epilog="Example: crowdcount export-model models/yolo11n.pt --format openvino")
def export_model(
    weights: Annotated[Path, typer.Argument(help="Ultralytics .pt weights (e.g. models/yolo11n.pt).")],
    fmt: Annotated[
        ModelFormat, typer.Option("--format", help="onnx (onnxruntime) or openvino (Intel CPUs).")
    ] = ModelFormat.onnx,
    imgsz: Annotated[int, typer.Option(min=32, help="Input size the exported model is fixed to.")] = 640,
) -> None:
    """Export Ultralytics weights for faster CPU inference; the result is written beside them.

    Use it with --model PATH (or leave it in models/): crowdcount runs an Ultralytics ONNX export
    or *_openvino_model folder through Ultralytics. Nothing is downloaded.
    """
    from crowdcount.detect.ultralytics import export_ultralytics

    exported = export_ultralytics(weights, fmt.value, imgsz)
    console.print(f"{weights} -> {exported}  (use: --model {exported} --imgsz {imgsz})", soft_wrap=True)
