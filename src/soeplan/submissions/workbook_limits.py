"""What a submitted workbook may be, checked before it is read: :func:`survey_workbook`.

An ``.xlsx`` file is a zip of XML parts, and nothing in it can be trusted before it is looked
at: its sizes, its declared ``<dimension>``, its sheets' states. This module looks, cheaply and
in bounded memory, before any reader does the heavy work:

* the file's size, and that it is a zip at all (an encrypted workbook is an OLE2 compound file,
  ``D0 CF 11 E0``, with an ``EncryptionInfo`` stream: it is named as such);
* the zip's members: how many, their total uncompressed size, each one's compression ratio (a
  zip bomb is refused from its directory, without inflating anything); macros
  (``vbaProject.bin``, Excel 4.0 macro sheets) are refused;
* the workbook's sheets, with their states (visible, hidden, very hidden) and their parts;
* then, for each sheet that is read, its *real* extent
  (:func:`soeplan.submissions.workbook_scan.scan_sheet`), never its declared ``<dimension>``.

The limits are :data:`WORKBOOK_LIMITS` (:class:`WorkbookLimits`), in one place.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from xml.parsers import expat

import attrs

from soeplan.submissions.read_errors import SubmissionReadError, read_failure

MiB = 1024 * 1024


@attrs.frozen(kw_only=True)
class WorkbookLimits:
    """The limits a submitted workbook must keep, each checked before the workbook is read."""

    file_bytes: int = 20 * MiB  #: the file itself
    uncompressed_bytes: int = 50 * MiB  #: all the zip's members, inflated
    members: int = 1_000  #: entries in the zip
    ratio: float = 100.0  #: a member's uncompressed size over its compressed size, ...
    ratio_floor: int = 1 * MiB  #: ... checked for members larger than this when inflated
    rows: int = 5_000  #: the last row of a read sheet that holds a value
    columns: int = 200  #: the last column of a read sheet that holds a value


#: The limits in force (see the docs page "What soeplan refuses, and why").
WORKBOOK_LIMITS = WorkbookLimits()

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTION_STREAMS = tuple(s.encode("utf-16-le") for s in ("EncryptionInfo", "EncryptedPackage"))
_MACRO_PARTS = re.compile(r"(^|/)vbaproject\.bin$|^xl/(macrosheets|dialogsheets)/", re.I)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

SAVE_AS_XLSX = "save it from Excel or WPS as .xlsx (Excel 工作簿); start from `soeplan template` if it is damaged"


def _mb(n: float) -> str:
    return f"{n / MiB:.1f} MB"


@attrs.frozen
class SheetInfo:
    """One sheet as the workbook lists it."""

    name: str
    state: str  #: ``visible``, ``hidden`` or ``veryHidden``
    part: str | None  #: the zip member holding its cells (None: not a worksheet)

    @property
    def visible(self) -> bool:
        return self.state == "visible"


@attrs.frozen
class WorkbookSurvey:
    """What :func:`survey_workbook` found: the sheets, in the workbook's order."""

    path: Path
    sheets: Mapping[str, SheetInfo]
    limits: WorkbookLimits


def survey_workbook(path: Path, limits: WorkbookLimits = WORKBOOK_LIMITS) -> WorkbookSurvey:
    """Check an ``.xlsx`` file against ``limits`` and list its sheets, inflating only the
    workbook's small index parts. Raises :class:`SubmissionReadError` (exit code 2)."""
    check_size(path, limits)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE2_SIGNATURE:
        raise _ole2(path)
    if not head.startswith(ZIP_SIGNATURES):
        raise read_failure(path, "not a readable Excel workbook (not a zip archive)", SAVE_AS_XLSX)
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(path, zf.infolist(), limits)
            sheets = _sheets(path, zf)
    except zipfile.BadZipFile as exc:
        raise read_failure(
            path, f"not a readable Excel workbook (damaged zip: {exc})", SAVE_AS_XLSX
        ) from None
    return WorkbookSurvey(path=path, sheets=sheets, limits=limits)


