"""Training records in the admin, read-only: courses, sessions, registrations and
tests change through the pages' services (audited, region-checked)."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.training.models import Course, Question, QuizAttempt, Registration, Session


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "region", "hours", "pass_mark", "published", "created")
    list_filter = ("published", "region")
    search_fields = ("title",)


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "mode", "starts_at", "place", "capacity", "registration_deadline")
    list_filter = ("mode",)


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("course", "position", "text")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("trainee_name", "session", "region", "state", "hours", "certificate_number")
    list_filter = ("state",)
    search_fields = ("trainee_name", "certificate_number")


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    list_display = ("registration", "score", "passed", "at")
