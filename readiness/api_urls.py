from __future__ import annotations

from rest_framework.routers import SimpleRouter

from readiness import api

router = SimpleRouter()
router.register("releases", api.ReleaseViewSet, basename="release")
router.register("checklist-items", api.ChecklistItemViewSet, basename="checklist-item")
urlpatterns = router.urls
