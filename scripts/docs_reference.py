#!/usr/bin/env python3
"""The documentation site's reference pages, generated from the code at every build (a MkDocs hook, named
in mkdocs.yml), so they never drift: the commands from the Typer app, the site YAML from the pydantic
models, the HTTP API from FastAPI's OpenAPI schema.

    python scripts/docs_reference.py cli|config|http     # one page, printed
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

PAGES = {"reference/cli.md": "cli", "reference/config.md": "config", "reference/http.md": "http"}


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") if text not in (None, "") else ""


def cli_page() -> str:
    """Every command and option of ``crowdcount``, with its help, as registered."""
    import typer

    from crowdcount.cli import app

    root = typer.main.get_command(app)
    lines = [
        "# 명령 참조 (CLI)",
        "",
        "`crowdcount` 명령과 옵션 전체입니다. 코드에 등록된 명령에서 문서를 만들 때마다 새로 "
        "생성하므로, 설명은 `crowdcount COMMAND --help`와 같습니다 (영문). 쓰임새와 예는 "
        "[명령 안내](../commands.md)에 있습니다.",
        "",
        "*Every command and option, generated from the registered commands at each build; the help is "
        "`--help`'s.*",
        "",
    ]

    def walk(command: Any, path: list[str]) -> None:  # typer's own click: known by what it has
        if getattr(command, "commands", None):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        lines.extend([f"## `{' '.join(path)}`", "", _cell(command.help or "").replace("\\|", "|"), ""])
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines.extend(["| option | help | default |", "|---|---|---|"])
            for param in params:
                option = param.param_type_name == "option"
                names = ", ".join(f"`{o}`" for o in param.opts) if option else f"`{param.name.upper()}`"
                default = param.default if option and not callable(param.default) else ""
                shown = f"`{default}`" if default not in (None, "", False, ()) else ""
                lines.append(f"| {names} | {_cell(getattr(param, 'help', '') or '')} | {shown} |")
            lines.append("")

    walk(root, ["crowdcount"])
    return "\n".join(lines)


def config_page() -> str:
    """Every model of the site YAML with its fields, types, defaults and descriptions."""
    from crowdcount.config import SiteConfig

    schema = SiteConfig.model_json_schema()
    models = {"SiteConfig": schema, **schema.get("$defs", {})}
    lines = [
        "# 설정 파일 참조 (site YAML)",
        "",
        "사이트 YAML의 모든 항목입니다. 설정을 검사하는 pydantic 모델에서 빌드할 때마다 생성합니다. "
        "예와 설명은 [설정 안내](../config.md)에 있습니다.",
        "",
        "*Every key of the site YAML, generated from the pydantic models that check it.*",
        "",
    ]
    for name, model in models.items():
        properties = model.get("properties")
        if not properties:
            continue
        required = set(model.get("required", []))
        lines += [f"## {name}", "", _cell(model.get("description", "")), ""]
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for key, field in properties.items():
            default = "(required)" if key in required else _default(field)
            described = _cell(field.get("description", ""))
            lines.append(f"| `{key}` | {_cell(_type(field))} | {_cell(default)} | {described} |")
        lines.append("")
    return "\n".join(lines)


def _default(field: dict[str, Any]) -> str:
    """A field's default as the YAML would hold it; a whole section's defaults are in its own table."""
    if "default" not in field or field["default"] is None:
        return ""
    value = field["default"]
    if isinstance(value, dict) and value:
        return "(see its table)"
    return f"`{value}`"


def _type(field: dict[str, Any]) -> str:
    """A JSON schema type in a few words (a reference to another model names it)."""
    if "$ref" in field:
        return field["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in field:
        return " or ".join(_type(option) for option in field["anyOf"])
    if "enum" in field:
        return " / ".join(f"'{value}'" for value in field["enum"])
    if "const" in field:
        return f"'{field['const']}'"
    kind = field.get("type", "")
    if kind == "array":
        items = field.get("prefixItems") or [field.get("items", {})]
        return f"list of {', '.join(_type(item) for item in items)}"
    if kind == "object" and "additionalProperties" in field:
        return f"mapping to {_type(field['additionalProperties'])}"
    return str(kind)


def http_page() -> str:
    """Every route of the live server (``live``, ``serve``) from its OpenAPI schema."""
    from crowdcount.server.app import create_app
    from crowdcount.server.monitor import Monitor
    from crowdcount.store.events import EventStore

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "site.yaml"
        config.write_text("cameras: [{id: gate}]\n", encoding="utf-8")
        schema = create_app(
            Monitor(EventStore(Path(folder) / "empty.db"), live=False), config=config
        ).openapi()
    lines = [
        "# HTTP API 참조",
        "",
        "`crowdcount live`와 `crowdcount serve`가 제공하는 경로 전체입니다. 서버의 OpenAPI "
        "스키마에서 빌드할 때마다 생성합니다. 실행 중인 서버는 같은 스키마를 `/openapi.json`으로 "
        "보여 줍니다.",
        "",
        "*Every route of the live server, generated from its OpenAPI schema.*",
        "",
        "| method | path | what |",
        "|---|---|---|",
    ]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            lines.append(f"| {method.upper()} | `{path}` | {_cell(operation.get('summary', ''))} |")
    return "\n".join(lines) + "\n"


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: the reference pages added to the site as generated files."""
    from mkdocs.structure.files import File

    makers = {"cli": cli_page, "config": config_page, "http": http_page}
    for path, page in PAGES.items():
        files.append(File.generated(config, path, content=makers[page]()))
    return files


if __name__ == "__main__":
    print({"cli": cli_page, "config": config_page, "http": http_page}[sys.argv[1]]())
