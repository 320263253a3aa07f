"""Section-heading wording in the languages other than English that résumés arrive in.

Data only: `sections.py` merges these with its English headings. Headings are written as a
reader sees them; `sections.normalize_heading` casefolds them and drops accents, so
"Formação" and "FORMACAO" are one key. CJK headings have no spaces and are matched whole or,
on a short styled line, by the keywords in `CJK_KEYWORDS`.
"""

from __future__ import annotations

HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        # es
        "experiencia", "experiencia laboral", "experiencia profesional", "experiencias",
        "historial laboral", "trayectoria profesional", "empleo", "prácticas",
        # pt
        "experiência", "experiência profissional", "experiências", "histórico profissional",
        "experiência de trabalho", "trajetória profissional", "estágios",
        # fr
        "expérience", "expériences", "expérience professionnelle",
        "expériences professionnelles", "parcours professionnel", "emplois", "stages",
        # de
        "berufserfahrung", "erfahrung", "berufliche erfahrung", "beruflicher werdegang",
        "werdegang", "berufspraxis", "praktika", "arbeitserfahrung", "berufstätigkeit",
        # it
        "esperienza", "esperienze", "esperienza professionale", "esperienze professionali",
        "esperienza lavorativa", "esperienze lavorative", "percorso professionale",
        # nl
        "werkervaring", "ervaring", "werkgeschiedenis", "loopbaan", "stages",
        "professionele ervaring", "relevante werkervaring",
        # pl
        "doświadczenie", "doświadczenie zawodowe", "przebieg kariery", "historia zatrudnienia",
        "praktyki",
        # zh
        "工作经历", "工作经验", "实习经历", "实习经验", "工作履历", "职业经历", "工作经历与项目",
        "工作經歷", "工作經驗", "實習經歷",
        # ja
        "職歴", "職務経歴", "職務経歴詳細", "経歴", "職務内容", "職歴詳細", "業務経歴",
    ),
    "education": (
        "educación", "formación", "formación académica", "estudios", "titulación",
        "educação", "formação", "formação acadêmica", "formação académica", "escolaridade",
        "formation", "formations", "études", "parcours académique", "diplômes", "cursus",
        "ausbildung", "bildung", "bildungsweg", "studium", "schulbildung", "akademischer werdegang",
        "ausbildung und studium",
        "istruzione", "formazione", "istruzione e formazione", "titoli di studio", "studi",
        "opleiding", "opleidingen", "onderwijs", "studie", "studies en opleidingen",
        "wykształcenie", "edukacja", "wykształcenie i szkolenia",
        "教育背景", "教育经历", "教育经验", "学历", "学习经历", "教育經歷", "學歷",
        "学歴", "学歴職歴", "学歴・職歴",
    ),
    "skills": (
        "habilidades", "competencias", "conocimientos", "aptitudes", "habilidades técnicas",
        "competências", "habilidades e competências", "conhecimentos",
        "compétences", "compétences techniques", "savoir-faire", "connaissances",
        "fähigkeiten", "kenntnisse", "kompetenzen", "fachkenntnisse", "it-kenntnisse",
        "fähigkeiten und kenntnisse", "edv-kenntnisse", "technische fähigkeiten",
        "competenze", "capacità e competenze", "competenze tecniche", "conoscenze",
        "competenze informatiche",
        "vaardigheden", "competenties", "kennis", "technische vaardigheden",
        "umiejętności", "kompetencje", "umiejętności techniczne",
        "专业技能", "技能", "个人技能", "技术技能", "技能特长", "专业技术", "技術スキル",
        "スキル", "活かせる経験・知識・技術", "活かせる経験・スキル", "経験・スキル",
        "テクニカルスキル", "保有スキル", "技能特長",
    ),
    "certifications": (
        "certificaciones", "certificados", "licencias", "certificações", "certificados",
        "certifications", "certificats", "zertifikate", "zertifizierungen", "weiterbildung",
        "certificazioni", "certificati", "certificeringen", "certificaten", "certyfikaty",
        "kursy i certyfikaty", "证书", "资格证书", "获得证书", "证书资质",
        "免許・資格", "免許資格", "資格", "資格・免許", "保有資格", "資格・特技",
    ),
    "summary": (
        "resumen", "perfil", "perfil profesional", "sobre mí", "objetivo", "resumo",
        "sobre mim", "perfil profissional", "objetivo profissional", "sobre",
        "profil", "à propos", "objectif", "présentation",
        "profil", "zusammenfassung", "über mich", "kurzprofil", "vorstellung", "zielsetzung",
        "profilo", "sommario", "chi sono", "obiettivo", "profilo professionale",
        "profiel", "over mij", "samenvatting", "persoonlijk profiel",
        "podsumowanie", "o mnie", "profil zawodowy", "cel zawodowy",
        "个人简介", "自我评价", "个人总结", "自我介绍", "求职意向", "个人陈述", "个人优势",
        "職務要約", "職歴要約", "自己pr", "自己紹介", "志望動機",
        "志望の動機、特技、好きな学科、アピールポイントなど",
    ),
    "contact": (
        "contacto", "datos personales", "información personal", "contato", "dados pessoais",
        "informações pessoais", "coordonnées", "informations personnelles", "kontakt",
        "persönliche daten", "persönliche informationen", "angaben zur person", "contatti",
        "informazioni personali", "dati personali", "contactgegevens", "persoonlijke gegevens",
        "dane osobowe", "dane kontaktowe", "个人信息", "基本信息", "联系方式", "个人资料",
        "プロフィール", "基本情報", "連絡先",
    ),
    "other": (
        "proyectos", "idiomas", "intereses", "aficiones", "logros", "premios", "publicaciones",
        "referencias", "voluntariado", "projetos", "interesses", "prêmios", "publicações",
        "projets", "langues", "centres d'intérêt", "intérêts", "intérêts personnels", "loisirs",
        "publications", "distinctions", "bénévolat", "projekte", "sprachen", "interessen",
        "hobbys", "auszeichnungen", "publikationen", "ehrenamt", "freiwilligenarbeit",
        "progetti", "lingue", "interessi", "hobby", "pubblicazioni", "premi",
        "projecten", "talen", "interesses", "hobby's", "publicaties", "nevenactiviteiten",
        "projekty", "języki", "zainteresowania", "publikacje", "nagrody",
        "项目经历", "项目经验", "项目", "个人项目", "获奖经历", "荣誉奖项", "获奖情况", "兴趣爱好",
        "论文发表", "发表论文", "专著", "参加会议", "职位和头衔", "家庭状况", "其他", "其他链接",
        "语言能力", "校园经历", "社会实践",
        "趣味・特技", "本人希望記入欄", "通勤時間", "プロジェクト", "語学",
    ),
}

