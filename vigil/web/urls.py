from django.urls import path

from vigil.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-school/", views.switch_school, name="switch_school"),
]
