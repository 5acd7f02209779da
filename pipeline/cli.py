"""The ``irtag`` command line: a thin layer over the library.

Each command parses its options, calls one library function and prints the result;
an ``IrtagError`` becomes a one-line ``Error: …`` and exit code 1.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from pipeline.errors import IrtagError


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except IrtagError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="irtag")
def cli() -> None:
    """irtag: tag Chinese and English International Relations articles with a codebook
    of push/pull factors, policy-cycle stages, resources and cooperation forms.

    \b
    Typical use:
        irtag run articles/ -o outputs/review     # ingest, segment, tag, export
        irtag tag sheet.csv --text-column text -o tagged.csv
        irtag evaluate --sentences tagged.csv --gold gold.csv
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the outputs (created if missing).")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Tag sentences with the codebook (--no-tag: ingest and segment only).")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of trained models [default: outputs/models, trained from corpora/gold if missing].")
@click.option("--max-size-mb", type=float, default=50, show_default=True,
              help="Files larger than this are refused with an error.")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Processes to spread documents over.")
@click.option("--segmenter", "segmenter_engine", type=click.Choice(["jieba", "rjieba"]),
              default="jieba", show_default=True, help="Chinese word segmenter.")
@click.option("--pdf-engine", type=click.Choice(["pdfplumber", "pypdfium2"]), default="pdfplumber",
              show_default=True, help="PDF text extraction (pypdfium2 is faster, sees no font sizes).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run(inputs, out_dir, tag, models_dir, max_size_mb, workers, segmenter_engine, pdf_engine, quiet):
    """Run the whole pipeline on files and folders of articles.

    Every .txt, .md, .html, .pdf and .docx file under INPUTS (folders are searched
    recursively) is read, cleaned, split into sections, paragraphs, sentences and tokens,
    tagged, and written as it finishes:

    \b
        OUT/docs/<doc_id>.jsonl   one document per file, the full document model
        OUT/sentences.csv         one row per sentence (UTF-8 with BOM, opens in Excel),
                                  also as sentences.xlsx and sentences.parquet, with
                                  labels, evidence, scores and empty coder_* columns
        OUT/errors.csv            one row per file that could not be processed
        OUT/annotations.jsonl     one record per machine label with its evidence
        OUT/documents.csv, matrix_labels.csv, factor_stage.csv, org_pairs.csv
                                  comparison tables (see irtag compare --help)
        OUT/project.qdpx, codebook.qdc, codebook.csv
                                  REFI-QDA project and codebook, Taguette codebook
        OUT/report.html           self-contained report with heatmaps and evidence

    A file that fails (empty, binary, corrupt or encrypted PDF, undecodable text, too large)
    gets a one-line error naming the file and the reason; the batch goes on.

    \b
    Example:
        irtag run corpora/seeds -o outputs/seeds
    """
    from tqdm import tqdm

    from pipeline.batch import build_pipeline, discover, run_batch

    factory = functools.partial(build_pipeline, models_dir=str(models_dir) if models_dir else None,
                                tag=tag, max_size_mb=max_size_mb, segmenter_engine=segmenter_engine,
                                pdf_engine=pdf_engine)
    total = len(discover(inputs))
    bar = tqdm(total=total, unit="file", disable=quiet, file=sys.stderr, dynamic_ncols=True)

    def on_outcome(outcome, summary):
        if outcome.error:
            tqdm.write(f"Error: {outcome.error}", file=sys.stderr)
        bar.update(1)
        rate = summary.sentences / summary.seconds if summary.seconds else 0.0
        bar.set_postfix(sentences=summary.sentences, errors=len(summary.errors),
                        rate=f"{rate:.0f} sent/s")

    summary = run_batch(inputs, out_dir, factory, workers=workers, on_outcome=on_outcome)
    bar.close()
    if tag:
        from pipeline.codebook import load_codebook
        from pipeline.export.corpus import write_corpus_outputs
        from pipeline.export.refi import codes_from_codebook

        write_corpus_outputs(out_dir, codes_from_codebook(load_codebook()))
    click.echo(format_summary(summary, out_dir))


def format_summary(summary, out_dir: Path) -> str:
    langs = sorted({lang for counts in summary.sentences_by_doc.values() for lang in counts})
    lines = [f"{'file':<40} " + " ".join(f"{lang:>6}" for lang in langs) + f" {'total':>6}"]
    for name, counts in summary.sentences_by_doc.items():
        cells = " ".join(f"{counts.get(lang, 0):>6}" for lang in langs)
        lines.append(f"{name:<40} {cells} {sum(counts.values()):>6}")
    lines.append(
        f"{summary.documents}/{summary.files} documents, {summary.sentences} coded sentences, "
        f"{len(summary.errors)} errors, {summary.seconds:.1f} s -> {out_dir}"
    )
    return "\n".join(lines)


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
def compare(out_dir):
    """Compare the tagged documents of a run (irtag run does this too).

    Reads OUT_DIR/docs/*.jsonl one document at a time and writes:

    \b
        documents.csv      per document: label counts, shares per 100 body sentences,
                           dominant stage, material vs symbolic resources, organisations
        matrix_labels.csv  documents x labels
        factor_stage.csv   Steffek's push/pull x stage table, per document and corpus,
                           with example sentence ids per cell
        org_pairs.csv      organisation pairs x cooperation forms, with the intensity
                           (high / medium / low) of the codebook's rule

    \b
    Example:
        irtag compare outputs/seeds
    """
    from pipeline.compare import compare as compare_documents
    from pipeline.export.corpus import iter_documents, write_comparison

    for path in write_comparison(compare_documents(iter_documents(out_dir)), out_dir):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("coded", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("other", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), help="Also write the table as CSV.")
def agreement(coded, other, csv_out):
    """Agreement of codings, per scheme and label.

    CODED is a sentences sheet (sentences.csv / .xlsx saved as CSV) whose coder_factor,
    coder_stage, coder_resource and coder_cooperation columns a human filled. With one
    sheet: machine (factor, stage, ...) vs human (coder_*). With two: coder vs coder,
    matched on sent_id. Reports percent agreement, Cohen's kappa and Krippendorff's
    alpha (nominal) per label; if a coder_done column is ticked on some rows, only those
    rows count.

    \b
    Example:
        irtag agreement outputs/seeds/coded_by_anna.csv outputs/seeds/coded_by_ben.csv
    """
    from pipeline.coding import sheet_agreement
    from pipeline.codebook import scheme_labels

    table = sheet_agreement(coded, other, labels=scheme_labels())
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"))
    if csv_out:
        from pipeline.export import atomic_open

        with atomic_open(csv_out, "w", encoding="utf-8-sig", newline="") as handle:
            table.to_csv(handle, index=False)


# -- modelling: train, tag, evaluate (library: classify.py, annotate.py, evaluate.py) --------
@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, path_type=Path), default=None,
              help="Folder of gold CSVs [default: corpora/gold].")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the trained models [default: the project's outputs/models, which run and tag use].")
@click.option("--add", "added", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A sentences sheet with human codings (coder_* columns) to add to the gold; repeatable.")
def train(gold_dir, out_dir, added):
    """Train one classifier per scheme on the gold corpus and save it (JSON + .npy, no pickle).

    Thresholds and the lexicon/classifier fusion floor are chosen by cross-validation
    over the gold documents; the hand-written example files are always trained on.

    With --add, the human codings of a filled sentences sheet (coder_* columns; rows ticked
    in coder_done, or else rows with any coder_* cell filled) are first saved into the gold
    folder as corrections_<sheet>.csv, so they stay part of the training data, and the
    models are retrained with them.

    \b
    Example:
        irtag train --gold corpora/gold -o outputs/models
        irtag train --add outputs/seeds/sentences_coded.csv
    """
    from pipeline.classify import default_gold_dir, train_main

    for sheet in added:
        from pipeline.codebook import scheme_labels
        from pipeline.coding import sheet_to_gold
        from pipeline.export import atomic_open

        rows = sheet_to_gold(sheet, labels=scheme_labels())
        target = Path(gold_dir or default_gold_dir()) / f"corrections_{sheet.stem}.csv"
        with atomic_open(target, "w", encoding="utf-8", newline="") as handle:
            rows.to_csv(handle, index=False)
        click.echo(f"added {len(rows)} human-coded rows -> {target}")
    click.echo(train_main(gold_dir, out_dir))


@cli.command()
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", default="text", show_default=True, help="Column with the sentence text.")
@click.option("--id-column", default="sent_id", show_default=True, help="Column with the row id (kept).")
@click.option("--lang-column", default=None, help="Column with zh/en [default: detect per row].")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="One language for every row.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of trained models [default: outputs/models, trained from corpora/gold if missing].")
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tagged CSV to write.")
def tag(table, text_column, id_column, lang_column, lang, models_dir, out_path):
    """Tag the rows of a CSV/XLSX table, one row = one unit.

    The output keeps the id column and adds lang, one column per scheme (fused labels,
    ';'-joined in codebook order, as in a gold table), the two systems fused
    (<scheme>__lexicon, <scheme>__classifier), evidence, scores and actors.

    \b
    Example:
        irtag tag sheet.csv --text-column text --id-column sent_id --lang-column lang -o tagged.csv
    """
    from pipeline.annotate import tag_file

    rows = tag_file(table, out_path, text_column=text_column, id_column=id_column,
                    lang_column=lang_column, lang=lang, models_dir=models_dir)
    click.echo(f"tagged {rows} rows -> {out_path}")


@cli.command()
@click.option("--sentences", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tagged table (irtag tag output).")
@click.option("--gold", type=click.Path(exists=True, path_type=Path),
              help="Gold table; with --cv, the gold folder [default: corpora/gold].")
@click.option("--cv", is_flag=True, help="Grouped 5-fold cross-validation on the gold corpus (seed documents and hand-written passages held out whole).")
@click.option("--terms", is_flag=True, help="Precision of every lexicon term on the gold corpus (or --gold): how often its label is the coder's; most disagreements first.")
@click.option("--actors", "actors_gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Organisation mention gold (actors_gold.csv): tag --sentences [default: sentences.csv beside it] and score the mentions.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the per-label table as CSV.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write summary and per-label tables as JSON.")
def evaluate(sentences, gold, cv, terms, actors_gold, csv_out, json_out):
    """Precision, recall, F1 per label; micro- and macro-F1 per scheme and language.

    Scores the fused labels and, where the table has them, the lexicon and classifier
    systems. Macro-F1 averages the labels with gold support in that language.

    \b
    Example:
        irtag evaluate --sentences tagged.csv --gold gold.csv --csv scores.csv
        irtag evaluate --cv
        irtag evaluate --terms --csv term_precision.csv
        irtag evaluate --actors ../shared/dev/actors_gold.csv
    """
    from pipeline import evaluate as evaluation

    if actors_gold:
        from pipeline.evaluate_actors import main as main_actors

        click.echo(main_actors(actors_gold, sentences, csv_out=csv_out))
        return
    if terms:
        click.echo(evaluation.main_terms(gold, csv_out=csv_out))
        return
    if cv:
        click.echo(evaluation.main_cv(gold, csv_out=csv_out, json_out=json_out))
        return
    if sentences is None or gold is None:
        raise click.UsageError("give --sentences and --gold, or --cv")
    click.echo(evaluation.main(sentences, gold, csv_out=csv_out, json_out=json_out))


@cli.command()
@click.option("--check", is_flag=True, help="Validate the lexicon files; list every problem, exit 1 if any.")
@click.option("--lexicons", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Lexicon folder [default: lexicons/ of the project, or $IRTAG_LEXICONS].")
def codebook(check, directory):
    """Print the codebook: schemes, labels, definitions and lexicon terms.

    The codebook and the lexicons are YAML files under lexicons/ (see lexicons/README.md
    for how to add a scheme, a label, a term or an organisation). With --check, every
    problem is listed as FILE:LINE: PROBLEM.

    \b
    Example:
        irtag codebook
        irtag codebook --check
    """
    from pipeline.codebook import validate
    from pipeline.lexicon import Lexicon, format_codebook

    if check:
        problems = validate(directory)
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(problems)} problem(s)")
        sys.exit(1 if problems else 0)
    click.echo(format_codebook(Lexicon.load(directory)))


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-n", "--limit", type=int, default=50, show_default=True, help="How many sentences to list.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of trained models [default: outputs/models].")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write them as CSV.")
def suggest(out_dir, limit, models_dir, csv_out):
    """List the sentences whose labels are least certain, for coders to do next.

    Every coded sentence of the run in OUT_DIR is scored by how close any classifier
    decision came to its threshold; the closest come first. Coding these (then
    irtag train --add) teaches the models the most per sentence.

    \b
    Example:
        irtag suggest outputs/seeds -n 30 --csv outputs/seeds/suggested.csv
    """
    from pipeline.classify import ensure_models
    from pipeline.coding import suggest as rank
    from pipeline.export.corpus import iter_documents
    from pipeline.lexicon import Lexicon
    from pipeline.segment import Segmenter

    lexicon = Lexicon.load()
    models = ensure_models(str(models_dir) if models_dir else None, Segmenter(extra_words=lexicon.zh_terms()), lexicon)
    table = rank(iter_documents(out_dir), lexicon, models, limit=limit)
    click.echo(table.to_string(index=False, max_colwidth=60))
    if csv_out:
        from pipeline.export import atomic_open

        with atomic_open(csv_out, "w", encoding="utf-8-sig", newline="") as handle:
            table.to_csv(handle, index=False)


if __name__ == "__main__":
    cli()
