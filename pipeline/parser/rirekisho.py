"""Japanese 履歴書 forms: the year | month | event grid of 学歴・職歴 and 免許・資格.

A 履歴書 does not list schools and jobs as entries with ranges: each row is one event
("2015 4 東京大学 工学部 入学", "2019 3 同 卒業", "2019 4 株式会社ABC 入社", "現在に至る").
This stage reads those rows wherever the text layer puts them (the grid's markers 学歴,
職歴 and 以上 switch between its parts), pairs enrolment with graduation and joining with
leaving, and replaces what the generic entry rules found when a grid is present. The event
suffixes are not part of the values (入学, 卒業, 入社, 退社, 取得, 合格 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.models import Education, Experience
from pipeline.parser.dates_i18n import era_year
from pipeline.parser.lines import Line, ParseState

_ROW = re.compile(
    r"^\s*(?:(?P<era>明治|大正|昭和|平成|令和)\s*)?(?P<y>\d{1,4}|元)\s*年?\s*[/.]?\s*"
    r"(?P<m>\d{1,2})\s*月?(?:\s+(?P<text>.*))?$"
)
_EVENT = re.compile(
    r"(?:アルバイト|パート)?(?P<ev>入学|編入学|卒業見込み|卒業予定|卒業|修了見込み|修了|中途退学|中退|"
    r"退学|入社|入職|入所|入行|就職|退社|退職|退所|退行|異動|転籍|取得|合格|現在に至る)"
)
_START_EDU = {"入学", "編入学"}
_END_EDU = {"卒業見込み", "卒業予定", "卒業", "修了見込み", "修了"}
_START_JOB = {"入社", "入職", "入所", "入行", "就職"}
_END_JOB = {"退社", "退職", "退所", "退行"}
_SAME = re.compile(r"^(?:同|同社|同校|同大学|同上)(?:\s+|$)")
_COMPANY = re.compile(r"株式会社|有限会社|合同会社|会社|法人|銀行|事務所|グループ|"
                      r"(?i:inc|corp|ltd|llc|gmbh)\b")
_SCHOOL = re.compile(r"大学|学校|高校|学院|学園|高専|専門|大学院")
_DEGREE = re.compile(r"^(?:学士|修士|博士|短期大学士|専門士|準学士)(?:[（(].*)?$")
_PLACE = re.compile(r"^\S{2,10}(?:都|道|府|県|区|市|町|村)$")


@dataclass
class _Row:
    mode: str
    date: str
    value: str
    event: str
    rest: str


def _mode_of(text: str) -> str | None:
    """A grid marker line: which part of the form the rows below belong to."""
    t = re.sub(r"[\s\u3000]", "", text).strip("■□●○◆◇【】[]〔〕()（）<>＜＞")
    if t in {"学歴"}:
        return "edu"
    if t in {"職歴"}:
        return "exp"
    if t == "以上":
        return "end"
    if "免許" in t and "資格" in t and len(t) <= 12:
        return "cert"
    if t in {"賞罰", "賞罰なし"} or re.fullmatch(
            r"(?:年月)?(?:インターンシップ|アルバイト|ボランティア|留学|・)+", t):
        return "skip"
    return None


def _rows(lines: list[Line]) -> tuple[list[_Row], set[str]]:
    rows: list[_Row] = []
    seen: set[str] = set()
    mode = "none"
    for ln in lines:
        marker = _mode_of(ln.text)
        if marker:
            mode = marker
            seen.add(marker)
            continue
        if mode == "exp" and ln.text.strip() == "現在に至る":
            rows.append(_Row(mode, "", "", "現在に至る", ""))  # printed without a date
            continue
        m = _ROW.match(ln.text.replace("\t", " "))
        if not m or mode in {"none", "end", "skip"}:
            continue
        month = int(m.group("m"))
        if m.group("era"):
            year = era_year(m.group("era"), m.group("y"))
        elif len(m.group("y")) == 4:
            year = int(m.group("y"))
        else:
            continue
        if not (1 <= month <= 12 and 1900 <= year <= 2100):
            continue
        text = (m.group("text") or "").strip()
        ev = _EVENT.search(text)
        value, event, rest = text, "", ""
        if ev:
            value, event, rest = text[: ev.start()], ev.group("ev"), text[ev.end():]
        rows.append(_Row(mode, f"{year}-{month:02d}", value.strip(" ・\u3000"), event, rest))
    return rows, seen


def _split(value: str, marker: re.Pattern[str]) -> tuple[str, list[str]]:
    """'東京都千代田区・株式会社X・エンジニア' → ('株式会社X', ['エンジニア']) (place dropped)."""
    parts = [p.strip() for p in value.split("・") if p.strip()]
    if len(parts) < 2 or not any(marker.search(p) for p in parts):
        return value, []
    main = next(p for p in parts if marker.search(p))
    others = [p for p in parts if p != main and not _PLACE.match(p)]
    return main, others


def education(rows: list[_Row]) -> list[Education]:
    items: list[Education] = []
    for r in rows:
        if r.mode != "edu" or r.event not in _START_EDU | _END_EDU:
            continue
        inst, others = _split(r.value, _SCHOOL)
        degree = next((o for o in others if _DEGREE.match(o)), None)
        same = [e for e in items if e.institution == inst and e.graduation_date is None]
        if _SAME.match(inst) and items:
            same = [items[-1]]
        if r.event in _START_EDU or not same:
            items.append(Education(degree=degree, institution=inst, graduation_date=None))
            same = [items[-1]]
        if r.event in _END_EDU:
            same[-1].graduation_date = r.date
        if degree and not same[-1].degree:
            same[-1].degree = degree
    return items


def experience(rows: list[_Row]) -> list[Experience]:
    jobs: list[Experience] = []
    for r in rows:
        if r.mode != "exp":
            continue
        if not r.event or (r.event == "現在に至る" and not r.value):
            # the grid's closing "現在に至る": the last job is ongoing if it has not ended
            if r.event == "現在に至る" and jobs and jobs[-1].end_date is None:
                jobs[-1].end_date = "present"
            continue
        company, others = _split(r.value, _COMPANY)
        title = others[0] if others else None
        if r.event in _START_JOB:
            jobs.append(Experience(title=title, company=company, start_date=r.date,
                                   end_date="present" if "現在に至る" in r.rest else None))
        elif r.event in _END_JOB:
            open_jobs = [j for j in jobs if j.end_date is None and (
                j.company == company or _SAME.match(company))]
            if open_jobs:
                open_jobs[-1].end_date = r.date
            else:
                jobs.append(Experience(title=title, company=company, end_date=r.date))
    # the newest job first, like every other résumé
    return jobs[::-1]


def certifications(rows: list[_Row]) -> list[str]:
    return [r.value for r in rows if r.mode == "cert" and r.value]


def run(state: ParseState) -> None:
    """Stage: when the document holds a 履歴書 grid, its rows give education and jobs."""
    assert state.doc is not None
    rows, seen = _rows(state.doc.lines)
    if not ({"edu", "exp"} & seen):
        return
    res = state.result
    edu, exp = education(rows), experience(rows)
    if edu or "edu" in seen:
        res.education = edu
    if exp or ("exp" in seen and not any(e.title for e in res.experience)):
        res.experience = exp
    certs = certifications(rows)
    if certs or "cert" in seen:
        res.certifications = certs
