"""Throughput of irtag against its floors (not a test; run ``make bench`` or this script).

Text: builds N articles from the seed corpus (their paragraphs shuffled with a fixed seed) and
runs, each as its own process, timed from start to exit, with the peak RSS of its whole process
tree (itself and its workers, sampled from /proc every 50 ms):

* ``jieba alone``: a Python process that segments the same text with jieba, the floor (and its
  segmentation time alone, dictionary loaded);
* ``rjieba alone``: the same with rjieba;
* ``irtag run``: the command end to end (start-up, models, ingest, segment, tag, every corpus
  output: tables, workbook, Parquet, QDA project, report), with 1 and with 2 workers.

PDF: a generated Chinese PDF of P pages, read by pdfplumber alone and by pypdfium2 alone versus
irtag's ingest with each engine.

Example::

    python benchmarks/bench_pipeline.py --articles 100,1000 --pages 40 [--models DIR]
    python benchmarks/bench_pipeline.py --scaling 100,1000     # peak RSS of irtag run only
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpora" / "seeds"


def build_corpus(folder: Path, articles: int, seed: int = 0) -> list[Path]:
    """N articles whose paragraphs are drawn from the seeds, shuffled; deterministic."""
    paragraphs = [
        block.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for block in path.read_text(encoding="utf-8").split("\n\n")
        if block.strip()
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    per_article = max(1, len(paragraphs) // 5)
    for index in range(articles):
        chosen = rng.sample(paragraphs, per_article)
        path = folder / f"article_{index:05d}.txt"
        path.write_text("\n\n".join(chosen) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def build_pdf(path: Path, pages: int) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = (SEEDS / "002_1d5a02dbfbf0c967.txt").read_text(encoding="utf-8")
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c in "，。；："]
    pdf = canvas.Canvas(str(path))
    width = 38
    for page in range(pages):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(72, 800, "国际组织研究 第5期")
        pdf.setFont("STSong-Light", 11)
        for line in range(40):
            start = ((page * 40 + line) * width) % (len(chars) - width)
            pdf.drawString(72, 770 - line * 17, "".join(chars[start:start + width]))
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(290, 40, str(page + 1))
        pdf.showPage()
    pdf.save()


def phase_segment(files: list[Path], engine: str) -> dict:
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    if engine == "jieba":
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        started = time.perf_counter()
        count = sum(1 for _ in tokenizer.tokenize(text))
    else:
        import rjieba

        started = time.perf_counter()
        count = len(rjieba.tokenize(text))
    seconds = time.perf_counter() - started
    return {"segment_seconds": seconds, "bytes": len(text.encode("utf-8")), "tokens": count}


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * resource.getpagesize()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total / 1e6


def timed(command: list[str]) -> dict:
    """Wall seconds of a command and the peak RSS of its process tree; its last stdout line."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        stderr = process.stderr.read()
        if process.returncode:
            raise RuntimeError(f"{' '.join(command)}: exit {process.returncode}: {stderr.strip()[-500:]}")
        stdout.seek(0)
        lines = stdout.read().strip().splitlines()
    return {"seconds": seconds, "peak_rss_mb": peak, "last_line": lines[-1] if lines else ""}


