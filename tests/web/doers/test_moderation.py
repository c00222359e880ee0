"""Review of draft cases (issue "People and permissions", point 3): a member submits its draft,
every catalogue moderator is mailed a link to the queue, a moderator sends it back with a remark
the author reads, or approves it and it becomes public. Mail goes through a real SMTP server
(aiosmtpd); every transition is in the change log; nobody else decides."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from circulair.core.errors import InputError
from circulair.web.apps.accounts.models import Profile
from circulair.web.apps.common.history import history_of
from circulair.web.apps.doers import services
from circulair.web.apps.doers.models import Case
from circulair.web.apps.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
PW = "a-long-test-password"
QUEUE = "https://circulair.test/doers/review/"
TITLE = "Repair café Kessel-Lo"


def _user(name: str, *, staff: bool = False, language: str = "en") -> User:
    u = User.objects.create_user(name, email=f"{name}@people.test", password=PW, is_staff=staff)
    Profile.objects.create(user=u, language=language)
    return u


@pytest.fixture
def people(grant_role: Any) -> dict[str, Any]:
    org = Organisation.objects.create(name="Herstelkaai vzw")
    other = Organisation.objects.create(name="Ander Bedrijf NV")
    alice, bob = _user("alice"), _user("bob")
    Membership.objects.create(organisation=org, user=alice)
    Membership.objects.create(organisation=other, user=bob)
    mona, moe = grant_role(_user("mona"), "catalogue_moderator"), _user("moe")
    grant_role(moe, "catalogue_moderator")
    case = services.case_create(
        user=alice,
        data={
            "title": TITLE,
            "summary": "Herstellen in plaats van weggooien.",
            "organisation": org.pk,
        },
    )
    return {
        "org": org,
        "alice": alice,
        "bob": bob,
        "mona": mona,
        "moe": moe,
        "admin": _user("root", staff=True),
        "case": case,
    }


def _client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _subject(message: Any) -> str:
    """The subject as read (a long non-ASCII subject is folded: the parser keeps a space)."""
    return " ".join(str(message["Subject"]).split())


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_member_submits_and_every_moderator_gets_a_link_to_the_queue(
    people: dict[str, Any], mailbox: Any
) -> None:
    case, alice = people["case"], people["alice"]
    Profile.objects.filter(user=people["moe"]).update(notify_moderation=False)  # switched off
    r = _client(alice).post(f"/doers/{case.slug}/submit/")
    assert r.status_code == 302 and r["Location"] == f"/doers/{case.slug}/"
    case = _fresh(case)
    assert case.status == Case.Status.DRAFT and case.in_review
    [to_mona] = mailbox.to("mona@people.test")
    assert _subject(to_mona) == f"[Circulair] Case to review: {TITLE}"
    text = mailbox.text(to_mona)
    assert QUEUE in text and "alice (Herstelkaai vzw)" in text
    assert f'href="{QUEUE}"' in mailbox.html(to_mona)
    assert mailbox.to("moe@people.test") == []  # moderation mail switched off
    assert mailbox.to("alice@people.test") == [] and mailbox.to("root@people.test") == []
    # the queue lists it for a moderator and an administrator, nobody else
    for who in ("mona", "admin"):
        page = _client(people[who]).get("/doers/review/")
        assert page.status_code == 200
        assert f'data-slug="{case.slug}"' in page.content.decode()
    assert _client(alice).get("/doers/review/").status_code == 403
    assert _client(people["bob"]).get("/doers/review/").status_code == 403
    anon = Client().get("/doers/review/")
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]
    # the member sees that it waits; it cannot be submitted twice
    page = _client(alice).get(f"/doers/{case.slug}/").content.decode()
    assert 'id="case-in-review"' in page and 'id="submit-for-review"' not in page
    with pytest.raises(InputError):
        services.case_submit(user=alice, case=case)


def test_send_back_with_a_remark_then_resubmit(people: dict[str, Any], mailbox: Any) -> None:
    case, alice, mona = people["case"], people["alice"], people["mona"]
    services.case_submit(user=alice, case=case)
    mailbox.messages.clear()
    moderator = _client(mona)
    # a remark is required, and at most 2000 characters: nothing changes otherwise
    for bad in ("", "   ", "x" * 2001):
        r = moderator.post(f"/doers/{case.slug}/send-back/", {"remark": bad, "next": "review"})
        assert r.status_code == 302 and r["Location"] == "/doers/review/"
        assert _fresh(case).in_review and _fresh(case).moderation_remark == ""
    assert mailbox.messages == []
    remark = "Vermeld ook hoeveel toestellen per maand hersteld worden."
    r = moderator.post(f"/doers/{case.slug}/send-back/", {"remark": remark, "next": "review"})
    assert r.status_code == 302 and r["Location"] == "/doers/review/"
    case = _fresh(case)
    assert case.status == Case.Status.DRAFT and not case.in_review
    assert case.moderation_remark == remark
    [to_alice] = mailbox.to("alice@people.test")
    assert _subject(to_alice) == f"[Circulair] Your case “{TITLE}” was sent back"
    assert remark in mailbox.text(to_alice)
    assert f"https://circulair.test/doers/{case.slug}/edit/" in mailbox.text(to_alice)
    assert remark in mailbox.html(to_alice)
    # out of the queue; the author reads the remark on the case and on the edit page
    assert f'data-slug="{case.slug}"' not in moderator.get("/doers/review/").content.decode()
    author = _client(alice)
    for url in (f"/doers/{case.slug}/", f"/doers/{case.slug}/edit/"):
        html = author.get(url).content.decode()
        assert 'id="case-remark"' in html and remark in html, url
    assert 'id="submit-for-review"' in author.get(f"/doers/{case.slug}/").content.decode()
    assert Client().get(f"/doers/{case.slug}/").status_code == 404  # still not public
    # the author changes it and submits again: the remark is gone, the moderators are told
    author.post(
        f"/doers/{case.slug}/edit/",
        {
            "organisation": people["org"].pk,
            "title": TITLE,
            "summary": "Herstellen in plaats van weggooien: 120 toestellen per maand.",
            "category": "practice",
        },
    )
    mailbox.messages.clear()
    assert author.post(f"/doers/{case.slug}/submit/").status_code == 302
    case = _fresh(case)
    assert case.in_review and case.moderation_remark == ""
    assert remark not in author.get(f"/doers/{case.slug}/").content.decode()
    assert len(mailbox.to("mona@people.test")) == 1 and len(mailbox.to("moe@people.test")) == 1
    assert [h.action for h in history_of(case)][:3] == ["submit", "send_back", "submit"]
    sent_back = history_of(case).get(action="send_back")
    assert sent_back.user == mona
    assert sent_back.changes == {"in_review": [True, False], "moderation_remark": ["", remark]}


def test_moderator_approves_and_the_case_becomes_public(
    people: dict[str, Any], mailbox: Any
) -> None:
    case, alice, mona = people["case"], people["alice"], people["mona"]
    services.case_submit(user=alice, case=case)
    mailbox.messages.clear()
    anon = Client()
    assert anon.get(f"/doers/{case.slug}/").status_code == 404
    r = _client(mona).post(f"/doers/{case.slug}/publish/", {"next": "review"})
    assert r.status_code == 302 and r["Location"] == "/doers/review/"
    case = _fresh(case)
    assert case.status == Case.Status.PUBLISHED and case.published_at and not case.in_review
    # public: the page, the list, the API list and detail, for anyone
    assert anon.get(f"/doers/{case.slug}/").status_code == 200
    assert f'href="/doers/{case.slug}/"' in anon.get("/doers/", {"q": "kessel"}).content.decode()
    body = anon.get("/api/v1/doers/cases/", {"q": "repair kessel"}).json()
    assert [c["slug"] for c in body["results"]] == [case.slug]
    assert anon.get(f"/api/v1/doers/cases/{case.slug}/").json()["status"] == "published"
    [to_alice] = mailbox.to("alice@people.test")
    assert _subject(to_alice) == f"[Circulair] Your case “{TITLE}” is published"
    assert f"https://circulair.test/doers/{case.slug}/" in mailbox.text(to_alice)
    assert mailbox.to("mona@people.test") == []
    assert 'id="review-empty"' in _client(mona).get("/doers/review/").content.decode()
    published = history_of(case).first()
    assert published is not None and published.action == "publish" and published.user == mona
    assert published.changes == {"status": ["draft", "published"], "in_review": [True, False]}
    # withdrawn and archived: recorded too
    services.case_unpublish(user=alice, case=case)
    services.case_archive(user=mona, case=case)
    assert [h.action for h in history_of(case)][:2] == ["archive", "unpublish"]


def test_members_and_strangers_cannot_decide(people: dict[str, Any], mailbox: Any) -> None:
    case, alice, bob = people["case"], people["alice"], people["bob"]
    services.case_submit(user=alice, case=case)
    mailbox.messages.clear()
    member, stranger, anon = _client(alice), _client(bob), Client()
    for action, data in (("publish", {}), ("send-back", {"remark": "mijn eigen"}), ("archive", {})):
        assert member.post(f"/doers/{case.slug}/{action}/", data).status_code == 403, action
        # another organisation's draft is not even visible
        assert stranger.post(f"/doers/{case.slug}/{action}/", data).status_code == 404, action
        assert anon.post(f"/doers/{case.slug}/{action}/", data).status_code == 302, action
        api = f"/api/v1/doers/cases/{case.slug}/{action}/"
        assert member.post(api, data, content_type="application/json").status_code == 403
        assert stranger.post(api, data, content_type="application/json").status_code == 404
        assert anon.post(api, data, content_type="application/json").status_code == 403
    assert stranger.post(f"/doers/{case.slug}/submit/").status_code == 404
    assert anon.post(f"/api/v1/doers/cases/{case.slug}/submit/").status_code == 403
    assert member.post(f"/doers/{case.slug}/bless/").status_code == 404
    case = _fresh(case)
    assert case.status == Case.Status.DRAFT and case.in_review and case.moderation_remark == ""
    assert mailbox.messages == []
    assert [h.action for h in history_of(case)] == ["submit"]
    # a published case of another organisation: visible, still not theirs to decide on
    services.case_publish(user=people["mona"], case=case)
    assert stranger.post(f"/doers/{case.slug}/archive/").status_code == 403
    assert stranger.post(f"/doers/{case.slug}/unpublish/").status_code == 403
    assert stranger.post(f"/doers/{case.slug}/submit/").status_code == 403
    assert _fresh(case).status == Case.Status.PUBLISHED


def test_moderators_see_and_edit_every_draft_keeping_its_organisation(
    people: dict[str, Any],
) -> None:
    case, mona = people["case"], people["mona"]
    moderator = _client(mona)
    assert moderator.get(f"/doers/{case.slug}/").status_code == 200
    assert moderator.get(f"/api/v1/doers/cases/{case.slug}/").status_code == 200
    assert moderator.get(f"/doers/{case.slug}/edit/").status_code == 200
    r = moderator.post(
        f"/doers/{case.slug}/edit/",
        {
            "organisation": people["org"].pk,
            "title": "Repair café Kessel-Lo (herzien)",
            "summary": "s",
            "category": "other",
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    case = _fresh(case)
    assert case.title.endswith("(herzien)") and case.organisation == people["org"]
    # … but may not move it to an organisation, nor take it away (a crafted request)
    for org in (Organisation.objects.create(name="Derde").pk, ""):
        with pytest.raises(InputError):
            services.case_update(user=mona, case=case, data={"organisation": org})
    # a seeded case (no organisation account) stays without one
    seeded = Case.objects.get(slug="valipac")
    r = moderator.post(
        "/doers/valipac/edit/",
        {"organisation": "", "title": seeded.title, "summary": "Herzien.", "category": "other"},
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    assert _fresh(seeded).organisation is None and _fresh(seeded).summary == "Herzien."
    # the list page shows a moderator how many drafts wait
    services.case_submit(user=people["alice"], case=case)
    assert 'id="review-link"' in moderator.get("/doers/").content.decode()
    assert 'id="review-link"' not in _client(people["alice"]).get("/doers/").content.decode()


def test_api_submit_queue_send_back_and_approve(people: dict[str, Any], mailbox: Any) -> None:
    case, alice, mona, bob = people["case"], people["alice"], people["mona"], people["bob"]
    member, moderator = _client(alice), _client(mona)
    other = services.case_create(
        user=alice,
        data={
            "title": "Zwaluwnesten, ouder concept",
            "summary": "s",
            "organisation": people["org"].pk,
        },
    )
    services.case_submit(
        user=alice, case=other
    )  # submitted first: first in the queue (not by title)
    r = member.post(f"/api/v1/doers/cases/{case.slug}/submit/")
    assert r.status_code == 200 and r.json()["in_review"] is True
    assert r.json()["review_requested_at"] and r.json()["moderation_remark"] == ""
    queue = "/api/v1/doers/cases/?status=draft&in_review=true"
    got = moderator.get(queue).json()
    assert [c["slug"] for c in got["results"]] == [other.slug, case.slug]  # oldest first
    assert {c["slug"] for c in member.get(queue).json()["results"]} == {other.slug, case.slug}
    assert _client(bob).get(queue).json()["count"] == 0
    assert Client().get(queue).json()["count"] == 0
    assert case.slug not in [
        c["slug"] for c in moderator.get(queue.replace("true", "false")).json()["results"]
    ]
    assert moderator.get("/api/v1/doers/cases/?in_review=maybe").status_code == 400
    api = f"/api/v1/doers/cases/{case.slug}"
    for bad in ({}, {"remark": ""}, {"remark": "x" * 2001}):
        r = moderator.post(f"{api}/send-back/", bad, content_type="application/json")
        assert r.status_code == 400 and "remark" in r.json()["error"]["fields"], bad
    r = moderator.post(
        f"{api}/send-back/", {"remark": "Foto erbij?"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["in_review"] is False and r.json()["moderation_remark"] == "Foto erbij?"
    assert member.get(f"{api}/").json()["moderation_remark"] == "Foto erbij?"
    assert "Foto erbij?" in mailbox.text(mailbox.to("alice@people.test")[-1])
    assert member.post(f"{api}/submit/").json()["moderation_remark"] == ""
    assert member.post(f"{api}/publish/").status_code == 403
    r = moderator.post(f"{api}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert Client().get(f"{api}/").status_code == 200
    # a published case is not submitted or sent back
    assert member.post(f"{api}/submit/").status_code == 400
    r = moderator.post(f"{api}/send-back/", {"remark": "te laat"}, content_type="application/json")
    assert r.status_code == 400


def test_a_draft_without_a_summary_is_not_submitted(people: dict[str, Any]) -> None:
    case = services.case_create(
        user=people["alice"],
        data={"title": "Zonder samenvatting", "organisation": people["org"].pk},
    )
    with pytest.raises(InputError) as ei:
        services.case_submit(user=people["alice"], case=case)
    assert ei.value.problems[0].field == "summary"
    assert not _fresh(case).in_review
    # coded and read in the reader's language (issue 15)
    from django.utils import translation

    from circulair.web.apps.common.texts import problem_text

    assert ei.value.problems[0].code == "case_summary_missing"
    with translation.override("nl"):
        assert problem_text(ei.value.problems[0]) == (
            "veld 'summary': een gepubliceerd praktijkvoorbeeld heeft een samenvatting nodig"
        )


def test_a_case_is_never_named_after_a_catalogue_page(people: dict[str, Any]) -> None:
    case = services.case_create(
        user=people["alice"],
        data={"title": "Review", "summary": "s", "organisation": people["org"].pk},
    )
    assert case.slug == "review-2"
    with pytest.raises(InputError):
        services.case_update(user=people["alice"], case=case, data={"slug": "map"})