def check_size(path: Path, limits: WorkbookLimits = WORKBOOK_LIMITS) -> None:
    """Refuse a submitted file (a workbook, a CSV or a Parquet file) over ``limits.file_bytes``."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise read_failure(
            path,
            f"文件过大 / the file is {_mb(size)}, more than the {_mb(limits.file_bytes)} a "
            "submission may be",
            "submit one unit's figures only (the template, or one long table); remove pictures "
            "and other sheets",
        )


def _ole2(path: Path) -> SubmissionReadError:
    """An OLE2 compound file: an encrypted workbook, or an old .xls under a new name."""
    data = path.read_bytes()  # at most limits.file_bytes
    if any(s in data for s in _ENCRYPTION_STREAMS):
        return read_failure(
            path,
            "工作簿已加密（设有打开密码）/ the workbook is encrypted (it has a password to open), "
            "so soeplan cannot read it",
            "open it in Excel or WPS, remove the password (文件 → 信息 → 保护工作簿 → 用密码进行"
            "加密, clear it / File → Info → Protect Workbook → Encrypt with Password), save it "
            "as .xlsx and submit that; a password on sheets only (保护工作表) is fine",
        )
    return read_failure(
        path,
        "an old-style .xls workbook (or another Office file) named .xlsx",
        "open it in Excel or WPS and save it as .xlsx (Excel 工作簿), then submit that",
    )


def _check_members(path: Path, infos: list[zipfile.ZipInfo], limits: WorkbookLimits) -> None:
    """The zip's directory against the limits, and no macros; nothing is inflated."""
    if len(infos) > limits.members:
        raise read_failure(
            path,
            f"the workbook has {len(infos)} parts, more than the {limits.members} a submission "
            "may have",
            "submit the unit's template only; start again from `soeplan template`",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.uncompressed_bytes:
        raise read_failure(
            path,
            f"解压后过大 / the workbook inflates to {_mb(total)}, more than the "
            f"{_mb(limits.uncompressed_bytes)} a submission may be (a zip bomb, or far more "
            "than one unit's figures)",
            "submit the unit's template only; start again from `soeplan template`",
        )
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise read_failure(
                path,
                f"压缩比异常 / the part {i.filename} inflates {ratio:.0f} times "
                f"({_mb(i.compress_size)} to {_mb(i.file_size)}), more than the "
                f"{limits.ratio:.0f} times a workbook's part may (a zip bomb)",
                "submit the unit's template only; start again from `soeplan template`",
            )
    macros = [i.filename for i in infos if _MACRO_PARTS.search(i.filename)]
    if macros:
        raise read_failure(
            path,
            f"含有宏 / the workbook contains macros ({', '.join(macros[:3])}); soeplan does not "
            "read macro workbooks: a macro can change what the file shows, and the office opens "
            "what it receives",
            "save it from Excel or WPS as .xlsx (Excel 工作簿, not 启用宏的工作簿 / not "
            "macro-enabled): the macros are dropped, the figures stay",
        )


def _elements(zf: zipfile.ZipFile, name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The elements of a small XML part (its local name and attributes), in document order."""
    out: list[tuple[str, dict[str, str]]] = []
    parser = safe_parser()
    parser.StartElementHandler = lambda tag, attrs: out.append((local_name(tag), attrs))
    parser.Parse(zf.read(name), True)
    return iter(out)


def _sheets(path: Path, zf: zipfile.ZipFile) -> dict[str, SheetInfo]:
    """The sheets listed in the workbook part, with their states and their parts."""
    names = set(zf.namelist())
    book = "xl/workbook.xml"
    try:
        for tag, a in _elements(zf, "_rels/.rels") if "_rels/.rels" in names else iter(()):
            if tag == "Relationship" and a.get("Type", "").endswith("/officeDocument"):
                book = a.get("Target", book).lstrip("/")
        if book not in names:
            raise read_failure(
                path, f"not a readable Excel workbook (no {book} in it)", SAVE_AS_XLSX
            )
        base = PurePosixPath(book).parent
        rels_name = str(base / "_rels" / (PurePosixPath(book).name + ".rels"))
        targets = {}
        for tag, a in _elements(zf, rels_name) if rels_name in names else iter(()):
            if tag == "Relationship":
                t = a.get("Target", "")
                targets[a.get("Id", "")] = t.lstrip("/") if t.startswith("/") else str(base / t)
        sheets: dict[str, SheetInfo] = {}
        for tag, a in _elements(zf, book):
            if tag == "sheet" and "name" in a:
                rid = a.get(f"{_REL_NS} id") or a.get("id", "")
                part = targets.get(rid)
                sheets[a["name"]] = SheetInfo(
                    a["name"], a.get("state", "visible"), part if part in names else None
                )
    except (expat.ExpatError, XmlRefused) as exc:
        raise read_failure(
            path, f"not a readable Excel workbook (its index is damaged: {exc})", SAVE_AS_XLSX
        ) from None
    return sheets


class XmlRefused(Exception):
    """Raised inside the XML handlers: a part that no workbook has (a document type)."""


def local_name(tag: str) -> str:
    return tag.rsplit(" ", 1)[-1]


def safe_parser() -> expat.XMLParserType:
    """An expat parser that refuses document type declarations (entity expansion bombs)."""

    def refuse(*_: object) -> None:
        raise XmlRefused("a document type declaration, which no workbook part has")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser
