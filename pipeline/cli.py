"""The ``irtag`` command line: a thin layer over the library.

Each command parses its options, builds a :class:`~pipeline.config.RunConfig`, calls one library
function and prints the result; an ``IrtagError`` becomes a one-line ``Error: …`` and exit code
1, a library warning a one-line ``Warning: …``. Options shared by several commands are spelled
once, as decorators.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from pipeline.errors import Errors, IrtagError


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        def show(message, category, filename, lineno, file=None, line=None):
            click.echo(f"Warning: {message}", err=True)

        warnings.showwarning = show
        try:
            return super().invoke(ctx)
        except IrtagError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:  # a full disk or an unwritable folder: one line, never a traceback
            where = exc.filename or "output"
            raise click.ClickException(Errors.E096.format(path=where, reason=exc.strerror or exc)) from exc


# -- shared options -------------------------------------------------------------------------
def config_option(command):
    return click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        default=None, help="YAML file overriding the defaults (see pipeline/default_config.yaml).")(command)


def models_option(command):
    return click.option("--models", "models_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Folder of trained models [default: outputs/models; build it with irtag train].")(command)


def csv_option(command):
    return click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Also write the table as CSV.")(command)


def json_option(command):
    return click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Also write the tables as JSON.")(command)


def _config(config_path: Path | None = None, **overrides):
    from pipeline.config import RunConfig

    return RunConfig.load(config_path, **overrides)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="irtag")
def cli() -> None:
    """irtag: tag Chinese and English International Relations articles with a codebook
    of push/pull factors, policy-cycle stages, resources and cooperation forms.

    \b
    Typical use:
        irtag train                               # once: models from the gold corpus
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
@models_option
@click.option("--max-size-mb", type=float, default=None, help="Files larger than this are refused with an error [default: 50].")
@click.option("--max-pages", type=int, default=None, help="PDFs with more pages are refused with an error [default: 2000].")
@click.option("--max-chars", type=int, default=None, help="Documents with more characters of text are refused [default: 2000000].")
@click.option("--max-html-depth", type=int, default=None, help="HTML nested deeper is refused [default: 1000].")
@click.option("--max-inflated-mb", type=float, default=None,
              help="DOCX archives that would inflate past this are refused, before inflating [default: 200].")
@click.option("--time-limit", type=float, default=None,
              help="Seconds one input file may take before it is stopped and reported (E097) [default: 600].")
@click.option("--max-inflate-ratio", type=float, default=None,
              help="DOCX parts compressed more than this many times are refused (zip bombs) [default: 100].")
@click.option("--workers", type=int, default=None,
              help="Processes to spread documents over; 0: the cores available [default: the cores available].")
@click.option("--backend", type=click.Choice(["local", "dask"]), default=None,
              help="Where the per-document work runs: local processes, or Dask distributed "
                   "(pip install 'irtag[dask]') [default: local].")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="--backend dask: the scheduler to use [default: a local cluster of --workers processes].")
@click.option("--segmenter", type=click.Choice(["jieba", "rjieba"]), default=None,
              help="Chinese word segmenter (the same tokens; rjieba is faster) [default: rjieba].")
@click.option("--pdf-engine", type=click.Choice(["pdfplumber", "pypdfium2"]), default=None,
              help="PDF text extraction (pypdfium2 is faster, sees no font sizes) [default: pdfplumber].")
@click.option("--abstracts-only", is_flag=True, default=None,
              help="Bibliographic records: tag title and abstract even where a full text is attached.")
