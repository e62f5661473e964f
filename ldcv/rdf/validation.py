"""Validate the graph with SHACL (pySHACL) and report each result against the YAML entry at fault.

Our shapes (``shapes/ldcv*.ttl``, shipped as package ``ldcv.shapes``) are targetClass-based
so pySHACL runs without inference, which would cost ten times as much. schema.org's own
30.0 shapes ship beside them as a second, optional layer (``validate_schemaorg``).

A large graph is validated in forked processes, each running a share of the shapes
that have targets: every shape still sees the whole graph, so together they report
exactly what one process would.

The shapes are parsed by ``ldcv_shapes`` (40 ms) and held by whoever validates: a
command validates once, an index parses them before it forks its workers and hands
them over, and pySHACL is given them as its shapes graph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

from ldcv.errors import NotConformant
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.model import CV, Source
from ldcv.rdf.vocabulary import PREFIXES, SDO

SCHEMAORG_SHAPES = "schemaorg-shapes-30.0.shacl.ttl"
SCHEMAORG_SUBCLASSES = "schemaorg-subclasses-30.0.shacl.ttl"
SCHEMAORG_REPAIRS = "schemaorg-repairs.ttl"
SCHEMAORG_NODE = URIRef("https://w3id.org/ldcv/shapes#SchemaOrgNode")

# Prefixes for readable property paths: ours (rdflib's defaults would print schema.org as
# https), and SHACL's for paths in the shapes.
_PREFIXES = {**{prefix: str(namespace) for prefix, namespace in PREFIXES.items()}, "sh": str(SH)}
_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Triples from which forking pays: pySHACL takes about 55 µs a triple in one process;
# starting and ending two processes about 0.1 s from an indexer holding 300 MiB, so two
# halves save time from about 3,000 triples (the seed CV has 2,700, the largest
# generated one 20,000).
PARALLEL_FROM = 5_000


@dataclass(frozen=True)
class Finding:
    """One SHACL result, located in the YAML where possible."""

    severity: URIRef
    focus: Node
    path: str  # prefixed name, or "" for a constraint on the node itself
    message: str
    source: Source | None = None
    value: Node | None = None  # the value at fault, where it is not the focus node itself

    @property
    def severity_name(self) -> str:
        return _SEVERITY_NAMES.get(self.severity, str(self.severity))

    def __str__(self) -> str:
        where = str(self.source) if self.source else "(no YAML entry)"
        focus = f"<{self.focus}>" if isinstance(self.focus, URIRef) else self.focus.n3()
        path = f" {self.path}" if self.path else ""
        value = f" (value {_short(self.value)})" if self.value is not None else ""
        return f"{self.severity_name}: {where}: {focus}{path}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationResult:
    """What pySHACL's validate() returns, plus counts and the located findings."""

    conforms: bool  # False only when there is at least one sh:Violation
    report_graph: Graph
    text: str
    violations: int
    warnings: int
    findings: tuple[Finding, ...] = ()


def validate(
    graph: Graph, sources: Mapping[URIRef, Source] | None = None, *, shapes: Graph | None = None
) -> ValidationResult:
    """Validate ``graph`` against ldcv's shapes; locate each result with ``sources``.

    ``shapes``: ``ldcv_shapes()``, parsed already by the caller (else parsed here).
    """
    shapes = ldcv_shapes() if shapes is None else shapes
    return _result(_ldcv_report(graph, shapes), graph, sources or {})


def validate_schemaorg(graph: Graph, shapes: tuple[Graph, Graph] | None = None) -> ValidationResult:
    """Validate ``graph`` against schema.org's own 30.0 shapes, repaired to be usable.

    ``shapes``: ``schemaorg_shapes()``, parsed already by the caller (else parsed here).
    """
    shapes, subclasses = schemaorg_shapes() if shapes is None else shapes
    # The subclass axioms are mixed into a copy of the data graph so that a shape
    # targeting schema:Thing reaches every subclass without running RDFS inference.
    _, report, _ = pyshacl_validate(
        graph, shacl_graph=shapes, ont_graph=subclasses, inference="none", allow_warnings=True
    )
    return _result(report, graph, {})


