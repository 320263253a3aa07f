"""Job-title, organisation, school and degree words in the languages besides English.

`vocab.py` asks these as well, so "Ingénieur logiciel", "Entwickler", "株式会社○○" or
"本科" are judged like their English counterparts. Latin-script words are matched as whole
words after accent folding; CJK words as substrings (CJK text has no spaces).
"""

from __future__ import annotations

import re

from pipeline.parser.lines import fold

TITLE_WORDS = {
    # es / pt
    "desarrollador", "desarrolladora", "ingeniero", "ingeniera", "gerente", "analista",
    "consultor", "consultora", "director", "directora", "jefe", "jefa", "programador",
    "programadora", "arquitecto", "tecnico", "tecnica", "coordinador", "coordinadora",
    "asistente", "becario", "becaria", "practicante", "responsable", "especialista",
    "desenvolvedor", "desenvolvedora", "engenheiro", "engenheira", "estagiario",
    "estagiaria", "diretor", "diretora", "arquiteto", "professor", "professora",
    # fr
    "ingenieur", "developpeur", "developpeuse", "chef", "directeur",
    "directrice", "consultant", "consultante", "stagiaire", "technicien", "technicienne",
    "gestionnaire", "architecte", "enseignant", "chercheur",
    # de
    "entwickler", "entwicklerin", "ingenieurin", "berater", "beraterin", "leiter", "leiterin",
    "softwareentwickler", "softwareentwicklerin", "projektleiter", "geschaftsfuhrer",
    "mitarbeiter", "mitarbeiterin", "praktikant", "praktikantin", "werkstudent",
    "werkstudentin", "mathematiker", "informatiker", "referent", "sachbearbeiter",
    "teamleiter", "abteilungsleiter", "wissenschaftlicher",
    # it
    "sviluppatore", "sviluppatrice", "ingegnere", "programmatore", "programmatrice",
    "responsabile", "direttore", "tirocinante", "stagista", "impiegato",
    # nl
    "ontwikkelaar", "medewerker", "adviseur", "beheerder", "functietitel", "stagiair",
    "projectleider", "teamleider", "docent",
    # pl
    "programista", "programistka", "inzynier", "kierownik", "specjalista", "specjalistka",
    "dyrektor", "konsultant", "stazysta", "praktykant", "analityk", "tester", "starszy",
    "mlodszy",
}
ORG_WORDS = {
    "empresa", "ltda", "compania", "companhia", "entreprise", "societe", "groupe", "sarl",
    "gmbh", "unternehmen", "firma", "akademie", "srl", "spa", "azienda", "societa", "bv",
    "nv", "bedrijf", "bedrijfsnaam", "organisatie", "spolka", "instituicao", "institucion",
    "universidade",
}
INSTITUTION_WORDS = {
    "universidad", "universidade", "universite", "universitat", "universita", "universiteit",
    "uniwersytet", "politechnika", "hochschule", "fachhochschule", "gymnasium", "lycee",
    "ecole", "escuela", "escola", "instituto", "institut", "istituto", "liceo", "colegio",
    "faculdade", "facultad", "faculte", "hogeschool", "akademia", "szkola", "politecnico",
    "instituicao", "schule", "realschule", "gesamtschule", "berufsschule",
}
DEGREE_RE = re.compile(
    r"(?i)\b(?:licence|licenciatura|licenciado|grado en|graduacao|bacharelado|bacharel|"
    r"mestrado|doutorado|maestria|master en|máster|diplom(?:-\w+)?|magister|magistra|"
    r"laurea(?: magistrale| triennale)?|dottorato|licencjat|magisterium|inzynier|"
    r"abitur|baccalaureat|doctorat|doctorado|tecnico superior|ausbildung zum|ausbildung zur|"
    r"studierichting)"
)
CJK_TITLE = re.compile(r"エンジニア|マネージャー|マネジャー|アナリスト|コンサルタント|デザイナー|"
                       r"ディレクター|リーダー|部長|課長|係長|主任|担当|講師|研究員|開発者|"
                       r"工程师|经理|总监|主管|专员|助理|实习生|设计师|分析师|顾问|架构师|"
                       r"开发|研究员|教师|主席|委员|秘书|会长|院长|教授")
CJK_ORG = re.compile(r"株式会社|有限会社|合同会社|会社|法人|銀行|事務所|公司|集团|银行|"
                     r"研究所|研究院|协会|委员会|同盟|事務局|省|厅|局|医院|病院")
CJK_INSTITUTION = re.compile(r"大学|学院|学校|高校|高等学校|中学|小学|大學|學院|幼儿园|学前班|"
                             r"专科|専門学校|大学院")
CJK_DEGREE = re.compile(r"本科|硕士|博士|学士|修士|研究生|大专|专科|短期大学士|MBA|EMBA")
_LATIN = re.compile(r"[^\W\d_]+")


def _words(text: str) -> set[str]:
    return set(_LATIN.findall(fold(text)))


def has_title_word(text: str) -> bool:
    return bool(_words(text) & TITLE_WORDS) or bool(CJK_TITLE.search(text))


def has_org_word(text: str) -> bool:
    return bool(_words(text) & ORG_WORDS) or bool(CJK_ORG.search(text))


def has_institution_word(text: str) -> bool:
    return bool(_words(text) & INSTITUTION_WORDS) or bool(CJK_INSTITUTION.search(text))


def has_degree_word(text: str) -> bool:
    return bool(DEGREE_RE.search(fold(text)) or CJK_DEGREE.search(text))
