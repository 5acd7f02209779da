"""Reading the codebook and lexicon YAML files with line numbers, every problem as FILE:LINE.

Each file is composed (never constructed: no YAML tag can run code) and walked node by node,
so a problem names the file and line where it stands, as quanteda validates a dictionary when
it is built. :func:`read_folder` returns the data and every problem found.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.codebook import (
    CODEBOOK_FILE, GAZETTEER_FILES, Codebook, Concept, LabelDef, LexiconData, Organisation, Pattern,
    Problem, SchemeDef, Term, normalize_term,
)
from pipeline.errors import Errors, IrtagError
from pipeline.norm import CJK_RE, LANGS, fold_width

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_ORG_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_CODEBOOK_KEYS = {"schemes", "actor_types"}
_SCHEME_KEYS = {"name", "description", "groups", "labels"}
_LABEL_KEYS = {"name", "definition", "group", "zh"}
_ACTOR_TYPE_KEYS = {"name", "definition"}
_LEXICON_KEYS = {"scheme", "description", "concepts"}
_CONCEPT_KEYS = {"id", "label", "zh", "en", "patterns", "note"}
_GAZETTEER_KEYS = {"organisations", "generic"}
_ORG_KEYS = {"id", "type", "parent", "zh", "en", "note"}
_GENERIC_KEYS = {"type", "zh", "en", "note"}


# -- YAML with line numbers ---------------------------------------------------------------
def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _unsafe_tag(root: yaml.Node) -> yaml.Node | None:
    """The first node whose tag a safe loader would not construct (``!!python/object`` …).

    ``yaml.compose`` builds nodes without constructing them, so such a tag passed unnoticed.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if node.tag not in yaml.SafeLoader.yaml_constructors:
            return node
        if isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in reversed(node.value) for item in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


class _Reader:
    """Walks composed YAML nodes of one file and records problems with their lines."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = str(path)
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def compose(self) -> yaml.Node | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            self.problem(0, f"cannot read the file ({err})")
            return None
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            reason = getattr(err, "problem", None) or str(err)
            self.problem(line, f"not valid YAML: {reason}")
            return None
        if node is None:
            self.problem(1, "file is empty")
            return None
        unsafe = _unsafe_tag(node)
        if unsafe is not None:
            tag = unsafe.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(_line(unsafe), f"tag '{tag}' is not allowed: lexicons are plain data (strings, "
                                        "lists and mappings)")
            return None
        return node

    def mapping(self, node: yaml.Node, allowed: set[str], what: str) -> dict[str, yaml.Node]:
        """A mapping's items by key; unknown and repeated keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(_line(node), f"{what} must be a mapping of keys to values")
            return {}
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in items:
                self.problem(_line(key_node), f"key '{key}' repeated in {what}")
                continue
            if key not in allowed:
                self.problem(
                    _line(key_node),
                    f"unknown key '{key}' in {what}; allowed: {', '.join(sorted(allowed))}",
                )
                continue
            items[key] = value_node
        return items

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(_line(node), f"{what} must be a list")
            return []
        return list(node.value)

    def scalar(self, node: yaml.Node | None, what: str, line: int, required: bool = True) -> str:
        if node is None:
            if required:
                self.problem(line, f"{what} is missing")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(_line(node), f"{what} must be a single value")
            return ""
        value = str(node.value).strip()
        if required and not value:
            self.problem(_line(node), f"{what} is empty")
        return value

    def terms(self, node: yaml.Node | None, lang: str, what: str) -> list[Term]:
        """A list of terms in one language; checks that each is non-empty and in its script."""
        out: list[Term] = []
        for item in self.sequence(node, f"{what} {lang} terms"):
            if not isinstance(item, yaml.ScalarNode):
                self.problem(_line(item), f"{what}: a {lang} term must be a string")
                continue
            text = str(item.value)
            line = _line(item)
            if not text.strip():
                self.problem(line, f"{what}: empty {lang} term")
                continue
            if text != text.strip():
                self.problem(line, f"{what}: {lang} term '{text}' has leading or trailing spaces")
                continue
            if fold_width(text) != text:
                self.problem(
                    line,
                    f"{what}: {lang} term '{text}' has full-width characters; write them "
                    "half-width (text is width-folded before matching)",
                )
            has_cjk = bool(CJK_RE.search(text))
            if lang == "zh" and not has_cjk:
                self.problem(line, f"{what}: zh term '{text}' has no Chinese characters; list it under en")
            if lang == "en" and has_cjk:
                self.problem(line, f"{what}: en term '{text}' has Chinese characters; list it under zh")
            out.append(Term(text, lang, line))
        return out