def ensure_conforms(
    graph: Graph,
    cvs: Sequence[CV],
    base_uri: str | None = None,
    *,
    jobs: int | None = None,
    meanwhile: Callable[[], object] | None = None,
    sources: Mapping[URIRef, Source] | None = None,
    shapes: Graph | None = None,
) -> list[str]:
    """Raise ``NotConformant`` if ``graph`` has violations; return the warning lines.

    ``sources`` (from ``map_located``) saves mapping the CVs again to locate findings;
    ``shapes`` (``ldcv_shapes()``, held by a caller that validates many graphs) parsing
    the shapes again.

    ``jobs`` processes share the work on a large graph (default: one per CPU).
    ``meanwhile`` is called once, while they do (or before validating, when the
    graph is validated in this process); it must not depend on the outcome.
    """
    shapes = ldcv_shapes() if shapes is None else shapes
    findings = _ldcv_findings(graph, shapes, jobs or cpu_count(), meanwhile or (lambda: None))
    if findings:
        # Locating results maps the CVs again: worth it only when there is something to locate.
        from ldcv.rdf.mapping import source_index

        if sources is None:
            base = base_uri if base_uri is not None else _infer_base(graph, cvs)
            sources = source_index(cvs, base) if base is not None else {}
        findings = {replace(f, source=_locate(f.focus, graph, sources)) for f in findings}
    result = _summarise(findings, Graph())
    if not result.conforms:
        raise NotConformant(result.text)
    return [str(f) for f in result.findings if f.severity != SH.Violation]


def _ldcv_report(graph: Graph, shapes: Graph, chosen: Sequence[URIRef] | None = None) -> Graph:
    # No inference: every shape is reached through sh:targetClass or a predicate target.
    _, report, _ = pyshacl_validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        use_shapes=[str(s) for s in _with_references(shapes, chosen)] if chosen else None,
    )
    return report


# What names a shape inside a shape: one (sh:node …) or a list of them (sh:or …).
_SHAPE_VALUED = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def _with_references(shapes: Graph, chosen: Sequence[URIRef]) -> list[URIRef]:
    """Return ``chosen`` and every named shape they use (``sh:node ldcvsh:Date`` …).

    pySHACL's ``use_shapes`` silently skips a named shape that is used but not listed:
    a share of the shapes without ldcvsh:Date passed every malformed date.
    """
    listed = list(chosen)
    seen: set[Node] = set(listed)
    queue = deque(listed)
    while queue:
        node = queue.popleft()
        used = [o for p in _SHAPE_VALUED for o in shapes.objects(node, p)]
        used += [
            i
            for p in _SHAPE_LISTS
            for items in shapes.objects(node, p)
            for i in shapes.items(items)
        ]
        for shape in used:
            if shape not in seen:
                seen.add(shape)
                queue.append(shape)
                if isinstance(shape, URIRef):
                    listed.append(shape)
    return listed


def _ldcv_findings(
    graph: Graph, shapes: Graph, jobs: int, meanwhile: Callable[[], object]
) -> set[Finding]:
    """The findings of ldcv's shapes on ``graph``, not yet located in the YAML."""
    shares = _shares(graph, shapes, jobs * 3) if _may_fork(graph, jobs) else []
    if len(shares) < 2:
        meanwhile()
        return _unlocated(_ldcv_report(graph, shapes), graph)
    found: set[Finding] = set()
    with handed_to_workers(graph=graph, shapes=shapes), start_pool(jobs) as pool:
        # The costliest shares first, each to whichever process is free.
        results = pool.imap_unordered(_share_findings, shares, chunksize=1)
        meanwhile()  # this process's own work, while the workers validate
        for share in results:
            found |= share
    return found


def _share_findings(share: list[URIRef]) -> set[Finding]:
    graph: Graph = inherited("graph")
    return _unlocated(_ldcv_report(graph, inherited("shapes"), share), graph)


def _unlocated(report: Graph, data: Graph) -> set[Finding]:
    namespaces = _namespaces(data)
    return {_finding(report, r, data, {}, namespaces) for r in _results(report)}


def _may_fork(graph: Graph, jobs: int) -> bool:
    # Forking a process that runs other threads (a server reloading its data) could
    # copy a lock some thread holds; such callers validate in one process.
    return len(graph) >= PARALLEL_FROM and may_fork(jobs)


