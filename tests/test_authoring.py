"""What a bundle's author reads: the JSON Schema editors check bundles with, and the authoring
guide's list of every section, field and allowed value, both kept current with the models."""

import json
from enum import Enum
from pathlib import Path
from typing import Any

import jsonschema_rs
from pydantic import BaseModel
from ruamel.yaml import YAML
from typer.testing import CliRunner

from app.cli import app
from app.seeding.authoring import schema_text, with_reference
from app.seeding.bundle import Bundle
from tests.conftest import PROJECT_ROOT, SEED_BUNDLES

runner = CliRunner()
SCHEMA_FILE = PROJECT_ROOT / "seed" / "bundle.schema.json"
GUIDE = PROJECT_ROOT / "docs" / "AUTHORING.md"
MODELINE = "# yaml-language-server: $schema=../bundle.schema.json"


def test_the_committed_schema_is_the_one_the_models_generate():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "seed/bundle.schema.json is stale: run `entente schema --out seed/bundle.schema.json`"
    )


def test_the_guides_generated_part_is_current():
    guide = GUIDE.read_text(encoding="utf-8")
    assert with_reference(guide) == guide, (
        "docs/AUTHORING.md is stale: run `entente schema --authoring docs/AUTHORING.md`"
    )


def read_bundle(path: Path) -> Any:
    """A bundle as plain data, by the YAML 1.2 rules the loader reads it by."""
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_every_seed_bundle_names_the_schema_and_passes_it():
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    bundles = sorted(SEED_BUNDLES.glob("*.yaml"))
    assert bundles
    for bundle in bundles:
        first_line = bundle.read_text(encoding="utf-8").partition("\n")[0]
        assert first_line == MODELINE, f"{bundle.name}: make its first line {MODELINE}"
        assert (bundle.parent / "../bundle.schema.json").resolve() == SCHEMA_FILE.resolve()
        errors = [
            f"{list(e.instance_path)}: {e.message}"
            for e in validator.iter_errors(read_bundle(bundle))
        ]
        assert errors == [], bundle.name


def test_the_schema_shows_an_editor_what_is_wrong_and_where():
    validator = jsonschema_rs.validator_for(json.loads(schema_text()))
    bundle = {
        "default_source": "a-source",
        "events": [
            {
                "id": "e1",
                "kind": "outing",
                "title": "An outing",
                "start": "2019-08",
                "countries": ["FR"],
                "citations": ["a bare excerpt", {"source": "b", "excerpt": "x", "page": 3}],
            }
        ],
    }

    errors = {tuple(error.instance_path) for error in validator.iter_errors(bundle)}

    # The bare-string citation is fine; the object one has an unknown key and a short excerpt.
    assert ("events", 0, "kind") in errors
    assert ("events", 0, "citations", 0) not in errors
    assert ("events", 0, "citations", 1) in errors
    assert not validator.is_valid(bundle | {"speeches": []})


def bundle_models(model: type[BaseModel], found: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found.add(model)
    for info in model.model_fields.values():
        for inner in classes(info.annotation):
            if issubclass(inner, BaseModel) and inner not in found:
                bundle_models(inner, found)
    return found


def classes(annotation: Any) -> list[type]:
    if isinstance(annotation, type):
        return [annotation]
    return [c for arg in getattr(annotation, "__args__", ()) for c in classes(arg)]


def test_the_guide_lists_every_field_and_every_allowed_value():
    guide = GUIDE.read_text(encoding="utf-8")
    generated = guide.partition("<!-- GENERATED")[2]
    models = bundle_models(Bundle, set())
    assert {"EventCreate", "CitationCreate", "Quantity", "StatusChangeCreate"} <= {
        model.__name__ for model in models
    }
    for model in models:
        table = generated.partition(f"### {model.__name__}\n")[2].partition("\n### ")[0]
        for field in model.model_fields:
            assert f"| `{field}` |" in table, f"{model.__name__}.{field} missing"
        for info in model.model_fields.values():
            for enum in (c for c in classes(info.annotation) if issubclass(c, Enum)):
                values = generated.partition(f"### {enum.__name__}\n")[2].partition("\n###")[0]
                for member in enum:
                    assert f"`{member.value}`" in values, f"{enum.__name__}.{member.name} missing"


def test_schema_prints_or_writes_the_schema(tmp_path: Path):
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.output)["properties"]["events"]["items"] == {
        "$ref": "#/$defs/EventCreate"
    }

    out = tmp_path / "bundle.schema.json"
    written = runner.invoke(app, ["schema", "--out", str(out)])
    assert written.exit_code == 0
    assert out.read_text(encoding="utf-8") == printed.output


def test_schema_rewrites_only_the_generated_part_of_a_guide(tmp_path: Path):
    guide = tmp_path / "AUTHORING.md"
    stale = GUIDE.read_text(encoding="utf-8").replace("`phone_call`", "`telegram`")
    guide.write_text(stale.replace("# Adding a source", "# My own title"), encoding="utf-8")

    result = runner.invoke(app, ["schema", "--authoring", str(guide)])

    assert result.exit_code == 0, result.output
    rewritten = guide.read_text(encoding="utf-8")
    assert rewritten.startswith("# My own title")
    assert "`phone_call`" in rewritten and "`telegram`" not in rewritten


def test_schema_refuses_a_guide_without_the_generated_markers(tmp_path: Path):
    guide = tmp_path / "notes.md"
    guide.write_text("# Notes\n", encoding="utf-8")

    result = runner.invoke(app, ["schema", "--authoring", str(guide)])

    assert result.exit_code == 1
    assert "notes.md: no generated part" in result.output
    assert guide.read_text(encoding="utf-8") == "# Notes\n"