@config_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run(inputs, out_dir, tag, models_dir, max_size_mb, max_pages, max_chars, max_html_depth, max_inflated_mb,
        max_inflate_ratio, time_limit, workers, backend, scheduler, segmenter, pdf_engine, abstracts_only, config_path, quiet):
    """Run the whole pipeline on files and folders of articles.

    Every file under INPUTS that a reader handles (.txt, .md, .markdown, .html, .htm, .pdf,
    .docx, and bibliographic exports: .ris, .bib, .json/.csljson, Zotero/Scopus .csv, Web of
    Science and CNKI .txt; folders are searched recursively) is read, cleaned, split into
    sections, paragraphs, sentences and tokens, tagged, and written as it finishes (one
    document per article, one per export record):

    \b
        OUT/docs/<doc_id>.jsonl   one document per file, the full document model
        OUT/sentences.csv         one row per sentence (UTF-8 with BOM, opens in Excel),
                                  also as sentences.xlsx and sentences.parquet, with
                                  labels, evidence, scores and empty coder_* columns
        OUT/errors.csv            one row per file that could not be processed
        OUT/duplicates.csv        export records skipped as duplicates of one already read
        OUT/annotations.jsonl     one record per machine label with its evidence
        OUT/documents.csv, matrix_labels.csv, factor_stage.csv, org_pairs.csv
                                  comparison tables (see irtag compare --help)
        OUT/by_year.csv, factor_stage_by_year.csv
                                  label shares and Steffek's table per publication
                                  year, where documents have a year
        OUT/project.qdpx, codebook.qdc, codebook.csv
                                  REFI-QDA project and codebook, Taguette codebook
        OUT/report.html           self-contained report with heatmaps and evidence
        OUT/config.json           the resolved configuration of the run
        OUT/cache/<key>.jsonl     each input file's result, for a rerun to take up

    A rerun into the same OUT takes the files already done from OUT/cache (same bytes, same
    settings and models) and processes the rest -- after a kill, or on a folder with new files;
    changed lexicons or models re-tag everything. The corpus outputs are always rebuilt, with
    the same bytes whatever was resumed and whatever --workers or --backend.

    Tagging needs trained models (irtag train, once); run never trains. A file that fails
    (empty, binary, corrupt or encrypted PDF, undecodable text, too large) gets a one-line
    error naming the file and the reason; the batch goes on.

    \b
    Example:
        irtag run corpora/seeds -o outputs/seeds
    """
    from tqdm import tqdm

    from pipeline.batch import discover, run_corpus

    config = _config(config_path, models=models_dir, max_size_mb=max_size_mb, max_pages=max_pages, max_chars=max_chars,
                     max_html_depth=max_html_depth, max_inflated_mb=max_inflated_mb,
                     max_inflate_ratio=max_inflate_ratio, time_limit_s=time_limit, workers=workers, backend=backend, scheduler=scheduler,
                     segmenter=segmenter, pdf_engine=pdf_engine, abstracts_only=abstracts_only)
    bar = tqdm(total=len(discover(inputs)), unit="file", disable=quiet, file=sys.stderr, dynamic_ncols=True)
    files_done: set[Path] = set()

    def on_outcome(outcome, summary):
        if outcome.error:
            tqdm.write(f"Error: {outcome.error}", file=sys.stderr)
        if outcome.path not in files_done:  # an export yields several documents
            files_done.add(outcome.path)
            bar.update(1)
        rate = summary.sentences / summary.seconds if summary.seconds else 0.0
        bar.set_postfix(docs=summary.documents, sentences=summary.sentences, errors=len(summary.errors),
                        rate=f"{rate:.0f} sent/s", refresh=False)

    summary = run_corpus(inputs, out_dir, config, tag=tag, on_outcome=on_outcome)
    bar.close()
    click.echo(summary.format(out_dir))


@cli.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--by", "by", multiple=True, metavar="year|journal|lang|KEY",
              help="Also compare groups of documents: by publication year, journal, language, or any "
                   "metadata key, meta.extra key or documents.csv column; repeatable [default: year, "
                   "where documents have one].")
@click.option("--period", type=int, default=1, show_default=True,
              help="Years per period for --by year (5: 2015-2019, 2020-2024 ...).")
