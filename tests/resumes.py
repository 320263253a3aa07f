"""Generated resumes for tests: small, real documents written with PyMuPDF."""

from __future__ import annotations

import io
import zipfile

import pymupdf


def text_pdf(name: str, email: str | None = None, phone: str | None = None,
             company: str = "Acme Corp", title: str = "Software Engineer",
             skills: str = "Python, SQL, Docker") -> bytes:
    lines = [name]
    lines += [x for x in (email, phone) if x]
    lines += ["", "EXPERIENCE", f"{title}, {company}", "Jan 2019 - Present", "",
              "EDUCATION", "BSc Computer Science, University of Leeds, 2018", "",
              "SKILLS", skills]
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "\n".join(lines), fontsize=11)
    data = doc.tobytes()
    doc.close()
    return bytes(data)


def scanned_pdf(name: str, email: str, pages: int = 1, filler: int = 0) -> bytes:
    """Text rendered, then rasterised: pages with no text layer, so the parser must OCR them.
    `filler` lines of description per page make each page slower to read."""
    out = pymupdf.open()
    for index in range(pages):
        src = pymupdf.open()
        page = src.new_page()
        body = f"{name}\n{email}\n\nEXPERIENCE\nAnalyst, Page {index + 1} Ltd\n2015 - 2019"
        body += "".join(f"\nReviewed item {k} of the quarterly plan with the finance team"
                        for k in range(filler))
        page.insert_text((72, 72), body, fontsize=14 if not filler else 10)
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img_page = out.new_page(width=page.rect.width, height=page.rect.height)
        img_page.insert_image(img_page.rect, stream=pix.tobytes("png"))
        src.close()
    data = out.tobytes()
    out.close()
    return bytes(data)


def zip_of(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_resume(name: str, email: str, company: str = "Contoso") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(name)
    document.add_paragraph(email)
    document.add_heading("Experience", level=2)
    document.add_paragraph(f"Project Manager, {company}")
    document.add_paragraph("Mar 2016 - Dec 2020")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def password_pdf(name: str, email: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), f"{name}\n{email}")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw")
    doc.close()
    return bytes(data)


def person_pdf(name: str, *, email: str | None = None, phone: str | None = None,
               location: str | None = None, title: str = "Software Engineer",
               company: str = "Acme Corp", dates: str = "Jan 2019 - Present",
               school: str = "University of Leeds", degree: str = "BSc Computer Science",
               graduated: str = "2018", skills: str = "Python, SQL, Docker") -> bytes:
    """A one-page resume where every identifying fact can be chosen (duplicate detection)."""
    lines = [name, *[x for x in (email, phone, location) if x]]
    lines += ["", "EXPERIENCE", f"{title}, {company}", dates, "",
              "EDUCATION", f"{degree}, {school}, {graduated}", "", "SKILLS", skills]
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "\n".join(lines), fontsize=11)
    data = doc.tobytes()
    doc.close()
    return bytes(data)


def namesakes() -> dict[str, bytes]:
    """Two people of one name, different emails and careers: a possible duplicate to review,
    never a merge."""
    return {
        "a.pdf": person_pdf("Daniel Kim", email="dkim@example.com", title="Nurse"),
        "b.pdf": person_pdf("Daniel Kim", email="daniel.kim@example.org", title="Welder",
                            company="Acme Metals", dates="Jun 2009 - Present",
                            school="University of Bristol"),
    }
