from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-in/link/<str:token>/new/", views.sign_in_link_renew, name="sign_in_link_renew"),
    path("sign-in/demo/", views.sign_in_demo, name="sign_in_demo"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("me/", views.profile, name="profile"),
    path("me/data.json", views.my_data, name="my_data"),
    path("me/erase/", views.erase_me, name="erase"),
]
