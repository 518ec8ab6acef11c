"""``sitrep demo``: the whole pipeline on the bundled sample, as a new user would run it.

Generates the sample archive, serves it on 127.0.0.1, crawls it with the real spider (in this
process), indexes it, runs three example searches and prints them, and leaves the data in a folder of its own (``demo-data/`` unless ``--data-dir`` names one), marked
as sample: generated texts with real-looking URLs never mix with a real crawl's records.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import click

from sitrep.cli import output
from sitrep.config import Settings, load

DEMO_DIR = "demo-data"


def run_demo(settings: Settings, count: int, color: bool) -> int:
    """The demo into ``settings.data_dir`` (the caller picks the demo's own folder)."""
    from sitrep.crawler.run import crawl
    from sitrep.crawler.sample.generate import generate
    from sitrep.crawler.sample.server import serve, settings_toml
    from sitrep.search.api import Archive

    data_dir = settings.data_dir
    started = time.perf_counter()
    sample = data_dir / "sample"
    click.echo(f"1/4 Writing the sample archive ({count} articles) to {sample} …")
    manifest = generate(sample, count=count)
    click.echo(
        f"    {manifest['article_pages']} article pages, {manifest['listing_pages']} listing pages, layouts {manifest['layouts']}"
    )
    with serve(sample / "site") as server, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample-settings.toml"
        path.write_text(settings_toml(server.port, data_dir.resolve()), encoding="utf-8")
        sample_settings = load(path, environ={})
        click.echo(f"2/4 Crawling it with the real spider from http://belarusinfocus.pro:{server.port}/ (127.0.0.1) …")
        report = crawl(sample_settings, sample=True, progress=sys.stderr.isatty())
    click.echo("    " + report.summary())
    click.echo(f"3/4 Index updated with {report.indexed} new and changed records.")
    click.echo("4/4 Example searches:\n")
    examples = [
        ("sitrep search oil", dict(text="oil", per_page=3)),
        (
            "sitrep search army --country AZ --sort newest",
            dict(text="army", countries=["AZ"], sort="newest", per_page=3),
        ),
        (
            'sitrep search "oil supply" --from 2016 --to 2018',
            dict(text='"oil supply"', since="2016", until="2018", per_page=3),
        ),
    ]
    with Archive(settings) as archive:
        for command, kwargs in examples:
            click.echo(output.paint("$ " + command, "1", color))
            click.echo(output.results_text(archive.search(**kwargs), color, settings.search.facet_top) + "\n")
    click.echo(
        f"Demo done in {time.perf_counter() - started:.1f} s. The sample (generated texts, not the real site) "
        f"is in {data_dir}/, apart from real crawls. Try next:"
    )
    for line in (
        "search 'country:azerbaijan oil' --sort newest",
        "search army --trend worse --from 2020 --json",
        "timeline oil --by year --split trend",
        "stats",
        "show <id from a result>",
    ):
        click.echo(f"  .venv/bin/sitrep --data-dir {data_dir} {line}")
    return 0