def _shares(graph: Graph, shapes: Graph, count: int) -> list[list[URIRef]]:
    """Split the shapes with targets into at most ``count`` shares, the costliest first."""
    targeted = sorted({s for t in _TARGETS for s in shapes.subjects(t, None)})
    if not all(isinstance(s, URIRef) for s in targeted):
        return []  # pySHACL selects shapes by IRI only
    costs = {s: _cost(graph, shapes, s) for s in targeted}
    shares: list[list[URIRef]] = [[] for _ in range(min(count, len(targeted)))]
    loads = [0] * len(shares)
    for shape in sorted(targeted, key=lambda s: (-costs[s], str(s))):
        lightest = loads.index(min(loads))
        shares[lightest].append(shape)  # type: ignore[arg-type]
        loads[lightest] += costs[shape]
    order = sorted(range(len(shares)), key=lambda i: -loads[i])
    return [shares[i] for i in order if shares[i]]


# Constraints that cost a nested evaluation or a walk per value, beyond a plain check.
_NESTED = (SH.node, SH["or"], SH["and"], SH.xone, SH["not"], SH["class"], SH.qualifiedValueShape)
_PAIRED = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)


def _cost(graph: Graph, shapes: Graph, shape: Node) -> int:
    """Estimate pySHACL's work for a shape: its focus nodes times its constraints' weight."""
    weight = 1
    for constraint in (shape, *shapes.objects(shape, SH.property)):
        weight += 1
        weight += 3 * sum(1 for p in _NESTED if (constraint, p, None) in shapes)
        weight += sum(1 for p in _PAIRED if (constraint, p, None) in shapes)
        path = shapes.value(constraint, SH.path)
        if path is not None and not isinstance(path, URIRef):
            weight += 3  # a sequence or a repetition: a walk per focus node
    return weight * (1 + _focus_count(graph, shapes, shape))


def _focus_count(graph: Graph, shapes: Graph, shape: Node) -> int:
    count = sum(1 for _ in shapes.objects(shape, SH.targetNode))
    for cls in shapes.objects(shape, SH.targetClass):
        count += sum(1 for _ in graph.subjects(RDF.type, cls))
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        count += sum(1 for _ in graph.subjects(predicate, None, unique=True))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        count += sum(1 for _ in graph.objects(None, predicate, unique=True))
    return count


def ldcv_shapes() -> Graph:
    """Parse ldcv's own shapes (shipped as ``ldcv.shapes``): 40 ms, for its holder to keep."""
    graph = Graph()
    for name in _shape_files():
        graph.parse(data=files("ldcv.shapes").joinpath(name).read_text("utf-8"), format="turtle")
    return graph


def schemaorg_shapes() -> tuple[Graph, Graph]:
    """Parse schema.org's shapes, repaired (see schemaorg-repairs.ttl), and its subclass axioms."""
    package = files("ldcv.shapes")
    shapes = Graph().parse(
        data=package.joinpath(SCHEMAORG_SHAPES).read_text("utf-8"), format="turtle"
    )
    repairs = Graph().parse(
        data=package.joinpath(SCHEMAORG_REPAIRS).read_text("utf-8"), format="turtle"
    )
    datatype_shapes = set(repairs.subjects(RDF.type, SH.NodeShape)) - {SCHEMAORG_NODE}
    for shape in datatype_shapes:
        shapes.remove((shape, SH.nodeKind, None))
        shapes.remove((shape, SH.targetClass, None))
    for holder, target in list(shapes.subject_objects(SH.node)):
        if target not in datatype_shapes:
            shapes.remove((holder, SH.node, target))
            shapes.add((holder, SH.node, SCHEMAORG_NODE))
    shapes += repairs
    subclasses = Graph().parse(
        data=package.joinpath(SCHEMAORG_SUBCLASSES).read_text("utf-8"), format="turtle"
    )
    return shapes, subclasses


def _shape_files() -> list[str]:
    names = [p.name for p in files("ldcv.shapes").iterdir() if p.name.endswith(".ttl")]
    return sorted(n for n in names if not n.startswith("schemaorg-"))


def _result(report: Graph, data: Graph, sources: Mapping[URIRef, Source]) -> ValidationResult:
    namespaces = _namespaces(data)
    findings = {_finding(report, r, data, sources, namespaces) for r in _results(report)}
    return _summarise(findings, report)


