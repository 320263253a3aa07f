"""Text and HTML résumés in legacy charsets decode to the right characters."""

from __future__ import annotations

import pytest

from pipeline.parser import parse_document
from pipeline.parser.extract_other import decode_text, extract_html

SAMPLES = {
    "gbk": "应聘职位 张伟 工作经历 教育背景 示例大学 本科 软件工程师 负责系统设计与开发",
    "gb18030": "应聘职位 张伟 工作经历 教育背景 示例大学 本科 软件工程师 负责系统设计与开发",
    "big5": "應聘職位 張偉 工作經歷 教育背景 示例大學 軟體工程師 負責系統設計與開發",
    "shift_jis": "職務経歴書 山田太郎 株式会社サンプル 入社 ソフトウェア開発を担当しました",
    "euc_kr": "이력서 홍길동 경력 사항 소프트웨어 개발자 서울대학교 졸업",
    "cp1251": "Резюме Иван Петров опыт работы программист Москва образование университет",
    "koi8_r": "Резюме Иван Петров опыт работы программист Москва образование университет",
    "cp1252": "Curriculum Vitae – Müller, Zürich; Erfahrung als Entwickler für Software.",
}


@pytest.mark.parametrize("charset", sorted(SAMPLES))
def test_undeclared_text_round_trip(charset: str) -> None:
    text = SAMPLES[charset]
    assert decode_text(text.encode(charset)) == text


@pytest.mark.parametrize("charset", sorted(SAMPLES))
def test_undeclared_html_round_trip(charset: str) -> None:
    text = SAMPLES[charset]
    page = f"<html><body><p>{text}</p></body></html>".encode(charset)
    assert extract_html(page).text == text


def test_declared_charset_is_respected() -> None:
    page = '<html><head><meta charset="gbk"></head><body><p>应聘职位 张伟</p></body></html>'
    assert extract_html(page.encode("gbk")).text == "应聘职位 张伟"


def test_mislabelled_page_is_detected() -> None:
    """Declared UTF-8, written in GBK: the declaration does not decode, detection does."""
    text = SAMPLES["gbk"]
    page = f'<html><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'
    assert extract_html(page.encode("gbk")).text == text


def test_boms_decide() -> None:
    assert decode_text("\ufeffFormação".encode()) == "Formação"
    assert decode_text("Formação".encode("utf-16")) == "Formação"


def test_gbk_html_resume_parses() -> None:
    page = ("<html><body><h1>张伟</h1><p>电话: 13912345678</p><h2>工作经历</h2>"
            "<p>2019.07 - 至今 示例科技有限公司 软件工程师</p></body></html>")
    res = parse_document(page.encode("gbk"), "cv.html")
    assert res.meta.language == "zh"
    assert res.phone == "+8613912345678"
    assert res.experience and res.experience[0].start_date == "2019-07"
