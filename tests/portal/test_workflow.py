"""Editors' moderation workflow (draft → review → publish) and the page history Wagtail keeps."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageLogEntry, Workflow, WorkflowState

from portal.models import ServiceGuidePage
from tests.factories import UserFactory


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_the_site_has_a_moderation_workflow_with_a_review_step(home):
    workflow = home.get_workflow()

    assert isinstance(workflow, Workflow) and workflow.active
    assert [task.specific.groups.get().name for task in workflow.tasks] == ["Moderators"]


def test_editor_cannot_publish_but_can_submit_for_review_and_a_moderator_publishes(
        guides, service_item, editor, moderator):
    page = ServiceGuidePage(title="户籍证明", slug="hjzm", service_item=service_item, live=False, owner=editor)
    guides.add_child(instance=page)
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(editor).can_edit()

    page.save_revision(user=editor, log_action=True)
    state = page.get_workflow().start(page, editor)
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and not page.live

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()

    assert page.live
    actions = list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
    assert {"wagtail.create", "wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"} <= set(actions)


def test_every_publication_is_kept_in_the_page_history_with_its_revision(guide, moderator):
    guide.summary = "第二版"
    guide.save_revision(user=moderator, log_action=True).publish(user=moderator)

    assert guide.revisions.count() >= 2
    first = guide.revisions.order_by("created_at").first().as_object()
    assert first.summary == "开具户籍证明"
    assert PageLogEntry.objects.filter(page=guide, action="wagtail.publish").count() >= 2


def test_editors_get_the_guide_form_and_the_life_event_snippets_in_the_cms(admin_client, guides, guide):
    add = admin_client.get(f"/cms/pages/add/portal/serviceguidepage/{guides.pk}/")
    edit = admin_client.get(f"/cms/pages/{guide.pk}/edit/")
    history = admin_client.get(f"/cms/pages/{guide.pk}/history/")
    events = admin_client.get("/cms/snippets/portal/lifeevent/")

    assert add.status_code == edit.status_code == history.status_code == events.status_code == 200
    assert "service_item" in add.content.decode() and "search_keywords" in edit.content.decode()