class _Duplicates:
    """Finds terms that are equal after normalisation within one scope (scheme or gazetteer)."""

    def __init__(self, reader_problems: list[Problem]) -> None:
        self.problems = reader_problems
        self.seen: dict[tuple[str, str, str], tuple[str, str, int, str]] = {}

    def add(self, scope: str, term: Term, owner: str, path: str) -> None:
        key = (scope, term.lang, normalize_term(term.text, term.lang))
        if key not in self.seen:
            self.seen[key] = (owner, path, term.line, term.text)
            return
        first_owner, first_path, first_line, first_text = self.seen[key]
        where = f"{Path(first_path).name}:{first_line}"
        if first_text == term.text:
            what = f"duplicate {term.lang} term '{term.text}'"
        elif fold_width(first_text) != first_text or fold_width(term.text) != term.text:
            what = f"{term.lang} term '{term.text}' duplicates '{first_text}' (full-width vs half-width)"
        else:
            what = f"{term.lang} term '{term.text}' duplicates '{first_text}' (same normalised form)"
        self.problems.append(
            Problem(path, term.line, f"{what} in {scope}: already in {first_owner} at {where}")
        )


# -- reading ------------------------------------------------------------------------------
def read_codebook(path: Path, problems: list[Problem]) -> Codebook:
    reader = _Reader(path, problems)
    root = reader.compose()
    schemes: dict[str, SchemeDef] = {}
    actor_types: dict[str, str] = {}
    if root is None:
        return Codebook(schemes, actor_types)
    top = reader.mapping(root, _CODEBOOK_KEYS, "codebook")
    for node in reader.sequence(top.get("schemes"), "schemes"):
        items = reader.mapping(node, _SCHEME_KEYS, "scheme")
        name = reader.scalar(items.get("name"), "scheme name", _line(node))
        if name and not _NAME_RE.match(name):
            reader.problem(_line(node), f"scheme name '{name}' must be lower_snake_case")
        if name in schemes:
            reader.problem(_line(node), f"scheme '{name}' defined twice")
            continue
        groups = tuple(
            reader.scalar(g, "group", _line(g)) for g in reader.sequence(items.get("groups"), "groups")
        )
        labels: list[LabelDef] = []
        for label_node in reader.sequence(items.get("labels"), f"labels of scheme '{name}'"):
            label_items = reader.mapping(label_node, _LABEL_KEYS, f"label of scheme '{name}'")
            line = _line(label_node)
            label = reader.scalar(label_items.get("name"), "label name", line)
            if label and not _NAME_RE.match(label):
                reader.problem(line, f"label name '{label}' must be lower_snake_case")
            if any(existing.name == label for existing in labels):
                reader.problem(line, f"label '{label}' defined twice in scheme '{name}'")
                continue
            definition = reader.scalar(label_items.get("definition"), f"definition of '{label}'", line)
            group = reader.scalar(label_items.get("group"), "group", line, required=bool(groups))
            if group and group not in groups:
                reader.problem(
                    line,
                    f"group '{group}' of label '{label}' is not one of the scheme's groups: "
                    f"{', '.join(groups) or '(none declared)'}",
                )
            zh = reader.scalar(label_items.get("zh"), f"zh name of '{label}'", line, required=False)
            if zh and not CJK_RE.search(zh):
                reader.problem(line, f"zh name '{zh}' of label '{label}' has no Chinese characters")
            elif zh and any(existing.zh == zh for existing in labels):
                reader.problem(line, f"zh name '{zh}' of label '{label}' is used twice in scheme '{name}'")
            labels.append(LabelDef(name, label, definition, group, zh))
        if not labels:
            reader.problem(_line(node), f"scheme '{name}' has no labels")
        description = reader.scalar(items.get("description"), "description", _line(node), required=False)
        if name:
            schemes[name] = SchemeDef(name, description, tuple(labels), groups)
    for node in reader.sequence(top.get("actor_types"), "actor_types"):
        items = reader.mapping(node, _ACTOR_TYPE_KEYS, "actor type")
        name = reader.scalar(items.get("name"), "actor type name", _line(node))
        if name in actor_types:
            reader.problem(_line(node), f"actor type '{name}' defined twice")
        elif name:
            actor_types[name] = reader.scalar(
                items.get("definition"), f"definition of '{name}'", _line(node)
            )
    if not schemes:
        reader.problem(_line(root), "no schemes defined")
    return Codebook(schemes, actor_types)


