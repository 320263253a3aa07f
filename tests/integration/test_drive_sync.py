"""Drive folder sync through the real googleapiclient against the Drive v3 stand-in, on both
databases and real Redis: first sync, incremental sync, de-duplication, crash safety."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.models import IngestRequest
from storage.models import Batch, Candidate, Resume
from tests.fakes.drive_api import DOCX
from tests.integration.drive_rig import DriveRig, drive, rig
from tests.resumes import docx_resume, text_pdf

__all__ = ["drive", "rig"]  # fixtures


def test_first_sync_imports_the_whole_tree_once(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    sub = d.add_folder("2024", root)
    deep = d.add_folder("Senior", sub)
    for i in range(4):  # more than a page (the fake serves 3 per page)
        d.add_file(f"r{i}.pdf", text_pdf(f"Person {i}", f"p{i}@x.test"), root)
    d.add_file("sub.pdf", text_pdf("Sub Person", "sub@x.test"), sub)
    doc = d.add_google_doc("Grace CV", deep, docx=docx_resume("Grace Hopper", "grace@x.test"))
    d.add_file("notes.xlsx", b"PK\x03\x04", root,
               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    d.add_file("sheet", b"", root, mime="application/vnd.google-apps.spreadsheet")
    gone = d.add_file("old.pdf", text_pdf("Old One", "old@x.test"), root)
    d.trash(gone)
    elsewhere = d.add_folder("Private")
    d.add_file("private.pdf", text_pdf("Not Ours", "no@x.test"), elsewhere)
    pk = rig.watch(f"https://drive.google.com/drive/folders/{root}?usp=sharing")

    report = rig.sync()
    assert report.ok, report
    [folder] = report.folders
    assert (folder.mode, folder.imported) == ("full", 6)
    [batch] = rig.batches()
    assert (batch.source, batch.priority, batch.submitted_by) == ("drive", "low", "ann@agency.test")
    assert batch.idempotency_key and batch.idempotency_key.startswith(f"drive:{pk}:")
    assert rig.names(batch.id) == ["Grace CV.docx", "r0.pdf", "r1.pdf", "r2.pdf", "r3.pdf",
                                   "sub.pdf"]
    assert {r.origin for r in rig.harness.resumes(batch.id)} >= {doc}
    # paging was followed, binaries downloaded, the Google Doc exported as DOCX
    assert any("pageToken" in q for _, p, q in d.api_calls("/files") if p.endswith("/files"))
    assert [q["mimeType"] for _, p, q in d.api_calls("/export")] == [DOCX]
    assert sum(q.get("alt") == "media" and not p.endswith("/export")
               for _, p, q in d.api_calls("/files/")) == 5
    saved = rig.folder(pk)
    assert (saved.state, saved.name) == ("active", "Resumes")
    assert saved.page_token and saved.last_synced_at

    again = rig.sync()
    assert again.folders[0].mode == "incremental"
    assert again.folders[0].imported == 0 and again.folders[0].batch_id is None
    assert len(rig.batches()) == 1


def test_incremental_sync_imports_only_new_and_changed_files(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    sub = d.add_folder("Sub", root)
    keep = d.add_file("keep.pdf", text_pdf("Keep Me", "keep@x.test"), root)
    renamed = d.add_file("rename.pdf", text_pdf("Re Name", "rename@x.test"), root)
    moved = d.add_file("move.pdf", text_pdf("Mo Ved", "move@x.test"), root)
    edited = d.add_file("edit.pdf", text_pdf("Ed It", "edit@x.test"), sub)
    doc = d.add_google_doc("Doc CV", sub, docx=docx_resume("Doc Person", "doc@x.test"))
    outside = d.add_folder("Outside")
    pk = rig.watch(root)
    assert rig.sync().folders[0].imported == 5

    new = d.add_file("new.pdf", text_pdf("New Person", "new@x.test"), sub)
    d.rename(renamed, "renamed.pdf")
    d.rename(doc, "Doc CV (final)")  # a Google Doc's version bumps; its bytes do not change
    d.move(moved, sub)
    d.edit(edited, text_pdf("Ed It", "edit@x.test", title="Staff Engineer"))
    d.add_file("other.pdf", text_pdf("Not Here", "not@x.test"), outside)
    brought = d.add_folder("Brought in", outside)
    inside = d.add_file("inside.pdf", text_pdf("In Side", "inside@x.test"), brought)
    d.move(brought, root)  # a folder moved in brings the files it already held
    d.trash(keep)
    list_calls = len(d.api_calls("/files"))

    report = rig.sync()
    [folder] = report.folders
    assert folder.mode == "incremental" and report.ok
    assert folder.imported == 3
    assert rig.names(folder.batch_id) == ["edit.pdf", "inside.pdf", "new.pdf"]
    assert {r.origin for r in rig.harness.resumes(folder.batch_id or 0)} == {
        new, edited, inside}
    # the changes feed was read; only the moved-in folder was listed, not the whole tree
    assert d.api_calls("/changes")
    listed = [q["q"] for _, p, q in d.api_calls("/files")[list_calls:] if p.endswith("/files")]
    assert listed == [f"'{brought}' in parents and trashed = false"]
    assert rig.sync().folders[0].imported == 0
    assert rig.folder(pk).state == "active"


def test_copies_and_touched_files_are_not_imported_again(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    data = text_pdf("Same Bytes", "same@x.test")
    original = d.add_file("a.pdf", data, root)
    rig.watch(root)
    assert rig.sync().folders[0].imported == 1
    d.add_file("copy of a.pdf", data, root)  # another file id, the same content
    d.edit(original, data)  # re-uploaded unchanged: new version, same md5
    report = rig.sync()
    assert (report.folders[0].imported, report.folders[0].unchanged) == (0, 2)
    assert len(rig.records()) == 2 and len(rig.batches()) == 1


def test_a_changed_file_is_a_new_version_of_the_same_candidate(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    cv = d.add_file("ann.pdf", text_pdf("Ann Lee", "ann.lee@x.test", company="Acme Corp"), root)
    d.add_google_doc("Bob CV", root, docx=docx_resume("Bob Stone", "bob@x.test"))
    rig.watch(root)
    first = rig.sync().folders[0]
    rig.harness.run_burst_worker()
    rig.harness.wait_batch_done(first.batch_id or 0)
    assert [r.status for r in rig.harness.resumes(first.batch_id or 0)] == ["parsed", "parsed"]

    d.edit(cv, text_pdf("Ann Lee", "ann.lee@x.test", company="Globex Ltd"))
    second = rig.sync().folders[0]
    assert rig.names(second.batch_id) == ["ann.pdf"]
    rig.harness.run_burst_worker()
    rig.harness.wait_batch_done(second.batch_id or 0)
    versions = rig.resumes_of(cv)
    assert len(versions) == 2
    assert versions[0].candidate_id == versions[1].candidate_id is not None
    assert versions[1].outcome == "updated"
    with rig.harness.services.db.session() as session:
        people = session.scalars(select(Candidate).order_by(Candidate.id)).all()
        assert len(people) == 2
        assert people[0].latest_company == "Globex Ltd"


class Crash(Exception):
    """The process dying between two steps of a sync."""


def test_the_page_token_is_saved_only_after_the_submit(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    d.add_file("a.pdf", text_pdf("A One", "a@x.test"), root)
    pk = rig.watch(root)
    rig.sync()
    token = rig.folder(pk).page_token
    late = d.add_file("late.pdf", text_pdf("Late Comer", "late@x.test"), root)

    def crash_before(request: IngestRequest) -> Batch:
        raise Crash

    with pytest.raises(Crash):
        rig.sync(submit=crash_before)
    assert rig.folder(pk).page_token == token
    assert len(rig.batches()) == 1

    def crash_after(request: IngestRequest) -> Batch:
        rig.harness.intake.submit(request)
        raise Crash

    with pytest.raises(Crash):
        rig.sync(submit=crash_after)
    assert rig.folder(pk).page_token == token  # submitted, but the token was never saved
    assert len(rig.batches()) == 2

    report = rig.sync()  # the repeat: the same request returns the batch already made
    assert report.folders[0].batch_id == rig.batches()[-1].id
    assert len(rig.batches()) == 2
    assert len(rig.resumes_of(late)) == 1
    assert rig.folder(pk).page_token != token
    assert rig.sync().folders[0].imported == 0


def test_rate_limits_and_server_errors_are_retried_with_backoff(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Resumes")
    pk = rig.watch(root)
    for n, status in enumerate((429, 500, 403)):  # 403 as userRateLimitExceeded
        d.add_file(f"{n}.pdf", text_pdf(f"Person {n}", f"p{n}@x.test"), root)
        before = len(d.api_calls())
        d.fail_next(status)
        report = rig.sync(num_retries=1)
        assert report.ok and report.folders[0].imported == 1, status
        calls = d.api_calls()[before:]
        assert calls[0] == calls[1], status  # the refused call was sent again

    d.add_file("b.pdf", text_pdf("B Two", "b@x.test"), root)
    token = rig.folder(pk).page_token
    d.fail_next(503, times=10)
    failed = rig.sync(num_retries=1)
    assert failed.folders[0].state == "failed"
    assert "503" in (failed.folders[0].reason or "")
    assert "after 2 attempts" in (failed.folders[0].reason or "")
    assert (rig.folder(pk).state, rig.folder(pk).page_token) == ("active", token)
    d.clear_failures()
    assert rig.sync().folders[0].imported == 1


def test_a_vanished_folder_is_marked_broken_and_the_others_go_on(rig: DriveRig) -> None:
    d = rig.drive
    gone, locked, trashed, fine = (d.add_folder(n) for n in ("Gone", "Locked", "Binned", "Fine"))
    for folder in (gone, locked, trashed, fine):
        d.add_file("cv.pdf", text_pdf(f"Owner {folder[-4:]}", f"{folder[-6:]}@x.test"), folder)
    pks = [rig.watch(f) for f in (gone, locked, trashed, fine)]
    assert [f.imported for f in rig.sync().folders] == [1, 1, 1, 1]

    d.unshare(gone)
    d.forbid(locked)
    d.trash(trashed)
    d.add_file("new.pdf", text_pdf("New One", "new1@x.test"), fine)
    report = rig.sync()
    assert not report.ok
    assert [f.state for f in report.folders] == ["broken", "broken", "broken", "synced"]
    assert report.folders[3].imported == 1
    reasons = [rig.folder(pk).broken_reason or "" for pk in pks]
    assert "no longer shared with hotgigs@hotgigs-test.iam.gserviceaccount.com" in reasons[0]
    assert reasons[1].startswith("access denied")
    assert reasons[2] == "the folder is in the trash"
    assert rig.folder(pks[3]).state == "active"


def test_a_folder_on_a_shared_drive_syncs(rig: DriveRig) -> None:
    d = rig.drive
    root = d.add_folder("Team resumes", drive_id="0AsharedDrive1")
    d.add_file("a.pdf", text_pdf("Shared One", "s1@x.test"), root)
    rig.watch(root)
    assert rig.sync().folders[0].imported == 1
    d.add_file("b.pdf", text_pdf("Shared Two", "s2@x.test"), root)
    report = rig.sync()
    assert (report.folders[0].mode, report.folders[0].imported) == ("incremental", 1)
    assert all(q.get("driveId") == "0AsharedDrive1" for _, _, q in d.api_calls("/changes"))
    with rig.harness.services.db.session() as session:
        assert session.scalar(select(Resume).where(Resume.filename == "b.pdf")) is not None
