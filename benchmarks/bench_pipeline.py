"""Throughput of irtag against its floors (not a test; run ``make bench`` or this script).

Text: builds N articles from the seed corpus (their paragraphs shuffled with a fixed seed) and
measures, each in its own process so that peak RSS belongs to that phase alone:

* ``jieba``: jieba (and rjieba, where installed) segmentation alone of the same text, the floor;
* ``irtag``: ``irtag run`` end to end (ingest, segment, tag, write) on the N files.

PDF: a generated Chinese PDF of P pages, read by pdfplumber alone and by pypdfium2 alone versus
irtag's ingest with each engine.

Example::

    python benchmarks/bench_pipeline.py --articles 50 --pages 40
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    return {"seconds": seconds, "bytes": len(text.encode("utf-8")), "tokens": count}


def phase_irtag(files: list[Path], out: Path, tag: bool, engine: str) -> dict:
    from pipeline import RunConfig, load
    from pipeline.batch import run_batch

    pipeline = load(RunConfig.load(segmenter=engine), tag=tag)  # load models and dictionaries
    pipeline.process_file(files[0])
    started = time.perf_counter()
    summary = run_batch(files, out, lambda: pipeline)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": sum(p.stat().st_size for p in files),
            "documents": summary.documents, "errors": len(summary.errors), "sentences": summary.sentences}


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
    return {"seconds": time.perf_counter() - started, "pages": pages}


def run_phase(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, __file__, "--phase", *args], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50, help="articles in the synthetic corpus")
    parser.add_argument("--pages", type=int, default=40, help="pages of the generated Chinese PDF")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--scaling", type=lambda v: [int(x) for x in v.split(",")], default=None,
                        metavar="N1,N2", help="only measure irtag run's peak RSS at these corpus sizes")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        kind, *rest = args.phase
        if kind == "segment":
            result = phase_segment(sorted(Path(rest[0]).glob("*.txt")), rest[1])
        elif kind == "irtag":
            result = phase_irtag(sorted(Path(rest[0]).glob("*.txt")), Path(rest[1]), rest[2] == "tag", rest[3])
        else:
            result = phase_pdf(Path(rest[0]), rest[1], rest[2] == "whole")
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    work = args.workdir or Path(tempfile.mkdtemp(prefix="irtag-bench-"))
    if args.scaling:
        print(f"{'articles':>8} {'sentences':>9} {'seconds':>8} {'peak RSS MB':>12}")
        for n in args.scaling:
            build_corpus(work / f"scale{n}", n)
            r = run_phase(["irtag", str(work / f"scale{n}"), str(work / f"scale-out{n}"), "tag", "jieba"])
            print(f"{n:>8} {r['sentences']:>9} {r['seconds']:>8.2f} {r['peak_rss_mb']:>12.0f}")
        return
    corpus = work / "corpus"
    files = build_corpus(corpus, args.articles)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores")
    print(f"corpus: {len(files)} articles, {mb:.2f} MB (seed paragraphs shuffled, seed 0)\n")
    print(f"{'phase':<34} {'seconds':>8} {'MB/s':>7} {'docs/s':>7} {'peak RSS MB':>12}")
    rows = {}
    for engine in ("jieba", "rjieba"):
        try:
            rows[f"{engine} alone"] = run_phase(["segment", str(corpus), engine])
        except subprocess.CalledProcessError:
            print(f"{engine + ' alone':<34} (not installed)")
    for tag in ("tag", "notag"):
        for engine in ("jieba", "rjieba"):
            name = f"irtag run ({'tagging' if tag == 'tag' else 'no tagging'}, {engine})"
            try:
                rows[name] = run_phase(["irtag", str(corpus), str(work / f"out-{tag}-{engine}"), tag, engine])
            except subprocess.CalledProcessError as exc:
                print(f"{name:<34} failed: {exc.stderr.strip().splitlines()[-1] if exc.stderr else exc}")
    for name, r in rows.items():
        docs = r.get("documents", len(files))
        print(f"{name:<34} {r['seconds']:>8.2f} {r['bytes'] / 1e6 / r['seconds']:>7.2f} "
              f"{docs / r['seconds']:>7.1f} {r['peak_rss_mb']:>12.0f}")
    if "jieba alone" in rows and "irtag run (tagging, jieba)" in rows:
        ratio = rows["irtag run (tagging, jieba)"]["seconds"] / rows["jieba alone"]["seconds"]
        print(f"\nirtag run (tagging, jieba) takes {ratio:.1f}x the time of jieba segmentation alone")

    pdf = work / "bench.pdf"
    build_pdf(pdf, args.pages)
    print(f"\nPDF: {args.pages} generated Chinese pages")
    print(f"{'phase':<34} {'seconds':>8} {'pages/s':>8} {'peak RSS MB':>12}")
    for engine in ("pdfplumber", "pypdfium2"):
        for whole in ("alone", "whole"):
            r = run_phase(["pdf", str(pdf), engine, whole])
            name = f"{engine} alone" if whole == "alone" else f"irtag ingest ({engine})"
            print(f"{name:<34} {r['seconds']:>8.2f} {r['pages'] / r['seconds']:>8.1f} {r['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