def compare(out_dir, by, period):
    """Compare the tagged documents of a run (irtag run does this too).

    Reads OUT_DIR/docs/*.jsonl one document at a time and writes:

    \b
        documents.csv      per document: year, authors, journal, DOI and the rest of
                           the bibliographic metadata, label counts, shares per 100 body
                           sentences, dominant stage, material vs symbolic resources,
                           organisations
        matrix_labels.csv  documents x labels
        factor_stage.csv   Steffek's push/pull x stage table, per document and corpus,
                           with example sentence ids per cell
        org_pairs.csv      organisation pairs x cooperation forms, with the intensity
                           (high / medium / low) of the codebook's rule
        by_<key>.csv       per group (year or period, journal ...): documents, coded
                           sentences, and per label the sentences with it, their share
                           per 100 coded sentences and the documents with it
        factor_stage_by_<key>.csv
                           Steffek's table per group

    \b
    Example:
        irtag compare outputs/review
        irtag compare outputs/review --by year --period 5 --by journal
    """
    from pipeline.compare_groups import write_grouped
    from pipeline.export.corpus import compare_run

    for path in compare_run(out_dir) + write_grouped(out_dir, by, period):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("coded", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("other", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@csv_option
def agreement(coded, other, csv_out):
    """Agreement of codings, per scheme and label.

    CODED is a sentences sheet (CSV in any encoding or delimiter Excel writes, XLSX or
    Parquet) whose coder_factor, coder_stage, coder_resource and coder_cooperation columns
    a human filled (labels separated by ; , 、 or /, any case, or the codebook's Chinese
    names). With one sheet: machine (factor, stage, ...) vs human (coder_*). With two:
    coder vs coder, matched on sent_id, on the schemes both sheets have. Reports percent
    agreement, Cohen's kappa and Krippendorff's alpha (nominal) per label, on the rows
    ticked in coder_done (1, x, yes, 是 ...; with no ticks, the rows with a coder cell
    filled), never on references, notes or page furniture. A sheet with no coder column,
    nothing coded or an unknown label is refused.

    \b
    Example:
        irtag agreement outputs/seeds/coded_by_anna.csv outputs/seeds/coded_by_ben.csv
    """
    from pipeline.codebook import scheme_labels
    from pipeline.coding import sheet_agreement
    from pipeline.io import write_table

    result = sheet_agreement(coded, other, labels=scheme_labels())
    for note in result.notes:
        click.echo(note)
    click.echo(result.table.to_string(index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"))
    if csv_out:
        write_table(csv_out, result.table)


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, path_type=Path), default=None,
              help="Folder of gold CSVs [default: corpora/gold].")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the trained models [default: the project's outputs/models, which run and tag use].")
@click.option("--add", "added", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A sentences sheet with human codings (coder_* columns) to add to the gold; repeatable.")
@click.option("--coder", default=None,
              help="Whose codings --add saves, where the sheet has no coder column [default: the sheet's folder and name].")
@click.option("--if-stale", is_flag=True,
              help="Train only if the folder has no models or they were trained on other data or settings.")
@config_option
def train(gold_dir, out_dir, added, coder, if_stale, config_path):
    """Train one classifier per scheme on the gold corpus and save it (JSON + .npy, no pickle).

    Thresholds and the lexicon/classifier fusion floor are chosen by cross-validation
    over the gold documents; the hand-written example files are always trained on. The
    model folder's manifest records the gold and lexicon files and the config trained with.

    With --add, the human codings of a filled sentences sheet (CSV in any encoding, XLSX or
    Parquet; coder_* columns; rows ticked in coder_done, or else rows with any coder_* cell
    filled) are first saved into the gold folder as corrections_<coder>.csv, one file per
    coder (a coder column, else --coder, else the sheet's folder and name), a later decision
    on a sentence replacing the earlier one. They stay part of the training data and win over
    any gold row with the same text; such conflicts are listed.

    \b
    Example:
        irtag train
        irtag train --gold corpora/gold -o outputs/models
        irtag train --add outputs/seeds/sentences_coded.csv --coder anna
    """
    from pipeline.codebook import scheme_labels
    from pipeline.coding import add_corrections
    from pipeline.training import train_folder

    config = _config(config_path, gold=gold_dir, models=out_dir)
    for sheet in added:
        for saved in add_corrections(sheet, config.gold, labels=scheme_labels(), coder=coder):
            click.echo(f"added {saved.added} rows of coder {saved.coder} ({saved.replaced} replacing an earlier "
                       f"decision) -> {saved.path}")
            for conflict in saved.conflicts:
                click.echo(f"conflict with the gold (the correction is trained on): {conflict}")
    click.echo(train_folder(config, if_stale=if_stale and not added))


@cli.command()
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", default="text", show_default=True, help="Column with the sentence text.")
@click.option("--id-column", default="sent_id", show_default=True, help="Column with the row id (kept).")
@click.option("--lang-column", default=None, help="Column with zh/en [default: detect per row].")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="One language for every row.")
@click.option("--keep-columns", default=None,
              help="Comma-separated input columns to keep, in this order [default: all, in the table's order].")
@models_option
@config_option
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tagged CSV to write.")
def tag(table, text_column, id_column, lang_column, lang, keep_columns, models_dir, config_path, out_path):
    """Tag the rows of a CSV/XLSX table, one row = one unit.

    The output keeps every input column (title, year, authors … of a Zotero CSV; or only
    --keep-columns, the id column and doc_id always) and adds lang, one column per scheme
    (fused labels, ';'-joined in codebook order, as in a gold table), each tagger's own
    labels (<scheme>__lexicon, <scheme>__classifier), evidence, scores, actors and text.
    An input column named like one of these (a coder's factor column, say) is kept as
    input_<name>.

    \b
    Example:
        irtag tag sheet.csv --text-column text --id-column sent_id --lang-column lang -o tagged.csv
        irtag tag zotero.csv --text-column "Abstract Note" --id-column Key --keep-columns "Title,Publication Year" -o tagged.csv
    """
    from pipeline.stages import load

    keep = None if keep_columns is None else [c.strip() for c in keep_columns.split(",") if c.strip()]
    rows = load(_config(config_path, models=models_dir)).tag_file(
        table, out_path, text_column=text_column, id_column=id_column, lang_column=lang_column, lang=lang,
        keep_columns=keep)
    click.echo(f"tagged {rows} rows -> {out_path}")


@cli.command()
@click.option("--sentences", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tagged table (irtag tag output).")
@click.option("--gold", type=click.Path(exists=True, path_type=Path),
              help="Gold table; with --cv or --terms, the gold folder [default: corpora/gold].")
@click.option("--cv", is_flag=True, help="Grouped 5-fold cross-validation on the gold corpus (seed documents and hand-written passages held out whole).")
@click.option("--terms", is_flag=True, help="Precision of every lexicon term on the gold corpus (or --gold): how often its label is the coder's; most disagreements first.")
@click.option("--actors", "actors_gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Organisation mention gold (actors_gold.csv): tag --sentences [default: sentences.csv beside it] and score the mentions.")
@click.option("--relations", "relations_gold", type=click.Path(exists=True, path_type=Path),
              help="Relation gold (a corpora/relations/*.csv file or folder): tag its sentences and score the relations per language.")
@csv_option
@json_option
@config_option
@models_option
def evaluate(sentences, gold, cv, terms, actors_gold, relations_gold, csv_out, json_out, config_path, models_dir):
    """Precision, recall, F1 per label; micro- and macro-F1 per scheme and language.

    Scores the fused labels and, where the table has them, each tagger's own labels.
    Macro-F1 averages the labels with gold support in that language.

    \b
    Example:
        irtag evaluate --sentences tagged.csv --gold gold.csv --csv scores.csv
        irtag evaluate --cv
        irtag evaluate --terms --csv term_precision.csv
        irtag evaluate --actors ../shared/dev/actors_gold.csv
        irtag evaluate --relations corpora/relations
    """
    from pipeline import evaluate as evaluation

    config = _config(config_path, models=models_dir)
    if relations_gold:
        from pipeline.evaluate_relations import main as main_relations

        click.echo(main_relations(relations_gold, csv_out=csv_out, config=config))
    elif actors_gold:
        from pipeline.evaluate_actors import main as main_actors

        click.echo(main_actors(actors_gold, sentences, csv_out=csv_out, config=config))
    elif terms:
        click.echo(evaluation.main_terms(gold, csv_out=csv_out, config=config))
    elif cv:
        click.echo(evaluation.main_cv(gold, csv_out=csv_out, json_out=json_out, config=config))
    elif sentences is None or gold is None:
        raise click.UsageError("give --sentences and --gold, or --cv, or --terms")
    else:
        click.echo(evaluation.main(sentences, gold, csv_out=csv_out, json_out=json_out, config=config))


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
    from pipeline.tag.lexicon import Lexicon, format_codebook

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
@models_option
@csv_option
@config_option
def suggest(out_dir, limit, models_dir, csv_out, config_path):
    """List the sentences whose labels are least certain, for coders to do next.

    Every coded sentence of the run in OUT_DIR is scored by how close any classifier
    decision came to its threshold; the closest come first. Sentences the gold folder
    already holds (the seeds' gold, every coder's corrections) are left out, and the CSV
    has the empty coder columns: fill it and give it to irtag train --add, which teaches
    the models the most per sentence.

    \b
    Example:
        irtag suggest outputs/seeds -n 30 --csv outputs/seeds/suggested.csv
    """
    from pipeline.coding import suggest_for_run
    from pipeline.io import write_table

    table = suggest_for_run(out_dir, _config(config_path, models=models_dir), limit=limit)
    click.echo(table.to_string(index=False, max_colwidth=60))
    if csv_out:
        write_table(csv_out, table)


if __name__ == "__main__":
    cli()