def _read_patterns(reader: _Reader, node: yaml.Node | None, what: str) -> list[Pattern]:
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        reader.problem(_line(node), f"{what}: patterns must be a mapping of zh/en to lists of regexes")
        return []
    out: list[Pattern] = []
    for key_node, value_node in node.value:
        lang = str(key_node.value)
        if lang not in LANGS:
            reader.problem(_line(key_node), f"{what}: pattern language '{lang}' must be zh or en")
            continue
        for item in reader.sequence(value_node, f"{what} {lang} patterns"):
            regex = str(item.value) if isinstance(item, yaml.ScalarNode) else ""
            line = _line(item)
            if not regex:
                reader.problem(line, f"{what}: empty {lang} pattern")
                continue
            try:
                compiled = re.compile(regex)
            except re.error as err:
                reader.problem(line, f"{what}: bad regex {regex!r}: {err}")
                continue
            if compiled.fullmatch(""):
                reader.problem(line, f"{what}: pattern {regex!r} matches the empty string")
                continue
            out.append(Pattern(regex, lang, line))
    return out


def _read_scheme_lexicon(
    path: Path, codebook: Codebook, problems: list[Problem], duplicates: _Duplicates, ids: dict[str, str]
) -> list[Concept]:
    reader = _Reader(path, problems)
    root = reader.compose()
    if root is None:
        return []
    top = reader.mapping(root, _LEXICON_KEYS, "lexicon")
    scheme = reader.scalar(top.get("scheme"), "scheme", _line(root))
    if scheme and scheme not in codebook.schemes:
        known = ", ".join(codebook.schemes) or "(none)"
        reader.problem(_line(top["scheme"]), f"unknown scheme '{scheme}'; the codebook has: {known}")
        return []
    labels = {lab.name for lab in codebook.schemes[scheme].labels} if scheme else set()
    concepts: list[Concept] = []
    for node in reader.sequence(top.get("concepts"), "concepts"):
        line = _line(node)
        known_problems = len(problems)
        items = reader.mapping(node, _CONCEPT_KEYS, "concept")
        concept_id = reader.scalar(items.get("id"), "concept id", line)
        label = reader.scalar(items.get("label"), "concept label", line)
        what = f"concept '{concept_id or '?'}'"
        ok = True
        if label and label not in labels:
            reader.problem(
                _line(items["label"]),
                f"unknown label '{label}' in scheme '{scheme}'; labels: {', '.join(sorted(labels))}",
            )
            ok = False
        if concept_id and label and not concept_id.startswith(f"{scheme}.{label}."):
            reader.problem(line, f"{what}: id must start with '{scheme}.{label}.'")
        if concept_id in ids:
            reader.problem(line, f"{what}: id already used at {ids[concept_id]}")
        elif concept_id:
            ids[concept_id] = f"{path.name}:{line}"
        terms = [t for lang in LANGS for t in reader.terms(items.get(lang), lang, what)]
        patterns = _read_patterns(reader, items.get("patterns"), what)
        if not terms and not patterns and len(problems) == known_problems:
            reader.problem(line, f"{what} has no terms and no patterns")
        for term in terms:
            duplicates.add(f"scheme '{scheme}'", term, what, str(path))
        if ok and scheme and label and concept_id:
            concepts.append(
                Concept(concept_id, scheme, label, tuple(terms), tuple(patterns), str(path), line)
            )
    return concepts


