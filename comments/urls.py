from django.urls import path

from comments import views

app_name = "comments"
urlpatterns = [
    path("reply/<slug:slug>/", views.post_reply, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/report/", views.report, name="report"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
