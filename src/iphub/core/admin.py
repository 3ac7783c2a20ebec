"""Admin for regions, organisations, users and the audit trail, and the one
audited admin base every app's admin builds on.

The admin is a door into the tables beside the pages and the API; what goes
through it is recorded like a service's write, so an administrator's change to
a user's role or an organisation's region shows in the trail as any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from iphub.core.audit import audit_record, snapshot
from iphub.core.audit_actions import Action, admin_action
from iphub.core.fieldcrypt import EncryptedTextField
from iphub.core.models import ADMIN_ROLES, AuditEntry, Organisation, Region, Role, User
from iphub.core.permissions import admin_may_edit_account, can_read_audit
from iphub.core.queue import task_title


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every add, change and delete (inline rows included) leaves an audit row
    ``<app>.<model>.admin_<add|change|delete>`` with the before/after values,
    in the same transaction as the change."""

    def _audit(
        self, request: HttpRequest, obj: models.Model, verb: str, before: dict[str, Any] | None
    ) -> None:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=admin_action(obj._meta.label_lower, verb),
            obj=obj,
            before=before,
            after=snapshot(obj) if verb != "delete" else None,
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(request, obj, "change" if change else "add", before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, obj, "delete", snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # The changelist's "delete selected" action bypasses delete_model.
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", snapshot(obj))
            super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            befores = {
                f.instance.pk: snapshot(type(f.instance).objects.get(pk=f.instance.pk))
                for f in formset.forms
                if f.instance.pk and f.has_changed()
            }
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                self._audit(request, obj, "delete", snapshot(obj))
                obj.delete()
            for obj in instances:
                existed = obj.pk in befores
                obj.save()
                self._audit(request, obj, "change" if existed else "add", befores.get(obj.pk))
            formset.save_m2m()


def named_fields(model: type[models.Model]) -> list[str]:
    """The model's own fields that carry a Chinese name, personal data left out.

    A read-only admin page shows these: fields with no name of their own are
    bookkeeping (versions, digests, idempotency keys), JSON reads as code (the
    pages draw it in words), and encrypted personal data (phone and ID numbers)
    is not the system administrator's to read.
    """
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and not f.auto_created
        and not str(getattr(f, "verbose_name", "")).isascii()
        and not isinstance(f, EncryptedTextField | models.JSONField)
    ]


class _ReadOnly:
    """Nobody adds, changes or deletes through the admin: the records move only
    through their app's services and transition tables, which check who may act and
    audit each step; an admin form would pass them by."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self.fields:  # type: ignore[attr-defined]
            return self.fields  # type: ignore[attr-defined]
        left_out = set(self.exclude or ())  # type: ignore[attr-defined]
        return [f for f in named_fields(self.model) if f not in left_out]  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Every field shown is shown as text (display methods included): no form field.
        return self.get_fields(request, obj)


class ReadOnlyAdmin(_ReadOnly, AuditedAdmin):
    """A read-only admin page on an app's records (see :class:`_ReadOnly`); built on
    :class:`AuditedAdmin` so that a permission opened later is audited from the start.

    ``created`` and ``updated`` name the bookkeeping timestamps most tables carry
    (``created_at``/``updated_at``, fields with no name of their own) for
    ``list_display``."""

    @admin.display(description=_("创建时间"), ordering="created_at")
    def created(self, obj: Any) -> Any:
        return obj.created_at

    @admin.display(description=_("更新时间"), ordering="updated_at")
    def updated(self, obj: Any) -> Any:
        return obj.updated_at


class ReadOnlyInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    """The rows under a record (events, documents, parties), read-only."""

    extra = 0
    can_delete = False


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "kind", "region")
    search_fields = ("name", "uscc")


@admin.register(User)
class IphubUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("iphub", {"fields": ("role", "region", "organisation", "phone")}),
    )
    list_display = ("username", "role", "region", "organisation", "is_active")

    # 三员分立: the system administrator keeps business accounts; who is a superuser,
    # in which group, and whether an account is active (locked) are not his to set.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:  # type: ignore[union-attr]
            return fields
        return (*fields, "is_superuser", "is_staff", "is_active", "groups", "user_permissions")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_may_edit_account(request.user, obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin_may_edit_account(request.user, obj) and super().has_delete_permission(
            request, obj
        )

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:  # type: ignore[union-attr]
            kwargs["choices"] = [c for c in Role.choices if c[0] not in ADMIN_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # The password page saves the form itself, past save_model: record that
        # the password was set (never the hash: snapshot leaves it out).
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                audit_record(actor=request.user, action=Action.USER_ADMIN_PASSWORD, obj=user)  # type: ignore[arg-type]
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip")
    search_fields = ("object_repr", "actor_name", "action")

    # 三员分立: only the audit log's readers read it, here as on the pages; a
    # superuser is a system administrator and does not.
    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return can_read_audit(request.user)

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return can_read_audit(request.user)

    # The trail is append-only: nobody edits or deletes it, not even from the admin.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


TASK_STATUS_LABELS = {
    "READY": _("排队中"),
    "RUNNING": _("运行中"),
    "FAILED": _("失败"),
    "SUCCESSFUL": _("已完成"),
}


class TaskStatusFilter(admin.SimpleListFilter):
    """The queue's states in the reader's words (the package's filter says "status")."""

    title = _("状态")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in TASK_STATUS_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(status=self.value()) if self.value() else queryset


# django-tasks-db registers its own admin with English column names and a filter
# headed "status"; staff read the queue in Chinese, so it is replaced, still read-only
# (the queue moves only through the worker and core.queue).
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(_ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("task_label", "status_label", "enqueued_at", "started_at", "finished_at")
    list_filter = (TaskStatusFilter,)
    ordering = ("-enqueued_at",)
    readonly_fields = (
        "task_label",
        "status_label",
        "enqueued_at",
        "started_at",
        "finished_at",
        "traceback_text",
    )
    fields = readonly_fields

    @admin.display(description=_("任务"))
    def task_label(self, obj: DBTaskResult) -> str:
        return task_title(obj.task_path)

    @admin.display(description=_("状态"))
    def status_label(self, obj: DBTaskResult) -> str:
        return str(TASK_STATUS_LABELS.get(obj.status, obj.status))

    @admin.display(description=_("错误信息"))
    def traceback_text(self, obj: DBTaskResult) -> str:
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "-"
