"""Spreadsheet bombs: the worst uploads we could make under the import's 4 MB limit (issue 13, item 1).

Used by bench/import_bomb.py (timed, with memory) and tests/test_impor_bom.py (refused, nothing stored). Each maker
returns (ext, bytes). The .xlsx are written by hand (a minimal but valid package: openpyxl reads the small ones), as a
real spreadsheet program would never write them.
"""
from __future__ import annotations

import io
import random
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def package(sheet: bytes, shared: bytes | None = None, extra: dict[str, bytes] | None = None,
            compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An .xlsx holding one worksheet (its XML as given), optional shared strings and other members."""
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            f'workbook.xml" ContentType="{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{_CT}.worksheet+xml"/>'
            + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>' if shared else "")
            + "</Types>").encode(),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}"><sheets>'
                            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
            + "</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared:
        members["xl/sharedStrings.xml"] = shared
    members.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=9) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def sheet_xml(rows: bytes | str, dimension: str | None = None, before: str = "") -> bytes:
    rows = rows if isinstance(rows, bytes) else rows.encode()
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}{before}<sheetData>'.encode()
            + rows + b"</sheetData></worksheet>")


def _padded(xml: bytes) -> bytes:
    """The XML with an incompressible comment, so that its compression ratio passes the zip check (150 : 1): only the
    counts can stop it."""
    noise = random.Random(len(xml)).randbytes(len(xml) // 150).hex().encode()
    return xml + b"<!--" + noise + b"-->"


def _header() -> bytes:
    """The columns both imports need: Posyandu (kode_desa, nama) and numbers (with nomor_registrasi)."""
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>kode_desa</t></is></c>' \
           b'<c r="B1" t="inlineStr"><is><t>nama</t></is></c>' \
           b'<c r="C1" t="inlineStr"><is><t>nomor_registrasi</t></is></c></row>'


# --- the makers ----------------------------------------------------------------------------------------------------

def wide_numeric() -> tuple[str, bytes]:
    """The file of the report: 200 rows x 16,384 numeric cells (98 KB), dimension A1:XFD200."""
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(16_384))
    return "xlsx", package(sheet_xml(_header() + (b"<row>" + cells + b"</row>") * 200, "A1:XFD200"))


def wide_numeric_hidden() -> tuple[str, bytes]:
    """The same cells without a dimension, in rows of 100 (each row within the column limit), as many as fit under the
    member limit: only the cell count stops it."""
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    return "xlsx", package(_padded(sheet_xml(_header() + row * 7_000)))


def shared_strings() -> tuple[str, bytes]:
    """3,000,000 shared strings (125 KB in the report)."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
           + b"<si><t>x</t></si>" * 3_000_000 + b"</sst>")
    return "xlsx", package(sheet_xml(_header()), shared=sst)


def shared_strings_hidden() -> tuple[str, bytes]:
    """As many shared strings as fit under the member limit: only their count stops them."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
           + b"<si><t>x</t></si>" * 700_000 + b"</sst>")
    return "xlsx", package(sheet_xml(_header()), shared=_padded(sst))


def rich_text() -> tuple[str, bytes]:
    """One shared string of 250,000 formatted runs: openpyxl builds objects for each."""
    run = b'<r><rPr><b/><sz val="11"/></rPr><t>x</t></r>'
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si>'.encode() + run * 250_000 + b"</si></sst>"
    return "xlsx", package(sheet_xml(_header()), shared=_padded(sst))


def declared_dimension() -> tuple[str, bytes]:
    """A small sheet that declares A1:XFD1048576."""
    return "xlsx", package(sheet_xml(_header(), "A1:XFD1048576"))


def zip_bomb(mb: int = 100) -> tuple[str, bytes]:
    """A member of 100 MB of zeros (100 KB compressed)."""
    return "xlsx", package(sheet_xml(_header()), extra={"xl/media/image1.png": bytes(mb * 1024 * 1024)})


def wide_row() -> tuple[str, bytes]:
    """One row of 16,384 cells, padded to pass the ratio check: only the cells per row stop it."""
    return "xlsx", package(_padded(sheet_xml(_header() + b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>")))


def many_members() -> tuple[str, bytes]:
    """40,000 empty members."""
    return "xlsx", package(sheet_xml(_header()), extra={f"x/{i}": b"" for i in range(40_000)},
                           compression=zipfile.ZIP_STORED)


def styles() -> tuple[str, bytes]:
    """xl/styles.xml with 200,000 cell formats: openpyxl builds every one at load time."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs>'.encode() + xf * 200_000
           + b"</cellXfs></styleSheet>")
    return "xlsx", package(sheet_xml(_header()), extra={"xl/styles.xml": _padded(xml)})


def nested_rows() -> tuple[str, bytes]:
    """Rows inside a row, each under the column limit: openpyxl parses every nested row."""
    inner = b"<row>" + b"<c><v>1</v></c>" * 90 + b"</row>"
    return "xlsx", package(_padded(sheet_xml(_header() + b"<row>" + inner * 5_000 + b"</row>")))


def entities() -> tuple[str, bytes]:
    """Billion laughs in the worksheet."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr">'
             '<is><t>&i;</t></is></c></row></sheetData></worksheet>').encode()
    return "xlsx", package(sheet)


_CSV_HEADER = b"kode_desa;nama;nomor_registrasi\n"


def csv_deep() -> tuple[str, bytes]:
    """4 MB of line breaks: four million empty rows."""
    return "csv", _CSV_HEADER + b"\n" * (4 * 1024 * 1024 - len(_CSV_HEADER))


def csv_wide() -> tuple[str, bytes]:
    """One row of four million fields."""
    return "csv", _CSV_HEADER + b"1;" * (2 * 1024 * 1024 - len(_CSV_HEADER))


def csv_quoted() -> tuple[str, bytes]:
    """A quote that never closes: one field of 4 MB over many lines."""
    return "csv", _CSV_HEADER + b'"' + b"aaaaaaaaaaaaaaa\n" * (256 * 1024 - len(_CSV_HEADER))


BOMBS = {f.__name__: f for f in (wide_numeric, wide_numeric_hidden, wide_row, shared_strings, shared_strings_hidden,
                                 rich_text, declared_dimension, zip_bomb, many_members, styles, nested_rows, entities,
                                 csv_deep, csv_wide, csv_quoted)}
