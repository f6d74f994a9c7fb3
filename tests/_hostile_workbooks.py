"""Hostile workbooks, built by code: each starts from the sample template (or from nothing) and
changes what the zip or its XML says, the way a broken or malicious file would."""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from _submission_helpers import edit, write_sample_xlsx
from soeplan.submissions import template as tpl

Edit = Callable[[str], str]


def rezip(
    src: Path,
    dst: Path,
    edits: dict[str, Edit] | None = None,
    extra: dict[str, bytes] | None = None,
    drop: frozenset[str] = frozenset(),
) -> Path:
    """Copy the zip ``src`` to ``dst``, rewriting the XML members in ``edits`` and adding
    ``extra``."""
    edits = edits or {}
    data = {}
    with zipfile.ZipFile(src) as zin:
        for name in zin.namelist():
            if name in drop:
                continue
            body = zin.read(name)
            if name in edits:
                body = edits[name](body.decode("utf-8")).encode("utf-8")
            data[name] = body
    data.update(extra or {})
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, body in data.items():
            zout.writestr(name, body)
    return dst


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member of ``sheet``, read from the workbook's own index (not soeplan's)."""
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', book)
    assert rid, sheet
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target, rid.group(1)
    t = target.group(1)
    return t.lstrip("/") if t.startswith("/") else f"xl/{t}"


def sample(tmp: Path, name: str = "sample.xlsx") -> Path:
    return write_sample_xlsx(tmp / name)


def edit_data_xml(src: Path, dst: Path, change: Edit) -> Path:
    return rezip(src, dst, {sheet_part(src, tpl.DATA_SHEET): change})


def stale_dimension(tmp: Path) -> Path:
    """The sample with its data sheet's ``<dimension>`` saying ``A1:L10``."""
    src = sample(tmp)
    return edit_data_xml(
        src,
        tmp / "stale.xlsx",
        lambda x: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:L10"/>', x),
    )


def bomb(tmp: Path, megabytes: int = 98) -> Path:
    """The sample with its entity list swapped for ``megabytes`` of sheet XML (about 8 MB
    zipped), written in chunks so that building it stays small in memory."""
    src = sample(tmp)
    part = sheet_part(src, tpl.ENTITY_SHEET)
    block = "".join(
        f'<row r="{i}">'
        + "".join(
            f'<c r="{c}{i}" t="n"><v>{(i + k) % 8 * 12.5}</v></c>' for k, c in enumerate("ABCDEFGH")
        )
        + "</row>"
        for i in range(1, 6001)
    ).encode()
    dst = tmp / "bomb.xlsx"
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for name in zin.namelist():
            if name != part:
                zout.writestr(name, zin.read(name))
        with zout.open(part, "w", force_zip64=True) as fh:
            fh.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            written = 0
            while written < megabytes * 1024 * 1024:
                fh.write(block)
                written += len(block)
            fh.write(b"</sheetData></worksheet>")
    return dst


def ratio_bomb(tmp: Path, megabytes: int = 40) -> Path:
    """The sample with a picture part of ``megabytes`` of zeros (it deflates a thousand times)."""
    src = sample(tmp)
    return rezip(src, tmp / "ratio.xlsx", extra={"xl/media/image1.png": bytes(megabytes << 20)})


def far_cell(tmp: Path, coordinate: str = "XFD1048576") -> Path:
    """The sample with one value at ``coordinate`` of the data sheet (a 14 KB sparse sheet)."""
    path = sample(tmp, "far.xlsx")
    wb = load_workbook(path)
    wb[tpl.DATA_SHEET][coordinate] = 1
    wb.save(path)
    return path


def formula(tmp: Path, entity: str, code: str, cached: str | None = None) -> tuple[Path, str]:
    """The sample with a formula in (entity, code), saved without a value, or with ``cached``."""
    path = sample(tmp, "formula.xlsx")
    cell = edit(path, entity, code, "=1+2")
    if cached is None:
        return path, cell
    out = edit_data_xml(
        path,
        tmp / "cached.xlsx",
        lambda x: x.replace("<f>1+2</f><v />", f"<f>1+2</f><v>{cached}</v>"),
    )
    return out, cell


def error_cell(tmp: Path, entity: str, code: str) -> tuple[Path, str]:
    """The sample with ``#DIV/0!`` saved as the value of a formula in (entity, code)."""
    path = sample(tmp, "error.xlsx")
    cell = edit(path, entity, code, "=1/0")
    out = edit_data_xml(
        path,
        tmp / "div0.xlsx",
        lambda x: x.replace("<f>1/0</f><v />", "<f>1/0</f><v>#DIV/0!</v>").replace(
            f'<c r="{cell}"', f'<c r="{cell}" t="e"'
        ),
    )
    return out, cell


def ole2(path: Path, *, encrypted: bool) -> Path:
    """An OLE2 compound file: the header, and a directory sector naming its streams (as an
    encrypted workbook's does: ``EncryptionInfo``, ``EncryptedPackage``), or an old .xls's."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    header = header.ljust(512, b"\0")
    names = (
        ["Root Entry", "EncryptionInfo", "EncryptedPackage"]
        if encrypted
        else ["Root Entry", "Workbook"]
    )
    directory = b""
    for n in names:
        raw = (n + "\0").encode("utf-16-le")
        directory += raw.ljust(64, b"\0") + struct.pack("<H", len(raw)) + bytes(62)
    path.write_bytes(header + directory.ljust(512, b"\0") + bytes(1024))
    return path


def with_macros(tmp: Path, part: str = "xl/vbaProject.bin", name: str = "macros.xlsm") -> Path:
    return rezip(sample(tmp), tmp / name, extra={part: b"\xd0\xcf\x11\xe0 macro project"})


def hidden_with_copy(tmp: Path, copy_title: str | None = "数据填报 Data (2)") -> Path:
    """The sample with its data sheet hidden and (unless ``copy_title`` is None) a visible,
    edited copy of it."""
    path = sample(tmp, "hidden.xlsx")
    wb = load_workbook(path)
    ws = wb[tpl.DATA_SHEET]
    if copy_title is not None:
        copy = wb.copy_worksheet(ws)
        copy.title = copy_title
        copy.cell(row=tpl.FIRST_DATA_ROW, column=tpl.FIRST_INDICATOR_COL, value=999.99)
        wb.active = wb.index(copy)
    else:
        wb.active = 0
    ws.sheet_state = "hidden"
    wb.save(path)
    return path


def meta_edit(tmp: Path, key: str, value: object) -> Path:
    """The sample with the hidden metadata ``key`` set to ``value``."""
    path = sample(tmp, f"meta-{key}.xlsx")
    wb = load_workbook(path)
    ms = wb[tpl.META_SHEET]
    for row in ms.iter_rows():
        if row[0].value == key:
            row[1].value = value
    wb.save(path)
    return path


def doctype(tmp: Path) -> Path:
    """The sample with an entity declaration in its data sheet (an entity-expansion bomb)."""
    lol = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    return edit_data_xml(sample(tmp), tmp / "doctype.xlsx", lambda x: lol + x.split("?>", 1)[-1])


def truncated(tmp: Path) -> Path:
    src = sample(tmp)
    dst = tmp / "truncated.xlsx"
    dst.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    return dst