def _read_organisations(
    path: Path, codebook: Codebook, problems: list[Problem], duplicates: _Duplicates,
    seen_ids: dict[str, str],
) -> list[Organisation]:
    """One gazetteer file; ``seen_ids`` (id -> file:line) is shared by the gazetteer's files."""
    reader = _Reader(path, problems)
    root = reader.compose()
    if root is None:
        return []
    top = reader.mapping(root, _GAZETTEER_KEYS, "gazetteer")
    out: list[Organisation] = []
    entries = [(n, True) for n in reader.sequence(top.get("organisations"), "organisations")]
    entries += [(n, False) for n in reader.sequence(top.get("generic"), "generic")]
    for node, named in entries:
        line = _line(node)
        items = reader.mapping(node, _ORG_KEYS if named else _GENERIC_KEYS, "organisation")
        org_id = reader.scalar(items.get("id"), "organisation id", line) if named else ""
        what = f"organisation '{org_id}'" if named else "generic mention"
        if org_id and not _ORG_ID_RE.match(org_id):
            reader.problem(line, f"{what}: id may hold only letters, digits, '_', '.', '-'")
        if org_id in seen_ids:
            reader.problem(line, f"{what}: id already used at {seen_ids[org_id]}")
        elif org_id:
            seen_ids[org_id] = f"{path.name}:{line}"
        parent = reader.scalar(items.get("parent"), f"parent of {what}", line, required=False)
        org_type = reader.scalar(items.get("type"), f"type of {what}", line)
        if org_type and codebook.actor_types and org_type not in codebook.actor_types:
            reader.problem(
                _line(items["type"]),
                f"{what}: unknown actor type '{org_type}'; types: {', '.join(codebook.actor_types)}",
            )
        terms = [t for lang in LANGS for t in reader.terms(items.get(lang), lang, what)]
        if not terms:
            reader.problem(line, f"{what} has no names")
        for term in terms:
            duplicates.add("the gazetteer", term, what, str(path))
        out.append(Organisation(org_id, org_type, tuple(terms), str(path), line, parent))
    return out


def _check_parents(organisations: list[Organisation], problems: list[Problem]) -> None:
    """A parent must be another organisation of the gazetteer, and parents never form a loop."""
    parents = {o.id: o.parent for o in organisations if o.id}
    for org in organisations:
        if not org.parent:
            continue
        if org.parent not in parents:
            problems.append(Problem(org.path, org.line, f"organisation '{org.id}': unknown parent '{org.parent}'"))
            continue
        seen, current = {org.id}, org.parent
        while current and current not in seen:
            seen.add(current)
            current = parents.get(current, "")
        if current:
            problems.append(Problem(org.path, org.line, f"organisation '{org.id}': parents form a loop through '{current}'"))



def read_folder(folder: Path) -> tuple[LexiconData, list[Problem]]:
    """Read every lexicon file of ``folder``; return the data and all problems found."""
    problems: list[Problem] = []
    if not folder.is_dir():
        raise IrtagError(Errors.E032.format(path=folder))
    codebook_path = folder / CODEBOOK_FILE
    if codebook_path.is_file():
        codebook = read_codebook(codebook_path, problems)
    else:
        problems.append(Problem(str(codebook_path), 0, "codebook file is missing"))
        codebook = Codebook({}, {})
    duplicates = _Duplicates(problems)
    ids: dict[str, str] = {}
    concepts: list[Concept] = []
    organisations: list[Organisation] = []
    org_ids: dict[str, str] = {}
    for name in GAZETTEER_FILES:
        if (folder / name).is_file():
            organisations += _read_organisations(folder / name, codebook, problems, duplicates, org_ids)
    _check_parents(organisations, problems)
    for path in sorted(folder.glob("*.yaml")):
        if path.name not in (CODEBOOK_FILE, *GAZETTEER_FILES):
            concepts += _read_scheme_lexicon(path, codebook, problems, duplicates, ids)
    problems.sort(key=lambda p: (p.path, p.line, p.problem))
    return LexiconData(codebook, tuple(concepts), tuple(organisations)), problems

