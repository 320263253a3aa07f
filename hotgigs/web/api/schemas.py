"""The API's response and request bodies: pydantic models, so `/api/v1/openapi.json` is exact."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


class BatchCreated(BaseModel):
    batch_id: int
    url: str = Field(description="GET it for the batch's progress and per-file results")
    events_url: str = Field(description="server-sent events: progress, file, done")
    total: int = Field(description="files in the batch (a ZIP counts its entries)")
    state: str


class FileResult(BaseModel):
    resume_id: int
    filename: str
    status: str = Field(description="pending, processing, parsed or failed")
    reason: str | None = Field(None, description="why it failed")
    outcome: str | None = Field(None, description="created, updated or duplicate")
    candidate_id: int | None = None
    candidate_url: str | None = None
    name: str | None = None


class BatchView(BaseModel):
    batch_id: int
    state: str = Field(description="processing or done")
    total: int
    parsed: int
    failed: int
    done: int
    failure_reason: str | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None
    files: list[FileResult]


class MatchView(BaseModel):
    job_id: int | None = None
    slug: str | None = None
    title: str | None = None
    score: float
    reason: str = ""


class ExperienceView(BaseModel):
    title: str | None = None
    company: str | None = None
    start_date: str | None = None
    end_date: str | None = None


class EducationView(BaseModel):
    degree: str | None = None
    institution: str | None = None
    graduation_date: str | None = None


class CandidateSummary(BaseModel):
    id: int
    name: str | None = None
    email: str | None = None
    latest_title: str | None = None
    latest_company: str | None = None
    location: str | None = None
    updated_at: datetime | None = None
    url: str


class CandidateView(CandidateSummary):
    phone: str | None = None
    links: list[str] = Field(default_factory=list)
    summary: str | None = None
    skills: list[str] = Field(default_factory=list)
    experience: list[ExperienceView] = Field(default_factory=list)
    education: list[EducationView] = Field(default_factory=list)
    resumes: int = Field(0, description="resume versions on record")
    matches: list[MatchView] = Field(default_factory=list)


class CandidateList(BaseModel):
    query: str | None
    candidates: list[CandidateSummary]


class JobIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=100_000)
    location: str | None = Field(None, max_length=200)
    remote: bool = False


class JobView(BaseModel):
    id: int
    slug: str
    title: str
    status: str
    location: str | None = None
    remote: bool = False
    required_skills: list[str] = Field(default_factory=list)
    nice_skills: list[str] = Field(default_factory=list)
    min_years: float | None = None
    seniority: str | None = None
    matches_url: str


class JobList(BaseModel):
    jobs: list[JobView]


class RankedCandidate(BaseModel):
    rank: int
    candidate_id: int
    candidate_url: str
    name: str | None = None
    email: str | None = None
    title: str | None = None
    score: float
    reason: str = Field(description="one line: why this candidate fits")
    reasons: list[str] = Field(default_factory=list)


class MatchList(BaseModel):
    job: str
    title: str | None
    matches: list[RankedCandidate]