def _summarise(found: Iterable[Finding], report: Graph) -> ValidationResult:
    # A value that breaks two constraints of one property shape yields two results with
    # the same message; one line says it (``found`` is a set).
    findings = sorted(
        found,
        key=lambda f: (
            _SEVERITY_ORDER.get(f.severity, 3),
            f.source.file if f.source else "~",
            f.source.line if f.source else 0,
            str(f.focus),
            f.path,
            f.message,
        ),
    )
    violations = sum(f.severity == SH.Violation for f in findings)
    warnings = sum(f.severity == SH.Warning for f in findings)
    summary = (
        f"{violations} violation(s), {warnings} warning(s)"
        if findings
        else "Conforms: no violations, no warnings"
    )
    text = "\n".join([*(str(f) for f in findings), summary])
    return ValidationResult(
        conforms=violations == 0,
        report_graph=report,
        text=text,
        violations=violations,
        warnings=warnings,
        findings=tuple(findings),
    )


def _results(report: Graph) -> Iterable[Node]:
    # pySHACL also types the nested results of sh:node/sh:or as sh:ValidationResult and
    # hangs them off the top-level result with sh:detail; the top level says it all.
    details = set(report.objects(None, SH.detail))
    return (r for r in report.subjects(RDF.type, SH.ValidationResult) if r not in details)


def _finding(
    report: Graph,
    result: Node,
    data: Graph,
    sources: Mapping[URIRef, Source],
    namespaces: NamespaceManager,
) -> Finding:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    value = report.value(result, SH.value)
    return Finding(
        severity=report.value(result, SH.resultSeverity) or SH.Violation,
        focus=focus,
        path=_render_path(report, path, namespaces) if path is not None else "",
        message=messages[0] if messages else "(no message)",
        source=_locate(focus, data, sources),
        value=value if value is not None and value != focus else None,
    )


def _locate(focus: Node, data: Graph, sources: Mapping[URIRef, Source]) -> Source | None:
    """Find the YAML entry of ``focus``, or of the nearest node that links to it."""
    # A list cell, an address or an identifier has no entry of its own: walk
    # back along incoming links to the thing whose entry wrote it.
    if not sources:
        return None
    seen = {focus}
    queue = deque([focus])
    while queue:
        node = queue.popleft()
        if node in sources:
            return sources[node]  # type: ignore[index]
        for subject in data.subjects(None, node):
            if subject not in seen:
                seen.add(subject)
                queue.append(subject)
    return None


def _short(node: Node, limit: int = 60) -> str:
    text = f"<{node}>" if isinstance(node, URIRef) else node.n3()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render_path(report: Graph, path: Node, namespaces: NamespaceManager) -> str:
    """Write a SHACL property path the way SPARQL would: ``^schema:author``, ``a/b*``."""
    if isinstance(path, URIRef):
        return path.n3(namespaces)
    if isinstance(path, Literal):
        return str(path)
    if (path, RDF.first, None) in report:
        return "/".join(_render_path(report, p, namespaces) for p in report.items(path))
    for predicate, wrap in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = report.value(path, predicate)
        if inner is not None:
            text = _render_path(report, inner, namespaces)
            return wrap.format(f"({text})" if "/" in text or "|" in text else text)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_render_path(report, p, namespaces) for p in report.items(alternatives))
    return str(path)


def _namespaces(graph: Graph) -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in _PREFIXES.items():
        manager.bind(prefix, Namespace(namespace), override=True, replace=True)
    # The graph's own prefixes (e.g. ldcv's vocabulary) come second: ours win on clashes.
    for prefix, namespace in graph.namespaces():
        if prefix and prefix not in _PREFIXES and str(namespace) not in _PREFIXES.values():
            manager.bind(prefix, namespace, override=False)
    return manager


def _infer_base(graph: Graph, cvs: Sequence[CV]) -> str | None:
    """Recover the base URI from the owner's IRI, for callers that do not pass it."""
    for cv in cvs:
        suffix = f"/id/person/{cv.owner.key}"
        for subject in graph.subjects(RDF.type, SDO.Person):
            if isinstance(subject, URIRef) and str(subject).endswith(suffix):
                return str(subject)[: -len(suffix)]
    return None


__all__ = [
    "Finding",
    "ValidationResult",
    "ensure_conforms",
    "validate",
    "validate_schemaorg",
]
