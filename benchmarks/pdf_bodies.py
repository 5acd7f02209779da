"""Body detection on generated academic PDFs: the figures behind the README's table.

Writes the papers of ``tests/ingest/academic_pdfs.py`` to a temporary folder, reads each with
both PDF engines and prints, per PDF and engine, the share of the expected body words found in
body sections (in order), the furniture (as a share of the body), the body words lost to
furniture and the extra words in the body. Run: ``python benchmarks/pdf_bodies.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ingest")]

import academic_pdfs  # noqa: E402

from pipeline.ingest import read_document  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        papers = academic_pdfs.build(Path(folder))
        print(f"{'pdf':<22}{'engine':<12}{'pages':>6}{'body words':>11}{'recovered':>10}{'furniture':>10}"
              f"{'lost':>7}{'extra':>7}{'seconds':>8}  warnings")
        for name, (path, paper) in papers.items():
            for engine in ("pdfplumber", "pypdfium2"):
                start = time.perf_counter()
                doc = read_document(path, pdf_engine=engine)
                seconds = time.perf_counter() - start
                s = academic_pdfs.score(doc, paper)
                print(f"{name:<22}{engine:<12}{paper.pages:>6}{len(academic_pdfs.tokens(' '.join(paper.body))):>11}"
                      f"{s.recovered:>10.1%}{s.furniture:>10.1%}{s.lost_to_furniture:>7.1%}{s.extra:>7.1%}"
                      f"{seconds:>8.2f}  {len(doc.warnings)}")


if __name__ == "__main__":
    main()
