"""Résumés in other languages: headings, dates, 履歴書 grids, CJK names and the language.

Every document is generated here (PyMuPDF with its built-in CJK fonts, python-docx); the
people, schools and companies are fictional.
"""

from __future__ import annotations

import pymupdf
import pytest

from pipeline.parser import parse_document, rirekisho
from pipeline.parser.dates import find_range, find_single, normalize
from pipeline.parser.fields_education import parse_education
from pipeline.parser.language import detect
from pipeline.parser.lines import ExtractedDocument, Line, ParseState
from pipeline.parser.locations_i18n import find_location
from pipeline.parser.names_cjk import find_cjk_name
from pipeline.parser.role_header import classify
from pipeline.parser.sections import heading_kind
from tests.unit.parser import docgen


def cjk_pdf(lines: list[tuple[str, float]], font: str) -> bytes:
    """A one-page PDF in a built-in CJK font ("japan", "china-s"), one line per entry."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 50.0
    for text, size in lines:
        page.insert_text((50, y), text, fontsize=size, fontname=font)
        y += size + 8
    data: bytes = doc.tobytes()
    return data


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("EXPERIENCIA LABORAL", "experience"), ("Formación académica", "education"),
        ("Habilidades", "skills"), ("Experiência profissional", "experience"),
        ("Formação", "education"), ("Expérience professionnelle", "experience"),
        ("Compétences", "skills"), ("FORMATION", "education"), ("Berufserfahrung", "experience"),
        ("Ausbildung", "education"), ("Kenntnisse", "skills"), ("Esperienza lavorativa",
                                                                "experience"),
        ("Istruzione e formazione", "education"), ("Werkervaring", "experience"),
        ("Opleiding", "education"), ("Vaardigheden", "skills"),
        ("Doświadczenie zawodowe", "experience"), ("Wykształcenie", "education"),
        ("Umiejętności", "skills"), ("工作经历", "experience"), ("教育背景", "education"),
        ("专业技能", "skills"), ("職歴", "experience"), ("学 歴", "education"),
        ("職務経歴", "experience"), ("免　許・資　格", "certifications"),
        ("【職務経歴】", "experience"), ("■学歴", "education"), ("项目经历", "other"),
    ],
)
def test_headings_in_each_language(heading: str, kind: str) -> None:
    assert heading_kind(Line(heading, bold=True, size=12), 10.0) == kind


def test_ordinary_cjk_text_is_not_a_heading() -> None:
    assert heading_kind(Line("负责系统的设计与开发工作", size=10), 10.0) is None


@pytest.mark.parametrize("title", ["職 務 経 歴 書", "履歴書", "个人简历"])
def test_the_document_title_is_not_a_heading(title: str) -> None:
    assert heading_kind(Line(title, bold=True, size=22), 10.0) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("enero de 2019 - actualidad", "2019-01", "present"),
        ("sept. 2018 – actualmente", "2018-09", "present"),
        ("março 2017 - atualmente", "2017-03", "present"),
        ("janvier 2020 – aujourd'hui", "2020-01", "present"),
        ("févr. 2016 - déc. 2018", "2016-02", "2018-12"),
        ("2021 - Auj.", "2021", "present"),
        ("März 2018 – heute", "2018-03", "present"),
        ("Okt. 2015 - Jan. 2017", "2015-10", "2017-01"),
        ("settembre 2016 - oggi", "2016-09", "present"),
        ("maart 2015 - heden", "2015-03", "present"),
        ("mei 2019 – nu", "2019-05", "present"),
        ("wrzesień 2014 - obecnie", "2014-09", "present"),
        ("2015.09 - 2019.06", "2015-09", "2019-06"),
        ("2018-05 ~ 至今", "2018-05", "present"),
        ("2019年7月 - 現在", "2019-07", "present"),
        ("２０１９年７月～２０２１年３月", "2019-07", "2021-03"),
        ("2014.6 - now", "2014-06", "present"),
        ("seit 2020", "2020", "present"),
        ("Since March 2019", "2019-03", "present"),
        ("desde 2019", "2019", "present"),
        ("depuis 2017", "2017", "present"),
        ("von 2012 bis 2016", "2012", "2016"),
    ],
)
def test_ranges_in_each_language(text: str, start: str, end: str) -> None:
    rng = find_range(text)
    assert rng is not None
    assert (rng.start, rng.end) == (start, end)


def test_open_range_has_a_start_and_no_end() -> None:
    rng = find_range("Acme GmbH 2019 –")
    assert rng is not None and (rng.start, rng.end) == ("2019", None)
    rng = find_range("2018年04月～")
    assert rng is not None and (rng.start, rng.end) == ("2018-04", None)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("令和3年4月", "2021-04"), ("平成27年", "2015"), ("平成元年4月", "1989-04"),
        ("昭和60年3月", "1985-03"), ("２０２０年１０月", "2020-10"), ("2019/07", "2019-07"),
        ("Été 2015", "2015"), ("Sommer 2019", "2019"), ("diciembre 2020", "2020-12"),
        ("luglio 2018", "2018-07"), ("października 2011", "2011-10"), ("okt 2011", "2011-10"),
    ],
)
def test_single_dates(token: str, value: str) -> None:
    assert normalize(token) == value


def test_a_date_glued_to_han_characters_is_found() -> None:
    single = find_single("2019年7月入社")
    assert single is not None and single.start == "2019-07"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Berufserfahrung\nSoftwareentwickler bei der Beispiel GmbH seit 2019. Ich arbeite "
         "mit Python und bin für die Datenbank zuständig.", "de"),
        ("Experiencia laboral\nDesarrollador en una empresa de software para los clientes "
         "del sector con experiencia en Java.", "es"),
        ("Expérience professionnelle\nIngénieur logiciel dans une entreprise pour les "
         "clients du secteur avec des équipes.", "fr"),
        ("Experiência profissional\nDesenvolvedor em uma empresa para os clientes do setor "
         "com as equipes da área.", "pt"),
        ("Esperienza lavorativa\nSviluppatore per il gruppo della società con gli strumenti "
         "nella sede di Milano.", "it"),
        ("Werkervaring\nOntwikkelaar bij een bedrijf voor de klanten van het team met een "
         "focus op kwaliteit.", "nl"),
        ("Doświadczenie zawodowe\nProgramista w firmie oraz praca na rzecz klientów dla "
         "zespołu, który się rozwija.", "pl"),
        ("职务经历 教育背景 北京大学 本科 软件工程师 负责系统设计与开发", "zh"),
        ("履歴書 山田太郎 株式会社サンプル 入社 ソフトウェア開発を担当しました", "ja"),
        ("Work experience\nSoftware engineer at a company, responsible for the design of "
         "services and the team.", "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_rirekisho_grid_pdf() -> None:
    """A 履歴書: year | month | event rows become schools and jobs without the suffixes."""
    data = cjk_pdf([
        ("履歴書", 22), ("氏 名", 10), ("鈴木 一郎", 18), ("現住所 〒100-0001", 10),
        ("東京都千代田区千代田1-1", 11), ("電話 090-1111-2222", 10),
        ("年 月 学歴・職歴", 10), ("学歴", 11),
        ("平成27 4 架空大学 工学部 入学", 11), ("平成31 3 架空大学 工学部 卒業", 11),
        ("職歴", 11), ("2019 4 株式会社サンプル 入社", 11), ("2022 3 株式会社サンプル 退社", 11),
        ("2022 4 架空商事株式会社 入社", 11), ("現在に至る", 11), ("以上", 11),
        ("年 月 免許・資格", 10), ("2018 8 普通自動車第一種運転免許 取得", 11),
    ], "japan")
    res = parse_document(data, "rirekisho.pdf")
    assert res.meta.language == "ja"
    assert res.name == "鈴木 一郎"
    assert res.location == "東京都千代田区千代田1-1"
    assert res.phone == "+819011112222"
    assert [(e.institution, e.graduation_date) for e in res.education] == [
        ("架空大学 工学部", "2019-03")]
    jobs = {(e.company, e.start_date, e.end_date) for e in res.experience}
    assert jobs == {("株式会社サンプル", "2019-04", "2022-03"),
                    ("架空商事株式会社", "2022-04", "present")}
    assert res.certifications == ["普通自動車第一種運転免許"]


def test_chinese_resume_pdf() -> None:
    data = cjk_pdf([
        ("张伟", 22), ("电话: 139 1234 5678  邮箱: zhangwei@example.com", 10),
        ("工作经历", 14), ("2019.07 - 至今 示例科技有限公司 软件工程师", 11),
        ("负责后端系统的设计与开发", 10),
        ("教育背景", 14), ("2015.09 - 2019.06 示例大学 本科", 11),
    ], "china-s")
    res = parse_document(data, "cv.pdf")
    assert res.meta.language == "zh"
    assert res.name == "张伟"
    assert res.phone == "+8613912345678"
    assert [(e.company, e.title, e.start_date, e.end_date) for e in res.experience] == [
        ("示例科技有限公司", "软件工程师", "2019-07", "present")]
    assert [(e.institution, e.degree, e.graduation_date) for e in res.education] == [
        ("示例大学", "本科", "2019")]


def test_german_docx() -> None:
    data = docgen.docx_file(body=[
        ("Erika Beispiel", True), "Adresse: Musterweg 5, 10115 Berlin, Deutschland",
        "Telefon: 030 1234567", ("Berufserfahrung", True),
        "Softwareentwicklerin | Beispiel GmbH | März 2019 – heute",
        "• Entwicklung von Diensten in Python", ("Ausbildung", True),
        "Technische Universität Beispielstadt | Diplom Informatik | 2018",
    ])
    res = parse_document(data, "lebenslauf.docx")
    assert res.meta.language == "de"
    assert res.location == "Berlin, Deutschland"
    assert res.phone == "+49301234567"
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Softwareentwicklerin", "Beispiel GmbH", "2019-03", "present")]
    assert res.education and res.education[0].graduation_date == "2018"


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        ([("氏名: 田中花子\t電話: 03-1234-5678", 10.0)], "田中花子"),
        ([("ふりがな やまだ たろう", 8.0), ("氏 名", 10.0), ("山田 太郎", 18.0)], "山田 太郎"),
        ([("张伟", 22.0), ("电话 13912345678", 10.0), ("工作经历", 14.0)], "张伟"),
        ([("履歴書", 22.0), ("2025年1月1日現在", 9.0)], None),
    ],
)
def test_cjk_names(lines: list[tuple[str, float]], name: str | None) -> None:
    assert find_cjk_name([Line(t, size=s) for t, s in lines]) == name


@pytest.mark.parametrize(
    ("line", "location"),
    [
        ("Adresse:\tBeispielweg 32, 4125 Riehen, Schweiz", "Riehen, Schweiz"),
        ("Dirección: Calle Mayor 3, 28013 Madrid, España", "Madrid, España"),
        ("Indirizzo\tVia Roma 1, 20121 Milano", "Milano"),
        ("Adres zamieszkania: ul. Długa 5, 00-238 Warszawa", "Warszawa"),
        ("Adres: Keizersgracht 1, 1015 CJ Amsterdam", "Amsterdam"),
        ("Morada: Rua Augusta 10, 1100-053 Lisboa", "Lisboa"),
        ("地址：北京市海淀区学院路37号", "北京市海淀区学院路37号"),
        ("Adressbuch der Stadt", None),
    ],
)
def test_labelled_addresses_keep_their_city(line: str, location: str | None) -> None:
    assert find_location([Line(line)]) == location


def test_europass_label_form_pdf() -> None:
    """A filled Europass (German labels, wrapped over two lines) gives its jobs and schools."""
    rows = [
        ("Europass Lebenslauf", ""), ("Angaben zur Person", ""),
        ("Nachname(n) / Vorname(n)", "Beispiel, Erika"), ("Berufserfahrung", ""),
        ("Datum", "März 2019 - heute"), ("Beruf oder Funktion", "Softwareentwicklerin"),
        ("Name und Adresse des", "Beispiel GmbH, Musterweg 5, 10115 Berlin"),
        ("Arbeitgebers", ""),
        ("Datum", "2016 - 2019"), ("Beruf oder Funktion", "Werkstudentin"),
        ("Name und Adresse des", "Muster AG, Hamburg"), ("Arbeitgebers", ""),
        ("Schul- und Berufsbildung", ""), ("Datum", "2012 - 2016"),
        ("Bezeichnung der erworbenen", "Bachelor of Science Informatik"),
        ("Qualifikation", ""),
        ("Name und Art der Bildungs-", "Technische Universität Beispielstadt"),
        ("oder Ausbildungseinrichtung", ""),
    ]
    texts: list[docgen.Text] = []
    for i, (label, value) in enumerate(rows):
        y = 60.0 + i * 16
        texts.append(docgen.Text(40, y, label))
        if value:
            texts.append(docgen.Text(230, y, value))
    res = parse_document(docgen.pdf([texts]), "europass.pdf")
    assert [(e.title, e.company, e.start_date, e.end_date) for e in res.experience] == [
        ("Softwareentwicklerin", "Beispiel GmbH", "2019-03", "present"),
        ("Werkstudentin", "Muster AG", "2016", "2019")]
    assert [(e.degree, e.institution, e.graduation_date) for e in res.education] == [
        ("Bachelor of Science Informatik", "Technische Universität Beispielstadt", "2016")]


EUROPEAN_CVS: dict[str, list[str | tuple[str, bool]]] = {
    "pl": [
        ("Anna Kowalska", True),
        "Adres: ul. Długa 5, 00-238 Warszawa",
        "Telefon: 512 345 678",
        "anna.kowalska@example.pl",
        ("Doświadczenie zawodowe", True),
        "Programistka Python | Przykład Sp. z o.o. | wrzesień 2019 – obecnie",
        "• Tworzenie usług w Pythonie dla klientów",
        "Młodszy programista | Firma Testowa S.A. | 2017 – 2019",
        ("Wykształcenie", True),
        "Politechnika Warszawska | Magister inżynier informatyki | 2017",
        ("Umiejętności", True),
        "Python, Django, PostgreSQL, Docker",
    ],
    "es": [
        ("Lucía Fernández", True),
        "Dirección: Calle Mayor 3, 28013 Madrid, España",
        "Teléfono: 612 345 678",
        "lucia@example.es",
        ("EXPERIENCIA LABORAL", True),
        "Desarrolladora backend | Ejemplo S.L. | marzo de 2020 - actualidad",
        "• Diseño de APIs REST",
        "Becaria | Empresa Prueba | enero 2019 - febrero 2020",
        ("FORMACIÓN", True),
        "Universidad Complutense de Madrid | Grado en Ingeniería Informática | 2019",
        ("HABILIDADES", True),
        "Java, Spring, SQL",
    ],
    "pt": [
        ("João Silva", True),
        "Endereço: Rua Augusta 10, 1100-053 Lisboa",
        "Telefone: 912 345 678",
        "joao@example.pt",
        ("Experiência profissional", True),
        "Engenheiro de software | Exemplo Lda | setembro 2018 - atualmente",
        ("Formação académica", True),
        "Universidade de Lisboa | Mestrado em Engenharia Informática | 2018",
        ("Competências", True),
        "Python, AWS",
    ],
    "it": [
        ("Marco Rossi", True),
        "Indirizzo: Via Roma 1, 20121 Milano",
        "Telefono: 02 1234 5678",
        "marco@example.it",
        ("Esperienza professionale", True),
        "Sviluppatore software | Esempio S.r.l. | settembre 2016 - oggi",
        ("Istruzione", True),
        "Politecnico di Milano | Laurea magistrale in Ingegneria Informatica | 2016",
        ("Competenze", True),
        "Java, Kotlin",
    ],
    "nl": [
        ("Eva de Vries", True),
        "Adres: Keizersgracht 1, 1015 CJ Amsterdam",
        "Telefoon: 06 12345678",
        "eva@example.nl",
        ("Werkervaring", True),
        "Software-ontwikkelaar | Voorbeeld B.V. | maart 2018 - heden",
        ("Opleiding", True),
        "Universiteit van Amsterdam | Master Informatica | 2018",
        ("Vaardigheden", True),
        "Python, Go",
    ],
    "fr": [
        ("Camille Martin", True),
        "Adresse : 12 rue de la Paix, 75002 Paris, France",
        "Téléphone : 01 23 45 67 89",
        "camille@example.fr",
        ("Expérience professionnelle", True),
        "Ingénieure logiciel | Exemple SAS | janv. 2019 – aujourd'hui",
        ("Formation", True),
        "Université Paris-Saclay | Master en informatique | 2018",
        ("Compétences", True),
        "Python, Rust",
    ],
}
EXPECTED = {
    "es": (
        "+34612345678", "Madrid, España",
        ("Desarrolladora backend", "Ejemplo S.L.", "2020-03", "present"),
        ("Grado en Ingeniería Informática", "Universidad Complutense de Madrid", "2019"),
    ),
    "fr": (
        "+33123456789", "Paris, France",
        ("Ingénieure logiciel", "Exemple SAS", "2019-01", "present"),
        ("Master en informatique", "Université Paris-Saclay", "2018"),
    ),
    "it": (
        "+390212345678", "Milano",
        ("Sviluppatore software", "Esempio S.r.l.", "2016-09", "present"),
        ("Laurea magistrale in Ingegneria Informatica", "Politecnico di Milano", "2016"),
    ),
    "nl": (
        "+31612345678", "Amsterdam",
        ("Software-ontwikkelaar", "Voorbeeld B.V.", "2018-03", "present"),
        ("Master Informatica", "Universiteit van Amsterdam", "2018"),
    ),
    "pl": (
        "+48512345678", "Warszawa",
        ("Programistka Python", "Przykład Sp. z o.o.", "2019-09", "present"),
        ("Magister inżynier informatyki", "Politechnika Warszawska", "2017"),
    ),
    "pt": (
        "+351912345678", "Lisboa",
        ("Engenheiro de software", "Exemplo Lda", "2018-09", "present"),
        ("Mestrado em Engenharia Informática", "Universidade de Lisboa", "2018"),
    ),
}


@pytest.mark.parametrize("lang", sorted(EUROPEAN_CVS))
def test_european_docx_end_to_end(lang: str) -> None:
    """A plain CV in each language: headings, dates, phone region, address and entries."""
    res = parse_document(docgen.docx_file(body=EUROPEAN_CVS[lang]), "cv.docx")
    phone, location, job, school = EXPECTED[lang]
    assert res.meta.language == lang
    assert (res.phone, res.location) == (phone, location)
    assert (res.experience[0].title, res.experience[0].company, res.experience[0].start_date,
            res.experience[0].end_date) == job
    assert (res.education[0].degree, res.education[0].institution,
            res.education[0].graduation_date) == school


def test_chinese_header_puts_the_company_first() -> None:
    title, company, _ = classify(["示例花园 端茶倒水"])
    assert (company, title) == ("示例花园", "端茶倒水")


def test_grade_in_brackets_does_not_hide_the_degree() -> None:
    items = parse_education([Line("示例大学\t本科(GPA: 3.88/4.0)\t2012.9 – 2016.6")])
    assert [(e.institution, e.degree, e.graduation_date) for e in items] == [
        ("示例大学", "本科", "2016")]


def test_rirekisho_rows_in_other_shapes() -> None:
    """年月 written out, a slash, no space before the event, bulleted markers, 賞罰 after."""
    lines = [Line(t) for t in [
        "■学歴", "2015/04 架空大学工学部入学", "2019年3月 架空大学工学部卒業", "■職歴",
        "2019年4月 株式会社サンプル入社 営業部に配属", "賞罰", "2020 1 社長賞 受賞"]]
    state = ParseState(data=b"", filename="x.txt", kind="txt")
    state.doc = ExtractedDocument(lines, 1, "text")
    rirekisho.run(state)
    assert [(e.institution, e.graduation_date) for e in state.result.education] == [
        ("架空大学工学部", "2019-03")]
    assert [(e.company, e.start_date, e.end_date) for e in state.result.experience] == [
        ("株式会社サンプル", "2019-04", None)]
