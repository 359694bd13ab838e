"""Copy the rendered report into a site folder with a small index page.

Usage: ``python -m optireport.publish [--config config/config.yaml] [--site DIR]``.
The folder defaults to ``report.site_dir`` in the config.
"""

from __future__ import annotations

import argparse
import html
import shutil
import sys
from datetime import date
from pathlib import Path

import yaml

BUILT = Path("report/_site")
FILES = ("informe.html", "informe.pdf")

INDEX = """<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1d2433; }}
a {{ color: #1f5fa8; }}
li {{ margin: 0.4rem 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Informe del curso sobre optimizadores de redes neuronales, generado el {day}.</p>
<ul>
<li><a href="informe.html">Leer el informe en el navegador (HTML)</a></li>
<li><a href="informe.pdf">Descargar el informe en PDF</a> ({size})</li>
</ul>
</body>
</html>
"""


def publish(site: Path, built: Path = BUILT, title: str = "Optimizadores") -> list[Path]:
    """Copy the HTML and PDF into ``site`` and write ``index.html``; return the copied paths."""
    missing = [name for name in FILES if not (built / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"Falta {', '.join(missing)} en {built}. Genere antes el informe con «make report»."
        )
    site.mkdir(parents=True, exist_ok=True)
    copied = [Path(shutil.copy2(built / name, site / name)) for name in FILES]
    size = f"{(built / 'informe.pdf').stat().st_size / 1e6:.1f} MB"
    index = INDEX.format(title=html.escape(title), day=date.today().isoformat(), size=size)
    (site / "index.html").write_text(index, encoding="utf-8")
    return [*copied, site / "index.html"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Publica el informe en una carpeta del sitio.")
    parser.add_argument("--config", type=Path, default=Path("config/config.yaml"))
    parser.add_argument("--site", type=Path, help="carpeta de destino (report.site_dir)")
    args = parser.parse_args(argv)
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    site = args.site or Path(config.get("report", {}).get("site_dir", "site"))
    try:
        paths = publish(site, title="Optimizadores para redes neuronales")
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    for path in paths:
        print(f"Publicado: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
