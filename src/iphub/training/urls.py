from django.urls import path

from iphub.training import views

app_name = "training"

urlpatterns = [
    path("", views.courses, name="courses"),
    path("courses/<int:course_id>/", views.course_detail, name="course"),
    path("sessions/<int:session_id>/register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("registrations/<int:registration_id>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:registration_id>/test/", views.quiz, name="quiz"),
    path(
        "registrations/<int:registration_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("keep/", views.keep_list, name="keep_list"),
    path("keep/new/", views.course_new, name="course_new"),
    path("keep/<int:course_id>/", views.keep, name="keep"),
    path("keep/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("keep/sessions/<int:session_id>/", views.roll, name="roll"),
    path(
        "keep/registrations/<int:registration_id>/<str:action>/",
        views.roll_act,
        name="roll_act",
    ),
    path("hours/", views.hours, name="hours"),
]
