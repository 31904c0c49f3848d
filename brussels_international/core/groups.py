"""Workspace groups and what each may change: the permission matrix, written down once.

Groups follow the directorate's units (source: ``shared/seed``): one group per unit, the
Communication team (which keeps the public site and the directory), the Director and the
Administrator. :func:`groups_setup` creates or updates them; ``manage.py setup_groups``
calls it and ``make run`` runs it at every start. The test
``core/tests/test_groups.py`` checks the matrix over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction

DIRECTORY_MODELS = (
    "directorate",
    "unit",
    "person",
    "partner",
    "network",
    "internationalorganisation",
    "euprogramme",
    "topic",
)


@dataclass(frozen=True)
class GroupSpec:
    """One workspace group: its name, description, and model permissions per app.

    ``permissions`` maps ``"app_label.model"`` to the actions granted among
    ``add``, ``change``, ``delete``, ``view`` and the model's own permissions
    (codename ``<action>_<model>``, e.g. ``assign_letter``). Every group gets ``wagtailadmin.access_admin``.
    ``edit_pages`` grants add/change/publish on the public site's page tree.
    ``blog_author`` grants add/change (no publish) on the blog index pages: the group writes draft
    posts and submits them to the "Blog review" workflow (``website/moderation.py``).
    """

    name: str
    description: str
    permissions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edit_pages: bool = False
    blog_author: bool = False


def _all(actions: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {f"directory.{model}": actions for model in DIRECTORY_MODELS}


LETTERS_UNIT = {"correspondence.letter": ("add", "change", "view", "assign")}
LETTERS_ALL = {"correspondence.letter": ("add", "change", "view", "assign", "view_all")}
CONTROL_LISTS_VIEW = {"permits.controllistversion": ("view",), "permits.controllistentry": ("view",)}
CONTROL_LISTS_CHANGE = {
    "permits.controllistversion": ("change", "view"),
    "permits.controllistentry": ("change", "view"),
}
LICENSING_VIEW = {
    "permits.application": ("view",),
    "permits.organisation": ("view",),
    "permits.licence": ("view",),
    "permits.denialnotification": ("view",),
}
LICENSING_UNIT = {
    "permits.application": (
        "view",
        "change",
        "assess",
        "countersign",
        "decide",
        "assign",
    ),
    "permits.organisation": ("view", "change", "approve"),
    "permits.licence": ("view",),
    "permits.denialnotification": ("view", "change"),
    "permits.criterion": ("view",),
}
SCREENING_LISTS_VIEW = {"screening.listversion": ("view",), "screening.listedentity": ("view",)}
EMBARGOES_VIEW = {"screening.armsembargo": ("view",)}
SCREENINGS_VIEW = {"screening.screening": ("view",), "screening.hit": ("view",), "screening.hitreview": ("view",)}
SCREENINGS_UNIT = {
    "screening.screening": ("add", "view"),
    "screening.hit": ("view", "review"),
    "screening.hitreview": ("view",),
}
NEWSLETTER_KEEP = {
    "newsletter.topic": ("add", "change", "delete", "view"),
    "newsletter.subscriber": ("change", "delete", "view"),
    "newsletter.consent": ("view",),
    "newsletter.campaign": ("add", "change", "delete", "view", "send"),
    "newsletter.bounce": ("view",),
    "website.blogcategory": ("add", "change", "delete", "view"),
}
EMBARGOES_KEEP = {"screening.armsembargo": ("add", "change", "delete", "view")}

WAGTAIL_DEFAULT_GROUPS = ("Moderators", "Editors")

VIEW = ("view",)
EDIT = ("add", "change", "view")
FULL = ("add", "change", "delete", "view")

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "Administrator",
        "Manages accounts, groups and every directory record.",
        {
            **_all(FULL),
            **LETTERS_ALL,
            **CONTROL_LISTS_VIEW,
            "core.auditentry": VIEW,
            "auth.user": FULL,
            "auth.group": FULL,
            "django_tasks_database.dbtaskresult": VIEW,  # background tasks (django-tasks-db's app label)
        },
        edit_pages=True,
    ),
    GroupSpec(
        "Director",
        "Directs the directorate: edits every directory record, sees every unit's letters.",
        {
            **_all(EDIT),
            **LETTERS_ALL,
            **CONTROL_LISTS_VIEW,
            **LICENSING_VIEW,
            **SCREENING_LISTS_VIEW,
            **EMBARGOES_VIEW,
            **SCREENINGS_VIEW,
        },
        True,
    ),
    GroupSpec(
        "Communication",
        "Keeps the public site and the staff directory up to date.",
        {
            **_all(VIEW),
            "directory.person": EDIT,
            "directory.unit": ("change", "view"),
            "directory.directorate": ("change", "view"),
            **CONTROL_LISTS_VIEW,
            **NEWSLETTER_KEEP,
        },
        edit_pages=True,
    ),
    GroupSpec(
        "Bilateral Relations",
        "Bilateral Relations, Public Relations and Protocol unit: keeps the partners.",
        {**_all(VIEW), "directory.partner": EDIT, **LETTERS_UNIT, **CONTROL_LISTS_VIEW},
        blog_author=True,
    ),
    GroupSpec(
        "Multilateral and Europe",
        "Multilateral Relations and Europe unit: keeps networks, organisations, programmes and topics.",
        {
            **_all(VIEW),
            "directory.network": EDIT,
            "directory.internationalorganisation": EDIT,
            "directory.euprogramme": EDIT,
            "directory.topic": EDIT,
            **LETTERS_UNIT,
            **CONTROL_LISTS_VIEW,
        },
        blog_author=True,
    ),
    GroupSpec(
        "EU Delegation",
        "Delegation of the Region to the EU: keeps the EU policy areas.",
        {**_all(VIEW), "directory.topic": EDIT, **LETTERS_UNIT, **CONTROL_LISTS_VIEW},
        blog_author=True,
    ),
    GroupSpec(
        "Finance and Travel",
        "Finance and Travel unit.",
        {**_all(VIEW), **LETTERS_UNIT, **CONTROL_LISTS_VIEW},
        blog_author=True,
    ),
    GroupSpec(
        "Permits",
        "Permits unit (arms, military and dual-use goods).",
        {
            **_all(VIEW),
            **LETTERS_UNIT,
            **CONTROL_LISTS_CHANGE,
            **LICENSING_UNIT,
            **SCREENING_LISTS_VIEW,
            **EMBARGOES_KEEP,
            **SCREENINGS_UNIT,
        },
        blog_author=True,
    ),
)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def groups_setup() -> list[str]:
    """Create or update every group of :data:`GROUPS` with exactly its permissions.

    Wagtail's default groups ("Moderators", "Editors") are removed while nobody is in them.
    Idempotent: permissions added by hand to these groups are removed, so that the
    matrix in code is the truth. Returns the names of the groups created.

    Raises:
        Permission.DoesNotExist: a permission named in the matrix does not exist
            (run ``migrate`` first).
    """
    from wagtail.models import GroupPagePermission, Page

    created = []
    # Wagtail's migrations create "Moderators" and "Editors"; our groups replace them.
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
    access_admin = _permission("wagtailadmin", "access_admin")
    for spec in GROUPS:
        group, was_created = Group.objects.get_or_create(name=spec.name)
        if was_created:
            created.append(spec.name)
        perms = [access_admin]
        for model_label, actions in spec.permissions.items():
            app_label, model = model_label.split(".")
            perms.extend(_permission(app_label, f"{action}_{model}") for action in actions)
        group.permissions.set(perms)
        GroupPagePermission.objects.filter(group=group).delete()
        if spec.edit_pages:
            root = Page.get_first_root_node()
            if root is not None:
                for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
                    GroupPagePermission.objects.create(
                        group=group, page=root, permission=_permission("wagtailcore", codename)
                    )
    blog_authors_setup()
    return created


BLOG_INDEX_TYPE = ("website", "blogindexpage")
BLOG_AUTHOR_PAGE_PERMISSIONS = ("add_page", "change_page")


@transaction.atomic
def blog_authors_setup() -> int:
    """Give each existing group of :data:`GROUPS` with ``blog_author`` the page permissions
    :data:`BLOG_AUTHOR_PAGE_PERMISSIONS` (add and edit, not publish) on every blog index page.

    Idempotent. Called by :func:`groups_setup` and by ``setup_site`` once the blog pages exist.
    Returns the number of permissions created.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import GroupPagePermission, Page

    content_type = ContentType.objects.filter(app_label=BLOG_INDEX_TYPE[0], model=BLOG_INDEX_TYPE[1]).first()
    if content_type is None:
        return 0
    pages = list(Page.objects.filter(content_type=content_type))
    perms = [_permission("wagtailcore", codename) for codename in BLOG_AUTHOR_PAGE_PERMISSIONS]
    created = 0
    for group in Group.objects.filter(name__in=[spec.name for spec in GROUPS if spec.blog_author]):
        for page in pages:
            for perm in perms:
                created += GroupPagePermission.objects.get_or_create(group=group, page=page, permission=perm)[1]
    return created
