"""The layout of an official notice (通报) in Word, after GB/T 9704 (党政机关公文格式), with python-docx.

A4 portrait, margins 37/35/28/26 mm; a red masthead (发文机关标志) and the document number line
(发文字号, 武科技通〔2023〕第20期) over a red rule; the title in a 小标宋-style font at 二号 (22 pt);
body paragraphs in 仿宋 at 三号 (16 pt), first line indented two characters, 28 pt line spacing;
headings of the first level (一、) in 黑体, of the second (（一）) in 楷体; tables at 四号/小四 with the
header row repeated on each page; the issuing office and date at the end.

Chinese fonts are named for East Asian text in the run's rPr (w:rFonts w:eastAsia): 仿宋_GB2312,
as government offices have it, and the document's font table gives FangSong (the name Windows
and most Linux font sets use) as its alternative, so a machine without 仿宋_GB2312 substitutes a
仿宋 rather than any font. Latin letters and digits in a run use Times New Roman.
"""

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LATIN = "Times New Roman"
#: (East Asian font name, its alternative in the font table)
FANGSONG = ("仿宋_GB2312", "FangSong")
HEITI = ("黑体", "SimHei")
KAITI = ("楷体_GB2312", "KaiTi")
XIAOBIAOSONG = ("方正小标宋简体", "SimSun")
RED = RGBColor(0xC0, 0x00, 0x00)

SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(12)  # 小四
LINE = Pt(28)
NO_SPACE = Pt(0)
TEXT_WIDTH_MM = 156  # A4 less the 28 and 26 mm margins


def set_run_font(run, font, size=SIZE_BODY, bold=False, color=None):
    """The run in `font` (east Asian name, alternative) for Chinese text, Times New Roman for Latin."""
    run.font.name = LATIN
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), font[0])
    fonts.set(qn("w:hint"), "eastAsia")
    return run


def east_asian_font(run):
    """The East Asian font name of a run (w:rFonts w:eastAsia), for tests and checks."""
    fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _font_table_alternatives(document):
    """Declare each Chinese font in the font table with its alternative name (w:altName)."""
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    for name, alternative in (FANGSONG, HEITI, KAITI, XIAOBIAOSONG):
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
            '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class Notice:
    """One 通报 being written: paragraphs and tables added in reading order, then `bytes()`."""

    def __init__(self, title, number, masthead):
        self.document = Document()
        self.title = title
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.document.styles["Normal"]
        normal.font.name = LATIN
        normal.font.size = SIZE_BODY
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG[0])
        _font_table_alternatives(self.document)
        self.document.core_properties.title = title
        self.document.core_properties.author = masthead
        self._paragraph(masthead, XIAOBIAOSONG, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, indent=False,
                        space_after=Pt(12))
        number_line = self._paragraph(number, FANGSONG, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        self._red_rule(number_line)
        self._paragraph(title, XIAOBIAOSONG, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                        space_before=Pt(24), space_after=Pt(12), line=Pt(36))

    def _paragraph(self, text, font, size=SIZE_BODY, *, bold=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True,
                   color=None, space_before=NO_SPACE, space_after=NO_SPACE, line=LINE):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
        fmt.space_before, fmt.space_after = space_before, space_after
        if indent:
            fmt.first_line_indent = Pt(size.pt * 2)  # two characters
        set_run_font(paragraph.add_run(text), font, size, bold=bold, color=color)
        return paragraph

    @staticmethod
    def _red_rule(paragraph):
        p_pr = paragraph._p.get_or_add_pPr()
        borders = parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="6" w:color="C00000"/></w:pBdr>'
        )
        p_pr.append(borders)

    def addressee(self, text):
        self._paragraph(text, FANGSONG, indent=False, space_before=Pt(12))

    def body(self, text):
        self._paragraph(text, FANGSONG)

    def heading(self, text):
        self._paragraph(text, HEITI)

    def subheading(self, text):
        self._paragraph(text, KAITI)

    def table(self, header, rows, widths_mm, empty_text):
        """A bordered table; the header row repeats on each page. `empty_text` instead when no rows.

        `widths_mm` should add up to the text width, TEXT_WIDTH_MM."""
        if not rows:
            self.body(empty_text)
            return None
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._fill_row(table.rows[0], header, bold=True)
        header_pr = table.rows[0]._tr.get_or_add_trPr()
        header_pr.append(OxmlElement("w:tblHeader"))
        for values in rows:
            self._fill_row(table.add_row(), values)
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)  # Word reads the cells' widths, LibreOffice the grid's
        self.document.add_paragraph()  # the space after the table
        return table

    @staticmethod
    def _fill_row(row, values, bold=False):
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
            set_run_font(paragraph.add_run(str(value)), HEITI if bold else FANGSONG, SIZE_TABLE)

    def signature(self, office, date_text):
        self.document.add_paragraph()
        for text in (office, date_text):
            paragraph = self._paragraph(text, FANGSONG, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            paragraph.paragraph_format.right_indent = Pt(32)

    def bytes(self):
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def chinese_date(day):
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}