def irtag_run(corpus: Path, out: Path, workers: int, models: Path | None) -> dict:
    """``irtag run`` end to end into a fresh OUT (nothing to resume)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "-o", str(out), "--quiet",
               "--workers", str(workers)]
    result = timed(command + (["--models", str(models)] if models else []))
    summary = (out / "sentences.csv").read_text(encoding="utf-8-sig").count("\n") - 1
    return {**result, "sentence_rows": summary}


def phase_pdf(pdf: Path, engine: str, whole: bool) -> dict:
    started = time.perf_counter()
    if whole:
        from pipeline.ingest import read_document

        doc = read_document(pdf, pdf_engine=engine)
        pages = len(doc.page_starts)
    elif engine == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(pdf) as handle:
            pages = sum(1 for page in handle.pages if page.extract_text() is not None)
    else:
        import pypdfium2

        document = pypdfium2.PdfDocument(str(pdf))
        pages = sum(1 for page in document if page.get_textpage().get_text_range() is not None)
    return {"inner_seconds": time.perf_counter() - started, "pages": pages}


def run_phase(args: list[str]) -> dict:
    result = timed([sys.executable, __file__, "--phase", *args])
    return {**json.loads(result.pop("last_line")), **result}


def text_table(work: Path, articles: int, models: Path | None) -> list[str]:
    """The text phases at one corpus size, as Markdown table rows."""
    corpus = work / f"corpus{articles}"
    files = build_corpus(corpus, articles)
    mb = sum(p.stat().st_size for p in files) / 1e6
    rows = {}
    for engine in ("jieba", "rjieba"):
        rows[f"{engine} alone"] = run_phase(["segment", str(corpus), engine])
    for workers in (1, 2):
        rows[f"irtag run, {workers} worker{'s' if workers > 1 else ''}"] = irtag_run(
            corpus, work / f"out{articles}-{workers}", workers, models)
    floor = rows["jieba alone"]["seconds"]
    lines = [f"\n{articles} articles, {mb:.2f} MB", "",
             "| phase | seconds | MB/s | docs/s | × floor | peak RSS MB (tree) |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in rows.items():
        extra = f" (segmentation alone {r['segment_seconds']:.2f} s)" if "segment_seconds" in r else ""
        lines.append(f"| {name}{extra} | {r['seconds']:.2f} | {mb / r['seconds']:.2f} | {articles / r['seconds']:.1f} "
                     f"| {floor / r['seconds']:.2f} | {r['peak_rss_mb']:.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sizes = lambda v: [int(x) for x in v.split(",")]  # noqa: E731
    parser.add_argument("--articles", type=sizes, default=[100, 1000], metavar="N1,N2",
                        help="corpus sizes (articles) [default: 100,1000]")
    parser.add_argument("--ten-thousand", action="store_true", help="also 10,000 articles (slow)")
    parser.add_argument("--pages", type=int, default=40, help="pages of the generated Chinese PDF")
    parser.add_argument("--models", type=Path, default=None, help="trained models [default: outputs/models]")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--scaling", type=sizes, default=None, metavar="N1,N2",
                        help="only measure irtag run's peak RSS (1 worker) at these corpus sizes")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF phases")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        kind, *rest = args.phase
        if kind == "segment":
            result = phase_segment(sorted(Path(rest[0]).glob("*.txt")), rest[1])
        else:
            result = phase_pdf(Path(rest[0]), rest[1], rest[2] == "whole")
        print(json.dumps(result))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="irtag-bench-"))
    if args.scaling:
        print(f"{'articles':>8} {'sentences':>9} {'seconds':>8} {'peak RSS MB (tree)':>19}")
        for n in args.scaling:
            build_corpus(work / f"scale{n}", n)
            r = irtag_run(work / f"scale{n}", work / f"scale-out{n}", 1, args.models)
            print(f"{n:>8} {r['sentence_rows']:>9} {r['seconds']:>8.2f} {r['peak_rss_mb']:>19.0f}")
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{cores} cores available; corpus: seed paragraphs shuffled, seed 0; times are whole processes")
    for articles in args.articles + ([10_000] if args.ten_thousand else []):
        print("\n".join(text_table(work, articles, args.models)), flush=True)
    if args.no_pdf:
        return
    pdf = work / "bench.pdf"
    build_pdf(pdf, args.pages)
    print(f"\nPDF: {args.pages} generated Chinese pages\n")
    print("| phase | seconds | pages/s | peak RSS MB |\n| --- | ---: | ---: | ---: |")
    for engine in ("pdfplumber", "pypdfium2"):
        for whole in ("alone", "whole"):
            r = run_phase(["pdf", str(pdf), engine, whole])
            name = f"{engine} alone" if whole == "alone" else f"irtag ingest ({engine})"
            print(f"| {name} | {r['inner_seconds']:.2f} | {r['pages'] / r['inner_seconds']:.1f} | {r['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
