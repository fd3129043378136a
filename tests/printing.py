"""Printing what leaves the system, as a reader's office does: LibreOffice headless converts the file to
PDF, poppler-utils read it back (text, page sizes, the height of the printed words). Tests that need
them skip locally with a reason when they are missing and fail under CI=true."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
TOOLS = ("soffice", "pdftotext", "pdfinfo")
A4_LANDSCAPE_POINTS = (842, 595)


def require_printing_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install libreoffice-calc libreoffice-writer poppler-utils)"
        if IN_CI:
            pytest.fail(message + ": CI must print")
        pytest.skip(message)


def print_to_pdf(content, suffix):
    """The PDF LibreOffice prints from a file's bytes (.xlsx or .docx)."""
    workdir = Path(tempfile.mkdtemp(prefix="wuhan-print-"))
    source = workdir / f"document{suffix}"
    source.write_bytes(content)
    profile = workdir / "profile"  # a profile of its own: runs in parallel never share one
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return workdir / "document.pdf"


def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def page_sizes(pdf):
    """[(width, height)] in points of every page, rounded."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def word_heights(pdf):
    """The height in points of every printed word (pdftotext's bounding boxes): about its font size."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [float(y_max) - float(y_min)
            for y_min, y_max in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)]
