"""``circulair atlas``: reproduce the study's extrapolations and optimise facility siting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, err_console, fail, fail_input
from circulair.core.errors import CirculairError, InputError

# Pure functions of a result (no models): importable before Django is set up. The services
# are imported in each command, after _django.setup(): importing models needs the app registry.
from circulair.web.apps.atlas import presenters

app = typer.Typer(
    help="Plan facilities.\n\nExample:  circulair atlas extrapolate "
    "--preset materialenbanken-arrondissement",
    no_args_is_help=True,
)

FORMATS = "table, csv, json or geojson"


def _run(handler: Any, params: dict[str, Any]) -> dict[str, Any]:

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        try:
            result: dict[str, Any] = handler(params, progress)
        except CirculairError as e:
            fail(str(e))
        bar.update(task, completed=1.0)
    return result


def _file(path: Path | None) -> tuple[bytes, str] | None:
    return (path.read_bytes(), path.name) if path is not None else None


def _emit(result: dict[str, Any], fmt: str, output: Path | None) -> None:
    t = result["totals"]
    if fmt == "geojson":
        text = json.dumps(presenters.run_geojson(result), ensure_ascii=False, indent=1)
        if output:
            output.write_text(text, encoding="utf-8")
            console.print(f"Wrote {output}")
        else:
            typer.echo(text)
        return
    cert = presenters.certificate(result)
    if fmt == "json":
        emit([{**result, "certificate": cert} if cert else result], Format.json, output)
        return
    cols = ("unit_name", "municipality", "refnis", "size", "count", "m2_each", "m2", "served")
    rows = [{k: f.get(k) for k in cols if k in f} for f in result["facilities"]]
    emit(rows, Format(fmt), output, title=str(result.get("title") or result["kind"]))
    if fmt == "table":
        ha = t.get("ha")
        line = f"[bold]{t['count']} facilities[/bold]" + (f", [bold]{ha:g} ha[/bold]" if ha else "")
        if result["kind"] == "siting":
            line += (
                f"; objective {result['objective']:.6g}, gap {result['gap']:.2e} "
                f"({result['status']}), covered {t['covered_share']:.1%}, "
                f"mean {t['mean_km']:.1f} km, max {t['max_km']:.1f} km"
            )
        if result.get("expected_ha") is not None:
            line += f" (study: {result['expected_ha']:g} ha)"
        console.print(line)
        if cert:  # proven, or the best found and how far above the optimum it may be
            colour = "yellow" if cert["code"] == "not_proven" else "green"
            console.print(f"[{colour}]{cert['message']}[/{colour}]")
        for n in result.get("notes", []):
            console.print(f"[yellow]note:[/yellow] {n}")


@app.command()
def presets() -> None:
    """List the study's extrapolation presets with the figures they reproduce.

    Example:  circulair atlas presets
    """
    _django.setup()
    from circulair.web.apps.atlas import services

    emit(
        [
            {
                "preset": p.slug,
                "name": p.name_en,
                "partition": p.attributes.get("partition", ""),
                "study_ha": p.attributes["expected_ha"],
            }
            for p in services.preset_list()
        ],
        Format.table,
        title="Extrapolation presets",
    )


@app.command()
def extrapolate(
    preset: str = typer.Option(..., help="Preset slug (see: circulair atlas presets)."),
    partition: str = typer.Option("", help="Stored partition slug (catchment-area presets)."),
    partition_file: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Or a CSV refnis,unit to use directly."
    ),
    streams: int = typer.Option(0, min=0, help="Material streams (0 = the preset's)."),
    fmt: str = typer.Option("table", "--format", help=FORMATS),
    output: Path | None = typer.Option(None),
) -> None:
    """Reproduce one of the study's extrapolations (facilities per unit, m², hectares).

    Example:  circulair atlas extrapolate --preset kringwinkel-clusters-verzorgingsgebied
    --partition-file catchments.csv
    """
    _django.setup()
    from circulair.web.apps.atlas import services

    try:
        params = services.extrapolation_params(
            preset=preset,
            partition=partition,
            streams=streams or None,
            partition_file=_file(partition_file),
        )
    except InputError as e:
        fail_input(e)
    _emit(_run(services.extrapolate_job, params), fmt, output)


@app.command()
def site(
    model: str = typer.Option("p_median", help="p_median, set_cover, max_cover or capacitated."),
    p: int | None = typer.Option(None, help="Number of facilities (p_median, max_cover)."),
    radius_km: float | None = typer.Option(None, "--radius", help="Radius R in km (cover)."),
    road_factor: float = typer.Option(1.3, help="Road distance / great-circle distance."),
    rate_kg: float | None = typer.Option(
        None,
        help="Demand per inhabitant in kg/yr (else inhabitants), e.g. 477 for household waste.",
    ),
    candidates: str = typer.Option("all", help="all or central_cities."),
    archetype: str = typer.Option("", help="Facility archetype slug, for area (m², ha)."),
    existing: str = typer.Option(
        "", help="REFNIS codes of facilities that stay open, comma separated."
    ),
    capacity_t: float | None = typer.Option(None, help="Capacity per facility, t/yr."),
    fixed_cost: float | None = typer.Option(None, help="Fixed cost per facility per year."),
    cost_per_t_km: float = typer.Option(0.15, help="Transport cost per t·km."),
    single_sourcing: bool = typer.Option(False, help="Each municipality served by one site."),
    time_limit: float = typer.Option(300, help="Solver time limit in seconds."),
    demand_file: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Demand CSV: refnis|postal_code|lat,lon; weight."
    ),
    kbo: Path | None = typer.Option(
        None,
        exists=True,
        help="KBO open-data extract (folder or .zip): demand = establishments of --sector-group.",
    ),
    sector_group: str = typer.Option(
        "", help="NACE sector group slug for --kbo (see: circulair kb list nace_sector_group)."
    ),
    kbo_weight: str = typer.Option("count", help="count or employees (needs EmployeeClass)."),
    distance_file: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="Distances CSV from,to,km (demand id, candidate "
        "id; e.g. road distances) instead of great-circle × road factor.",
    ),
    candidates_file: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="Candidate sites CSV: refnis|postal_code|lat,lon; "
        "optional type_environment, capacity_t, fixed_cost, existing.",
    ),
    fmt: str = typer.Option("table", "--format", help=FORMATS),
    output: Path | None = typer.Option(None),
) -> None:
    """Optimise where facilities go: demand = municipalities, candidates = municipalities.

    Example:  circulair atlas site --model set_cover --radius 25 --archetype
    sorteercentrum-kunststof
    """
    _django.setup()
    from circulair.web.apps.atlas import services

    params = {
        "model": model,
        "p": p,
        "radius_km": radius_km,
        "road_factor": road_factor,
        "rate_kg_per_inhabitant": rate_kg,
        "candidates": candidates,
        "archetype": archetype,
        "capacity_t": capacity_t,
        "fixed_cost": fixed_cost,
        "cost_per_t_km": cost_per_t_km,
        "single_sourcing": single_sourcing,
        "time_limit": time_limit,
        "fixed_open": [x.strip() for x in existing.split(",") if x.strip()],
    }

    if kbo is not None:
        params.update(sector_group=sector_group, kbo_weight=kbo_weight)
    files = services.SiteFiles(
        demand=_file(demand_file),
        candidates=_file(candidates_file),
        distances=_file(distance_file),
        kbo=kbo,
    )
    result = _run(lambda prm, progress: services.site_run(prm, progress, files), params)
    if "kbo" in result:
        err_console.print(f"KBO: {result['kbo']}", highlight=False)
    _emit(result, fmt, output)
