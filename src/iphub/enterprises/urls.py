from django.urls import path, re_path

from iphub.enterprises import views

app_name = "enterprises"

USCC = r"(?P<uscc>[0-9A-Za-z]{18})"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("variants/", views.variant_queue, name="variant_queue"),
    path("variants/<int:variant_id>/<str:step>/", views.variant_decide, name="variant_decide"),
    re_path(rf"^{USCC}/$", views.profile, name="profile"),
    re_path(rf"^{USCC}/brief\.(?P<fmt>pdf)$", views.profile_download, name="profile_pdf"),
    re_path(rf"^{USCC}/profile\.(?P<fmt>xlsx)$", views.profile_download, name="profile_xlsx"),
    re_path(rf"^{USCC}/public/$", views.public, name="public"),
    re_path(rf"^{USCC}/public/brief\.(?P<fmt>pdf)$", views.public_download, name="public_pdf"),
    re_path(rf"^{USCC}/public/profile\.(?P<fmt>xlsx)$", views.public_download, name="public_xlsx"),
    re_path(rf"^{USCC}/variants/propose/$", views.variant_propose, name="variant_propose"),
]
