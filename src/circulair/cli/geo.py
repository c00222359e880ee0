"""``circulair geo``: municipalities, arrondissements, provinces, partitions; imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, fail, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help="Reference geography.\n\nExample:  circulair geo municipalities --arrondissement 24000",
    no_args_is_help=True,
)


def _region(slug: str | None) -> Any:
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.models import Region
    from circulair.web.apps.geography.selectors import region_get

    try:
        return region_get(slug)
    except Region.DoesNotExist:
        fail(f"unknown region '{slug}'")


@app.command()
def municipalities(
    arrondissement: str = typer.Option("", help="Arrondissement REFNIS code, e.g. 24000."),
    province: str = typer.Option("", help="Province REFNIS code, e.g. 20001."),
    partition: str = typer.Option("", help="Partition slug, e.g. arrondissement."),
    unit: str = typer.Option("", help="Unit code within --partition."),
    central_city: bool = typer.Option(False, "--central-city", help="Only central cities."),
    region: str | None = typer.Option(None, help="Region slug (default: the default region)."),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
) -> None:
    """List municipalities, filtered by arrondissement, province or partition unit.

    Example:  circulair geo municipalities --partition arrondissement --unit 11000 --format csv
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.filtersets import MunicipalityFilter
    from circulair.web.apps.geography.selectors import municipality_list

    reg = _region(region)
    data = {
        "arrondissement": arrondissement,
        "province": province,
        "partition": partition,
        "unit": unit,
        "central_city": "true" if central_city else "",
    }
    f = MunicipalityFilter(
        {k: v for k, v in data.items() if v},
        queryset=municipality_list(region=reg).order_by("refnis"),
    )
    if not f.is_valid():
        fail("; ".join(f"{k}: {' '.join(v)}" for k, v in f.errors.items()))
    rows = [
        {
            "refnis": m.refnis,
            "name_nl": m.name_nl,
            "name_fr": m.name_fr,
            "arrondissement": m.arrondissement.refnis,
            "arrondissement_name": m.arrondissement.name_nl,
            "province": m.province.refnis,
            "lat": m.lat,
            "lon": m.lon,
            "population": m.population,
            "central_city": m.central_city,
        }
        for m in f.qs
    ]
    emit(rows, fmt, output, title="Municipalities")


@app.command()
def arrondissements(
    region: str | None = typer.Option(None),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
) -> None:
    """List arrondissements with their province and number of municipalities.

    Example:  circulair geo arrondissements --format json
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.selectors import arrondissements_with_counts

    qs = arrondissements_with_counts(region=_region(region))
    emit(
        [
            {
                "refnis": a.refnis,
                "name_nl": a.name_nl,
                "name_fr": a.name_fr,
                "province": a.province.name_nl,
                "municipalities": a.n,
                "central_cities": a.central,
            }
            for a in qs
        ],
        fmt,
        output,
        title="Arrondissements",
    )


@app.command()
def provinces(
    region: str | None = typer.Option(None),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
) -> None:
    """List provinces.

    Example:  circulair geo provinces
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.selectors import province_list

    emit(
        [
            {"refnis": p.refnis, "name_nl": p.name_nl, "name_fr": p.name_fr, "name_en": p.name_en}
            for p in province_list(region=_region(region)).order_by("refnis")
        ],
        fmt,
        output,
        title="Provinces",
    )


@app.command()
def partitions(
    region: str | None = typer.Option(None),
    fmt: Format = typer.Option(Format.table, "--format"),
    output: Path | None = typer.Option(None),
) -> None:
    """List partitions (built-in and imported).

    Example:  circulair geo partitions
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.selectors import partitions_with_unit_counts

    qs = partitions_with_unit_counts(region=_region(region))
    emit(
        [{"slug": p.slug, "name": p.name, "kind": p.kind, "units": p.n} for p in qs],
        fmt,
        output,
        title="Partitions",
    )


@app.command("import-partition")
def import_partition(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV: refnis,unit[,unit_name]"
    ),
    name: str = typer.Option(..., help="Name of the partition, e.g. 'OVAM catchment areas'."),
    slug: str = typer.Option("", help="Slug (default: from the name)."),
    region: str | None = typer.Option(None),
) -> None:
    """Import a partition of the region's municipalities from a CSV; every municipality must be
    in exactly one unit. The whole file is rejected if any row is wrong.

    Example:  circulair geo import-partition catchments.csv --name "Kringwinkel catchments"
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.services import partition_import

    try:
        p = partition_import(
            region=_region(region),
            name=name,
            slug=slug,
            file_name=file.name,
            content=file.read_bytes(),
        )
    except InputError as e:
        fail_input(e)
    console.print(f"[green]Imported[/green] partition '{p.slug}' with {p.units.count()} units.")


@app.command("import-population")
def import_population(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV: refnis,population"),
    source: str = typer.Option(..., help="Where the figures come from, e.g. 'Statbel 2025-01-01'."),
    region: str | None = typer.Option(None),
) -> None:
    """Replace municipality population figures from a CSV (e.g. Statbel); all-or-nothing.

    Example:  circulair geo import-population pop2025.csv --source "Statbel 1/1/2025"
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.services import population_import

    try:
        n = population_import(
            region=_region(region), file_name=file.name, content=file, source=source
        )
    except InputError as e:
        fail_input(e)
    console.print(f"[green]Updated[/green] the population of {n} municipalities.")


@app.command("boundaries")
def boundaries(
    file: Path | None = typer.Argument(
        None, exists=True, dir_okay=False, help="GeoJSON FeatureCollection keyed by REFNIS code."
    ),
    source: str = typer.Option("", help="Where the boundaries come from (default: file name)."),
    reset: bool = typer.Option(False, "--reset", help="Go back to the shipped approximate ones."),
    region: str | None = typer.Option(None),
) -> None:
    """Import official municipality boundaries (all-or-nothing); they replace the approximate
    ones on every map. Without FILE: say which boundaries are in use.

    Example:  circulair geo boundaries gemeenten.geojson --source "Statbel 2025"
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.geography.selectors import region_map
    from circulair.web.apps.geography.services import boundaries_import, boundaries_reset

    reg = _region(region)
    if reset:
        done = boundaries_reset(region=reg)
        console.print("Back to the approximate boundaries." if done else "Nothing imported.")
        return
    if file is not None:
        try:
            stored = boundaries_import(
                region=reg, file_name=file.name, content=file.read_bytes(), source=source
            )
        except InputError as e:
            fail_input(e)
        console.print(
            f"[green]Imported[/green] official boundaries of {stored.municipalities} "
            f"municipalities ({stored.source})."
        )
        return
    b, shapes = region_map(reg)
    console.print(
        f"{b.quality} boundaries: {len(shapes.municipalities)} municipalities, "
        f"{len(shapes.arrondissements)} arrondissements, {len(shapes.provinces)} provinces "
        f"({b.source[:120]})"
    )