# the document's own title is not a section heading, though it holds a heading word (経歴)
DOCUMENT_TITLES = frozenset({
    "履歴書", "職務経歴書", "履歴書職務経歴書", "简历", "个人简历", "求职简历", "简历模板", "履历",
    "個人簡歷", "簡歷", "履歷表", "이력서", "자기소개서",
})

# a short styled CJK line containing one of these is a heading of that kind; the order
# matters ("项目经历" is projects, not experience)
CJK_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("项目", "other"), ("プロジェクト", "other"), ("荣誉", "other"), ("奖", "other"),
    ("兴趣", "other"), ("爱好", "other"), ("語学", "other"), ("语言", "other"),
    ("要約", "summary"), ("自己", "summary"), ("自我", "summary"), ("简介", "summary"),
    ("意向", "summary"),
    ("职历", "experience"), ("職歴", "experience"), ("経歴", "experience"),
    ("工作", "experience"), ("实习", "experience"), ("實習", "experience"),
    ("学歴", "education"), ("学历", "education"), ("學歷", "education"), ("教育", "education"),
    ("技能", "skills"), ("スキル", "skills"), ("技术", "skills"), ("技術", "skills"),
    ("資格", "certifications"), ("资格", "certifications"), ("证书", "certifications"),
    ("免許", "certifications"),
)

# stems that mark a styled Latin-script line as a heading of a kind (after accent folding)
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("erfahrung", "experience"), ("experiencia", "experience"), ("esperienz", "experience"),
    ("ervaring", "experience"), ("doswiadczenie", "experience"), ("werdegang", "experience"),
    ("ausbildung", "education"), ("formacion", "education"), ("formacao", "education"),
    ("educacion", "education"), ("educacao", "education"), ("istruzione", "education"),
    ("opleiding", "education"), ("wyksztalcenie", "education"), ("etudes", "education"),
    ("competen", "skills"), ("kenntnisse", "skills"), ("fahigkeiten", "skills"),
    ("habilidades", "skills"), ("vaardigheden", "skills"), ("umiejetnosci", "skills"),
    ("certifica", "certifications"), ("zertifi", "certifications"),
    ("certyfikat", "certifications"),
)
